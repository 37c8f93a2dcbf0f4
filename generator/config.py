"""site.yaml: the schema and its loader.

Unknown keys and wrong types are errors naming the key and its line, so a typo never
silently falls back to a default.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .errors import ConfigError
from .yamlio import load_yaml, validation_error

LANG_RE = re.compile(r"^[a-z]{2,3}$")
EDITION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Text = dict[str, str]


def _iso_date(v: str | None) -> str | None:
    if v is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(v)):
        raise PydanticCustomError("date_format", "write the date as YYYY-MM-DD, in quotes")
    return v


class Erratum(_Strict):
    """A correction to a frozen edition: it lets the named files and indices differ from
    the edition's lock, and the site shows it on the pages made from them."""

    date: str = Field(description="When the correction was made, YYYY-MM-DD.")
    files: list[str] = Field(default_factory=list,
                             description="Changed input files, relative to site.yaml.")
    indices: list[str] = Field(default_factory=list,
                               description="Indices whose computed values changed.")
    what: Text = Field(description="What changed, per language.")
    why: Text = Field(description="Why it changed, per language.")

    @field_validator("date")
    @classmethod
    def _date(cls, v: str) -> str:
        return _iso_date(v)

    @model_validator(mode="after")
    def _something(self) -> Erratum:
        if not self.files and not self.indices:
            raise ValueError("an erratum names the changed 'files' or 'indices' (or both)")
        return self


class Edition(_Strict):
    id: str = Field(description="Edition id, used in URLs and folder names (e.g. '2023').")
    title: Text = Field(default_factory=dict, description="The edition's name per language, "
                        "shown in the edition switcher and on its home.")
    data_year: int | None = Field(default=None, description="Latest year of the edition's data.")
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    draft: bool = Field(default=False, description="A draft is built only with --drafts.")
    basis: Text = Field(default_factory=dict,
                        description="What the edition's numbers rest on, shown on its home.")
    errata: list[Erratum] = Field(default_factory=list, description="Corrections made after "
                                  "the edition was frozen (see docs/editions.md).")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not EDITION_RE.match(v):
            raise ValueError("use letters, digits, '.', '_' or '-' (e.g. '2023')")
        return v

    @field_validator("published")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        return _iso_date(v)


class Person(_Strict):
    """An author for the "how to cite" block: a person (family, given) or a body (name)."""

    family: str | None = Field(None, description="A person's family name.")
    given: str | None = Field(None, description="A person's given names.")
    name: str | None = Field(None, description="The name of a body (an office, a "
                             "university) that is an author.")

    @model_validator(mode="after")
    def _one(self) -> Person:
        if not (self.name or self.family):
            raise ValueError("give 'family' (and 'given') for a person or 'name' for a body")
        return self


class Reference(_Strict):
    """The work the site is based on, cited next to the edition."""

    type: str = Field("generic", description="Kind of work, as CITATION.cff names it "
                      "(e.g. thesis, report, article, generic).")
    title: str = Field(description="Title of the work.")
    authors: list[Person] = Field(description="Its authors, each a person or a body.")
    year: int | None = Field(None, description="Year of publication.")
    institution: str | None = Field(None, description="Institution that published or "
                                    "awarded it.")
    location: str | None = Field(None, description="City (or place) of publication.")


class Citation(_Strict):
    """Who to cite: the site's "How to cite" block and its CITATION.cff."""

    authors: list[Person] = Field(description="Authors of the site, each a person or a body.")
    license: str | None = Field(None, description="Licence of the site's texts and data, as "
                                "an SPDX id (e.g. CC-BY-4.0).")
    based_on: Reference | None = Field(None, description="The work the site is based on, "
                                       "cited next to it.")


