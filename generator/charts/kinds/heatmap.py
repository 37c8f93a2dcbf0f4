"""Heatmap: units by measures, each cell coloured by its rank."""
from __future__ import annotations

import math

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, WIDTH, plot_width, widest, wrap
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import _configured, _ends, _finish, _frame, _num, short_name


def heatmap_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  title: str, subtitle: str = "", source: str = "", score_title: str = "",
                  decimals: int | None = 2, highlight: str | None = None,
                  shown: int | None = None, better: str | None = "higher") -> Chart:
    """Units × indicators of normalised scores.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``column`` (indicator label in
    ``lang``) and ``score``; optional ``code``, the column's short heading (default its
    number): headings are codes, named in full in a key under the cells, so that six long
    indicator names need no slanted, cut labels. ``better``: which way a score is better
    (the worse end is dark, as on every map). Rows keep the order of first appearance of
    the units, columns that of the indicators. ``shown``: above this many units, draw the units of the
    highest and lowest mean scores, by mean (see :func:`_ends`); the table keeps all.
    """
    frame = _frame(data, ["unit", "name", "column", "score"], "heatmap")
    frame["score"] = frame["score"].map(_num)
    row_order = list(dict.fromkeys(frame["unit"]))
    col_order = list(dict.fromkeys(frame["column"]))
    if "code" not in frame.columns:
        frame["code"] = frame["column"].map({c: str(i + 1) for i, c in enumerate(col_order)})
    codes = dict(zip(frame["column"], frame["code"]))
    frame["row_i"] = frame["unit"].map({u: i for i, u in enumerate(row_order)})
    frame["col_i"] = frame["column"].map({c: i for i, c in enumerate(col_order)})
    lo, hi = frame["score"].min(), frame["score"].max()
    span = (hi - lo) if (hi - lo) > 0 else 1.0
    names = dict(zip(frame["unit"], frame["name"]))
    drawn_frame = frame
    by_mean = list(frame.groupby("unit", sort=False)["score"].mean()
                   .sort_values(ascending=False, kind="mergesort").index)
    drawn = _ends(len(row_order), shown, [by_mean.index(highlight)]
                  if highlight in by_mean else [])
    if drawn is not None:
        rank = {by_mean[p]: i for i, p in enumerate(drawn)}
        drawn_frame = frame[frame["unit"].isin(rank)].assign(row_i=frame["unit"].map(rank))
    generic = strings.words("generic_words", lang)

    def worse(score: float) -> float | None:
        """0 (best) … 1 (worst) of a score, for the colour and for its label's ink."""
        if math.isnan(score):
            return None
        rel = (score - lo) / span
        return 1 - rel if better == "higher" else rel

    label_decimals = min(decimals, 2) if decimals is not None else 2   # the table has all
    rows = [{"unit": r.unit, "name": short_name(r.name, generic), "column": r.column,
             "code": r.code, "score": r.score, "dark": (worse(r.score) or 0) > 0.55,
             "label": value_text(r.score, lang, label_decimals),
             "score_text": value_text(r.score, lang, decimals), "row_i": r.row_i,
             "col_i": r.col_i, "hl": bool(highlight and r.unit == highlight)}
            for r in drawn_frame.itertuples(index=False)]
    words = {k: strings.get(k, lang) for k in ("unit", "series", "value")}
    score_label = score_title or strings.get("value", lang)
    legend_title = wrap(score_label, WIDTH - 20)
    if better in ("higher", "lower"):
        legend_title.append(strings.get(f"better_{better}", lang))
    name_w = widest([r["name"] for r in rows])
    cell_width = max(30, int(plot_width(name_w + 24) / max(1, len(col_order))))

    def bare(column: str) -> str:
        """The column's name without a trailing "(X1)" that repeats its code."""
        tail = f" ({codes[column]})"
        return column[: -len(tail)] if column.endswith(tail) else column

    key_lines = [line for c in col_order
                 for line in wrap(f"{codes[c]} — {bare(c)}", WIDTH - 40)]
    hl_name = short_name(names.get(highlight, ""), generic) if highlight else ""
    n_rows = len(drawn) if drawn is not None else len(row_order)
    key = ["heatmap", better]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {**words, "score_label": score_label, "cell_width": cell_width,
             "legend_title": legend_title, "legend_x": -name_w - 14,
             "legend_y": 22 * n_rows + 12,
             "key_lines": [strings.get("key_title", lang) + ":"] + key_lines}

    def build(datasets, params, description, slots):
        import altair as alt
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("row_i", op="min"),
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'")))
        x = alt.X("code:N", title=None, sort=alt.EncodingSortField("col_i", op="min"),
                  axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"))
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("column:N", title=slots["series"]),
                   alt.Tooltip("score_text:N", title=slots["score_label"])]
        cells = base.mark_rect().encode(
            y=y, x=x, color=alt.Color("score:Q", scale=alt.Scale(
                scheme=P.HEAT if better in ("higher", "lower") else "blues",
                reverse=better == "higher"),
                # Under the cells from the names' left edge (a bottom legend would start
                # at the cells and run off a phone's width).
                legend=alt.Legend(orient="none", direction="horizontal", gradientLength=200,
                                  title=slots["legend_title"], legendX=slots["legend_x"],
                                  legendY=slots["legend_y"])),
            stroke=alt.when(alt.datum.hl).then(alt.value(P.INK)).otherwise(
                alt.value("white")),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(1)),
            tooltip=tooltip)
        labels = base.mark_text(fontSize=FONT - 1, baseline="middle").encode(
            y=y, x=x, text="label:N",
            color=alt.when("datum.dark").then(alt.value("white")).otherwise(
                alt.value(P.INK)),
            tooltip=tooltip)
        chart = alt.layer(cells, labels).add_params(hl).properties(
            datasets=datasets, width=alt.Step(slots["cell_width"]), height=alt.Step(22),
            title=alt.TitleParams(text=slots["key_lines"],
                                  orient="bottom", anchor="start", fontSize=FONT,
                                  color=P.INK, offset=10, frame="bounds"))
        return _configured(chart, description)

    valid = frame[frame["score"].notna()]
    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        ordered = valid.sort_values(["score", "row_i", "col_i"], ascending=[False, True, True],
                                    kind="mergesort")
        top, bottom = ordered.iloc[0], ordered.sort_values(
            ["score", "row_i", "col_i"], kind="mergesort").iloc[0]
        description = strings.get(
            "describe_heatmap", lang, max_unit=top["name"], max_column=top["column"],
            max_value=value_text(top["score"], lang, decimals), min_unit=bottom["name"],
            min_column=bottom["column"], min_value=value_text(bottom["score"], lang, decimals),
            rows=len(row_order), columns=len(col_order))
    if drawn is not None:
        description += " " + strings.get("describe_shown", lang, shown=len(drawn),
                                         count=len(row_order))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_heatmap", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows},
                          params={"hl": hl_name},
                          description=alt_words, slots=slots)
    wide = frame.pivot(index="unit", columns="column", values="score").reindex(
        index=row_order, columns=col_order)
    wide.columns = [f"c{i}" for i in range(len(col_order))]
    wide = wide.reset_index()
    wide.insert(1, "name", wide["unit"].map(names))
    columns = [Column("unit", "id", html=False), Column("name", words["unit"])] + [
        Column(f"c{i}", c, numeric=True, decimals=decimals) for i, c in enumerate(col_order)]
    return _finish(kind="heatmap", id=id, lang=lang, strings=strings, spec=spec, data=wide,
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight)
