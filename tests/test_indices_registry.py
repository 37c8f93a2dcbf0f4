"""The composite-indicator menu (OECD/JRC Handbook, COINr) against independent numbers.

Every expected value is computed here from the textbook formula or with scipy, never with
the engine's own functions, and compared to 1e-9.
"""
from __future__ import annotations

import csv
import math
import textwrap

import numpy as np
import pytest
from scipy import stats

from aimaq.errors import MethodologyError
from aimaq.indices import api
from aimaq.indices.registry import NORMALISATIONS
from indices_helpers import compute, make_dataset, methodology

# Ten units, one with a large outlier (a skewed indicator) and one indicator lower-is-better.
A = [3.0, 5.0, 4.0, 8.0, 6.0, 7.0, 2.0, 9.0, 1.0, 60.0]
B = [0.2, 0.5, 0.1, 0.9, 0.4, 0.3, 0.8, 0.6, 0.7, 0.35]
UNITS = [f"u{i:02d}" for i in range(1, 11)]
DS = make_dataset({"a": dict(zip(UNITS, A)), "b": dict(zip(UNITS, B))},
                  directions={"b": "lower"})
TOL = 1e-9


def _one(steps: str, inputs: str = "      - {id: a, indicator: a}\n", missing: str = "",
         ds=DS):
    text = ("indices:\n  - id: x\n    name: {en: X}\n" + missing + "    inputs:\n" + inputs
            + "    steps:\n" + textwrap.indent(textwrap.dedent(steps), "      "))
    res = compute(ds, text, sensitivity=False)["x"]
    v = res.values[~res.values["ref"]]
    return res, v


def _col(v, part=""):
    s = v[v["part"] == part].set_index("unit")["value"]
    return np.array([s[u] for u in UNITS])


def test_every_method_has_a_schema_a_function_and_a_description():
    for name, m in NORMALISATIONS.items():
        assert m.schema.model_fields["method"].annotation.__args__ == (name,)
        assert m.description and (m.over == "time" or m.apply is not None
                                  or name == "ratio_to_region")


def test_minmax_onto_any_range():
    _, v = _one("- normalise: {method: minmax, range: [0, 100]}\n")
    a = np.array(A)
    assert np.allclose(_col(v), (a - a.min()) / (a.max() - a.min()) * 100, atol=TOL, rtol=0)


def test_minmax_of_lower_is_better_reverses_onto_the_range():
    _, v = _one("- normalise: {method: minmax, range: [1, 7]}\n",
                "      - {id: b, indicator: b}\n")
    b = np.array(B)
    assert np.allclose(_col(v), 1 + 6 * (b.max() - b) / (b.max() - b.min()), atol=TOL, rtol=0)


def test_zscore_matches_scipy_with_n_minus_1_and_rescale():
    _, v = _one("- normalise: {method: zscore, rescale: {mean: 100, sd: 10}}\n")
    assert np.allclose(_col(v), 100 + 10 * stats.zscore(A, ddof=1), atol=TOL, rtol=0)


def test_zscore_direction_lower_flips_the_sign_first():
    _, v = _one("- normalise: {method: zscore, direction: lower}\n")
    assert np.allclose(_col(v), -stats.zscore(A, ddof=1), atol=TOL, rtol=0)


def test_rank_percentile_rank_and_borda():
    _, v = _one("- normalise: {method: rank}\n")
    assert np.array_equal(_col(v), stats.rankdata(A, method="min"))
    _, v = _one("- normalise: {method: percentile_rank}\n")
    assert np.allclose(_col(v), (stats.rankdata(A, method="min") - 1) / 9, atol=TOL, rtol=0)
    # Borda with a tie: each unit scores the units it beats, a tie counts half
    tied = make_dataset({"a": dict(zip(UNITS, [1, 2, 2, 3, 4, 5, 6, 7, 8, 9]))})
    _, v = _one("- normalise: {method: borda}\n", ds=tied)
    assert np.allclose(_col(v), stats.rankdata([1, 2, 2, 3, 4, 5, 6, 7, 8, 9]) - 1,
                       atol=TOL, rtol=0)


