"""site.yaml: the schema and its loader.

Unknown keys and wrong types are errors naming the key and its line, so a typo never
silently falls back to a default.
"""
from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .yamlio import load_yaml, validation_error

LANG_RE = re.compile(r"^[a-z]{2,3}$")
EDITION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Text = dict[str, str]


def _iso_date(v: str | None) -> str | None:
    if v is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(v)):
        raise ValueError("write the date as YYYY-MM-DD, in quotes")
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
    title: Text = Field(default_factory=dict)
    data_year: int | None = Field(default=None, description="Latest year of the edition's data.")
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    draft: bool = Field(default=False, description="A draft is built only with --drafts.")
    basis: Text = Field(default_factory=dict,
                        description="What the edition's numbers rest on, shown on its home.")
    errata: list[Erratum] = Field(default_factory=list)

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

    family: str | None = None
    given: str | None = None
    name: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Person:
        if not (self.name or self.family):
            raise ValueError("give 'family' (and 'given') for a person or 'name' for a body")
        return self


class Reference(_Strict):
    """The work the site is based on, cited next to the edition."""

    type: str = "generic"
    title: str
    authors: list[Person]
    year: int | None = None
    institution: str | None = None
    location: str | None = None


class Citation(_Strict):
    authors: list[Person]
    license: str | None = None
    based_on: Reference | None = None


class SiteConfig(_Strict):
    title: Text
    description: Text = Field(default_factory=dict)
    languages: list[str] = Field(default_factory=lambda: ["kk", "ru", "en"])
    default_language: str = "kk"
    base_url: str = "/"
    data_dir: str = "data"
    content_dir: str = "content"
    templates_dir: str = "templates"
    output_dir: str = "output"
    editions: list[Edition] = Field(description="Oldest first; the last one that is not a "
                                    "draft is the current edition, the others are archived.")
    citation: Citation | None = None
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
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        for key in ("title",):
            missing = [lang for lang in self.languages if not getattr(self, key).get(lang)]
            if missing:
                raise ValueError(f"{key} has no text for {', '.join(missing)}")
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
        err = validation_error(exc, doc)
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
