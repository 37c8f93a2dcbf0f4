"""Sensitivity: how far each unit's rank moves across the methodology's variants."""
from __future__ import annotations

import math

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import plot_width, widest
from ..model import Chart, Column
from ..texts import ChartStrings
from .base import (
    _configured,
    _ends,
    _finish,
    _frame,
    _gapped,
    _not_real_note,
    _num,
    _rank_words,
    short_name,
)


def sensitivity_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                      title: str, subtitle: str = "", source: str = "", variants: int = 0,
                      highlight: str | None = None, shown: int | None = None,
                      descending: bool | None = None) -> Chart:
    """Each unit's rank range across methodological variants, the main rank as a dot.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``nominal_rank``, ``rank_min``
    and ``rank_max`` (e.g. :attr:`SensitivityResult.summary` with names added); optional
    ``not_real`` and ``original_name`` as in :func:`ranking_chart` (their ranges are drawn
    grey and italic, and the description says why).
    ``variants``: how many variants were computed (for the description). ``descending``:
    whether rank 1 is the largest value (``None``: not said); the rank axis says which.
    """
    frame = _frame(data, ["unit", "name", "nominal_rank", "rank_min", "rank_max"],
                   "sensitivity")
    for c in ("nominal_rank", "rank_min", "rank_max"):
        frame[c] = frame[c].map(_num)
    frame = frame.assign(_n=frame["name"].astype(str)).sort_values(
        ["nominal_rank", "_n"], na_position="last", kind="mergesort").drop(
        columns="_n").reset_index(drop=True)
    frame["rank_range"] = frame["rank_max"] - frame["rank_min"]

    def rank_text(v: float) -> str:
        return "–" if math.isnan(v) else str(int(v))

    if "not_real" not in frame.columns:
        frame["not_real"] = False
    frame["not_real"] = frame["not_real"].fillna(False).astype(bool)
    generic = strings.words("generic_words", lang)
    rows = [{"unit": r.unit, "name": short_name(r.name, generic), "copy": bool(r.not_real),
             "nominal": r.nominal_rank, "min": r.rank_min,
             "max": r.rank_max, "order": i, "hl": bool(highlight and r.unit == highlight),
             "nominal_text": rank_text(r.nominal_rank),
             "range_text": f"{rank_text(r.rank_min)}–{rank_text(r.rank_max)}"}
            for i, r in enumerate(frame.itertuples(index=False))]
    drawn = _ends(len(rows), shown, [i for i, r in enumerate(rows) if r["hl"]])
    if drawn is not None:
        rows = _gapped(rows, drawn, lambda n: {
            "unit": "", "name": strings.get("gap_row", lang, count=n), "nominal": None,
            "copy": False,
            "min": None, "max": None, "order": 0, "hl": False, "nominal_text": "",
            "range_text": ""})
        for i, r in enumerate(rows):
            r["order"] = i
    names = dict(zip(frame["unit"], frame["name"]))
    words = {k: strings.get(k, lang) for k in ("unit", "nominal_rank", "rank_range", "rank",
                                               "rank_min", "rank_max")}
    if descending is not None:
        words["rank"] = _rank_words(strings, lang, "high" if descending else "low")[1]
    width = plot_width(widest([r["name"] for r in rows]) + 12)
    key = ["sensitivity"]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {**words, "width": width}

    def build(datasets, params, description, slots):
        import altair as alt
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'")))
        x_scale = alt.Scale(zero=False, nice=False, padding=10)
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("nominal_text:N", title=slots["nominal_rank"]),
                   alt.Tooltip("range_text:N", title=slots["rank_range"])]
        bar = base.mark_rule(strokeWidth=8, strokeCap="round").encode(
            y=y, x=alt.X("min:Q", title=slots["rank"], scale=x_scale,
                         axis=alt.Axis(format="d", tickMinStep=1)),
            x2="max:Q", tooltip=tooltip,
            color=alt.when(alt.datum.hl).then(alt.value("#8fa3b8")).otherwise(
                alt.value("#cfd8e1")),
            strokeDash=alt.when(alt.datum.copy).then(alt.value([2, 2])).otherwise(
                alt.value([1, 0])))
        dot = base.mark_point(filled=True, size=70, opacity=1, stroke=P.INK).encode(
            y=y, x=alt.X("nominal:Q", scale=x_scale), tooltip=tooltip,
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT))
                    .when(alt.datum.copy).then(alt.value(P.NOT_REAL)).otherwise(
                alt.value(P.POINT)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(0)))
        chart = alt.layer(bar, dot).add_params(hl).properties(
            datasets=datasets, width=slots["width"], height=alt.Step(20))
        return _configured(chart, description)

    valid = frame[frame["rank_min"].notna() & frame["rank_max"].notna()]
    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        wide = valid.sort_values(["rank_range", "nominal_rank"], ascending=[False, True],
                                   kind="mergesort").iloc[0]
        description = strings.get(
            "describe_sensitivity", lang, variants=variants,
            stable=int((valid["rank_range"] == 0).sum()), count=len(valid),
            widest=wide["name"], widest_min=int(wide["rank_min"]),
            widest_max=int(wide["rank_max"]))
    if frame["not_real"].any():
        description += " " + _not_real_note(strings, lang, frame)
    if drawn is not None:
        description += " " + strings.get("describe_shown", lang, shown=len(drawn),
                                         count=len(frame))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_sensitivity", lang),
                            title=title, subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows},
                          params={"hl": short_name(names.get(highlight, ""), generic)
                                  if highlight else ""},
                          description=alt_words, slots=slots)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("nominal_rank", words["nominal_rank"], numeric=True, decimals=0),
               Column("rank_min", words["rank_min"], numeric=True, decimals=0),
               Column("rank_max", words["rank_max"], numeric=True, decimals=0)]
    return _finish(kind="sensitivity", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "nominal_rank", "rank_min", "rank_max"]],
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight)
