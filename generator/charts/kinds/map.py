"""Map: the units' areas coloured by value or class, with their names placed inside."""
from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

import pandas as pd

from ...data.geo import Boundaries
from ...data.model import Area, text
from .. import labels as L
from .. import palette as P
from ..jsonspec import TEMPLATES, normalise, shared
from ..layout import FONT, MAP_FONT, WIDTH, wrap
from ..model import Chart, Column, slug
from ..numbers import value_text
from ..render import OVERLAYS
from ..texts import ChartStrings
from .base import (
    BLUES,
    _configured,
    _describe_extremes,
    _finish,
    _frame,
    _not_real_note,
    _num,
    _ordered,
    _rank_words,
    _ranks,
    _value_label,
    bold_if_hl,
    short_name,
)


def map_units(areas: Iterable[Area], lang: str) -> pd.DataFrame:
    """``unit``, ``name``, ``shape``, ``lon``, ``lat`` of the units (kind ``unit``)."""
    return pd.DataFrame([{
        "unit": a.id, "name": text(a.name, lang), "shape": a.shape or "",
        "lon": a.point[0] if a.point else math.nan, "lat": a.point[1] if a.point else math.nan,
    } for a in areas if a.kind == "unit"])


def _rank_first(records) -> str:
    """What rank 1 holds in a map's table rows: "high" or "low" values."""
    ranked = [r for r in records if r.get("rank") is not None and not math.isnan(r["rank"])]
    one = min(ranked, key=lambda r: r["rank"])
    return "high" if one["value"] >= max(r["value"] for r in ranked) else "low"


def map_over(base: Chart, *, id: str, highlight: str, lang: str, strings: ChartStrings,
             table_rows: int | None = None) -> Chart:
    """A unit's map drawn over ``base`` (the same map without a highlight, drawn once):
    the base's words and table, the unit's outline (:func:`unit_outline`); its spec only
    ``{"$base": <base id>, "highlight": <unit>}`` (the browser draws the base's spec with
    the unit highlighted). With ``table_rows``, a table of more rows than that keeps the
    ``table_rows`` rows nearest the unit in rank and says so (the base's CSV, which the
    figure links to, has them all). Nothing of the region is made again per unit."""
    records = base.memo(("records",), lambda: tuple(base.records()))
    table = records                # as records, read once: no frame per unit
    at = base.memo(("unit-rows",), lambda: {r["unit"]: i for i, r in
                                           reversed(list(enumerate(records)))})
    window = _window(len(records), at.get(highlight, 0), table_rows)
    description = base.description
    row = records[at[highlight]] if highlight in at else None
    rank = row.get("rank") if row is not None else None
    if row is not None and rank is not None and not math.isnan(rank):
        # The unit's own place first: the page is about this unit, not the region.
        ranked = base.memo(("ranked",), lambda: sum(
            1 for r in records if r.get("rank") is not None and not math.isnan(r["rank"])))
        first = base.memo(("rank-first",), lambda: _rank_first(records))
        decimals = next((c.decimals for c in base.columns if c.key == "value"), None)
        value = value_text(row["value"], lang, decimals)
        description = strings.get("describe_highlight", lang, unit=row["name"],
                                  rank=int(rank), count=ranked,
                                  value=f"{value}; {strings.get(f'rank_first_{first}', lang)}"
                                  ) + " " + description
    if window is not None:
        table = tuple(records[i] for i in window)
        description += " " + strings.get("describe_window", lang, shown=len(window),
                                         count=len(records))
    return dataclasses.replace(base, id=slug(id), spec={"$base": base.id,
                                                        "highlight": highlight},
                               data=table, description=description, highlight=highlight,
                               drawn="overlay", base=base, size=None)


