"""Label anchors of a unit's outline: the array version keeps the sequential rule (best
first, each at least a sixth of the outline's extent from those chosen before it)."""
from __future__ import annotations

import math

import numpy as np

from aimaq.data.geo import COORD_DECIMALS, label_anchors

# An L-shaped outline, and a thin diagonal one, near 50° N (the x scale matters there).
L_SHAPE = [[80.0, 49.0], [82.0, 49.0], [82.0, 49.5], [80.6, 49.5], [80.6, 51.0],
           [80.0, 51.0], [80.0, 49.0]]
SLIVER = [[80.0, 49.0], [80.1, 49.0], [83.0, 51.9], [82.9, 51.9], [80.0, 49.0]]


def _sequential(ring, grid=36, keep=4):
    """The rule as a loop over the candidates, best first (the former implementation)."""
    pts = np.asarray(ring, dtype=float)
    k = math.cos(math.radians(float(pts[:, 1].mean())))
    xy = np.column_stack([pts[:, 0] * k, pts[:, 1]])
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid + 2)[1:-1], np.linspace(y0, y1, grid + 2)[1:-1])
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    a, b = xy[:-1], xy[1:]
    cx, cy = cand[:, :1], cand[:, 1:]
    crosses = ((a[:, 1] > cy) != (b[:, 1] > cy)) & (
        cx < (b[:, 0] - a[:, 0]) * (cy - a[:, 1]) / np.where(b[:, 1] == a[:, 1], 1e-12,
                                                             b[:, 1] - a[:, 1]) + a[:, 0])
    cand = cand[crosses.sum(axis=1) % 2 == 1]
    d = b - a
    length2 = np.maximum((d ** 2).sum(axis=1), 1e-18)
    t = np.clip(((cand[:, None, :] - a[None]) * d[None]).sum(axis=2) / length2, 0, 1)
    nearest = a[None] + t[..., None] * d[None]
    dist = np.sqrt(((cand[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)
    chosen: list[np.ndarray] = []
    spacing = max(x1 - x0, y1 - y0) / 6
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
