"""Label anchors of a unit's outline: the array version keeps the sequential rule (best
first, each at least a sixth of the outline's extent from those chosen before it)."""
from __future__ import annotations

import math

import numpy as np

from aimaq.data.geo import COORD_DECIMALS, anchor_candidates, label_anchors

# An L-shaped outline, and a thin diagonal one, near 50° N (the x scale matters there).
L_SHAPE = [[80.0, 49.0], [82.0, 49.0], [82.0, 49.5], [80.6, 49.5], [80.6, 51.0],
           [80.0, 51.0], [80.0, 49.0]]
SLIVER = [[80.0, 49.0], [80.1, 49.0], [83.0, 51.9], [82.9, 51.9], [80.0, 49.0]]


def _sequential(ring, grid=36, keep=4):
    """The choice as a loop over the candidates, best first (the former implementation)."""
    cand, dist, k, spacing = anchor_candidates(ring, grid)
    chosen: list[np.ndarray] = []
    for i in np.argsort(-dist, kind="stable"):
        p = cand[i]
        if all(np.hypot(*(p - q)) >= spacing for q in chosen):
            chosen.append(p)
        if len(chosen) == keep:
            break
    return [(round(float(p[0] / k), COORD_DECIMALS), round(float(p[1]), COORD_DECIMALS))
            for p in chosen]


def test_anchors_follow_the_sequential_rule():
    for ring in (L_SHAPE, SLIVER):
        for grid, keep in ((36, 4), (12, 3), (5, 8)):
            assert label_anchors(ring, grid=grid, keep=keep) == _sequential(ring, grid, keep)


def test_anchors_are_spread_and_the_best_comes_first():
    got = label_anchors(L_SHAPE)
    assert 1 < len(got) <= 4
    x, y = got[0]
    assert 80.0 < x < 82.0 and 49.0 < y < 51.0
    k = math.cos(math.radians(np.mean([p[1] for p in L_SHAPE])))
    spacing = 2.0 / 6                       # the extent is 2° of latitude
    for i, p in enumerate(got):
        for q in got[:i]:
            assert math.hypot((p[0] - q[0]) * k, p[1] - q[1]) >= spacing - 1e-3
