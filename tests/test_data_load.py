"""The loader accepts good data and names file, row and fix for every kind of bad input."""
import json
from pathlib import Path

import pytest

from aimaq.check import check
from aimaq.data.load import alias_key, load_dataset
from aimaq.errors import DataError

TABLE = "data/2023/tables/t1_firms.csv"


def load(site: Path):
    return load_dataset(site / "data", "2023", base=site)


def edit(site: Path, rel: str, old: str, new: str) -> None:
    p = site / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {rel}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_good_fixture(mini):
    ds = load(mini)
    assert ds.unit_ids() == ["alpha", "beta", "gamma"]
    assert ds.region == "mini"
    # Aliases resolve: the CSV names Alpha as "Альфа қ." and the region by its name.
    assert ds.value("firms", "alpha", year=2020) == 30
    assert ds.value("firms", "mini", year=2020) == 60
    gamma = ds.select("innovating_firms", units=["gamma"]).iloc[0]
    assert gamma["flag"] == "nil"
    assert ds.select("dynamics", units=["alpha"]).iloc[0]["label"] == "high"


def test_alias_key_ignores_case_dots_and_spaces():
    assert alias_key("г.Семей") == alias_key("Г. Семей")
    assert alias_key("Катон-Карагай") == alias_key("катон–карагай")


@pytest.mark.parametrize("old,new,row,words", [
    ("beta,firms,2020,20,", "beta,firms,2020,20 000,", 8, ["not a number", "decimal point"]),
    ("beta,firms,2020,20,", "beta,firms,2020,abc,", 8, ["'abc'", "not a number"]),
    ("beta,firms,2020,20,", "Omega,firms,2020,20,", 8, ["unknown unit 'Omega'", "aliases"]),
    ("beta,firms,2020,20,", "beta,firmz,2020,20,", 8, ["unknown indicator 'firmz'", "indicators.yaml"]),
    ("beta,firms,2020,20,", "alpha,firms,2020,20,", 8, ["repeats row 5"]),
    ("beta,firms,2020,20,", "beta,firms,20,20,", 8, ["four-digit year"]),
    ("beta,firms,2020,20,", "beta,firms,2020,,", 8, ["value is empty", "flag"]),
    ("beta,firms,2020,20,", "beta,firms,2020,20,x,", 8, ["has 8 cells", "header has 7"]),
    ("beta,firms,2020,20,", "beta,firms,2020,20,secret", 8, ["unknown flag 'secret'"]),
])
def test_bad_cell_names_file_row_and_fix(mini, old, new, row, words):
    edit(mini, TABLE, old, new)
    with pytest.raises(DataError) as err:
        load(mini)
    message = str(err.value)
    assert err.value.line == row
    assert f"{TABLE}:{row}" in message
    assert "Fix:" in message
    for w in words:
        assert w in message


def test_missing_column(mini):
    edit(mini, TABLE, "unit,indicator,year,value,", "unit,indicator,year,amount,")
    with pytest.raises(DataError) as err:
        load(mini)
    assert "missing column(s) value" in str(err.value) and f"{TABLE}:1" in str(err.value)


def test_extra_column(mini):
    p = mini / "data/2023/tables/t2_dynamics.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join([lines[0] + ",colour"] + [x + ",red" for x in lines[1:]]) + "\n",
                 encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(mini)
    assert "unknown column(s) 'colour'" in str(err.value)
    assert "t2_dynamics.csv:1" in str(err.value)


def test_unknown_class(mini):
    edit(mini, "data/2023/tables/t2_dynamics.csv", "beta,dynamics,2020,low", "beta,dynamics,2020,medium")
    with pytest.raises(DataError, match=r"t2_dynamics.csv:3.*'medium' is not a class"):
        load(mini)


def test_malformed_yaml(mini):
    edit(mini, "data/2023/units.yaml", "  - id: beta\n", "  - id: beta\n   kind: [unit\n")
    with pytest.raises(Exception) as err:
        load(mini)
    assert "units.yaml:" in str(err.value) and "not valid YAML" in str(err.value)


