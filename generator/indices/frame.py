"""The table an index is computed on, and how its inputs are read from the dataset.

A :class:`Frame` is one long table with a row per (unit, input, part, year): ``input`` is
the id of the index's input, ``part`` a breakdown inside it (a category of the indicator,
or a part of another index such as the ten indicators of K_ia), ``label`` a class id.
Rows with ``ref`` set are reference areas (the region) that are carried through every step
so that "ratio to the region" and "share of the region's total" can be taken, but never
ranked, classified or used as a minimum or maximum.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data.model import Dataset

COLUMNS = ["unit", "input", "part", "year", "value", "label", "ref"]


@dataclass
class Column:
    """What one (input, part) column is: its indicator, table and direction."""
    input: str
    part: str
    indicator: str | None = None
    table: str | None = None
    category: str = ""
    direction: str = "higher"
    index: str | None = None


@dataclass
class Frame:
    df: pd.DataFrame
    columns: dict[tuple[str, str], Column] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def copy(self) -> Frame:
        return Frame(self.df.copy(), dict(self.columns), list(self.notes))

    def keys(self) -> list[tuple[str, str]]:
        """(input, part) pairs in order of first appearance."""
        return list(dict.fromkeys(zip(self.df["input"].tolist(), self.df["part"].tolist())))

    def part_names(self) -> dict[tuple[str, str], str]:
        """The name each (input, part) column gets in the index's output.

        With one input the part is the name ('' for a single value, or the category);
        with several inputs it is the input id, followed by '.part' when there is one.
        """
        keys = self.keys()
        single = len({k[0] for k in keys}) == 1
        return {k: (k[1] if single else (k[0] if k[1] == "" else f"{k[0]}.{k[1]}"))
                for k in keys}

    def output_part(self, key: tuple[str, str]) -> str:
        return self.part_names()[key]

    def wide(self, include_ref: bool = True) -> pd.DataFrame:
        """Units as rows, one column per part (and year when there are several)."""
        df = self.df if include_ref else self.df[~self.df["ref"]]
        if df.empty:
            result: pd.DataFrame = pd.DataFrame()
            return result
        names = self.part_names()
        multi_year = df.groupby(["input", "part"])["year"].nunique().max() > 1
        inputs, parts, years, units, values = lists(df, "input", "part", "year", "unit",
                                                    "value")
        col = [(names[(i, p)] or "value") + (f" {y}" if multi_year else "")
               for i, p, y in zip(inputs, parts, years)]
        # pivot_table(index="unit", columns="column", aggfunc="first") in the units' and
        # columns' order of appearance, without its groupby: the first value that is not
        # NaN of each cell
        row = {u: n for n, u in enumerate(dict.fromkeys(units))}
        column = {c: n for n, c in enumerate(dict.fromkeys(col))}
        table = np.full((len(row), len(column)), math.nan)
        for u, c, v in zip(units, col, values):
            r, k = row[u], column[c]
            if math.isnan(table[r, k]):
                table[r, k] = v
        result = pd.DataFrame(table, index=pd.Index(list(row), name="unit"),
                              columns=pd.Index(list(column), name="column"))
        return result


def lists(df: pd.DataFrame, *columns: str) -> list[list[Any]]:
    """Columns as Python lists, to zip: iterating a pandas string column element by
    element costs more than the work done with each element."""
    return [df[c].tolist() for c in columns]


def empty_frame() -> pd.DataFrame:
    dtypes = ["object", "object", "object", "int64", "float64", "object", "bool"]
    result: pd.DataFrame = pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(COLUMNS, dtypes)})
    return result


def make_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    if not records:
        return empty_frame()
    df = pd.DataFrame.from_records(records, columns=COLUMNS)
    result: pd.DataFrame = df.astype({"year": "int64", "value": "float64", "ref": "bool"})
    return result


def select_indicator(dataset: Dataset, indicator: str, table: str | None,
                     year: int | tuple[int, int] | None, category: Any,
                     areas: list[str]) -> pd.DataFrame:
    """Observation rows of an indicator for the given areas (no reindexing)."""
    obs = dataset.select(indicator, table=table)
    if year is not None:
        if isinstance(year, tuple):
            obs = obs[(obs["year"] >= year[0]) & (obs["year"] <= year[1])]
        else:
            obs = obs[obs["year"] == int(year)]
    if category is None or category == "":
        obs = obs[obs["category"] == ""]
    elif category == "*":
        pass
    elif isinstance(category, list):
        obs = obs[obs["category"].isin(category)]
    else:
        obs = obs[obs["category"] == category]
    result: pd.DataFrame = obs[obs["unit"].isin(areas)]
    return result


def reference_mask(df: pd.DataFrame, dataset: Dataset) -> np.ndarray:
    """Rows that form the reference set: the region's units, or all rows if none is one."""
    not_ref = ~df["ref"].to_numpy()
    is_unit = df["unit"].map(lambda u: dataset.areas[u].kind == "unit"
                             if u in dataset.areas else False).to_numpy(dtype=bool)
    if (is_unit & not_ref).any():
        result: np.ndarray = is_unit & not_ref
        return result
    return not_ref
