"""What the pages show of the computed indices: rows with values, ranks, classes and audit.

The engine's results are joined here with the audit, so every computed number reaches a
page together with the printed value it was checked against (if any) and the verdict.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..data.model import Dataset, text
from ..indices.results import IndexResult


@dataclass(frozen=True)
class IndexRow:
    index: str
    unit: str
    part: str
    year: int
    value: float
    rank: int | None
    rank_of: int
    cls: str
    ref: bool                 # a reference area (region, country), not a ranked unit
    printed: Any              # printed value (float or class id) or None
    difference: float
    status: str               # match | differs | not-reproducible | reconstruction | ""
    reason: str
    said: tuple = ()          # the reason as phrases, for the page's language


def _audit_key(index: str) -> tuple[str, str]:
    base, _, part = str(index).partition(":")
    return base, part


class IndexView:
    """Index results arranged for pages; built once per build."""

    def __init__(self, results, dataset: Dataset):
        self.results = results
        self.dataset = dataset
        audit: dict[tuple[str, str, str, int], Any] = {}
        self.unmatched_audit: dict[str, list] = {}
        for r in results.audit.itertuples(index=False):
            base, part = _audit_key(r.index)
            year = int(r.year) if not pd.isna(r.year) else 0
            audit[(base, part, r.unit, year)] = r
        self.rows: dict[str, list[IndexRow]] = {}
        self._by_unit: dict[str, list[IndexRow]] | None = None   # built on first use
        self._audit_by_index: dict[str, list] | None = None
        units = set(dataset.unit_ids())
        for index_id, res in results.indices.items():
            rows = []
            values = res.values
            counts = values.groupby(["part", "year"])["rank"].count()
            seen = set()
            for v in values.to_dict("records"):
                year = int(v["year"]) if not pd.isna(v["year"]) else 0
                key = (index_id, v["part"], v["unit"], year)
                a = audit.get(key)
                seen.add(key)
                cls = v["class"]
                rows.append(IndexRow(
                    index=index_id, unit=v["unit"], part=v["part"], year=year,
                    value=_float(v["value"]),
                    rank=None if pd.isna(v["rank"]) else int(v["rank"]),
                    rank_of=int(counts.get((v["part"], v["year"]), 0)),
                    cls=cls if isinstance(cls, str) else "",
                    ref=bool(v["ref"]) or v["unit"] not in units,
                    printed=_clean(getattr(a, "printed", None)),
                    difference=_float(getattr(a, "difference", None)),
                    status=getattr(a, "status", "") or "",
                    reason=_clean(getattr(a, "reason", "")) or "",
                    said=tuple(getattr(a, "said", None) or ())))
            self.rows[index_id] = rows
            # Audited values with no computed counterpart (e.g. not reproducible at all).
            extra = [a for k, a in audit.items() if k[0] == index_id and k not in seen]
            if extra:
                self.unmatched_audit[index_id] = extra

    # -- lookups ------------------------------------------------------------
    def indices(self) -> list[IndexResult]:
        return list(self.results.indices.values())

    def for_unit(self, unit_id: str) -> list[IndexRow]:
        """A unit's rows of every index, in the order of the indices (grouped once: every
        profile asks)."""
        if self._by_unit is None:
            self._by_unit = {}
            for index_id in self.results.indices:
                for r in self.rows[index_id]:
                    self._by_unit.setdefault(r.unit, []).append(r)
        return list(self._by_unit.get(unit_id, []))

    def audit_rows(self, index_id: str) -> list:
        """Every audit row of an index (including values that could not be computed)."""
        if self._audit_by_index is None:
            a = self.results.audit
            base = a["index"].astype(str).str.split(":").str[0]
            self._audit_by_index = {}
            for key, row in zip(base, a.itertuples(index=False)):
                self._audit_by_index.setdefault(key, []).append(row)
        return list(self._audit_by_index.get(index_id, []))

    def status_counts(self, index_id: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.audit_rows(index_id):
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    def part_name(self, index_id: str, part: str, lang: str) -> str:
        """A readable name for a part: an input's name, or a category of an input indicator."""
        if not part:
            return ""
        meta = self.results[index_id].meta
        for inp in meta.inputs:
            if inp.id == part:
                return text(inp.name, lang)
        own = [i.ref for i in meta.inputs if i.kind == "indicator"]
        if (found := self._category_name(own, part, lang)) is not None:
            return found
        # A part of an index input is named where that index names it (the aggregate score
        # of Y1..Y6 has the parts of the partial scores), before any other indicator whose
        # categories happen to share the id.
        for inp in meta.inputs:
            if inp.kind == "index" and inp.ref != index_id and inp.ref in self.results.indices:
                found_in_input = self.part_name(inp.ref, part, lang)
                if found_in_input != part:
                    return found_in_input
        return self._category_name(list(self.dataset.indicators), part, lang) or part

    def _category_name(self, indicators: list[str], part: str, lang: str) -> str | None:
        """The name of category ``part`` of the first of ``indicators`` that has one."""
        for ind_id in indicators:
            ind = self.dataset.indicators.get(ind_id)
            if ind is None:
                continue
            for c in ind.categories:
                if c.id == part:
                    return text(c.name, lang)
        return None

    def class_name(self, index_id: str, class_id: str, lang: str, strings: dict) -> str:
        if not class_id:
            return ""
        meta = self.results[index_id].meta
        for c in meta.classes:
            if c.id == class_id and c.name:
                return text(c.name, lang)
        label = strings.get(f"class_{class_id}")
        if label:
            return text(label, lang)
        for ind in self.dataset.indicators.values():
            for c in ind.classes:
                if c.id == class_id:
                    return text(c.name, lang)
        return class_id


def _clean(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str) and v == "":
        return None
    return v


def _float(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f
