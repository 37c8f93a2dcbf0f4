"""Properties of the numerical methods (hypothesis) and worked values from the source."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aimaq.indices import methods as M

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)
vectors = st.lists(finite, min_size=2, max_size=25)


def _spread(xs) -> bool:
    return max(xs) - min(xs) > 1e-6 * max(1.0, max(abs(x) for x in xs))


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_minmax_bounds_and_extremes(xs):
    assume(_spread(xs))
    y = M.minmax(np.array(xs), np.array(xs))
    assert np.all(y >= -1e-12) and np.all(y <= 1 + 1e-12)
    assert y[int(np.argmin(xs))] == pytest.approx(0.0, abs=1e-12)
    assert y[int(np.argmax(xs))] == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(vectors)
def test_minmax_inversion_reverses_order(xs):
    assume(_spread(xs))
    x = np.array(xs)
    up = M.minmax(x, x)
    down = M.minmax(x, x, invert=True)
    np.testing.assert_allclose(up + down, 1.0, atol=1e-12)
    i, j = int(np.argmin(xs)), int(np.argmax(xs))
    assert down[i] == pytest.approx(1.0) and down[j] == pytest.approx(0.0)


@settings(max_examples=200, deadline=None)
@given(vectors, st.floats(min_value=1e-3, max_value=1e3), st.floats(min_value=-1e3, max_value=1e3))
def test_minmax_is_invariant_to_positive_affine_rescaling(xs, a, b):
    assume(_spread(xs))
    x = np.array(xs)
    np.testing.assert_allclose(M.minmax(x, x), M.minmax(a * x + b, a * x + b), atol=1e-6)


def test_minmax_of_a_constant_column_is_an_error():
    with pytest.raises(M.MethodError, match="max − min is zero"):
        M.minmax(np.array([3.0, 3.0]), np.array([3.0, 3.0]))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=1, max_size=8),
       st.integers(0, 7), st.floats(0.001, 0.5), st.sampled_from(["arithmetic", "geometric"]))
def test_aggregation_is_monotone_in_each_input(rows, which, bump, method):
    """Raising one input never lowers the aggregate (positive weights)."""
    m = np.array(rows, dtype=float).T            # 2 units × k inputs
    k = m.shape[1]
    w = np.full(k, 1.0 / k)
    j = which % k
    before, _ = M.aggregate(m, w, method, epsilon=1e-5)
    higher = m.copy()
    higher[:, j] = higher[:, j] + bump
    after, _ = M.aggregate(higher, w, method, epsilon=1e-5)
    assert np.all(after >= before - 1e-12)


@settings(max_examples=200, deadline=None)
@given(st.lists(positive, min_size=1, max_size=10))
def test_geometric_mean_never_exceeds_arithmetic(xs):
    m = np.array([xs])
    w = np.full(len(xs), 1.0 / len(xs))
    a, _ = M.aggregate(m, w, "arithmetic")
    g, _ = M.aggregate(m, w, "geometric")
    assert g[0] <= a[0] * (1 + 1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(0.01, 1), min_size=2, max_size=6),
       st.floats(1e-9, 1e-2), st.floats(1e-9, 1e-2))
def test_epsilon_replaces_zeros_and_orders_results(xs, e1, e2):
    """A zero enters as ε; a larger ε gives a larger geometric mean; no zero, no effect."""
    lo, hi = sorted((e1, e2))
    assume(hi > lo * 1.01)
    with_zero = np.array([[0.0] + xs])
    w = np.full(with_zero.shape[1], 1.0 / with_zero.shape[1])
    g_lo, _ = M.aggregate(with_zero, w, "geometric", epsilon=lo)
    g_hi, _ = M.aggregate(with_zero, w, "geometric", epsilon=hi)
    explicit, _ = M.aggregate(np.array([[lo] + xs]), w, "geometric")
    assert g_lo[0] == pytest.approx(explicit[0], rel=1e-12)
    assert g_lo[0] < g_hi[0]
    no_zero = np.array([xs])
    w2 = np.full(len(xs), 1.0 / len(xs))
    a, _ = M.aggregate(no_zero, w2, "geometric", epsilon=lo)
    b, _ = M.aggregate(no_zero, w2, "geometric", epsilon=hi)
    assert a[0] == b[0]


def test_zero_in_a_geometric_mean_without_epsilon_is_an_error():
    with pytest.raises(M.MethodError, match="epsilon"):
        M.aggregate(np.array([[0.0, 0.5]]), np.array([0.5, 0.5]), "geometric")


def test_missing_inputs_are_skipped_only_above_the_minimum_share():
    m = np.array([[1.0, math.nan, 3.0, 5.0]])
    w = np.full(4, 0.25)
    v, share = M.aggregate(m, w, "arithmetic", min_share=0.75)
    assert share[0] == 0.75 and v[0] == pytest.approx(3.0)
    v, _ = M.aggregate(m, w, "arithmetic", min_share=0.8)
    assert math.isnan(v[0])
    v, _ = M.aggregate(m, w, "arithmetic")          # no policy: not computed
    assert math.isnan(v[0])


def test_division_by_zero_names_the_position():
    with pytest.raises(M.MethodError) as e:
        M.divide(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 1.0]))
    assert e.value.positions == [1]
    # a missing numerator over zero is not an error, just missing
    out = M.divide(np.array([math.nan]), np.array([0.0]))
    assert math.isnan(out[0])


def test_average_growth_window_values_from_table_36():
    """T = geometric mean of the chain rates 2016–2018 (methods.md §6.5 step 3)."""
    x3 = {2015: 69302.9, 2016: 66600.1, 2017: 68884.2, 2018: 72224.6}
    rates = M.chain_growth(list(x3), list(x3.values()))
    t = M.mean([rates[y] for y in (2016, 2017, 2018)], "geometric")
    assert t == pytest.approx((72224.6 / 69302.9) ** (1 / 3))
    assert round(t, 3) == 1.014                     # printed T for X3


def test_window_minmax_reproduces_the_printed_volume_index():
    x1 = [445775.7, 844734.9, 1179220.0]            # Table 36, 2016–2018
    assert round(M.window_minmax(x1), 3) == 0.515   # Table 38 Ио for X1


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=30))
def test_ranks_are_competition_ranks(xs):
    r = M.rank(np.array(xs))
    for i, x in enumerate(xs):
        assert r[i] == 1 + sum(1 for y in xs if y > x)
    r_asc = M.rank(np.array(xs), descending=False)
    for i, x in enumerate(xs):
        assert r_asc[i] == 1 + sum(1 for y in xs if y < x)


def _brute_force_ssd(x, k):
    """Smallest within-class sum of squares over all contiguous partitions (small n)."""
    from itertools import combinations
    x = sorted(x)
    n = len(x)
    best = math.inf
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        total = 0.0
        for a, b in zip(bounds, bounds[1:]):
            seg = x[a:b]
            mu = sum(seg) / len(seg)
            total += sum((v - mu) ** 2 for v in seg)
        best = min(best, total)
    return best


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=3, max_size=9, unique=True), st.integers(1, 3))
def test_kmeans_is_the_exact_optimum(xs, k):
    x = np.array(xs, dtype=float)
    bounds = M.optimal_breaks(x, k)
    cls = M.classes_from_bounds(x, bounds)
    assert set(cls) == set(range(k))
    total = 0.0
    for c in range(k):
        seg = x[cls == c]
        total += float(((seg - seg.mean()) ** 2).sum())
    assert total == pytest.approx(_brute_force_ssd(xs, k), abs=1e-6)
    # classes follow the order of the values
    order = np.argsort(x)
    assert list(cls[order]) == sorted(cls[order])


def test_kmeans_needs_enough_distinct_values():
    with pytest.raises(M.MethodError):
        M.optimal_breaks(np.array([1.0, 1.0, 2.0]), 3)


def test_thresholds_and_quantiles():
    assert list(M.thresholds(np.array([0, 1, 2, 3]), [2])) == [0, 0, 1, 1]
    q = M.quantile_classes(np.arange(10.0), np.arange(10.0), 5)
    assert list(q) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_ordering_check_finds_crossings_and_single_misplacements():
    # levels 0,0,1,1,2 by value; the unit at 2.5 is level 2 (misplaced alone)
    values = [1, 2, 2.5, 3, 4, 5]
    levels = [0, 0, 2, 1, 1, 2]
    assert M.misplaced_in_order(values, levels) == [2]
    # two units crossing each other: both reported
    assert M.misplaced_in_order([1, 2, 3, 4], [0, 1, 0, 1]) == [1, 2]
    assert M.misplaced_in_order([1, 2, 3], [0, 1, 2]) == []
