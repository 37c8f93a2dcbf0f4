"""One builder per chart kind: plain DataFrames and translated words in, a :class:`Chart` out.

Every builder takes its data as a pandas DataFrame with the columns its docstring names,
the texts already in the page's language (title, subtitle with the unit of measure and the
year, source line, axis titles, unit names), the language code and the chart texts
(:func:`~generator.charts.texts.load_chart_strings`). It returns a :class:`Chart`; it draws
nothing and knows no page.

A kind is declared once with Altair per *template key* (see :mod:`.jsonspec`): whatever
changes from one unit's chart to the next (the rows, the highlighted unit, the region's
value) travels in named datasets and parameters, so the 19 unit charts of one kind share one
validated template.
"""
from __future__ import annotations

import json
import math
from typing import Any, Callable, Iterable, Mapping, Sequence

import altair as alt
import pandas as pd

from ..data.model import Area, text
from . import labels as L
from . import palette as P
from .geo import Boundaries
from .jsonspec import TEMPLATES, normalise
from .layout import FONT, MAP_FONT, WIDTH, plot_width, text_width, widest, wrap
from .model import Chart, Column, slug
from .numbers import value_text
from .texts import ChartStrings

#: Spec-level look shared by every kind (fonts are left to the page and to the renderer).
#: Labels are never cut ("…"): layouts make room for them instead (see :mod:`.layout`);
#: tick labels that would overlap are dropped by Vega (``labelOverlap``).
CONFIG: dict[str, Any] = {
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelColor": P.INK, "titleColor": P.INK, "gridColor": P.GRID,
             "domainColor": P.MUTED, "tickColor": P.MUTED, "labelFontSize": FONT,
             "titleFontSize": FONT, "titleFontWeight": "normal", "labelLimit": 0,
             "labelOverlap": True, "labelSeparation": 6},
    "legend": {"labelFontSize": FONT, "titleFontSize": FONT, "titleFontWeight": "normal",
               "labelColor": P.INK, "titleColor": P.INK, "labelLimit": 0, "titleLimit": 0},
    "title": {"color": P.MUTED, "fontSize": FONT, "fontWeight": "normal", "anchor": "end"},
    "text": {"color": P.INK},
    "range": {"category": P.OKABE_ITO},
}

#: Blues ramp (ColorBrewer, light → dark) for ordered classes on the map.
BLUES = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c",
         "#08306b"]


#: Mark property: bold text for the highlighted row (field ``hl``).
BOLD_IF_HL = alt.expr("datum.hl ? 'bold' : 'normal'")


def _js(s: str) -> str:
    """A JavaScript string literal for a Vega expression (JSON is valid JS)."""
    return json.dumps(s, ensure_ascii=False)


def _configured(chart: Any, description: str | None) -> Any:
    chart = (chart.configure(background=CONFIG["background"])
             .configure_view(**CONFIG["view"]).configure_axis(**CONFIG["axis"])
             .configure_legend(**CONFIG["legend"]).configure_title(**CONFIG["title"])
             .configure_text(**CONFIG["text"]).configure_range(**CONFIG["range"]))
    if description is not None:
        chart = chart.properties(description=description)
    return chart


def _frame(data: pd.DataFrame, required: Sequence[str], kind: str) -> pd.DataFrame:
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ValueError(f"{kind} chart: data lacks column(s) {missing}; "
                         f"it needs {list(required)}")
    return data.reset_index(drop=True).copy()


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan
    return f


def _finish(*, kind: str, id: str, lang: str, strings: ChartStrings, spec: dict[str, Any],
            data: pd.DataFrame, columns: Iterable[Column], title: str, subtitle: str,
            source: str, description: str, highlight: str | None = None,
            key_column: str = "unit", attribution: str = "") -> Chart:
    alt_text = strings.get("alt", lang, kind=strings.get(f"kind_{kind}", lang), title=title,
                           subtitle=subtitle)
    return Chart(id=slug(id), kind=kind, lang=lang, spec=spec, data=data,
                 columns=tuple(columns), title=title, subtitle=subtitle, source=source,
                 description=description, alt=alt_text, ui=strings.ui(lang),
                 highlight=highlight, key_column=key_column, attribution=attribution)


def _value_label(strings: ChartStrings, lang: str, value_title: str, measure: str) -> str:
    if value_title:
        return value_title
    word = strings.get("value", lang)
    return f"{word}, {measure}" if measure else word


def _ranks(values: pd.Series, descending: bool = True) -> pd.Series:
    """1 = largest (or smallest when ``descending`` is false); ties share the best rank."""
    return values.rank(ascending=not descending, method="min")


def _ordered(frame: pd.DataFrame, value: str, label: str, descending: bool) -> pd.DataFrame:
    """Rows by value (NaN last), ties by label: a stable, data-independent order."""
    key = frame[value] if not descending else -frame[value]
    return (frame.assign(_k=key, _n=frame[label].astype(str))
            .sort_values(["_k", "_n"], na_position="last", kind="mergesort")
            .drop(columns=["_k", "_n"]).reset_index(drop=True))


