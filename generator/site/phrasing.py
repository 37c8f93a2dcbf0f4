"""The engine's phrases (audit reasons, step descriptions) in the page's language.

The engine records codes with numbers and ids (:mod:`generator.indices.phrases`); here the
numbers are formatted for the language and the ids replaced by the names a reader knows
(units, inputs, parts, indicators, tables, classes). A reason written only in English in
methodology.yaml is marked ``lang="en"`` so screen readers switch voice.
"""
from __future__ import annotations

from decimal import Decimal

import jinja2

from .. import formatting as fmt
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


def said(helpers, phrases: list[Phrase] | None) -> Markup:
    """The phrases as escaped HTML in the helpers' language, '; ' between them."""
    if not phrases:
        return Markup("")
    lang = helpers.lang
    name = _namer(helpers)
    out = []
    for p in phrases:
        t = render([p], lang, number, name)
        if not t:
            continue
        out.append(Markup('<span lang="en">{}</span>').format(t) if is_fallback(p, lang)
                   else Markup.escape(t))
    return Markup("; ").join(out)
