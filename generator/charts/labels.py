"""Label placement for the scatter plot and the map, decided at build time.

Vega-Lite has no label-collision avoidance, so the builders choose, for every label, one of a
few candidate positions (right, left, above, below the anchor …) greedily: the position whose
estimated text box overlaps the fewest already placed labels and points and stays inside the
plot. The choice travels with the data (``align``, ``dx``, ``dy`` per row), so the spec
template stays the same for every chart of a kind. Text widths are estimated (≈ 0.6 em per
character), which is enough to keep labels apart.
"""
from __future__ import annotations

from collections.abc import Sequence

#: (align, dx, dy) of the candidate positions, in order of preference.
AROUND = [("left", 7, 0), ("right", -7, 0), ("center", 0, -10), ("center", 0, 11),
          ("left", 5, -8), ("left", 5, 8), ("right", -5, -8), ("right", -5, 8)]
CENTRED = [("center", 0, 0), ("center", 0, -11), ("center", 0, 11), ("left", 6, 0),
           ("right", -6, 0)]


def _box(x: float, y: float, text: str, font: float, align: str, dx: float, dy: float
         ) -> tuple[float, float, float, float]:
    w = max(1.0, len(text)) * font * 0.6
    h = font * 1.2
    cx = x + dx
    if align == "left":
        x0 = cx
    elif align == "right":
        x0 = cx - w
    else:
        x0 = cx - w / 2
    y0 = y + dy - h / 2
    return (x0, y0, x0 + w, y0 + h)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]
             ) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


Candidate = tuple[float, float, str, float, float]   # x, y, align, dx, dy


def around(x: float, y: float, options: Sequence[tuple[str, float, float]] = AROUND
           ) -> list[Candidate]:
    return [(x, y, a, dx, dy) for a, dx, dy in options]


class _Grid:
    """Boxes by the cells of a coarse grid they touch: a box is compared only with the
    boxes near it (a map of 2,000 units would otherwise compare every pair)."""

    CELL = 48.0

    def __init__(self) -> None:
        self.boxes: list[tuple[float, float, float, float]] = []
        self.cells: dict[tuple[int, int], list[int]] = {}

    def _cells(self, b: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        c = self.CELL
        return [(i, j) for i in range(int(b[0] // c), int(b[2] // c) + 1)
                for j in range(int(b[1] // c), int(b[3] // c) + 1)]

    def add(self, b: tuple[float, float, float, float]) -> None:
        n = len(self.boxes)
        self.boxes.append(b)
        for cell in self._cells(b):
            self.cells.setdefault(cell, []).append(n)

    def near(self, b: tuple[float, float, float, float]
             ) -> list[tuple[float, float, float, float]]:
        """The boxes that may overlap ``b``, in the order they were added (so that a sum
        of overlaps adds the same numbers in the same order as over every box: the others
        add 0.0)."""
        found: set[int] = set()
        for cell in self._cells(b):
            found.update(self.cells.get(cell, ()))
        return [self.boxes[k] for k in sorted(found)]


def place(candidates: Sequence[Sequence[Candidate]], texts: Sequence[str], *,
          width: float, height: float, font: float = 10,
          obstacles: Sequence[tuple[float, float, float]] = (),
          order: Sequence[int] | None = None) -> list[int]:
    """Index of the chosen candidate for each label (pixels, y downwards).

    ``candidates[i]`` lists the positions allowed for label ``i``, best first; ``obstacles``
    are circles ``(x, y, r)`` labels should not cover (the markers). Labels are placed in
    ``order`` (default: as given). Deterministic: the same input gives the same placement.
    """
    n = len(candidates)
    boxes = _Grid()
    obst = _Grid()
    for x, y, r in obstacles:
        obst.add((x - r, y - r, x + r, y + r))
    chosen = [0] * n
    for i in (order if order is not None else range(n)):
        tried = [_box(x, y, texts[i], font, align, dx, dy)
                 for x, y, align, dx, dy in candidates[i]]
        if all(any(_overlap(b, k) > 0 for k in boxes.near(b)) for b in tried):
            # Every position covers a label already kept: this one is not drawn wherever
            # it goes (clear() drops it) and pushes nothing away, so its first position
            # will do. In a dense plot most labels end here, without weighing the markers
            # around each position (which grew with units x units).
            continue
        best: tuple[float, int, tuple[float, float, float, float]] | None = None
        for rank, b in enumerate(tried):
            cost = (sum(_overlap(b, o) for o in boxes.near(b)) * 4
                    + sum(_overlap(b, o) for o in obst.near(b)))
            outside = (max(0.0, -b[0]) + max(0.0, b[2] - width) + max(0.0, -b[1])
                       + max(0.0, b[3] - height))
            cost += outside * font * 3 + rank * 0.5
            if best is None or cost < best[0]:
                best = (cost, rank, b)
            if cost == rank * 0.5:
                break           # nothing covered, nothing outside: no later one is better
        if best is not None:
            chosen[i] = best[1]
            # Only a label that :func:`clear` keeps (it overlaps no label kept before it)
            # pushes later ones away: one written over others is not drawn, and counting
            # it made a dense plot cost units x units (every box compared with the pile).
            if texts[i] and not any(_overlap(best[2], k) > 0 for k in boxes.near(best[2])):
                boxes.add(best[2])
    return chosen


def linear(values: Sequence[float], lo: float, hi: float, pixels: float, pad: float,
           flip: bool = False) -> list[float]:
    """Pixel positions of ``values`` on a linear scale with ``pad`` pixels at each end."""
    span = (hi - lo) or 1.0
    out = []
    for v in values:
        p = pad + (v - lo) / span * (pixels - 2 * pad)
        out.append(pixels - p if flip else p)
    return out


def clear(candidates: Sequence[Sequence[Candidate]], texts: Sequence[str],
          chosen: Sequence[int], *, font: float = 10, width: float | None = None,
          order: Sequence[int] | None = None) -> list[bool]:
    """Which placed labels to draw: in ``order``, a label is kept unless it overlaps one
    already kept (or, given ``width``, runs off the drawing). Two names written over each
    other are unreadable; a name left out stays in the tooltip and the chart's table."""
    kept = _Grid()
    out = [False] * len(candidates)
    for i in (order if order is not None else range(len(candidates))):
        if not texts[i]:
            continue
        x, y, align, dx, dy = candidates[i][chosen[i]]
        b = _box(x, y, texts[i], font, align, dx, dy)
        if width is not None and (b[0] < -2 or b[2] > width + 2):
            continue
        if any(_overlap(b, k) > 0 for k in kept.near(b)):
            continue
        kept.add(b)
        out[i] = True
    return out
