"""Key figures: what a page says about a unit or the region, straight from the data.

Every figure carries its value, year, unit of measure, source (document, table, line), the
unit's rank among all units and its gap to the region, so a page never shows a bare number.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..data.model import Dataset


@dataclass(frozen=True)
class Figure:
    table: str
    indicator: str
    category: str
    year: int
    unit: str
    value: float            # NaN for flagged or class values
    label: str              # class id for class indicators
    flag: str
    line: int
    note: str
    rank: int | None        # 1 = best (or largest when the direction is 'none')
    rank_of: int            # how many units have a value
    region_value: float     # NaN when the region has no value
    direction: str
    additive: bool = False  # the units add up to the region (counts, volumes)

    @property
    def gap(self) -> float:
        if math.isnan(self.region_value) or math.isnan(self.value):
            return math.nan
        return self.value - self.region_value

    @property
    def ratio_to_region(self) -> float:
        if math.isnan(self.region_value) or self.region_value == 0 or math.isnan(self.value):
            return math.nan
        return self.value / self.region_value * 100


#: Units add up to the region within this relative margin → the measure is additive and a
#: unit is better described by its share of the region than by its gap to it.
ADDITIVE_MARGIN = 0.02


def _additive(ds: Dataset) -> pd.DataFrame:
    """Cross-sections whose unit values sum to the region's value (within the margin)."""
    obs = ds.observations
    keys = ["table", "indicator", "category", "year"]
    units = obs[obs["unit"].isin(ds.unit_ids())]
    sums = units.groupby(keys)["value"].agg(["sum", "count"]).reset_index()
    region = obs[obs["unit"] == ds.region][keys + ["value"]]
    merged = sums.merge(region, on=keys)
    merged["additive"] = ((merged["count"] >= 2) & (merged["value"] != 0) &
                          ((merged["sum"] - merged["value"]).abs()
                           <= ADDITIVE_MARGIN * merged["value"].abs()))
    return merged[keys + ["additive"]]


def _ranks(ds: Dataset) -> pd.DataFrame:
    """Rank of every unit within each (table, indicator, category, year) cross-section."""
    obs = ds.observations
    units = set(ds.unit_ids())
    numeric = obs[obs["unit"].isin(units) & obs["value"].notna()].copy()
    directions = {i: ind.direction for i, ind in ds.indicators.items()}
    numeric["direction"] = numeric["indicator"].map(directions)
    keys = ["table", "indicator", "category", "year"]
    ascending = numeric["direction"] == "lower"
    # Rank descending for 'higher' and 'none', ascending for 'lower'.
    signed_value = numeric["value"].where(ascending, -numeric["value"])
    numeric["rank"] = signed_value.groupby([numeric[k] for k in keys]).rank(method="min")
    numeric["rank_of"] = numeric.groupby(keys)["value"].transform("count")
    return numeric[keys + ["unit", "rank", "rank_of"]]


