"""Bounded inputs: a YAML alias bomb, deep nesting, huge files and out-of-range numbers are
clear errors naming the file and line, found in well under a second, never a traceback."""
import time
from pathlib import Path

import pytest

from aimaq import yamlio
from aimaq.build import build
from aimaq.content import load as content_load
from aimaq.errors import AimaqError
from aimaq.yamlio import load_yaml, parse_yaml

ROOT = Path(__file__).resolve().parents[1]


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefghij", "bcdefghijk"[:levels - 1]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_fast_with_its_line(tmp_path):
    path = tmp_path / "units.yaml"
    path.write_text(_bomb(), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(AimaqError) as err:
        load_yaml(path)
    assert time.perf_counter() - start < 2
    assert "aliases" in err.value.message and err.value.line is not None
    assert str(path) in str(err.value)


def test_a_few_aliases_still_work():
    doc = parse_yaml("base: &b [x, y]\none: *b\ntwo: *b\n", Path("m.yaml"))
    assert doc.data == {"base": ["x", "y"], "one": ["x", "y"], "two": ["x", "y"]}
    assert doc.line("two") == 3


@pytest.mark.parametrize("text, words", [
    ("a: &x [1, *x]\n", "refers to the anchor"),
    ("a: " + "[" * 100 + "]" * 100 + "\n", "nested more than"),
    ("? [a, b]\n: c\n", "plain name"),
    ("a: !!timestamp 2023-13-45\n", "not valid YAML"),
    ("a: !!binary 'not base64!'\n", "not valid YAML"),
    ("a: !!python/object:os.system x\n", "not valid YAML"),
])
def test_hostile_yaml_is_a_clear_error(text, words):
    with pytest.raises(AimaqError) as err:
        parse_yaml(text, Path("x.yaml"))
    assert words in str(err.value)


def test_a_huge_yaml_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    monkeypatch.setattr(yamlio, "MAX_BYTES", 1000)
    with pytest.raises(AimaqError, match="bytes"):
        load_yaml(path)


def test_a_folder_in_place_of_a_yaml_file_is_a_clear_error(tmp_path):
    (tmp_path / "units.yaml").mkdir()
    with pytest.raises(AimaqError, match="cannot read the file"):
        load_yaml(tmp_path / "units.yaml")


def test_the_c_loader_gives_the_same_data_and_lines_as_the_pure_python_one(monkeypatch):
    if yamlio._Loader.__mro__[1] is not getattr(__import__("yaml"), "CSafeLoader", None):
        pytest.skip("libyaml is not installed")
    files = sorted(p for p in ROOT.rglob("*.yaml")
                   if not {".git", ".cache", "output", ".venv"} & set(p.parts))
    assert len(files) > 20
    fast = {f: load_yaml(f) for f in files}
    monkeypatch.setattr(yamlio, "_Loader", yamlio._PureLoader)
    for f in files:
        pure = load_yaml(f)
        assert (pure.data, pure.lines) == (fast[f].data, fast[f].lines), f


def test_a_huge_page_is_refused(mini, monkeypatch):
    monkeypatch.setattr(content_load, "MAX_PAGE_BYTES", 1000)
    (mini / "content/2023/en/pages/about.md").write_text("---\ntitle: x\n---\n" + "x" * 2000)
    with pytest.raises(AimaqError, match="pages are read up to 1,000 bytes") as err:
        build(mini / "site.yaml", mini / "output")
    assert str(err.value).startswith("content/2023/en/pages/about.md:1:")
