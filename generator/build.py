"""The build pipeline, in the order it runs.

    load_config → gather → make_model → plan → render_site → finish → verify_links → write

gather        read and validate the data, the data checks, the content and the interface words
make_model    figures, computed indices, key figures, downloads: what pages are made from
plan          every page of the site, each with the input files it is made from
render_site   every page and file of the site as {path: bytes}, in memory
finish        files made from the rendered pages (the search index)
verify_links  every internal link and #anchor resolves
write         the output folder is replaced in one step, only when all of the above succeeded

``aimaq check`` (generator.check) runs the same stages without writing; ``aimaq serve``
(generator.serve) re-runs them for what changed. Progress goes to an optional callback;
nothing here prints.
"""
from __future__ import annotations

import os

import time
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Callable, Iterator

from .config import Edition, SiteConfig, load_config
from .content.load import Content, load_content
from .data.checks import CheckResult, run_checks, unexpected
from .data.load import load_dataset
from .data.model import Dataset
from .errors import AimaqError
from .output import check_path, write_site
from .site import inputs as page_inputs
from .site import pages, render, urls
from .site.downloads import download_files
from .site.figures import FigureIndex
from .site.indexview import IndexView
from .site.links import check_links
from .site.search import search_bundle
from .site.social import og_cards


# -- progress -------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` steps of a stage."""

    stage: str      # data, checks, content, compute, plan, render, search, links, write
    done: int
    total: int


ProgressFn = Callable[[Progress], None]


@dataclass
class BuildReport:
    output: Path
    pages: int = 0
    charts: int = 0
    files: int = 0
    checks: int = 0
    warnings: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