def test_distance_to_max_reference_unit_and_target():
    a = np.array(A)
    _, v = _one("- normalise: {method: distance, to: max}\n")
    assert np.allclose(_col(v), a / a.max(), atol=TOL, rtol=0)
    _, v = _one("- normalise: {method: distance, to: reference, unit: u04}\n")
    assert np.allclose(_col(v), a / 8.0, atol=TOL, rtol=0)
    _, v = _one("- normalise: {method: distance, to: target, target: 10, form: difference}\n")
    assert np.allclose(_col(v), (a - 10) / 10, atol=TOL, rtol=0)


def test_goalposts_reproduce_the_hdi_dimension_indices():
    """UNDP Human Development Report, Technical notes: goalposts 20–85 years (health),
    0–18 and 0–15 years (education), ln 100 – ln 75,000 (income, capped); the HDI is the
    geometric mean of the three indices, education the mean of its two."""
    units = ["u1", "u2", "u3"]
    le, eys, mys, gni = [82.4, 64.1, 71.9], [18.9, 9.5, 12.7], [12.6, 4.1, 8.8], \
        [66494.0, 1645.0, 80000.0]
    ds = make_dataset({"le": dict(zip(units, le)), "eys": dict(zip(units, eys)),
                       "mys": dict(zip(units, mys)), "gni": dict(zip(units, gni))})
    text = """
    indices:
      - id: health
        name: {en: H}
        inputs: [{id: le, indicator: le}]
        steps: [{normalise: {method: goalposts, lower: 20, upper: 85}}]
      - id: education
        name: {en: E}
        inputs: [{id: eys, indicator: eys}, {id: mys, indicator: mys}]
        steps:
          - normalise: {method: goalposts, lower: 0, upper: 18, parts: [eys]}
          - normalise: {method: goalposts, lower: 0, upper: 15, parts: [mys]}
          - aggregate: {method: arithmetic, weights: equal}
      - id: income
        name: {en: I}
        inputs: [{id: gni, indicator: gni}]
        steps: [{normalise: {method: goalposts, lower: 100, upper: 75000, log: true}}]
      - id: hdi
        name: {en: HDI}
        inputs: [{index: health}, {index: education}, {index: income}]
        steps: [{aggregate: {method: geometric, weights: equal}}]
    """
    res = compute(ds, text, sensitivity=False)
    got = res["hdi"].series().reindex(units).to_numpy()
    for i in range(3):
        h = (le[i] - 20) / 65
        e = (min(eys[i], 18) / 18 + mys[i] / 15) / 2
        inc = (math.log(min(gni[i], 75000)) - math.log(100)) / (math.log(75000) - math.log(100))
        assert abs(got[i] - (h * e * inc) ** (1 / 3)) < TOL


def test_log_transform_and_its_domain():
    _, v = _one("- normalise: {method: log, offset: 1}\n")
    assert np.allclose(_col(v), np.log(np.array(A) + 1), atol=TOL, rtol=0)
    with pytest.raises(Exception) as e:
        _one("- normalise: {method: log, offset: -2}\n")
    assert "u07" in str(e.value) and "u09" in str(e.value)


def _excel_skew_kurt(x):
    """Excel's SKEW and KURT (the sample, bias-corrected formulas), by hand."""
    x = np.asarray(x, dtype=float)
    n = x.size
    s = x.std(ddof=1)
    z = (x - x.mean()) / s
    skew = n / ((n - 1) * (n - 2)) * np.sum(z ** 3)
    kurt = (n * (n + 1) / ((n - 1) * (n - 2) * (n - 3)) * np.sum(z ** 4)
            - 3 * (n - 1) ** 2 / ((n - 2) * (n - 3)))
    return skew, kurt


