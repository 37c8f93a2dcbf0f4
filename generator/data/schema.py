"""Schemas of the edition's YAML data files (units, indicators, sources).

They mirror docs/data-format.md. Unknown keys are errors, so a misspelt key is caught.
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

Text = dict[str, str]


def check_id(v: str) -> str:
    """Ids become folder and file names: only safe slugs (no '/', '..', spaces)."""
    if not isinstance(v, str) or not ID_RE.match(v) or len(v) > 80:
        raise PydanticCustomError("bad_id", "'{value}' is not a valid id: use lowercase "
                                  "letters, digits, '_' or '-'", {"value": v})
    return v


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class GeoSpec(_Strict):
    """Where an area is on the map."""

    shape: str | None = Field(None, description="Name of the area's polygon in the "
                              "edition's boundary file (its shapeName property).")
    point: tuple[float, float] | None = Field(None, description="[longitude, latitude] of a "
                                              "place drawn as a dot (a city without a "
                                              "polygon).")


class AreaSpec(_Strict):
    id: str = Field(description="Stable id: lowercase letters, digits, '_' or '-'; it "
                    "becomes the unit's address, so never change it once published.")
    kind: Literal["unit", "region", "country", "other"] = Field(description=(
        "unit: ranked by the indices; region: the region itself (exactly one, named by "
        "'region'); country and other: reference areas shown beside it."))
    type: Literal["city", "district"] | None = Field(None, description="For a unit: city or "
                                                     "district.")
    name: Text = Field(description="The area's name per language.")
    aliases: list[str] = Field(default_factory=list, description="Other spellings a table "
                               "may use for the area (case, dots and spaces do not matter).")
    border: Literal["russia", "china"] | None = Field(None, description="The neighbouring "
                                                      "country a unit borders, if any.")
    geo: GeoSpec | None = Field(None, description="Where the area is on the map: a polygon "
                                "(shape) or a point.")
    notes: Text = Field(default_factory=dict, description="Remarks per language.")

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class UnitsFile(_Strict):
    region: str = Field(description="The id of the area of kind 'region'.")
    areas: list[AreaSpec] = Field(description="The region, its units (at least two) and "
                                  "any reference areas.")


class ClassSpec(_Strict):
    id: str = Field(description="The id a table writes in its value (classes) or category "
                    "(categories) column.")
    name: Text = Field(description="Its name per language.")

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class SourceRefSpec(_Strict):
    document: str = Field(description="Id of the document in sources.yaml.")
    table: str | None = Field(None, description="Table or figure number as printed.")
    lines: str | None = Field(None, description="Lines of the document, e.g. '1523-1690'.")
    page: str | None = Field(None, description="Page of the document.")

    @field_validator("table", "lines", "page", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class IndicatorSpec(_Strict):
    id: str = Field(description="Stable id used by tables, checks and the methodology.")
    name: Text = Field(description="The indicator's name per language.")
    measure: str = Field(description="Its unit of measure: a key of 'measures'.")
    direction: Literal["higher", "lower", "none"] = Field("none", description=(
        "Whether a higher or a lower value is better, or neither."))
    kind: Literal["number", "class"] = Field("number", description="number: a numeric "
                                             "value; class: one of 'classes'.")
    classes: list[ClassSpec] = Field(default_factory=list, description="For kind: class, "
                                     "the classes in order (best or highest first).")
    categories: list[ClassSpec] = Field(default_factory=list, description="A breakdown "
                                        "(e.g. by activity): each row of a table then names "
                                        "one in its category column.")
    decimals: int | None = Field(None, description="Decimals shown; none: as the data "
                                 "has them.")
    source: SourceRefSpec | None = Field(None, description="Where the numbers are printed.")
    notes: Text = Field(default_factory=dict, description="Remarks per language.")

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class IndicatorsFile(_Strict):
    measures: dict[str, Text] = Field(description="Units of measure: an id, and its label "
                                      "per language.")
    indicators: list[IndicatorSpec] = Field(description="Every indicator of the edition.")


class DocumentSpec(_Strict):
    id: str = Field(description="Stable id that indicators and tables cite.")
    file: str = Field(description="The document's file name (as archived beside the data).")
    title: Text = Field(description="Its title per language.")
    short: Text = Field(default_factory=dict, description="A short citation per language, "
                        "e.g. 'Akisheva, 2023'.")
    author: str = Field("", description="Its author or authors.")
    year: int | None = Field(None, description="Year of publication.")
    kind: str = Field("", description="What it is, e.g. thesis, bulletin, report.")
    notes: Text = Field(default_factory=dict, description="Remarks per language.")

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))


class TableSpec(_Strict):
    id: str = Field(description="The table's id: its file is tables/<id>.csv or "
                    "tables/<id>.xlsx.")
    document: str = Field(description="Id of the document it is taken from.")
    number: str = Field(description="Table or figure number as printed (e.g. '15', "
                        "'Fig. 16').")
    title: Text = Field(description="Its title per language.")
    lines: str | None = Field(None, description="Lines of the document, e.g. '1523-1690'.")
    notes: Text = Field(default_factory=dict, description="What the source itself gets "
                        "wrong, per language; never fix the numbers silently.")
    sheet: str | None = Field(None, description="For an .xlsx table: the sheet to read; "
                              "none: the first sheet.")

    _id = field_validator("id")(classmethod(lambda cls, v: check_id(v)))

    @field_validator("number", "lines", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class SourcesFile(_Strict):
    documents: list[DocumentSpec] = Field(description="The source documents.")
    tables: list[TableSpec] = Field(description="The tables taken from them, one file each.")
