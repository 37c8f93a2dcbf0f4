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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import ContentError
from ..yamlio import YamlDoc, load_yaml, validation_error

Text = dict[str, str]
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _slug(v: str) -> str:
    if not SLUG.match(v):
        raise ValueError(f"{v!r} is not a valid id: use lowercase letters, digits, '-' or '_'")
    return v


class SourceRef(_Strict):
    document: str
    section: str | None = None
    table: str | None = None
    lines: str | None = None

    @field_validator("section", "table", "lines", mode="before")
    @classmethod
    def _str(cls, v):
        return None if v is None else str(v)


class GroupSpec(_Strict):
    name: Text
    border: str | None = None      # an id; its label is border_<id> in strings.yaml
    index: str | None = None
    cls: str | None = Field(default=None, alias="class")
    units: list[str] | None = None


class GroupsFile(_Strict):
    groups: dict[str, GroupSpec] = Field(default_factory=dict)


class AreaSpec(_Strict):
    id: str
    name: Text
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class RecommendationSpec(_Strict):
    id: str
    area: str
    measure: Text
    actor: Text = Field(default_factory=dict)
    targets: list[str] = Field(default_factory=lambda: ["all"])
    effect: Text = Field(default_factory=dict)
    source: SourceRef
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class RecommendationsFile(_Strict):
    areas: list[AreaSpec]
    recommendations: list[RecommendationSpec]


class TermSpec(_Strict):
    id: str
    term: Text
    definition: Text
    source: SourceRef | None = None
    _id = field_validator("id")(classmethod(lambda cls, v: _slug(v)))


class GlossaryFile(_Strict):
    terms: list[TermSpec]


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
        err = validation_error(exc, doc)
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
