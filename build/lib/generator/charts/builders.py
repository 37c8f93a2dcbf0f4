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
from .model import Chart, Column, slug
from .numbers import value_text
from .texts import ChartStrings

#: Spec-level look shared by every kind (fonts are left to the page and to the renderer).
CONFIG: dict[str, Any] = {
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelColor": P.INK, "titleColor": P.INK, "gridColor": P.GRID,
             "domainColor": P.MUTED, "tickColor": P.MUTED, "labelFontSize": 11,
             "titleFontSize": 12, "titleFontWeight": "normal", "labelLimit": 220},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
               "labelColor": P.INK, "titleColor": P.INK, "labelLimit": 260},
    "title": {"color": P.MUTED, "fontSize": 10, "fontWeight": "normal", "anchor": "end"},
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


#: Width (px) of the part names beside a profile: the parts' full names (those of the
#: bundled site reach ~300 px) rather than the axes' default limit. A name cut to the limit
#: loses its indicator code, and Vega measures it again and again to find the cut.
PART_LABEL_LIMIT = 360


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
    valid = frame[frame["value"].notna()]
    if valid.empty:
        return strings.get("describe_empty", lang)
    top = _ordered(valid, "value", label, True).iloc[0]
    bottom = _ordered(valid, "value", label, False).iloc[0]
    return strings.get(key, lang, top=top[label],
                       top_value=value_text(top["value"], lang, decimals, measure),
                       bottom=bottom[label],
                       bottom_value=value_text(bottom["value"], lang, decimals, measure),
                       count=len(valid))


# == ranking ==================================================================================