class FigureIndex:
    """All figures of a dataset, computed once and looked up per area."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        obs = ds.observations
        ranks = _ranks(ds)
        keys = ["table", "indicator", "category", "year"]
        region = obs[obs["unit"] == ds.region][keys + ["value"]].rename(
            columns={"value": "region_value"})
        merged = obs.merge(ranks, on=keys + ["unit"], how="left").merge(
            region, on=keys, how="left").merge(_additive(ds), on=keys, how="left")
        merged["additive"] = merged["additive"].fillna(False).astype(bool)
        table_order = {t: i for i, t in enumerate(ds.tables)}
        ind_order = {t: i for i, t in enumerate(ds.indicators)}
        merged["_t"] = merged["table"].map(table_order)
        merged["_i"] = merged["indicator"].map(ind_order)
        self.frame = merged.sort_values(["_t", "_i", "category", "year"], kind="stable")
        self._by_area: dict[str, list[Figure]] | None = None
        self._by_key: dict[tuple, list[Figure]] = {}
        self._values: dict[tuple, tuple[float, ...]] = {}

    def for_area(self, area_id: str) -> list[Figure]:
        if self._by_area is None:
            self._index()
        return self._by_area.get(area_id, [])

    def _index(self) -> None:
        """Turn the frame into Figures once; pages then look them up by area or key."""
        by_area: dict[str, list[Figure]] = {}
        by_key: dict[tuple, list[Figure]] = {}
        directions = {i: ind.direction for i, ind in self.ds.indicators.items()}
        for r in self.frame.itertuples(index=False):
            f = Figure(
                table=r.table, indicator=r.indicator, category=r.category, year=int(r.year),
                unit=r.unit, value=float(r.value), label=r.label, flag=r.flag, line=int(r.line),
                note=r.note, rank=None if pd.isna(r.rank) else int(r.rank),
                rank_of=0 if pd.isna(r.rank_of) else int(r.rank_of),
                region_value=float(r.region_value) if not pd.isna(r.region_value) else math.nan,
                direction=directions[r.indicator], additive=bool(r.additive))
            by_area.setdefault(f.unit, []).append(f)
            by_key.setdefault((f.unit, f.table, f.indicator, f.category), []).append(f)
        self._by_area = by_area
        self._by_key = by_key

    def values(self, units: Sequence[str], table: str, indicator: str, category: str,
               year: int) -> tuple[float, ...]:
        """The numeric values of ``units`` (in that order) in one cross-section, made once
        per cross-section: every unit's standing shows them, so a scan of all units per
        unit would cost units × units."""
        key = (tuple(units), table, indicator, category, year)
        hit = self._values.get(key)
        if hit is None:
            hit = self._values[key] = tuple(
                f.value for u in units for f in self.pick(u, table, indicator, category, year)
                if not math.isnan(f.value))
        return hit

    def by_table(self, area_id: str) -> list[tuple[str, list[Figure]]]:
        groups: dict[str, list[Figure]] = {}
        for f in self.for_area(area_id):
            groups.setdefault(f.table, []).append(f)
        return list(groups.items())

    def pick(self, area_id: str, table: str, indicator: str, category: str = "",
             year: int | None = None) -> list[Figure]:
        """Figures of one area matching a selection (all years unless ``year`` is given)."""
        if self._by_area is None:
            self._index()
        found = self._by_key.get((area_id, table, indicator, category), [])
        return [f for f in found if year is None or f.year == year]


def similar_units(ds: Dataset, count: int = 3) -> tuple[dict[str, list[tuple[str, float]]], int]:
    """For every unit, the nearest units by the min–max normalised values of every numeric
    cross-section (table, indicator, category, year) in which all units have a value.

    Returns ({unit: [(other unit, distance), ...]}, number of indicators used). Distances are
    root-mean-square differences of normalised values (0 = identical, 1 = opposite ends).
    """
    obs = ds.observations
    units = ds.unit_ids()
    numeric = obs[obs["unit"].isin(units) & obs["value"].notna()]
    keys = ["table", "indicator", "category", "year"]
    wide = numeric.pivot_table(index="unit", columns=keys, values="value", aggfunc="first")
    wide = wide.reindex(units).dropna(axis=1)
    spread = wide.max() - wide.min()
    wide = wide.loc[:, spread > 0]
    if wide.shape[1] == 0:
        return {u: [] for u in units}, 0
    norm = (wide - wide.min()) / (wide.max() - wide.min())
    values = norm.to_numpy()
    out: dict[str, list[tuple[str, float]]] = {}
    for i, unit in enumerate(units):
        d = ((values - values[i]) ** 2).mean(axis=1) ** 0.5
        order = sorted((float(d[j]), units[j]) for j in range(len(units)) if j != i)
        out[unit] = [(u, dist) for dist, u in order[:count]]
    return out, wide.shape[1]
