"""The package's layers, enforced: each room (a top-level module or package of ``generator``)
imports only from its own layer or the layers below it, no two files or rooms import each
other, and the package's own modules are imported at module top.

The diagram in words is docs/architecture.md. Imports under ``if TYPE_CHECKING:`` are for
the type checker only: they must respect the layers but do not make a cycle at run time.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "generator"

#: Lowest first. A room may import from its own layer and any layer below it.
LAYERS: list[set[str]] = [
    {"errors"},
    {"yamlio", "formatting", "confine", "output", "parallel", "images", "cache"},
    {"config", "data", "content", "theme"},
    {"indices"},
    {"charts"},
    {"site"},
    {"editions"},
    {"build", "check"},
    {"cli", "serve", "starter", "__main__", "__init__"},
]
#: Imports of the package's own modules inside a function, at most (the issue's bound).
MAX_IMPORTS_IN_FUNCTIONS = 5


@dataclass(frozen=True)
class Import:
    source: str             # "generator.site.pages"
    target: str             # "generator.site.urls"
    line: int
    in_function: bool
    type_checking: bool


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING"
            or isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports_of(module: str, source: str, is_package: bool, modules: set[str]) -> list[Import]:
    """The package's own modules that ``source`` imports, each resolved to a module."""
    top = module.split(".")[0]
    found: list[Import] = []

    def targets(node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.Import):
            return [a.name for a in node.names]
        base = node.module or ""
        if node.level:
            here = module.split(".") if is_package else module.split(".")[:-1]
            here = here[: len(here) - (node.level - 1)]
            base = ".".join(here + ([node.module] if node.module else []))
        # "from . import urls" imports the module urls; "from .x import name" the module x
        return [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                for a in node.names]

    def visit(node: ast.AST, in_function: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in targets(child):
                    while target not in modules and "." in target:
                        target = target.rpartition(".")[0]
                    if target.split(".")[0] == top and target != module:
                        found.append(Import(module, target, child.lineno, in_function,
                                            type_checking))
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, True, type_checking)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                visit(child, in_function, True)
            else:
                visit(child, in_function, type_checking)

    visit(ast.parse(source), False, False)
    return found


def package_imports(sources: dict[str, tuple[str, bool]]) -> list[Import]:
    """``sources``: {module name: (its text, is a package's __init__)}."""
    modules = set(sources)
    return [imp for name, (text, is_package) in sources.items()
            for imp in imports_of(name, text, is_package, modules)]


def read_package(root: Path = PACKAGE) -> dict[str, tuple[str, bool]]:
    return {module_name(p, root): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
            for p in sorted(root.rglob("*.py"))}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more nodes (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return found


def layer_of(name: str) -> int:
    for n, rooms in enumerate(LAYERS):
        if name in rooms:
            return n
    raise AssertionError(f"room {name!r} is in no layer: add it to LAYERS in tests/test_layers.py "
                         "and to the diagram in docs/architecture.md")


def upward(imports: list[Import]) -> list[str]:
    return [f"{i.source}:{i.line} imports {i.target} (layer {room(i.source)} → {room(i.target)})"
            for i in imports if layer_of(room(i.target)) > layer_of(room(i.source))]


def run_time_edges(imports: list[Import], key=lambda m: m) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for i in imports:
        if not i.type_checking and key(i.source) != key(i.target):
            edges.setdefault(key(i.source), set()).add(key(i.target))
    return edges


IMPORTS = package_imports(read_package())


def test_every_room_has_a_layer() -> None:
    for name in sorted({room(m) for m in read_package()}):
        layer_of(name)


def test_no_import_goes_up_a_layer() -> None:
    assert upward(IMPORTS) == []


def test_no_cycle_between_files() -> None:
    assert cycles(run_time_edges(IMPORTS)) == []


def test_no_cycle_between_rooms() -> None:
    assert cycles(run_time_edges(IMPORTS, room)) == []


def test_own_modules_imported_at_module_top() -> None:
    inside = [f"{i.source}:{i.line} {i.target}" for i in IMPORTS if i.in_function]
    assert len(inside) <= MAX_IMPORTS_IN_FUNCTIONS, inside


# -- the checks can fail -------------------------------------------------------------------

def _fake(**files: str) -> list[Import]:
    """Modules written as plain files (no __init__), {module name: source}."""
    return package_imports({name: (text, False) for name, text in files.items()})


def test_an_upward_import_is_found() -> None:
    found = upward(_fake(**{"generator.charts": "from .site import pages\n",
                            "generator.site": "", "generator.site.pages": ""}))
    assert len(found) == 1 and "generator.charts:1 imports generator.site.pages" in found[0]


def test_a_cycle_through_a_function_import_is_found() -> None:
    imports = _fake(**{"generator.site.a": "from . import b\n",
                       "generator.site.b": "def f():\n    from .a import x\n",
                       "generator.site": ""})
    assert cycles(run_time_edges(imports)) == [["generator.site.a", "generator.site.b"]]
    assert [i.in_function for i in imports] == [False, True]


def test_a_type_checking_import_makes_no_cycle() -> None:
    imports = _fake(**{"generator.charts.model": "from .render import size\n",
                       "generator.charts.render": "if TYPE_CHECKING:\n    from .model import Chart\n",
                       "generator.charts": ""})
    assert cycles(run_time_edges(imports)) == []


def test_a_room_cycle_is_found() -> None:
    imports = _fake(**{"generator.content.a": "from ..data import b\n",
                       "generator.data.b": "from ..content import c\n",
                       "generator.content.c": "", "generator.content": "", "generator.data": ""})
    assert cycles(run_time_edges(imports, room)) == [["content", "data"]]
    assert cycles(run_time_edges(imports)) == []
