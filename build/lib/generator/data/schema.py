"""Schemas of the edition's YAML data files (units, indicators, sources).

They mirror docs/data-format.md. Unknown keys are errors, so a misspelt key is caught.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

Text = dict[str, str]


def check_id(v: str) -> str:
    """Ids become folder and file names: only safe slugs (no '/', '..', spaces)."""
    if not isinstance(v, str) or not ID_RE.match(v) or len(v) > 80:
        raise ValueError(f"{v!r} is not a valid id: use lowercase letters, digits, '_' or '-'")
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class GeoSpec(_Strict):
    shape: str | None = None
    point: tuple[float, float] | None = None


class AreaSpec(_Strict):
    id: str
    kind: Literal["unit", "region", "country", "other"]
    type: Literal["city", "district"] | None = None
    name: Text
    aliases: list[str] = Field(default_factory=list)
    border: str | None = None      # an id; its label is border_<id> in strings.yaml
    geo: GeoSpec | None = None
    notes: Text = Field(default_factory=dict)

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class UnitsFile(_Strict):
    region: str
    areas: list[AreaSpec]


class ClassSpec(_Strict):
    id: str
    name: Text

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class SourceRefSpec(_Strict):
    document: str
    table: str | None = None
    lines: str | None = None
    page: str | None = None

    @field_validator("table", "lines", "page", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class IndicatorSpec(_Strict):
    id: str
    name: Text
    measure: str
    direction: Literal["higher", "lower", "none"] = "none"
    kind: Literal["number", "class"] = "number"
    classes: list[ClassSpec] = Field(default_factory=list)
    categories: list[ClassSpec] = Field(default_factory=list)
    decimals: int | None = None
    source: SourceRefSpec | None = None
    notes: Text = Field(default_factory=dict)

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class IndicatorsFile(_Strict):
    measures: dict[str, Text]
    indicators: list[IndicatorSpec]


class DocumentSpec(_Strict):
    id: str
    file: str
    title: Text
    short: Text = Field(default_factory=dict)   # short citation, e.g. "Akisheva, 2023"
    author: str = ""
    year: int | None = None
    kind: str = ""
    notes: Text = Field(default_factory=dict)

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class TableSpec(_Strict):
    id: str
    document: str
    number: str
    title: Text
    lines: str | None = None
    notes: Text = Field(default_factory=dict)

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))

    @field_validator("number", "lines", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class SourcesFile(_Strict):
    documents: list[DocumentSpec]
    tables: list[TableSpec]
