"""The build pipeline, in the order it runs (``run``), for every command.

    load_config → gather → compute → protect → relate → plan → render → finish
                → verify_links → write

gather        read and validate each edition's data, data checks, content and interface words
compute       the edition's indices and its groups' members (``Computed``)
protect       a frozen edition's inputs and results still match its lock (or an erratum)
relate        what changed since the previous edition, each unit's values across editions;
              then each edition's model (make_model: figures, key figures, similar units,
              downloads), made once with all of it and never changed (``EditionModel``)
plan          every page of every edition, each with the input files it is made from: the
              edition's permalinks (<edition>/<lang>/…) and, for the current edition, the
              same pages at <lang>/… (short addresses: stubs leading to the permalinks)
render        every page rendered once, streamed into the staging folder beside the output
              folder by the worker that rendered it (in memory for check and serve), with
              its links and ids (the link graph); then the other files of the site
finish        files made from the rendered pages (the search index of each edition: in a
              build, Pagefind starts as soon as the pages are written and indexes while
              the last images are drawn and the links are checked)
verify_links  every internal link and #anchor resolves, checked on the link graph
write         the rest of the files go into the staging folder, which replaces the output
              folder in one step, only when all of the above succeeded

``aimaq build`` runs them all and stops at the first mistake. ``aimaq check``
(generator.check) runs the same stages with a ``Stages`` that collects every mistake and
writes nothing. ``aimaq serve`` (generator.serve) runs them for one edition at the site
root, then re-runs single stages for what changed. Progress goes to an optional callback;
nothing here prints.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from . import cache, images, theme
from .charts import (
    all_chart_files,
    chart_assets,
    find_boundary_file,
    images_drawing,
    load_boundaries,
    load_chart_strings,
    prefetch,
    prefetch_bundle,
    use_render_cache,
)
from .config import Edition, SiteConfig, load_config
from .content.load import Content, load_content
from .content.structured import Structured
from .content.translations import missing_translations
from .data.checks import CheckResult, run_checks, unexpected
from .data.geo import boundary_attribution, boundary_licence
from .data.load import load_dataset
from .data.model import Dataset
from .editions.archive import edition_archive
from .editions.compare import compare
from .editions.lock import change_error, differences, lock_path, verify
from .errors import AimaqError, Problem
from .indices import compute
from .indices.results import Results
from .output import Stored, check_path, guard_output, staging_folder, write_file, write_site
from .parallel import fork_map, workers
from .site import inputs as page_inputs
from .site import pages, render, urls
from .site.chartplan import ChartPlan, plan_charts
from .site.downloads import download_files
from .site.edition_citation import archive_name, citation_cff
from .site.editions import EditionLinks
from .site.figures import FigureIndex, similar_units
from .site.indexview import IndexView
from .site.labels import missing_labels
from .site.links import LinkCache, PageLinks, check_graph, check_links, summarize
from .site.problems import link_problems
from .site.search import Indexing, search_bundle, start_search
from .site.social import og_cards

#: A site's files by path: their bytes, or a :class:`Stored` standing in for bytes that are
#: on disk already (pages written by the render workers, search index files).
SiteFiles = dict[str, "bytes | Stored"]


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
    editions: list[str] = field(default_factory=list)
    up_to_date: bool = False        # nothing changed since the last build into ``output``

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


class Stages:
    """Runs the stages: times each into ``report.stages``, passes progress to the callback,
    and decides what a mistake does.

    A build stops at the first mistake (the error is raised). ``aimaq check`` runs the same
    stages with ``problems`` set: a mistake is recorded there and the stage goes on where it
    can, so one run lists every problem; ``writes`` is then False (no cache, no output)."""

    def __init__(self, report: BuildReport | None = None, progress: ProgressFn | None = None,
                 problems: list[Problem] | None = None, base: Path | None = None):
        self.times: dict[str, float] = report.stages if report is not None else {}
        self.progress = progress
        self.problems = problems
        self.base = base
        self.counts: dict[str, int] = {}      # what was done: data checks run, pages rendered

    @property
    def collecting(self) -> bool:
        return self.problems is not None

    @property
    def writes(self) -> bool:
        return self.problems is None

    def report(self, err: AimaqError, default_file: Path | str | None = None) -> None:
        """A mistake: raised in a build, recorded (at ``default_file`` when it names no
        file of its own) in a check."""
        if self.problems is None:
            raise err
        self.problems.append(Problem.of(err, default_file, self.base))

    def attempt(self, make: Callable[[], Any], default_file: Path | str | None = None) -> Any:
        """``make()``; in a check, a mistake is recorded and the result is None."""
        if self.problems is None:
            return make()
        try:
            return make()
        except AimaqError as err:
            self.report(err, default_file)
            return None

    def count(self, what: str, n: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

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
    notes: list[str] = field(default_factory=list)   # what a draft build let pass


def display_path(path: Path, base: Path) -> Path:
    """``path`` relative to the project root when it is inside it."""
    try:
        return Path(path).resolve().relative_to(base)
    except ValueError:
        return Path(path)


def run_data_checks(dataset: Dataset, base: Path, stage: Stages | None = None,
                    draft: bool = False, notes: list[str] | None = None
                    ) -> list[CheckResult] | None:
    """checks.yaml; a check that contradicts its declaration is a mistake (every one of
    them in a check). A new draft has tables without numbers yet: its checks wait, with a
    note saying so. None when the checks could not run."""
    stage = _stages(stage)
    file = display_path(dataset.root / "checks.yaml", base)
    try:
        results = run_checks(dataset)
        problem = unexpected(results, file)
        if problem is not None and not stage.collecting:
            raise problem
    except AimaqError as err:
        if draft and not stage.collecting and notes is not None:
            notes.append(f"draft edition {dataset.edition}: data checks not run yet: {err}")
            return []
        stage.report(err, file)
        return None
    stage.count("checks", len(results))
    for result in results:
        mistake = unexpected([result], file)
        if mistake is not None:
            stage.report(mistake)
    return results


def gather(config: SiteConfig, edition_id: str | None = None,
           stage: Stages | None = None) -> Inputs | None:
    """Load and validate everything one edition needs; write nothing. None (in a check)
    when a mistake was found, each one recorded."""
    stage = _stages(stage)
    edition = config.edition(edition_id)
    before = len(stage.problems or ())
    with stage("data"):
        dataset = stage.attempt(
            lambda: load_dataset(config.data_path, edition.id, base=config.root,
                                 languages=config.languages),
            display_path(config.data_path / edition.id, config.root))
    notes: list[str] = []
    checks = None
    if dataset is not None:
        with stage("checks"):
            checks = run_data_checks(dataset, config.root, stage, edition.draft, notes)
    with stage("content"):
        found: list[AimaqError] | None = [] if stage.collecting else None
        content = stage.attempt(lambda: load_content(
            config.content_path, edition.id, config.languages,
            dataset.unit_ids() if dataset is not None else None, base=config.root,
            problems=found), config.content_path)
        for err in found or ():
            stage.report(err, config.content_path)
        strings = stage.attempt(lambda: render.load_strings(config.templates_path,
                                                            config.languages),
                                config.templates_path / "strings.yaml")
        if strings is not None and dataset is not None:
            for err in missing_labels(strings, dataset, config.languages):
                stage.report(err)
    if len(stage.problems or ()) > before or dataset is None or checks is None \
            or content is None or strings is None:
        return None
    return Inputs(config, edition, dataset, checks, content, strings, notes)


# -- model ----------------------------------------------------------------------------


#: The (indicator, table) queries the index engine made; (None, None): it read everything.
Reads = set[tuple[str | None, str | None]]


class _ReadLog(Dataset):
    """The dataset as the index engine sees it, recording what it reads, so the pages
    showing indices know which tables they depend on."""

    reads: Reads
    _inside: bool = False

    def select(self, indicator: str | None = None, *, year: int | None = None,
               table: str | None = None, category: str | None = None,
               units: Iterable[str] | None = None) -> pd.DataFrame:
        self.reads.add((indicator, table))
        object.__setattr__(self, "_inside", True)
        try:
            frame: pd.DataFrame = super().select(indicator, year=year, table=table,
                                                 category=category, units=units)
            return frame
        finally:
            object.__setattr__(self, "_inside", False)

    def __getattribute__(self, name: str) -> Any:
        if name == "observations" and not object.__getattribute__(self, "_inside"):
            object.__getattribute__(self, "reads").add((None, None))   # read it all
        return object.__getattribute__(self, name)


def compute_indices(dataset: Dataset, reads: Reads | None = None,
                    cache_dir: Path | None = None) -> Results | None:
    """Every index of the edition's methodology.yaml; None when the edition has none.

    ``reads`` collects the (indicator, table) queries the engine made. With ``cache_dir``,
    results are kept by the hash of the edition's data folder and the engine's code, so an
    unchanged edition is never computed twice."""
    if not (dataset.root / "methodology.yaml").is_file():
        return None
    k = None
    if cache_dir is not None:
        k = cache.key(cache.digest_files([dataset.root], dataset.root),
                      cache.code_digest())
        hit: tuple[Results, Reads] | None = cache.load(cache_dir, "indices", k)
        if hit is not None:
            results, seen = hit
            if reads is not None:
                reads |= seen
            return results
    log = _ReadLog(**{f.name: getattr(dataset, f.name) for f in fields(dataset)})
    log.reads = set()
    results = compute(log)
    if reads is not None:
        reads |= log.reads
    if k is not None:
        cache.store(cache_dir, "indices", k, (results, log.reads))
    return results


@dataclass(frozen=True)
class Computed:
    """An edition's computed indices: what the compute stage makes before its model."""

    inputs: Inputs
    results: Results | None                 # None: the edition has no methodology (yet)
    reads: frozenset[tuple[str | None, str | None]]   # (indicator, table) the engine read
    indices: IndexView | None
    structured: Structured
    members: dict[str, list[str]]           # group id → unit ids


