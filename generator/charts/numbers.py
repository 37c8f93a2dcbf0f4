"""Numbers in charts: the same babel setting per language as the prose and the tables.

:func:`format_locale` turns the decimal and group symbols of ``generator.formatting`` into a
d3-format locale, given both to vl-convert (static SVG/PNG) and to vega-embed (in the page),
so axes, legends and tooltips print ``1 234,5`` in kk/ru and ``1,234.5`` in en. Tooltips and
descriptions use :func:`value_text`, i.e. ``generator.formatting.number`` itself.
"""
from __future__ import annotations

import math
from functools import cache
from typing import Any

from babel import Locale

from .. import formatting as fmt


@cache
def format_locale(lang: str) -> dict[str, Any]:
    """d3-format locale for ``lang`` built from babel's CLDR data."""
    syms = fmt.number_symbols(lang)
    loc = Locale.parse(lang)
    latn = loc.number_symbols.get("latn", loc.number_symbols)
    pattern = loc.decimal_formats.get(None)
    grouping = list(pattern.grouping[:1]) if pattern is not None else [3]
    if pattern is not None and pattern.grouping[1] != pattern.grouping[0]:
        grouping = [pattern.grouping[0], pattern.grouping[1]]
    return {
        "decimal": syms["decimal"],
        "thousands": syms["group"],
        "grouping": grouping,
        "currency": ["", ""],
        "minus": latn.get("minusSign", "-"),
        "percent": latn.get("percentSign", "%"),
        "nan": "–",
    }


@cache
def _percent_space(lang: str) -> str:
    """What stands between a number and '%' in ``lang`` (babel's percent pattern)."""
    pattern = Locale.parse(lang).percent_formats[None].pattern
    for space in ("\u00a0", "\u202f", " "):
        if space + "%" in pattern:
            return space
    return ""


def number(value: float | None, lang: str, decimals: int | None = None) -> str:
    return fmt.number(value, lang, decimals)


def value_text(value: float | None, lang: str, decimals: int | None = None,
               measure: str = "") -> str:
    """``value`` formatted for ``lang`` with its unit of measure (``13,3 %``, ``236 бірлік``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.number(None, lang)
    text = fmt.number(value, lang, decimals)
    if not measure:
        return text
    if measure == "%":
        return text + _percent_space(lang) + "%"
    return f"{text}\u00a0{measure}"
