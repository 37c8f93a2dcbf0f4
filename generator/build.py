"""The build pipeline, in the order it runs.

load config → gather data and content → check the data → compute → plan pages → render →
validate links → write. Everything is gathered and rendered in memory first; the output
folder is replaced in one step only when all of it succeeded.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import SiteConfig, load_config
from .content.load import load_content
from .data.checks import CheckResult, run_checks, unexpected
from .data.load import load_dataset
from .errors import AimaqError
from .output import write_site
from .site import pages, render, urls
from .site.figures import FigureIndex
from .site.downloads import download_files
from .site.indexview import IndexView
from .site.links import check_links


@dataclass
class BuildReport:
    output: Path
    pages: int = 0
    files: int = 0
    checks: int = 0
    warnings: list[str] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.stages.values())


class _Timer:
    def __init__(self, report: BuildReport):
        self.report = report

    def __call__(self, name: str):
        report = self.report

        class _Stage:
            def __enter__(self):
                self.t0 = time.perf_counter()

            def __exit__(self, *exc):
                report.stages[name] = report.stages.get(name, 0.0) + time.perf_counter() - self.t0

        return _Stage()


def assets(templates_dir: Path) -> dict[str, bytes]:
    """Static files of the theme, copied to output/assets/."""
    root = templates_dir / "assets"
    files: dict[str, bytes] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files["assets/" + path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def compute_indices(dataset):
    """Every index of the edition's methodology.yaml; None when the edition has none."""
    from .indices import compute

    if not (dataset.root / "methodology.yaml").is_file():
        return None
    return compute(dataset)


def gather(config: SiteConfig, edition_id: str | None = None):
    """Load and validate everything one edition needs; write nothing."""
    edition = config.edition(edition_id)
    base = config.root
    dataset = load_dataset(config.data_path, edition.id, base=base)
    results = run_checks(dataset)
    problem = unexpected(results, Path(dataset.root / "checks.yaml").relative_to(base)
                         if dataset.root.is_relative_to(base) else dataset.root / "checks.yaml")
    if problem:
        raise problem
    content = load_content(config.content_path, edition.id, config.languages,
                           dataset.unit_ids(), base=base)
    return edition, dataset, results, content


def build(config_path: Path | str = "site.yaml", output: Path | None = None,
          edition_id: str | None = None) -> BuildReport:
    config = load_config(config_path)
    out = Path(output) if output else config.output_path
    report = BuildReport(output=out)
    stage = _Timer(report)

    with stage("load"):
        edition, dataset, check_results, content = gather(config, edition_id)
        strings = render.load_strings(config.templates_path, config.languages)
    report.checks = len(check_results)
    with stage("compute"):
        figures = FigureIndex(dataset)
        results = compute_indices(dataset)
        index_view = IndexView(results, dataset) if results is not None else None
    site = pages.SiteModel(config=config, edition=edition, dataset=dataset, content=content,
                           figures=figures, strings=strings, indices=index_view)
    with stage("compute"):
        site.key_figures = pages.home_figures(site)
        site.downloads = download_files(dataset, results, config.languages, config.title)
    with stage("render"):
        specs = pages.plan(site)
        env = render.environment(config.templates_path)
        files = render.render(site, specs, env)
        files["index.html"] = render.redirect_page(site)
        files.update(render.crawler_files(site, specs))
        if not urls.is_absolute(config.base_url):
            report.warnings.append(
                f"base_url {config.base_url!r} is a path: sitemap.xml lists paths, not full "
                "addresses; set base_url to the site's https:// address before publishing")
        files.update(assets(config.templates_path))
        files.update(site.downloads)
    with stage("links"):
        broken = check_links(files, urls.base_path(config.base_url))
        if broken:
            lines = "; ".join(f"{b.page} → {b.target} ({b.reason})" for b in broken[:5])
            more = f" and {len(broken) - 5} more" if len(broken) > 5 else ""
            raise AimaqError(f"{len(broken)} broken internal link(s): {lines}{more}",
                             config.templates_path, None,
                             "correct the link in the template or content page")
    with stage("write"):
        write_site(files, out)
    report.pages = len(specs) + 1
    report.files = len(files)
    return report


def check_results_summary(results: list[CheckResult]) -> tuple[int, int]:
    passed = sum(1 for r in results if r.passed)
    return passed, len(results) - passed
