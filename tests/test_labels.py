"""Label placement (charts.labels): names never written over each other, and the cost of
placing them grows with the labels, not with labels x labels."""
from __future__ import annotations

import random

from aimaq.charts import labels as L


def _plot(n: int, seed: int = 1):
    rnd = random.Random(seed)
    points = [(rnd.uniform(14, 250), rnd.uniform(14, 266)) for _ in range(n)]
    texts = [f"Unit {i:04d}" + "x" * rnd.randint(0, 8) for i in range(n)]
    return points, texts, [L.around(x, y) for x, y in points]


def _boxes(cands, texts, chosen, kept):
    return [L._box(*cands[i][chosen[i]][:2], texts[i], 11, *cands[i][chosen[i]][2:])
            for i in range(len(texts)) if kept[i]]


def test_kept_labels_never_overlap_and_a_sparse_plot_names_every_point():
    for n in (12, 400):
        points, texts, cands = _plot(n)
        chosen = L.place(cands, texts, width=264, height=280, font=11,
                         obstacles=[(x, y, 5.0) for x, y in points])
        kept = L.clear(cands, texts, chosen, font=11)
        boxes = _boxes(cands, texts, chosen, kept)
        assert all(L._overlap(a, b) == 0 for i, a in enumerate(boxes) for b in boxes[i + 1:])
        if n == 12:
            assert sum(kept) >= 10
        assert chosen == L.place(cands, texts, width=264, height=280, font=11,
                                 obstacles=[(x, y, 5.0) for x, y in points])


def test_a_dense_plot_costs_comparisons_per_label_not_per_pair(monkeypatch):
    """2,000 points on a scatter the size of a phone's: once the plot is full of names, a
    further label is compared with the few names kept near it, not with every label and
    marker placed before it (that made a 2,000-unit scatter cost seconds per language)."""
    calls = 0
    overlap = L._overlap

    def counted(a, b):
        nonlocal calls
        calls += 1
        return overlap(a, b)

    monkeypatch.setattr(L, "_overlap", counted)
    per_label = {}
    for n in (500, 2000):
        points, texts, cands = _plot(n)
        calls = 0
        chosen = L.place(cands, texts, width=264, height=280, font=11,
                         obstacles=[(x, y, 5.0) for x, y in points])
        L.clear(cands, texts, chosen, font=11)
        per_label[n] = calls / n
    assert per_label[2000] < 200, per_label
    assert per_label[2000] < 1.5 * per_label[500], per_label
