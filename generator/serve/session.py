"""Rebuild only what a change affects, and write only the files whose bytes changed.

A :class:`Session` keeps the last good build in memory (inputs, model, planned pages, files)
and, given the input files that changed, re-runs the build's own stages
(generator.build) for those alone:

* a content Markdown file: the content is re-read; the pages made from that file are
  rendered again (its front matter, which every page's footer lists, re-renders the pages of
  its language; a page added or removed also re-renders its translations, whose language
  switch changes);
* a table (CSV or .xlsx): the dataset is re-read and checked; the indices are recomputed
  only when the index engine read that table; the pages that show the table are rendered
  again;
* methodology.yaml: the indices are recomputed and the pages showing them rendered again;
* anything else (site.yaml, templates, strings, the YAML data and content files): a full
  rebuild in memory — still writing only the files whose bytes changed.

Which pages show what is recorded by the pipeline while planning (PageSpec.inputs, see
generator.site.inputs). A failed rebuild keeps the last good site; its changes stay pending
and are built with the next change.

The preview is written to a folder of its own, ``.cache/serve/`` in the project (or
``--out``), never to the site's output folder: a preview holds one edition at the site
root, so ``output/`` only ever holds a complete build that can be published as it is.
"""
from __future__ import annotations

import dataclasses
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .. import theme
from ..build import (
    Charts,
    Inputs,
    ProgressFn,
    Reads,
    SiteFiles,
    Stages,
    chart_files,
    compute_edition,
    compute_indices,
    finish,
    make_model,
    output_folder,
    plan,
    plan_site_charts,
    render_pages,
    run,
    run_data_checks,
    site_files,
    verify_links,
    warnings,
)
from ..cache import forget_output
from ..config import SiteConfig, load_config
from ..content.load import Content, FrontMatter, Page, load_content
from ..data.geo import load_boundaries
from ..data.load import load_dataset
from ..data.tables import TABLE_SUFFIXES
from ..errors import AimaqError
from ..indices.results import Results
from ..output import sync_site, write_site
from ..site import inputs as page_inputs
from ..site import render, urls
from ..site.links import LinkCache
from ..site.pages import EditionModel, PageSpec
from ..site.search import BUNDLE

SEARCH = BUNDLE + "/"
#: The preview's own folder, relative to the project (site.yaml's folder).
PREVIEW_DIR = Path(".cache") / "serve"


def preview_folder(config: SiteConfig, output: Path | str | None = None) -> Path:
    """The folder the preview is written to: ``output``, or :data:`PREVIEW_DIR`; never the
    site's output folder."""
    folder = Path(output) if output else config.root / PREVIEW_DIR
    if folder.resolve() == config.output_path:
        raise AimaqError(f"aimaq serve does not write to the site's output folder "
                         f"{config.output_path}: it holds only complete builds, and a "
                         "preview is one edition", config.root / "site.yaml", None,
                         "leave out --out (the preview goes to .cache/serve/), or give "
                         "another folder")
    return output_folder(config, folder)


#: What changed, when only pages need making again: (Markdown files, table files,
#: methodology.yaml changed).
Change = tuple[set[Path], set[Path], bool]


@dataclass
class Rebuild:
    """What one (re)build did."""

    full: bool = True
    rendered: list[str] = field(default_factory=list)   # pages rendered again
    written: list[str] = field(default_factory=list)    # files whose bytes changed
    removed: list[str] = field(default_factory=list)
    indices: bool = False                               # indices were recomputed
    seconds: float = 0.0
    error: AimaqError | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class _State:
    """The last good build: what it was made from, its model and pages, and its files."""

    inputs: Inputs
    model: EditionModel
    charts: Charts                      # drawn
    specs: list[PageSpec]
    files: SiteFiles
    results: Results | None
    reads: Reads
    index_tables: set[str]