def test_winsorisation_follows_the_skew_and_kurtosis_rule():
    skew, kurt = _excel_skew_kurt(A)
    assert skew > 2 and kurt > 3.5                 # the outlier rule fires on A
    res, v = _one("- treat: {skew: 2, kurtosis: 3.5, max_points: 5}\n")
    expect = np.array(A)
    expect[expect.argmax()] = 9.0                  # the largest value capped at the next one
    assert np.array_equal(_col(v), expect)
    s2, k2 = _excel_skew_kurt(expect)
    assert not (abs(s2) > 2 and k2 > 3.5)
    desc = res.steps[1].description
    assert "u10: 60 → 9" in desc and f"skewness {round(skew, 3):g}" in desc


def test_outliers_beyond_the_point_budget_are_log_transformed():
    res, v = _one("- treat: {max_points: 0}\n")
    a = np.array(A)
    shift = (a.max() - a.min()) / 100
    assert np.allclose(_col(v), np.log(a - a.min() + shift), atol=TOL, rtol=0)
    assert "log-transformed" in res.steps[1].description


def test_imputation_by_mean_median_and_group():
    vals = dict(zip(UNITS, A))
    vals["u03"] = None
    ds = make_dataset({"a": vals})
    for area, kind in zip(UNITS, ["city", "district"] * 5):
        object.__setattr__(ds.areas[area], "type", kind)
    others = [x for u, x in zip(UNITS, A) if u != "u03"]
    res, v = _one("- impute: {method: median}\n", missing="    missing: {policy: skip}\n",
                  ds=ds)
    assert _col(v)[2] == np.median(others)
    assert "u03, a, 2020: 6" in res.steps[1].description
    _, v = _one("- impute: {method: mean, group: type}\n",
                missing="    missing: {policy: skip}\n", ds=ds)
    same = [x for u, x, t in zip(UNITS, A, ["city", "district"] * 5)
            if t == "city" and u != "u03"]
    assert abs(_col(v)[2] - sum(same) / len(same)) < TOL


TWO = "      - {id: a, indicator: a}\n      - {id: b, indicator: b}\n"


@pytest.mark.parametrize("method,extra,expected", [
    ("harmonic", "", lambda x, w: stats.hmean(x, weights=w)),
    ("power", ", power: 2", lambda x, w: stats.pmean(x, 2, weights=w)),
    ("power", ", power: -0.5", lambda x, w: stats.pmean(x, -0.5, weights=w)),
    ("geometric", "", lambda x, w: stats.gmean(x, weights=w)),
])
def test_harmonic_and_power_means_match_scipy(method, extra, expected):
    _, v = _one(f"- aggregate: {{method: {method}, weights: {{a: 0.25, b: 0.75}}{extra}}}\n",
                TWO)
    for i in range(len(UNITS)):
        assert abs(_col(v)[i] - expected([A[i], B[i]], [0.25, 0.75])) < TOL


def test_raw_weights_are_rescaled_on_request():
    _, v = _one("- aggregate: {weights: {normalise: true, values: {a: 1, b: 3}}}\n", TWO)
    assert np.allclose(_col(v), 0.25 * np.array(A) + 0.75 * np.array(B), atol=TOL, rtol=0)
    with pytest.raises(MethodologyError, match="sum to 4"):
        _one("- aggregate: {weights: {a: 1, b: 3}}\n", TWO)


def test_copeland_counts_pairwise_wins_minus_losses():
    """Handbook (OECD/JRC 2008), section 6.2: the weighted outranking matrix."""
    C = [1.0, 9.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 5.0, 5.0]
    ds = make_dataset({"a": dict(zip(UNITS, A)), "b": dict(zip(UNITS, B)),
                       "c": dict(zip(UNITS, C))})
    w = np.array([0.5, 0.3, 0.2])
    _, v = _one("- aggregate: {method: copeland, weights: {a: 0.5, b: 0.3, c: 0.2}}\n",
                TWO + "      - {id: c, indicator: c}\n", ds=ds)
    X = np.array([A, B, C]).T
    for j in range(10):
        score = 0
        for k in range(10):
            if j == k:
                continue
            e_jk = sum(w[i] * (1.0 if X[j, i] > X[k, i] else 0.5 if X[j, i] == X[k, i]
                               else 0.0) for i in range(3))
            score += 1 if e_jk > 0.5 + 1e-12 else -1 if e_jk < 0.5 - 1e-12 else 0
        assert _col(v)[j] == score