def compute_edition(inputs: Inputs, stage: Stages | None = None, *,
                    indices: tuple[Results | None, Reads] | None = None) -> Computed | None:
    """The edition's indices (``indices`` = (results, reads) reuses computed ones) and its
    groups. Computed results are kept and reused under .cache/ unless the stages write
    nothing (``aimaq check``). None (in a check) when the indices cannot be computed."""
    stage = _stages(stage)
    config, dataset = inputs.config, inputs.dataset
    with stage("compute"):
        if indices is None:
            reads: Reads = set()
            try:
                results = compute_indices(dataset, reads,
                                          config.root / ".cache" if stage.writes else None)
            except AimaqError as err:
                if stage.collecting or not inputs.edition.draft:
                    stage.report(err, display_path(dataset.root / "methodology.yaml",
                                                   config.root))
                    return None
                results = None
                inputs.notes.append(f"draft edition {inputs.edition.id}: indices not "
                                    f"computed yet: {err}")
        else:
            results, reads = indices
        structured = stage.attempt(
            lambda: pages.read_structured(config, inputs.edition, dataset),
            config.content_path)
        if structured is None:
            return None
        return Computed(inputs, results, frozenset(reads),
                        IndexView(results, dataset) if results is not None else None,
                        structured, pages.memberships(structured, dataset, results))


