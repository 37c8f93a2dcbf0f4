"""The 2023 edition: every reproducible printed value of the dissertation is reproduced,
every other one has its reason (methods.md §§2–10, §12)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from aimaq.data.load import load_dataset
from aimaq.indices import compute

ROOT = Path(__file__).resolve().parents[1]
#: AIMAQ_TEST_DATA points the tests at another copy of the data folder (holding 2023/).
DATA = Path(os.environ.get("AIMAQ_TEST_DATA", ROOT / "data"))
DEPRESSED = {"urzhar", "kurshim", "katonkaragai", "tarbagatai", "abai", "beskaragai",
             "kokpekti"}


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA, "2023")


@pytest.fixture(scope="module")
def results(dataset):
    return compute(dataset)


def _audit(results, index):
    a = results.audit
    return a[a["index"].str.split(":").str[0] == index]


def test_table_15_activity_levels_reproduce_20_of_20(results):
    a = _audit(results, "innovation_activity_level")
    assert len(a) == 20 and set(a["status"]) == {"match"}
    s = results["innovation_activity_level"].series(include_region=True)
    assert round(s["east-kazakhstan"], 2) == 12.89 and round(s["ayagoz"], 2) == 38.46


def test_table_16_large_enterprise_rate_of_the_region(results):
    row = _audit(results, "innovation_activity_level_large").iloc[0]
    assert row["unit"] == "east-kazakhstan" and row["status"] == "match"
    assert round(row["computed"], 1) == 57.9
    t16 = _audit(results, "t16_activity_by_size")
    assert set(t16["status"]) == {"not-reproducible"} and len(t16) == 44


def test_k_ia_is_0_5078_from_the_printed_composite_indices(results):
    k = results["kz_k_ia"]
    assert round(k.series()["kazakhstan"], 4) == 0.5078
    row = _audit(results, "kz_k_ia").iloc[0]
    assert row["status"] == "match" and row["printed"] == 0.5078


def test_k_ia_reconstruction_from_table_36_is_labelled(results):
    k = results["kz_k_ia_reconstruction"]
    assert round(k.series()["kazakhstan"], 4) == 0.4699
    assert k.meta.status == "reconstruction" and k.meta.is_reconstruction
    row = _audit(results, "kz_k_ia_reconstruction").iloc[0]
    assert row["status"] == "reconstruction" and "0.4699" in row["reason"]
    assert round(results["kz_k_ia_from_components"].series()["kazakhstan"], 4) == 0.5107


def test_table_38_volume_and_average_volume(results):
    o = _audit(results, "kz_o_avg_volume").set_index("index")
    assert (o["status"] == "match").sum() == 9
    assert "decimal slip" in o.loc["kz_o_avg_volume:x3", "reason"]
    io = _audit(results, "kz_i_volume_index").set_index("index")
    matched = {i.split(":")[1] for i in io.index[io["status"] == "match"]}
    assert matched == {"x1", "x2", "x5", "r1", "r3"}
    assert all("formula (7)" in r for r in io.loc[io["status"] == "match", "reason"])
    assert "rounded to 0.039" in io.loc["kz_i_volume_index:r4", "reason"]
    comp = _audit(results, "kz_i_composite_check")
    assert (comp["status"] == "match").sum() == 7
    growth = _audit(results, "kz_i_growth_index")
    assert set(growth["status"]) == {"not-reproducible"}


def test_table_26_shares_reproduce_except_the_two_known_typos(results):
    a = _audit(results, "resource_shares")
    units = a[a["unit"] != "east-kazakhstan"]
    assert len(units) == 76
    bad = units[units["status"] != "match"]
    assert set(zip(bad["unit"], bad["index"])) == {
        ("glubokoe", "resource_shares:economically_active"),
        ("zharma", "resource_shares:economically_active")}
    assert all(bad["reason"].str.len() > 20)


def test_table_45_integral_index_names_each_differing_row(results):
    a = _audit(results, "integral_innovation_index").set_index("unit")
    assert len(a) == 19
    match = set(a.index[a["status"] == "match"])
    assert match == {"oskemen", "kurchatov", "ridder", "urzhar", "borodulikha", "glubokoe",
                     "katonkaragai", "tarbagatai"}
    differs = a[a["status"] != "match"]
    assert set(differs.index) == {"semey", "ulan", "abai", "ayagoz", "beskaragai", "zharma",
                                  "zaisan", "altai", "kokpekti", "kurshim", "shemonaikha"}
    assert "duplicates Semey" in a.loc["ulan", "reason"]
    assert "duplicates Öskemen" in a.loc["borodulikha", "reason"]
    assert "ε" in a.loc["beskaragai", "reason"]
    assert round(a.loc["oskemen", "computed"], 3) == 0.414
    assert results["integral_innovation_index"].meta.status == "reconstruction"


def test_every_audited_difference_has_a_declared_reason(results):
    a = results.audit
    off = a[a["status"] != "match"]
    assert not off.empty and all(off["reason"].str.len() > 10)
    assert not off["reason"].str.contains("no known erratum").any(), \
        off[off["reason"].str.contains("no known erratum")][["index", "unit"]]


def test_depressed_units_are_derived_and_labelled(results):
    dep = results["depressed_units"]
    assert set(dep.classed("depressed")) == DEPRESSED
    assert dep.meta.status == "addition"
    assert set(results["depressed_by_given_groups"].classed("depressed")) == DEPRESSED
    cmp = dep.comparisons[0]
    assert cmp["agree"].all()
    score = results["depressiveness_score"]
    ranks = score.values.set_index("unit")["rank"]
    assert {u for u, r in ranks.items() if r <= 7} == DEPRESSED
    assert ranks["tarbagatai"] == 1


def test_partial_depressiveness_scores_follow_formulas_10_and_11(results):
    y = results["depressiveness_partial"]
    assert round(y.series("x3")["abai"], 3) == 0.078          # (92016 − 85535) / 83150
    assert y.series("x1")["tarbagatai"] == 0                  # worst unemployment
    assert y.series("x1")["beskaragai"] == 1                  # best (lowest) unemployment
    assert round(y.series("x2")["ayagoz"], 3) == 1.0          # lowest death rate


def test_printed_groups_are_checked_against_the_values(results):
    def off(index):
        a = _audit(results, index)
        return set(a.loc[a["status"] != "match", "unit"])
    assert off("wage_groups") == {"semey", "altai"}
    assert off("industry_groups") == {"semey", "abai"}
    assert off("investment_groups") == {"zaisan"}
    a = _audit(results, "industry_groups").set_index("unit")
    assert a.loc["abai", "status"] == "not-reproducible"


def test_capital_labour_ratio_and_shares(results):
    k = results["capital_labour_ratio"].series(include_region=True)
    expected = {"east-kazakhstan": 728.3, "abai": 418.8, "ayagoz": 2367.0, "zharma": 3016.3,
                "oskemen": 788.2}
    for unit, value in expected.items():
        assert round(k[unit], 1) == value
    v = results["innovation_cost_structure"].values.set_index("part")["value"]
    assert round(v["mining"], 2) == 43.31 and round(v["health"], 2) == 2.98
    f = results["innovation_financing_structure"].values.set_index("part")["value"]
    assert round(f["own_funds"], 1) == 61.8


def test_sensitivity_flags_units_whose_status_depends_on_the_method(results):
    s = next(x for x in results.sensitivity if x.id == "depressiveness")
    summary = s.summary.set_index("unit")
    assert set(summary.index[summary["flag_status"] == "always"]) == DEPRESSED
    assert set(s.dependent_units()) and not set(s.dependent_units()) & DEPRESSED
    assert (summary["rank_min"] <= summary["nominal_rank"]).all()
    assert (summary["rank_max"] >= summary["nominal_rank"]).all()
    k = next(x for x in results.sensitivity if x.id == "k_ia").summary.iloc[0]
    assert round(k["value_min"], 4) == 0.5000 and round(k["value_max"], 4) == 0.5078


def test_every_index_has_a_methodology_card(results):
    for res in results.indices.values():
        m = res.meta
        assert {"kk", "ru", "en"} <= set(m.name), m.id
        assert m.measures.get("en"), m.id
        assert m.inputs and m.status in ("source", "reconstruction", "addition")
        assert res.steps[0].kind == "input"


def test_a_variant_is_an_edited_file_not_new_code(tmp_path, dataset):
    """Geometric instead of arithmetic K_ia: edit one line of a copy of the file."""
    text = (dataset.root / "methodology.yaml").read_text(encoding="utf-8")
    block = text.index("  - id: kz_k_ia\n")
    end = text.index("- aggregate: {method: arithmetic, weights: equal}", block)
    edited = text[:end] + "- aggregate: {method: geometric, weights: equal}" + \
        text[end + len("- aggregate: {method: arithmetic, weights: equal}"):]
    path = tmp_path / "methodology.yaml"
    path.write_text(edited, encoding="utf-8")
    r = compute(dataset, path, sensitivity=False)
    assert round(r["kz_k_ia"].series()["kazakhstan"], 4) == 0.5000


def test_engine_code_names_no_unit_or_region(dataset):
    ids = [a for a in dataset.areas if len(a) > 3]
    code = "\n".join(p.read_text(encoding="utf-8")
                     for p in (ROOT / "generator" / "indices").glob("*.py"))
    for area in ids:
        assert not re.search(rf"\b{re.escape(area)}\b", code), area