class Stages:
    """Times each stage into ``report.stages`` and passes progress to the callback."""

    def __init__(self, report: BuildReport | None = None, progress: ProgressFn | None = None):
        self.times: dict[str, float] = report.stages if report is not None else {}
        self.progress = progress

    def _emit(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(Progress(stage, done, total))

    @contextmanager
    def __call__(self, name: str, total: int = 1) -> Iterator[Callable[[], None]]:
        done = 0

        def advance() -> None:
            nonlocal done
            done += 1
            self._emit(name, done, total)

        self._emit(name, 0, total)
        t0 = time.perf_counter()
        try:
            yield advance
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0
        if done < total:
            self._emit(name, total, total)


def _stages(stage: Stages | None) -> Stages:
    return stage if stage is not None else Stages()


# -- gather ---------------------------------------------------------------------------


@dataclass
class Inputs:
    """Everything read from the project's files for one edition, validated."""

    config: SiteConfig
    edition: Edition
    dataset: Dataset
    checks: list[CheckResult]
    content: Content
    strings: dict[str, dict[str, str]]


def display_path(path: Path, base: Path) -> Path:
    """``path`` relative to the project root when it is inside it."""
    try:
        return Path(path).resolve().relative_to(base)
    except ValueError:
        return Path(path)


def run_data_checks(dataset: Dataset, base: Path) -> list[CheckResult]:
    """checks.yaml; a check that contradicts its declaration stops the build."""
    results = run_checks(dataset)
    problem = unexpected(results, display_path(dataset.root / "checks.yaml", base))
    if problem:
        raise problem
    return results


def gather(config: SiteConfig, edition_id: str | None = None,
           stage: Stages | None = None) -> Inputs:
    """Load and validate everything one edition needs; write nothing."""
    stage = _stages(stage)
    edition = config.edition(edition_id)
    with stage("data"):
        dataset = load_dataset(config.data_path, edition.id, base=config.root)
    with stage("checks"):
        checks = run_data_checks(dataset, config.root)
    with stage("content"):
        content = load_content(config.content_path, edition.id, config.languages,
                               dataset.unit_ids(), base=config.root)
        strings = render.load_strings(config.templates_path, config.languages)
    return Inputs(config, edition, dataset, checks, content, strings)


# -- model ----------------------------------------------------------------------------


class _ReadLog(Dataset):
    """The dataset as the index engine sees it, recording what it reads, so the pages
    showing indices know which tables they depend on."""

    reads: set
    _inside: bool = False

    def select(self, indicator=None, *, year=None, table=None, category=None, units=None):
        self.reads.add((indicator, table))
        object.__setattr__(self, "_inside", True)
        try:
            return super().select(indicator, year=year, table=table, category=category,
                                  units=units)
        finally:
            object.__setattr__(self, "_inside", False)

    def __getattribute__(self, name: str) -> Any:
        if name == "observations" and not object.__getattribute__(self, "_inside"):
            object.__getattribute__(self, "reads").add((None, None))   # read it all
        return object.__getattribute__(self, name)


def compute_indices(dataset: Dataset, reads: set | None = None):
    """Every index of the edition's methodology.yaml; None when the edition has none.

    ``reads`` collects the (indicator, table) queries the engine made."""
    from .indices import compute

    if not (dataset.root / "methodology.yaml").is_file():
        return None
    if reads is None:
        return compute(dataset)
    log = _ReadLog(**{f.name: getattr(dataset, f.name) for f in fields(dataset)})
    log.reads = reads
    return compute(log)


def make_model(inputs: Inputs, stage: Stages | None = None, *,
               indices: tuple[Any, set] | None = None) -> pages.SiteModel:
    """What the pages are made from. ``indices`` = (results, reads) reuses computed indices."""
    stage = _stages(stage)
    config, dataset = inputs.config, inputs.dataset
    with stage("compute"):
        figures = FigureIndex(dataset)
        if indices is None:
            reads: set = set()
            results = compute_indices(dataset, reads)
        else:
            results, reads = indices
        site = pages.SiteModel(
            config=config, edition=inputs.edition, dataset=dataset, content=inputs.content,
            figures=figures, strings=inputs.strings,
            indices=IndexView(results, dataset) if results is not None else None)
        site.index_reads = reads
        site.key_figures = pages.home_figures(site)
        site.downloads = download_files(dataset, results, config.languages, config.title)
    return site


# -- plan -----------------------------------------------------------------------------


def _same_path_error(spec, other) -> AimaqError:
    for s in (spec, other):
        page = s.context.get("page_content")
        if page is not None and s.key[0] == "page":
            return AimaqError(f"this page would be written at {spec.path}, which the "
                              f"{(other if s is spec else spec).key[0]} page already uses",
                              page.path, 1, "rename the file (its name is the page's address)")
    return AimaqError(f"two pages would be written at {spec.path}", None, None,
                      "give every page its own address")


def plan(site: pages.SiteModel, stage: Stages | None = None) -> list[pages.PageSpec]:
    """Every page of the site, each with the input files it is made from."""
    with _stages(stage)("plan"):
        specs = pages.plan(site)
    with _stages(stage)("charts"):
        site.charts = plan_site_charts(site)
        for spec in specs:
            spec.context["charts"] = site.charts.get(spec.key, spec.lang)
    with _stages(stage)("plan"):
        ds = site.dataset
        methodology = ds.root / "methodology.yaml" if site.indices is not None else None
        tables = page_inputs.index_tables(ds, site.index_reads)
        seen: dict[str, pages.PageSpec] = {}
        for spec in specs:
            check_path(spec.path)
            if spec.path in seen:
                raise _same_path_error(spec, seen[spec.path])
            seen[spec.path] = spec
            if spec.inputs is None:
                spec.inputs = page_inputs.expand(page_inputs.of_spec(spec, site.config.root),
                                                 ds, methodology, tables)
    return specs


# -- render ---------------------------------------------------------------------------


def assets(templates_dir: Path) -> dict[str, bytes]:
    """Static files of the theme, copied to output/assets/."""
    root = templates_dir / "assets"
    files: dict[str, bytes] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files["assets/" + path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def render_pages(site: pages.SiteModel, specs: list[pages.PageSpec],
                 stage: Stages | None = None, only: set[str] | None = None) -> dict[str, bytes]:
    """The HTML of every page (or of the pages in ``only``)."""
    count = len(specs) if only is None else len(only)
    with _stages(stage)("render", total=count) as advance:
        env = render.environment(site.config.templates_path)
        return render.render(site, specs, env, only=only, on_page=lambda _path: advance())


def plan_site_charts(site: pages.SiteModel):
    """Every chart of the site (content/<edition>/charts.yaml), per page and language."""
    from .charts import find_boundary_file, load_boundaries, load_chart_strings
    from .site.chartplan import plan_charts

    strings = load_chart_strings(site.config.templates_path, site.config.languages)
    boundary_file = find_boundary_file(site.dataset.root)
    boundaries = load_boundaries(boundary_file) if boundary_file else None
    return plan_charts(site, strings, boundaries)


def chart_files(site: pages.SiteModel, stage: Stages | None = None) -> dict[str, bytes]:
    """Each chart's spec, data (CSV), static SVG and SVG/PNG downloads, plus the chart
    scripts. Images are rendered offline and cached by content under .cache/charts."""
    from .charts import all_chart_files, chart_assets, use_render_cache

    memo = getattr(site, "chart_files", None)
    if memo is not None:
        return memo
    charts = site.charts.all() if getattr(site, "charts", None) else []
    if not charts:
        return {}
    use_render_cache(site.config.root / ".cache" / "charts")
    with _stages(stage)("svg", total=len(charts)):
        files = all_chart_files([(c, f"charts/{c.lang}") for c in charts],
                                workers=os.cpu_count() or 1)
    files.update(chart_assets(site.config.languages))
    site.chart_files = files
    return files


def site_files(site: pages.SiteModel, specs: list[pages.PageSpec],
               stage: Stages | None = None) -> dict[str, bytes]:
    """Everything besides the pages: redirect, sitemap, theme assets, data downloads."""
    files = {"index.html": render.redirect_page(site)}
    files.update(chart_files(site, stage))
    files.update(og_cards(site.config))
    files.update(render.crawler_files(site, specs))
    files.update(assets(site.config.templates_path))
    files.update(site.downloads)
    return files


def render_site(site: pages.SiteModel, specs: list[pages.PageSpec],
                stage: Stages | None = None) -> dict[str, bytes]:
    chart_files(site, stage)        # images first: the pages read their sizes
    files = render_pages(site, specs, stage)
    files.update(site_files(site, specs, stage))
    return files


def finish(files: dict[str, bytes], stage: Stages | None = None) -> dict[str, bytes]:
    """Add the files made from the rendered pages: the search index."""
    with _stages(stage)("search"):
        files.update(search_bundle(files))
    return files


def verify_links(files: dict[str, bytes], site: pages.SiteModel, specs: list[pages.PageSpec],
                 stage: Stages | None = None, cache: dict | None = None) -> None:
    """Stop on any internal link or #anchor that does not resolve, naming its source."""
    from .check import link_problems

    with _stages(stage)("links"):
        broken = check_links(files, urls.base_path(site.config.base_url), cache=cache)
    if broken:
        problems = link_problems(broken, site, specs)
        first = problems[0]
        others = ", ".join(f"{p.file}:{p.line}" for p in problems[1:5])
        more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
        raise AimaqError(f"{len(broken)} broken internal link(s), the first: {first.message}"
                         + (f"; others at {others}{more}" if others else ""),
                         first.file, first.line,
                         "correct the link in the template or content page "
                         "('aimaq check' lists every one)")


def warnings(site: pages.SiteModel) -> list[str]:
    """What the build accepts but a reader may miss."""
    from .check import missing_translations

    out = [str(p) for p in missing_translations(site.content, site.config)]
    if not urls.is_absolute(site.config.base_url):
        out.append(f"base_url {site.config.base_url!r} is a path: sitemap.xml lists paths, "
                   "not full addresses; set base_url to the site's https:// address before "
                   "publishing")
    return out


def count_charts(site: pages.SiteModel) -> int:
    """Charts on the site's pages (``site.charts``: a list, or a plan with ``all()``)."""
    charts = getattr(site, "charts", None)
    if charts is None:
        return 0
    return len(charts.all() if hasattr(charts, "all") else charts)


# -- build ----------------------------------------------------------------------------


def build(config_path: Path | str = "site.yaml", output: Path | None = None,
          edition_id: str | None = None, progress: ProgressFn | None = None) -> BuildReport:
    config = load_config(config_path)
    out = Path(output) if output else config.output_path
    report = BuildReport(output=out)
    stage = Stages(report, progress)

    inputs = gather(config, edition_id, stage)
    site = make_model(inputs, stage)
    specs = plan(site, stage)
    files = render_site(site, specs, stage)
    files = finish(files, stage)
    verify_links(files, site, specs, stage)
    with stage("write"):
        write_site(files, out)

    report.checks = len(inputs.checks)
    report.pages = sum(1 for path in files if path.endswith(".html")
                       and not path.startswith("pagefind/"))
    report.charts = count_charts(site)
    report.files = len(files)
    report.warnings = warnings(site)
    return report


def check_results_summary(results: list[CheckResult]) -> tuple[int, int]:
    passed = sum(1 for r in results if r.passed)
    return passed, len(results) - passed
