"""The numerical methods of the index engine, as pure functions on arrays.

Nothing here knows about specs, data files or errors with file and line: a function gets
numbers and returns numbers, or raises :class:`MethodError` which the caller turns into a
:class:`~generator.errors.ComputeError` naming the index, unit and inputs.

Conventions: ``NaN`` means "not available" and propagates; min–max and classification use
only the *reference* values (the region's units) but may be applied to other rows too.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np


class MethodError(ValueError):
    """A method cannot be applied to these numbers (division by zero, bad input)."""

    def __init__(self, message: str, positions: Iterable[int] = ()):
        super().__init__(message)
        self.positions = list(positions)


# -- normalisation across units --------------------------------------------------


def minmax(values: np.ndarray, reference: np.ndarray, invert: bool = False) -> np.ndarray:
    """(x − min) / (max − min) with min and max over ``reference``; 1 − that when inverted.

    Formulas (10)/(11) of the source method and the partial index of Table 44.
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
        result: np.ndarray = num / den * scale
        return result


def _reference(reference: np.ndarray, least: int = 1) -> np.ndarray:
    ref: np.ndarray = np.asarray(reference, dtype=float)
    ref = ref[~np.isnan(ref)]
    if ref.size < least:
        raise MethodError(f"{ref.size} reference value(s); the method needs at least {least}")
    return ref


def minmax_range(values: np.ndarray, reference: np.ndarray, lower: float = 0.0,
                 upper: float = 1.0, invert: bool = False) -> np.ndarray:
    """L + (U − L)·(x − min)/(max − min); with ``invert`` the order is reversed first."""
    t = minmax(values, reference, invert)
    return lower + (upper - lower) * t


