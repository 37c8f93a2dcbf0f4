"""Time series: one line per unit across the years, labelled at its end."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, plot_width, text_width, widest
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import _configured, _finish, _frame, _num, _value_label


def time_series_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                      title: str, subtitle: str = "", source: str = "",
                      value_title: str = "", measure: str = "",
                      decimals: int | None = None, zero: bool = True,
                      width: int | None = None, height: int = 220) -> Chart:
    """The region's series over the years (e.g. Figs. 16–17, 2013–2020).

    ``data``: columns ``year`` and ``value``, and ``series`` (label in ``lang``) when the
    chart holds several series of the same unit of measure; series keep their first-seen
    order and are told apart by colour, dash and point shape. A single series writes its
    first, last and highest values (the ones the description names): a label on every
    point would overlap its neighbours at a phone's width.
    """
    frame = _frame(data, ["year", "value"], "time series")
    if "series" not in frame.columns:
        frame["series"] = title
    frame["value"] = frame["value"].map(_num)
    frame["year"] = frame["year"].astype(int)
    order = list(dict.fromkeys(frame["series"]))
    frame["order"] = frame["series"].map({s: i for i, s in enumerate(order)})
    frame = frame.sort_values(["order", "year"], kind="mergesort").reset_index(drop=True)
    multi = len(order) > 1
    rows = [{"year": int(r.year), "value": r.value, "series": r.series, "order": r.order,
             "value_text": value_text(r.value, lang, decimals, measure)}
            for r in frame.itertuples(index=False)]
    marked: set[int] = set()
    for s in order:
        idx = [i for i, r in enumerate(rows) if r["series"] == s and not math.isnan(r["value"])]
        if idx:
            marked |= _end_labels(rows, idx, height)
    years = [r["year"] for r in rows]
    for i, r in enumerate(rows):
        r["label"] = r["value_text"] if i in marked else ""
        # The end labels turn inwards so that they stay inside the drawing.
        r["align"] = ("left" if r["year"] == min(years) else
                      "right" if r["year"] == max(years) else "center")
    words = {k: strings.get(k, lang) for k in ("year", "value", "series")}
    value_label = _value_label(strings, lang, value_title, measure)
    if width is None:
        width = plot_width(widest([r["value_text"] for r in rows]) * 0.8 + 24)
    n = len(order)
    key = ["time_series", zero, multi]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {**words, "value_label": value_label, "width": width, "height": height,
             "colours": P.categorical(n) if multi else [],
             "dashes": P.DASHES[:n] if multi else []}

    def build(datasets, params, description, slots):
        import altair as alt
        base = alt.Chart(alt.NamedData(name="table"))
        x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
        y = alt.Y("value:Q", title=slots["value_label"], scale=alt.Scale(zero=zero),
                  axis=alt.Axis(tickCount=4))
        tooltip = [alt.Tooltip("series:N", title=slots["series"]),
                   alt.Tooltip("year:O", title=slots["year"]),
                   alt.Tooltip("value_text:N", title=slots["value"])]
        if multi:
            sort = alt.EncodingSortField("order", op="min")
            legend = alt.Legend(title=None, orient="bottom", direction="vertical",
                                symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
            color = alt.Color("series:N", sort=sort, legend=legend,
                              scale=alt.Scale(range=slots["colours"]))
            dash = alt.StrokeDash("series:N", sort=sort, legend=legend,
                                  scale=alt.Scale(range=slots["dashes"]))
            # One layer, so that colour and dash share one legend (a legend of lines).
            line = base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(
                filled=True, size=50, opacity=1)).encode(
                x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip)
            layers = [line]
        else:
            line = base.mark_line(strokeWidth=2.5, color=P.POINT).encode(x=x, y=y)
            points = base.mark_point(filled=True, size=60, color=P.POINT).encode(
                x=x, y=y, tooltip=tooltip)
            label_style = dict(baseline="bottom", dy=-7, fontSize=FONT,
                               align=alt.expr("datum.align"))
            halo = base.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                                  **label_style).encode(x=x, y=y, text="label:N")
            labels = base.mark_text(**label_style).encode(x=x, y=y, text="label:N")
            layers = [line, points, halo, labels]
        chart = alt.layer(*layers).properties(datasets=datasets, width=slots["width"],
                                              height=slots["height"])
        return _configured(chart, description)

    parts = []
    for s in order:
        sub = frame[(frame["series"] == s) & frame["value"].notna()]
        if sub.empty:
            continue
        first, last = sub.iloc[0], sub.iloc[-1]
        peak = sub.loc[sub["value"].idxmax()]
        parts.append(strings.get(
            "describe_time_series", lang, series=s, first_year=int(first["year"]),
            first_value=value_text(first["value"], lang, decimals, measure),
            last_year=int(last["year"]),
            last_value=value_text(last["value"], lang, decimals, measure),
            max_year=int(peak["year"]),
            max_value=value_text(peak["value"], lang, decimals, measure)))
    description = " ".join(parts) or strings.get("describe_empty", lang)
    alt_words = strings.get("alt", lang, kind=strings.get("kind_time_series", lang),
                            title=title, subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows}, description=alt_words,
                          slots=slots)
    columns = [Column("series", words["series"], html=multi),
               Column("year", words["year"]),
               Column("value", value_label, numeric=True, decimals=decimals)]
    return _finish(kind="time_series", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["series", "year", "value"]], columns=columns, title=title,
                   subtitle=subtitle, source=source, description=description,
                   key_column="series")


def _end_labels(rows: list[dict[str, Any]], idx: list[int], height: int) -> set[int]:
    """Which points of one series to label: the highest, the last and the first, each only
    if its label stays clear of those kept before it (labels ≈ 70 px wide, 16 px high on
    a plot whose points stand ≈ 35 px apart at a phone's width)."""
    values = [rows[i]["value"] for i in idx]
    top = max(max(values), 0) or 1.0
    step = 280 / max(1, len(idx))
    kept: list[tuple[float, float, float]] = []
    out = set()
    for i in dict.fromkeys([max(idx, key=lambda j: rows[j]["value"]), idx[-1], idx[0]]):
        x = idx.index(i) * step
        y = height * (1 - rows[i]["value"] / top)
        w = text_width(rows[i]["value_text"])
        if all(abs(x - kx) > (w + kw) / 2 or abs(y - ky) > 16 for kx, ky, kw in kept):
            kept.append((x, y, w))
            out.add(i)
    return out
