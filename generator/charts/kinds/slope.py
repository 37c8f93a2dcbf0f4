"""Slope: each unit's value or rank in two years (or editions), joined by a line."""
from __future__ import annotations

import math

import pandas as pd

from .. import palette as P
from ..jsonspec import TEMPLATES
from ..layout import FONT, WIDTH, widest
from ..model import Chart, Column
from ..texts import ChartStrings
from .base import _configured, _finish, _frame, _num


def slope_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                title: str, before: str, after: str, subtitle: str = "", source: str = "",
                width: int | None = None) -> Chart:
    """Each unit's rank in two editions joined by a line: who moved up, who moved down.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``rank_before``, ``rank_after``
    (NaN where the unit is not ranked in that edition). ``before`` and ``after``: the two
    editions' labels (e.g. '2023', '2024'). Rank 1 is drawn at the top; a rise is drawn
    solid and dark, a fall dashed, no change light grey, so the chart reads in greyscale.
    """
    frame = _frame(data, ["unit", "name", "rank_before", "rank_after"], "slope")
    for c in ("rank_before", "rank_after"):
        frame[c] = frame[c].map(_num)
    frame = frame.assign(_n=frame["name"].astype(str)).sort_values(
        ["rank_after", "rank_before", "_n"], na_position="last", kind="mergesort").drop(
        columns="_n").reset_index(drop=True)
    frame["change"] = frame["rank_before"] - frame["rank_after"]
    words = {k: strings.get(k, lang) for k in ("unit", "rank", "slope_up", "slope_down",
                                               "slope_same")}

    def move(change: float) -> str:
        if math.isnan(change):
            return "same"
        return "up" if change > 0 else "down" if change < 0 else "same"

    def rank_text(v: float) -> str:
        return "–" if math.isnan(v) else str(int(v))

    rows = []
    for r in frame.itertuples(index=False):
        m = move(r.change)
        for edition, rank, side in ((before, r.rank_before, "before"),
                                    (after, r.rank_after, "after")):
            if math.isnan(rank):
                continue
            rows.append({"unit": r.unit, "name": r.name, "edition": edition, "rank": rank,
                         "side": side, "move": words[f"slope_{m}"], "kind": m,
                         "label": f"{int(rank)}. {r.name}",
                         "change_text": f"{rank_text(r.rank_before)} → {rank_text(r.rank_after)}"})
    count = int(max(frame["rank_before"].max(skipna=True) if frame["rank_before"].notna().any()
                    else 0, frame["rank_after"].max(skipna=True)
                    if frame["rank_after"].notna().any() else 0))
    if width is None:
        side = widest([r["label"] for r in rows]) + 10
        width = max(60, int(WIDTH - 12 - 2 * side))
    key = ["slope"]
    # The chart's own words and sizes: swapped into the kind's one template.
    slots = {"unit": words["unit"], "rank": words["rank"], "editions": [before, after],
             "width": width, "height": max(120, 18 * max(count, 2))}

    def build(datasets, params, description, slots):
        import altair as alt
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("rank:Q", title=slots["rank"], scale=alt.Scale(reverse=True, zero=False,
                                                                 nice=False, padding=8),
                  axis=None)
        x = alt.X("edition:N", title=None, sort=slots["editions"],
                  scale=alt.Scale(padding=0.1),
                  axis=alt.Axis(orient="top", labelFontWeight="bold", labelAngle=0,
                                domain=False, ticks=False))
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("change_text:N", title=slots["rank"]),
                   alt.Tooltip("move:N", title="")]
        kinds = ["up", "down", "same"]
        lines = base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=30)).encode(
            x=x, y=y, detail="unit:N", tooltip=tooltip,
            color=alt.Color("kind:N", scale=alt.Scale(domain=kinds, range=[
                P.BAR_HIGHLIGHT, P.REFERENCE, "#b8c2cc"]), legend=None),
            strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(
                domain=kinds, range=[[1, 0], [5, 3], [1, 0]]), legend=None))
        left = base.transform_filter(alt.datum.side == "before").mark_text(
            align="right", dx=-8, fontSize=FONT, baseline="middle").encode(
            x=x, y=y, text="label:N")
        right = base.transform_filter(alt.datum.side == "after").mark_text(
            align="left", dx=8, fontSize=FONT, baseline="middle").encode(
            x=x, y=y, text="label:N")
        chart = alt.layer(lines, left, right).properties(
            datasets=datasets, width=slots["width"], height=slots["height"])
        return _configured(chart, description)

    valid = frame[frame["change"].notna()]
    up = valid[valid["change"] > 0]
    down = valid[valid["change"] < 0]
    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        description = strings.get("describe_slope", lang, before=before, after=after,
                                  up=len(up), down=len(down),
                                  same=int((valid["change"] == 0).sum()))
        if not up.empty:
            best = up.sort_values(["change", "rank_after"], ascending=[False, True],
                                  kind="mergesort").iloc[0]
            description += " " + strings.get("describe_slope_most", lang, unit=best["name"],
                                             places=int(best["change"]))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_slope", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows}, params={},
                          description=alt_words, slots=slots)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("rank_before", f"{words['rank']} {before}", numeric=True, decimals=0),
               Column("rank_after", f"{words['rank']} {after}", numeric=True, decimals=0),
               Column("change", "±", numeric=True, decimals=0)]
    return _finish(kind="slope", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "rank_before", "rank_after", "change"]],
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description)
