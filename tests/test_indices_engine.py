"""The engine on small in-memory datasets: steps, nesting, missing values, errors."""
from __future__ import annotations

import math

import pytest

from aimaq.errors import ComputeError, MethodologyError
from indices_helpers import compute, line_of, make_dataset, methodology

DS = make_dataset({
    "n": {"u1": 5, "u2": 10, "u3": 0, "reg": 15},
    "total": {"u1": 50, "u2": 40, "u3": 10, "reg": 100},
    "bad": {"u1": 1, "u2": 2, "u3": 4, "reg": 7},
    "good": {"u1": 30, "u2": 10, "u3": 20, "reg": 20},
}, directions={"bad": "lower"})


def test_denominate_and_record_steps():
    r = compute(DS, """
        indices:
          - id: level
            name: {en: Level}
            areas: [units, region]
            inputs:
              - {id: n, indicator: n}
              - {id: total, indicator: total}
            steps:
              - denominate: {by: total, scale: 100}
              - rank
        """)
    res = r["level"]
    s = res.series(include_region=True)
    assert s.to_dict() == {"u1": 10.0, "u2": 25.0, "u3": 0.0, "reg": 15.0}
    ranks = res.values.set_index("unit")["rank"]
    assert ranks["u2"] == 1 and ranks["u3"] == 3 and math.isnan(ranks["reg"])
    kinds = [s.kind for s in res.steps]
    assert kinds == ["input", "denominate", "rank"]
    assert "divided n by total; scale: × 100" in res.steps[1].description
    assert res.steps[1].table.loc["u2"].iloc[0] == 25.0


def test_share_of_region_total_and_of_the_sum():
    r = compute(DS, """
        indices:
          - id: share
            name: {en: Share}
            inputs: [{indicator: total}]
            steps: [{denominate: {by: region, scale: 100}}]
          - id: share_sum
            name: {en: Share of the sum}
            inputs: [{indicator: n}]
            steps: [{denominate: {by: units_sum}}]
        """)
    assert r["share"].series().to_dict() == {"u1": 50.0, "u2": 40.0, "u3": 10.0}
    assert r["share_sum"].series()["u2"] == pytest.approx(10 / 15)


def test_direction_inverts_minmax_and_nested_indices_aggregate():
    r = compute(DS, """
        indices:
          - id: partial
            name: {en: Partial}
            inputs:
              - {id: bad, indicator: bad}
              - {id: good, indicator: good}
            steps: [{normalise: {method: minmax}}]
          - id: pillar
            name: {en: Pillar}
            inputs: [{id: p, index: partial}]
            steps: [{aggregate: {method: arithmetic, weights: {bad: 0.25, good: 0.75}}}]
          - id: top
            name: {en: Top}
            inputs:
              - {id: a, index: pillar, weight: 0.5}
              - {id: b, index: partial, weight: 0.5}
            steps: [{aggregate: {method: arithmetic}}]
        """)
    bad = r["partial"].series("bad")
    assert bad.to_dict() == {"u1": 1.0, "u2": pytest.approx(2 / 3), "u3": 0.0}
    assert "lower is better for bad" in r["partial"].steps[1].description
    pillar = r["pillar"].series()
    assert pillar["u1"] == pytest.approx(0.25 * 1 + 0.75 * 1)
    assert pillar["u2"] == pytest.approx(0.25 * 2 / 3 + 0.75 * 0)
    top = r["top"].series()
    # b (partial, two parts) gets 0.5 split equally: 0.25 each
    assert top["u2"] == pytest.approx(0.5 * pillar["u2"] + 0.25 * 2 / 3 + 0.25 * 0)
    assert r["top"].meta.depends_on == ["pillar", "partial"]


def test_division_by_zero_names_index_unit_inputs_file_and_line():
    text = """
        indices:
          - id: ratio
            name: {en: Ratio}
            inputs:
              - {id: total, indicator: total}
              - {id: n, indicator: n}
            steps:
              - denominate: {by: n}
        """
    with pytest.raises(ComputeError) as e:
        compute(DS, text)
    err = e.value
    assert "division by zero" in err.message
    assert "ratio" in err.message and "u3" in err.message and "total" in err.message
    assert "n" in err.message
    assert str(err.file) == "methodology.yaml" and err.line == line_of(text, "denominate")


