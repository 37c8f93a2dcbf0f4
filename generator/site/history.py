"""A unit's values across editions, for its profile page's history.

Read from the editions' index views; the comparison of two editions
(generator/editions/compare.py) reads the latest rows the same way.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


def latest_rows(rows) -> dict[tuple[str, str], Any]:
    """{(part, unit): row} of the latest year each part has."""
    years: dict[str, int] = {}
    for r in rows:
        if not r.ref:
            years[r.part] = max(years.get(r.part, r.year), r.year)
    return {(r.part, r.unit): r for r in rows if not r.ref and r.year == years.get(r.part)}


def plain_value(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


@dataclass(frozen=True)
class HistoryPoint:
    edition: str
    year: int
    value: float | None
    rank: int | None
    rank_of: int


def unit_history(views: list[tuple[str, Any]], unit: str) -> list[tuple[str, str, list]]:
    """[(index id, part, [HistoryPoint per edition])] for the indices a unit has in two or
    more editions; ``views``: [(edition id, IndexView)] oldest first."""
    series: dict[tuple[str, str], list[HistoryPoint]] = {}
    for edition_id, view in views:
        if view is None:
            continue
        for index_id, rows in view.rows.items():
            for (part, u), r in latest_rows(rows).items():
                if u == unit:
                    series.setdefault((index_id, part), []).append(HistoryPoint(
                        edition_id, r.year, plain_value(r.value), r.rank, r.rank_of))
    return [(i, p, points) for (i, p), points in series.items()
            if len(points) >= 2 and any(pt.value is not None for pt in points)]
