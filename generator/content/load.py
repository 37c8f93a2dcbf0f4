"""Narrative content: Markdown files with a YAML front matter block.

Layout (per edition and language)::

    content/<edition>/<lang>/index.md          the region's home page text
    content/<edition>/<lang>/units/<unit>.md   narrative for one unit (optional)
    content/<edition>/<lang>/pages/<slug>.md   other pages (about, methodology ...)

Markdown is rendered once here; raw HTML, ``javascript:`` links and event handlers are
removed, so an edited page can never inject script into the site.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import markdown
import nh3
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..confine import refuse_outside_links
from ..data.load import check_languages
from ..errors import AimaqError, ContentError
from ..yamlio import load_yaml, parse_yaml, validation_error

FRONT = "---"
MD_EXTENSIONS = ["extra", "sane_lists", "toc"]

# Tags and attributes Markdown produces; everything else is stripped.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "figcaption",
    "figure", "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "abbr": {"title"},
}


class FigureRef(BaseModel):
    """A figure chosen for a page: one observation of the region (or of a named area)."""

    model_config = ConfigDict(extra="forbid")
    table: str = Field(description="Id of the table (sources.yaml) the figure is read from.")
    indicator: str = Field(description="Id of the indicator (indicators.yaml).")
    category: str = Field("", description="The category, for an indicator with categories.")
    year: int | None = Field(None, description="The year; needed when the table has "
                             "several years for the figure.")
    unit: str | None = Field(None, description="Id of the area; none: the region.")


class RankedRef(BaseModel):
    """An index (or a table's indicator) shown with its rank in words. ``rank_one`` says
    what rank 1 means, in the reader's words ("most innovative"); without it the page says
    which value comes first and whether higher or lower is better."""

    model_config = ConfigDict(extra="forbid")
    index: str | None = Field(None, description="Id of an index of methodology.yaml; or give "
                              "table and indicator.")
    table: str | None = Field(None, description="Id of the table (sources.yaml) the value is "
                              "read from, with indicator.")
    indicator: str | None = Field(None, description="Id of the indicator (indicators.yaml), "
                                  "with table.")
    category: str = Field("", description="The category, for an indicator with categories.")
    year: int | None = Field(None, description="The year; default the latest with values.")
    better: Literal["higher", "lower"] | None = Field(None, description=(
        "Which way is better, for an index (an indicator says it in indicators.yaml)."))
    rank_one: dict[str, str] = Field({}, description="What rank 1 means, as a text per "
                                     "language (e.g. 'most innovative').")


class HeadlineSpec(BaseModel):
    """The home page's answer: which units lag (a group of groups.yaml), on what measure
    (the index that classes them), and the index mapped and ranked first."""

    model_config = ConfigDict(extra="forbid")
    lagging: str = Field(description="Id of the group of groups.yaml whose units lag.")
    measure: RankedRef = Field(description="The index the group's class comes from.")
    index: RankedRef = Field(description="The index mapped and ranked first on the home page.")


class GlanceSpec(BaseModel):
    """The "at a glance" block that opens every unit profile."""

    model_config = ConfigDict(extra="forbid")
    groups: list[str] = Field([], description="Groups of groups.yaml named as the unit's "
                              "class; the first the unit belongs to wins.")
    why: RankedRef | None = Field(None, description="The value the class rests on.")
    indicators: list[RankedRef] = Field([], description="4–6 headline values, each with its "
                                        "rank in words and the region's value.")


class HomeSpec(BaseModel):
    """content/<edition>/home.yaml: what the home page shows beside its text."""

    model_config = ConfigDict(extra="forbid")
    key_figures: list[FigureRef] = Field([], description="The key figures at the top of the "
                                         "home page, in order.")
    groups: list[str] = Field([], description="Ids of groups of groups.yaml shown on the home "
                              "page with their members.")
    headline: HeadlineSpec | None = Field(None, description="The home page's answer: which "
                                          "units lag, on what measure, and the index mapped "
                                          "and ranked first.")
    glance: GlanceSpec | None = Field(None, description="The 'at a glance' block that opens "
                                      "every unit profile.")


class FrontMatter(BaseModel):
    """The YAML block between '---' lines at the top of a Markdown page."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(description="The page's title (its heading, tab and links to it).")
    description: str = Field("", description="One sentence about the page, for search "
                             "engines and link previews.")
    order: int = Field(0, description="Position among the pages of its kind (lower first; "
                       "then by file name).")


@dataclass
class Page:
    """One Markdown file, rendered and sanitised."""

    path: Path          # file, relative to the project root where possible
    lang: str
    kind: str           # home | unit | page
    slug: str           # unit id or page slug; "index" for home
    meta: FrontMatter
    html: str
    source: str = field(repr=False, default="")


@dataclass
class Content:
    edition: str
    pages: list[Page]
    home: HomeSpec = field(default_factory=HomeSpec)
    home_file: Path | None = None
    home_lines: dict = field(default_factory=dict)

    # Every page asks for its footer pages and each profile for its narrative: both are
    # looked up in tables made once, so a site with many pages renders in time linear in
    # their number. (``pages`` is complete when the Content is made and never changed.)
    def get(self, lang: str, kind: str, slug: str) -> Page | None:
        by_key = self.__dict__.get("_by_key")
        if by_key is None:
            by_key = self.__dict__["_by_key"] = {}
            for p in self.pages:
                by_key.setdefault((p.lang, p.kind, p.slug), p)
        return by_key.get((lang, kind, slug))

    def of_kind(self, lang: str, kind: str) -> list[Page]:
        """The pages of a kind in one language, by ``order`` and then slug."""
        memo = self.__dict__.setdefault("_of_kind", {})
        if (lang, kind) not in memo:
            memo[(lang, kind)] = sorted(
                (p for p in self.pages if p.lang == lang and p.kind == kind),
                key=lambda p: (p.meta.order, p.slug))
        return list(memo[(lang, kind)])


_md = markdown.Markdown(extensions=MD_EXTENSIONS, output_format="html")


def render_markdown(text: str) -> str:
    _md.reset()
    html = _md.convert(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel=None)


def parse_page(text: str, path: Path, display: Path) -> tuple[FrontMatter, str, int]:
    """Split front matter and body; return the meta, the body and the body's first line."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != FRONT:
        raise ContentError("the page has no front matter", display, 1,
                           "start the file with '---', then 'title: ...', then '---'")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == FRONT)
    except StopIteration:
        raise ContentError("the front matter is not closed", display, 1,
                           "add a line with '---' after the front matter keys") from None
    try:
        doc = parse_yaml("\n".join(lines[1:end]) + "\n", display)
    except AimaqError as err:           # the YAML starts on line 2 of the file
        raise ContentError(err.message, display, err.line + 1 if err.line else 2,
                           err.fix) from None
    # The YAML starts on line 2 of the file.
    doc.lines = {k: v + 1 for k, v in doc.lines.items()}
    if not isinstance(doc.data, dict):
        raise ContentError("the front matter must be keys and values", display, 2,
                           "write e.g. 'title: My page'")
    try:
        meta = FrontMatter.model_validate(doc.data)
    except ValidationError as exc:
        err = validation_error(exc, doc, model=FrontMatter)
        raise ContentError(err.message, display, err.line, err.fix) from None
    return meta, "\n".join(lines[end + 1:]), end + 2


def _display(path: Path, base: Path) -> Path:
    try:
        return path.resolve().relative_to(base)
    except ValueError:
        return path


def _display_under(file: Path, folder: Path, real_folder: Path, base: Path) -> Path:
    """``_display(file, base)`` for a file that a walk of ``folder`` found (the walk
    enters no linked folder): the folder is resolved once (``real_folder``), not every
    page's path again; a linked file is resolved itself."""
    if os.path.islink(file):
        return _display(file, base)
    try:
        return (real_folder / file.relative_to(folder)).relative_to(base)
    except ValueError:
        return file


SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: Largest Markdown page read (bytes): a long chapter is a few hundred kilobytes.
MAX_PAGE_BYTES = 2_000_000


def load_page(file: Path, lang_dir: Path, lang: str, unit_ids: list[str] | None,
              display: Path) -> Page:
    """One Markdown file of ``lang_dir``, validated, rendered and sanitised."""
    rel = file.relative_to(lang_dir)
    if rel == Path("index.md"):
        kind, slug = "home", "index"
    elif len(rel.parts) == 2 and rel.parts[0] == "units":
        kind, slug = "unit", rel.stem
        if unit_ids is not None and slug not in unit_ids:
            raise ContentError(f"no unit {slug!r} in units.yaml", display, 1,
                               "name the file after a unit id, e.g. "
                               f"units/{unit_ids[0] if unit_ids else 'my-unit'}.md")
    elif len(rel.parts) == 2 and rel.parts[0] == "pages":
        kind, slug = "page", rel.stem
        if not SLUG_RE.match(slug) or len(slug) > 80:
            raise ContentError(f"{rel.name!r} is not a valid page file name: the name becomes "
                               "the page's address", display, 1,
                               "use lowercase letters, digits, '_' or '-' (e.g. about.md)")
    else:
        raise ContentError("unexpected content file", display, 1,
                           "put pages in index.md, units/<unit>.md or pages/<slug>.md")
    size = file.stat().st_size
    if size > MAX_PAGE_BYTES:
        raise ContentError(f"the page is {size:,} bytes; pages are read up to "
                           f"{MAX_PAGE_BYTES:,} bytes", display, 1,
                           "split it into several pages")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"the file is not UTF-8 text (byte {exc.start})", display, 1,
                           "save it as UTF-8") from None
    meta, body, html = _parsed(text, file, display)
    return Page(path=display, lang=lang, kind=kind, slug=slug, meta=meta.model_copy(),
                html=html, source=body)


