"""What the engine says (audit reasons, step descriptions), as codes with numbers.

The engine never writes a sentence: it records a :class:`Phrase`, a code and its arguments
(numbers as computed, ids of units, inputs, tables, classes). ``templates/reasons.yaml``
holds one template per code in every language of the site, so a reason can never go stale
(its numbers are the computed ones) and a Kazakh page never shows English. The site calls
:func:`render` with its own number formatter and a function that names ids.
"""
from __future__ import annotations

import math
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

#: The texts of every code; kk, ru and en for each (a test checks).
REASONS_FILE = Path(__file__).resolve().parents[1] / "theme" / "reasons.yaml"
LANGUAGES = ("kk", "ru", "en")


@dataclass(frozen=True)
class Ref:
    """An id the site replaces by a name: kind is unit, input, part, index, indicator,
    table or class (``owner`` is the index an input or part belongs to)."""
    kind: str
    id: str
    owner: str = ""


@dataclass
class Phrase:
    code: str
    args: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return render([self], "en")


def say(code: str, **args: Any) -> Phrase:
    return Phrase(code, args)


def text_note(text: Any) -> Phrase:
    """A reason written in methodology.yaml: a string (English) or {kk, ru, en}."""
    return Phrase("text", {"text": text if isinstance(text, dict) else {"en": str(text)}})


@lru_cache(maxsize=4)
def templates(path: Path = REASONS_FILE) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    return {str(k): dict(v) for k, v in data.items()}


def fields_of(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


Number = Callable[[float, str], str]
Namer = Callable[[Ref, str], str]


def _plain_number(x: float, lang: str) -> str:
    """Six significant digits, no grouping (audit.csv, the terminal); pages use the site's
    formatter."""
    s = str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:.6g}"
    return s.replace(".", ",") if lang in ("kk", "ru") else s


def _plain_name(ref: Ref, lang: str) -> str:
    return ref.id


def _value(v: Any, lang: str, number: Number, name: Namer) -> str:
    if isinstance(v, Phrase):
        return render([v], lang, number, name)
    if isinstance(v, Ref):
        return name(v, lang)
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return "–" if isinstance(v, float) and math.isnan(v) else number(float(v), lang)
    if isinstance(v, dict):                   # {kk, ru, en}: the language, else English
        return str(v.get(lang) or v.get("en") or next(iter(v.values()), ""))
    if isinstance(v, (list, tuple)):
        sep = "; " if any(isinstance(x, Phrase) for x in v) else ", "
        return sep.join(_value(x, lang, number, name) for x in v)
    return "" if v is None else str(v)


def render(phrases: Iterable[Phrase] | Phrase | None, lang: str,
           number: Number | None = None, name: Namer | None = None,
           texts: dict[str, dict[str, str]] | None = None) -> str:
    """The phrases in ``lang``, joined by '; '. ``texts``: the texts by code (default the
    theme's reasons.yaml; a site passes them with its project's own overrides)."""
    if phrases is None:
        return ""
    if isinstance(phrases, Phrase):
        phrases = [phrases]
    number = number or _plain_number
    name = name or _plain_name
    texts = texts if texts is not None else templates()
    out = []
    for p in phrases:
        if p.code == "text":
            out.append(_value(p.args["text"], lang, number, name))
            continue
        t = texts.get(p.code)
        if t is None:
            raise KeyError(f"no text for the code {p.code!r} in {REASONS_FILE}")
        template = t.get(lang) or t["en"]
        out.append(template.format(**{k: _value(v, lang, number, name)
                                      for k, v in p.args.items()}))
    return "; ".join(x for x in out if x)


def is_fallback(phrases: Iterable[Phrase] | Phrase | None, lang: str) -> bool:
    """True when a free-text reason of methodology.yaml has no text in ``lang``."""
    if phrases is None:
        return False
    if isinstance(phrases, Phrase):
        phrases = [phrases]
    return any(p.code == "text" and isinstance(p.args.get("text"), dict)
               and not p.args["text"].get(lang) for p in phrases)
