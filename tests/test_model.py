"""The edition model is made once and never changed: a frozen dataclass, made with everything
computed before it (relations to the other editions included); where a tree of its pages
lives is a separate ``urls.Paths`` passed beside it, never a field of the model (#17)."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from aimaq import build
from aimaq.build import Stages, model_editions, relate
from aimaq.config import load_config
from aimaq.site import pages, urls

PACKAGE = Path(build.__file__).resolve().parent
#: The modules that make, plan and render from a model.
PIPELINE = ["build.py", "check.py", "serve/session.py", "site/pages.py", "site/render.py",
            "site/editions.py", "site/summary.py"]


def _models(project: Path) -> dict[str, pages.EditionModel]:
    config = load_config(project / "site.yaml")
    computed = model_editions(config, config.built_editions(False), Stages())
    assert computed is not None
    return relate(computed)


def test_the_model_is_frozen(mini):
    models = _models(mini)
    model = next(iter(models.values()))
    assert isinstance(model, pages.EditionModel)
    for cls in (pages.EditionModel, pages.Relations, urls.Paths, build.Tree, build.Charts,
                build.Computed):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.content = model.content
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.relations = pages.Relations()
    # No memo tucked into the instance: what the pages ask for is made with the model.
    assert not hasattr(model, "__dict__") or set(vars(model)) <= {
        f.name for f in dataclasses.fields(model)}
    # Where pages live is not the model's: the tree's Paths is passed beside it.
    assert "urls" not in {f.name for f in dataclasses.fields(model)}


def test_the_model_holds_what_the_pages_ask_for(mini):
    model = next(iter(_models(mini).values()))
    assert model.structured is not None and model.similar is not None
    for gid in model.structured.groups:
        assert model.group_members(gid) == model.members[gid]
    for unit in model.dataset.unit_ids():
        assert model.recommendations_for(unit) == [
            r for r in model.structured.recommendations if unit in model.targets_of(r)]


def _assignments_to_models(source: str) -> list[str]:
    """Attribute assignments to a model (``site.x = …``, ``model.x = …``), setattr calls
    and ``__dict__`` writes in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) \
                        and sub.value.id in ("site", "model", "short", "prev", "s"):
                    found.append(f"line {node.lineno}: {sub.value.id}.{sub.attr} =")
                if isinstance(sub, ast.Attribute) and sub.attr == "__dict__":
                    found.append(f"line {node.lineno}: __dict__ write")
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(
                f, ast.Attribute) else ""
            if name == "setdefault" and isinstance(f, ast.Attribute) and isinstance(
                    f.value, ast.Attribute) and f.value.attr == "__dict__":
                found.append(f"line {node.lineno}: __dict__.setdefault")
            if name == "replace" and any(k.arg == "urls" for k in node.keywords):
                found.append(f"line {node.lineno}: replace(…, urls=…)")
    return found


@pytest.mark.parametrize("module", PIPELINE)
def test_nothing_assigns_to_a_model(module):
    assert _assignments_to_models((PACKAGE / module).read_text(encoding="utf-8")) == []


def test_the_scan_finds_assignments():
    """The scan above can fail: the old pipeline's ways of changing a model are found."""
    old = ("site.charts = plan(site)\n"
           "memo = site.__dict__.setdefault('_members', {})\n"
           "self.__dict__['_by_unit'] = {}\n"
           "short = dataclasses.replace(site, urls=paths)\n")
    assert len(_assignments_to_models(old)) == 4