class Session:
    def __init__(self, config_path: Path | str = "site.yaml", output: Path | None = None,
                 edition_id: str | None = None, progress: ProgressFn | None = None):
        self.config_path = Path(config_path)
        self.config: SiteConfig = load_config(self.config_path)
        self.output = preview_folder(self.config, output)
        self.edition_id = edition_id
        self.progress = progress
        self.state: _State | None = None
        self.pending: set[Path] = set()
        self._links: LinkCache = {}
        self._on_disk: SiteFiles | None = None
        self.search_stale = False

    # -- what to watch --------------------------------------------------------------
    @property
    def config_file(self) -> Path:
        p = self.config_path
        return (p / "site.yaml" if p.is_dir() else p).resolve()

    def watched(self) -> list[Path]:
        """The input files and folders of the edition (the output folder is never one)."""
        c = self.config
        edition = c.edition(self.edition_id).id
        return [self.config_file, c.data_path / edition, c.content_path / edition,
                c.templates_path, theme.THEME_DIR]

    # -- build ----------------------------------------------------------------------
    def build(self, changed: Iterable[Path] | None = None) -> Rebuild:
        """Build everything (first call, or ``changed`` None) or what ``changed`` affects."""
        t0 = time.perf_counter()
        if changed is not None:
            self.pending |= {Path(p).resolve() for p in changed}
        try:
            kind = self._classify(self.pending) if self.state is not None and \
                changed is not None else "full"
            if kind == "none":
                self.pending.clear()
                return Rebuild(full=False, seconds=time.perf_counter() - t0)
            if kind == "full":
                state, result = self._full()
            else:
                state, result = self._incremental(kind)
            forget_output(self.config.root / ".cache", self.output)   # no longer a build's
            if self._on_disk is None:
                write_site(state.files, self.output)
                result.written = sorted(state.files)
            else:
                result.written, result.removed = sync_site(state.files, self.output,
                                                           self._on_disk)
        except AimaqError as err:
            return Rebuild(full=False, error=err, seconds=time.perf_counter() - t0)
        except Exception as exc:        # a bug, e.g. in a template: the preview keeps running
            trace = "".join(traceback.format_exception(exc)[-6:])
            bug = AimaqError(f"unexpected {type(exc).__name__}: {exc}\n{trace}", None, None,
                             "this may be a bug in Aimaq or a template; the server keeps "
                             "running")
            return Rebuild(full=False, error=bug, seconds=time.perf_counter() - t0)
        self._on_disk = state.files
        self.state = state
        self.pending.clear()
        result.warnings = warnings([state.model], [state.inputs])
        result.seconds = time.perf_counter() - t0
        return result

    def _stages(self) -> Stages:
        return Stages(None, self.progress)

    def _full(self) -> tuple[_State, Rebuild]:
        # The boundary file is read once per process and kept by its path; a preview lives
        # long enough for it to be edited (a full rebuild is what such a change triggers).
        load_boundaries.cache_clear()
        self.config = config = load_config(self.config_path)
        made = run(config, self._stages(), self.edition_id, at_root=True,
                     link_cache=self._links)
        assert made is not None             # a build's stages raise their first mistake
        edition = made.built[0]
        model = made.models[edition]
        specs = made.trees[0].specs
        reads = set(model.index_reads)
        state = _State(made.inputs[edition], model, made.charts[edition], specs, made.files,
                       model.results, reads, page_inputs.index_tables(model.dataset, reads))
        self.search_stale = False
        return state, Rebuild(full=True, rendered=[s.path for s in specs], indices=True)

    # -- what changed ---------------------------------------------------------------
    def _classify(self, changed: set[Path]) -> Literal["full", "none"] | Change:
        """'full', 'none', or (markdown files, table files, methodology changed)."""
        c = self.config
        edition = c.edition(self.edition_id).id
        data = (c.data_path / edition).resolve()
        content = (c.content_path / edition).resolve()
        templates = c.templates_path.resolve()
        themes = (templates, theme.THEME_DIR)
        md: set[Path] = set()
        csv: set[Path] = set()
        methodology = False
        for path in changed:
            if path == self.config_file or any(t in path.parents for t in themes):
                return "full"
            if data in path.parents:
                if path.parent == data / "tables" and path.suffix.lower() in TABLE_SUFFIXES:
                    csv.add(path)
                elif path == data / "methodology.yaml":
                    methodology = True
                elif path.name.lower().startswith("readme"):
                    continue
                else:
                    return "full"
            elif content in path.parents:
                rel = path.relative_to(content)
                if path.suffix == ".md" and len(rel.parts) >= 2 and rel.parts[0] in c.languages:
                    md.add(path)
                else:
                    return "full"
        if not (md or csv or methodology):
            return "none"
        return md, csv, methodology

    # -- incremental ------------------------------------------------------------------
    def _incremental(self, kind: Change) -> tuple[_State, Rebuild]:
        md, csv, methodology = kind
        old = self.state
        assert old is not None
        config = self.config
        stage = self._stages()
        inputs = old.inputs
        if csv:
            with stage("data"):
                dataset = load_dataset(config.data_path, inputs.edition.id,
                                       languages=config.languages, base=config.root)
            with stage("checks"):
                checks = run_data_checks(dataset, config.root)
            assert checks is not None       # a build's stages raise their first mistake
            inputs = dataclasses.replace(inputs, dataset=dataset, checks=checks)
        if md:
            with stage("content"):
                inputs = dataclasses.replace(inputs, content=load_content(
                    config.content_path, inputs.edition.id, config.languages,
                    inputs.dataset.unit_ids(), base=config.root))
        changed_tables = {p.stem for p in csv}
        results, reads, recomputed = old.results, old.reads, False
        if methodology or changed_tables & (
                old.index_tables | page_inputs.index_tables(inputs.dataset, old.reads)):
            reads = set()
            with stage("compute"):
                results = compute_indices(inputs.dataset, reads)
            recomputed = True
        languages = self._languages_with_new_front_matter(old.inputs.content, inputs.content)
        paths = urls.Paths()                # one edition at the site root
        charts = old.charts
        if csv or methodology:
            computed = compute_edition(inputs, stage, indices=(results, reads))
            assert computed is not None     # a build's stages raise their first mistake
            model = make_model(computed, stage)
            plan_ = plan_site_charts(model)
            charts = Charts(plan_, chart_files(model, plan_, stage))
            specs = plan(model, paths, charts.plan, stage)
        else:
            # Only Markdown changed, which nothing in the model is computed from: a new
            # model holding the new content (the old one stays as it was).
            model = dataclasses.replace(old.model, content=inputs.content)
            if languages:
                specs = plan(model, paths, charts.plan, stage)
            else:
                # Only the text of existing pages changed: the plan is the same, with the
                # new text in the pages made from it.
                specs = self._with_new_text(old.specs, inputs.content)

        dirty = self._dirty(old, specs, {str(p) for p in md | csv} | (
            {str((inputs.dataset.root / "methodology.yaml").resolve())} if methodology
            else set()), languages)
        pages = render_pages(model, paths, specs, stage, only=dirty)
        files = {s.path: pages[s.path] if s.path in pages else old.files[s.path]
                 for s in specs}
        files.update(site_files(model, paths, specs, charts.files or {}))
        # The search index is brought up to date after the pages are written and the browser
        # reloaded (refresh_search), so a changed page shows without waiting for it.
        search = {p: b for p, b in old.files.items() if p.startswith(SEARCH)}
        self.search_stale = self.search_stale or any(
            files[s.path] != old.files.get(s.path) for s in specs) or bool(
            set(old.files) - set(files) - set(search))
        files.update(search)
        verify_links(files, model, specs, stage, cache=self._links)
        state = _State(inputs, model, charts, specs, files, results, reads,
                       page_inputs.index_tables(inputs.dataset, reads))
        return state, Rebuild(full=False, rendered=sorted(dirty), indices=recomputed)

    def refresh_search(self) -> list[str]:
        """Re-index the pages for search after an incremental rebuild; the files written."""
        if self.state is None or not self.search_stale:
            return []
        files = {p: b for p, b in self.state.files.items() if not p.startswith(SEARCH)}
        try:
            files = finish(files, self._stages())
        except AimaqError:
            return []
        written, removed = sync_site(files, self.output, self._on_disk)
        self.state = dataclasses.replace(self.state, files=files)
        self._on_disk = files
        self.search_stale = False
        return written + removed

    @staticmethod
    def _with_new_text(specs: list[PageSpec], content: Content) -> list[PageSpec]:
        """The same planned pages, holding the re-read content pages instead of the old."""
        fresh = {(p.lang, p.kind, p.slug): p for p in content.pages}

        def swap(value: object) -> object:
            if isinstance(value, Page):
                return fresh.get((value.lang, value.kind, value.slug), value)
            if isinstance(value, list):
                return [swap(v) for v in value]
            if isinstance(value, tuple):
                return tuple(swap(v) for v in value)
            if isinstance(value, dict):
                return {k: swap(v) for k, v in value.items()}
            return value

        out = []
        for spec in specs:
            if spec.inputs is not None and not any(f.endswith(".md") for f in spec.inputs):
                out.append(spec)
                continue
            context = {k: swap(v) for k, v in spec.context.items()}
            out.append(dataclasses.replace(spec, context=context))
        return out

    @staticmethod
    def _languages_with_new_front_matter(old: Content, new: Content) -> set[str]:
        def meta(content: Content) -> dict[str, dict[tuple[str, str], FrontMatter]]:
            out: dict[str, dict[tuple[str, str], FrontMatter]] = {}
            for p in content.pages:
                out.setdefault(p.lang, {})[(p.kind, p.slug)] = p.meta
            return out

        a, b = meta(old), meta(new)
        return {lang for lang in set(a) | set(b) if a.get(lang) != b.get(lang)}

    @staticmethod
    def _dirty(old: _State, specs: list[PageSpec], changed: set[str], languages: set[str]) -> set[str]:
        """The pages to render again."""
        before = {s.path: s for s in old.specs}
        alt_old = render.alternates_of(old.specs)
        alt_new = render.alternates_of(specs)
        dirty = set()
        for spec in specs:
            prev = before.get(spec.path)
            if (prev is None or spec.inputs is None or prev.inputs is None
                    or spec.lang in languages
                    or (spec.inputs | prev.inputs) & changed
                    or spec.key != prev.key or spec.template != prev.template
                    or alt_new.get(spec.key) != alt_old.get(prev.key)):
                dirty.add(spec.path)
        return dirty
