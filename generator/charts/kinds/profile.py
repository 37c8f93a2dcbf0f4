"""Profile: one unit's standing on every measure."""
from __future__ import annotations

import dataclasses
import math

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, plot_width, widest
from ..model import Chart, Column, slug
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


_STATS = ("min", "median", "max", "value")


def _build(datasets, params, description, slots):
    """The profile declared in Altair (one template per language's words and sizes)."""
    import altair as alt
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
    domain = list(_STATS)
    color = alt.Color("stat:N", scale=alt.Scale(
        domain=domain, range=[P.RANGE, P.INK, P.RANGE, P.POINT]), legend=legend)
    shape = alt.Shape("stat:N", scale=alt.Scale(
        domain=domain, range=["triangle-right", "diamond", "triangle-left", "circle"]),
        legend=legend)
    # The points are the ranges folded (min, median, max, the unit's value): a unit's own
    # numbers are two columns of one dataset, which a unit page swaps into the spec its
    # language shares (profile_charts).
    points = ranges.transform_fold(domain, as_=["stat", "x"]).transform_calculate(
        x_text="datum.stat === 'min' ? datum.min_text : datum.stat === 'median' ? "
               "datum.median_text : datum.stat === 'max' ? datum.max_text : "
               "datum.value_text"
    ).mark_point(
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


def _layout(strings: ChartStrings, lang: str, stats: list[dict], value_texts,
            value_title: str, measure: str) -> tuple[list[dict], dict, dict, int]:
    """The rows of the ``ranges`` dataset (without the unit's value), the words, the
    template's slots and the plot width. ``value_texts``: every value text the chart
    (or the charts sharing this layout) shows at the right of a row."""
    words = {k: strings.get(k, lang) for k in ("part", "minimum", "median", "maximum", "value",
                                               "unit")}
    value_label = _value_label(strings, lang, value_title, measure)
    # Each part's full name above its range (long indicator names run to
    # 300 px and more), the unit's value at the right of the same line.
    width = plot_width(0)
    value_w = widest(value_texts) + 8
    rows = [dict(s) for s in stats]
    step = _label_rows(rows, "part", width - value_w)
    slots = {**words, "value_label": value_label, "width": width, "step": step,
             "top": -step / 2 + ROW_GAP,
             "label_expr": f"datum.label === 'min' ? {_js(words['minimum'])} : "
                           f"datum.label === 'median' ? {_js(words['median'])} : "
                           f"datum.label === 'max' ? {_js(words['maximum'])} : unit_name"}
    return rows, words, slots, width


def _description(strings: ChartStrings, lang: str, unit_name: str, parts: list[str],
                 values, mins, medians, maxs, fmt) -> str:
    """What the profile shows, in words (the unit's values against the parts' medians)."""
    valid = [i for i in range(len(parts))
             if not math.isnan(values[i]) and not math.isnan(medians[i])]
    if not valid:
        return strings.get("describe_empty", lang)
    rel = {}
    for i in valid:
        spread = maxs[i] - mins[i]
        rel[i] = (values[i] - medians[i]) / (spread if spread > 0 else 1.0)
    best = max(valid, key=lambda i: (rel[i], -i))
    worst = min(valid, key=lambda i: (rel[i], i))
    return strings.get(
        "describe_profile", lang, unit=unit_name,
        above=sum(1 for i in valid if values[i] > medians[i]), count=len(valid),
        best=parts[best], best_value=fmt(values[best]), worst=parts[worst],
        worst_value=fmt(values[worst]))


def _columns(words: dict, unit_name: str, decimals: int | None) -> list[Column]:
    return [Column("part", words["part"]),
            Column("value", unit_name, numeric=True, decimals=decimals),
            Column("min", words["minimum"], numeric=True, decimals=decimals),
            Column("median", words["median"], numeric=True, decimals=decimals),
            Column("max", words["maximum"], numeric=True, decimals=decimals)]


def profile_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  unit: str, title: str, subtitle: str = "", source: str = "",
                  value_title: str = "", measure: str = "", decimals: int | None = None,
                  summary: pd.DataFrame | None = None, note: str = "") -> Chart:
    """A unit's partial indices against the minimum, median and maximum of all units.

    ``data``: columns ``unit`` (id), ``name`` (unit name in ``lang``), ``part`` (label in
    ``lang``, in display order) and ``value``, for every unit. ``unit``: the id profiled.
    ``summary``: :func:`profile_summary` of all units, when ``data`` holds the profiled
    unit's rows only. ``note``: a sentence added to the description (e.g. what the scores
    mean, so that a "strongest part" is read as a score among the units, not as a raw
    value). A site's unit pages use :func:`profile_charts` instead: every unit at once,
    one shared spec per language.
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
    for s in stats:
        s.update({f"{k}_text": fmt(s[k]) for k in _STATS})
    range_rows, words, slots, width = _layout(
        strings, lang, stats, [s["value_text"] for s in stats], value_title, measure)
    description = _description(strings, lang, unit_name, [s["part"] for s in stats],
                               *([s[k] for s in stats] for k in ("value", "min", "median",
                                                                  "max")), fmt=fmt)
    if note:
        description += " " + note
    alt_words = strings.get("alt", lang, kind=strings.get("kind_profile", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(["profile"], _build, datasets={"ranges": range_rows},
                          params={"unit_name": unit_name}, description=alt_words,
                          slots=slots)
    chart = _finish(kind="profile", id=id, lang=lang, strings=strings, spec=spec,
                    data=table[["part", "value", "min", "median", "max"]],
                    columns=_columns(words, unit_name, decimals),
                    title=title, subtitle=subtitle, source=source, description=description,
                    key_column="part")
    # One per unit: drawn in the reader's browser only, never at build time. The room the
    # page keeps for it is what Vega draws: the rows, the axis and the legend below them
    # (measured: 26 px of axis labels beyond the plot, 87 px of axis and legend).
    return dataclasses.replace(chart, drawn=DRAWN,
                               size=(width + 26, len(range_rows) * slots["step"] + 87))


def profile_charts(everyone: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                   title: str, subtitle: str = "", source: str = "", value_title: str = "",
                   measure: str = "", decimals: int | None = None, note: str = ""
                   ) -> tuple[Chart, dict[str, Chart]]:
    """Every unit's profile at once: ``(base, {unit: chart})``.

    ``everyone`` as for :func:`profile_chart` (every unit's rows). ``base`` is the chart
    every unit's profile shares, made once: its spec (``<id>.spec.js``, loaded by the
    browser) holds the parts, their ranges and the layout, with no unit's values. A
    unit's chart ``<id>-<unit>`` is drawn live from that spec with the unit's own values
    swapped in: its spec is only ``{"$base": <id>, "params": {"unit_name": …},
    "values": {"ranges": {"value": […], "value_text": […]}}, "csv": …}`` (what its CSV
    download, made in the browser, holds), its table the unit's rows. No DataFrame or
    Altair chart per unit: the values of all units are read from one table. The rows'
    layout fits the widest value of any unit, so every unit's chart has the same size."""
    frame = _frame(everyone, ["unit", "name", "part", "value"], "profile")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    summary = profile_summary(frame)
    parts = summary["part"].tolist()
    units = list(dict.fromkeys(frame["unit"]))
    names = dict(zip(frame["unit"], frame["name"]))
    # units × parts; a unit without a part's row has NaN there (last row wins, as
    # profile_chart's dict of the unit's rows)
    wide = frame.drop_duplicates(["unit", "part"], keep="last").pivot(
        index="unit", columns="part", values="value").reindex(index=units, columns=parts)
    values = wide.to_numpy(dtype=float)
    mins, medians, maxs = (summary[k].tolist() for k in ("min", "median", "max"))
    texts: dict[float, str] = {}

    def fmt(v: float) -> str:           # many units share a value: each formatted once
        if math.isnan(v):
            return value_text(v, lang, decimals, measure)
        hit = texts.get(v)
        if hit is None:
            hit = texts[v] = value_text(v, lang, decimals, measure)
        return hit

    value_rows = values.tolist()
    value_texts = [[fmt(v) for v in row] for row in value_rows]
    stats = [{"part": p, "order": i, "min": mins[i], "median": medians[i], "max": maxs[i],
              "value": None, "min_text": fmt(mins[i]), "median_text": fmt(medians[i]),
              "max_text": fmt(maxs[i]), "value_text": ""} for i, p in enumerate(parts)]
    every_text = [t for row in value_texts for t in row] or [""]
    range_rows, words, slots, width = _layout(strings, lang, stats, every_text, value_title,
                                              measure)
    alt_words = strings.get("alt", lang, kind=strings.get("kind_profile", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(["profile"], _build, datasets={"ranges": range_rows},
                          params={"unit_name": ""}, description=alt_words, slots=slots)
    size = (width + 26, len(range_rows) * slots["step"] + 87)
    base = dataclasses.replace(
        _finish(kind="profile", id=id, lang=lang, strings=strings, spec=spec, data=(),
                columns=_columns(words, "", decimals), title=title, subtitle=subtitle,
                source=source, description="", key_column="part"),
        drawn=DRAWN, size=size)
    ui = strings.ui(lang)
    csv_words = [["part", words["part"]], ["value", None], ["min", words["minimum"]],
                 ["median", words["median"]], ["max", words["maximum"]]]
    charts: dict[str, Chart] = {}
    for u, own, own_texts in zip(units, value_rows, value_texts):
        unit_name = names[u]
        description = _description(strings, lang, unit_name, parts, own, mins, medians,
                                   maxs, fmt)
        if note:
            description += " " + note
        cleaned = [None if math.isnan(v) else v for v in own]
        patch = {"$base": base.id, "params": {"unit_name": unit_name},
                 "values": {"ranges": {"value": cleaned, "value_text": own_texts}},
                 "csv": {"data": "ranges",
                         "columns": [[k, unit_name if w is None else w] for k, w in csv_words]}}
        rows = tuple({"part": p, "value": v, "min": mins[i], "median": medians[i],
                      "max": maxs[i]} for i, (p, v) in enumerate(zip(parts, own)))
        charts[u] = Chart(id=slug(f"{id}-{u}"), kind="profile", lang=lang, spec=patch,
                          data=rows, columns=tuple(_columns(words, unit_name, decimals)),
                          title=title, subtitle=subtitle, source=source,
                          description=description, alt=base.alt, ui=ui, key_column="part",
                          drawn=DRAWN, base=base, size=size)
    return base, charts


#: Profiles are per unit: live only (see generator.charts.render).
DRAWN = "live"
