"""Scatter: two measures against each other, one point per unit."""
from __future__ import annotations

import math

import pandas as pd

from .. import labels as L
from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import MAP_FONT, plot_width, wrap
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import (
    _configured,
    _finish,
    _frame,
    _not_real_note,
    _num,
    _ordered,
    bold_if_hl,
    short_name,
)

SCATTER_PAD = 14

def scatter_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  title: str, x_title: str, y_title: str, subtitle: str = "",
                  source: str = "", x_decimals: int | None = 3, y_decimals: int | None = 3,
                  highlight: str | None = None, width: int | None = None,
                  height: int = 280) -> Chart:
    """Two composite indices against each other, quadrant lines at the medians, units named.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``x`` and ``y``; optional
    ``not_real`` and ``original_name`` as in :func:`ranking_chart` (such points are grey
    and hollow, left out of the medians, and named in the description). A name that would
    overlap another is left to the tooltip and the table.
    """
    frame = _frame(data, ["unit", "name", "x", "y"], "scatter")
    frame["x"] = frame["x"].map(_num)
    frame["y"] = frame["y"].map(_num)
    frame = frame.sort_values("name", kind="mergesort").reset_index(drop=True)
    if "not_real" not in frame.columns:
        frame["not_real"] = False
    frame["not_real"] = frame["not_real"].fillna(False).astype(bool)
    valid = frame[frame["x"].notna() & frame["y"].notna() & ~frame["not_real"]]
    width = width or plot_width(64)
    generic = strings.words("generic_words", lang)
    mx, my = float(valid["x"].median()), float(valid["y"].median())
    rows = [{"unit": r.unit, "name": short_name(r.name, generic), "x": r.x, "y": r.y,
             "copy": bool(r.not_real),
             "x_text": value_text(r.x, lang, x_decimals),
             "y_text": value_text(r.y, lang, y_decimals),
             "hl": bool(highlight and r.unit == highlight), "align": "left", "dx": 7, "dy": 0}
            for r in frame.itertuples(index=False)]
    ok = [i for i, r in enumerate(rows) if not (math.isnan(r["x"]) or math.isnan(r["y"]))]
    if ok:
        xs = L.linear([rows[i]["x"] for i in ok], min(rows[i]["x"] for i in ok),
                      max(rows[i]["x"] for i in ok), width, SCATTER_PAD)
        ys = L.linear([rows[i]["y"] for i in ok], min(rows[i]["y"] for i in ok),
                      max(rows[i]["y"] for i in ok), height, SCATTER_PAD, flip=True)
        cands = [L.around(x, y) for x, y in zip(xs, ys)]
        texts = [rows[i]["name"] + ("  " if rows[i]["hl"] else "") for i in ok]
        order = sorted(range(len(ok)), key=lambda j: not rows[ok[j]]["hl"])
        chosen = L.place(cands, texts, width=width, height=height, font=MAP_FONT,
                         obstacles=[(x, y, 8.0 if rows[i]["hl"] else 5.0)
                                    for i, x, y in zip(ok, xs, ys)], order=order)
        kept = L.clear(cands, texts, chosen, font=MAP_FONT, order=order)
        for i, c, pick, keep in zip(ok, cands, chosen, kept):
            _, _, rows[i]["align"], rows[i]["dx"], rows[i]["dy"] = c[pick]
            if not keep:
                rows[i]["name_shown"] = ""
    for r in rows:
        r.setdefault("name_shown", r["name"])
    median_rows = [] if valid.empty else [{
        "x": mx, "y": my, "x_text": value_text(mx, lang, x_decimals),
        "y_text": value_text(my, lang, y_decimals)}]
    words = {k: strings.get(k, lang) for k in ("unit", "median")}
    key = ["scatter"]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {"unit": words["unit"], "x_title": x_title, "y_title": y_title,
             "x_axis": wrap(x_title, width), "y_axis": wrap(y_title, height),
             "x_median": f"{words['median']}: {x_title}",
             "y_median": f"{words['median']}: {y_title}", "width": width, "height": height}

    def build(datasets, params, description, slots):
        import altair as alt
        base = alt.Chart(alt.NamedData(name="table"))
        med = alt.Chart(alt.NamedData(name="medians"))
        x = alt.X("x:Q", title=slots["x_axis"], axis=alt.Axis(tickCount=4),
                  scale=alt.Scale(zero=False, nice=False,
                                                         padding=SCATTER_PAD))
        y = alt.Y("y:Q", title=slots["y_axis"], axis=alt.Axis(tickCount=5),
                  scale=alt.Scale(zero=False, nice=False,
                                                         padding=SCATTER_PAD))
        med_tip = [alt.Tooltip("x_text:N", title=slots["x_median"]),
                   alt.Tooltip("y_text:N", title=slots["y_median"])]
        vrule = med.mark_rule(color=P.MUTED, strokeDash=[4, 4]).encode(x="x:Q",
                                                                         tooltip=med_tip)
        hrule = med.mark_rule(color=P.MUTED, strokeDash=[4, 4]).encode(y="y:Q",
                                                                         tooltip=med_tip)
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("x_text:N", title=slots["x_title"]),
                   alt.Tooltip("y_text:N", title=slots["y_title"])]
        points = base.mark_point(filled=True, opacity=1, stroke=P.INK).encode(
            x=x, y=y, tooltip=tooltip,
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT))
                    .when(alt.datum.copy).then(alt.value("white")).otherwise(
                alt.value(P.POINT)),
            strokeDash=alt.when(alt.datum.copy).then(alt.value([2, 1])).otherwise(
                alt.value([1, 0])),
            size=alt.when(alt.datum.hl).then(alt.value(160)).otherwise(alt.value(60)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2))
                           .when(alt.datum.copy).then(alt.value(1.5)).otherwise(alt.value(0.5)))
        # Only the names that fit are text marks: a name left out is in the tooltip and
        # the table, and an empty mark per point cost the image one text item each.
        names = base.transform_filter("datum.name_shown !== ''").mark_text(
            align=alt.expr("datum.align"), dx=alt.expr("datum.dx"), dy=alt.expr("datum.dy"),
            baseline="middle", fontSize=MAP_FONT, fontWeight=bold_if_hl(),
            fontStyle=alt.expr("datum.copy ? 'italic' : 'normal'")).encode(
            x=x, y=y, text="name_shown:N", tooltip=tooltip)
        chart = alt.layer(vrule, hrule, points, names).properties(
            datasets=datasets, width=slots["width"], height=slots["height"])
        return _configured(chart, description)

    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        hh = valid[(valid["x"] > mx) & (valid["y"] > my)]
        ll = valid[(valid["x"] < mx) & (valid["y"] < my)]
        top_x = _ordered(valid.rename(columns={"x": "value"}), "value", "name", True).iloc[0]
        top_y = _ordered(valid.rename(columns={"y": "value"}), "value", "name", True).iloc[0]
        description = strings.get(
            "describe_scatter", lang, both_high=len(hh),
            both_high_names=strings.join(list(hh["name"]), lang), both_low=len(ll),
            count=len(valid), top_x=top_x["name"], top_y=top_y["name"])
        if frame["not_real"].any():
            description += " " + _not_real_note(strings, lang, frame)
    alt_words = strings.get("alt", lang, kind=strings.get("kind_scatter", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows, "medians": median_rows},
                          description=alt_words, slots=slots)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("x", x_title, numeric=True, decimals=x_decimals),
               Column("y", y_title, numeric=True, decimals=y_decimals)]
    return _finish(kind="scatter", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "x", "y"]], columns=columns, title=title,
                   subtitle=subtitle, source=source, description=description,
                   highlight=highlight)
