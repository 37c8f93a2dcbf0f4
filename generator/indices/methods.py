"""The numerical methods of the index engine, as pure functions on arrays.

Nothing here knows about specs, data files or errors with file and line: a function gets
numbers and returns numbers, or raises :class:`MethodError` which the caller turns into a
:class:`~generator.errors.ComputeError` naming the index, unit and inputs.

Conventions: ``NaN`` means "not available" and propagates; min–max and classification use
only the *reference* values (the region's units) but may be applied to other rows too.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np


class MethodError(ValueError):
    """A method cannot be applied to these numbers (division by zero, bad input)."""

    def __init__(self, message: str, positions: Sequence[int] = ()):
        super().__init__(message)
        self.positions = list(positions)


# -- normalisation across units --------------------------------------------------


def minmax(values: np.ndarray, reference: np.ndarray, invert: bool = False) -> np.ndarray:
    """(x − min) / (max − min) with min and max over ``reference``; 1 − that when inverted.

    Formulas (10)/(11) of the dissertation and the partial index of Table 44.
    """
    values = np.asarray(values, dtype=float)
    ref = np.asarray(reference, dtype=float)
    ref = ref[~np.isnan(ref)]
    if ref.size == 0:
        raise MethodError("no reference values to take a minimum and maximum from")
    lo, hi = float(ref.min()), float(ref.max())
    if hi == lo:
        raise MethodError(f"all reference values equal {lo:g}, so max − min is zero")
    out = (values - lo) / (hi - lo)
    return 1.0 - out if invert else out


def ratio_to(values: np.ndarray, base: float, invert: bool = False) -> np.ndarray:
    """x / base, or base / x when lower is better (so that higher always means better)."""
    values = np.asarray(values, dtype=float)
    if invert:
        zero = np.where(values == 0)[0]
        if zero.size:
            raise MethodError("a value is zero, so base / value is undefined", zero)
        return base / values
    if base == 0:
        raise MethodError("the reference value is zero")
    return values / base


def divide(num: np.ndarray, den: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """num / den × scale; a zero denominator with an available numerator is an error."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    bad = np.where((den == 0) & ~np.isnan(num))[0]
    if bad.size:
        raise MethodError("division by zero", bad)
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den * scale


# -- normalisation over time ----------------------------------------------------------


def chain_growth(years: Sequence[int], values: Sequence[float], scale: float = 1.0
                 ) -> dict[int, float]:
    """x_t / x_(previous year present) × scale, for every year but the first."""
    out: dict[int, float] = {}
    pairs = sorted(zip(years, values))
    for (y0, v0), (y1, v1) in zip(pairs, pairs[1:]):
        if v0 == 0 and not math.isnan(v1):
            raise MethodError(f"the level in {y0} is zero, so the growth rate to {y1} is "
                              f"undefined")
        out[int(y1)] = v1 / v0 * scale if not (math.isnan(v0) or math.isnan(v1)) else math.nan
    return out


def mean(values: Sequence[float], kind: str = "arithmetic") -> float:
    v = np.asarray(values, dtype=float)
    if np.isnan(v).any() or v.size == 0:
        return math.nan
    if kind == "geometric":
        if (v <= 0).any():
            raise MethodError("a geometric mean needs positive values")
        return float(np.exp(np.log(v).mean()))
    return float(v.mean())


def window_minmax(values: Sequence[float], kind: str = "arithmetic") -> float:
    """(mean − min) / (max − min) of the values in a time window.

    The reading of formulas (7) and (8) that reproduces the printed Table 38 volume index:
    min and max are the lowest and highest annual values within the reporting period.
    """
    v = np.asarray(values, dtype=float)
    if np.isnan(v).any() or v.size == 0:
        return math.nan
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        raise MethodError(f"all values in the window equal {lo:g}, so max − min is zero")
    return (mean(v, kind) - lo) / (hi - lo)


# -- aggregation ------------------------------------------------------------------------


def aggregate(matrix: np.ndarray, weights: np.ndarray, method: str = "arithmetic",
              epsilon: float | None = None, min_share: float | None = None
              ) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of each row of ``matrix`` (rows = units, columns = inputs).

    ``weights`` sum to 1. A NaN input is skipped when ``min_share`` is given and at least
    that share of the inputs is available (the weights of the rest are rescaled); otherwise
    the row is NaN. In a geometric mean a zero is replaced by ``epsilon``; without an
    epsilon a zero is an error, as is a negative value.

    Returns the aggregated values and, per row, the share of inputs that was available.
    """
    m = np.asarray(matrix, dtype=float)
    if m.ndim != 2:
        raise MethodError("aggregate needs a two-dimensional table")
    w = np.asarray(weights, dtype=float)
    avail = ~np.isnan(m)
    share = avail.sum(axis=1) / m.shape[1] if m.shape[1] else np.zeros(m.shape[0])
    out = np.full(m.shape[0], math.nan)
    for i in range(m.shape[0]):
        row, ok = m[i], avail[i]
        if not ok.all():
            if min_share is None or share[i] < min_share or not ok.any():
                continue
        ww = w[ok]
        if ww.sum() <= 0:
            continue
        ww = ww / ww.sum()
        x = row[ok]
        if method == "geometric":
            if (x < 0).any():
                raise MethodError("a geometric mean needs non-negative values", [i])
            if (x == 0).any():
                if epsilon is None:
                    raise MethodError("a zero enters a geometric mean and no epsilon is "
                                      "declared", [i])
                x = np.where(x == 0, epsilon, x)
            out[i] = float(np.exp(np.sum(ww * np.log(x))))
        else:
            out[i] = float(np.sum(ww * x))
    return out, share


# -- ranking and classification ---------------------------------------------------------


def rank(values: np.ndarray, descending: bool = True) -> np.ndarray:
    """Competition ranks (1, 2, 2, 4); NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, math.nan)
    ok = ~np.isnan(v)
    key = -v if descending else v
    for i in np.where(ok)[0]:
        out[i] = 1 + int(np.sum(key[ok] < key[i]))
    return out


