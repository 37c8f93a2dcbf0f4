"""Open Graph images: what a link preview shows when a page is shared.

Every page is previewed with a card of the site's title in its language, rendered offline at
build time (one PNG per language: charts have no PNG at build time, and link previews need a
raster image).
"""
from __future__ import annotations

import functools
import textwrap
from xml.sax.saxutils import escape

from ..charts.render import STATIC_FONT
from ..data.model import text

WIDTH, HEIGHT = 1200, 630


def card_svg(title: str, subtitle: str, font: str) -> str:
    lines = textwrap.wrap(title, width=34)[:4]
    sub = textwrap.wrap(subtitle, width=58)[:3]
    y = 210 - 36 * (len(lines) - 1)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
           f'viewBox="0 0 {WIDTH} {HEIGHT}">',
           f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#0b5cad"/>',
           '<path d="M80 560 L200 340 L300 470 L380 390 L520 560 Z" fill="#ffffff" '
           'opacity="0.18"/>',
           f'<g font-family="{escape(font)}" fill="#ffffff">']
    for i, line in enumerate(lines):
        out.append(f'<text x="80" y="{y + i * 72}" font-size="60" font-weight="bold">'
                   f'{escape(line)}</text>')
    y2 = y + len(lines) * 72 + 30
    for i, line in enumerate(sub):
        out.append(f'<text x="80" y="{y2 + i * 40}" font-size="30">{escape(line)}</text>')
    out.append("</g></svg>")
    return "".join(out)


def og_cards(config) -> dict[str, bytes]:
    """One preview card per language: assets/og/<lang>.png."""
    return {f"assets/og/{lang}.png": _png(card_svg(
        text(config.title, lang), text(config.description, lang), STATIC_FONT))
        for lang in config.languages}


@functools.lru_cache(maxsize=64)
def _png(svg: str) -> bytes:
    """The card as PNG, drawn once per text (rebuilds of ``aimaq serve`` reuse it)."""
    import vl_convert as vlc

    return vlc.svg_to_png(svg)


def og_image(spec, chart_dir: str = "") -> str:
    """Site path of the preview image of a planned page: its language's card."""
    return f"assets/og/{spec.lang}.png"
