"""Ranking: one bar per unit, best first, the region's value as a rule."""
from __future__ import annotations

import math

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, WIDTH, plot_width, widest, wrap
from ..model import Chart, Column
from ..numbers import value_text
from ..texts import ChartStrings
from .base import (
    _configured,
    _describe_extremes,
    _ends,
    _finish,
    _frame,
    _gapped,
    _not_real_note,
    _num,
    _ordered,
    _rank_words,
    _ranks,
    _value_label,
    bold_if_hl,
    short_name,
)


def ranking_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  title: str, subtitle: str = "", source: str = "", value_title: str = "",
                  measure: str = "", decimals: int | None = None,
                  highlight: str | None = None, reference: float | None = None,
                  reference_name: str = "", reference_id: str = "",
                  descending: bool = True, shown: int | None = None) -> Chart:
    """Units in rank order, one unit highlighted, the region's value as a dashed rule.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``value`` (NaN = no data);
    optional ``not_real`` (bool: a value the audit calls not real, e.g. a row that repeats
    another unit's row; drawn grey with a dashed outline, never ranked) and
    ``original_name`` (the unit whose row it repeats). Rank 1 is the largest value, or the
    smallest when ``descending`` is false; the chart says which. ``highlight``: the unit id
    to emphasise (dark bar, black outline, bold label and value: distinguishable in
    greyscale). ``reference``: the region's value, drawn as a dashed rule with
    ``reference_name`` above the bars. ``measure``: unit of measure for tooltips and the
    table. ``shown``: draw at most this many bars (see :func:`_ends`); the table keeps all.
    A ranking of one unit ranks nothing: a unit alone gets no rank.
    """
    frame = _frame(data, ["unit", "name", "value"], "ranking")
    frame["value"] = frame["value"].map(_num)
    if "not_real" not in frame.columns:
        frame["not_real"] = False
    frame["not_real"] = frame["not_real"].fillna(False).astype(bool)
    frame = _ordered(frame, "value", "name", descending)
    ranked = frame["value"].where(~frame["not_real"])
    count = int(ranked.notna().sum())
    frame["rank"] = _ranks(ranked, descending) if count >= 2 else math.nan
    frame["hl"] = frame["unit"] == highlight if highlight else False
    first = "high" if descending else "low"
    meaning, rank_title = _rank_words(strings, lang, first)
    generic = strings.words("generic_words", lang)
    copy_word = strings.get("not_real_short", lang)
    rows = [{
        "unit": r.unit, "name": short_name(r.name, generic), "value": r.value,
        "hl": bool(r.hl), "copy": bool(r.not_real),
        "value_text": value_text(r.value, lang, decimals, measure),
        "rank_text": (copy_word if r.not_real else "" if math.isnan(r.rank)
                      else f"{int(r.rank)} / {count} ({meaning})"), "gap": False,
    } for r in frame.itertuples(index=False)]
    drawn = _ends(len(rows), shown, [i for i, r in enumerate(rows) if r["hl"]])
    if drawn is not None:
        rows = _gapped(rows, drawn, lambda n: {
            "unit": "", "name": strings.get("gap_row", lang, count=n), "value": None,
            "hl": False, "copy": False, "value_text": "", "rank_text": "", "gap": True})
    for i, row in enumerate(rows):
        row["order"] = i                    # the axis order, whichever layer has the row
    ref_rows = []
    has_ref = reference is not None and not math.isnan(_num(reference))
    if has_ref:
        ref_text = value_text(_num(reference), lang, decimals, measure)
        ref_rows = [{"value": _num(reference), "value_text": ref_text, "name": reference_name,
                     "label": "╌ " + strings.get("reference_label", lang, name=reference_name,
                                                 value=ref_text)}]
    hl_name = short_name(frame.loc[frame["hl"], "name"].iloc[0], generic) \
        if frame["hl"].any() else ""
    words = {k: strings.get(k, lang) for k in ("unit", "value", "no_data")}
    words["rank"] = rank_title
    value_label = _value_label(strings, lang, value_title, measure)
    has_copies = bool(frame["not_real"].any())
    # Room: unit names on the left, value labels right of the longest bar.
    name_w = widest([r["name"] for r in rows])
    value_w = widest([r["value_text"] for r in rows]) + 6
    negative = bool((frame["value"] < 0).any())
    width = plot_width(name_w + 10, value_w * (2 if negative else 1))
    key_rows = []
    if has_copies:
        key_rows += [{"text": line, "color": P.INK, "bold": False}
                     for line in wrap("▭ " + strings.get("not_real", lang), WIDTH - 12)]
    if has_ref:
        key_rows += [{"text": line, "color": P.REFERENCE, "bold": True}
                     for line in wrap(ref_rows[0]["label"], WIDTH - 12)]
    for i, k in enumerate(reversed(key_rows)):
        k["y"] = -6 - 16 * i
    key = ["ranking", negative]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {"unit": words["unit"], "value": words["value"], "rank": words["rank"],
             "no_data": words["no_data"], "value_label": value_label, "width": width,
             "padding": value_w, "keys_x": -name_w - 10}

    def build(datasets, params, description, slots):
        import altair as alt
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", sort=alt.EncodingSortField("order", op="min"), title=None,
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'"), labelPadding=4))
        x_scale = alt.Scale(padding=slots["padding"]) if negative else alt.Undefined
        x = alt.X("value:Q", title=slots["value_label"], scale=x_scale,
                  axis=alt.Axis(tickCount=4))
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("value_text:N", title=slots["value"]),
                   alt.Tooltip("rank_text:N", title=slots["rank"])]
        bars = base.mark_bar(height={"band": 0.72}).encode(
            y=y, x=x,
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT))
                    .when(alt.datum.copy).then(alt.value(P.NOT_REAL))
                    .otherwise(alt.value(P.BAR)),
            stroke=alt.when(alt.datum.hl).then(alt.value(P.INK))
                      .when(alt.datum.copy).then(alt.value(P.INK))
                      .otherwise(alt.value(P.BAR)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2))
                           .when(alt.datum.copy).then(alt.value(1))
                           .otherwise(alt.value(0)),
            strokeDash=alt.when(alt.datum.copy).then(alt.value([3, 2]))
                          .otherwise(alt.value([1, 0])),
            tooltip=tooltip)
        label_style = dict(baseline="middle", fontSize=FONT, fontWeight=bold_if_hl(),
                           align=alt.expr("datum.value < 0 ? 'right' : 'left'"),
                           dx=alt.expr("datum.value < 0 ? -4 : 4"),
                           fontStyle=alt.expr("datum.copy ? 'italic' : 'normal'"))
        halo = base.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                              **label_style).encode(y=y, x="value:Q", text="value_text:N")
        labels = base.mark_text(**label_style).encode(
            y=y, x="value:Q", text="value_text:N", tooltip=tooltip)
        # Rows without a value: "no data", or the gap row of a long ranking (which must
        # reach some layer to have its place on the axis).
        missing = base.transform_filter("!isValid(datum.value)").mark_text(
            align="left", dx=4, baseline="middle", fontSize=FONT, fontStyle="italic",
            color=P.MUTED).encode(y=y, x=alt.datum(0), text=alt.when(alt.datum.gap).then(
                alt.value("")).otherwise(alt.value(slots["no_data"])))
        ref = alt.Chart(alt.NamedData(name="ref"))
        rule = ref.mark_rule(color=P.REFERENCE, strokeDash=[6, 3], strokeWidth=2).encode(
            x="value:Q", tooltip=[alt.Tooltip("name:N", title=slots["unit"]),
                                  alt.Tooltip("value_text:N", title=slots["value"])])
        # The keys of the rule and of the grey bars, in words, above the bars from the
        # left edge (whatever their length, they never run off the drawing).
        keys = alt.Chart(alt.NamedData(name="keys")).mark_text(
            align="left", baseline="bottom", fontSize=FONT, yOffset=alt.expr("datum.y"),
            fontWeight=alt.expr("datum.bold ? 'bold' : 'normal'"),
            fontStyle=alt.expr("datum.bold ? 'normal' : 'italic'")).encode(
            x=alt.value(slots["keys_x"]), y=alt.value(0), text="text:N",
            color=alt.Color("color:N", scale=None))
        chart = alt.layer(bars, rule, halo, labels, missing, keys).add_params(hl).properties(
            datasets=datasets, width=slots["width"], height=alt.Step(22))
        return _configured(chart, description)

    description = _describe_extremes(strings, lang, "describe_ranking", frame, "name",
                                     decimals, measure)
    if has_ref:
        description += " " + strings.get("describe_reference", lang, name=reference_name,
                                         value=ref_rows[0]["value_text"])
    if count >= 2:
        description += " " + strings.get("describe_rank_rule", lang, first=meaning,
                                         count=count)
    if has_copies:
        description += " " + _not_real_note(strings, lang, frame)
    if drawn is not None:
        description += " " + strings.get("describe_shown", lang, shown=len(drawn),
                                         count=len(frame))
    if highlight and frame["hl"].any():
        row = frame[frame["hl"]].iloc[0]
        if not math.isnan(row["rank"]):
            description += " " + strings.get(
                "describe_highlight", lang, unit=row["name"], rank=int(row["rank"]),
                count=count, value=value_text(row["value"], lang, decimals, measure))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_ranking", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows, "ref": ref_rows,
                                                "keys": key_rows},
                          params={"hl": hl_name}, description=alt_words, slots=slots)
    table = frame[["unit", "name", "value", "rank", "not_real"]].copy()
    if has_ref:
        table = pd.concat([table, pd.DataFrame([{
            "unit": reference_id, "name": reference_name, "value": _num(reference),
            "rank": math.nan, "not_real": False}])], ignore_index=True)
    table["note"] = table["not_real"].map(lambda c: copy_word if c else "")
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("value", value_label, numeric=True, decimals=decimals),
               Column("rank", rank_title, numeric=True, decimals=0)]
    if has_copies:
        columns.append(Column("note", strings.get("note", lang)))
    return _finish(kind="ranking", id=id, lang=lang, strings=strings, spec=spec, data=table,
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight)