@functools.lru_cache(maxsize=8192)
def _parsed(text: str, file: Path, display: Path) -> tuple[FrontMatter, str, str]:
    """Front matter, body and HTML of a page's text: ``aimaq serve`` re-reads the whole
    edition after an edit, and only the edited file is parsed again."""
    meta, body, _ = parse_page(text, file, display)
    return meta, body, render_markdown(body)


@functools.lru_cache(maxsize=64)
def _check_texts(path: Path, display: Path, stamp: tuple[int, int],
                 languages: tuple[str, ...]) -> None:
    """Language keys of one YAML file of texts, checked once per version of the file
    (``aimaq serve`` reloads the content after every edit of a page)."""
    check_languages(load_yaml(path), display, list(languages), ContentError)


def load_content(content_dir: Path, edition: str, languages: list[str],
                 unit_ids: list[str] | None, base: Path | None = None,
                 problems: list | None = None) -> Content:
    """Every content page of an edition. With ``problems`` (a list), a page with a mistake
    is recorded there and skipped, so ``aimaq check`` reports every page at once."""
    base = (base or Path.cwd()).resolve()
    root = content_dir / edition
    pages: list[Page] = []
    if not root.is_dir():
        raise ContentError(f"no content folder for edition {edition!r}", _display(root, base),
                           None, f"create {root}/<lang>/index.md")
    refuse_outside_links(root, base, error=ContentError)
    for texts in sorted(root.glob("*.yaml")):    # glossary, recommendations, charts, …
        st = texts.stat()
        _check_texts(texts, _display(texts, base), (st.st_mtime_ns, st.st_size),
                     tuple(languages))
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        if lang_dir.name not in languages:
            raise ContentError(f"folder {lang_dir.name!r} is not a language of the site",
                               _display(lang_dir, base), None,
                               f"use one of {languages} or add the language to site.yaml")
    for lang in languages:
        lang_dir = root / lang
        if not lang_dir.is_dir():
            continue
        real_dir = lang_dir.resolve()
        for file in sorted(lang_dir.rglob("*.md")):
            try:
                pages.append(load_page(file, lang_dir, lang, unit_ids,
                                       _display_under(file, lang_dir, real_dir, base)))
            except ContentError as err:
                if problems is None:
                    raise
                problems.append(err)
    content = Content(edition=edition, pages=pages)
    home_file = root / "home.yaml"
    if home_file.is_file():
        doc = load_yaml(home_file)
        try:
            content.home = HomeSpec.model_validate(doc.data or {})
        except ValidationError as exc:
            err = validation_error(exc, doc, model=HomeSpec)
            raise ContentError(err.message, _display(home_file, base), err.line,
                               err.fix) from None
        content.home_file = _display(home_file, base)
        content.home_lines = {i: doc.line("key_figures", i)
                              for i in range(len(content.home.key_figures))}
    return content
