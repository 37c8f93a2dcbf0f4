"""No bad input accepted: numbers out of range, formula-like names, links leading outside
the project, files emptied or cut down, and language-code typos are clear errors naming
the file and line; BOM and CRLF never change the site; downloads never carry a formula."""
import io
import shutil
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from aimaq import cli
from aimaq.build import build
from aimaq.config import load_config
from aimaq.data import load as data_load
from aimaq.data.checks import run_checks, unexpected
from aimaq.data.load import load_dataset
from aimaq.errors import AimaqError, ConfigError, ContentError, DataError
from aimaq.site.chartplan import load_charts_file
from aimaq.site.downloads import safe_csv

TABLE = "data/2023/tables/t1_firms.csv"


def load(site: Path, languages=("kk", "en")):
    return load_dataset(site / "data", "2023", base=site, languages=list(languages))


def edit(site: Path, rel: str, old: str, new: str) -> None:
    p = site / rel
    text = p.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {rel}"
    p.write_text(text.replace(old, new, 1), encoding="utf-8")


# -- numbers out of range -------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("beta,firms,2020,20,,13,", "beta,firms,2020,20,,13" + "9" * 400 + ",", "(402 digits) is out of range"),
    ("beta,firms,2020,20,,13,", "beta,firms,2020,20,,1e308,", "not a line number"),
    ("beta,firms,2020,20,,13,", "beta,firms,2020,1e308,,13,", "out of range"),
    ("beta,firms,2020,20,,13,", "beta,firms,2020," + "9" * 400 + ",,13,", "out of range"),
    ("beta,firms,2020,20,,13,", "beta,firms,2020,-1e400,,13,", "out of range"),
])
def test_numbers_out_of_range_name_the_row(mini, old, new, words):
    edit(mini, TABLE, old, new)
    with pytest.raises(DataError) as err:
        load(mini)
    assert err.value.line == 8 and str(err.value.file) == TABLE
    assert words in str(err.value) and len(str(err.value)) < 400


def test_too_many_rows_is_a_clear_error(mini, monkeypatch):
    monkeypatch.setattr(data_load, "MAX_TABLE_ROWS", 5)
    with pytest.raises(DataError, match="rows; a table may have up to 5"):
        load(mini)