def test_unknown_key_in_units(mini):
    edit(mini, "data/2023/units.yaml", "    border: china\n", "    borders: china\n")
    with pytest.raises(DataError) as err:
        load(mini)
    assert "units.yaml:19" in str(err.value) and "borders" in str(err.value)


def test_alias_collision(mini):
    edit(mini, "data/2023/units.yaml", "aliases: [Альфа қ., Alfa]", "aliases: [Альфа қ., Beta]")
    with pytest.raises(DataError, match="also a name of"):
        load(mini)


def test_unsafe_unit_id_rejected(mini):
    edit(mini, "data/2023/units.yaml", "  - id: gamma", "  - id: ../../etc")
    with pytest.raises(DataError, match="not a valid id"):
        load(mini)


def test_unlisted_table_file(mini):
    (mini / "data/2023/tables/t9_extra.csv").write_text("unit,indicator,year,value\n")
    with pytest.raises(DataError, match="not listed in sources.yaml"):
        load(mini)


def test_unknown_measure(mini):
    edit(mini, "data/2023/indicators.yaml", "    measure: percent\n", "    measure: percents\n")
    with pytest.raises(DataError) as err:
        load(mini)
    assert "indicators.yaml:" in str(err.value) and "percents" in str(err.value)


def test_series_and_ambiguity(mini):
    ds = load(mini)
    s = ds.series("activity_level", year=2020)
    assert list(s.index) == ["alpha", "beta", "gamma"]
    assert s["beta"] == 15.0
    with pytest.raises(DataError, match="unknown indicator"):
        ds.series("nope")


def _with_boundaries(site: Path) -> None:
    """A boundary file with one square polygon per district, and the districts naming it."""
    geo = site / "data/2023/geo"
    geo.mkdir()
    features = [{"type": "Feature", "properties": {"shapeName": name},
                 "geometry": {"type": "Polygon", "coordinates": [[[x, 0], [x + 1, 0],
                                                                  [x + 1, 1], [x, 1], [x, 0]]]}}
                for x, name in enumerate(["Beta", "Gamma"])]
    (geo / "mini.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                  "features": features}), encoding="utf-8")
    edit(site, "data/2023/units.yaml", "name: {kk: Бета, en: Beta}",
         "name: {kk: Бета, en: Beta}\n    geo: {shape: Beta}")
    edit(site, "data/2023/units.yaml", "name: {kk: Гамма, en: Gamma}",
         "name: {kk: Гамма, en: Gamma}\n    geo:\n      shape: Gama")


def test_unknown_polygon_is_blamed_on_its_line_in_units_yaml(mini):
    _with_boundaries(mini)
    with pytest.raises(DataError) as err:
        load(mini)
    e = err.value
    assert str(e.file) == "data/2023/units.yaml"
    lines = (mini / "data/2023/units.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[e.line - 1].strip() == "shape: Gama"
    assert "'Gama'" in e.message and "mini.geojson" in e.message
    assert "Beta, Gamma" in e.fix


def test_check_lists_an_unknown_polygon_at_units_yaml_not_templates(mini):
    _with_boundaries(mini)
    report = check(mini / "site.yaml")
    files = {p.file for p in report.problems}
    assert "data/2023/units.yaml" in files, report.problems
    assert not any("templates" in f for f in files), report.problems


def test_a_polygon_without_a_boundary_file(mini):
    edit(mini, "data/2023/units.yaml", "name: {kk: Бета, en: Beta}",
         "name: {kk: Бета, en: Beta}\n    geo: {shape: Beta}")
    with pytest.raises(DataError, match="no boundary file") as err:
        load(mini)
    assert str(err.value.file) == "data/2023/units.yaml" and err.value.line == 15


def test_semicolon_separated_table_gets_a_hint(mini):
    path = mini / TABLE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",", ";"), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(mini)
    assert err.value.line == 1 and str(err.value.file) == TABLE
    assert "';' between values" in err.value.message
    assert "CSV with commas" in err.value.fix