def make_model(computed: Computed, stage: Stages | None = None,
               relations: pages.Relations | None = None) -> pages.EditionModel:
    """What the pages of an edition are made from, made once: figures, key figures,
    similar units, downloads, beside the computed indices and how the edition relates to
    the others (``relations``, from :func:`relate`)."""
    inputs = computed.inputs
    config, dataset, edition = inputs.config, inputs.dataset, inputs.edition
    with _stages(stage)("compute"):
        figures = FigureIndex(dataset)
        downloads = download_files(dataset, computed.results, config.languages, config.title)
        downloads.update(edition_downloads(config, edition, downloads))
        return pages.EditionModel(
            config=config, edition=edition, dataset=dataset, content=inputs.content,
            figures=figures, strings=inputs.strings, structured=computed.structured,
            similar=similar_units(dataset),
            key_figures=pages.home_figures(inputs.content, dataset, figures, edition,
                                           inputs.notes if edition.draft else None),
            downloads=downloads, indices=computed.indices, results=computed.results,
            index_reads=computed.reads, relations=relations or pages.Relations(),
            cache_dir=config.root / ".cache" if _stages(stage).writes else None,
            members=computed.members,
            by_unit=pages.recommendations_by_unit(computed.structured, computed.members,
                                                  dataset))


def edition_downloads(config: SiteConfig, edition: Edition,
                      downloads: dict[str, bytes]) -> dict[str, bytes]:
    """The edition's archive (data, methodology, computed indices) and CITATION.cff."""
    base = f"downloads/{edition.id}/"
    computed = {name: downloads[base + name] for name in
                ("indices.csv", "audit.csv", "sensitivity.csv") if base + name in downloads}
    return {base + archive_name(edition.id): edition_archive(config, edition, computed),
            base + "CITATION.cff": citation_cff(config, edition).encode("utf-8")}


# -- protect and relate ----------------------------------------------------------------


def protect(computed: Computed, stage: Stages | None = None) -> None:
    """A frozen edition's inputs and results still match its lock, or an erratum explains
    each change: a build stops at a silent change, a check lists every one."""
    stage = _stages(stage)
    with stage("protect"):
        config, eid = computed.inputs.config, computed.inputs.edition.id
        if stage.collecting:
            changes = stage.attempt(lambda: differences(config, eid, computed.results))
            for change in changes or ():
                if not change.covered:
                    stage.report(change_error(config, eid, change))
        else:
            verify(config, eid, computed.results)


def relate(computed: dict[str, Computed], stage: Stages | None = None
           ) -> dict[str, pages.EditionModel]:
    """The models of the editions (oldest first), each made with how it relates to the
    others: what changed since the previous edition, each unit's values across editions."""
    ids = list(computed)
    views = tuple((i, computed[i].indices) for i in ids) if len(ids) > 1 else ()
    models: dict[str, pages.EditionModel] = {}
    for n, edition_id in enumerate(ids):
        this = computed[edition_id]
        changes, previous = None, None
        if n > 0:
            with _stages(stage)("compare"):
                prev = computed[ids[n - 1]]
                changes = compare((ids[n - 1], prev.inputs.dataset, prev.indices),
                                  (edition_id, this.inputs.dataset, this.indices),
                                  prev.members, this.members)
            previous = models[ids[n - 1]]
        models[edition_id] = make_model(this, stage,
                                        pages.Relations(changes, previous, views))
    return models


