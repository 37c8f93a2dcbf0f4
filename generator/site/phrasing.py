"""The engine's phrases (audit reasons, step descriptions) in the page's language.

The engine records codes with numbers and ids (:mod:`generator.indices.phrases`); here the
numbers are formatted for the language and the ids replaced by the names a reader knows
(units, inputs, parts, indicators, tables, classes). A reason written only in English in
methodology.yaml is marked ``lang="en"`` so screen readers switch voice.
"""
from __future__ import annotations

import functools
from decimal import Decimal
from pathlib import Path

import jinja2

from .. import formatting as fmt
from .. import theme
from ..data.model import text
from ..indices.phrases import Phrase, Ref, is_fallback, render

Markup = jinja2.utils.markupsafe.Markup


def number(x: float, lang: str) -> str:
    """Six significant digits at most (a reason's numbers explain, they are not data), in
    the language's notation: 1e-05 → 0,00001, 321.97 → 321,97, 88742 → 88 742 (years
    are passed as text)."""
    if float(x).is_integer():
        return fmt.number(x, lang, 0)
    exponent = Decimal(f"{x:.6g}").normalize().as_tuple().exponent
    return fmt.number(x, lang, max(0, -int(exponent)))


def _namer(helpers):
    """Ref → name, through the page's helpers (they know the language and the data)."""
    site = helpers.site
    ds = site.dataset

    def name(ref: Ref, lang: str) -> str:
        if ref.kind == "unit" and ref.id in ds.areas:
            return text(ds.areas[ref.id].name, lang)
        if ref.kind in ("input", "part") and ref.owner in site.indices.results.indices:
            return site.indices.part_name(ref.owner, ref.id, lang) or ref.id
        if ref.kind == "indicator" and ref.id in ds.indicators:
            return text(ds.indicators[ref.id].name, lang)
        if ref.kind == "table" and ref.id in ds.tables:
            return helpers.cite(ref.id)
        if ref.kind == "class":
            owner = ref.owner if ref.owner in site.indices.results.indices else None
            if owner:
                return site.indices.class_name(owner, ref.id, lang, site.strings)
        return ref.id
    return name


def reason_texts(templates_dir: Path) -> dict[str, dict[str, str]]:
    """The texts of the engine's codes: the theme's reasons.yaml, with the project's own
    (templates/reasons.yaml) replacing it code by code."""
    own = Path(templates_dir) / "reasons.yaml"
    stamp = own.stat().st_mtime_ns if own.is_file() else None
    return _reason_texts(str(templates_dir), stamp)


@functools.lru_cache(maxsize=8)
def _reason_texts(templates_dir: str, stamp: int | None) -> dict[str, dict[str, str]]:
    # ``stamp`` (the project file's time) is part of the key: an edit under aimaq serve
    # is seen at the next render.
    return {code: dict(entry.value)
            for code, entry in theme.layered_yaml("reasons.yaml", templates_dir).items()}


def said(helpers, phrases: list[Phrase] | None) -> Markup:
    """The phrases as escaped HTML in the helpers' language, '; ' between them."""
    if not phrases:
        return Markup("")
    lang = helpers.lang
    name = _namer(helpers)
    out = []
    texts = helpers.reason_texts
    for p in phrases:
        t = render([p], lang, number, name, texts)
        if not t:
            continue
        out.append(Markup('<span lang="en">{}</span>').format(t) if is_fallback(p, lang)
                   else Markup.escape(t))
    return Markup("; ").join(out)