def map_chart(data: pd.DataFrame, *, id: str, lang: str, strings: ChartStrings,
              boundaries: Boundaries, areas: Iterable[Area], title: str,
              subtitle: str = "", source: str = "", value_title: str = "",
              measure: str = "", decimals: int | None = None,
              highlight: str | None = None, classes: Sequence[str] | None = None,
              reference: float | None = None, reference_name: str = "",
              better: str | None = None, descending: bool = True,
              labels: bool = True, label_names: Mapping[str, str] | None = None,
              width: int | None = None, height: int | None = None,
              base: Chart | None = None, live: bool = False,
              table_rows: int | None = None) -> Chart:
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

    How the page draws a map with a ``highlight`` (a unit's map, one per unit): with
    ``base`` (the same map without a highlight, drawn once), as that image with the unit's
    outline over it (:func:`unit_outline`); with ``live``, in the browser only (a map of
    the unit's neighbours, which no other unit shares). Neither draws an image per unit.
    A map over a ``base`` is :func:`map_over` (``data`` is the base's then).
    """
    if highlight and base is not None:
        return map_over(base, id=id, highlight=highlight, lang=lang, strings=strings,
                        table_rows=table_rows)
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
    # Every map of these areas shares one normalised copy of their shapes.
    features = shared(boundaries, [[a.id, a.shape] for a in areas if a.kind == "unit"],
                      lambda: boundaries.features(a for a in areas if a.kind == "unit"))
    words = {k: strings.get(k, lang) for k in ("unit", "value")}
    attribution = strings.get("map_attribution", lang)
    value_label = _value_label(strings, lang, value_title, measure)
    legend_title = wrap(", ".join(x for x in (value_title or title, measure) if x),
                        width - 10)
    if better in ("higher", "lower"):
        legend_title.append(strings.get(f"better_{better}", lang))
    statuses = [s for s in (no_data, copy_word) if any(r["status"] == s for r in rows)]
    status_colours = [P.NO_DATA if s == no_data else P.NOT_REAL for s in statuses]
    # The words, sizes and lists of this map are slots of the kind's template (the copies'
    # filter as the whole expression Altair writes); what shapes the spec is its key.
    key = ["map", categorical, labels, boundaries.path, better, bool(statuses)]
    import altair as alt
    slots = {**words, "value_label": value_label, "legend_title": legend_title,
             "classes": list(classes or []),
             "ramp": [BLUES[i] for i in _spread(len(classes), len(BLUES))][::-1]
             if categorical else [], "statuses": statuses or [no_data],
             "status_colours": status_colours or [P.NO_DATA], "width": width,
             "height": height, "attribution": wrap(attribution, width, FONT - 1),
             "copies": repr(alt.datum.status == copy_word)}

    def build(datasets, params, description, slots):
        import altair as alt
        lookup = alt.LookupData(data=alt.NamedData(name="table"), key="unit",
                                fields=["name", "value", "class", "has", "value_text", "hl",
                                        "status"])
        geo = alt.Chart(alt.NamedData(name="geo")).transform_lookup(
            lookup="properties.unit", from_=lookup)
        table = alt.Chart(alt.NamedData(name="table"))
        tooltip = [alt.Tooltip("name:N", title=slots["unit"]),
                   alt.Tooltip("value_text:N", title=slots["value_label"])]
        legend = alt.Legend(orient="bottom", direction="horizontal", columns=2,
                            title=slots["legend_title"])
        if categorical:
            color = alt.Color("class:N", scale=alt.Scale(domain=slots["classes"],
                                                         range=slots["ramp"]),
                              legend=legend)
        else:
            directed = better in ("higher", "lower")
            color = alt.Color("value:Q", scale=alt.Scale(
                type="quantize", nice=True, zero=False, reverse=better == "higher",
                scheme=alt.SchemeParams(name=P.WORSE if directed else "blues", count=5)),
                legend=legend)
        # Units without a coloured value: grey, with a key saying why (no data, or a value
        # the audit calls not real); a repeated row is also outlined dashed.
        status = alt.Fill("status:N", scale=alt.Scale(domain=slots["statuses"],
                                                      range=slots["status_colours"]),
                          legend=alt.Legend(orient="top", direction="horizontal",
                                            title=None) if statuses else None)
        base = geo.transform_filter("!datum.has").mark_geoshape(
            stroke="white", strokeWidth=0.8).encode(fill=status, tooltip=tooltip)
        copies = geo.transform_filter(slots["copies"]).mark_geoshape(
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
                          fontWeight=bold_if_hl())
            halo = shown_names.mark_text(stroke="white", strokeWidth=3, strokeJoin="round",
                                         opacity=0.85, **placed).encode(**label_enc)
            names = shown_names.mark_text(color=P.INK, **placed).encode(**label_enc,
                                                                         tooltip=tooltip)
            layers += [halo, names]
        # Status layers use the fill channel, values the colour channel: two legends.
        chart = alt.layer(*layers).properties(
            datasets=datasets, width=slots["width"], height=slots["height"],
            projection=alt.Projection(**projection(extent)),
            title=alt.TitleParams(text=slots["attribution"], orient="bottom",
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
                          description=alt_words, slots=slots)
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
    chart = _finish(kind="map", id=id, lang=lang, strings=strings, spec=spec,
                    data=table_frame, columns=columns, title=title, subtitle=subtitle,
                    source=source, description=description, highlight=highlight,
                    attribution=attribution)
    if highlight and live:
        # The room the page keeps for it: the map, its legend and attribution (about).
        return dataclasses.replace(chart, drawn="live", size=(width + 10, height + 115))
    return chart


def _window(n: int, at: int, shown: int | None) -> list[int] | None:
    """Which of a table's ``n`` rows a unit's map lists: ``shown`` rows around row ``at``
    (the unit's), or ``None`` (all) for a table of up to ``shown`` rows."""
    if not shown or n <= shown:
        return None
    first = min(max(0, at - shown // 2), n - shown)
    return list(range(first, first + shown))


_LAYER = re.compile(r'<g class="mark-(?:shape|symbol) role-mark layer_(\d+)_marks"[^>]*?'
                    r'(?:/>|>(.*?)</g>)', re.S)
_ITEM = re.compile(r"<path\b[^>]*?/>", re.S)
_TRANSLATE = re.compile(r'transform="translate\(([-\d.e]+),([-\d.e]+)\)"')
_D = re.compile(r'\sd="([^"]*)"')
_ROOT = re.compile(r'<g class="mark-group role-frame root"[^>]*>\s*<g transform="translate\('
                   r'([-\d.e]+),([-\d.e]+)\)"')
#: The layers of :func:`map_chart` that draw each unit: shapes without and with a coloured
#: value, then points (cities without a polygon) without and with one.
_SHAPES_NONE, _SHAPES_HAS, _POINTS_NONE, _POINTS_HAS = 0, 2, 4, 5


def unit_outline(chart: Chart, base_svg: str) -> str:
    """The highlighted unit's outline as SVG elements in the coordinates of ``base_svg``
    (the static image of ``chart.base``): the path the base map drew for the unit, taken
    from that drawing, so it sits exactly on the unit (same projection, fit and offsets);
    stroked as :func:`map_chart` outlines a highlighted unit. Cost: one text scan."""
    base = chart.base if chart.base is not None else chart
    rows, places = base.memo(("outline-places",), lambda: _places(base.spec))
    unit = chart.highlight
    row = rows.get(unit)
    if row is None or unit not in places:
        return ""
    layer, index = places[unit]
    width = 3 if row.get("point") else 2.5
    origin, layers = _drawing(base_svg)
    items = layers.get(layer, [])
    if origin is None or index >= len(items):
        raise ValueError(f"map {chart.id}: the base map has no drawing of {unit!r}")
    item = items[index]
    d = _D.search(item)
    at = _TRANSLATE.search(item)
    x = origin[0] + (float(at.group(1)) if at else 0.0)
    y = origin[1] + (float(at.group(2)) if at else 0.0)
    path = d.group(1) if d else ""
    out = (f'<path class="chart-outline" data-unit={quoteattr(unit)} '
           f'transform="translate({x:.6g},{y:.6g})" d={quoteattr(path)} '
           f'fill="none" stroke="{P.INK}" stroke-width="{width}" stroke-linejoin="round"/>')
    return out + _marker(path, x, y) if not row.get("point") else out


#: A unit drawn smaller than this (px, both sides) on the region's map also gets a ring
#: around it, so that it can be found on a map of hundreds of units.
TINY = 14.0
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def _marker(path: str, x: float, y: float) -> str:
    """A ring around a unit's outline ``path`` (absolute coordinates, as Vega draws
    shapes, translated by ``x, y``) when the unit is tiny on the map; else nothing."""
    nums = [float(n) for n in _NUMBER.findall(path)]
    xs, ys = nums[0::2], nums[1::2]
    if not xs or not ys:
        return ""
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if w >= TINY or h >= TINY:
        return ""
    cx, cy = x + (max(xs) + min(xs)) / 2, y + (max(ys) + min(ys)) / 2
    r = max(w, h) / 2 + 8
    return (f'<circle class="chart-marker" cx="{cx:.6g}" cy="{cy:.6g}" r="{r:.3g}" '
            f'fill="none" stroke="{P.INK}" stroke-width="2"/>')


def _places(spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """A map's table rows by unit, and where the map draws each unit: its layer and its
    position among that layer's marks (made once per base map, not once per unit)."""
    rows = {r["unit"]: r for r in spec["datasets"]["table"]}
    places: dict[str, tuple[int, int]] = {}
    counts: dict[int, int] = {}

    def put(unit: str, layer: int) -> None:
        places.setdefault(unit, (layer, counts.get(layer, 0)))
        counts[layer] = counts.get(layer, 0) + 1

    for r in spec["datasets"]["table"]:
        if r.get("point"):
            put(r["unit"], _POINTS_HAS if r.get("has") else _POINTS_NONE)
    for f in spec["datasets"]["geo"]:
        u = f["properties"]["unit"]
        put(u, _SHAPES_HAS if rows.get(u, {}).get("has") else _SHAPES_NONE)
    return rows, places


_DRAWINGS: dict[str, tuple[tuple[float, float] | None, dict[int, list[str]]]] = {}


def _drawing(svg: str) -> tuple[tuple[float, float] | None, dict[int, list[str]]]:
    """The plot's origin in a map's SVG and the marks of each layer, read once per map."""
    hit = _DRAWINGS.get(svg)
    if hit is None:
        outer = _TRANSLATE.search(svg)
        root = _ROOT.search(svg)
        origin = (float(outer.group(1)) + float(root.group(1)),
                  float(outer.group(2)) + float(root.group(2))) \
            if outer is not None and root is not None else None
        layers = {int(m.group(1)): _ITEM.findall(m.group(2) or "")
                  for m in _LAYER.finditer(svg)}
        if len(_DRAWINGS) > 16:
            _DRAWINGS.clear()
        hit = _DRAWINGS[svg] = (origin, layers)
    return hit


OVERLAYS["map"] = unit_outline


def map_height(extent: tuple[float, float, float, float], width: int) -> int:
    """The height that fits the mapped extent at ``width`` (its shape, within 0.5–1.2 of
    the width), so that a wide region does not leave a band of white above and below."""
    lon0, lat0, lon1, lat1 = extent
    k = math.cos(math.radians((lat0 + lat1) / 2))
    ratio = (lat1 - lat0) / (((lon1 - lon0) * k) or 1.0)
    return int(round(width * min(1.2, max(0.5, ratio))))


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


#: Label placements by their inputs (see :func:`_place_map_labels`).
_PLACED: dict[str, tuple[list[int], list[bool]]] = {}


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
    # The same labels over the same candidates are placed alike: a map of another index
    # over the same units (the home map and the units' base map) reuses the placement,
    # the costliest part of a large region's map.
    key = repr((texts, candidates, obstacles, order, width, height))
    hit = _PLACED.get(key)
    if hit is None:
        chosen = L.place(candidates, texts, width=width, height=height,
                         font=MAP_FONT, obstacles=obstacles, order=order)
        kept = L.clear(candidates, texts, chosen, font=MAP_FONT, width=width, order=order)
        if len(_PLACED) > 16:
            _PLACED.clear()
        hit = _PLACED[key] = (list(chosen), list(kept))
    chosen, kept = hit
    for r, keep in zip(rows, kept):
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
