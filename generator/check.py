"""``aimaq check``: validate everything the build reads, render in memory, write nothing.

It runs the build's own stages (generator.build) but keeps going after a mistake where it
can, so one run lists every problem: site.yaml, interface strings, data files, data checks,
the front matter of every content page, the methodology (the index engine computes every
index), every internal link and #anchor of the rendered pages, and content pages present in
one language but missing in another. Every problem names a file and a line.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

from .errors import AimaqError


@dataclass(frozen=True)
class Problem:
    """One thing to fix, at ``file:line``."""

    file: str
    line: int
    message: str
    fix: str | None = None

    @classmethod
    def of(cls, err: AimaqError, default_file: Path | str | None = None,
           base: Path | None = None) -> "Problem":
        file = err.file if err.file is not None else default_file
        if file is not None and base is not None and Path(file).is_absolute():
            try:
                file = Path(file).resolve().relative_to(base)
            except ValueError:
                pass
        return cls(str(file) if file is not None else "site.yaml", err.line or 1,
                   err.message, err.fix)

    def __str__(self) -> str:
        return str(AimaqError(self.message, self.file, self.line, self.fix))


@dataclass
class CheckReport:
    edition: str = ""
    problems: list[Problem] = None      # type: ignore[assignment]
    pages: int = 0                      # pages rendered in memory (0 when not reached)
    checks: int = 0                     # data checks run
    skipped: list[str] = None           # type: ignore[assignment]  stages not reached

    def __post_init__(self) -> None:
        self.problems = [] if self.problems is None else self.problems
        self.skipped = [] if self.skipped is None else self.skipped

    @property
    def ok(self) -> bool:
        return not self.problems


# -- missing translations -----------------------------------------------------------------

_REL = {"home": "index.md", "unit": "units/{slug}.md", "page": "pages/{slug}.md"}


def missing_translations(content, config) -> list[Problem]:
    """A content page present in one language and missing in another, named by its file."""
    root = config.content_path / content.edition
    by_key: dict[tuple[str, str], dict[str, object]] = {}
    for page in content.pages:
        by_key.setdefault((page.kind, page.slug), {})[page.lang] = page
    out = []
    for (kind, slug), langs in by_key.items():
        if kind not in _REL:
            continue
        existing = next(langs[lang] for lang in config.languages if lang in langs)
        for lang in config.languages:
            if lang in langs:
                continue
            expected = root / lang / _REL[kind].format(slug=slug)
            if expected.exists():           # there, but with a mistake reported elsewhere
                continue
            try:
                expected = expected.relative_to(config.root)
            except ValueError:
                pass
            out.append(Problem(str(existing.path), 1,
                               f"this page has no {lang} translation: {expected} is missing",
                               f"write {expected} (a translation of {existing.path})"))
    return out


# -- where a broken link comes from -------------------------------------------------------


def _line_of(path: Path, needles: list[str]) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in needles:
        if not needle:
            continue
        for n, line in enumerate(lines, start=1):
            if needle in line:
                return n
    return None


def _templates_of(env, name: str, seen: set[str]) -> list[str]:
    """A template and every template it extends or includes, in that order."""
    import jinja2.meta

    if name in seen:
        return []
    seen.add(name)
    out = [name]
    try:
        source = env.loader.get_source(env, name)[0]
        refs = jinja2.meta.find_referenced_templates(env.parse(source))
    except Exception:       # a missing or broken template is reported by the render stage
        return out
    for ref in refs:
        if ref:
            out.extend(_templates_of(env, ref, seen))
    return out


def _needles(href: str) -> list[str]:
    path, _, fragment = href.partition("#")
    out = [href]
    if fragment:
        out += [f"#{fragment}", fragment]
    last = posixpath.basename(path.rstrip("/")) if path else ""
    if last and last != "index.html":
        out.append(last)
    return out


def link_problems(broken, site, specs) -> list[Problem]:
    """Broken links as problems at their source: the Markdown line that wrote the link, or
    the template line that makes it. A link broken on many pages is reported once."""
    from .site import inputs as page_inputs
    from .site import render

    root = site.config.root
    templates = site.config.templates_path
    env = render.environment(templates)
    by_path = {s.path: s for s in specs}
    grouped: dict[tuple[str, int, str, str], list[str]] = {}
    for b in broken:
        spec = by_path.get(b.page)
        file: Path | None = None
        line: int | None = None
        if spec is not None:
            found: set[str] = set()
            page_inputs._walk(spec.context, root, found)
            for md in sorted(f for f in found if f.endswith(".md")):
                line = _line_of(Path(md), [b.target])
                if line:
                    file = Path(md)
                    break
            if file is None:
                chain = _templates_of(env, spec.template, set())
                for name in chain:
                    line = _line_of(templates / name, _needles(b.target))
                    if line:
                        file = templates / name
                        break
                else:
                    file, line = templates / spec.template, 1
        if file is None:
            file, line = Path(site.config.output_dir) / b.page, 1
        try:
            shown = str(Path(file).resolve().relative_to(root))
        except ValueError:
            shown = str(file)
        grouped.setdefault((shown, line or 1, b.target, b.reason), []).append(b.page)
    out = []
    for (file, line, target, reason), on_pages in grouped.items():
        where = on_pages[0] + (f" and {len(on_pages) - 1} more page(s)"
                               if len(on_pages) > 1 else "")
        out.append(Problem(file, line, f"broken link {target!r} on {where}: {reason}",
                           "correct the link"))
    return out


# -- frozen editions ------------------------------------------------------------------


def _lock_problem(config, edition_id: str, change) -> Problem:
    """A change to a frozen edition that no erratum records, at the changed file."""
    from .editions.lock import LOCK_DIR

    lock = f"{LOCK_DIR}/{edition_id}.lock.yaml"
    if change.kind == "file":
        file = change.name if change.how != "removed" else lock
        what = f"{change.name} was {change.how} after edition {edition_id} was frozen"
        entry = f"files: [{change.name}]"
    else:
        file = lock
        what = (f"the computed values of index {change.name} {change.how} after edition "
                f"{edition_id} was frozen (see {lock})")
        entry = f"indices: [{change.name}]"
    return Problem(file, 1, what,
                   "undo it (git checkout), or record an erratum under the edition in "
                   f"site.yaml: errata: [{{date: \"YYYY-MM-DD\", {entry}, what: {{…}}, "
                   "why: {…}}]")


# -- the check ------------------------------------------------------------------------


def check(config_path: Path | str = "site.yaml", edition_id: str | None = None,
          progress=None, drafts: bool = False) -> CheckReport:
    """Validate every edition a build makes (or the one named) and its rendered pages;
    a frozen edition must still match its lock."""
    from . import build as B
    from .config import load_config

    report = CheckReport()
    stage = B.Stages(None, progress)
    try:
        config = load_config(config_path)
        editions = B.select_editions(config, edition_id, drafts)
    except AimaqError as err:
        report.problems.append(Problem.of(err, config_path))
        report.skipped.append("everything after site.yaml")
        return report
    report.edition = ", ".join(e.id for e in editions)
    for edition in editions:
        _check_edition(config, edition, stage, report)
    return report


def _check_edition(config, edition, stage, report: CheckReport) -> None:
    from . import build as B
    from .content.load import load_content
    from .data.checks import run_checks, unexpected
    from .data.load import load_dataset
    from .editions.lock import differences
    from .site import render
    from .site.links import check_links
    from .site import urls

    problems = report.problems
    before = len(problems)
    base = config.root
    data_root = config.data_path / edition.id

    strings = dataset = content = None
    with stage("strings"):
        try:
            strings = render.load_strings(config.templates_path, config.languages)
        except AimaqError as err:
            problems.append(Problem.of(err, config.templates_path / "strings.yaml", base))
    with stage("data"):
        try:
            dataset = load_dataset(config.data_path, edition.id, base=base,
                                   languages=config.languages)
        except AimaqError as err:
            problems.append(Problem.of(err, B.display_path(data_root, base), base))
    checks = None
    if dataset is not None:
        with stage("checks"):
            checks_file = B.display_path(data_root / "checks.yaml", base)
            try:
                checks = run_checks(dataset)
            except AimaqError as err:
                problems.append(Problem.of(err, checks_file, base))
            else:
                report.checks += len(checks)
                for result in checks:
                    err = unexpected([result], checks_file)
                    if err is not None:
                        problems.append(Problem.of(err, None, base))
    with stage("content"):
        found: list[AimaqError] = []
        try:
            content = load_content(config.content_path, edition.id, config.languages,
                                   dataset.unit_ids() if dataset is not None else None,
                                   base=base, problems=found)
        except AimaqError as err:
            found.append(err)
        problems.extend(Problem.of(e, config.content_path, base) for e in found)
    if content is not None:
        translations = missing_translations(content, config)
    else:
        translations = []

    indices = None
    if dataset is not None:
        with stage("compute"):
            reads: set = set()
            try:
                indices = (B.compute_indices(dataset, reads), reads)
            except AimaqError as err:
                problems.append(Problem.of(
                    err, B.display_path(data_root / "methodology.yaml", base), base))
        with stage("protect"):
            try:
                changes = differences(config, edition.id, indices[0] if indices else None)
            except AimaqError as err:
                problems.append(Problem.of(err, None, base))
            else:
                problems.extend(_lock_problem(config, edition.id, c)
                                for c in changes if not c.covered)

    ready = (len(problems) == before and dataset is not None and content is not None
             and strings is not None and checks is not None and indices is not None)
    if ready:
        try:
            inputs = B.Inputs(config, edition, dataset, checks, content, strings)
            site = B.make_model(inputs, stage, indices=indices, use_cache=False)
            specs = B.plan(site, stage)
            files = B.finish(B.render_site(site, specs, stage), stage)
            report.pages += len(specs)
            with stage("links"):
                broken = check_links(files, urls.base_path(config.base_url))
            problems.extend(link_problems(broken, site, specs))
        except AimaqError as err:
            problems.append(Problem.of(err, config.templates_path, base))
    else:
        report.skipped.append(f"rendering the pages of edition {edition.id} and checking "
                              "their links (fix the problems above first)")
    problems.extend(translations)