# -- strict keys -------------------------------------------------------------------------


@pytest.mark.parametrize("step,needle,words", [
    ("- normalise: {method: minmax, scale: 100}", "scale", "does not use the key 'scale'"),
    ("- normalise:\n    method: zscore\n    range: [0, 1]", "range", "zscore does not use"),
    ("- normalise: {method: chain_growth, direction: lower}", "direction", "direction"),
    ("- aggregate: {method: arithmetic, epsilon: 0.001}", "epsilon", "'epsilon' is not used"),
    ("- aggregate: {method: power}", "power", "needs 'power'"),
])
def test_a_key_the_method_does_not_use_is_an_error_at_its_line(tmp_path, step, needle, words):
    text = ("indices:\n  - id: x\n    name: {en: X}\n    inputs:\n" + TWO + "    steps:\n"
            + textwrap.indent(step, "      ") + "\n")
    path = tmp_path / "methodology.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MethodologyError) as e:
        api.load_methodology(path, DS)
    assert e.value.file == path
    lines = text.splitlines()
    want = next(n for n, ln in enumerate(lines, 1) if needle in ln and "steps" not in ln)
    if needle == "power":
        want = next(n for n, ln in enumerate(lines, 1) if "aggregate" in ln)
    assert e.value.line == want, (e.value.line, str(e.value))
    assert words in str(e.value)
    assert e.value.fix


def test_min_share_without_skip_is_an_error():
    with pytest.raises(MethodologyError, match="only with policy: skip"):
        methodology("""
        indices:
          - id: x
            name: {en: X}
            missing: {policy: fail, min_share: 0.5}
            inputs: [{id: a, indicator: a}]
        """)


def test_a_blank_left_by_min_share_is_a_warning_naming_unit_and_inputs():
    vals = dict(zip(UNITS, B))
    vals["u05"] = None
    ds = make_dataset({"a": dict(zip(UNITS, A)), "b": vals})
    res = compute(ds, """
    indices:
      - id: x
        name: {en: X}
        missing: {policy: skip}
        inputs: [{id: a, indicator: a}, {id: b, indicator: b}]
        steps: [aggregate]
    """, sensitivity=False)
    assert math.isnan(res["x"].series()["u05"])
    [w] = res.warnings
    assert (w["unit"], w["missing"], w["min_share"]) == ("u05", "b", 1.0)
    from aimaq.indices.results import warning_text
    assert "u05" in warning_text(w) and "missing: b" in warning_text(w)


# -- full precision ------------------------------------------------------------------------


