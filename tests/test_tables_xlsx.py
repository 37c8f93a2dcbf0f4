"""A table may be an Excel workbook (.xlsx): its first sheet or a named one, validated as
a CSV is, with the sheet and row in messages; it gives the same dataset as its CSV."""
import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from aimaq.data.load import load_dataset
from aimaq.data.tables import cell_text, table_csv
from aimaq.editions.scaffold import new_edition
from aimaq.errors import DataError

TABLES = "data/2023/tables"


def as_number(cell: str):
    """A cell as Excel holds it: numbers as numbers, the rest as text."""
    for kind in (int, float):
        try:
            return kind(cell)
        except ValueError:
            pass
    return cell if cell != "" else None


def to_workbook(site: Path, table: str, sheet: str | None = None,
                before: list[str] = ()) -> Path:
    """Replace ``table``.csv by a workbook holding the same rows, typed as Excel would."""
    source = site / TABLES / f"{table}.csv"
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    for name in before:                     # sheets ahead of the data's
        book.create_sheet(name, 0)
    data = book.worksheets[len(before)]
    data.title = sheet or "Sheet1"
    data.append(rows[0])
    for row in rows[1:]:
        data.append([as_number(c) for c in row])
    target = source.with_suffix(".xlsx")
    book.save(target)
    source.unlink()
    return target


def load(site: Path):
    return load_dataset(site / "data", "2023", base=site)


def comparable(obs: pd.DataFrame) -> pd.DataFrame:
    return obs.drop(columns=["file"]).reset_index(drop=True)


def test_a_workbook_gives_the_same_dataset_as_its_csv(mini):
    from_csv = load(mini)
    to_workbook(mini, "t1_firms")
    to_workbook(mini, "t2_dynamics")
    from_xlsx = load(mini)
    assert from_xlsx.tables["t1_firms"].file.endswith("t1_firms.xlsx")
    pd.testing.assert_frame_equal(comparable(from_xlsx.observations),
                                  comparable(from_csv.observations))
    assert set(from_xlsx.observations["file"]) == {f"{TABLES}/t1_firms.xlsx",
                                                   f"{TABLES}/t2_dynamics.xlsx"}


def test_a_named_sheet_is_read_and_named_in_messages(mini):
    to_workbook(mini, "t1_firms", sheet="Data", before=["Notes"])
    sources = mini / "data/2023/sources.yaml"
    text = sources.read_text(encoding="utf-8")
    assert "id: t1_firms" in text
    sources.write_text(text.replace("id: t1_firms", "id: t1_firms\n    sheet: Data", 1),
                       encoding="utf-8")
    assert load(mini).value("firms", "alpha", year=2020) == 30
    book = openpyxl.load_workbook(mini / TABLES / "t1_firms.xlsx")
    book["Data"]["D3"] = "twelve"
    book.save(mini / TABLES / "t1_firms.xlsx")
    with pytest.raises(DataError) as err:
        load(mini)
    assert str(err.value.file) == f"{TABLES}/t1_firms.xlsx" and err.value.line == 3
    assert err.value.message.startswith("sheet 'Data', row 3: value 'twelve' is not a number")


def test_the_first_sheet_is_read_when_none_is_named(mini):
    to_workbook(mini, "t1_firms", sheet="Data")
    book = openpyxl.load_workbook(mini / TABLES / "t1_firms.xlsx")
    book.create_sheet("Later")["A1"] = "not a table"
    book.save(mini / TABLES / "t1_firms.xlsx")
    assert load(mini).value("firms", "alpha", year=2020) == 30


def test_a_missing_sheet_lists_the_sheets(mini):
    to_workbook(mini, "t1_firms", sheet="Data")
    sources = mini / "data/2023/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "id: t1_firms", "id: t1_firms\n    sheet: Daten", 1), encoding="utf-8")
    with pytest.raises(DataError, match="no sheet 'Daten'") as err:
        load(mini)
    assert "'Data'" in err.value.fix


def test_a_table_in_both_forms_is_an_error(mini):
    to_workbook(mini, "t1_firms")
    (mini / TABLES / "t1_firms.csv").write_text("unit,indicator,year,value\n",
                                                encoding="utf-8")
    with pytest.raises(DataError, match="two data files"):
        load(mini)


def test_a_sheet_named_for_a_csv_is_an_error(mini):
    sources = mini / "data/2023/sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        "id: t1_firms", "id: t1_firms\n    sheet: Data", 1), encoding="utf-8")
    with pytest.raises(DataError, match="not a workbook"):
        load(mini)


def test_an_unlisted_workbook_is_an_error_but_excels_lock_file_is_not(mini):
    to_workbook(mini, "t1_firms")
    (mini / TABLES / "~$t1_firms.xlsx").write_bytes(b"lock")
    load(mini)
    (mini / TABLES / "stray.xlsx").write_bytes((mini / TABLES / "t1_firms.xlsx").read_bytes())
    with pytest.raises(DataError, match="not listed in sources.yaml") as err:
        load(mini)
    assert str(err.value.file).endswith("stray.xlsx")


def test_workbook_cells_read_as_a_csv_writes_them():
    assert [cell_text(v) for v in (2020, 2020.0, 12.5, None, "x", 0.1)] == \
        ["2020", "2020", "12.5", "", "x", "0.1"]


def test_a_workbook_is_published_as_csv(mini):
    original = (mini / TABLES / "t2_dynamics.csv").read_bytes()
    path = to_workbook(mini, "t2_dynamics")
    assert table_csv(path) == original


def test_a_sheet_with_a_title_above_the_header_is_told_where_the_header_goes(mini):
    path = to_workbook(mini, "t1_firms", sheet="Data")
    book = openpyxl.load_workbook(path)
    book["Data"].insert_rows(1)
    book.save(path)
    with pytest.raises(DataError) as err:
        load(mini)
    assert err.value.line == 1 and err.value.message.startswith("sheet 'Data': row 1 is empty")
    assert "in row 1" in err.value.fix


def test_a_new_edition_keeps_a_workbooks_header_not_its_numbers(mini):
    to_workbook(mini, "t1_firms", sheet="Data")
    made = new_edition(mini / "site.yaml", "2024")
    assert "tables/t1_firms.xlsx" in made.tables
    book = openpyxl.load_workbook(mini / "data/2024/tables/t1_firms.xlsx")
    assert book.sheetnames == ["Data"]
    assert [[c.value for c in row] for row in book["Data"].iter_rows()] == \
        [["unit", "indicator", "year", "value", "flag", "line", "note"]]


def test_a_file_that_is_not_a_workbook_is_an_error_naming_it(mini):
    path = to_workbook(mini, "t1_firms")
    path.write_bytes(b"unit,indicator,year,value\n")       # a CSV saved as .xlsx
    with pytest.raises(DataError, match="not a readable Excel workbook") as err:
        load(mini)
    assert str(err.value.file) == f"{TABLES}/t1_firms.xlsx"
