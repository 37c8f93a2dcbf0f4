"""Invented chart data shared by the chart tests (never published)."""
from __future__ import annotations

import math

import pandas as pd

from aimaq.charts import (
    composition_chart,
    heatmap_chart,
    map_chart,
    profile_chart,
    ranking_chart,
    scatter_chart,
    sensitivity_chart,
    time_series_chart,
)
from aimaq.data.model import Area

LANGS = ("kk", "ru", "en")

# Five units with names per language.
UNITS = [
    ("alpha", {"kk": "Альфа", "ru": "Альфа", "en": "Alpha"}, 12.5),
    ("beta", {"kk": "Бета", "ru": "Бета", "en": "Beta"}, 38.46),
    ("gamma", {"kk": "Гамма", "ru": "Гамма", "en": "Gamma"}, 6.19),
    ("delta", {"kk": "Дельта", "ru": "Дельта", "en": "Delta"}, 1234.5),
    ("eps", {"kk": "Эпсилон", "ru": "Эпсилон", "en": "Epsilon"}, math.nan),
]


def frame(lang: str) -> pd.DataFrame:
    return pd.DataFrame([{"unit": u, "name": n[lang], "value": v} for u, n, v in UNITS])


def parts_frame(lang: str) -> pd.DataFrame:
    rows = []
    for i, (u, n, _) in enumerate(UNITS):
        for j, part in enumerate(["x1", "x2", "x3"]):
            rows.append({"unit": u, "name": n[lang], "part": part,
                         "value": ((i + 1) * (j + 2) % 7) / 7})
    return pd.DataFrame(rows)


def build_all(lang, strings, boundaries, areas, highlight="alpha"):
    """One chart of every kind."""
    df = frame(lang)
    parts = parts_frame(lang)
    common = dict(lang=lang, strings=strings, subtitle="%, 2020", source="Invented")
    return {
        "ranking": ranking_chart(df, id="r", title="Ranking", measure="%", decimals=1,
                                 highlight=highlight, reference=12.9,
                                 reference_name="Region", reference_id="region", **common),
        "map": map_chart(df[["unit", "value"]], id="m", title="Map", boundaries=boundaries,
                         areas=areas, measure="%", decimals=1, highlight=highlight, **common),
        "map_classes": map_chart(
            pd.DataFrame({"unit": ["alpha", "beta", "delta"], "class": ["A", "B", "A"]}),
            id="mc", title="Map", boundaries=boundaries, areas=areas, classes=["A", "B"],
            **common),
        "time_series": time_series_chart(
            pd.DataFrame({"year": range(2013, 2021),
                          "value": [5.6, 7.6, 11.5, 14.9, 15.1, 15.5, 14.9, 12.9]}),
            id="t", title="Series", measure="%", decimals=1, **common),
        "time_series_multi": time_series_chart(
            pd.DataFrame({"year": [2019, 2020, 2019, 2020], "value": [1, 2, 3, 1],
                          "series": ["One", "One", "Two", "Two"]}),
            id="t2", title="Series", decimals=0, **common),
        "composition": composition_chart(
            pd.DataFrame({"category": ["Mining", "Manufacturing", "Other"],
                          "value": [43.3, 40.8, 15.9]}),
            id="c", title="Shares", decimals=1, **common),
        "profile": profile_chart(parts, id="p", unit=highlight, title="Profile", decimals=3,
                                 **common),
        "heatmap": heatmap_chart(parts.rename(columns={"part": "column", "value": "score"}),
                                 id="h", title="Heat", highlight=highlight, **common),
        "scatter": scatter_chart(
            pd.DataFrame({"unit": [u for u, _, _ in UNITS], "name": [n[lang] for _, n, _ in UNITS],
                          "x": [0.1, 0.5, 0.3, 0.9, 0.2], "y": [0.4, 0.2, 0.8, 0.6, 0.1]}),
            id="s", title="Scatter", x_title="Index A", y_title="Index B",
            highlight=highlight, **common),
        "sensitivity": sensitivity_chart(
            pd.DataFrame({"unit": [u for u, _, _ in UNITS], "name": [n[lang] for _, n, _ in UNITS],
                          "nominal_rank": [1, 2, 3, 4, 5], "rank_min": [1, 1, 2, 4, 3],
                          "rank_max": [2, 3, 3, 4, 5]}),
            id="v", title="Ranks", variants=12, highlight=highlight, **common),
    }


def invented_areas():
    """Three units on polygons of the real boundary file and two cities drawn as points."""
    shapes = ["Abayskiy", "Ayagozskiy", "Zharminskiy"]
    out = [Area(id="region", kind="region", name={"en": "Region"})]
    for (uid, name, _), shape in zip(UNITS[:3], shapes):
        out.append(Area(id=uid, kind="unit", name=name, shape=shape))
    out.append(Area(id="delta", kind="unit", name=UNITS[3][1], point=(82.61, 49.95)))
    out.append(Area(id="eps", kind="unit", name=UNITS[4][1], point=(78.55, 50.76)))
    return out
