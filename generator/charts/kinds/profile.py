"""Profile: one unit's standing on every measure."""
from __future__ import annotations

import dataclasses
import math

import altair as alt
import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, plot_width, widest
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import (
    LINE,
    ROW_GAP,
    _configured,
    _finish,
    _frame,
    _js,
    _label_rows,
    _num,
    _value_label,
)


def profile_summary(data: pd.DataFrame) -> pd.DataFrame:
    """Minimum, median and maximum of every part over all units (``part``, ``min``,
    ``median``, ``max``, parts in the order they first appear in ``data``)."""
    frame = _frame(data, ["part", "value"], "profile")
    values = frame["value"].map(_num)
    parts = list(dict.fromkeys(frame["part"]))
    grouped = values.groupby(frame["part"], sort=False).agg(["min", "median", "max"])
    return pd.DataFrame({"part": parts,
                         **{k: [float(grouped.at[p, k]) for p in parts]
                            for k in ("min", "median", "max")}})


def profile_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  unit: str, title: str, subtitle: str = "", source: str = "",
                  value_title: str = "", measure: str = "", decimals: int | None = None,
                  summary: pd.DataFrame | None = None, note: str = "") -> Chart:
    """A unit's partial indices against the minimum, median and maximum of all units.

    ``data``: columns ``unit`` (id), ``name`` (unit name in ``lang``), ``part`` (label in
    ``lang``, in display order) and ``value``, for every unit. ``unit``: the id profiled.
    ``summary``: :func:`profile_summary` of all units, when ``data`` holds the profiled
    unit's rows only (a site with many units computes it once, not once per unit).
    ``note``: a sentence added to the description (e.g. what the scores mean, so that a
    "strongest part" is read as a score among the units, not as a raw value).
    """
    frame = _frame(data, ["unit", "name", "part", "value"], "profile")
    frame["value"] = frame["value"].map(_num)
    if summary is None:
        summary = profile_summary(frame)
    mine = frame[frame["unit"] == unit]
    if mine.empty:
        raise ValueError(f"profile chart: unit {unit!r} is not in the data")
    unit_name = mine["name"].iloc[0]
    own = dict(zip(mine["part"], mine["value"]))
    stats = [{"part": r.part, "order": i, "min": r.min, "median": r.median, "max": r.max,
              "value": float(own.get(r.part, math.nan))}
             for i, r in enumerate(summary.itertuples(index=False))]
    table = pd.DataFrame(stats, columns=["part", "order", "min", "median", "max", "value"])
    fmt = lambda v: value_text(v, lang, decimals, measure)  # noqa: E731
    range_rows = [dict(s, min_text=fmt(s["min"]), max_text=fmt(s["max"]),
                       median_text=fmt(s["median"]), value_text=fmt(s["value"]))
                  for s in stats]
    point_rows = []
    for s in stats:
        for stat in ("min", "median", "max", "value"):
            point_rows.append({"part": s["part"], "order": s["order"], "stat": stat,
                               "x": s[stat], "x_text": fmt(s[stat])})
    words = {k: strings.get(k, lang) for k in ("part", "minimum", "median", "maximum", "value",
                                               "unit")}
    value_label = _value_label(strings, lang, value_title, measure)
    # Each part's full name above its range (long indicator names run to
    # 300 px and more), the unit's value at the right of the same line.
    width = plot_width(0)
    value_w = widest([r["value_text"] for r in range_rows]) + 8
    step = _label_rows(range_rows, "part", width - value_w)
    bar_dy = {r["part"]: r["bar_dy"] for r in range_rows}
    for r in point_rows:
        r["bar_dy"] = bar_dy[r["part"]]
    key = ["profile"]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {**words, "value_label": value_label, "width": width, "step": step,
             "top": -step / 2 + ROW_GAP,
             "label_expr": f"datum.label === 'min' ? {_js(words['minimum'])} : "
                           f"datum.label === 'median' ? {_js(words['median'])} : "
                           f"datum.label === 'max' ? {_js(words['maximum'])} : unit_name"}

    def build(datasets, params, description, slots):
        unit_param = alt.param(name="unit_name", value=params["unit_name"])
        y = alt.Y("part:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                  axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
        ranges = alt.Chart(alt.NamedData(name="ranges"))
        tooltip = [alt.Tooltip("part:N", title=slots["part"]),
                   alt.Tooltip("min_text:N", title=slots["minimum"]),
                   alt.Tooltip("median_text:N", title=slots["median"]),
                   alt.Tooltip("max_text:N", title=slots["maximum"]),
                   alt.Tooltip("value_text:N", title=slots["value"])]
        low = alt.expr("datum.bar_dy")       # the range sits right under its name
        bar = ranges.mark_rule(strokeWidth=8, color="#dfe4ea", strokeCap="round",
                               yOffset=low).encode(
            y=y, x=alt.X("min:Q", title=slots["value_label"]), x2="max:Q", tooltip=tooltip)
        legend = alt.Legend(title=None, orient="bottom", direction="horizontal", columns=2,
                            labelExpr=slots["label_expr"], symbolStrokeWidth=2)
        domain = ["min", "median", "max", "value"]
        color = alt.Color("stat:N", scale=alt.Scale(
            domain=domain, range=[P.RANGE, P.INK, P.RANGE, P.POINT]), legend=legend)
        shape = alt.Shape("stat:N", scale=alt.Scale(
            domain=domain, range=["triangle-right", "diamond", "triangle-left", "circle"]),
            legend=legend)
        points = alt.Chart(alt.NamedData(name="points")).mark_point(
            filled=True, opacity=1, yOffset=low,
            size=alt.expr("datum.stat === 'value' ? 150 : datum.stat === 'median' ? 90 : 70")
        ).encode(
            y=y, x="x:Q", color=color, shape=shape,
            tooltip=[alt.Tooltip("part:N", title=slots["part"]),
                     alt.Tooltip("x_text:N", title=slots["value"])])
        top = slots["top"]
        names = ranges.mark_text(align="left", baseline="top", fontSize=FONT, lineHeight=LINE,
                                 yOffset=top).encode(y=y, x=alt.value(0), text="lines:N")
        text = ranges.mark_text(align="right", baseline="top", fontSize=FONT,
                                fontWeight="bold", color=P.POINT, yOffset=top).encode(
            y=y, x=alt.value(slots["width"]), text="value_text:N")
        chart = alt.layer(bar, points, names, text).add_params(unit_param).properties(
            datasets=datasets, width=slots["width"], height=alt.Step(slots["step"]))
        chart = chart.resolve_scale(color="shared")
        return _configured(chart, description)

    valid = table[table["value"].notna() & table["median"].notna()]
    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        spread = (valid["max"] - valid["min"]).where(lambda s: s > 0, 1.0)
        rel = (valid["value"] - valid["median"]) / spread
        best, worst = valid.loc[rel.idxmax()], valid.loc[rel.idxmin()]
        description = strings.get(
            "describe_profile", lang, unit=unit_name,
            above=int((valid["value"] > valid["median"]).sum()), count=len(valid),
            best=best["part"], best_value=fmt(best["value"]), worst=worst["part"],
            worst_value=fmt(worst["value"]))
    if note:
        description += " " + note
    alt_words = strings.get("alt", lang, kind=strings.get("kind_profile", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"ranges": range_rows, "points": point_rows},
                          params={"unit_name": unit_name}, description=alt_words,
                          slots=slots)
    columns = [Column("part", words["part"]),
               Column("value", unit_name, numeric=True, decimals=decimals),
               Column("min", words["minimum"], numeric=True, decimals=decimals),
               Column("median", words["median"], numeric=True, decimals=decimals),
               Column("max", words["maximum"], numeric=True, decimals=decimals)]
    chart = _finish(kind="profile", id=id, lang=lang, strings=strings, spec=spec,
                    data=table[["part", "value", "min", "median", "max"]], columns=columns,
                    title=title, subtitle=subtitle, source=source, description=description,
                    key_column="part")
    # One per unit: drawn in the reader's browser only, never at build time. The room the
    # page keeps for it is what Vega draws: the rows, the axis and the legend below them
    # (measured: 26 px of axis labels beyond the plot, 87 px of axis and legend).
    return dataclasses.replace(chart, drawn=DRAWN,
                               size=(width + 26, len(range_rows) * step + 87))


#: Profiles are per unit: live only (see generator.charts.render).
DRAWN = "live"