# -- plan -----------------------------------------------------------------------------


def _same_path_error(spec: pages.PageSpec, other: pages.PageSpec) -> AimaqError:
    for s in (spec, other):
        page = s.context.get("page_content")
        if page is not None and s.key[0] == "page":
            return AimaqError(f"this page would be written at {spec.path}, which the "
                              f"{(other if s is spec else spec).key[0]} page already uses",
                              page.path, 1, "rename the file (its name is the page's address)")
    return AimaqError(f"two pages would be written at {spec.path}", None, None,
                      "give every page its own address")


def plan(model: pages.EditionModel, paths: urls.Paths, charts: ChartPlan,
         stage: Stages | None = None, not_found: bool = True) -> list[pages.PageSpec]:
    """Every page of one tree of the site (the edition's pages at ``paths``), each with its
    charts (from ``charts``, the edition's chart plan) and the input files it is made from."""
    with _stages(stage)("plan"):
        specs = pages.plan(model, paths, not_found=not_found)
    with _stages(stage)("charts"):
        for spec in specs:
            spec.context["charts"] = charts.get(spec.key, spec.lang)
    with _stages(stage)("plan"):
        ds = model.dataset
        methodology = ds.root / "methodology.yaml" if model.indices is not None else None
        tables = page_inputs.index_tables(ds, model.index_reads)
        seen: dict[str, pages.PageSpec] = {}
        walked: dict[tuple[int, int], Any] = {}     # lists the pages' contexts share
        for spec in specs:
            check_path(spec.path)
            if spec.path in seen:
                raise _same_path_error(spec, seen[spec.path])
            seen[spec.path] = spec
            if spec.inputs is None:
                spec.inputs = page_inputs.expand(
                    page_inputs.of_spec(spec, model.config.root, walked), ds, methodology,
                    tables)
    return specs


# -- render ---------------------------------------------------------------------------


def assets(templates_dir: Path) -> dict[str, bytes]:
    """Static files of the theme, each overridable by the project's, copied to
    output/assets/."""
    return theme.assets(templates_dir)


def render_pages(model: pages.EditionModel, paths: urls.Paths, specs: list[pages.PageSpec],
                 stage: Stages | None = None, only: set[str] | None = None) -> dict[str, bytes]:
    """The HTML of every page (or of the pages in ``only``) of one tree."""
    count = len(specs) if only is None else len(only)
    with _stages(stage)("render", total=count) as advance:
        env = render.environment(model.config.templates_path)
        return render.render(model, paths, specs, env, only=only,
                             on_page=lambda _path: advance())


def plan_site_charts(model: pages.EditionModel) -> ChartPlan:
    """Every chart of the site (content/<edition>/charts.yaml), per page and language.

    Charts show data and indices, never Markdown: the plan is cached by the hash of what
    it is made from (the edition's data, and the previous edition's for "what changed",
    charts.yaml, site.yaml, the interface words and the code), so editing text reuses it."""
    config = model.config
    cache_dir = model.cache_dir
    sources = [model.dataset.root, config.content_path / model.edition.id / "charts.yaml",
               config.root / "site.yaml", config.templates_path / "strings.yaml",
               config.templates_path / "chart_strings.yaml",
               theme.THEME_DIR / "strings.yaml", theme.THEME_DIR / "chart_strings.yaml"]
    if model.previous_model is not None:
        sources.append(model.previous_model.dataset.root)
    k = cache.key(cache.digest_files(sources, config.root),
                  cache.code_digest(),
                  model.edition.id)
    hit: ChartPlan | None = cache.load(cache_dir, "chartplan", k)
    if hit is not None:
        return hit
    strings = load_chart_strings(config.templates_path, config.languages)
    boundary_file = find_boundary_file(model.dataset.root)
    strings = strings.with_map_attribution(boundary_attribution(boundary_file,
                                                                config.languages))
    boundaries = load_boundaries(boundary_file) if boundary_file else None
    planned: ChartPlan = plan_charts(model, strings, boundaries)
    cache.store(cache_dir, "chartplan", k, planned)
    return planned


def chart_files(model: pages.EditionModel, charts: ChartPlan,
                stage: Stages | None = None) -> dict[str, bytes]:
    """Each chart's spec, data (CSV), static SVG and SVG/PNG downloads, plus the chart
    scripts. Images are rendered offline and cached by content under .cache/charts."""
    planned = charts.all()
    if not planned:
        return {}
    use_render_cache(model.cache_dir / "charts" if model.cache_dir is not None else None)
    with _stages(stage)("svg", total=len(planned)):
        files: dict[str, bytes] = all_chart_files(
            [(c, model.chart_dir(c.lang)) for c in planned], workers=workers())
    licence = boundary_licence(find_boundary_file(model.dataset.root))
    files.update(chart_assets(model.config.languages, boundary_licence=licence,
                              cache_dir=model.cache_dir))
    return files


