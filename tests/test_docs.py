"""Every key a user can write is documented (in the style of datasette's documentation
tests): each field of the schema of a user's file has a description, and its key appears,
as `key`, in the section of the docs/ page about that file. A new key without a
description or without its line in the docs fails here."""
import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from aimaq.config import SiteConfig
from aimaq.content.load import FrontMatter, HomeSpec
from aimaq.content.structured import GlossaryFile, GroupsFile, RecommendationsFile
from aimaq.data.checks import ChecksFile
from aimaq.data.load import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from aimaq.data.schema import IndicatorsFile, SourcesFile, UnitsFile
from aimaq.site.chartplan import ChartsFile

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: (the file a user writes, its schema, the docs page, whether every field must carry a
#: description). checks.yaml and charts.yaml are described in their pages, not yet field
#: by field in their schemas.
USER_FILES = [
    ("site.yaml", SiteConfig, "site-config.md", True),
    ("units.yaml", UnitsFile, "data-format.md", True),
    ("indicators.yaml", IndicatorsFile, "data-format.md", True),
    ("sources.yaml", SourcesFile, "data-format.md", True),
    ("checks.yaml", ChecksFile, "data-format.md", False),
    ("home.yaml", HomeSpec, "content.md", True),
    ("groups.yaml", GroupsFile, "content.md", True),
    ("recommendations.yaml", RecommendationsFile, "content.md", True),
    ("glossary.yaml", GlossaryFile, "content.md", True),
    ("front matter", FrontMatter, "content.md", True),
    ("charts.yaml", ChartsFile, "charts.md", False),
]


def nested_models(annotation) -> list[type[BaseModel]]:
    """The models inside a field's type (``list[X]``, ``dict[str, X]``, ``X | None``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out = []
    for arg in typing.get_args(annotation):
        out += nested_models(arg)
    return out


def fields(model: type[BaseModel], seen=None):
    """(model, key, field) of every key a user can write in ``model``, nested ones too."""
    seen = set() if seen is None else seen
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        if info.exclude:                     # filled in by Aimaq, not read from the file
            continue
        yield model, info.alias or name, info
        for inner in nested_models(info.annotation):
            yield from fields(inner, seen)


def sections(page: str) -> list[str]:
    """The '## …' sections of ``page`` (a '## ' line inside a fenced example is text)."""
    out: list[list[str]] = [[]]
    fenced = False
    for line in (DOCS / page).read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        if line.startswith("## ") and not fenced:
            out.append([])
        out[-1].append(line)
    return ["\n".join(lines) for lines in out if lines and lines[0].startswith("## ")]


def section(page: str, title: str) -> str:
    """The text of the sections of ``page`` whose heading names ``title``."""
    found = [s for s in sections(page) if title in s.splitlines()[0]]
    assert found, f"docs/{page} has no '## …{title}…' section"
    return "\n".join(found)


def documented(text: str, key: str) -> bool:
    return re.search(rf"`{re.escape(key)}(?![\w-])", text) is not None


CASES = [(file, model, page, key, info, described)
         for file, root, page, described in USER_FILES
         for model, key, info in fields(root)]


@pytest.mark.parametrize("file, model, page, key, info, described", CASES,
                         ids=[f"{c[0]}:{c[1].__name__}.{c[3]}" for c in CASES])
def test_every_key_is_documented(file, model, page, key, info, described):
    assert documented(section(page, file), key), (
        f"the key `{key}` of {file} ({model.__name__}) is not in the '{file}' section of "
        f"docs/{page}: add it to the table of keys there")
    if described:
        assert info.description, (f"{model.__name__}.{key} ({file}) has no description: "
                                  "give its Field a description")


def test_every_table_column_is_documented():
    text = section("data-format.md", "tables/")
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        assert documented(text, column), f"column `{column}` is not in docs/data-format.md"


def test_the_boundary_file_and_its_name_property_are_documented():
    text = section("data-format.md", "boundary file")
    assert documented(text, "shapeName") and documented(text, "geo.shape")


def test_the_walk_finds_nested_keys():
    """The test itself can fail: a nested key (units.yaml's geo.shape) is walked."""
    keys = {(m.__name__, k) for m, k, _ in fields(UnitsFile)}
    assert ("GeoSpec", "shape") in keys and ("AreaSpec", "border") in keys
    assert not documented("`shapes` and `shape_name`", "shape")