def test_missing_values_fail_naming_units_and_indicators_or_are_skipped():
    ds = make_dataset({"a": {"u1": 1, "u2": 2, "u3": 3}, "b": {"u1": 1, "u2": None, "u3": 3},
                       "c": {"u1": 1, "u3": 2}})
    text = """
        indices:
          - id: mean
            name: {en: Mean}
            {missing}
            inputs: [{indicator: a}, {indicator: b}, {indicator: c}]
            steps: [{aggregate: {method: arithmetic}}]
        """
    with pytest.raises(ComputeError) as e:
        compute(ds, text.replace("{missing}", ""))
    assert "u2" in e.value.message and "b" in e.value.message and "c" in e.value.message
    r = compute(ds, text.replace("{missing}", "missing: {policy: skip, min_share: 0.3}"))
    assert r["mean"].series()["u2"] == pytest.approx(2.0)
    r = compute(ds, text.replace("{missing}", "missing: {policy: skip, min_share: 0.5}"))
    assert math.isnan(r["mean"].series()["u2"])
    notes = " ".join(n for s in r["mean"].steps for n in s.notes)
    assert "u2" in notes and "not computed" in notes


def test_geometric_mean_epsilon_and_error_without_it():
    ds = make_dataset({"a": {"u1": 0.0, "u2": 0.5}, "b": {"u1": 0.4, "u2": 0.5}})
    text = """
        indices:
          - id: g
            name: {en: G}
            inputs: [{indicator: a}, {indicator: b}]
            steps: [{aggregate: {method: geometric{eps}}}]
        """
    r = compute(ds, text.replace("{eps}", ", epsilon: 1.0e-5"))
    assert r["g"].series()["u1"] == pytest.approx(math.sqrt(1e-5 * 0.4))
    assert any("ε = 1e-05" in n for n in r["g"].steps[-1].notes)
    with pytest.raises(ComputeError, match="epsilon"):
        compute(ds, text.replace("{eps}", ""))


def test_time_window_methods_and_window_outside_the_data():
    years = {2015: 10.0, 2016: 12.0, 2017: 9.0, 2018: 15.0}
    ds = make_dataset({}, units=["u1", "u2"], extra=[
        {"unit": "country", "indicator": "x", "year": y, "value": v} for y, v in years.items()])
    text = """
        indices:
          - id: o
            name: {en: O}
            areas: [country]
            inputs: [{indicator: x}]
            steps: [{normalise: {method: window_mean, window: [2016, 2018]}}]
          - id: t
            name: {en: T}
            areas: [country]
            inputs: [{indicator: x}]
            steps: [{normalise: {method: average_growth, window: [2016, 2018]}}]
          - id: io
            name: {en: Io}
            areas: [country]
            inputs: [{indicator: x}]
            steps: [{normalise: {method: window_minmax, window: [2016, 2018]}}]
        """
    r = compute(ds, text)
    assert r["o"].series().to_dict() == {"country": pytest.approx(12.0)}
    assert r["o"].values["year"].tolist() == [2018]
    assert r["t"].series()["country"] == pytest.approx(1.5 ** (1 / 3))
    assert r["io"].series()["country"] == pytest.approx((12 - 9) / (15 - 9))
    bad = text.replace("average_growth, window: [2016, 2018]",
                       "average_growth, window: [2015, 2018]")
    with pytest.raises(MethodologyError) as e:
        compute(ds, bad)
    assert "2014" in e.value.message and e.value.line == line_of(bad, "[2015, 2018]")


def test_classify_kmeans_thresholds_map_and_given():
    ds = make_dataset({"v": {"u1": 1, "u2": 2, "u3": 10, "u4": 11, "u5": 30}},
                      classes={"g": ["low", "high"]},
                      extra=[{"unit": "u1", "indicator": "g", "value": "low", "table": "t2"},
                             {"unit": "u5", "indicator": "g", "value": "high", "table": "t2"}])
    r = compute(ds, """
        indices:
          - id: k
            name: {en: K}
            inputs: [{indicator: v}]
            steps:
              - classify: {method: kmeans, classes: [a, b, c]}
          - id: th
            name: {en: Th}
            inputs: [{indicator: v}]
            steps: [{classify: {method: thresholds, breaks: [10], classes: [small, big]}}]
          - id: m
            name: {en: M}
            inputs: [{index: k}]
            steps: [{classify: {method: map, map: {a: flagged}, default: other}}]
          - id: given
            name: {en: Given}
            inputs: [{indicator: v}]
            steps: [{classify: {method: given, indicator: g}}]
        """)
    k = r["k"].values.set_index("unit")["class"].to_dict()
    assert k == {"u1": "a", "u2": "a", "u3": "b", "u4": "b", "u5": "c"}
    th = r["th"].values.set_index("unit")["class"].to_dict()
    assert th["u2"] == "small" and th["u3"] == "big"
    assert r["m"].classed("flagged") == ["u1", "u2"]
    g = r["given"].values.set_index("unit")["class"].to_dict()
    assert g["u1"] == "low" and g["u5"] == "high" and g["u3"] == ""
    assert [c.id for c in r["given"].meta.classes] == ["low", "high"]


