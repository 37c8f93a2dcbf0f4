"""Locale-aware formatting: one setting per language serves prose, tables and charts.

Babel's CLDR data decide the decimal sign and grouping (kk/ru: "1 234,5"; en: "1,234.5").
"""
from __future__ import annotations

import math
import re
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import parse_pattern


@cache
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def decimals_of(value: float, default: int = 1, maximum: int = 4) -> int:
    """A sensible number of decimals when the source gives none."""
    if value == 0 or math.isnan(value):
        return 0
    if float(value).is_integer() and abs(value) >= 1:
        return 0
    magnitude = abs(value)
    if magnitude >= 100:
        return min(default, maximum)
    if magnitude >= 1:
        return max(default, 1)
    return min(maximum, 3)


def number(value: float | None, lang: str, decimals: int | None = None) -> str:
    """Format ``value`` for ``lang``; NaN/None become an en dash. Kept per (value, lang,
    decimals): a build formats the same numbers on many pages (hundreds of thousands of
    calls at scale)."""
    try:
        return _number(value, lang, decimals)
    except TypeError:                   # an unhashable value
        return _number.__wrapped__(value, lang, decimals)


@lru_cache(maxsize=1 << 16)
def _number(value: float | None, lang: str, decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = decimals_of(float(value))
    return _formatted(round(float(value), decimals) + 0.0, lang, decimals)


@lru_cache(maxsize=1 << 16)
def _formatted(value: float, lang: str, decimals: int) -> str:
    """babel's format_decimal with the parsed locale and pattern kept: pages format tens of
    thousands of numbers, many of them twice (an edition's pages at two addresses)."""
    return _number_pattern(decimals).apply(value, _locale(lang))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@cache
def _number_pattern(decimals: int):
    return parse_pattern(_pattern(decimals))


def signed(value: float | None, lang: str, decimals: int | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = number(abs(value), lang, decimals)
    if round(value, decimals if decimals is not None else 6) == 0:
        return text
    return ("+" if value > 0 else "−") + text


def ordinal(n: int, lang: str) -> str:
    """An English ordinal ('1st', '22nd'); Kazakh and Russian write the suffix in their
    strings ('5-орын', '5-е место'), so other languages get the plain number."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


#: Alphabetical order of the languages whose order Unicode code points get wrong: in
#: code-point order Kazakh's Ә Ғ Қ Ң Ө Ұ Ү Һ І all follow Я, and Russian's Ё follows Я.
#: (PyICU's collation would do, but it only installs with a compiler and ICU's headers.)
ALPHABETS = {
    "kk": "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
}


def collation_key(text: str, lang: str) -> tuple:
    """A sort key putting names in the alphabetical order of ``lang``: letters of its
    alphabet by their place in it, after spaces, hyphens and digits; any other letter (a
    Latin name on a Kazakh page) after the alphabet, in code-point order."""
    alphabet = ALPHABETS.get(lang)
    folded = text.casefold()
    if alphabet is None:
        return tuple(ord(c) for c in folded)
    return tuple(1_000 + alphabet.index(c) if c in alphabet
                 else (ord(c) if ord(c) < 128 and not c.isalpha() else 2_000 + ord(c))
                 for c in folded)


def date(iso: str | None, lang: str) -> str:
    if not iso:
        return ""
    import datetime as _dt

    return format_date(_dt.date.fromisoformat(iso), format="long", locale=lang)


@cache
def language_name(lang: str) -> str:
    """The language's own name for itself, e.g. 'қазақ тілі'."""
    try:
        name = Locale.parse(lang).get_display_name(lang) or lang
    except Exception:  # unknown locale: show the code
        return lang
    return name[:1].upper() + name[1:]


@cache
def number_symbols(lang: str) -> dict[str, str]:
    """Decimal and group symbols of ``lang`` (for chart format locales)."""
    loc = Locale.parse(lang)
    syms = loc.number_symbols.get("latn", loc.number_symbols)
    return {"decimal": syms["decimal"], "group": syms["group"]}


#: A range or list of numbers ("16–17", "3, 5", "12-14"): the plural form names them.
_SEVERAL = re.compile(r"\d\s*[–—,-]\s*\d|\d\s+(?:and|и|және)\s+\d")


def numbered(one: str, several: str, number: str) -> str:
    """A numbered thing in its language's word order: ``one``/``several`` are templates with
    ``{n}`` ("{n}-кесте", "Таблица {n}", "Table {n}"); ``several`` names a range or list."""
    return (several if _SEVERAL.search(number) else one).replace("{n}", number)
