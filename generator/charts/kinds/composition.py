"""Composition: the parts of an index stacked per unit."""
from __future__ import annotations

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, plot_width, widest
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import (
    BAR_H,
    LINE,
    ROW_GAP,
    _configured,
    _describe_extremes,
    _finish,
    _frame,
    _label_rows,
    _num,
    _ordered,
    _value_label,
)


def composition_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                      title: str, subtitle: str = "", source: str = "",
                      value_title: str = "", measure: str = "%",
                      decimals: int | None = None) -> Chart:
    """Shares (or parts of a total) as bars sorted from the largest, each category's name
    written in full above its bar (long names of economic activities wrap, never cut).

    ``data``: columns ``category`` (label in ``lang``) and ``value``; an optional ``id``
    column keeps a stable id for the CSV.
    """
    frame = _frame(data, ["category", "value"], "composition")
    if "id" not in frame.columns:
        frame["id"] = frame["category"]
    frame["value"] = frame["value"].map(_num)
    frame = _ordered(frame, "value", "category", True)
    rows = [{"category": r.category, "value": r.value,
             "value_text": value_text(r.value, lang, decimals, measure)}
            for r in frame.itertuples(index=False)]
    words = {k: strings.get(k, lang) for k in ("category", "value")}
    value_label = _value_label(strings, lang, value_title, measure)
    value_w = widest([r["value_text"] for r in rows]) + 6
    width = plot_width(value_w)
    step = _label_rows(rows, "category", width + value_w)
    key = ["composition"]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {**words, "value_label": value_label, "width": width, "step": step,
             "names_y": -step / 2 + ROW_GAP}

    def build(datasets, params, description, slots):
        import altair as alt
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("category:N", sort=None, title=None, axis=None,
                  scale=alt.Scale(paddingInner=0, paddingOuter=0))
        tooltip = [alt.Tooltip("category:N", title=slots["category"]),
                   alt.Tooltip("value_text:N", title=slots["value"])]
        # The bar fills the lower part of the row, the name the upper part.
        bar_dy = alt.expr("datum.bar_dy")
        bars = base.mark_bar(height=BAR_H, yOffset=bar_dy, fill=P.POINT).encode(
            y=y, x=alt.X("value:Q", title=slots["value_label"], axis=alt.Axis(tickCount=4)),
            tooltip=tooltip)
        labels = base.mark_text(align="left", dx=4, baseline="middle", fontSize=FONT,
                                yOffset=bar_dy).encode(
            y=y, x="value:Q", text="value_text:N", tooltip=tooltip)
        names = base.mark_text(align="left", baseline="top", fontSize=FONT, lineHeight=LINE,
                               yOffset=slots["names_y"]).encode(
            y=y, x=alt.value(0), text="lines:N")
        chart = alt.layer(bars, labels, names).properties(
            datasets=datasets, width=slots["width"], height=alt.Step(slots["step"]))
        return _configured(chart, description)

    description = _describe_extremes(strings, lang, "describe_composition", frame,
                                     "category", decimals, measure)
    alt_words = strings.get("alt", lang, kind=strings.get("kind_composition", lang),
                            title=title, subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows}, description=alt_words,
                          slots=slots)
    columns = [Column("id", "id", html=False), Column("category", words["category"]),
               Column("value", value_label, numeric=True, decimals=decimals)]
    return _finish(kind="composition", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["id", "category", "value"]], columns=columns, title=title,
                   subtitle=subtitle, source=source, description=description,
                   key_column="id")
