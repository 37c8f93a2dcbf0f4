"""The in-memory model of one edition's data.

The loader (``generator.data.load``) builds a :class:`Dataset` from the files described in
``docs/data-format.md``; the index engine, the charts and the pages only read it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import DataError

LANGS_FALLBACK = ("kk", "ru", "en")

#: Columns of :attr:`Dataset.observations`, in order.
OBSERVATION_COLUMNS = [
    "table",      # table id (CSV file stem)
    "unit",       # canonical area id
    "indicator",  # indicator id
    "category",   # category id or "" when the indicator has no breakdown
    "year",       # int
    "value",      # float, NaN for flagged or class values
    "label",      # class id for kind: class indicators, else ""
    "flag",       # "", "confidential", "nil" or "missing"
    "line",       # source line (int) or 0
    "note",       # free text or ""
    "file",       # path of the CSV, relative to the project root
    "row",        # 1-based row number in the CSV, header = row 1
]


def text(labels: dict[str, str] | None, lang: str) -> str:
    """The label for ``lang``, falling back to the other languages in a fixed order."""
    if not labels:
        return ""
    found = labels.get(lang)          # asked for ~1.6 M times by a 500-unit build
    if found:
        return found
    for other in LANGS_FALLBACK:
        if labels.get(other):
            return labels[other]
    return next(iter(labels.values()), "")


@dataclass(frozen=True)
class Area:
    id: str
    kind: str                      # unit | region | country | other
    name: dict[str, str]
    type: str | None = None        # city | district for units
    aliases: tuple[str, ...] = ()
    border: str | None = None
    shape: str | None = None       # polygon name in the boundary file
    point: tuple[float, float] | None = None  # (lon, lat) when drawn as a point
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ClassDef:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class SourceRef:
    document: str
    table: str | None = None
    lines: str | None = None
    page: str | None = None


@dataclass(frozen=True)
class Indicator:
    id: str
    name: dict[str, str]
    measure: str
    direction: str = "none"        # higher | lower | none
    kind: str = "number"           # number | class
    classes: tuple[ClassDef, ...] = ()
    categories: tuple[ClassDef, ...] = ()
    source: SourceRef | None = None
    notes: dict[str, str] = field(default_factory=dict)
    decimals: int | None = None    # printed precision, when known


@dataclass(frozen=True)
class Document:
    id: str
    file: str
    title: dict[str, str]
    author: str = ""
    year: int | None = None
    kind: str = ""
    notes: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TableMeta:
    id: str
    file: str
    document: str
    number: str
    title: dict[str, str]
    lines: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None       # the sheet read from a workbook (None: the first)


@dataclass
class Dataset:
    """All data of one edition, validated."""

    edition: str
    root: Path
    region: str
    areas: dict[str, Area]
    measures: dict[str, dict[str, str]]
    indicators: dict[str, Indicator]
    documents: dict[str, Document]
    tables: dict[str, TableMeta]
    observations: pd.DataFrame
    #: Tables with a header and no rows (a new edition's, before its numbers are entered):
    #: the data checks refuse them, so a published edition never has one.
    empty_tables: tuple[str, ...] = ()
    #: The tables' notes in other languages, by the English note (notes.yaml).
    note_texts: dict[str, dict[str, str]] = field(default_factory=dict)

    def note(self, note: str) -> dict[str, str]:
        """A table note in every language it has (``text`` picks the page's)."""
        return {"en": note, **self.note_texts.get(note, {})} if note else {}

    # -- areas -----------------------------------------------------------
    def _units(self) -> tuple[Area, ...]:
        # Asked for on every page, per figure (tens of thousands of times in a large
        # region): kept per areas dict, so a call does not walk every area again (which
        # grew with units x units). A new or resized ``areas`` is read again.
        areas = self.areas
        cached = self.__dict__.get("_unit_areas")
        if cached is None or cached[0] is not areas or cached[1] != len(areas):
            cached = (areas, len(areas), tuple(a for a in areas.values() if a.kind == "unit"),
                      [a.id for a in areas.values() if a.kind == "unit"])
            self.__dict__["_unit_areas"] = cached
        found: tuple[Area, ...] = cached[2]
        return found

    def unit_ids(self) -> list[str]:
        """Ids of the areas of kind ``unit``, in the order of units.yaml (a new list)."""
        self._units()
        ids: list[str] = self.__dict__["_unit_areas"][3]
        return ids.copy()

    @property
    def units(self) -> list[Area]:
        return list(self._units())

    # -- observations ----------------------------------------------------
    def select(
        self,
        indicator: str | None = None,
        *,
        year: int | None = None,
        table: str | None = None,
        category: str | None = None,
        units: Iterable[str] | None = None,
    ) -> pd.DataFrame:
        """The observations matching every given argument (a new frame each call)."""
        wanted = None if units is None else list(units)
        # The same questions come back (the engine re-reads its inputs for every
        # sensitivity variant): answers are kept per observations frame, and each call
        # gets its own shallow copy, so changing it changes nothing here.
        key: tuple[Any, ...] | None = (indicator, year, table, category,
                                       None if wanted is None else tuple(wanted))
        obs = self.observations
        cached: tuple[pd.DataFrame, dict[tuple[Any, ...], pd.DataFrame]] | None = \
            self.__dict__.get("_selected")
        if cached is None or cached[0] is not obs:
            cached = (obs, {})
            self.__dict__["_selected"] = cached
        try:
            hit = cached[1].get(key) if key is not None else None
        except TypeError:                                  # an unhashable argument
            hit, key = None, None
        if hit is None:
            hit = self._select(indicator, year, table, category, wanted)
            if key is not None:
                cached[1][key] = hit
        result: pd.DataFrame = hit.copy(deep=False)
        return result

    def _select(self, indicator: str | None, year: int | None, table: str | None,
                category: str | None, units: list[str] | None) -> pd.DataFrame:
        obs = self.observations if indicator is None else self.rows_of([indicator])
        mask = pd.Series(True, index=obs.index)
        if year is not None:
            mask &= obs["year"] == int(year)
        if table is not None:
            mask &= obs["table"] == table
        if category is not None:
            mask &= obs["category"] == category
        if units is not None:
            mask &= obs["unit"].isin(units)
        return obs[mask]

    def rows_of(self, indicators: Iterable[str]) -> pd.DataFrame:
        """The observations of these indicators, as ``observations[indicator.isin(…)]``
        gives them (same rows, order and index), from positions grouped once per frame:
        the engine and the checks ask for indicators hundreds of times, and a comparison
        over every observation each time grows with the region."""
        obs = self.observations
        cached = self.__dict__.get("_indicator_rows")
        if cached is None or cached[0] is not obs:
            positions = obs.groupby("indicator", sort=False).indices if len(obs) else {}
            cached = (obs, positions)
            self.__dict__["_indicator_rows"] = cached
        found = [cached[1][i] for i in dict.fromkeys(indicators) if i in cached[1]]
        if not found:
            return obs.iloc[0:0]
        return obs.iloc[found[0] if len(found) == 1 else np.sort(np.concatenate(found))]

    def series(
        self,
        indicator: str,
        *,
        year: int | None = None,
        table: str | None = None,
        category: str = "",
        units: Iterable[str] | None = None,
    ) -> pd.Series:
        """Values of one indicator, indexed by area id.

        ``units`` defaults to the region's units (kind ``unit``). When the indicator has
        values for several years, ``year`` must be given; when two tables hold the same
        observation with different values, ``table`` must be given. Missing units are NaN.
        """
        if indicator not in self.indicators:
            raise DataError(f"unknown indicator {indicator!r}",
                            fix="use an id from indicators.yaml")
        wanted = list(units) if units is not None else self.unit_ids()
        rows = self.select(indicator, year=year, table=table, category=category, units=wanted)
        if year is None and rows["year"].nunique() > 1:
            years = sorted(rows["year"].unique())
            raise DataError(f"indicator {indicator!r} has several years {years}",
                            fix="name the year")
        dup = rows[rows.duplicated(["unit", "year"], keep=False)]
        if not dup.empty:
            conflicting = dup.groupby("unit")["value"].nunique(dropna=False)
            bad = conflicting[conflicting > 1]
            if not bad.empty:
                tables = sorted(dup["table"].unique())
                raise DataError(
                    f"indicator {indicator!r} has different values in tables {tables} "
                    f"for {sorted(bad.index)}", fix="name the table")
            rows = rows.drop_duplicates(["unit", "year"])
        return rows.set_index("unit")["value"].reindex(wanted).astype(float)

    def value(self, indicator: str, unit: str, *, year: int | None = None,
              table: str | None = None, category: str = "") -> float:
        return float(self.series(indicator, year=year, table=table, category=category,
                                 units=[unit]).iloc[0])

    def years(self, indicator: str, table: str | None = None) -> list[int]:
        return sorted(int(y) for y in self.select(indicator, table=table)["year"].unique())
