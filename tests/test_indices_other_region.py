"""The engine on a second, invented region (7 units): nothing is tied to East Kazakhstan."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from aimaq.cli import main
from aimaq.data.load import load_dataset
from aimaq.indices import compute, compute_to_dir
from aimaq.indices.results import AUDIT_COLUMNS, STATUSES, VALUE_COLUMNS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "other_region"
EDITION = "2024"


@pytest.fixture(scope="module")
def results():
    return compute(load_dataset(FIXTURE, EDITION))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_fixture_is_another_region_with_seven_units():
    ds = load_dataset(FIXTURE, EDITION)
    assert ds.region == "lakeshire" and len(ds.unit_ids()) == 7


def test_compute_to_dir_writes_tidy_deterministic_csv(tmp_path):
    s1 = compute_to_dir(FIXTURE, EDITION, tmp_path / "a")
    compute_to_dir(FIXTURE, EDITION, tmp_path / "b")
    for name in ("indices.csv", "audit.csv", "sensitivity.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    with (tmp_path / "a" / "indices.csv").open() as fh:
        assert next(csv.reader(fh)) == VALUE_COLUMNS
    with (tmp_path / "a" / "audit.csv").open() as fh:
        assert next(csv.reader(fh)) == AUDIT_COLUMNS
    values = _rows(tmp_path / "a" / "indices.csv")
    keys = [(r["index"], r["unit"], r["year"]) for r in values]
    assert keys == sorted(keys) and len(keys) == len(set(keys))
    audit = _rows(tmp_path / "a" / "audit.csv")
    assert {r["status"] for r in audit} <= set(STATUSES)
    assert s1.indices == 11 and s1.values == len(values)
    assert "Edition 2024" in str(s1)


def test_cli_compute_on_the_other_region(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compute", "--data", str(FIXTURE), "--out", str(out)]) == 0
    values = _rows(out / "indices.csv")
    level = {r["unit"]: r for r in values if r["index"] == "activity_level"}
    assert set(level) == {"north-bay", "east-ridge", "millford", "stonebrook", "westfen",
                          "highmoor", "riverton", "lakeshire"}
    assert level["millford"]["rank"] == "1" and level["lakeshire"]["rank"] == ""
    assert float(level["north-bay"]["value"]) == pytest.approx(62 / 410 * 100)


def test_audit_of_the_invented_region(results):
    a = results.audit.set_index(["index", "unit"])
    assert a.loc[("activity_level", "millford"), "status"] == "differs"
    assert "invented misprint" in a.loc[("activity_level", "millford"), "reason"]
    others = a.loc["activity_level"].drop(index="millford")
    assert set(others["status"]) == {"match"} and len(others) == 7      # 6 units + region
    assert a.loc[("integral", "westfen"), "status"] == "reconstruction"
    assert set(a.loc["integral"].drop(index="westfen")["status"]) == {"match"}
    wg = a.loc["wage_groups"]
    assert set(wg.index[wg["status"] == "differs"]) == {"east-ridge", "westfen"}
    assert wg.loc["highmoor", "status"] == "not-reproducible"


def test_classes_flags_and_sensitivity(results):
    assert results["lagging_units"].classed("lagging") == ["east-ridge", "stonebrook",
                                                           "highmoor"]
    s = results.sensitivity[0]
    summary = s.summary.set_index("unit")
    assert summary.loc["stonebrook", "flag_status"] == "always"
    assert summary.loc["north-bay", "flag_status"] == "never"
    assert len(s.variants) == 4 * 7


def test_national_series_and_category_shares(results):
    v = results["cost_shares"].values
    assert dict(zip(v["part"], v["value"])) == {"mining": 60.0, "farming": 30.0,
                                                "services": 10.0}
    coef = results["national_coefficient"].series()["examplia"]
    comp = results["national_composite"].series
    assert coef == pytest.approx((comp("x1")["examplia"] + comp("x2")["examplia"]) / 2)
    # x1 levels 2019–2021: 150, 170, 210 → volume index (176.67 − 150) / 60
    assert results["national_volume"].series("x1")["examplia"] == pytest.approx(
        (530 / 3 - 150) / 60)