def thresholds(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Class number of each value: 0 below breaks[0], j for breaks[j-1] <= x < breaks[j]."""
    v = np.asarray(values, dtype=float)
    b = list(breaks)
    if any(b2 <= b1 for b1, b2 in zip(b, b[1:])):
        raise MethodError("class breaks must increase")
    out = np.full(v.shape, -1, dtype=int)
    ok = ~np.isnan(v)
    out[ok] = np.searchsorted(np.asarray(b, dtype=float), v[ok], side="right")
    return out


def quantile_classes(values: np.ndarray, reference: np.ndarray, k: int) -> np.ndarray:
    """k classes of (nearly) equal size by rank among the reference values; ties share."""
    ref = np.sort(np.asarray(reference, dtype=float)[~np.isnan(reference)])
    if ref.size < k:
        raise MethodError(f"{ref.size} values cannot fill {k} classes")
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, -1, dtype=int)
    n = ref.size
    for i, x in enumerate(v):
        if math.isnan(x):
            continue
        below = int(np.sum(ref < x))          # competition rank − 1 among the reference
        out[i] = min(k - 1, (below * k) // n)
    return out


def optimal_breaks(reference: np.ndarray, k: int) -> list[float]:
    """Upper bounds of k classes minimising the within-class sum of squared deviations.

    This is exact one-dimensional k-means (Wang & Song's Ckmeans.1d.dp), which is also
    the optimum Jenks' natural-breaks method seeks: deterministic, no random starts.
    """
    x = np.sort(np.asarray(reference, dtype=float)[~np.isnan(reference)])
    n = x.size
    distinct = np.unique(x).size
    if k < 1 or distinct < k:
        raise MethodError(f"{distinct} distinct values cannot form {k} classes")
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def ssd(i: int, j: int) -> float:   # x[i:j]
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
    bounds: list[float] = []
    j = n
    for q in range(k, 0, -1):
        bounds.append(float(x[j - 1]))
        j = back[q, j]
    return sorted(bounds)


def classes_from_bounds(values: np.ndarray, bounds: Sequence[float]) -> np.ndarray:
    """Class of each value: the first class whose upper bound is >= the value."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, -1, dtype=int)
    b = np.asarray(bounds, dtype=float)
    for i, x in enumerate(v):
        if math.isnan(x):
            continue
        idx = int(np.searchsorted(b, x, side="left"))
        out[i] = min(idx, len(b) - 1)
    return out


def misplaced_in_order(values: Sequence[float], levels: Sequence[int]) -> list[int]:
    """Positions whose ordered class contradicts the ordering of the values.

    Sort by value; the largest set of units whose class levels never decrease is the
    consistent core (a longest non-decreasing subsequence). A unit outside at least one
    such core is reported: when two units cross, both are (neither can be blamed alone).
    """
    v = np.asarray(values, dtype=float)
    idx = [i for i in np.argsort(v, kind="stable") if not math.isnan(v[i])]
    # sort by value, then level, so that ties never count as crossings
    idx.sort(key=lambda i: (v[i], levels[i]))
    seq = [levels[i] for i in idx]
    n = len(seq)
    fwd = [1] * n
    for a in range(n):
        for b in range(a):
            if seq[b] <= seq[a]:
                fwd[a] = max(fwd[a], fwd[b] + 1)
    bwd = [1] * n
    for a in range(n - 1, -1, -1):
        for b in range(a + 1, n):
            if seq[a] <= seq[b]:
                bwd[a] = max(bwd[a], bwd[b] + 1)
    best = max(fwd) if n else 0
    on_some = [fwd[a] + bwd[a] - 1 == best for a in range(n)]
    out = []
    for a in range(n):
        if not on_some[a]:
            out.append(idx[a])
            continue
        # on every longest chain only if no other element on a chain shares its position
        rivals = [b for b in range(n) if b != a and on_some[b] and fwd[b] == fwd[a]]
        if rivals:
            out.append(idx[a])
    return sorted(out)