@dataclass(frozen=True)
class Tree:
    """One set of pages: an edition at its permalinks (<edition>/<lang>/…), or the current
    edition at the short addresses (<lang>/…); ``aimaq serve`` shows one tree at the root.
    The edition's model, and where this tree's pages live (``paths``) beside it."""

    model: pages.EditionModel
    paths: urls.Paths
    specs: list[pages.PageSpec]


@dataclass(frozen=True)
class Charts:
    """The charts of one edition: planned before its pages, drawn before they render
    (the pages read the images' sizes)."""

    plan: ChartPlan
    files: dict[str, bytes] | None = None       # None: not drawn yet


def draw_charts(trees: list[Tree], charts: dict[str, Charts], stage: Stages | None = None
                ) -> dict[str, Charts]:
    """Every built edition's charts, drawn (each once: its short tree shares them)."""
    out = dict(charts)
    for tree in trees:
        eid = tree.model.edition.id
        if out[eid].files is None:
            out[eid] = Charts(out[eid].plan, chart_files(tree.model, out[eid].plan, stage))
    return out


def site_files(model: pages.EditionModel, paths: urls.Paths, specs: list[pages.PageSpec],
               chart_files: dict[str, bytes], stage: Stages | None = None
               ) -> dict[str, bytes]:
    """Everything besides the pages of a one-tree site (``aimaq serve``, ``aimaq check``)."""
    return shared_files([Tree(model, paths, specs)], {model.edition.id: chart_files}, stage)


def shared_files(trees: list[Tree], drawn: dict[str, dict[str, bytes]],
                 stage: Stages | None = None) -> dict[str, bytes]:
    """Everything besides the pages: redirect, sitemap, theme assets, charts (``drawn``:
    each edition's chart files), downloads."""
    root = next((t for t in trees if t.paths.prefix == ""), trees[-1])
    lang = root.model.config.default_language
    files = {"index.html": render.redirect_page(root.model, root.paths,
                                                root.paths.home(lang))}
    done: set[str] = set()
    for tree in trees:
        if tree.paths.prefix and tree.paths.permanent:
            # <edition>/ itself leads to the edition's home, like the site root.
            at = tree.paths.prefix + "index.html"
            files[at] = render.redirect_page(tree.model, tree.paths, tree.paths.home(lang), at)
        if tree.model.edition.id not in done:
            done.add(tree.model.edition.id)
            files.update(drawn.get(tree.model.edition.id, {}))
            files.update(tree.model.downloads)
    files.update(og_cards(root.model.config))
    files.update(render.crawler_files([(t.model, t.paths, t.specs) for t in trees]))
    files.update(assets(root.model.config.templates_path))
    return files


def render_trees(trees: list[Tree], charts: dict[str, Charts], links: EditionLinks | None,
                 stage: Stages | None = None, into: Path | None = None,
                 pages_done: Callable[[], object] | None = None
                 ) -> tuple[SiteFiles, dict[str, PageLinks]]:
    """Every file of the site, and each page's links and ids (the link graph, read in the
    worker that rendered the page). Each page is rendered once: the current edition's
    short addresses are stubs leading to its permanent pages (render.stub_page).
    ``charts``: each edition's, drawn (:func:`draw_charts`); ``links``: the same page in
    the other editions.

    ``into`` (a build's staging folder): each page is written there by the worker that
    rendered it and stands in the result as a :class:`Stored`, so the whole page set is
    never held or sent back. ``pages_done`` is called once every page is rendered, before
    the images still being drawn are waited for (the build starts its search index then)."""
    files: SiteFiles = {}
    with _stages(stage)("render", total=sum(len(t.specs) for t in trees)) as advance:
        env = render.environment(trees[0].model.config.templates_path)
        alternates = [render.alternates_of(t.specs) for t in trees]
        jobs = [(i, spec) for i, t in enumerate(trees) for spec in t.specs]

        folders: dict[str, Path] = {}           # each worker's own, after the fork

        def page(job: tuple[int, pages.PageSpec]) -> tuple[bytes | Stored, PageLinks]:
            i, spec = job
            tree = trees[i]
            redirect = None
            if render.is_stub(tree.paths, spec):
                html = render.stub_page(tree.model, tree.paths, spec)
                redirect = urls.relative(spec.path, tree.paths.permalink(spec.path))
            else:
                html = render.render_page(tree.model, tree.paths, spec, env,
                                          alternates[i][spec.key], links)
            info = summarize(html, redirect)
            if into is None:
                return html, info
            return write_file(into, spec.path, html, folders), info

        def done(n: int) -> None:
            for _ in range(n):
                advance()

        graph: dict[str, PageLinks] = {}
        intern = _Interner()
        for (_, spec), (data, info) in zip(jobs, fork_map(page, jobs, done)):
            files[spec.path] = data
            graph[spec.path] = intern(info)
    if pages_done is not None:
        pages_done()
    # …or the pages waited for each image as it was drawn: its files are gathered now.
    charts = draw_charts(trees, charts, stage)
    files.update(shared_files(trees, {e: c.files or {} for e, c in charts.items()}, stage))
    return files, graph


