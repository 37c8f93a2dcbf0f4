"""Sizes of the drawn charts: one drawing that a phone shows at its natural size.

A chart is drawn at most :data:`WIDTH` CSS pixels wide, the narrowest column the site has
(a 390 px phone, and a cell of the region page's grid), so that no page ever scales it down:
its text keeps :data:`FONT` px at every screen width. Rather than shrink, long labels go
above their bar and wrap, and column headings become short codes with a key below.

Text widths are estimated (≈ 0.62 em per character of the sans-serif fonts the renderer and
browsers use for Cyrillic and Latin), which is enough to plan a layout; tests measure the
rendered images.
"""
from __future__ import annotations

import math

#: Width (CSS px) of every drawing, margins included.
WIDTH = 340
#: Text in charts: axis labels, legends, value labels.
FONT = 12
#: Unit names written on maps (many names in a small area).
MAP_FONT = 11
#: Estimated glyph width in em.
EM = 0.62


def text_width(text: str, font: float = FONT) -> float:
    """Estimated width in px of one line of ``text``."""
    return len(str(text)) * font * EM


def widest(texts, font: float = FONT) -> float:
    return max((text_width(t, font) for t in texts), default=0.0)


def wrap(text: str, width_px: float, font: float = FONT) -> list[str]:
    """``text`` in lines no wider than ``width_px`` (greedy, by words; a word longer than a
    line stays whole rather than being cut)."""
    per_line = max(8, int(width_px / (font * EM)))
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def plot_width(*taken: float) -> int:
    """What is left of :data:`WIDTH` for the plot once labels and margins take ``taken``."""
    return max(80, int(math.floor(WIDTH - 12 - sum(taken))))
