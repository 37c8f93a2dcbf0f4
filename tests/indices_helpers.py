"""Small in-memory datasets and methodology files for the index engine's tests."""
from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd

from aimaq.data.model import OBSERVATION_COLUMNS, Area, ClassDef, Dataset, Indicator, TableMeta
from aimaq.indices import api
from aimaq.indices.spec import parse_methodology
from aimaq.yamlio import parse_yaml

REGION = "reg"


def make_dataset(values: dict[str, dict[str, Any]], *, units: list[str] | None = None,
                 directions: dict[str, str] | None = None, year: int = 2020,
                 table: str = "t1", classes: dict[str, list[str]] | None = None,
                 extra: list[dict[str, Any]] | None = None,
                 categories: dict[str, list[str]] | None = None) -> Dataset:
    """A dataset from {indicator: {unit: value}}; region id 'reg', units u1..un.

    ``extra`` adds raw observation dicts (unit, indicator, year, value, category, label).
    """
    directions = directions or {}
    classes = classes or {}
    categories = categories or {}
    unit_ids = units or sorted({u for d in values.values() for u in d if u != REGION})
    areas = {REGION: Area(REGION, "region", {"en": "Region"})}
    for u in unit_ids:
        areas[u] = Area(u, "unit", {"en": u.upper()}, type="district")
    areas["country"] = Area("country", "country", {"en": "Country"})
    names = set(values) | {r["indicator"] for r in (extra or [])}
    indicators = {
        i: Indicator(i, {"en": i}, "count", direction=directions.get(i, "higher"),
                     kind="class" if i in classes else "number",
                     classes=tuple(ClassDef(c, {"en": c}) for c in classes.get(i, [])),
                     categories=tuple(ClassDef(c, {"en": c}) for c in categories.get(i, [])))
        for i in sorted(names)}
    rows = []
    for ind, d in values.items():
        for unit, v in d.items():
            rows.append(_obs(table, unit, ind, year, v, classes))
    for r in extra or []:
        rows.append(_obs(r.get("table", table), r["unit"], r["indicator"],
                         r.get("year", year), r.get("value"), classes,
                         r.get("category", ""), r.get("flag", "")))
    obs = pd.DataFrame(rows, columns=OBSERVATION_COLUMNS).astype(
        {"year": "int64", "value": "float64", "line": "int64", "row": "int64"})
    tables = {t: TableMeta(t, f"{t}.csv", "doc", t, {"en": t})
              for t in sorted(set(obs["table"]))}
    return Dataset(edition="test", root=Path("."), region=REGION, areas=areas,
                   measures={"count": {"en": "units"}}, indicators=indicators,
                   documents={}, tables=tables, observations=obs)


def _obs(table, unit, ind, year, v, classes, category="", flag=""):
    is_class = ind in classes
    value = math.nan if (is_class or v is None) else float(v)
    return {"table": table, "unit": unit, "indicator": ind, "category": category,
            "year": int(year), "value": value, "label": v if is_class and v else "",
            "flag": flag or ("missing" if v is None else ""), "line": 0, "note": "",
            "file": f"{table}.csv", "row": 0}


def methodology(text: str, path: str = "methodology.yaml"):
    """Parse methodology YAML text (dedented) as if read from ``path``."""
    return parse_methodology(parse_yaml(textwrap.dedent(text), Path(path)))


def compute(dataset: Dataset, text: str, **kw):
    m = methodology(text)
    from aimaq.indices.validate import validate
    validate(m, dataset)
    return api.compute(dataset, m, **kw)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` in the dedented text."""
    for n, line in enumerate(textwrap.dedent(text).splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")