def zscore(values: np.ndarray, reference: np.ndarray, invert: bool = False,
           mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """(x − mean)/sd over the reference values (sd with n − 1), then × sd' + mean'.

    With ``invert`` the sign is flipped first (−x), so higher always means better.
    """
    sign = -1.0 if invert else 1.0
    ref = sign * _reference(reference, 2)
    m, s = float(ref.mean()), float(ref.std(ddof=1))
    if s == 0:
        raise MethodError(f"all reference values equal {m:g}, so the standard deviation is zero")
    return (sign * np.asarray(values, dtype=float) - m) / s * sd + mean


def _min_ranks(values: np.ndarray, reference: np.ndarray, invert: bool) -> np.ndarray:
    """1 + number of reference values below x (above x when inverted); NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    ref = _reference(reference)
    out = np.full(v.shape, math.nan)
    ok = ~np.isnan(v)
    srt = np.sort(ref)
    if invert:
        out[ok] = 1 + (srt.size - np.searchsorted(srt, v[ok], side="right"))
    else:
        out[ok] = 1 + np.searchsorted(srt, v[ok], side="left")
    return out


def rank_scores(values: np.ndarray, reference: np.ndarray, invert: bool = False) -> np.ndarray:
    """Ranks as scores: 1 = lowest value (highest when inverted); ties share the lower rank."""
    return _min_ranks(values, reference, invert)


def percentile_rank(values: np.ndarray, reference: np.ndarray, invert: bool = False
                    ) -> np.ndarray:
    """(rank − 1) / (n − 1), ranks as in :func:`rank_scores`: 0 = worst, 1 = best."""
    ref = _reference(reference, 2)
    return (_min_ranks(values, ref, invert) - 1) / (ref.size - 1)


def borda(values: np.ndarray, reference: np.ndarray, invert: bool = False) -> np.ndarray:
    """Borda score: the number of reference units the value beats, ties counting half."""
    v = np.asarray(values, dtype=float)
    ref = _reference(reference)
    out = np.full(v.shape, math.nan)
    ok = ~np.isnan(v)
    srt = np.sort(ref)
    below = np.searchsorted(srt, v[ok], side="left")
    above = srt.size - np.searchsorted(srt, v[ok], side="right")
    ties = srt.size - below - above - 1                  # the unit itself is not beaten
    out[ok] = (above if invert else below) + 0.5 * np.maximum(ties, 0)
    return out


def goalposts(values: np.ndarray, lower: float, upper: float, invert: bool = False,
              log: bool = False, clip: bool = True) -> np.ndarray:
    """(x − L)/(U − L) with fixed goalposts (the HDI's dimension indices).

    ``log`` uses ln x, ln L, ln U (the HDI's income index); ``clip`` caps values at the
    goalposts; ``invert`` gives (U − x)/(U − L).
    """
    v = np.asarray(values, dtype=float)
    lo, hi = float(lower), float(upper)
    if clip:
        v = np.clip(v, lo, hi)
    if log:
        if lo <= 0 or (v[~np.isnan(v)] <= 0).any():
            bad = np.where(v <= 0)[0]
            raise MethodError("log goalposts need positive values and bounds", bad)
        v, lo, hi = np.log(v), math.log(lo), math.log(hi)
    t = (v - lo) / (hi - lo)
    return 1.0 - t if invert else t


def distance(values: np.ndarray, base: float, invert: bool = False,
             form: str = "ratio") -> np.ndarray:
    """Distance to a reference value: x / base, or (x − base) / |base| with ``difference``.

    Inverted (lower is better): base / x, or (base − x) / |base|.
    """
    v = np.asarray(values, dtype=float)
    if math.isnan(base):
        raise MethodError("the reference value is not available")
    if form == "ratio":
        return ratio_to(v, base, invert)
    if base == 0:
        raise MethodError("the reference value is zero")
    return ((base - v) if invert else (v - base)) / abs(base)


def log_transform(values: np.ndarray, offset: float = 0.0) -> np.ndarray:
    """ln(x + offset); a value with x + offset <= 0 is an error naming its position."""
    v = np.asarray(values, dtype=float) + offset
    bad = np.where(v <= 0)[0]
    if bad.size:
        raise MethodError("a logarithm needs x + offset > 0", bad)
    return np.log(v)


# -- outliers and imputation --------------------------------------------------------------


def skew_kurtosis(values: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis, bias-corrected (as Excel's SKEW and KURT)."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if v.size < 4 or np.all(v == v[0]):
        return 0.0, 0.0
    # scipy takes ~0.4 s to import and few methods need it: imported when one does.
    from scipy import stats

    return (float(stats.skew(v, bias=False)),
            float(stats.kurtosis(v, fisher=True, bias=False)))


def winsorise(values: np.ndarray, skew_max: float = 2.0, kurt_max: float = 3.5,
              max_points: int = 5) -> tuple[np.ndarray, list[int], bool]:
    """COINr's and the Handbook's rule for one indicator.

    While |skew| > ``skew_max`` and kurtosis > ``kurt_max``, the most extreme value on the
    side of the skew is set to the next value inward, up to ``max_points`` values. Returns
    the values, the positions changed and whether the rule is met in the end.
    """
    v = np.asarray(values, dtype=float).copy()
    changed: list[int] = []

    def outlying() -> bool:
        s, k = skew_kurtosis(v)
        return abs(s) > skew_max and k > kurt_max

    while outlying() and len(changed) < max_points:
        s, _ = skew_kurtosis(v)
        ok = np.where(~np.isnan(v))[0]
        order = ok[np.argsort(v[ok], kind="stable")]
        if s > 0:
            # the highest values not yet changed are capped at the highest unchanged one
            top = [i for i in order[::-1] if i not in changed]
            pos, inner = top[0], top[1]
        else:
            low = [i for i in order if i not in changed]
            pos, inner = low[0], low[1]
        changed.append(int(pos))
        v[changed] = v[inner]
    return v, sorted(changed), not outlying()


def log_for_skew(values: np.ndarray) -> np.ndarray:
    """ln(x − min + (max − min)/100) for positive skew; mirrored for negative skew.

    The shift keeps every argument positive whatever the sign of the data; the order of the
    units is preserved.
    """
    v = np.asarray(values, dtype=float)
    ok = v[~np.isnan(v)]
    lo, hi = float(ok.min()), float(ok.max())
    shift = (hi - lo) / 100 if hi > lo else 1.0
    s, _ = skew_kurtosis(v)
    if s >= 0:
        return np.log(v - lo + shift)
    return -np.log(hi - v + shift)


def impute(values: np.ndarray, groups: Sequence[str] | None, how: str) -> np.ndarray:
    """NaN replaced by the mean or median of the other units (of the same group)."""
    v = np.asarray(values, dtype=float)
    out: np.ndarray = v.copy()
    labels = list(groups) if groups is not None else [""] * v.size
    for i in np.where(np.isnan(v))[0]:
        same = np.array([labels[j] == labels[i] and not np.isnan(v[j])
                         for j in range(v.size)])
        if not same.any():
            raise MethodError("no unit of the same group has a value to impute from", [i])
        pool = v[same]
        out[i] = float(np.median(pool)) if how == "median" else float(pool.mean())
    return out


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


def mean(values: Sequence[float] | np.ndarray, kind: str = "arithmetic") -> float:
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
              epsilon: float | None = None, min_share: float | None = None,
              power: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean of each row of ``matrix`` (rows = units, columns = inputs).

    ``method``: arithmetic, geometric, harmonic or power (with ``power``), see
    :func:`weighted_mean`; Copeland compares units with each other, see :func:`copeland`.
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
        if not ok.all() and (min_share is None or share[i] < min_share or not ok.any()):
            continue
        ww = w[ok]
        if ww.sum() <= 0:
            continue
        ww = ww / ww.sum()
        x = row[ok]
        out[i] = weighted_mean(x, ww, method, epsilon, power, i)
    return out, share


def weighted_mean(x: np.ndarray, w: np.ndarray, method: str = "arithmetic",
                  epsilon: float | None = None, power: float = 1.0, position: int = 0
                  ) -> float:
    """Σ wx, Π x^w, 1/Σ(w/x) or (Σ w x^p)^(1/p) of one row; weights sum to 1.

    Zeros in a geometric or harmonic mean (or a power mean with p <= 0) are replaced by
    ``epsilon``; without one they are an error, as are negative values in any mean but the
    arithmetic one.
    """
    if method == "power" and power == 1:
        method = "arithmetic"
    if method == "power" and power == 0:
        method = "geometric"
    if method == "arithmetic":
        return float(np.sum(w * x))
    if (x < 0).any():
        raise MethodError(f"a {method} mean needs non-negative values", [position])
    zero_matters = method in ("geometric", "harmonic") or (method == "power" and power < 0)
    if zero_matters and (x == 0).any():
        if epsilon is None:
            raise MethodError(f"a zero enters a {method} mean and no epsilon is declared",
                              [position])
        x = np.where(x == 0, epsilon, x)
    if method == "geometric":
        return float(np.exp(np.sum(w * np.log(x))))
    if method == "harmonic":
        return float(1.0 / np.sum(w / x))
    return float(np.sum(w * x ** power) ** (1.0 / power))


def copeland(matrix: np.ndarray, weights: np.ndarray, rows: np.ndarray | None = None
             ) -> np.ndarray:
    """Copeland scores from the weighted outranking matrix (Handbook, section 6.2).

    e_jk = Σ w_i [x_ij > x_ik] + ½ Σ w_i [x_ij = x_ik] over the inputs both units have
    (weights rescaled to those inputs); unit j beats k when e_jk > e_kj. The score is the
    number of units j beats minus the number it loses to. Only ``rows`` (default all) take
    part; the others are NaN.
    """
    m = np.asarray(matrix, dtype=float)
    w = np.asarray(weights, dtype=float)
    n = m.shape[0]
    take = np.ones(n, dtype=bool) if rows is None else np.asarray(rows, dtype=bool)
    out = np.full(n, math.nan)
    idx = np.where(take)[0]
    for j in idx:
        score = 0
        for k in idx:
            if k == j:
                continue
            both = ~np.isnan(m[j]) & ~np.isnan(m[k])
            if not both.any() or w[both].sum() <= 0:
                continue
            ww = w[both] / w[both].sum()
            a, b = m[j, both], m[k, both]
            e_jk = float(np.sum(ww * (a > b)) + 0.5 * np.sum(ww * (a == b)))
            e_kj = float(np.sum(ww * (b > a)) + 0.5 * np.sum(ww * (a == b)))
            score += (e_jk > e_kj) - (e_jk < e_kj)
        out[j] = float(score)
    return out


# -- ranking and classification ---------------------------------------------------------


def rank(values: np.ndarray, descending: bool = True) -> np.ndarray:
    """Competition ranks (1, 2, 2, 4); NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, math.nan)
    ok = ~np.isnan(v)
    key = -v if descending else v
    # 1 + how many values come strictly before: the left insertion point among the sorted
    out[ok] = 1 + np.searchsorted(np.sort(key[ok]), key[ok], side="left")
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
    ok = ~np.isnan(v)
    below = np.searchsorted(ref, v[ok], side="left")   # competition rank − 1 among ref
    out[ok] = np.minimum(k - 1, (below * k) // n)
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
    cost = np.full((k + 1, n + 1), math.inf)
    back = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    # cost[q, j] = min over i < j of cost[q-1, i] + ssd(x[i:j]), for a block of ends j at a
    # time: the ssd of every (start, end) pair of the block is made once and serves every
    # q. The arithmetic is the scalar recurrence's, element by element; starts below q-1
    # cost inf (no q-1 classes fit there), pairs with i >= j are inf, and argmin takes the
    # first of equal costs, as a strict "<" scan from i = q-1 upwards does.
    block = max(1, 2_000_000 // (n + 1))
    for j0 in range(1, n + 1, block):
        ends = np.arange(j0, min(n + 1, j0 + block))
        jj = ends[None, :]
        ii = np.arange(0, int(ends[-1]))[:, None]
        s = s1[jj] - s1[ii]
        with np.errstate(divide="ignore", invalid="ignore"):
            ssd = s2[jj] - s2[ii] - s * s / (jj - ii)
        ssd[ii >= jj] = math.inf
        cols = np.arange(ends.size)
        for q in range(1, k + 1):
            c = cost[q - 1, :ii.shape[0]][:, None] + ssd
            arg = np.argmin(c, axis=0)
            keep = ends >= q
            cost[q, ends[keep]] = c[arg, cols][keep]
            back[q, ends[keep]] = arg[keep]
    bounds: list[float] = []
    end = n
    for q in range(k, 0, -1):
        bounds.append(float(x[end - 1]))
        end = int(back[q, end])
    return sorted(bounds)


def classes_from_bounds(values: np.ndarray, bounds: Sequence[float]) -> np.ndarray:
    """Class of each value: the first class whose upper bound is >= the value."""
    v = np.asarray(values, dtype=float)
    out = np.full(v.shape, -1, dtype=int)
    b = np.asarray(bounds, dtype=float)
    ok = ~np.isnan(v)
    out[ok] = np.minimum(np.searchsorted(b, v[ok], side="left"), len(b) - 1)
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
