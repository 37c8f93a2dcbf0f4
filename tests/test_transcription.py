"""The bundled edition's data against the source it was transcribed from.

Totals are compared with the sums of their parts exactly where the dissertation prints
both; every value's line number is checked against the seed text; every declared check
behaves as declared.
"""
import os
import re
from pathlib import Path

import pytest

from aimaq.data.checks import run_checks, unexpected
from aimaq.data.load import alias_key, load_dataset

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
REGION = "east-kazakhstan"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(ROOT / "data", "2023", base=ROOT)


def test_nineteen_units(ds):
    units = ds.units
    assert len(units) == 19
    assert sum(u.type == "district" for u in units) == 15
    assert sum(u.type == "city" for u in units) == 4
    for u in units:
        assert all(u.name.get(lang) for lang in ("kk", "ru", "en")), u.id
    assert {u.id for u in units if u.border == "china"} == {"kurshim", "zaisan", "tarbagatai", "urzhar"}


@pytest.mark.parametrize("spelling,unit", [
    ("Усть-Каменогорск", "oskemen"), ("Өскемен қалалық әкімшілігі", "oskemen"),
    ("г.Семей", "semey"), ("Глубоковский", "glubokoe"), ("Глубоковка", "glubokoe"),
    ("Урджар", "urzhar"), ("Курчумский", "kurshim"), ("Зайзан", "zaisan"),
    ("Катон-Карагай", "katonkaragai"), ("Бескарагай", "beskaragai"), ("Кокпекті", "kokpekti"),
])
def test_source_spellings_resolve(ds, spelling, unit):
    lookup = {}
    for a in ds.areas.values():
        for name in [a.id, *a.name.values(), *a.aliases]:
            lookup[alias_key(name)] = a.id
    assert lookup.get(alias_key(spelling)) == unit


def test_declared_checks_behave_as_declared(ds):
    results = run_checks(ds)
    assert len(results) >= 20
    assert unexpected(results, ds.root / "checks.yaml") is None
    # The source's own inconsistencies are recorded, not hidden.
    assert any(r.expected == "fails" for r in results)


def total(ds, table, indicator, year, category=""):
    s = ds.series(indicator, year=year, table=table, category=category)
    region = ds.value(indicator, REGION, year=year, table=table, category=category)
    return s.sum(), region


def test_table15_columns_sum_to_printed_region_row(ds):
    printed = {"enterprises": 1831, "enterprises_with_innovations": 236, "employees": 176714,
               "enterprises_cooperating": 99}
    for indicator, value in printed.items():
        parts, region = total(ds, "t15_innovation_activity", indicator, 2020)
        assert region == value
        assert parts == value, indicator


def test_table25_sums_and_the_economically_active_erratum(ds):
    for indicator, value in {"employed_population": 679.1, "fixed_assets": 494597,
                             "enterprises_and_organisations": 14462}.items():
        parts, region = total(ds, "t25_resources", indicator, 2019)
        assert region == value
        assert parts == pytest.approx(value, abs=0.05), indicator
    parts, region = total(ds, "t25_resources", "economically_active_population", 2019)
    assert region == 713.6 and parts == pytest.approx(724.3, abs=0.05)


def test_table18_activities_sum_to_total(ds):
    rows = ds.select("innovation_costs_total", table="t18_innovation_costs")
    total_row = rows[rows["category"] == "all"]["value"].iloc[0]
    assert total_row == pytest.approx(112557.1)
    assert rows[rows["category"] != "all"]["value"].sum() == pytest.approx(112557.1, abs=0.15)


def test_table26_shares_reproduce_from_table25_except_two_typos(ds):
    pairs = {"economically_active_population": "share_economically_active",
             "employed_population": "share_employed", "fixed_assets": "share_fixed_assets",
             "enterprises_and_organisations": "share_enterprises"}
    off = []
    for level, share in pairs.items():
        levels = ds.series(level, year=2019, table="t25_resources")
        region = ds.value(level, REGION, year=2019, table="t25_resources")
        printed = ds.series(share, year=2019, table="t26_resource_shares")
        for unit in ds.unit_ids():
            if abs(levels[unit] / region * 100 - printed[unit]) > 0.1:
                off.append((unit, share))
    assert sorted(off) == [("glubokoe", "share_economically_active"),
                           ("zharma", "share_economically_active")]


def _seed_text():
    if not SEEDS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"seed documents not found at {SEEDS}")
        pytest.skip("the seed documents (../shared/seeds) are not beside this checkout")
    return {p.name: p.read_text(encoding="utf-8").splitlines() for p in SEEDS.glob("*.txt")}


def _digits(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")


def test_every_value_is_on_its_source_line(ds):
    seeds = _seed_text()
    missing = []
    checked = 0
    for r in ds.observations.itertuples():
        if not r.line or r.flag or r.label:
            continue
        doc = ds.documents[ds.tables[r.table].document]
        lines = seeds.get(doc.file)
        assert lines is not None, f"{doc.file} is not among the seeds"
        raw = Path(r.file)
        # The value as written in the CSV (trailing zeros kept) must appear on its line,
        # once spaces are removed and the decimal comma becomes a point.
        cell = _csv_cell(ds, r)
        window = _digits(" ".join(lines[max(0, r.line - 2): r.line + 1]))
        variants = {cell, cell.rstrip("0").rstrip(".") if "." in cell else cell}
        if not any(v in window for v in variants):
            missing.append(f"{raw}:{r.row} {cell} not on line {r.line}")
        checked += 1
    assert checked > 500
    assert missing == []


_CELLS: dict = {}


def _csv_cell(ds, r) -> str:
    import csv

    if r.file not in _CELLS:
        with open(ROOT / r.file, encoding="utf-8") as fh:
            _CELLS[r.file] = list(csv.DictReader(fh))
    return _CELLS[r.file][r.row - 2]["value"].strip()
