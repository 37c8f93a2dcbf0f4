"""site.yaml: the schema and its loader.

Unknown keys and wrong types are errors naming the key and its line, so a typo never
silently falls back to a default.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .yamlio import load_yaml, validation_error

LANG_RE = re.compile(r"^[a-z]{2,3}$")
EDITION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = dict[str, str]


class Edition(_Strict):
    id: str = Field(description="Edition id, used in URLs and folder names (e.g. '2023').")
    title: Text = Field(default_factory=dict)
    data_year: int | None = Field(default=None, description="Latest year of the edition's data.")
    published: str | None = Field(default=None, description="Publication date, YYYY-MM-DD.")
    status: Literal["current", "archived", "draft"] = "current"

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not EDITION_RE.match(v):
            raise ValueError("use letters, digits, '.', '_' or '-' (e.g. '2023')")
        return v

    @field_validator("published")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(v)):
            raise ValueError("write the date as YYYY-MM-DD")
        return v


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
    editions: list[Edition]
    current_edition: str

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
    def _cross(self) -> "SiteConfig":
        if self.default_language not in self.languages:
            raise ValueError(f"default_language {self.default_language!r} is not in languages")
        for key in ("title",):
            missing = [lang for lang in self.languages if not getattr(self, key).get(lang)]
            if missing:
                raise ValueError(f"{key} has no text for {', '.join(missing)}")
        ids = [e.id for e in self.editions]
        if len(set(ids)) != len(ids):
            raise ValueError("an edition id is listed twice")
        if self.current_edition not in ids:
            raise ValueError(f"current_edition {self.current_edition!r} is not among editions {ids}")
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
    return config.model_copy(update={"root": path.parent.resolve()})