def ranking_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                  title: str, subtitle: str = "", source: str = "", value_title: str = "",
                  measure: str = "", decimals: int | None = None,
                  highlight: str | None = None, reference: float | None = None,
                  reference_name: str = "", reference_id: str = "",
                  descending: bool = True, shown: int | None = None,
                  width: int = 420) -> Chart:
    """Units sorted by a value, one unit highlighted, the region's value as a rule.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``value`` (NaN = no data).
    ``highlight``: the unit id to emphasise (dark bar, black outline, bold label and value:
    distinguishable in greyscale). ``reference``: the region's value, drawn as a dashed rule
    labelled ``reference_name``. ``measure``: unit of measure for tooltips and the table.
    ``shown``: draw at most this many bars (see :func:`_ends`); the table keeps all units.
    """
    frame = _frame(data, ["unit", "name", "value"], "ranking")
    frame["value"] = frame["value"].map(_num)
    frame = _ordered(frame, "value", "name", descending)
    frame["rank"] = _ranks(frame["value"], descending)
    frame["hl"] = frame["unit"] == highlight if highlight else False
    count = int(frame["value"].notna().sum())
    rows = [{
        "unit": r.unit, "name": r.name, "value": r.value, "hl": bool(r.hl),
        "value_text": value_text(r.value, lang, decimals, measure),
        "rank_text": "" if math.isnan(r.rank) else f"{int(r.rank)} / {count}", "gap": False,
    } for r in frame.itertuples(index=False)]
    drawn = _ends(len(rows), shown, [i for i, r in enumerate(rows) if r["hl"]])
    if drawn is not None:
        rows = _gapped(rows, drawn, lambda n: {
            "unit": "", "name": strings.get("gap_row", lang, count=n), "value": None,
            "hl": False, "value_text": "", "rank_text": "", "gap": True})
    for i, row in enumerate(rows):
        row["order"] = i                    # the axis order, whichever layer has the row
    ref_rows = []
    has_ref = reference is not None and not math.isnan(_num(reference))
    if has_ref:
        ref_text = value_text(_num(reference), lang, decimals, measure)
        ref_rows = [{"value": _num(reference), "value_text": ref_text, "name": reference_name,
                     "label": strings.get("reference_label", lang, name=reference_name,
                                          value=ref_text)}]
    hl_name = frame.loc[frame["hl"], "name"].iloc[0] if frame["hl"].any() else ""
    words = {k: strings.get(k, lang) for k in ("unit", "value", "rank", "no_data")}
    value_label = _value_label(strings, lang, value_title, measure)
    key = ["ranking", lang, words, value_label, width]

    def build(datasets, params, description):
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", sort=alt.EncodingSortField("order", op="min"), title=None,
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'"), labelPadding=4))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("value_text:N", title=words["value"]),
                   alt.Tooltip("rank_text:N", title=words["rank"])]
        bars = base.mark_bar(height={"band": 0.72}).encode(
            y=y, x=alt.X("value:Q", title=value_label),
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT))
                    .otherwise(alt.value(P.BAR)),
            stroke=alt.when(alt.datum.hl).then(alt.value(P.INK)).otherwise(alt.value(P.BAR)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(0)),
            tooltip=tooltip)
        label_style = dict(baseline="middle", fontSize=11, fontWeight=BOLD_IF_HL,
                           align=alt.expr("datum.value < 0 ? 'right' : 'left'"),
                           dx=alt.expr("datum.value < 0 ? -4 : 4"))
        halo = base.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                              **label_style).encode(y=y, x="value:Q", text="value_text:N")
        labels = base.mark_text(**label_style).encode(
            y=y, x="value:Q", text="value_text:N", tooltip=tooltip)
        # Rows without a value: "no data", or the gap row of a long ranking (which must
        # reach some layer to have its place on the axis).
        missing = base.transform_filter("!isValid(datum.value)").mark_text(
            align="left", dx=4, baseline="middle", fontSize=11, fontStyle="italic",
            color=P.MUTED).encode(y=y, x=alt.datum(0), text=alt.when(alt.datum.gap).then(
                alt.value("")).otherwise(alt.value(words["no_data"])))
        ref = alt.Chart(alt.NamedData(name="ref"))
        rule = ref.mark_rule(color=P.REFERENCE, strokeDash=[6, 3], strokeWidth=2).encode(
            x="value:Q", tooltip=[alt.Tooltip("name:N", title=words["unit"]),
                                  alt.Tooltip("value_text:N", title=words["value"])])
        ref_label = ref.mark_text(align="left", baseline="bottom", dx=4, dy=-4, fontSize=11,
                                  color=P.REFERENCE, fontWeight="bold").encode(
            x="value:Q", y=alt.value(0), text="label:N")
        chart = alt.layer(bars, rule, halo, labels, missing, ref_label).add_params(hl).properties(
            datasets=datasets, width=width, height=alt.Step(20))
        return _configured(chart, description)

    description = _describe_extremes(strings, lang, "describe_ranking", frame, "name",
                                      decimals, measure)
    if has_ref:
        description += " " + strings.get("describe_reference", lang, name=reference_name,
                                         value=ref_rows[0]["value_text"])
    if drawn is not None:
        description += " " + strings.get("describe_shown", lang, shown=len(drawn),
                                         count=len(frame))
    if highlight and frame["hl"].any():
        row = frame[frame["hl"]].iloc[0]
        if not math.isnan(row["value"]):
            description += " " + strings.get(
                "describe_highlight", lang, unit=row["name"], rank=int(row["rank"]),
                count=count, value=value_text(row["value"], lang, decimals, measure))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_ranking", lang), title=title,
                            subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows, "ref": ref_rows},
                          params={"hl": hl_name}, description=alt_words)
    table = frame[["unit", "name", "value", "rank"]].copy()
    if has_ref:
        table = pd.concat([table, pd.DataFrame([{
            "unit": reference_id, "name": reference_name, "value": _num(reference),
            "rank": math.nan}])], ignore_index=True)
    columns = [Column("unit", "id", html=False), Column("name", words["unit"]),
               Column("value", value_label, numeric=True, decimals=decimals),
               Column("rank", words["rank"], numeric=True, decimals=0)]
    return _finish(kind="ranking", id=id, lang=lang, strings=strings, spec=spec, data=table,
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight)


# == composition ==============================================================================