class _Interner:
    """One copy of each link and id: the pages of a folder share most of their links (and
    pages of a kind their ids), and a page's arrive from its worker as new strings."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def __call__(self, info: PageLinks) -> PageLinks:
        seen = self.seen
        return PageLinks(tuple(seen.setdefault(link, link) for link in info.links),
                         frozenset(seen.setdefault(i, i) for i in info.ids), info.redirect)


def start_finish(trees: list[Tree], into: Path | None, stage: Stages | None = None
                 ) -> list[Indexing]:
    """Start Pagefind over each edition's permanent pages in the staging folder ``into``
    (none without it), so that it indexes while the links are checked."""
    if into is None:
        return []
    with _stages(stage)("search"):
        return [start_search(into, t.paths.prefix) for t in trees if t.paths.permanent]


def finish(files: SiteFiles, stage: Stages | None = None,
           trees: list[Tree] | None = None, into: Path | None = None,
           started: list[Indexing] | None = None) -> SiteFiles:
    """Add the files made from the rendered pages: the search index, one per edition, of
    its permanent pages (``into``: the staging folder the pages are written in;
    ``started``: the indexing :func:`start_finish` began there)."""
    with _stages(stage)("search"):
        if trees is None:
            files.update(search_bundle(files))
            return files
        if into is not None:
            for indexing in started if started is not None else start_finish(trees, into):
                files.update(indexing.result())
            return files
        for tree in trees:
            if tree.paths.permanent:
                files.update(search_bundle(files, tree.paths.prefix,
                                           {s.path for s in tree.specs}))
    return files


def verify_links(files: SiteFiles, model: pages.EditionModel,
                 specs: list[pages.PageSpec], stage: Stages | None = None,
                 cache: LinkCache | None = None,
                 drafts: Iterable[str] = (),
                 graph: dict[str, PageLinks] | None = None,
                 meanwhile: Callable[[], object] | None = None) -> list[str]:
    """Every internal link and #anchor resolves, or a mistake naming its source (a build
    stops at the first; a check lists every one).

    Links broken on the pages of a draft edition (listed in ``drafts``: a new edition
    without its numbers has no index pages yet) are returned as warnings instead:
    ``aimaq check --drafts`` reports them as problems.

    ``graph``: each page's links and ids, collected while rendering (render_trees);
    without it the pages in ``files`` are read (``aimaq serve``, which keeps ``cache``).

    ``meanwhile`` (with ``graph``): what adds the last files to ``files`` (the search
    index) runs after the check, and the pages with a link the check found broken are
    checked again then, so the check runs while Pagefind indexes."""
    stage = _stages(stage)
    drafts = list(drafts)
    with stage("links"):
        base = urls.base_path(model.config.base_url)
        broken = check_graph(graph, files, base) if graph is not None else \
            check_links(files, base, cache=cache)
    if meanwhile is not None and graph is not None:
        meanwhile()
        with stage("links"):
            again = {b.page for b in broken}
            broken = check_graph(graph, files, base, only=again) if again else []
    in_draft = [b for b in broken if any(b.page.startswith(f"{d}/") for d in drafts)] \
        if not stage.collecting else []
    broken = [b for b in broken if b not in in_draft]
    notes = [f"draft edition {b.page.split('/', 1)[0]}: {len(in_draft)} broken link(s) "
             f"on its pages, the first: {b.target!r} on {b.page} ({b.reason})"
             for b in in_draft[:1]]
    if not broken:
        return notes
    problems = link_problems(broken, model, specs)
    if stage.collecting:
        assert stage.problems is not None
        stage.problems.extend(problems)
        return notes
    first = problems[0]
    others = ", ".join(f"{p.file}:{p.line}" for p in problems[1:5])
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    raise AimaqError(f"{len(broken)} broken internal link(s), the first: {first.message}"
                     + (f"; others at {others}{more}" if others else ""),
                     first.file, first.line,
                     "correct the link in the template or content page "
                     "('aimaq check' lists every one)")


def warnings(models: list[pages.EditionModel], inputs: list[Inputs]) -> list[str]:
    """What the build accepts but a reader may miss (``inputs``: what the models were made
    from, with the notes a draft build let pass)."""
    out: list[str] = []
    for model, given in zip(models, inputs):
        out += given.notes
        out += [str(p) for p in missing_translations(model.content, model.config)]
        if model.edition_status == "archived" and \
                not lock_path(model.config, model.edition.id).is_file():
            out.append(f"edition {model.edition.id} is archived but not frozen: run "
                       f"'aimaq freeze {model.edition.id}' so its numbers cannot change "
                       "silently")
    config = models[0].config
    if not urls.is_absolute(config.base_url):
        out.append(f"base_url {config.base_url!r} is a path: sitemap.xml lists paths, "
                   "not full addresses; set base_url to the site's https:// address before "
                   "publishing")
    return out


# -- the pipeline ---------------------------------------------------------------------


def select_editions(config: SiteConfig, edition_id: str | None = None,
                    drafts: bool = False) -> list[Edition]:
    """The editions a build renders, oldest first: all published ones (and drafts with
    ``drafts``), or the one named."""
    if edition_id is not None:
        return [config.edition(edition_id)]
    return config.built_editions(drafts)


def model_editions(config: SiteConfig, built: list[Edition], stage: Stages | None = None,
                   at_root: bool = False) -> dict[str, Computed] | None:
    """Gather, compute and protect every edition built, plus the edition each one is
    compared with. Oldest first. ``at_root``: one edition alone at the site root, as
    ``aimaq serve`` shows it. None (in a check) when an edition has a mistake."""
    stage = _stages(stage)
    if at_root:
        wanted = [built[0].id]
    else:
        drafts = any(e.draft for e in built)
        wanted = []
        for e in built:
            prev = config.previous(e.id, drafts=drafts)
            for eid in ([prev.id] if prev else []) + [e.id]:
                if eid not in wanted:
                    wanted.append(eid)
        order = [e.id for e in config.editions]
        wanted.sort(key=order.index)
    computed: dict[str, Computed] = {}
    for eid in wanted:
        inputs = gather(config, eid, stage)
        if stage.collecting and inputs is not None:
            assert stage.problems is not None
            stage.problems.extend(missing_translations(inputs.content, config))
        done = compute_edition(inputs, stage) if inputs is not None else None
        if done is None:
            continue
        protect(done, stage)
        computed[eid] = done
    if len(computed) < len(wanted) or (stage.collecting and stage.problems):
        return None
    return computed


def plan_trees(config: SiteConfig, models: dict[str, pages.EditionModel], built: list[str],
               stage: Stages | None = None, at_root: bool = False
               ) -> tuple[list[Tree], dict[str, Charts]]:
    """The pages of every edition built: its permalinks and, for the current edition, the
    same pages at <lang>/…; and each edition's chart plan. ``at_root``: the one edition at
    the site root."""
    charts: dict[str, Charts] = {}
    for eid in built:
        with _stages(stage)("charts"):
            # The build's image workers draw each chart as it is planned (a cached plan's
            # all at once), while the pages are planned; the pages wait for what they show.
            model = models[eid]
            use_render_cache(model.cache_dir / "charts" if model.cache_dir is not None
                             else None)
            charts[eid] = Charts(plan_site_charts(model))
            prefetch(charts[eid].plan.all())
    if at_root:
        model = models[built[0]]
        return [Tree(model, urls.Paths(), plan(model, urls.Paths(), charts[built[0]].plan,
                                               stage))], charts
    trees: list[Tree] = []
    has_short = config.current_edition in built
    for eid in built:
        model = models[eid]
        permanent = urls.Paths(f"{eid}/", f"{eid}/")
        trees.append(Tree(model, permanent, plan(
            model, permanent, charts[eid].plan, stage,
            not_found=not has_short and eid == built[-1])))
        if eid == config.current_edition:
            short = urls.Paths("", f"{eid}/")
            trees.append(Tree(model, short, plan(model, short, charts[eid].plan, stage,
                                                 not_found=True)))
    return trees, charts


@dataclass
class Made:
    """What one run of the stages made."""

    built: list[str]                        # the editions rendered, oldest first
    inputs: dict[str, Inputs]               # what each edition was made from
    models: dict[str, pages.EditionModel]   # …and the editions they are compared with
    trees: list[Tree]
    charts: dict[str, Charts]               # each built edition's, drawn
    files: SiteFiles                        # pages written into ``into`` are Stored there
    link_notes: list[str]


def run(config: SiteConfig, stage: Stages, edition_id: str | None = None,
        drafts: bool = False, at_root: bool = False,
        link_cache: LinkCache | None = None, into: Path | None = None
        ) -> Made | None:
    """The stages, in order, for ``aimaq build``, ``aimaq check`` and ``aimaq serve``:

        gather → compute → protect → relate (the models) → plan → render → finish
               → verify_links

    ``at_root``: one edition alone at the site root (``aimaq serve``, which also keeps
    ``link_cache`` between runs). ``into``: the staging folder the pages are written into
    as they are rendered (a build); without it they are kept in memory. In a check (``stage``
    collecting problems) a mistake is recorded and the stages go on where they can; pages
    are rendered only when everything before them is right. None when they were not."""
    editions = [config.edition(edition_id)] if at_root else \
        select_editions(config, edition_id, drafts)
    built = [e.id for e in editions]
    computed = model_editions(config, editions, stage, at_root=at_root)
    if computed is None:
        return None

    def render_all() -> Made:
        models = relate(computed, stage)
        trees, charts = plan_trees(config, models, built, stage, at_root=at_root)
        links = None if at_root else EditionLinks(config, trees)
        if not images_drawing():        # images first: the pages read their sizes…
            charts = draw_charts(trees, charts, stage)
        # Pagefind indexes the pages in the staging folder as soon as they are all there,
        # while the last images are drawn and the links are checked.
        searching: list[Indexing] = []
        try:
            files, graph = render_trees(
                trees, charts, links, stage, into,
                pages_done=lambda: searching.extend(start_finish(trees, into, stage)))
            overlap = bool(searching) and link_cache is None
            if not overlap:
                files = finish(files, stage, trees, into, searching)
            stage.count("pages", sum(len(t.specs) for t in trees))
            notes = verify_links(
                files, trees[0].model, [s for t in trees for s in t.specs], stage,
                cache=link_cache, drafts=[e for e in built if config.edition(e).draft],
                graph=graph if link_cache is None else None,
                meanwhile=(lambda: finish(files, stage, trees, into, searching))
                if overlap else None)
        finally:
            for indexing in searching:
                indexing.stop()
        return Made(built, {e: c.inputs for e, c in computed.items()}, models, trees, charts,
                    files, notes)

    made: Made | None = stage.attempt(render_all, config.templates_path)
    return made


def output_folder(config: SiteConfig, output: Path | str | None = None) -> Path:
    """The folder a build replaces (``output`` or output_dir), once it is known to be
    Aimaq's alone: never the project, an input folder, ``/`` or the home folder."""
    out = Path(output) if output else config.output_path
    recorded = cache.manifest_path(config.root / ".cache", out.resolve()).is_file()
    return guard_output(out, config.root, [config.data_path, config.content_path,
                                           config.templates_path],
                        config.root / "site.yaml", recorded)


