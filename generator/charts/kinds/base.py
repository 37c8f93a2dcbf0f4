"""What every chart kind shares: the spec-level look, the finish that makes a :class:`Chart`,
and the helpers for ranks, gaps, extremes and notes."""
from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandas as pd

from .. import palette as P
from ..layout import FONT, wrap
from ..model import Chart, Column, slug
from ..numbers import value_text
from ..texts import ChartStrings

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


def bold_if_hl() -> Any:
    """Mark property: bold text for the highlighted row (field ``hl``)."""
    import altair as alt
    return alt.expr("datum.hl ? 'bold' : 'normal'")


def _js(s: str) -> str:
    """A JavaScript string literal for a Vega expression (JSON is valid JS)."""
    return json.dumps(s, ensure_ascii=False)


def _configured(chart: Any, description: str | None) -> Any:
    # One configure call, not one per part: each deep-copies the whole chart.
    chart = chart.configure(**CONFIG)
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
    # The order of a stable sort by (value, NaN last; then label as text), found with
    # Python's stable sort over plain lists: a pandas sort of two helper columns costs
    # milliseconds per chart, thousands of times at scale.
    missing = key.isna().tolist()
    keys = [(m, 0.0 if m else k, n) for m, k, n in zip(missing, key.tolist(),
                                                       frame[label].astype(str).tolist())]
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return frame.take(order).reset_index(drop=True)


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
    has = frame["value"].notna().tolist()
    count = sum(has)
    real = has
    if "not_real" in frame.columns:
        copied = frame["not_real"].fillna(False).astype(bool).tolist()
        real = [h and not c for h, c in zip(has, copied)]
    values, labels = frame["value"].tolist(), frame[label].tolist()
    # The first row of _ordered(valid rows, ...) each way, from plain lists (no frame
    # filtering or sorting: this runs for every chart).
    keyed = [(values[i], str(labels[i]), i) for i, ok in enumerate(real) if ok]
    if not keyed:
        return strings.get("describe_empty", lang)
    top = min(keyed, key=lambda r: (-r[0], r[1], r[2]))[2]
    bottom = min(keyed, key=lambda r: (r[0], r[1], r[2]))[2]
    return strings.get(key, lang, top=labels[top],
                       top_value=value_text(values[top], lang, decimals, measure),
                       bottom=labels[bottom],
                       bottom_value=value_text(values[bottom], lang, decimals, measure),
                       count=count)


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


def short_name(name: str, generic: Iterable[str] = ()) -> str:
    """A unit's name without a trailing generic word ("Абайский район" → "Абайский"); the
    words are the language's ``generic_words`` of chart_strings.yaml."""
    for word in generic:
        word = " " + word
        if name.endswith(word) and len(name) > len(word) + 1:
            return name[: -len(word)]
    return name


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
