"""Property-based: randomly damaged CSV, YAML and Markdown never give a traceback, only an
AimaqError naming the file (and the line, where the damage has one), and a build that
refuses its input leaves output/ exactly as it was.

Kept fast (a few seconds): the loaders are called directly on the mini fixture's files,
and only a handful of examples go through a whole build."""
import hashlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimaq.build import build
from aimaq.content.load import load_page
from aimaq.data.checks import run_checks
from aimaq.data.load import alias_key, load_dataset, read_table
from aimaq.errors import AimaqError
from aimaq.yamlio import parse_yaml

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "mini"
ROOT = Path(__file__).resolve().parents[1]

#: Characters that matter to CSV, YAML and Markdown, plus ordinary and odd text.
SIGNIFICANT = list(",\"'\n\r\t:-[]{}&*!|>#%@=?`~\\ \ufeff\x00") + ["---", "\n---\n", "- ",
                                                                    ": ", "*a", "&a "]
PIECES = st.one_of(st.sampled_from(SIGNIFICANT), st.text(max_size=6),
                   st.sampled_from(["9" * 400, "1e308", "-1e400", "nan", "inf", "=HYPERLINK(1)",
                                    "2020", "ё", "Ⅻ", "١٢"]))
EDITS = st.lists(st.tuples(st.floats(0, 1), st.sampled_from(["insert", "delete", "replace"]),
                           PIECES, st.integers(1, 12)), min_size=1, max_size=5)
FAST = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def damage(text: str, edits) -> str:
    for where, op, piece, length in edits:
        at = int(where * len(text))
        if op == "insert":
            text = text[:at] + piece + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + length:]
        else:
            text = text[:at] + piece + text[at + length:]
    return text


def assert_clear(err: AimaqError, file: str) -> None:
    assert err.file is not None and str(err.file).endswith(file), (err.file, file)
    assert err.message and "Traceback" not in str(err)


# -- YAML -----------------------------------------------------------------------------

YAML_FILES = ["data/2023/units.yaml", "data/2023/indicators.yaml", "data/2023/sources.yaml",
              "data/2023/checks.yaml", "site.yaml"]


@FAST
@given(name=st.sampled_from(YAML_FILES), edits=EDITS)
def test_damaged_yaml_is_parsed_or_refused_at_a_line(name, edits):
    text = damage((FIXTURE / name).read_text(encoding="utf-8"), edits)
    try:
        parse_yaml(text, Path(name))
    except AimaqError as err:
        assert_clear(err, name)
        assert err.line is None or 1 <= err.line <= text.count("\n") + 2


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("fuzz") / "mini"
    shutil.copytree(FIXTURE, dest)
    return dest


class Damaged:
    """One file of ``site`` replaced by damaged text while the block runs."""

    def __init__(self, site: Path, rel: str, text: str):
        self.path, self.text = site / rel, text

    def __enter__(self):
        self.original = self.path.read_bytes()
        self.path.write_bytes(self.text.encode("utf-8", "surrogatepass"))

    def __exit__(self, *exc):
        self.path.write_bytes(self.original)


@FAST
@given(name=st.sampled_from(YAML_FILES[:3]), edits=EDITS)
def test_damaged_data_yaml_loads_or_is_refused(copy, name, edits):
    text = damage((FIXTURE / name).read_text(encoding="utf-8"), edits)
    with Damaged(copy, name, text):
        try:
            load_dataset(copy / "data", "2023", base=copy, languages=["kk", "en"])
        except AimaqError as err:
            assert err.file is not None


@FAST
@given(edits=EDITS, piece=st.sampled_from(["1e400", "abc", "[[2020]]", "{a: b}", "'*'", "-1",
                                           ".inf", "[]", "~", "99999999999999999999"]),
       key=st.sampled_from(["year", "unit", "indicator", "tolerance", "scale", "table"]))
def test_damaged_checks_run_or_are_refused(copy, good, edits, piece, key):
    text = (FIXTURE / "data/2023/checks.yaml").read_text(encoding="utf-8")
    text = damage(text.replace("    year: 2020", f"    {key}: {piece}", 1), edits)
    with Damaged(copy, "data/2023/checks.yaml", text):
        try:
            run_checks(good)
        except AimaqError as err:
            assert_clear(err, "checks.yaml")


# -- CSV ------------------------------------------------------------------------------

TABLE = "data/2023/tables/t1_firms.csv"


@pytest.fixture(scope="module")
def good(copy):
    return load_dataset(copy / "data", "2023", base=copy)


@FAST
@given(edits=EDITS)
def test_a_damaged_table_is_read_or_refused_at_its_row(copy, good, edits):
    text = damage((FIXTURE / TABLE).read_text(encoding="utf-8"), edits)
    lookup = {}
    for area in good.areas.values():
        for name in [area.id, *area.name.values(), *area.aliases]:
            lookup[alias_key(name)] = area.id
    with Damaged(copy, TABLE, text):
        try:
            rows = read_table(good.tables["t1_firms"], good.indicators, lookup, Path(TABLE))
        except AimaqError as err:
            assert_clear(err, TABLE)
            assert err.line is not None and 1 <= err.line <= text.count("\n") + 2
        else:
            for row in rows:
                assert abs(row["value"]) <= 1e15 or row["value"] != row["value"]
                assert 0 <= row["line"] <= 100_000_000


# -- Markdown -------------------------------------------------------------------------

PAGE = "content/2023/en/pages/about.md"


@FAST
@given(edits=EDITS)
def test_a_damaged_page_is_rendered_or_refused_at_a_line(copy, edits):
    text = damage((FIXTURE / PAGE).read_text(encoding="utf-8"), edits)
    with Damaged(copy, PAGE, text):
        try:
            page = load_page(copy / PAGE, copy / "content/2023/en", "en", ["alpha"], Path(PAGE))
        except AimaqError as err:
            assert_clear(err, PAGE)
            assert err.line is not None and 1 <= err.line <= text.count("\n") + 2
        else:
            assert "<script" not in page.html.lower()


# -- a whole build --------------------------------------------------------------------

def _tree(out: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(out.rglob("*")):
        h.update(p.relative_to(out).as_posix().encode())
        if p.is_file():
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def built(copy, tmp_path_factory):
    out = tmp_path_factory.mktemp("fuzz-out") / "output"
    build(copy / "site.yaml", out)
    return out


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.sampled_from([TABLE, "data/2023/units.yaml", PAGE, "site.yaml"]), edits=EDITS)
def test_a_refused_build_leaves_output_as_it_was(copy, built, name, edits):
    before = _tree(built)
    text = damage((FIXTURE / name).read_text(encoding="utf-8"), edits)
    with Damaged(copy, name, text):
        try:
            build(copy / "site.yaml", built)
        except AimaqError:
            assert _tree(built) == before
            assert [p.name for p in built.parent.iterdir()] == ["output"]
        else:
            build(copy / "site.yaml", built)        # the next example starts from a clean
    build(copy / "site.yaml", built)                # build of the undamaged site
