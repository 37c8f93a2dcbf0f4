"""Structured content: recommendations, glossary and unit groups (YAML per edition).

    content/<edition>/groups.yaml           named groups of units (by border, by an index class)
    content/<edition>/recommendations.yaml  policy proposals: area, measure, actor, targets ...
    content/<edition>/glossary.yaml         terms and definitions

Each file is optional; each is validated (unknown keys, unknown areas, units or groups are
errors naming the file and line).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..errors import ContentError
from ..yamlio import YamlDoc, load_yaml, validation_error

Text = dict[str, str]
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _slug(v: str) -> str:
    if not SLUG.match(v):
        raise PydanticCustomError("bad_id", "'{value}' is not a valid id: use lowercase "
                                  "letters, digits, '-' or '_'", {"value": v})
    return v


class SourceRef(_Strict):
    document: str = Field(description="Id of the document in the edition's sources.yaml.")
    section: str | None = Field(None, description="Section of the document, as printed "
                                "(e.g. 'Conclusion', '2.3').")
    table: str | None = Field(None, description="Table or figure number, as printed.")
    lines: str | None = Field(None, description="Lines of the document, e.g. '120-134'.")

    @field_validator("section", "table", "lines", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class GroupSpec(_Strict):
    """A named group of units: listed, or defined by a border or by an index's class."""

    name: Text = Field(description="The group's name per language.")
    border: Literal["russia", "china"] | None = Field(None, description="The units whose "
                                                      "'border' in units.yaml is this country.")
    index: str | None = Field(None, description="Id of an index (methodology.yaml) whose "
                              "class defines the group; with 'class'.")
    cls: str | None = Field(default=None, alias="class", description="With 'index': the "
                            "class whose units form the group.")
    units: list[str] | None = Field(None, description="The unit ids of a listed group.")


class GroupsFile(_Strict):
    groups: dict[str, GroupSpec] = Field(default_factory=dict, description="Each group by "
                                         "its id (lowercase letters, digits, '-' or '_').")


class AreaSpec(_Strict):
    id: str = Field(description="Id of the policy area, cited by recommendations.")
    name: Text = Field(description="Its name per language (a heading of the page).")
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class RecommendationSpec(_Strict):
    id: str = Field(description="Stable id of the recommendation (its anchor).")
    area: str = Field(description="Id of its policy area, under 'areas'.")
    measure: Text = Field(description="What to do, per language.")
    actor: Text = Field(default_factory=dict, description="Who should do it, per language.")
    targets: list[str] = Field(default_factory=lambda: ["all"], description=(
        "Which units it is for: unit ids, group ids of groups.yaml, or 'all'."))
    effect: Text = Field(default_factory=dict, description="The effect expected, per "
                         "language.")
    source: SourceRef = Field(description="Where the proposal is made.")
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class RecommendationsFile(_Strict):
    areas: list[AreaSpec] = Field(description="The policy areas the recommendations are "
                                  "grouped under.")
    recommendations: list[RecommendationSpec] = Field(description="The recommendations.")


class TermSpec(_Strict):
    id: str = Field(description="Stable id of the term (its anchor on the glossary page).")
    term: Text = Field(description="The term per language.")
    definition: Text = Field(description="Its definition per language.")
    source: SourceRef | None = Field(None, description="Where the definition comes from.")
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class GlossaryFile(_Strict):
    terms: list[TermSpec] = Field(description="The terms of the glossary page.")


@dataclass
class Structured:
    groups: dict[str, GroupSpec] = field(default_factory=dict)
    areas: list[AreaSpec] = field(default_factory=list)
    recommendations: list[RecommendationSpec] = field(default_factory=list)
    terms: list[TermSpec] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)
    docs: dict[str, YamlDoc] = field(default_factory=dict)


def _load(path: Path, model, display: Path):
    doc = load_yaml(path)
    try:
        return model.model_validate(doc.data or {}), doc
    except ValidationError as exc:
        err = validation_error(exc, doc, model=model)
        raise ContentError(err.message, display, err.line, err.fix) from None


def load_structured(content_dir: Path, edition: str, unit_ids: list[str],
                    documents: set[str], display) -> Structured:
    """Load the optional structured files and check every reference in them."""
    root = content_dir / edition
    out = Structured()
    files = {"groups": GroupsFile, "recommendations": RecommendationsFile,
             "glossary": GlossaryFile}
    loaded = {}
    for name, model in files.items():
        path = root / f"{name}.yaml"
        if path.is_file():
            spec, doc = _load(path, model, display(path))
            loaded[name] = spec
            out.files[name] = display(path)
            out.docs[name] = doc
    if "groups" in loaded:
        out.groups = loaded["groups"].groups
        for gid, g in out.groups.items():
            _slug(gid)
            for u in g.units or []:
                if u not in unit_ids:
                    raise ContentError(f"group {gid!r} names unknown unit {u!r}",
                                       out.files["groups"], out.docs["groups"].line("groups", gid),
                                       "use unit ids from units.yaml")
    if "recommendations" in loaded:
        rec = loaded["recommendations"]
        out.areas = rec.areas
        area_ids = {a.id for a in rec.areas}
        seen = set()
        doc = out.docs["recommendations"]
        for i, r in enumerate(rec.recommendations):
            line = doc.line("recommendations", i)
            if r.id in seen:
                raise ContentError(f"recommendation id {r.id!r} is used twice",
                                   out.files["recommendations"], line, "give each its own id")
            seen.add(r.id)
            if r.area not in area_ids:
                raise ContentError(f"recommendation {r.id!r} has unknown area {r.area!r}",
                                   out.files["recommendations"], line,
                                   f"use one of {sorted(area_ids)} or add it under areas")
            for t in r.targets:
                if t != "all" and t not in unit_ids and t not in out.groups:
                    raise ContentError(
                        f"recommendation {r.id!r} targets {t!r}, which is neither a unit nor "
                        "a group", out.files["recommendations"], line,
                        "use 'all', a unit id from units.yaml or a group of groups.yaml")
            if r.source.document not in documents:
                raise ContentError(f"recommendation {r.id!r} cites unknown document "
                                   f"{r.source.document!r}", out.files["recommendations"], line,
                                   f"use one of {sorted(documents)}")
        out.recommendations = rec.recommendations
    if "glossary" in loaded:
        seen = set()
        doc = out.docs["glossary"]
        for i, t in enumerate(loaded["glossary"].terms):
            if t.id in seen:
                raise ContentError(f"term id {t.id!r} is used twice", out.files["glossary"],
                                   doc.line("terms", i), "give each term its own id")
            seen.add(t.id)
            if t.source and t.source.document not in documents:
                raise ContentError(f"term {t.id!r} cites unknown document {t.source.document!r}",
                                   out.files["glossary"], doc.line("terms", i),
                                   f"use one of {sorted(documents)}")
        out.terms = loaded["glossary"].terms
    return out


def group_members(group: GroupSpec, areas, index_results=None) -> list[str]:
    """Unit ids of a group: listed units, a border, or a class of a computed index."""
    if group.units is not None:
        return list(group.units)
    if group.border:
        return [a.id for a in areas if a.kind == "unit" and a.border == group.border]
    if group.index and index_results is not None and group.index in index_results.indices:
        return index_results[group.index].classed(group.cls or "")
    return []
