"""Colour-blind-safe colours, chosen so that meaning survives greyscale printing too.

* Categories: the Okabe–Ito palette (distinct for the common colour-vision deficiencies).
  Series are told apart by line dash and point shape as well, never by hue alone.
* Sequential values (maps, heatmaps): ColorBrewer "oranges", a single-hue ramp that stays
  ordered in greyscale and for every colour-vision deficiency; dark always means worse.
* The highlighted unit: a dark fill against light ones (a large luminance difference that
  survives greyscale), a black outline and a bold label.
"""
from __future__ import annotations

#: Okabe & Ito (2008), "Color Universal Design"; black first for a single series.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
             "#000000"]
#: Line dashes and point shapes that go with the series colours, in the same order.
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 4], [3, 6]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down",
          "triangle-right", "triangle-left"]

INK = "#1b1f24"          # text, the highlighted outline
MUTED = "#4f5a65"        # secondary text (same as the site's --muted)
GRID = "#d5dbe1"
NO_DATA = "#e3e6ea"      # polygons and bars with no value
BAR = "#9ecae1"          # ordinary bars: light blue (luminance ~75 %)
BAR_HIGHLIGHT = "#08306b"  # the highlighted unit: dark navy (luminance ~15 %)
REFERENCE = "#D55E00"    # the region's value: vermilion rule, dashed
RANGE = "#9aa5b1"        # min–max ranges
POINT = "#0072B2"        # the unit's own value

NOT_REAL = "#b3bbc4"     # values the audit calls not real (repeated rows): mid grey, dashed

#: Every map and heat map: one single-hue ramp whose dark end is always the worse end, so a
#: dark colour means "worse" on every page (the scale is reversed where lower is worse).
WORSE = "oranges"
SEQUENTIAL = WORSE       # maps
HEAT = WORSE             # heatmaps


def categorical(n: int) -> list[str]:
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]
