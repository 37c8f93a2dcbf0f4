"""The engine at scale: the fast methods give exactly the scalar recurrences' results, a
sensitivity variant recomputes only what it changes, and the dataset's per-indicator rows
follow the observations. (Speed itself is measured by ``make bench``, never timed here.)"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from aimaq.indices import engine, sensitivity
from aimaq.indices import methods as M
from indices_helpers import compute, make_dataset, methodology

# -- the scalar definitions the vectorised methods must reproduce bit for bit ----------------


def _breaks_scalar(reference: np.ndarray, k: int) -> list[float]:
    x = np.sort(np.asarray(reference, dtype=float)[~np.isnan(reference)])
    n = x.size
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(i: int, j: int) -> float:
        s = s1[j] - s1[i]
        return float(s2[j] - s2[i] - s * s / (j - i))

    cost = np.full((k + 1, n + 1), math.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for q in range(1, k + 1):
        for j in range(q, n + 1):
            best, arg = math.inf, q - 1
            for i in range(q - 1, j):
                c = cost[q - 1, i] + ssd(i, j)
                if c < best:
                    best, arg = c, i
            cost[q, j], back[q, j] = best, arg
    bounds, j = [], n
    for q in range(k, 0, -1):
        bounds.append(float(x[j - 1]))
        j = back[q, j]
    return sorted(bounds)


def _samples(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for t in range(count):
        n = int(rng.integers(5, 60))
        x = [rng.normal(size=n), np.round(rng.lognormal(size=n), 1),
             rng.integers(0, 5, size=n).astype(float)][t % 3]      # ties in the last two
        if t % 4 == 0:
            x[rng.integers(0, n, 2)] = np.nan
        yield x


def test_optimal_breaks_equal_the_scalar_recurrence_even_with_ties():
    for x in _samples(1, 45):
        for k in (1, 2, 3, 5):
            if np.unique(x[~np.isnan(x)]).size < k:
                continue
            assert M.optimal_breaks(x, k) == _breaks_scalar(x, k)


def test_ranks_and_classes_equal_their_counting_definitions():
    for x in _samples(2, 90):
        ok = ~np.isnan(x)
        ref = x[ok]
        for desc in (True, False):
            key = -x if desc else x
            want = np.array([1 + np.sum(key[ok] < key[i]) if ok[i] else math.nan
                             for i in range(x.size)])
            np.testing.assert_array_equal(M.rank(x, desc), want)
        below = np.array([np.sum(ref < v) for v in x])
        above = np.array([np.sum(ref > v) for v in x])
        np.testing.assert_array_equal(M.rank_scores(x, x), np.where(ok, 1 + below, math.nan))
        np.testing.assert_array_equal(M.rank_scores(x, x, invert=True),
                                      np.where(ok, 1 + above, math.nan))
        ties = np.maximum(ref.size - below - above - 1, 0)
        np.testing.assert_array_equal(M.borda(x, x), np.where(ok, below + 0.5 * ties, math.nan))
        k = 3
        if ref.size >= k:
            want_q = np.where(ok, np.minimum(k - 1, (below * k) // ref.size), -1)
            np.testing.assert_array_equal(M.quantile_classes(x, x, k), want_q)
        b = sorted(set(np.round(ref[:3], 1).tolist()))
        if b:
            want_b = [min(int(np.searchsorted(b, v, side="left")), len(b) - 1)
                      if not math.isnan(v) else -1 for v in x]
            assert M.classes_from_bounds(x, b).tolist() == want_b


# -- sensitivity variants ------------------------------------------------------------------

DS = make_dataset({"bad": {"u1": 3, "u2": 2, "u3": 0}, "good": {"u1": 5, "u2": 0, "u3": 9},
                   "other": {"u1": 1, "u2": 2, "u3": 3}})
TEXT = """
    indices:
      - id: untouched
        name: {en: Untouched}
        inputs: [{indicator: other}]
        steps: [{normalise: {method: minmax}}]
      - id: partial
        name: {en: Partial}
        inputs: [{id: bad, indicator: bad}, {id: good, indicator: good}]
        steps: [{normalise: {method: minmax}}]
      - id: score
        name: {en: Score}
        inputs: [{index: partial}, {index: untouched}]
        steps: [{aggregate: {method: arithmetic}}, rank]
    sensitivity:
      - id: s
        target: score
        factors:
          - name: mean
            options:
              - {label: arithmetic}
              - label: geometric
                set: [{index: score, step: aggregate, method: geometric, epsilon: 0.01}]
    """


def test_a_variant_recomputes_only_the_indices_it_changes(monkeypatch):
    calls: list[str] = []
    real = engine.compute_index

    def counting(spec, *args, **kw):
        calls.append(spec.id)
        return real(spec, *args, **kw)

    monkeypatch.setattr(engine, "compute_index", counting)
    r = compute(DS, TEXT)
    # the nominal run computes each index once; the variant that changes nothing reuses
    # all three, the geometric one recomputes 'score' alone
    assert calls == ["untouched", "partial", "score", "score"]
    assert len(r.sensitivity[0].variants) == 2 * 3


def test_unchanged_follows_dependencies_at_any_depth():
    m = methodology(TEXT)
    assert engine.unchanged(m, {"score"}) == {"untouched", "partial"}
    assert engine.unchanged(m, {"partial"}) == {"untouched"}
    assert engine.unchanged(m, {"untouched"}) == {"partial"}


# -- the dataset's rows by indicator -----------------------------------------------------------


def test_select_by_indicator_matches_a_mask_and_follows_new_observations():
    ds = make_dataset({"a": {"u1": 1, "u2": 2}, "b": {"u1": 3, "u2": 4}})
    obs = ds.observations
    for ind in ("a", "b", "nope"):
        pd.testing.assert_frame_equal(ds.select(ind), obs[obs["indicator"] == ind])
    pd.testing.assert_frame_equal(ds.select("a", units=["u2"]),
                                  obs[(obs["indicator"] == "a") & (obs["unit"] == "u2")])
    first = ds.select("a")
    first.loc[first.index[0], "value"] = -1.0          # a caller's change stays its own
    first["extra"] = 1
    assert ds.select("a")["value"].tolist() == [1.0, 2.0]
    assert "extra" not in ds.select("a")
    ds.observations = obs[obs["indicator"] == "b"].reset_index(drop=True)
    assert ds.select("a").empty
    assert ds.select("b")["value"].tolist() == [3.0, 4.0]


@pytest.mark.parametrize("n", [40, 120])
def test_reusing_nominal_indices_gives_the_variants_recomputing_gives(n, monkeypatch):
    rng = np.random.default_rng(n)
    units = [f"u{i}" for i in range(n)]
    ds = make_dataset({"bad": dict(zip(units, rng.integers(0, 9, n).tolist())),
                       "good": dict(zip(units, rng.integers(0, 9, n).tolist())),
                       "other": dict(zip(units, rng.integers(1, 9, n).tolist()))})
    r = compute(ds, TEXT)
    reused = r.sensitivity[0].variants
    monkeypatch.setattr(sensitivity, "unchanged", lambda m, changed: set())  # recompute all
    full = compute(ds, TEXT).sensitivity[0].variants
    pd.testing.assert_frame_equal(reused, full)