def test_the_cli_prints_one_line_not_a_traceback(mini, capsys):
    edit(mini, TABLE, "beta,firms,2020,20,,13,", "beta,firms,2020,20,,13" + "9" * 400 + ",")
    assert cli.main(["check", "--config", str(mini / "site.yaml")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and f"{TABLE}:8" in err


# -- formulas -------------------------------------------------------------------------

@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_name_or_alias_a_spreadsheet_would_run_is_refused(mini, start):
    edit(mini, "data/2023/units.yaml", "aliases: [Альфа қ., Alfa]",
         f'aliases: [Альфа қ., "{start}HYPERLINK(1)"]'.replace("\t", "\\t").replace("\r", "\\r"))
    with pytest.raises(DataError) as err:
        load(mini)
    assert "formula" in str(err.value) and err.value.line == 10


def test_downloads_neutralise_formulas_but_keep_negative_numbers(mini, tmp_path):
    edit(mini, TABLE, 'gamma,activity_level,2020,0.0,,14,',
         'gamma,activity_level,2020,-0.5,,14,"=HYPERLINK(""http://x"")"')
    out = tmp_path / "out"
    build(mini / "site.yaml", out)
    table = (out / "downloads/2023/tables/t1_firms.csv").read_text()
    assert "'=HYPERLINK" in table and ",-0.5," in table
    assert '\n=' not in table and ',=' not in table and ',"=' not in table
    zipped = next((out / "downloads/2023").glob("*.zip")).read_bytes()
    with zipfile.ZipFile(io.BytesIO(zipped)) as z:
        name = next(n for n in z.namelist() if n.endswith("t1_firms.csv"))
        assert z.read(name).decode() == table


def test_safe_csv_leaves_numbers_and_plain_text_alone():
    assert safe_csv(b"a,b\n-1,+2\n-3e5,text\n") == b"a,b\n-1,+2\n-3e5,text\n"
    assert safe_csv(b"a\n@SUM(A1)\n-1+2\n") == b"a\n'@SUM(A1)\n'-1+2\n"
    assert safe_csv(b"\xef\xbb\xbfa,b\r\n1,2\r\n") == b"a,b\n1,2\n"


# -- BOM and CRLF ---------------------------------------------------------------------

def test_a_bom_or_crlf_in_a_csv_never_changes_the_site(mini, tmp_path):
    def site_bytes(out):
        build(mini / "site.yaml", out)
        return {p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file()}

    plain = site_bytes(tmp_path / "plain")
    path = mini / TABLE
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert site_bytes(tmp_path / "bom") == plain


# -- links outside the project ----------------------------------------------------------

@pytest.mark.parametrize("rel", ["data/2023/tables/leak.csv", "content/2023/en/pages/leak.md",
                                 "content/2023/en/pages"])
def test_a_link_leading_outside_the_project_is_refused(mini, tmp_path, rel):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.md").write_text("---\ntitle: x\n---\nsecret\n")
    link = mini / rel
    if link.exists():
        shutil.rmtree(link)
    link.symlink_to(secret if rel.endswith("pages") else secret / "passwords.md")
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml", tmp_path / "out")
    assert "leads outside the project" in str(err.value)
    assert str(err.value).startswith(rel)
    assert not (tmp_path / "out").exists()


def test_a_link_inside_the_project_is_fine(mini, tmp_path):
    (mini / "data/2023/tables/t1_firms.csv").rename(mini / "t1.csv")
    (mini / TABLE).symlink_to(mini / "t1.csv")
    assert len(load(mini).observations) == 15


# -- nothing switched off silently ----------------------------------------------------------

@pytest.mark.parametrize("text", ["", "# every check is off for now\n", "checks: []\n", "{}\n"])
def test_an_emptied_checks_yaml_is_an_error(mini, text):
    (mini / "data/2023/checks.yaml").write_text(text)
    with pytest.raises(DataError, match="lists no checks") as err:
        run_checks(load(mini))
    assert str(err.value.file).endswith("checks.yaml")


def test_a_table_with_only_its_header_is_an_error(mini):
    path = mini / TABLE
    path.write_text(path.read_text().splitlines()[0] + "\n")
    ds = load(mini)
    with pytest.raises(DataError, match="header and no rows") as err:
        run_checks(ds)
    assert str(err.value.file) == TABLE and err.value.line == 2


def test_an_emptied_charts_yaml_is_an_error(mini):
    (mini / "content/2023/charts.yaml").write_text("# none\n")
    site = SimpleNamespace(config=load_config(mini / "site.yaml"),
                           edition=SimpleNamespace(id="2023"))
    with pytest.raises(ContentError, match="declares no charts"):
        load_charts_file(site)


def test_a_deleted_flag_column_is_named(mini):
    path = mini / TABLE
    rows = [line.rsplit(",", 3) for line in path.read_text().splitlines()]
    path.write_text("\n".join(f"{a},{c},{d}" for a, b, c, d in rows) + "\n")
    with pytest.raises(DataError, match="no 'flag' column") as err:
        load(mini)
    assert err.value.line == 12


def test_a_language_typo_in_site_yaml_is_an_error(mini):
    edit(mini, "site.yaml", "title: {kk: Шағын өңір, en: Mini region}",
         "title: {kk: Шағын өңір, kks: Шағын, en: Mini region}")
    with pytest.raises(ConfigError, match="'kks' under 'title'") as err:
        load_config(mini / "site.yaml")
    assert err.value.line == 1


def test_a_language_typo_in_a_data_file_is_an_error(mini):
    edit(mini, "data/2023/units.yaml", "name: {kk: Бета, en: Beta}",
         "name: {kk: Бета, kks: Бета, en: Beta}")
    with pytest.raises(DataError, match="'kks' under 'name'") as err:
        load(mini)
    assert err.value.line == 14
    edit(mini, "data/2023/units.yaml", "kks: Бета", "ru: Бета")   # a language of the data
    load(mini)


def test_a_failing_check_names_the_csv_rows_that_feed_it(mini):
    edit(mini, TABLE, "beta,firms,2020,20,,13,", "beta,firms,2020,-20,,13,")
    ds = load(mini)
    err = unexpected(run_checks(ds), Path("data/2023/checks.yaml"))
    assert err is not None and "firms-sum" in str(err)
    assert f"{TABLE} rows 2, 5, 8, 11" in str(err)


def test_a_declared_failure_that_passes_names_the_rows_it_reads(mini):
    edit(mini, "data/2023/checks.yaml", "    total: {unit: mini}",
         "    total: {unit: mini}\n    expected: fails\n    note: {en: x, kk: x}")
    err = unexpected(run_checks(load(mini)), Path("data/2023/checks.yaml"))
    assert err is not None and "now passes" in str(err)
    assert f"{TABLE} rows 2, 5, 8, 11" in str(err)


def test_the_bundled_checks_all_run_as_declared(root):
    config = load_config(root / "site.yaml")
    ds = load_dataset(config.data_path, "2023", base=config.root, languages=config.languages)
    results = run_checks(ds)
    assert len(results) > 100
    assert unexpected(results, Path("checks.yaml")) is None
    rows = [c.rows for r in results for c in r.comparisons if not c.missing_parts]
    assert rows and all(rows)            # every comparison knows the CSV rows it reads


@pytest.mark.parametrize("rel, old, new", [
    ("content/2023/glossary.yaml", "en: Enterprise}", "kks: x, en: Enterprise}"),
    ("data/2023/checks.yaml", "    scale: 100", "    scale: 100\n    note: {kk: a, kks: b}"),
])
def test_a_language_typo_in_any_text_is_an_error(mini, rel, old, new):
    text = (mini / rel).read_text(encoding="utf-8")
    assert old in text
    (mini / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(AimaqError, match="'kks'") as err:
        build(mini / "site.yaml", mini / "output")
    assert str(err.value).startswith(rel + ":")