def test_category_parts_share_of_the_total_category():
    ds = make_dataset({}, units=["u1", "u2"], categories={"c": ["all", "x", "y"]}, extra=[
        {"unit": "reg", "indicator": "c", "category": "all", "value": 200},
        {"unit": "reg", "indicator": "c", "category": "x", "value": 150},
        {"unit": "reg", "indicator": "c", "category": "y", "value": 50}])
    r = compute(ds, """
        indices:
          - id: s
            name: {en: S}
            areas: [region]
            inputs: [{indicator: c, category: "*"}]
            steps: [{denominate: {by: "part:all", scale: 100}}]
        """)
    v = r["s"].values
    assert dict(zip(v["part"], v["value"])) == {"x": 75.0, "y": 25.0}
    assert set(r.values_table()["index"]) == {"s:x", "s:y"}


def test_sensitivity_reports_rank_ranges_and_dependent_flags():
    r = compute(DS, """
        indices:
          - id: partial
            name: {en: Partial}
            inputs: [{id: bad, indicator: bad}, {id: good, indicator: good}]
            steps: [{normalise: {method: minmax}}]
          - id: score
            name: {en: Score}
            inputs: [{index: partial}]
            steps:
              - aggregate: {method: arithmetic}
              - classify: {method: thresholds, breaks: [0.5], classes: [low, ok]}
        sensitivity:
          - id: s
            target: score
            flag: {index: score, class: low}
            factors:
              - name: weights
                options:
                  - {label: equal}
                  - label: bad only
                    set: [{index: score, step: aggregate, weights: {bad: 1.0, good: 0.0}}]
        """)
    s = r.sensitivity[0]
    summ = s.summary.set_index("unit")
    # u2: partial bad 2/3, good 0 → equal 1/3 (low); bad only 2/3 (ok)
    assert summ.loc["u2", "flag_status"] == "depends"
    assert summ.loc["u2", "flag_share"] == 0.5
    assert summ.loc["u1", "flag_status"] == "never"
    assert s.dependent_units() == ["u2"]
    assert len(s.variants) == 2 * 3


def test_variant_with_bad_weights_is_an_error_at_its_line():
    text = """
        indices:
          - id: score
            name: {en: Score}
            inputs: [{indicator: bad}, {indicator: good}]
            steps: [{aggregate: {method: arithmetic}}]
        sensitivity:
          - id: s
            target: score
            factors:
              - name: weights
                options:
                  - {label: equal}
                  - label: wrong
                    set: [{index: score, step: aggregate, weights: {bad: 0.7, good: 0.7}}]
        """
    with pytest.raises(MethodologyError) as e:
        compute(DS, text)
    assert "sum to 1.4" in e.value.message and e.value.line == line_of(text, "0.7, good")


def test_duplicate_values_in_two_tables_must_name_the_table():
    ds = make_dataset({"a": {"u1": 1, "u2": 2}}, extra=[
        {"unit": "u1", "indicator": "a", "value": 5, "table": "t9"}])
    text = """
        indices:
          - id: x
            name: {en: X}
            inputs: [{indicator: a}]
            steps: [rank]
        """
    with pytest.raises(MethodologyError, match="name the table|tables"):
        compute(ds, text)
    r = compute(ds, text.replace("{indicator: a}", "{indicator: a, table: t1}"))
    assert r["x"].series()["u1"] == 1


def test_methodology_parse_only():
    m = methodology("""
        indices:
          - id: x
            name: {en: X}
            inputs: [{indicator: a}]
            steps: [rank, {rank: {order: ascending}}]
        """)
    assert [s.kind for s in m.indices["x"].steps] == ["rank", "rank"]


