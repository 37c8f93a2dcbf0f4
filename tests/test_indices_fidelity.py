"""The fidelity list of the dissertation recount, each item on the bundled 2023 data."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from aimaq.data.checks import run_checks
from aimaq.data.load import load_dataset
from aimaq.data.model import TableMeta
from aimaq.indices import api
from aimaq.indices.audit import compare_number
from aimaq.indices.phrases import LANGUAGES, fields_of, is_fallback, render, templates
from aimaq.indices.printed import decimals_as_printed, decimals_of_float
from aimaq.indices.summary import summarise
from indices_helpers import compute, make_dataset

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DATA, "2023")


@pytest.fixture(scope="module")
def results(dataset):
    return api.compute(dataset)


@pytest.fixture(scope="module")
def checks(dataset):
    return {r.id: r for r in run_checks(dataset)}


def _audit(results, index, year):
    a = results.audit
    row = a[(a["index"] == index) & (a["year"] == year)]
    assert len(row) == 1, (index, year)
    return row.iloc[0]


def _arg(row, name):
    [p] = [p for p in row["said"] if name in p.args]
    return p.code, p.args


# -- Table 37 -------------------------------------------------------------------------------


def test_table_37_r1_follows_the_rounded_ratios_in_2016_and_2017(results):
    for year, unrounded in ((2016, 50.67), (2017, 321.97)):
        row = _audit(results, "kz_chain_growth:r1", year)
        code, args = _arg(row, "other")
        assert code == "erratum.follows_rounded"
        assert abs(args["other"] - unrounded) < 0.005            # from Table 36's levels
        assert abs(row["printed"] - args["computed"]) <= 0.5       # the claim holds
        assert abs(row["printed"] - args["other"]) > 0.5


def test_table_37_r1_2018_fits_neither(results):
    row = _audit(results, "kz_chain_growth:r1", 2018)
    code, args = _arg(row, "other")
    assert code == "erratum.fits_neither"
    assert round(args["computed"], 1) == 146.8 and round(args["other"], 1) == 146.6
    assert min(abs(145.0 - args["computed"]), abs(145.0 - args["other"])) > 1


def test_table_37_r4_2016_is_a_misprint_and_r2_2017_a_whole_percent(results):
    r4 = _audit(results, "kz_chain_growth:r4", 2016)
    assert [p.code for p in r4["said"]] == ["erratum.misprint"]
    assert r4["printed"] == 79.7 and round(r4["computed"], 1) == 70.7
    r2 = _audit(results, "kz_chain_growth:r2", 2017)
    assert [p.code for p in r2["said"]] == ["erratum.whole_percent"]
    assert round(r2["computed"]) == r2["printed"] == 183.0
    assert "Table 37 was computed from unrounded ratios" not in " ".join(
        results.audit["reason"])


# -- ranks --------------------------------------------------------------------------------


def test_no_rank_among_fewer_than_two_units(results):
    for index_id, res in results.indices.items():
        v = res.values[~res.values["ref"]]
        for _, g in v.groupby(["part", "year"]):
            if g["value"].notna().sum() < 2:
                assert g["rank"].isna().all(), index_id
    for index_id in ("innovation_cost_structure", "innovation_financing_structure"):
        assert results[index_id].values["rank"].isna().all()
        assert any(p.code == "step.rank.too_few" for p in results[index_id].steps[-1].said)


def test_ranked_indices_still_rank_many_units(results):
    ranks = results["integral_innovation_index"].values["rank"]
    assert ranks.notna().sum() == 19


# -- printed precision ----------------------------------------------------------------------


def test_printed_precision_is_read_from_the_csv_text(dataset):
    t26 = dataset.select(table="t26_resource_shares")
    hundred = t26[(t26["value"] == 100.0)].iloc[0]
    assert decimals_of_float(100.0) == 0                       # the float forgets the ".0"
    assert decimals_as_printed(dataset, "t26_resource_shares", hundred["row"]) == 1


def test_an_audit_uses_the_text_precision(tmp_path):
    (tmp_path / "t1.csv").write_text("unit,indicator,year,value,category,flag,line,note\n"
                                     "u1,p,2020,1.00,,,,\nu2,p,2020,2.00,,,,\n",
                                     encoding="utf-8")
    ds = make_dataset({"a": {"u1": 1.3, "u2": 2.0}}, extra=[
        {"unit": "u1", "indicator": "p", "value": 1.0}, {"unit": "u2", "indicator": "p",
                                                         "value": 2.0}])
    ds.observations.loc[ds.observations["indicator"] == "p", "row"] = [2, 3]
    ds.tables["t1"] = TableMeta("t1", str(tmp_path / "t1.csv"), "doc", "1", {"en": "t1"})
    res = compute(ds, """
    indices:
      - id: x
        name: {en: X}
        inputs: [{id: a, indicator: a}]
        audit:
          - printed: {table: t1, indicator: p, year: 2020}
    """, sensitivity=False)
    status = dict(zip(res.audit["unit"], res.audit["status"]))
    # 1.3 against a printed "1.00": outside ±0.005 (as a float, "1" would allow ±0.5)
    assert status == {"u1": "differs", "u2": "match"}
    assert compare_number(1.0, 1.3, 0, "nearest")[0] == "match"


# -- reasons from computed values ---------------------------------------------------------


def test_k_ia_reason_numbers_are_the_computed_ones(results):
    row = _audit(results, "kz_k_ia_reconstruction", 2018)
    [p] = row["said"]
    assert p.code == "audit.reconstruction_vs_printed_mean"
    assert p.args["computed"] == results["kz_k_ia_reconstruction"].series().iloc[0]
    assert p.args["other"] == results["kz_k_ia"].series().iloc[0]
    assert round(p.args["computed"], 4) == 0.4699 and round(p.args["other"], 4) == 0.5078
    text = (DATA / "2023" / "methodology.yaml").read_text(encoding="utf-8")
    for typed in ("0.4699", "(118.0 for 118.2", "67.0 for 67.2"):
        assert typed not in text


# -- text claims and checks -----------------------------------------------------------------


@pytest.mark.parametrize("check_id,printed,computed", [
    ("text-1513-activity-fall", 13.5, 13.42),
    ("text-1418-output-fall", 47.7, 47.79),
    ("text-1425-output-rise", 28.4, 28.51),
    ("text-1521-share-with-developments", 12.0, 12.89),
    ("text-4209-lowest-group-mean-wage", 73335.0, 88741.67),
])
def test_text_claims_are_recomputed_and_fail_as_declared(checks, check_id, printed, computed):
    r = checks[check_id]
    assert r.expected == "fails" and not r.passed
    [c] = r.comparisons
    assert c.printed == printed and abs(c.computed - computed) < 0.005


def test_the_text_lowest_group_share_agrees_with_its_own_mean(checks):
    [c] = checks["text-4209-lowest-group-share"].comparisons
    assert c.ok and abs(c.computed - 52.3) < 0.05
    # and the mean of Table 40 is 63.3 % of the region's wage
    assert abs(88741.6667 / 140126 * 100 - 63.3) < 0.05


def test_impossible_values_are_checked(checks):
    bad = {c.label.split()[0] for c in checks["t16-shares-at-most-100"].failures}
    assert bad == {"zaisan"}
    bad = {c.label.split()[0] for c in checks["t17-sold-at-most-produced"].failures}
    assert bad == {"glubokoe", "ulan"}
    [c] = checks["t45-ito-zero-without-new-technologies"].failures
    assert c.label.startswith("altai") and c.printed == 0.67


def test_urzhar_repeats_four_of_ayagoz_s_seven_values(dataset, checks):
    assert checks["t45-urzhar-repeats-ayagoz"].passed
    t45 = dataset.select(table="t45_innovation_indices")
    u = t45[t45["unit"] == "urzhar"].set_index("indicator")["value"]
    a = t45[t45["unit"] == "ayagoz"].set_index("indicator")["value"]
    assert len(u) == 7 and int((u == a[u.index]).sum()) == 4


def test_table_27_changes_are_checked(checks):
    r = checks["t27-change"]
    assert r.passed and len(r.comparisons) == 2


# -- the audit summary ------------------------------------------------------------------------


def test_audit_summary_counts_distinct_printed_numbers(results, checks):
    s = summarise(results.audit, list(checks.values()))
    a = results.audit
    numbers = a[a["kind"] != "order"]
    assert s.printed_total == numbers["cell"].nunique() < len(numbers)
    # Table 38's K_ia is audited twice (as printed, and against the reconstruction): once here
    k = a[a["index"].isin(["kz_k_ia", "kz_k_ia_reconstruction"])]
    assert k["cell"].nunique() == 1 and set(k["status"]) == {"match", "reconstruction"}
    # orderings are counted apart from matches
    assert s.order["consistent"] == int(((a["kind"] == "order") &
                                          (a["status"] == "match")).sum())
    assert s.order["contradicted"] >= 3
    # numbers that only checks.yaml tests are counted too, each once
    only = {c.cell for r in checks.values() for c in r.comparisons
            if c.cell and not c.missing_parts} - set(a["cell"])
    assert sum(s.checks_only.values()) == len(only) > 0


# -- every phrase in every language ----------------------------------------------------------


def test_every_code_has_kk_ru_and_en_with_the_same_numbers():
    for code, texts in templates().items():
        assert set(texts) == set(LANGUAGES), code
        assert all(texts[lang].strip() for lang in LANGUAGES), code
        assert fields_of(texts["kk"]) == fields_of(texts["ru"]) == fields_of(texts["en"]), code


ENGLISH = re.compile(r"\b(the|of|and|by|with|value|values|units?|printed|lower|higher)\b")


def test_kazakh_and_russian_pages_get_no_english_from_the_engine(results):
    said = [p for res in results.indices.values() for st in res.steps for p in st.said]
    said += [p for ps in results.audit["said"] for p in ps]
    codes = {p.code for p in said}
    assert len(codes) > 25
    # every reason written in methodology.yaml has its Kazakh and Russian text too
    assert not [p.args for p in said if is_fallback(p, "kk") or is_fallback(p, "ru")]
    for lang in ("kk", "ru"):
        for p in said:
            if p.code == "text":
                continue
            out = render([p], lang)
            assert not ENGLISH.search(out), (lang, p.code, out)


def test_a_value_printed_in_the_text_keeps_the_precision_written_in_the_file(tmp_path):
    ds = make_dataset({"a": {"u1": 1.3, "u2": 2.0}})
    text = """indices:
  - id: x
    name: {en: X}
    inputs: [{id: a, indicator: a}]
    audit:
      - values:
          - {unit: u1, value: 1.00, line: 12}
          - {unit: u2, value: 2, line: 13}
"""
    path = tmp_path / "methodology.yaml"
    path.write_text(text, encoding="utf-8")
    res = api.compute(ds, api.load_methodology(path, ds), sensitivity=False)
    status = dict(zip(res.audit["unit"], res.audit["status"]))
    # "1.00" is printed to two decimals: 1.3 differs; "2" is a whole number: 2.0 matches
    assert status == {"u1": "differs", "u2": "match"}