class SiteConfig(_Strict):
    title: Text = Field(description="The site's name per language; every site language "
                        "needs one.")
    description: Text = Field(default_factory=dict, description="One sentence per language "
                              "about the site, for search engines and link previews.")
    languages: list[str] = Field(default_factory=lambda: ["kk", "ru", "en"], description=(
        "The site's languages as two- or three-letter codes, in the order the language "
        "switch shows them."))
    default_language: str = Field("kk", description="The language the site's root address "
                                  "opens in; one of languages.")
    base_url: str = Field("/", description="Where the site is published: a path ('/' or "
                          "'/stats/') or a full address ('https://example.org/stats/').")
    data_dir: str = Field("data", description="Folder of the data, relative to site.yaml: "
                          "one subfolder per edition.")
    content_dir: str = Field("content", description="Folder of the texts, relative to "
                             "site.yaml: one subfolder per edition.")
    templates_dir: str = Field("templates", description=(
        "The project's overrides of Aimaq's default theme, relative to site.yaml (optional; "
        "the folder need not exist): a file here replaces the theme's file of the same name "
        "(templates, assets/), and strings.yaml, chart_strings.yaml and reasons.yaml replace "
        "only the keys they list."))
    output_dir: str = Field("output", description="Folder aimaq build writes the site to, "
                            "relative to site.yaml; replaced whole by every build.")
    editions: list[Edition] = Field(description="Oldest first; the last one that is not a "
                                    "draft is the current edition, the others are archived.")
    citation: Citation | None = Field(None, description="Who to cite: the 'How to cite' "
                                      "block of every edition and the site's CITATION.cff.")
    footer_pages: int = Field(12, ge=0, description=(
        "How many of the pages in content/<edition>/<lang>/pages/ the footer of every page "
        "lists (by 'order', then file name). With more pages than this, the footer ends with a "
        "link to a list of all of them, so a page's size never grows with the number of pages."))

    # Filled in by load_config, not from the file.
    root: Path = Field(default=Path("."), exclude=True)

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("list at least one language")
        for lang in v:
            if not LANG_RE.match(lang):
                raise ValueError(f"{lang!r} is not a language code such as 'kk'")
        if len(set(v)) != len(v):
            raise ValueError("a language is listed twice")
        return v

    @field_validator("base_url")
    @classmethod
    def _base(cls, v: str) -> str:
        if not (v.startswith("/") or re.match(r"^https?://", v)):
            raise ValueError("start with '/' (a path) or 'https://' (a full address)")
        return v if v.endswith("/") else v + "/"

    @model_validator(mode="after")
    def _cross(self) -> SiteConfig:
        if self.default_language not in self.languages:
            raise PydanticCustomError("not_a_site_language",
                                      "default_language '{value}' is not in languages",
                                      {"key": "default_language",
                                       "value": self.default_language})
        for key in ("title",):
            missing = [lang for lang in self.languages if not getattr(self, key).get(lang)]
            if missing:
                raise PydanticCustomError("missing_language", "{key} has no text for {langs}",
                                          {"key": key, "langs": ", ".join(missing)})
        ids = [e.id for e in self.editions]
        if len(set(ids)) != len(ids):
            raise ValueError("an edition id is listed twice")
        if not any(not e.draft for e in self.editions):
            raise ValueError("every edition is a draft: publish one (draft: false)")
        return self

    # -- paths -------------------------------------------------------------
    def path(self, name: str) -> Path:
        return (self.root / getattr(self, f"{name}_dir")).resolve()

    @property
    def data_path(self) -> Path:
        return self.path("data")

    @property
    def content_path(self) -> Path:
        return self.path("content")

    @property
    def templates_path(self) -> Path:
        return self.path("templates")

    @property
    def output_path(self) -> Path:
        return self.path("output")

    # -- editions ------------------------------------------------------------
    @property
    def current_edition(self) -> str:
        """The newest published edition: its pages are also served at <lang>/…."""
        return [e for e in self.editions if not e.draft][-1].id

    def status(self, edition_id: str) -> str:
        """'current', 'archived' (an older published edition) or 'draft'."""
        e = self.edition(edition_id)
        if e.draft:
            return "draft"
        return "current" if e.id == self.current_edition else "archived"

    def built_editions(self, drafts: bool = False) -> list[Edition]:
        """The editions a build makes, oldest first."""
        return [e for e in self.editions if drafts or not e.draft]

    def previous(self, edition_id: str, drafts: bool = False) -> Edition | None:
        """The edition published before ``edition_id`` (what 'what changed' compares with)."""
        built = [e for e in self.built_editions(drafts) if not e.draft or e.id == edition_id]
        ids = [e.id for e in built]
        if edition_id not in ids:
            return None
        i = ids.index(edition_id)
        return built[i - 1] if i > 0 else None

    def edition(self, edition_id: str | None = None) -> Edition:
        wanted = edition_id or self.current_edition
        for e in self.editions:
            if e.id == wanted:
                return e
        raise ConfigError(f"there is no edition {wanted!r}", self.root / "site.yaml", None,
                          f"use one of {[e.id for e in self.editions]}")


def load_config(path: Path | str = "site.yaml") -> SiteConfig:
    path = Path(path)
    if path.is_dir():
        path = path / "site.yaml"
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise ConfigError("site.yaml must be a mapping of keys to values", path, 1,
                          "start with 'title:' and the other keys of the documented schema")
    try:
        config = SiteConfig.model_validate(doc.data)
    except ValidationError as exc:
        err = validation_error(exc, doc, model=SiteConfig)
        raise ConfigError(err.message, err.file, err.line, err.fix) from None
    _check_languages(config, doc)
    return config.model_copy(update={"root": path.parent.resolve()})


def _texts(config: SiteConfig):
    """(key path, text per language) of every per-language text in site.yaml."""
    yield ("title",), config.title
    yield ("description",), config.description
    for i, e in enumerate(config.editions):
        yield ("editions", i, "title"), e.title
        yield ("editions", i, "basis"), e.basis
        for j, erratum in enumerate(e.errata):
            yield ("editions", i, "errata", j, "what"), erratum.what
            yield ("editions", i, "errata", j, "why"), erratum.why


def _check_languages(config: SiteConfig, doc) -> None:
    """A text keyed by a language the site does not have (a typo such as ``kks``) would
    never be shown: an error at its line."""
    for keys, texts in _texts(config):
        for lang in texts:
            if lang not in config.languages:
                where = ".".join(str(k) for k in keys)
                raise ConfigError(f"{lang!r} under '{where}' is not one of the site's "
                                  f"languages {config.languages}", doc.path,
                                  doc.line(*keys, lang),
                                  "correct the language code, or add it to 'languages'")