def test_compute_output_round_trips_exactly(tmp_path):
    summary = api.compute_to_dir("data", "2023", tmp_path)
    results = api.compute_edition("data", "2023")
    table = results.values_table().set_index(["index", "unit", "year"])["value"]
    with (tmp_path / "indices.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == summary.values
    checked = 0
    for r in rows:
        want = table[(r["index"], r["unit"], int(r["year"]))]
        if r["value"] == "":
            assert math.isnan(want)
            continue
        assert float(r["value"]) == want      # exact, not approximately
        checked += 1
    assert checked > 500
    with (tmp_path / "audit.csv").open(encoding="utf-8") as fh:
        audit = list(csv.DictReader(fh))
    diffs = [float(r["difference"]) for r in audit if r["difference"]]
    assert diffs and all(repr(d) == r or str(int(d)) == r
                         for d, r in zip(diffs, [r["difference"] for r in audit
                                                 if r["difference"]]))


# -- sensitivity over the new choices ------------------------------------------------------


def test_sensitivity_varies_normalisation_aggregation_weights_and_imputation():
    vals = dict(zip(UNITS, B))
    vals["u04"] = None
    ds = make_dataset({"a": dict(zip(UNITS, A)), "b": vals}, directions={"b": "lower"})
    res = compute(ds, """
    indices:
      - id: partial
        name: {en: P}
        missing: {policy: skip}
        inputs: [{id: a, indicator: a}, {id: b, indicator: b}]
        steps:
          - impute: {method: mean}
          - normalise: {method: minmax, range: [0, 100]}
      - id: score
        name: {en: S}
        inputs: [{index: partial}]
        steps:
          - aggregate: {method: arithmetic}
          - classify: {method: quantiles, classes: [low, mid, high]}
          - rank
    sensitivity:
      - id: s
        target: score
        factors:
          - name: imputation
            options:
              - {label: mean}
              - label: median
                set: [{index: partial, step: impute, method: median}]
          - name: normalisation
            options:
              - {label: min-max}
              - label: z-score
                set: [{index: partial, step: normalise, method: zscore}]
              - label: percentile rank
                set: [{index: partial, step: normalise, method: percentile_rank}]
          - name: aggregation
            options:
              - {label: arithmetic}
              - label: Copeland
                set: [{index: score, step: aggregate, method: copeland}]
          - name: weights
            options:
              - {label: equal}
              - label: raw 3 to 1
                set:
                  - {index: score, step: aggregate,
                     weights: {normalise: true, values: {a: 3, b: 1}}}
    """)
    s = res.sensitivity[0]
    assert s.variants["variant"].nunique() == 2 * 3 * 2 * 2
    summ = s.summary.set_index("unit")
    for unit, r in summ.iterrows():
        shares = r["class_shares"]
        assert abs(sum(shares.values()) - 1) < 1e-12 and set(shares) <= {"low", "mid", "high"}
        # the share of a class is the share of variants putting the unit in it
        v = s.variants[s.variants["unit"] == unit]
        for cls, share in shares.items():
            assert share == (v["class"] == cls).mean()
        assert r["rank_min"] == v["rank"].min() and r["rank_max"] == v["rank"].max()
    assert (summ["rank_max"] - summ["rank_min"]).max() > 0


def test_every_method_has_its_page_text_in_every_language():
    from aimaq.indices.phrases import templates
    codes = templates()
    for name in NORMALISATIONS:
        assert any(c == f"step.normalise.{name}" or c.startswith(f"step.normalise.{name}.")
                   for c in codes), name
    for method in ("arithmetic", "geometric", "harmonic", "power", "copeland"):
        assert f"step.aggregate.{method}" in codes
    for status in ("source", "reconstruction", "addition"):
        assert f"status.{status}" in codes


def test_hdi_worked_example_of_the_undp_technical_notes():
    """UNDP, Human Development Report 2020, Technical notes, worked example: GNI per capita
    3,829 (2017 PPP $) gives an income index (ln 3,829 − ln 100)/(ln 75,000 − ln 100) =
    0.5506, and the HDI is (0.6971 · 0.3447 · 0.5506)^(1/3) = 0.510."""
    ds = make_dataset({"gni": {"u1": 3829.0, "u2": 75000.0},
                       "health": {"u1": 0.6971, "u2": 1.0},
                       "education": {"u1": 0.3447, "u2": 1.0}})
    res = compute(ds, """
    indices:
      - id: income
        name: {en: Income index}
        inputs: [{id: gni, indicator: gni}]
        steps: [{normalise: {method: goalposts, lower: 100, upper: 75000, log: true}}]
      - id: hdi
        name: {en: HDI}
        inputs: [{indicator: health}, {indicator: education}, {index: income}]
        steps: [{aggregate: {method: geometric, weights: equal}}]
    """, sensitivity=False)
    income = res["income"].series()["u1"]
    assert abs(income - (math.log(3829) - math.log(100)) / (math.log(75000) - math.log(100))) \
        < TOL
    assert round(income, 4) == 0.5506                        # as printed in the notes
    hdi = res["hdi"].series()["u1"]
    assert abs(hdi - (0.6971 * 0.3447 * income) ** (1 / 3)) < TOL
    assert round(hdi, 3) == 0.510