def may_have_charts(config: SiteConfig) -> bool:
    """Whether an edition can have charts: they are planned from an edition's indices
    (:func:`plan_site_charts`), so an edition without ``data/<edition>/methodology.yaml``
    has none, and a project with no such edition needs no image worker."""
    return any((config.data_path / e.id / "methodology.yaml").is_file()
               for e in config.editions)


def build(config_path: Path | str = "site.yaml", output: Path | None = None,
          edition_id: str | None = None, progress: ProgressFn | None = None,
          drafts: bool = False, preview: bool = False) -> BuildReport:
    """Build every published edition (and drafts with ``drafts``), or the one named.
    ``preview``: one edition alone at the site root, as ``aimaq serve`` shows it."""
    config = load_config(config_path)
    out = output_folder(config, output)
    report = BuildReport(output=out)
    stage = Stages(report, progress)

    # A build of the same inputs into the same, complete output folder has nothing to do.
    cache_dir = config.root / ".cache"
    with stage("data"):
        build_id = cache.build_key(config, {"edition": edition_id, "drafts": drafts,
                                            "preview": preview})
        previous = cache.output_is_current(cache_dir, out, build_id)
    if previous is not None:
        for name, value in previous["summary"].items():
            setattr(report, name, value)
        report.up_to_date = True
        return report

    recorded = cache.manifest_path(cache_dir, out).is_file()
    # Image workers start now, while the inputs are read (charts are drawn as planned);
    # with images drawn before, only when one is missing (a text edit needs none). A
    # project that can have no chart starts none (warming one costs ~0.4 CPU s).
    charted = may_have_charts(config)
    eager = charted and not (cache_dir / "charts").is_dir()
    with staging_folder(out, recorded) as staging, images.pool(workers(), eager):
        if charted:
            prefetch_bundle(cache_dir)
        made = run(config, stage, edition_id, drafts, at_root=preview, into=staging)
        assert made is not None                 # a build raises its first mistake
        with stage("write"):
            cache.forget_output(cache_dir, out)
            write_site(made.files, out, recorded, staging)
    # The pages written into the staging folder are in the output folder now.
    # (A prefix of the path's text, as ``staging in path.parents`` says without making
    # a Path of each parent: 0.2 s at 6,000 files.)
    out = out.resolve()
    under = f"{staging}/"
    made.files = {rel: Stored(out / rel) if isinstance(data, Stored)
                  and str(data.path).startswith(under) else data
                  for rel, data in made.files.items()}

    built = made.built
    report.checks = sum(len(made.inputs[e].checks) for e in built)
    report.pages = stage.counts.get("pages", 0)
    report.charts = sum(len(made.charts[e].plan.all()) for e in built)
    report.files = len(made.files)
    report.editions = built
    report.warnings = warnings([made.models[e] for e in built],
                               [made.inputs[e] for e in built]) + made.link_notes
    cache.record_output(cache_dir, out, build_id, made.files, {
        "pages": report.pages, "charts": report.charts, "files": report.files,
        "checks": report.checks, "editions": report.editions, "warnings": report.warnings})
    return report


def check_results_summary(results: list[CheckResult]) -> tuple[int, int]:
    passed = sum(1 for r in results if r.passed)
    return passed, len(results) - passed