def composition_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
                      title: str, subtitle: str = "", source: str = "",
                      value_title: str = "", measure: str = "%",
                      decimals: int | None = None, width: int = 420) -> Chart:
    """Shares (or parts of a total) as bars sorted from the largest.

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
    key = ["composition", lang, words, value_label, width]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("category:N", sort=None, title=None)
        tooltip = [alt.Tooltip("category:N", title=words["category"]),
                   alt.Tooltip("value_text:N", title=words["value"])]
        bars = base.mark_bar(height={"band": 0.72}, fill=P.POINT).encode(
            y=y, x=alt.X("value:Q", title=value_label), tooltip=tooltip)
        labels = base.mark_text(align="left", dx=4, baseline="middle", fontSize=11).encode(
            y=y, x="value:Q", text="value_text:N", tooltip=tooltip)
        chart = alt.layer(bars, labels).properties(datasets=datasets, width=width,
                                                   height=alt.Step(22))
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
                      width: int = 480, height: int = 240) -> Chart:
    """The region's series over the years (e.g. Figs. 16–17, 2013–2020).

    ``data``: columns ``year`` and ``value``, and ``series`` (label in ``lang``) when the
    chart holds several series of the same unit of measure; series keep their first-seen
    order and are told apart by colour, dash and point shape.
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
    words = {k: strings.get(k, lang) for k in ("year", "value", "series")}
    value_label = _value_label(strings, lang, value_title, measure)
    n = len(order)
    key = ["time_series", lang, words, value_label, zero, width, height,
           n if multi else 1]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        x = alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0))
        y = alt.Y("value:Q", title=value_label, scale=alt.Scale(zero=zero))
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
            labels = base.mark_text(baseline="bottom", dy=-7, fontSize=11).encode(
                x=x, y=y, text="value_text:N")
            layers = [line, points, labels]
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
              labels: bool = True, label_names: Mapping[str, str] | None = None,
              width: int = 560, height: int = 420) -> Chart:
    """Choropleth of the units coloured by any value; cities without a polygon as circles.

    ``data``: columns ``unit`` and ``value`` (numbers), or ``unit`` and ``class`` (class
    labels in ``lang``, listed in ``classes`` from the most to the least marked). ``areas``:
    the dataset's areas (names, ``shape`` and ``point`` from units.yaml). The attribution of
    the boundary file is drawn under the map and returned as ``Chart.attribution``.
    ``labels``: write the units' names on the map (``label_names`` by unit id, default the
    names without a generic "district" word, see :func:`short_name`), placed so that they
    do not overlap.
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
    if categorical:
        frame["class"] = frame["class"].where(frame["class"].notna(), None)
        frame["value"] = math.nan
    else:
        frame["value"] = frame["value"].map(_num)
        frame["class"] = None
    frame["hl"] = frame["unit"] == highlight if highlight else False
    no_data = strings.get("no_data", lang)
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
        has = cls is not None if categorical else not math.isnan(value)
        shown = cls if categorical else value_text(value, lang, decimals, measure)
        rows.append({"unit": r["unit"], "name": r["name"], "value": value, "class": cls,
                     "has": bool(has), "value_text": shown if has else no_data,
                     "hl": bool(r["hl"]), "point": bool(is_point), "lon": lon, "lat": lat,
                     "lx": lx, "ly": ly})
    extent = boundaries.extent(a for a in areas if a.kind == "unit")
    _place_map_labels(rows, frame, boundaries, label_names, extent, width, height)
    features = boundaries.features(a for a in areas if a.kind == "unit")
    words = {k: strings.get(k, lang) for k in ("unit", "value")}
    attribution = strings.get("map_attribution", lang)
    value_label = _value_label(strings, lang, value_title, measure)
    key = ["map", lang, words, value_label, attribution, list(classes or []), categorical,
           labels, width, height, boundaries.path]

    def build(datasets, params, description):
        lookup = alt.LookupData(data=alt.NamedData(name="table"), key="unit",
                                fields=["name", "value", "class", "has", "value_text", "hl"])
        geo = alt.Chart(alt.NamedData(name="geo")).transform_lookup(
            lookup="properties.unit", from_=lookup)
        table = alt.Chart(alt.NamedData(name="table"))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("value_text:N", title=value_label)]
        if categorical:
            n = len(classes)
            ramp = [BLUES[i] for i in _spread(n, len(BLUES))][::-1]
            color = alt.Color("class:N", title=value_label,
                              scale=alt.Scale(domain=list(classes), range=ramp),
                              legend=alt.Legend(orient="bottom", direction="horizontal"))
        else:
            color = alt.Color("value:Q", title=value_label,
                              scale=alt.Scale(type="quantize", nice=True, zero=False,
                                              scheme=alt.SchemeParams(name=P.SEQUENTIAL,
                                                                      count=5)),
                              legend=alt.Legend(orient="bottom", direction="horizontal"))
        base = geo.mark_geoshape(fill=P.NO_DATA, stroke="white", strokeWidth=0.8).encode(
            tooltip=tooltip)
        filled = geo.transform_filter("datum.has").mark_geoshape(
            stroke="white", strokeWidth=0.8).encode(color=color, tooltip=tooltip)
        outline = geo.transform_filter("datum.hl").mark_geoshape(
            filled=False, stroke=P.INK, strokeWidth=2.5).encode(tooltip=tooltip)
        lonlat = dict(longitude="lon:Q", latitude="lat:Q")
        pts = table.transform_filter("datum.point")
        pt_none = pts.transform_filter("!datum.has").mark_circle(
            size=150, opacity=1, fill=P.NO_DATA, stroke=P.INK, strokeWidth=1).encode(
            **lonlat, tooltip=tooltip)
        pt_fill = pts.transform_filter("datum.has").mark_circle(
            size=150, opacity=1, stroke=P.INK).encode(
            **lonlat, color=color, tooltip=tooltip,
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(3)).otherwise(alt.value(1)))
        layers = [base, filled, outline, pt_none, pt_fill]
        if labels:
            label_enc = dict(longitude="lx:Q", latitude="ly:Q", text="label:N")
            placed = dict(align=alt.expr("datum.align"), dx=alt.expr("datum.dx"),
                          dy=alt.expr("datum.dy"), baseline="middle", fontSize=MAP_FONT,
                          fontWeight=BOLD_IF_HL)
            halo = table.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                                   opacity=0.85, **placed).encode(**label_enc)
            names = table.mark_text(color=P.INK, **placed).encode(**label_enc,
                                                                   tooltip=tooltip)
            layers += [halo, names]
        chart = alt.layer(*layers).properties(
            datasets=datasets, width=width, height=height,
            projection=alt.Projection(**projection(extent)),
            title=alt.TitleParams(text=attribution, orient="bottom", anchor="end",
                                  fontSize=10, color=P.MUTED, offset=6))
        return _configured(chart, description)

    if categorical:
        counts = frame["class"].value_counts()
        description = " ".join(f"{c}: {strings.join(sorted(frame.loc[frame['class'] == c, 'name']), lang)}."
                               for c in classes if counts.get(c))
    else:
        description = _describe_extremes(strings, lang, "describe_ranking", frame, "name",
                                         decimals, measure)
        if reference is not None and not math.isnan(_num(reference)):
            description += " " + strings.get(
                "describe_reference", lang, name=reference_name,
                value=value_text(_num(reference), lang, decimals, measure))
    missing = [r["name"] for r in rows if not r["has"]]
    if missing:
        description += " " + strings.get("describe_missing", lang,
                                         names=strings.join(missing, lang))
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
        table_frame = frame[cols].copy()
        table_frame["rank"] = _ranks(table_frame["value"])
        table_frame = _ordered(table_frame, "value", "name", True)
        columns.append(Column("rank", strings.get("rank", lang), numeric=True, decimals=0))
    else:
        order = {c: i for i, c in enumerate(classes)}
        table_frame = (frame[cols].assign(_o=frame["class"].map(order))
                       .sort_values(["_o", "name"], na_position="last", kind="mergesort")
                       .drop(columns="_o").reset_index(drop=True))
    return _finish(kind="map", id=id, lang=lang, strings=strings, spec=spec, data=table_frame,
                   columns=columns, title=title, subtitle=subtitle, source=source,
                   description=description, highlight=highlight, attribution=attribution)


MAP_FONT = 10
_GENERIC = (" ауданы", " район", " district", " District", " қаласы", " қ.")


def short_name(name: str) -> str:
    """A unit's name without a trailing generic word ("Абайский район" → "Абайский")."""
    for word in _GENERIC:
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
                      extent: tuple[float, float, float, float], width: int, height: int
                      ) -> None:
    """Give every map row a label text, an anchor (lx, ly) and align/dx/dy."""
    shapes = dict(zip(frame["unit"], frame["shape"]))
    options: list[list[tuple[float, float]]] = []
    for r in rows:
        r["label"] = (label_names or {}).get(r["unit"]) or short_name(r["name"])
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
    order = sorted(range(len(rows)), key=lambda i: (not rows[i]["point"], len(candidates[i])))
    chosen = L.place(candidates, [r["label"] for r in rows], width=width, height=height,
                     font=MAP_FONT, obstacles=obstacles, order=order)
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
                  summary: pd.DataFrame | None = None, width: int = 420) -> Chart:
    """A unit's partial indices against the minimum, median and maximum of all units.

    ``data``: columns ``unit`` (id), ``name`` (unit name in ``lang``), ``part`` (label in
    ``lang``, in display order) and ``value``, for every unit. ``unit``: the id profiled.
    ``summary``: :func:`profile_summary` of all units, when ``data`` holds the profiled
    unit's rows only (a site with many units computes it once, not once per unit).
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
    key = ["profile", lang, words, value_label, width]

    def build(datasets, params, description):
        unit_param = alt.param(name="unit_name", value=params["unit_name"])
        y = alt.Y("part:N", title=None, sort=alt.EncodingSortField("order", op="min"),
                  axis=alt.Axis(labelLimit=PART_LABEL_LIMIT))
        ranges = alt.Chart(alt.NamedData(name="ranges"))
        tooltip = [alt.Tooltip("part:N", title=words["part"]),
                   alt.Tooltip("min_text:N", title=words["minimum"]),
                   alt.Tooltip("median_text:N", title=words["median"]),
                   alt.Tooltip("max_text:N", title=words["maximum"]),
                   alt.Tooltip("value_text:N", title=words["value"])]
        bar = ranges.mark_rule(strokeWidth=8, color="#dfe4ea", strokeCap="round").encode(
            y=y, x=alt.X("min:Q", title=value_label), x2="max:Q", tooltip=tooltip)
        label_expr = (f"datum.label === 'min' ? {_js(words['minimum'])} : "
                      f"datum.label === 'median' ? {_js(words['median'])} : "
                      f"datum.label === 'max' ? {_js(words['maximum'])} : unit_name")
        legend = alt.Legend(title=None, orient="bottom", direction="horizontal",
                            labelExpr=label_expr, symbolStrokeWidth=2)
        domain = ["min", "median", "max", "value"]
        color = alt.Color("stat:N", scale=alt.Scale(
            domain=domain, range=[P.RANGE, P.INK, P.RANGE, P.POINT]), legend=legend)
        shape = alt.Shape("stat:N", scale=alt.Scale(
            domain=domain, range=["triangle-right", "diamond", "triangle-left", "circle"]),
            legend=legend)
        points = alt.Chart(alt.NamedData(name="points")).mark_point(
            filled=True, opacity=1,
            size=alt.expr("datum.stat === 'value' ? 150 : datum.stat === 'median' ? 90 : 70")
        ).encode(
            y=y, x="x:Q", color=color, shape=shape,
            tooltip=[alt.Tooltip("part:N", title=words["part"]),
                     alt.Tooltip("x_text:N", title=words["value"])])
        text = ranges.mark_text(align="center", baseline="bottom", dy=-8, fontSize=11,
                                fontWeight="bold", color=P.POINT).encode(
            y=y, x="value:Q", text="value_text:N")
        chart = alt.layer(bar, points, text).add_params(unit_param).properties(
            datasets=datasets, width=width, height=alt.Step(34))
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
                  shown: int | None = None, cell_width: int = 56) -> Chart:
    """Units × indicators of normalised scores.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``column`` (indicator label in
    ``lang``) and ``score``. Rows keep the order of first appearance of the units, columns
    that of the indicators. ``shown``: above this many units, draw the units of the
    highest and lowest mean scores, by mean (see :func:`_ends`); the table keeps all.
    """
    frame = _frame(data, ["unit", "name", "column", "score"], "heatmap")
    frame["score"] = frame["score"].map(_num)
    row_order = list(dict.fromkeys(frame["unit"]))
    col_order = list(dict.fromkeys(frame["column"]))
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
    rows = [{"unit": r.unit, "name": r.name, "column": r.column, "score": r.score,
             "rel": (r.score - lo) / span if not math.isnan(r.score) else None,
             "score_text": value_text(r.score, lang, decimals), "row_i": r.row_i,
             "col_i": r.col_i, "hl": bool(highlight and r.unit == highlight)}
            for r in drawn_frame.itertuples(index=False)]
    words = {k: strings.get(k, lang) for k in ("unit", "series", "value")}
    score_label = score_title or strings.get("value", lang)
    key = ["heatmap", lang, words, score_label, cell_width]

    def build(datasets, params, description):
        hl = alt.param(name="hl", value=params["hl"])
        base = alt.Chart(alt.NamedData(name="table"))
        y = alt.Y("name:N", title=None, sort=alt.EncodingSortField("row_i", op="min"),
                  axis=alt.Axis(labelFontWeight=alt.expr(
                      "datum.value === hl ? 'bold' : 'normal'")))
        x = alt.X("column:N", title=None, sort=alt.EncodingSortField("col_i", op="min"),
                  axis=alt.Axis(orient="top", labelAngle=-40, labelAlign="left",
                                labelLimit=160))
        tooltip = [alt.Tooltip("name:N", title=words["unit"]),
                   alt.Tooltip("column:N", title=words["series"]),
                   alt.Tooltip("score_text:N", title=score_label)]
        cells = base.mark_rect().encode(
            y=y, x=x, color=alt.Color("score:Q", title=score_label,
                                      scale=alt.Scale(scheme=P.HEAT),
                                      legend=alt.Legend(orient="bottom", gradientLength=200)),
            stroke=alt.when(alt.datum.hl).then(alt.value(P.INK)).otherwise(
                alt.value("white")),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(1)),
            tooltip=tooltip)
        labels = base.mark_text(fontSize=10, baseline="middle").encode(
            y=y, x=x, text="score_text:N",
            color=alt.when("datum.rel > 0.6").then(alt.value(P.INK)).otherwise(
                alt.value("white")),
            tooltip=tooltip)
        chart = alt.layer(cells, labels).add_params(hl).properties(
            datasets=datasets, width=alt.Step(cell_width), height=alt.Step(22))
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
                          params={"hl": names.get(highlight, "") if highlight else ""},
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
                  highlight: str | None = None, width: int = 460,
                  height: int = 360) -> Chart:
    """Two composite indices against each other, quadrant lines at the medians, units named.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``x`` and ``y``.
    """
    frame = _frame(data, ["unit", "name", "x", "y"], "scatter")
    frame["x"] = frame["x"].map(_num)
    frame["y"] = frame["y"].map(_num)
    frame = frame.sort_values("name", kind="mergesort").reset_index(drop=True)
    valid = frame[frame["x"].notna() & frame["y"].notna()]
    mx, my = float(valid["x"].median()), float(valid["y"].median())
    rows = [{"unit": r.unit, "name": r.name, "x": r.x, "y": r.y,
             "x_text": value_text(r.x, lang, x_decimals),
             "y_text": value_text(r.y, lang, y_decimals),
             "hl": bool(highlight and r.unit == highlight), "align": "left", "dx": 7, "dy": 0}
            for r in frame.itertuples(index=False)]
    ok = [i for i, r in enumerate(rows) if not (math.isnan(r["x"]) or math.isnan(r["y"]))]
    if ok:
        xs = L.linear([rows[i]["x"] for i in ok], float(valid["x"].min()),
                      float(valid["x"].max()), width, SCATTER_PAD)
        ys = L.linear([rows[i]["y"] for i in ok], float(valid["y"].min()),
                      float(valid["y"].max()), height, SCATTER_PAD, flip=True)
        cands = [L.around(x, y) for x, y in zip(xs, ys)]
        texts = [rows[i]["name"] + ("  " if rows[i]["hl"] else "") for i in ok]
        chosen = L.place(cands, texts, width=width, height=height, font=10,
                         obstacles=[(x, y, 8.0 if rows[i]["hl"] else 5.0)
                                    for i, x, y in zip(ok, xs, ys)])
        for i, c, pick in zip(ok, cands, chosen):
            _, _, rows[i]["align"], rows[i]["dx"], rows[i]["dy"] = c[pick]
    median_rows = [] if valid.empty else [{
        "x": mx, "y": my, "x_text": value_text(mx, lang, x_decimals),
        "y_text": value_text(my, lang, y_decimals)}]
    words = {k: strings.get(k, lang) for k in ("unit", "median")}
    key = ["scatter", lang, words, x_title, y_title, width, height]

    def build(datasets, params, description):
        base = alt.Chart(alt.NamedData(name="table"))
        med = alt.Chart(alt.NamedData(name="medians"))
        x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=False,
                                                         padding=SCATTER_PAD))
        y = alt.Y("y:Q", title=y_title, scale=alt.Scale(zero=False, nice=False,
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
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT)).otherwise(
                alt.value(P.POINT)),
            size=alt.when(alt.datum.hl).then(alt.value(160)).otherwise(alt.value(60)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(0.5)))
        names = base.mark_text(align=alt.expr("datum.align"), dx=alt.expr("datum.dx"),
                               dy=alt.expr("datum.dy"), baseline="middle", fontSize=10,
                               fontWeight=BOLD_IF_HL).encode(
            x=x, y=y, text="name:N", tooltip=tooltip)
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
                      width: int = 420) -> Chart:
    """Each unit's rank range across methodological variants, the main rank as a dot.

    ``data``: columns ``unit`` (id), ``name`` (in ``lang``), ``nominal_rank``, ``rank_min``
    and ``rank_max`` (e.g. :attr:`SensitivityResult.summary` with names added).
    ``variants``: how many variants were computed (for the description).
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

    rows = [{"unit": r.unit, "name": r.name, "nominal": r.nominal_rank, "min": r.rank_min,
             "max": r.rank_max, "order": i, "hl": bool(highlight and r.unit == highlight),
             "nominal_text": rank_text(r.nominal_rank),
             "range_text": f"{rank_text(r.rank_min)}–{rank_text(r.rank_max)}"}
            for i, r in enumerate(frame.itertuples(index=False))]
    drawn = _ends(len(rows), shown, [i for i, r in enumerate(rows) if r["hl"]])
    if drawn is not None:
        rows = _gapped(rows, drawn, lambda n: {
            "unit": "", "name": strings.get("gap_row", lang, count=n), "nominal": None,
            "min": None, "max": None, "order": 0, "hl": False, "nominal_text": "",
            "range_text": ""})
        for i, r in enumerate(rows):
            r["order"] = i
    names = dict(zip(frame["unit"], frame["name"]))
    words = {k: strings.get(k, lang) for k in ("unit", "nominal_rank", "rank_range", "rank",
                                               "rank_min", "rank_max")}
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
                alt.value("#cfd8e1")))
        dot = base.mark_point(filled=True, size=70, opacity=1, stroke=P.INK).encode(
            y=y, x=alt.X("nominal:Q", scale=x_scale), tooltip=tooltip,
            fill=alt.when(alt.datum.hl).then(alt.value(P.BAR_HIGHLIGHT)).otherwise(
                alt.value(P.POINT)),
            strokeWidth=alt.when(alt.datum.hl).then(alt.value(2)).otherwise(alt.value(0)))
        chart = alt.layer(bar, dot).add_params(hl).properties(
            datasets=datasets, width=width, height=alt.Step(20))
        return _configured(chart, description)

    valid = frame[frame["rank_min"].notna() & frame["rank_max"].notna()]
    if valid.empty:
        description = strings.get("describe_empty", lang)
    else:
        widest = valid.sort_values(["rank_range", "nominal_rank"], ascending=[False, True],
                                   kind="mergesort").iloc[0]
        description = strings.get(
            "describe_sensitivity", lang, variants=variants,
            stable=int((valid["rank_range"] == 0).sum()), count=len(valid),
            widest=widest["name"], widest_min=int(widest["rank_min"]),
            widest_max=int(widest["rank_max"]))
    if drawn is not None:
        description += " " + strings.get("describe_shown", lang, shown=len(drawn),
                                         count=len(frame))
    alt_words = strings.get("alt", lang, kind=strings.get("kind_sensitivity", lang),
                            title=title, subtitle=subtitle)
    spec = TEMPLATES.spec(key, build, datasets={"table": rows},
                          params={"hl": names.get(highlight, "") if highlight else ""},
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
                width: int = 360) -> Chart:
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
            align="right", dx=-8, fontSize=11, baseline="middle").encode(
            x=x, y=y, text="label:N")
        right = base.transform_filter(alt.datum.side == "after").mark_text(
            align="left", dx=8, fontSize=11, baseline="middle").encode(
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
