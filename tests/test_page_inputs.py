"""What a page is made from (generator.site.inputs): the pages of a region share large lists
(every unit, every figure); walking each once per planning pass gives every page the same
inputs as walking it for every page."""
from dataclasses import dataclass
from pathlib import Path

from aimaq.site import inputs
from aimaq.site.figures import Figure
from aimaq.site.pages import PageSpec


@dataclass(frozen=True)
class Row:
    figures: list


def figure(table: str, unit: str) -> Figure:
    return Figure(table=table, indicator="i", category="", year=2020, unit=unit, value=1.0,
                  label="", flag="", line=1, note="", rank=1, rank_of=1, region_value=1.0,
                  direction="higher")


def test_a_shared_list_is_walked_once_and_gives_the_same_inputs(monkeypatch):
    every = [figure(f"t{i % 7}", f"u{i}") for i in range(2000)]     # shared by every page
    rows = [Row([figure("own", f"u{i}")]) for i in range(2000)]
    specs = [PageSpec(path=f"kk/units/u{i}/index.html", lang="kk", template="unit.html",
                      key=("unit", f"u{i}"), title="", context={
                          "figures": every, "rows": rows, "own": [figure(f"x{i}", "u")]})
             for i in range(50)]
    root = Path("/project")
    plain = [inputs.of_spec(s, root) for s in specs]
    seen = []
    real = inputs.table_input
    monkeypatch.setattr(inputs, "table_input", lambda t: seen.append(t) or real(t))
    memo: dict = {}
    shared = [inputs.of_spec(s, root, memo) for s in specs]
    # 4,000 figures of the shared lists once, plus each page's own: not 50 x 4,001
    assert len(seen) == 4000 + 50
    assert shared == plain
    assert real("x3") in shared[3] and real("x3") not in shared[4]


def _linked_tree(tmp_path):
    """Folders and files, some of them links (to files, to folders, dangling), and the
    paths to resolve in it: through links, with '..', relative, missing."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.md").write_text("a")
    (real / "sub/b.md").write_text("b")
    (tmp_path / "linked").symlink_to(real)                   # a linked folder
    (real / "to_b.md").symlink_to(real / "sub/b.md")        # a linked file
    (real / "sub/up.md").symlink_to("../a.md")              # a relative link
    (real / "gone.md").symlink_to(tmp_path / "missing")     # a dangling link
    names = ["real/a.md", "real/sub/b.md", "linked/a.md", "linked/sub/b.md", "real/to_b.md",
             "linked/to_b.md", "real/sub/up.md", "linked/sub/up.md", "real/gone.md",
             "real/sub/../a.md", "linked/sub/../a.md", "real/./a.md", "real/missing.md",
             "linked/nothing/x.md", "real/sub", "linked", "real/sub/"]
    return [str(tmp_path / n) for n in names] + names


def test_a_resolved_input_is_what_path_resolve_gives(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    paths = _linked_tree(tmp_path)
    inputs._resolved.cache_clear()
    try:
        for p in paths:
            assert inputs._resolved(p) == str(Path(p).resolve()), p
    finally:
        inputs._resolved.cache_clear()


def test_the_lock_resolves_as_path_resolve_does(tmp_path, monkeypatch):
    from aimaq.editions import lock

    monkeypatch.chdir(tmp_path)
    resolve = lock._resolver()
    for p in _linked_tree(tmp_path):
        assert resolve(Path(p)) == Path(p).resolve(), p