def _ends(n: int, shown: int | None, keep: Iterable[int] = ()) -> list[int] | None:
    """Which of ``n`` ordered rows a chart draws: all (``None``) up to ``shown`` rows,
    above that the first and the last ``shown // 2`` and those in ``keep`` (the
    highlighted unit). A chart of 2,000 bars is unreadable and slow to draw; the chart's
    table and CSV keep every row."""
    if not shown or n <= shown:
        return None
    k = max(1, shown // 2)
    return sorted(set(range(k)) | set(range(n - k, n)) | {p for p in keep if 0 <= p < n})


def _gapped(rows: list[dict[str, Any]], positions: list[int],
            gap: Callable[[int], dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` at ``positions``, with ``gap(count)`` where ``count`` rows are left out."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    prev = -1
    for p in positions + [len(rows)]:
        if p - prev > 1:
            row = gap(p - prev - 1)
            while row["name"] in seen:          # two gaps of one size: keep names distinct
                row["name"] += "\u00a0"
            seen.add(row["name"])
            out.append(row)
        if p < len(rows):
            out.append(rows[p])
        prev = p
    return out


def _describe_extremes(strings: ChartStrings, lang: str, key: str, frame: pd.DataFrame,
                       label: str, decimals: int | None, measure: str) -> str:
    """Highest and lowest of the real values (not the rows the audit calls not real);
    the count is of every unit with a value."""
    count = int(frame["value"].notna().sum())
    if "not_real" in frame.columns:
        frame = frame[~frame["not_real"].fillna(False).astype(bool)]
    valid = frame[frame["value"].notna()]
    if valid.empty:
        return strings.get("describe_empty", lang)
    top = _ordered(valid, "value", label, True).iloc[0]
    bottom = _ordered(valid, "value", label, False).iloc[0]
    return strings.get(key, lang, top=top[label],
                       top_value=value_text(top["value"], lang, decimals, measure),
                       bottom=bottom[label],
                       bottom_value=value_text(bottom["value"], lang, decimals, measure),
                       count=count)


# == ranking ==================================================================================

def _rank_words(strings: ChartStrings, lang: str, first: str) -> tuple[str, str]:
    """(what rank 1 means, the rank's column header saying it)."""
    meaning = strings.get(f"rank_first_{first}", lang)
    return meaning, strings.get("rank_titled", lang, first=meaning)


def _not_real_note(strings: ChartStrings, lang: str, frame: pd.DataFrame) -> str:
    """The sentence naming the rows the audit calls not real and the rows they repeat."""
    if "not_real" not in frame.columns or not frame["not_real"].any():
        return ""
    copies = frame[frame["not_real"]]
    originals = list(dict.fromkeys(o for o in copies.get("original_name", []) if o))
    return strings.get("describe_not_real", lang,
                       names=strings.join(sorted(copies["name"]), lang),
                       originals=strings.join(originals, lang))


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
    key = ["ranking", lang, words, value_label, width, negative, value_w, name_w]

    def build(datasets, params, description):
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", sort=alt.EncodingSortField("order", op="min"), title=None,
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'"), labelPadding=4))
        x_scale = alt.Scale(padding=value_w) if negative else alt.Undefined
        x = alt.X("value:Q", title=value_label, scale=x_scale,
                  axis=alt.Axis(tickCount=4))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("value_text:N", title=words["value"]),
                   alt.Tooltip("rank_text:N", title=words["rank"])]
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
        label_style = dict(baseline="middle", fontSize=FONT, fontWeight=BOLD_IF_HL,
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
                alt.value("")).otherwise(alt.value(words["no_data"])))
        ref = alt.Chart(alt.NamedData(name="ref"))
        rule = ref.mark_rule(color=P.REFERENCE, strokeDash=[6, 3], strokeWidth=2).encode(
            x="value:Q", tooltip=[alt.Tooltip("name:N", title=words["unit"]),
                                  alt.Tooltip("value_text:N", title=words["value"])])
        # The keys of the rule and of the grey bars, in words, above the bars from the
        # left edge (whatever their length, they never run off the drawing).
        keys = alt.Chart(alt.NamedData(name="keys")).mark_text(
            align="left", baseline="bottom", fontSize=FONT, yOffset=alt.expr("datum.y"),
            fontWeight=alt.expr("datum.bold ? 'bold' : 'normal'"),
            fontStyle=alt.expr("datum.bold ? 'normal' : 'italic'")).encode(
            x=alt.value(-name_w - 10), y=alt.value(0), text="text:N",
            color=alt.Color("color:N", scale=None))
        chart = alt.layer(bars, rule, halo, labels, missing, keys).add_params(hl).properties(
            datasets=datasets, width=width, height=alt.Step(22))
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
                          params={"hl": hl_name}, description=alt_words)
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


# == composition ==============================================================================

#: Rows with their name above the bar: gap above the name, line height, bar height.
ROW_GAP, LINE, BAR_H = 10, 15, 14


def _label_rows(rows: list[dict[str, Any]], field: str, width: float) -> int:
    """Wrap each row's ``field`` into ``lines`` (for a label above its bar) and give the
    row ``bar_dy``, its bar's offset from the middle of the row, so that each bar sits
    right under its own name; returns the row height (the same for every row)."""
    most = max([len(wrap(r[field], width)) for r in rows] or [1])
    step = ROW_GAP + LINE * most + BAR_H + 8
    for r in rows:
        r["lines"] = wrap(r[field], width)
        r["bar_dy"] = -step / 2 + ROW_GAP + LINE * len(r["lines"]) + 2 + BAR_H / 2
    return step


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
    key = ["composition", lang, words, value_label, width, step]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("category:N", sort=None, title=None, axis=None,
                  scale=alt.Scale(paddingInner=0, paddingOuter=0))
        tooltip = [alt.Tooltip("category:N", title=words["category"]),
                   alt.Tooltip("value_text:N", title=words["value"])]
        # The bar fills the lower part of the row, the name the upper part.
        bar_dy = alt.expr("datum.bar_dy")
        bars = base.mark_bar(height=BAR_H, yOffset=bar_dy, fill=P.POINT).encode(
            y=y, x=alt.X("value:Q", title=value_label, axis=alt.Axis(tickCount=4)),
            tooltip=tooltip)
        labels = base.mark_text(align="left", dx=4, baseline="middle", fontSize=FONT,
                                yOffset=bar_dy).encode(
            y=y, x="value:Q", text="value_text:N", tooltip=tooltip)
        names = base.mark_text(align="left", baseline="top", fontSize=FONT, lineHeight=LINE,
                               yOffset=-step / 2 + ROW_GAP).encode(
            y=y, x=alt.value(0), text="lines:N")
        chart = alt.layer(bars, labels, names).properties(datasets=datasets, width=width,
                                                          height=alt.Step(step))
        return _configured(chart, description)

    description = _describe_extremes(strings, lang, "describe_composition", frame,
                                     "category", decimals, measure)
    alt_words = strings.get("alt", lang, kind=strings.get("kind_composition", lang),
                            title=title, subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows}, description=alt_words)
    columns = [Column("id", "id", html=False), Column("category", words["category"]),
               Column("value", value_label, numeric=True, decimals=decimals)]
    return _finish(kind="composition", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["id", "category", "value"]], columns=columns, title=title,
                   subtitle=subtitle, source=source, description=description,
                   key_column="id")


# == time series ==============================================================================

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
    key = ["time_series", lang, words, value_label, zero, width, height,
           n if multi else 1]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
        y = alt.Y("value:Q", title=value_label, scale=alt.Scale(zero=zero),
                  axis=alt.Axis(tickCount=4))
        tooltip = [alt.Tooltip("series:N", title=words["series"]),
                   alt.Tooltip("year:O", title=words["year"]),
                   alt.Tooltip("value_text:N", title=words["value"])]
        if multi:
            sort = alt.EncodingSortField("order", op="min")
            legend = alt.Legend(title=None, orient="bottom", direction="vertical",
                                symbolType="stroke", symbolStrokeWidth=2.5, symbolSize=400)
            color = alt.Color("series:N", sort=sort, legend=legend,
                              scale=alt.Scale(range=P.categorical(n)))
            dash = alt.StrokeDash("series:N", sort=sort, legend=legend,
                                  scale=alt.Scale(range=P.DASHES[:n]))
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
        chart = alt.layer(*layers).properties(datasets=datasets, width=width, height=height)
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
    spec = TEMPLATES.spec(key, build, datasets={"table": rows}, description=alt_words)
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


# == map ======================================================================================

def map_units(areas: Iterable[Area], lang: str) -> pd.DataFrame:
    """``unit``, ``name``, ``shape``, ``lon``, ``lat`` of the units (kind ``unit``)."""
    return pd.DataFrame([{
        "unit": a.id, "name": text(a.name, lang), "shape": a.shape or "",
        "lon": a.point[0] if a.point else math.nan, "lat": a.point[1] if a.point else math.nan,
    } for a in areas if a.kind == "unit"])


def map_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
              boundaries: Boundaries, areas: Iterable[Area], title: str,
              subtitle: str = "", source: str = "", value_title: str = "",
              measure: str = "", decimals: int | None = None,
              highlight: str | None = None, classes: Sequence[str] | None = None,
              reference: float | None = None, reference_name: str = "",
              better: str | None = None, descending: bool = True,
              labels: bool = True, label_names: Mapping[str, str] | None = None,
              width: int | None = None, height: int | None = None) -> Chart:
    """Choropleth of the units coloured by any value; cities without a polygon as circles.

    ``data``: columns ``unit`` and ``value`` (numbers), or ``unit`` and ``class`` (class
    labels in ``lang``, listed in ``classes`` from the most to the least marked); optional
    ``not_real`` and ``original_name`` as in :func:`ranking_chart` (such units are drawn
    grey, dashed, with a key, and get no rank). ``areas``: the dataset's areas (names,
    ``shape`` and ``point`` from units.yaml). ``better``: ``higher`` or ``lower``, which
    way the measure is better: the worse end is drawn dark, as on every map, and the
    legend says so under the measure's name; without it the ramp is neutral blue.
    ``descending``: rank 1 in the table is the largest value (else the smallest). The
    attribution of the boundary file is drawn under the map and returned as
    ``Chart.attribution``. ``labels``: write the units' names on the map (``label_names``
    by unit id, default the names without a generic word, see :func:`short_name`); a
    name that would overlap another is left to the tooltip and the table.
    """
    frame = _frame(data, ["unit"], "map")
    areas = list(areas)
    categorical = classes is not None
    if categorical and "class" not in frame.columns:
        raise ValueError("map chart with classes: data needs a 'class' column")
    if not categorical and "value" not in frame.columns:
        raise ValueError("map chart: data needs a 'value' column (or give classes)")
    units = map_units(areas, lang)
    frame = units.merge(frame.drop(columns=[c for c in ("name",) if c in frame.columns]),
                        on="unit", how="left")
    if "not_real" not in frame.columns:
        frame["not_real"] = False
    frame["not_real"] = frame["not_real"].fillna(False).astype(bool)
    if categorical:
        frame["class"] = frame["class"].where(frame["class"].notna(), None)
        frame["value"] = math.nan
    else:
        frame["value"] = frame["value"].map(_num)
        frame["class"] = None
    frame["hl"] = frame["unit"] == highlight if highlight else False
    no_data = strings.get("no_data", lang)
    copy_word = strings.get("not_real_short", lang)
    extent = boundaries.extent(a for a in areas if a.kind == "unit")
    width = width or WIDTH - 10
    height = height or map_height(extent, width)
    rows = []
    for r in frame.to_dict("records"):
        lon, lat = _num(r["lon"]), _num(r["lat"])
        is_point = not r["shape"] and not math.isnan(lon)
        if r["shape"]:
            lx, ly = boundaries.centroids.get(r["shape"], (math.nan, math.nan))
        else:
            lx, ly = lon, lat
        cls = r["class"] if isinstance(r["class"], str) else None
        value = _num(r["value"])
        copy = bool(r["not_real"])
        has = (cls is not None if categorical else not math.isnan(value)) and not copy
        shown = cls if categorical else value_text(value, lang, decimals, measure)
        status = copy_word if copy else "" if has else no_data
        rows.append({"unit": r["unit"], "name": r["name"], "value": value, "class": cls,
                     "has": bool(has), "status": status,
                     "value_text": f"{shown} ({copy_word})" if copy else shown if has
                     else no_data, "hl": bool(r["hl"]), "point": bool(is_point),
                     "lon": lon, "lat": lat, "lx": lx, "ly": ly})
    generic = strings.words("generic_words", lang)
    _place_map_labels(rows, frame, boundaries, label_names, extent, width, height, generic)
    features = boundaries.features(a for a in areas if a.kind == "unit")
    words = {k: strings.get(k, lang) for k in ("unit", "value")}
    attribution = strings.get("map_attribution", lang)
    value_label = _value_label(strings, lang, value_title, measure)
    legend_title = wrap(", ".join(x for x in (value_title or title, measure) if x),
                        width - 10)
    if better in ("higher", "lower"):
        legend_title.append(strings.get(f"better_{better}", lang))
    statuses = [s for s in (no_data, copy_word) if any(r["status"] == s for r in rows)]
    status_colours = [P.NO_DATA if s == no_data else P.NOT_REAL for s in statuses]
    key = ["map", lang, words, value_label, attribution, list(classes or []), categorical,
           labels, width, height, boundaries.path, legend_title, better, statuses]

    def build(datasets, params, description):
        lookup = alt.LookupData(data=alt.NamedData(name="table"), key="unit",
                                fields=["name", "value", "class", "has", "value_text", "hl",
                                        "status"])
        geo = alt.Chart(alt.NamedData(name="geo")).transform_lookup(
            lookup="properties.unit", from_=lookup)
        table = alt.Chart(alt.NamedData(name="table"))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("value_text:N", title=value_label)]
        legend = alt.Legend(orient="bottom", direction="horizontal", columns=2,
                            title=legend_title)
        if categorical:
            n = len(classes)
            ramp = [BLUES[i] for i in _spread(n, len(BLUES))][::-1]
            color = alt.Color("class:N", scale=alt.Scale(domain=list(classes), range=ramp),
                              legend=legend)
        else:
            directed = better in ("higher", "lower")
            color = alt.Color("value:Q", scale=alt.Scale(
                type="quantize", nice=True, zero=False, reverse=better == "higher",
                scheme=alt.SchemeParams(name=P.WORSE if directed else "blues", count=5)),
                legend=legend)
        # Units without a coloured value: grey, with a key saying why (no data, or a value
        # the audit calls not real); a repeated row is also outlined dashed.
        status = alt.Fill("status:N", scale=alt.Scale(domain=statuses or [no_data],
                                                      range=status_colours or [P.NO_DATA]),
                          legend=alt.Legend(orient="top", direction="horizontal",
                                            title=None) if statuses else None)
        base = geo.transform_filter("!datum.has").mark_geoshape(
            stroke="white", strokeWidth=0.8).encode(fill=status, tooltip=tooltip)
        copies = geo.transform_filter(alt.datum.status == copy_word).mark_geoshape(
            filled=False, stroke=P.INK, strokeWidth=1, strokeDash=[3, 2])
        filled = geo.transform_filter("datum.has").mark_geoshape(
            stroke="white", strokeWidth=0.8).encode(color=color, tooltip=tooltip)
        outline = geo.transform_filter("datum.hl").mark_geoshape(
            filled=False, stroke=P.INK, strokeWidth=2.5).encode(tooltip=tooltip)
        lonlat = dict(longitude="lon:Q", latitude="lat:Q")
        pts = table.transform_filter("datum.point")
        pt_none = pts.transform_filter("!datum.has").mark_circle(
            size=150, opacity=1, stroke=P.INK, strokeWidth=1).encode(
            **lonlat, fill=status, tooltip=tooltip)
        pt_fill = pts.transform_filter("datum.has").mark_circle(
            size=150, opacity=1, stroke=P.INK).encode(
            **lonlat, color=color, tooltip=tooltip,
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(3)).otherwise(alt.value(1)))
        layers = [base, copies, filled, outline, pt_none, pt_fill]
        if labels:
            shown_names = table.transform_filter("datum.label !== ''")
            label_enc = dict(longitude="lx:Q", latitude="ly:Q", text="label:N")
            placed = dict(align=alt.expr("datum.align"), dx=alt.expr("datum.dx"),
                          dy=alt.expr("datum.dy"), baseline="middle", fontSize=MAP_FONT,
                          fontWeight=BOLD_IF_HL)
            halo = shown_names.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                                         opacity=0.85, **placed).encode(**label_enc)
            names = shown_names.mark_text(color=P.INK, **placed).encode(**label_enc,
                                                                         tooltip=tooltip)
            layers += [halo, names]
        # Status layers use the fill channel, values the colour channel: two legends.
        chart = alt.layer(*layers).properties(
            datasets=datasets, width=width, height=height,
            projection=alt.Projection(**projection(extent)),
            title=alt.TitleParams(text=wrap(attribution, width, FONT - 1), orient="bottom",
                                  anchor="end", fontSize=FONT - 1, color=P.MUTED, offset=6))
        return _configured(chart, description)

    real = frame[~frame["not_real"]]
    if categorical:
        counts = real["class"].value_counts()
        description = " ".join(
            f"{c}: {strings.join(sorted(real.loc[real['class'] == c, 'name']), lang)}."
            for c in classes if counts.get(c))
    else:
        description = _describe_extremes(strings, lang, "describe_ranking", frame, "name",
                                         decimals, measure)
        if reference is not None and not math.isnan(_num(reference)):
            description += " " + strings.get(
                "describe_reference", lang, name=reference_name,
                value=value_text(_num(reference), lang, decimals, measure))
        if better in ("higher", "lower"):
            description += " " + strings.get("describe_colours", lang,
                                             better=strings.get(f"better_{better}", lang))
    missing = [r["name"] for r in rows if r["status"] == no_data]
    if missing:
        description += " " + strings.get("describe_missing", lang,
                                         names=strings.join(missing, lang))
    if frame["not_real"].any():
        description += " " + _not_real_note(strings, lang, frame)
    points = [r["name"] for r in rows if r["point"]]
    if points:
        description += " " + strings.get("describe_points", lang,
                                         names=strings.join(points, lang))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_map", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"geo": features, "table": rows},
                          description=alt_words)
    # The template is shared by maps of any extent: the projection is this map's own.
    spec["projection"] = normalise(projection(extent))
    cols = ["unit", "name", "class"] if categorical else ["unit", "name", "value"]
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column(cols[2], value_label, numeric=not categorical, decimals=decimals)]
    if not categorical:
        table_frame = frame[cols + ["not_real"]].copy()
        ranked = table_frame["value"].where(~table_frame["not_real"])
        table_frame["rank"] = _ranks(ranked, descending) if ranked.notna().sum() >= 2 \
            else math.nan
        table_frame = _ordered(table_frame, "value", "name", descending)
        meaning, rank_title = _rank_words(strings, lang, "high" if descending else "low")
        columns.append(Column("rank", rank_title, numeric=True, decimals=0))
        if frame["not_real"].any():
            table_frame["note"] = table_frame["not_real"].map(
                lambda c: copy_word if c else "")
            columns.append(Column("note", strings.get("note", lang)))
    else:
        order = {c: i for i, c in enumerate(classes)}
        table_frame = (frame[cols].assign(_o=frame["class"].map(order))
                       .sort_values(["_o", "name"], na_position="last", kind="mergesort")
                       .drop(columns="_o").reset_index(drop=True))
    return _finish(kind="map", id=id, lang=lang, strings=strings, spec=spec, data=table_frame,
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight, attribution=attribution)


def map_height(extent: tuple[float, float, float, float], width: int) -> int:
    """The height that fits the mapped extent at ``width`` (its shape, within 0.5–1.2 of
    the width), so that a wide region does not leave a band of white above and below."""
    lon0, lat0, lon1, lat1 = extent
    k = math.cos(math.radians((lat0 + lat1) / 2))
    ratio = (lat1 - lat0) / (((lon1 - lon0) * k) or 1.0)
    return int(round(width * min(1.2, max(0.5, ratio))))


def short_name(name: str, generic: Iterable[str] = ()) -> str:
    """A unit's name without a trailing generic word ("Абайский район" → "Абайский"); the
    words are the language's ``generic_words`` of chart_strings.yaml."""
    for word in generic:
        word = " " + word
        if name.endswith(word) and len(name) > len(word) + 1:
            return name[: -len(word)]
    return name


def projection(extent: tuple[float, float, float, float]) -> dict[str, Any]:
    """An equal-area conic projection for the mapped extent: centred on its middle
    meridian, standard parallels at a sixth of its height from the top and the bottom
    (the usual choice for a region; Vega then fits it to the shapes)."""
    lon0, lat0, lon1, lat1 = extent
    step = (lat1 - lat0) / 6 or 1.0
    return {"type": "conicEqualArea",
            "parallels": [round(lat0 + step, 1), round(lat1 - step, 1)],
            "rotate": [round(-(lon0 + lon1) / 2, 1), 0, 0]}


def _project(extent: tuple[float, float, float, float], lonlat: list[tuple[float, float]],
             width: int, height: int) -> list[tuple[float, float]]:
    """Approximate pixel positions on the map (a local equirectangular fit of the extent;
    close enough to the conic projection of a region to keep labels apart)."""
    lon0, lat0, lon1, lat1 = extent
    pts = [p for p in lonlat if not (math.isnan(p[0]) or math.isnan(p[1]))]
    if pts:
        lon0, lon1 = min(lon0, *(p[0] for p in pts)), max(lon1, *(p[0] for p in pts))
        lat0, lat1 = min(lat0, *(p[1] for p in pts)), max(lat1, *(p[1] for p in pts))
    k = math.cos(math.radians((lat0 + lat1) / 2))
    sx = (lon1 - lon0) * k or 1.0
    sy = (lat1 - lat0) or 1.0
    scale = min(width / sx, height / sy)
    ox = (width - sx * scale) / 2
    oy = (height - sy * scale) / 2
    return [(ox + (lon - lon0) * k * scale, oy + (lat1 - lat) * scale) for lon, lat in lonlat]


def _place_map_labels(rows: list[dict[str, Any]], frame: pd.DataFrame,
                      boundaries: Boundaries, label_names: Mapping[str, str] | None,
                      extent: tuple[float, float, float, float], width: int, height: int,
                      generic: Iterable[str] = ()) -> None:
    """Give every map row a label text, an anchor (lx, ly) and align/dx/dy; a label that
    would overlap one placed before it (the highlighted unit's first) gets no text."""
    shapes = dict(zip(frame["unit"], frame["shape"]))
    options: list[list[tuple[float, float]]] = []
    for r in rows:
        r["label"] = (label_names or {}).get(r["unit"]) or short_name(r["name"], generic)
        if r["point"]:
            options.append([(r["lon"], r["lat"])])
        else:
            options.append(boundaries.anchors.get(shapes[r["unit"]]) or [(r["lx"], r["ly"])])
    flat = [p for opts in options for p in opts]
    pixels = iter(_project(extent, flat, width, height))
    candidates: list[list[L.Candidate]] = []
    spots: list[list[tuple[float, float]]] = []
    for r, opts in zip(rows, options):
        px = [next(pixels) for _ in opts]
        spots.append(opts)
        if r["point"]:
            candidates.append(L.around(*px[0], L.AROUND))
        else:
            candidates.append([c for x, y in px for c in L.around(x, y, L.CENTRED[:1])]
                              + [c for x, y in px[:1] for c in L.around(x, y, L.CENTRED[1:])])
    obstacles = [(c[0][0], c[0][1], 8.0) for r, c in zip(rows, candidates) if r["point"]]
    order = sorted(range(len(rows)), key=lambda i: (not rows[i]["hl"], not rows[i]["point"],
                                                    len(candidates[i])))
    texts = [r["label"] for r in rows]
    chosen = L.place(candidates, texts, width=width, height=height,
                     font=MAP_FONT, obstacles=obstacles, order=order)
    for r, keep in zip(rows, L.clear(candidates, texts, chosen, font=MAP_FONT, width=width,
                                     order=order)):
        if not keep:
            r["label"] = ""
    for r, opts, cands, pick in zip(rows, spots, candidates, chosen):
        x, y, align, dx, dy = cands[pick]
        n_anchor = len(opts)
        index = pick if pick < n_anchor else 0
        if r["point"]:
            index = 0
        r["lx"], r["ly"] = opts[min(index, n_anchor - 1)]
        r["align"], r["dx"], r["dy"] = align, dx, dy


def _spread(n: int, size: int) -> list[int]:
    """``n`` indices spread over ``range(1, size)`` (skipping the palest colour)."""
    if n <= 1:
        return [size - 2]
    lo, hi = 1, size - 1
    return [round(lo + (hi - lo) * i / (n - 1)) for i in range(n)]


# == unit profile =============================================================================

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
    # Each part's full name above its range (names of the dissertation's indicators run to
    # 300 px and more), the unit's value at the right of the same line.
    width = plot_width(0)
    value_w = widest([r["value_text"] for r in range_rows]) + 8
    step = _label_rows(range_rows, "part", width - value_w)
    bar_dy = {r["part"]: r["bar_dy"] for r in range_rows}
    for r in point_rows:
        r["bar_dy"] = bar_dy[r["part"]]
    key = ["profile", lang, words, value_label, width, step]

    def build(datasets, params, description):
        unit_param = alt.param(name="unit_name", value=params["unit_name"])
        y = alt.Y("part:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                  axis=None, scale=alt.Scale(paddingInner=0, paddingOuter=0))
        ranges = alt.Chart(alt.NamedData(name="ranges"))
        tooltip = [alt.Tooltip("part:N", title=words["part"]),
                   alt.Tooltip("min_text:N", title=words["minimum"]),
                   alt.Tooltip("median_text:N", title=words["median"]),
                   alt.Tooltip("max_text:N", title=words["maximum"]),
                   alt.Tooltip("value_text:N", title=words["value"])]
        low = alt.expr("datum.bar_dy")       # the range sits right under its name
        bar = ranges.mark_rule(strokeWidth=8, color="#dfe4ea", strokeCap="round",
                               yOffset=low).encode(
            y=y, x=alt.X("min:Q", title=value_label), x2="max:Q", tooltip=tooltip)
        label_expr = (f"datum.label === 'min' ? {_js(words['minimum'])} : "
                      f"datum.label === 'median' ? {_js(words['median'])} : "
                      f"datum.label === 'max' ? {_js(words['maximum'])} : unit_name")
        legend = alt.Legend(title=None, orient="bottom", direction="horizontal", columns=2,
                            labelExpr=label_expr, symbolStrokeWidth=2)
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
            tooltip=[alt.Tooltip("part:N", title=words["part"]),
                     alt.Tooltip("x_text:N", title=words["value"])])
        top = -step / 2 + ROW_GAP
        names = ranges.mark_text(align="left", baseline="top", fontSize=FONT, lineHeight=LINE,
                                 yOffset=top).encode(y=y, x=alt.value(0), text="lines:N")
        text = ranges.mark_text(align="right", baseline="top", fontSize=FONT,
                                fontWeight="bold", color=P.POINT, yOffset=top).encode(
            y=y, x=alt.value(width), text="value_text:N")
        chart = alt.layer(bar, points, names, text).add_params(unit_param).properties(
            datasets=datasets, width=width, height=alt.Step(step))
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
                          params={"unit_name": unit_name}, description=alt_words)
    columns = [Column("part", words["part"]),
               Column("value", unit_name, numeric=True, decimals=decimals),
               Column("min", words["minimum"], numeric=True, decimals=decimals),
               Column("median", words["median"], numeric=True, decimals=decimals),
               Column("max", words["maximum"], numeric=True, decimals=decimals)]
    return _finish(kind="profile", id=id, lang=lang, strings=strings, spec=spec,
                   data=table[["part", "value", "min", "median", "max"]], columns=columns,
                   title=title, subtitle=subtitle, source=source, description=description,
                   key_column="part")


# == heatmap ==================================================================================

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
    key = ["heatmap", lang, words, score_label, cell_width, legend_title, better, key_lines,
           n_rows, name_w]

    def build(datasets, params, description):
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("row_i", op="min"),
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'")))
        x = alt.X("code:N", title=None, sort=alt.EncodingSortField("col_i", op="min"),
                  axis=alt.Axis(orient="top", labelAngle=0, labelFontWeight="bold"))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("column:N", title=words["series"]),
                   alt.Tooltip("score_text:N", title=score_label)]
        cells = base.mark_rect().encode(
            y=y, x=x, color=alt.Color("score:Q", scale=alt.Scale(
                scheme=P.HEAT if better in ("higher", "lower") else "blues",
                reverse=better == "higher"),
                # Under the cells from the names' left edge (a bottom legend would start
                # at the cells and run off a phone's width).
                legend=alt.Legend(orient="none", direction="horizontal", gradientLength=200,
                                  title=legend_title, legendX=-name_w - 14,
                                  legendY=22 * n_rows + 12)),
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
            datasets=datasets, width=alt.Step(cell_width), height=alt.Step(22),
            title=alt.TitleParams(text=[strings.get("key_title", lang) + ":"] + key_lines,
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
                          description=alt_words)
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


# == scatter ==================================================================================

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
    key = ["scatter", lang, words, x_title, y_title, width, height]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        med = alt.Chart(alt.NamedData(name="medians"))
        x = alt.X("x:Q", title=wrap(x_title, width), axis=alt.Axis(tickCount=4),
                  scale=alt.Scale(zero=False, nice=False,
                                                         padding=SCATTER_PAD))
        y = alt.Y("y:Q", title=wrap(y_title, height), axis=alt.Axis(tickCount=5),
                  scale=alt.Scale(zero=False, nice=False,
                                                         padding=SCATTER_PAD))
        med_tip = [alt.Tooltip("x_text:N", title=f"{words['median']}: {x_title}"),
                   alt.Tooltip("y_text:N", title=f"{words['median']}: {y_title}")]
        vrule = med.mark_rule(color=P.MUTED, strokeDash=[4, 4]).encode(x="x:Q",
                                                                         tooltip=med_tip)
        hrule = med.mark_rule(color=P.MUTED, strokeDash=[4, 4]).encode(y="y:Q",
                                                                         tooltip=med_tip)
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("x_text:N", title=x_title),
                   alt.Tooltip("y_text:N", title=y_title)]
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
        names = base.mark_text(align=alt.expr("datum.align"), dx=alt.expr("datum.dx"),
                               dy=alt.expr("datum.dy"), baseline="middle", fontSize=MAP_FONT,
                               fontWeight=BOLD_IF_HL,
                               fontStyle=alt.expr("datum.copy ? 'italic' : 'normal'")).encode(
            x=x, y=y, text="name_shown:N", tooltip=tooltip)
        chart = alt.layer(vrule, hrule, points, names).properties(
            datasets=datasets, width=width, height=height)
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
                          description=alt_words)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("x", x_title, numeric=True, decimals=x_decimals),
               Column("y", y_title, numeric=True, decimals=y_decimals)]
    return _finish(kind="scatter", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "x", "y"]], columns=columns, title=title,
                   subtitle=subtitle, source=source, description=description,
                   highlight=highlight)


# == sensitivity ==============================================================================

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
    key = ["sensitivity", lang, words, width]

    def build(datasets, params, description):
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'")))
        x_scale = alt.Scale(zero=False, nice=False, padding=10)
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("nominal_text:N", title=words["nominal_rank"]),
                   alt.Tooltip("range_text:N", title=words["rank_range"])]
        bar = base.mark_rule(strokeWidth=8, strokeCap="round").encode(
            y=y, x=alt.X("min:Q", title=words["rank"], scale=x_scale,
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
            datasets=datasets, width=width, height=alt.Step(20))
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
                          description=alt_words)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("nominal_rank", words["nominal_rank"], numeric=True, decimals=0),
               Column("rank_min", words["rank_min"], numeric=True, decimals=0),
               Column("rank_max", words["rank_max"], numeric=True, decimals=0)]
    return _finish(kind="sensitivity", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "nominal_rank", "rank_min", "rank_max"]],
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight)


# == slope ====================================================================================

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
    key = ["slope", lang, words, width, before, after]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("rank:Q", title=words["rank"], scale=alt.Scale(reverse=True, zero=False,
                                                                 nice=False, padding=8),
                  axis=None)
        x = alt.X("edition:N", title=None, sort=[before, after],
                  scale=alt.Scale(padding=0.1),
                  axis=alt.Axis(orient="top", labelFontWeight="bold", labelAngle=0,
                                domain=False, ticks=False))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("change_text:N", title=words["rank"]),
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
            datasets=datasets, width=width, height=max(120, 18 * max(count, 2)))
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
                          description=alt_words)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("rank_before", f"{words['rank']} {before}", numeric=True, decimals=0),
               Column("rank_after", f"{words['rank']} {after}", numeric=True, decimals=0),
               Column("change", "±", numeric=True, decimals=0)]
    return _finish(kind="slope", id=id, lang=lang, strings=strings, spec=spec,
                   data=frame[["unit", "name", "rank_before", "rank_after", "change"]],
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description)