def test_reserved_input_id_is_an_error():
    text = """
        indices:
          - id: x
            name: {en: X}
            inputs:
              - {id: region, indicator: total}
            steps: [rank]
        """
    with pytest.raises(MethodologyError, match="reserved") as e:
        compute(DS, text)
    assert e.value.line == line_of(text, "{id: region")


AUDITED = """
    indices:
      - id: level
        name: {en: Level}
        inputs:
          - {id: n, indicator: n}
          - {id: total, indicator: total}
        steps:
          - denominate: {by: total, scale: 100}
        audit:
          - values:
              - {unit: u1, value: 10.0}
              - {unit: u2, value: 26.0, decimals: 0}
              - {unit: u3, value: 7.0, line: 12}
            errata:
              - {unit: u3, reason: "misprint"}
    """


def test_audit_statuses_tolerance_and_reasons():
    r = compute(DS, AUDITED)
    a = r.audit.set_index("unit")
    assert a.loc["u1", "status"] == "match"
    assert a.loc["u2", "status"] == "differs"                 # 25 vs 26 with 0 decimals
    assert "no known erratum" in a.loc["u2", "reason"]
    assert a.loc["u3", "status"] == "differs" and "misprint" in a.loc["u3", "reason"]
    assert "line 12" in a.loc["u3", "reason"]
    assert a.loc["u3", "difference"] == pytest.approx(-7.0)
    r = compute(DS, AUDITED.replace("26.0, decimals: 0", "25.4, decimals: 0"))
    assert r.audit.set_index("unit").loc["u2", "status"] == "match"


def test_a_stale_erratum_or_unknown_audit_part_is_an_error():
    text = AUDITED.replace("{unit: u3, reason", "{unit: reg, reason")
    with pytest.raises(MethodologyError, match="concerns no audited value") as e:
        compute(DS, text)
    assert e.value.line == line_of(text, "{unit: reg, reason")
    text = AUDITED.replace("{unit: u1, value: 10.0}", "{unit: u1, value: 10.0, part: x}")
    with pytest.raises(MethodologyError, match="part 'x'"):
        compute(DS, text)


def test_weights_for_an_unknown_part_are_an_error():
    text = """
        indices:
          - id: partial
            name: {en: Partial}
            inputs: [{id: bad, indicator: bad}, {id: good, indicator: good}]
            steps: [{normalise: {method: minmax}}]
          - id: score
            name: {en: Score}
            inputs: [{index: partial}]
            steps: [{aggregate: {method: arithmetic, weights: {bad: 0.5, godo: 0.5}}}]
        """
    with pytest.raises(MethodologyError, match="'godo'") as e:
        compute(DS, text)
    assert e.value.line == line_of(text, "godo")


def test_the_aggregation_table_is_pandas_pivot_table_first():
    """aggregate's matrix (steps._first_table) is what pivot_table(aggfunc="first",
    dropna=False) reindexed to the columns gives: every unit x year, the first value that
    is not NaN, NaN where none."""
    import random

    import numpy as np
    import pandas as pd

    from aimaq.indices.steps import _first_table
    rng = random.Random(7)
    for _ in range(200):
        units = [f"u{i}" for i in range(rng.randint(1, 5))]
        keys = list(dict.fromkeys((f"i{rng.randint(0, 3)}", rng.choice(["", "p"]))
                                  for _ in range(rng.randint(1, 4))))
        rows = [{"unit": rng.choice(units), "input": i, "part": p,
                 "year": rng.choice([2019, 2021, 2020]),
                 "value": rng.choice([math.nan, 0.0, rng.random()])}
                for i, p in (rng.choice(keys + [("other", "")]) for _ in range(rng.randint(1, 30)))]
        df = pd.DataFrame(rows).astype({"year": "int64", "value": "float64"})
        order = {u: n for n, u in enumerate(dict.fromkeys(df["unit"].tolist()))}
        sub = df[[k in keys for k in zip(df["input"], df["part"])]]
        if sub.empty:
            continue
        table = sub.pivot_table(index=["unit", "year"], columns=["input", "part"],
                                values="value", aggfunc="first", dropna=False)
        table = table.reindex(columns=pd.MultiIndex.from_tuples(keys))
        table = table.reindex(sorted(table.index, key=lambda uy: (order[uy[0]], uy[1])))
        got_rows, matrix = _first_table(df, keys, order)
        assert got_rows == list(table.index)
        assert np.array_equal(matrix, table.to_numpy(dtype=float), equal_nan=True)
