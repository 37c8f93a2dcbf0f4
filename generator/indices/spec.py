"""The schema of ``methodology.yaml``: what an economist may write, checked key by key.

Only the shape is checked here (unknown keys, types, one kind per step); whether the names
exist in the edition's data is checked in :mod:`generator.indices.validate`. Every error
names the file and the line through :mod:`generator.yamlio`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..errors import MethodologyError
from ..yamlio import YamlDoc, load_yaml, validation_error
from .registry import NormaliseSpec, keys_of, year_or_range

Text = dict[str, str]
#: A reason written in the file: English text, or {kk, ru, en} so that pages in every
#: language show it (see templates/reasons.yaml for the reasons the engine writes itself).
Reason = str | Text
Status = Literal["match", "differs", "not-reproducible", "reconstruction"]
STEP_KINDS = ("denominate", "impute", "treat", "normalise", "aggregate", "count", "classify",
              "rank")


class UnusedKey(ValueError):
    """A value error about one key of the mapping (the error points at that key's line)."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceSpec(_Strict):
    document: str | None = None
    table: str | None = None
    figure: str | None = None
    formula: str | None = None
    lines: str | None = None

    @field_validator("table", "figure", "formula", "lines", mode="before")
    @classmethod
    def _str(cls, v: Any) -> Any:
        return None if v is None else str(v)


class MissingSpec(_Strict):
    """``fail``: any missing input stops. ``skip``: a unit's aggregate uses the inputs it
    has when at least ``min_share`` of them are there (default 1.0: all, so any gap leaves
    the aggregate blank, with a warning naming the unit and the missing inputs)."""
    policy: Literal["fail", "skip"] = "fail"
    min_share: float = Field(default=1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _share_needs_skip(self) -> MissingSpec:
        if "min_share" in self.model_fields_set and self.policy == "fail":
            raise UnusedKey("min_share", "'min_share' is used only with policy: skip")
        return self


class InputSpec(_Strict):
    id: str = ""                  # default: the indicator's or the index's id
    indicator: str | None = None
    index: str | None = None
    table: str | None = None
    year: int | tuple[int, int] | None = None
    category: str | list[str] | None = None
    part: str | None = None
    weight: float | None = Field(default=None, ge=0)
    name: Text = Field(default_factory=dict)

    _y = field_validator("year", mode="before")(classmethod(lambda cls, v: year_or_range(v)))

    @model_validator(mode="after")
    def _one_source(self) -> InputSpec:
        if (self.indicator is None) == (self.index is None):
            raise ValueError("an input names either an 'indicator' or an 'index'")
        if self.index is not None and (self.table or self.year or self.category):
            raise ValueError("table, year and category apply to indicator inputs only")
        if self.indicator is not None and self.part is not None:
            raise ValueError("'part' picks one part of an index input; for an indicator "
                             "use 'category'")
        if not self.id:
            self.id = self.indicator or self.index or ""
        return self


class DenominateSpec(_Strict):
    by: str | dict[str, str]
    scale: float = 1.0
    parts: list[str] | None = None

    @model_validator(mode="after")
    def _parts_need_one_by(self) -> DenominateSpec:
        if isinstance(self.by, dict) and self.parts is not None:
            raise UnusedKey("parts", "'parts' does not apply to 'by: {num: den}' pairs (the pairs "
                             "name the inputs); remove it")
        return self


#: How many units a reference set needs before a rank means anything.
MIN_RANKED_UNITS = 2

#: Keys of ``aggregate`` that only some methods use.
AGGREGATE_METHOD_KEYS = {"epsilon": ("geometric", "harmonic", "power"),
                         "power": ("power",)}


class WeightsSpec(_Strict):
    """Raw weights rescaled to sum to 1: ``{normalise: true}`` (the inputs' ``weight``)
    or ``{normalise: true, values: {x1: 2, x2: 1}}``."""
    normalise: bool
    values: dict[str, float] | None = None

    @field_validator("values")
    @classmethod
    def _positive(cls, v: Any) -> Any:
        if v is not None and any(w < 0 for w in v.values()):
            raise ValueError("weights are non-negative")
        return v


class AggregateSpec(_Strict):
    method: Literal["arithmetic", "geometric", "harmonic", "power", "copeland"] = "arithmetic"
    weights: Literal["equal", "inputs"] | WeightsSpec | dict[str, float] = "inputs"
    epsilon: float | None = Field(default=None, gt=0)
    power: float | None = None
    per: Literal["unit", "part"] = "unit"

    @field_validator("weights", mode="before")
    @classmethod
    def _weights(cls, v: Any) -> Any:
        if isinstance(v, dict) and "normalise" in v:
            return WeightsSpec.model_validate(v)
        return v

    @model_validator(mode="after")
    def _keys_of_method(self) -> AggregateSpec:
        for key, methods in AGGREGATE_METHOD_KEYS.items():
            if key in self.model_fields_set and getattr(self, key) is not None \
                    and self.method not in methods:
                raise UnusedKey(key, f"'{key}' is not used by the {self.method} mean (only by "
                                 f"{', '.join(methods)}); remove it")
        if self.method == "power" and self.power is None:
            raise ValueError("method power needs 'power' (the exponent p: 1 arithmetic, "
                             "0 geometric, −1 harmonic)")
        if self.method == "copeland" and self.per == "part":
            raise UnusedKey("per", "Copeland compares units over all inputs; per: part does not "
                            "apply")
        return self


class TreatSpec(_Strict):
    """Outliers: winsorise while |skew| > skew and kurtosis > kurtosis, else a log."""
    skew: float = Field(default=2.0, gt=0)
    kurtosis: float = 3.5
    max_points: int = Field(default=5, ge=0)
    otherwise: Literal["log", "none"] = "log"
    parts: list[str] | None = None


class ImputeSpec(_Strict):
    """Missing values replaced by the mean or median of all units or of the unit's group."""
    method: Literal["none", "mean", "median"]
    group: str | None = None        # 'type' (from units.yaml) or a class indicator id
    table: str | None = None        # the table of the group indicator, when it has several
    parts: list[str] | None = None

    @model_validator(mode="after")
    def _group(self) -> ImputeSpec:
        if self.method == "none" and (self.group or self.table):
            raise ValueError("method none imputes nothing; 'group' and 'table' do not apply")
        if self.table and not self.group:
            raise ValueError("'table' belongs to a group indicator; give 'group'")
        return self


class CountSpec(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    class_: str = Field(alias="class")


class ClassItem(_Strict):
    id: str
    name: Text = Field(default_factory=dict)


class ClassifySpec(_Strict):
    method: Literal["given", "thresholds", "quantiles", "natural_breaks", "kmeans", "map"]
    classes: list[str | ClassItem] | None = None
    k: int | None = Field(default=None, ge=1)
    breaks: list[float] | None = None
    indicator: str | None = None
    table: str | None = None
    year: int | None = None
    map: dict[str, str] | None = None
    default: str | None = None

    #: The keys each method uses besides ``method``; any other key is an error.
    KEYS: ClassVar[dict[str, set[str]]] = {
            "given": {"indicator", "table", "year"}, "thresholds": {"breaks", "classes"},
            "quantiles": {"classes", "k"}, "natural_breaks": {"classes", "k"},
            "kmeans": {"classes", "k"}, "map": {"map", "default"}}

    @model_validator(mode="after")
    def _params(self) -> ClassifySpec:
        m = self.method
        unused = sorted(self.model_fields_set - self.KEYS[m] - {"method"})
        if unused:
            raise UnusedKey(unused[0], f"classify method {m} does not use {', '.join(unused)} "
                            f"(its keys: "
                             f"{', '.join(sorted(self.KEYS[m]))}); remove "
                             + ("it" if len(unused) == 1 else "them"))
        if m == "given" and not self.indicator:
            raise ValueError("method given needs the class 'indicator' holding the memberships")
        if m == "thresholds":
            if not self.breaks or not self.classes:
                raise ValueError("method thresholds needs 'breaks' and 'classes'")
            if len(self.classes) != len(self.breaks) + 1:
                raise ValueError("thresholds need one more class than breaks")
        if m in ("quantiles", "natural_breaks", "kmeans"):
            if not self.classes:
                raise ValueError(f"method {m} needs 'classes' (lowest values first)")
            if self.k is not None and self.k != len(self.classes):
                raise ValueError("k must equal the number of classes")
            self.k = len(self.classes)
        if m == "map" and not self.map:
            raise ValueError("method map needs 'map' from the input's classes to new ones")
        return self

    def class_ids(self) -> list[str]:
        return [c if isinstance(c, str) else c.id for c in (self.classes or [])]


class RankSpec(_Strict):
    order: Literal["descending", "ascending"] = "descending"


class StepSpec(_Strict):
    name: str | None = None
    note: str | None = None
    denominate: DenominateSpec | None = None
    impute: ImputeSpec | None = None
    treat: TreatSpec | None = None
    normalise: NormaliseSpec | None = None
    aggregate: AggregateSpec | None = None
    count: CountSpec | None = None
    classify: ClassifySpec | None = None
    rank: RankSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, v: Any) -> Any:
        if isinstance(v, str) and v in STEP_KINDS:
            return {v: {}}
        if isinstance(v, dict):
            return {k: ({} if (k in STEP_KINDS and val is None) else val) for k, val in v.items()}
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> StepSpec:
        kinds = [k for k in STEP_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a step has exactly one of {', '.join(STEP_KINDS)}; "
                             f"found {kinds or 'none'}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in STEP_KINDS if getattr(self, k) is not None)

    @property
    def params(self) -> BaseModel:
        params: BaseModel = getattr(self, self.kind)
        return params


class PrintedSpec(_Strict):
    table: str | None = None
    indicator: str | None = None
    year: int | None = None
    category: str | None = None


class PrintedValue(_Strict):
    unit: str
    value: float
    part: str = ""
    year: int | None = None
    decimals: int | None = None
    line: int | None = None
    note: Reason | None = None


class AuditErratum(_Strict):
    """A known cause of a difference: a ``reason`` written out, or a ``code`` of
    templates/reasons.yaml filled with the computed numbers ({printed}, {computed} and,
    with ``against``, {other}: that index's value for the same unit, part and year)."""
    unit: str | list[str] | None = None
    part: str | list[str] | None = None
    year: int | list[int] | None = None
    status: Status = "differs"
    reason: Reason | None = None
    code: str | None = None
    against: str | None = None

    @model_validator(mode="after")
    def _one_reason(self) -> AuditErratum:
        if (self.reason is None) == (self.code is None):
            raise ValueError("an erratum has either a 'reason' or a 'code'")
        if self.against is not None and self.code is None:
            raise ValueError("'against' gives a code its {other} number; use it with 'code'")
        return self


class AuditSpec(_Strict):
    printed: PrintedSpec | None = None
    values: list[PrintedValue] | None = None
    check: Literal["ordering"] | None = None
    parts: Literal["category"] | dict[str, PrintedSpec] | None = None
    decimals: int | None = Field(default=None, ge=0)
    rounding: Literal["nearest", "either"] = "nearest"
    differs: Status = "differs"
    reason: Reason | None = None
    code: str | None = None         # instead of reason: a code filled with the numbers
    against: str | None = None      # an index whose value is the code's {other}
    errata: list[AuditErratum] = Field(default_factory=list)

    @model_validator(mode="after")
    def _what(self) -> AuditSpec:
        given = [x for x in (self.printed, self.values, self.check) if x is not None]
        if len(given) != 1:
            raise ValueError("an audit entry has exactly one of 'printed' (a table), "
                             "'values' (numbers printed in the text) or 'check: ordering'")
        if self.reason is not None and self.code is not None:
            raise ValueError("give either 'reason' or 'code', not both")
        set_ = self.model_fields_set
        if self.check is not None:
            unused = sorted(set_ & {"parts", "decimals", "rounding", "differs"})
            if unused:
                raise UnusedKey(unused[0], f"'check: ordering' compares classes; "
                                f"{', '.join(unused)} "
                                 "does not apply")
        if self.values is not None and "parts" in set_:
            raise UnusedKey("parts", "'parts' belongs to 'printed'; each printed value names its "
                             "own 'part'")
        if self.against is not None and self.code is None:
            raise ValueError("'against' gives a code its {other} number; use it with 'code'")
        return self


class CompareSpec(_Strict):
    index: str
    reason: Reason | None = None


class IndexSpec(_Strict):
    id: str
    name: Text
    family: str = ""
    measures: Text = Field(default_factory=dict)
    formula: str = ""
    formula_tex: str = ""          # the same formula in LaTeX, shown as math on the site
    status: Literal["source", "reconstruction", "addition"] = "source"
    source: SourceSpec | None = None
    notes: Text = Field(default_factory=dict)
    measure: str | Text | None = None
    decimals: int | None = Field(default=None, ge=0)
    areas: list[str] = Field(default_factory=lambda: ["units"])
    inputs: list[InputSpec] = Field(min_length=1)
    missing: MissingSpec = Field(default_factory=MissingSpec)
    steps: list[StepSpec] = Field(default_factory=list)
    audit: list[AuditSpec] = Field(default_factory=list)
    compare: list[CompareSpec] = Field(default_factory=list)

    @field_validator("areas", mode="before")
    @classmethod
    def _areas(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("id")
    @classmethod
    def _id(cls, v: Any) -> Any:
        import re
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", v):
            raise ValueError(f"{v!r} is not a valid id: use lowercase letters, digits, '_', '-'")
        return v


class UnreproducibleSpec(_Strict):
    id: str
    table: str
    indicator: str | list[str]
    year: int | None = None
    category: str | None = None
    units: str | list[str] = "all"
    reason: Reason


class Patch(BaseModel):
    """One change of a variant: a step of an index and the fields to set on it."""
    model_config = ConfigDict(extra="allow")
    index: str
    step: str


class OptionSpec(_Strict):
    label: str
    set: list[Patch] = Field(default_factory=list)


class FactorSpec(_Strict):
    name: str
    options: list[OptionSpec] = Field(min_length=2)


class FlagSpec(_Strict):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    index: str
    class_: str = Field(alias="class")


class SensitivitySpec(_Strict):
    id: str
    target: str
    flag: FlagSpec | None = None
    notes: Text = Field(default_factory=dict)
    factors: list[FactorSpec] = Field(min_length=1)


class MethodologyFile(_Strict):
    notes: Text = Field(default_factory=dict)
    indices: list[IndexSpec] = Field(min_length=1)
    unreproducible: list[UnreproducibleSpec] = Field(default_factory=list)
    sensitivity: list[SensitivitySpec] = Field(default_factory=list)


class Methodology:
    """A validated methodology file and where each of its parts was written."""

    def __init__(self, spec: MethodologyFile, doc: YamlDoc):
        self.spec = spec
        self.doc = doc
        self.path = doc.path
        self.indices: dict[str, IndexSpec] = {ix.id: ix for ix in spec.indices}
        self._pos = {ix.id: i for i, ix in enumerate(spec.indices)}

    def line(self, *keys: Any) -> int | None:
        return self.doc.line(*keys)

    def with_indices(self, indices: dict[str, IndexSpec]) -> Methodology:
        """The same file with some index specs replaced (a sensitivity variant)."""
        out = Methodology(self.spec, self.doc)
        out.indices = dict(indices)
        return out

    def index_line(self, index_id: str, *keys: Any) -> int | None:
        pos = self._pos.get(index_id)
        if pos is None:
            return None
        return self.doc.line("indices", pos, *keys)

    def error(self, message: str, line: int | None, fix: str | None = None
              ) -> MethodologyError:
        return MethodologyError(message, self.path, line, fix)


def parse_methodology(doc: YamlDoc) -> Methodology:
    if not isinstance(doc.data, dict):
        raise MethodologyError("the methodology file must be a mapping with 'indices'",
                               doc.path, 1, "start the file with 'indices:'")
    try:
        spec = MethodologyFile.model_validate(doc.data)
    except ValidationError as exc:
        unused = _key_unused_by_method(exc, doc) or _key_error(exc, doc)
        if unused is not None:
            raise unused from None
        err = validation_error(exc, doc)
        raise MethodologyError(err.message, err.file, err.line, err.fix) from None
    return Methodology(spec, doc)


def _key_error(exc: ValidationError, doc: YamlDoc) -> MethodologyError | None:
    """A key that would be ignored (or does not fit the others), at that key's line."""
    for e in exc.errors():
        err = (e.get("ctx") or {}).get("error")
        if isinstance(err, UnusedKey):
            path = tuple(x for x in e.get("loc", ()) if "[" not in str(x))
            return MethodologyError(f"{str(err)} (key {err.key!r})", doc.path,
                                    doc.line(*path, err.key),
                                    f"remove {err.key!r}, or change what makes it unused "
                                    "(see docs/methodology.md)")
    return None


def _key_unused_by_method(exc: ValidationError, doc: YamlDoc) -> MethodologyError | None:
    """A key the chosen normalisation method does not use, said in those words."""
    for e in exc.errors():
        loc = e.get("loc", ())
        tags = [x for x in loc if isinstance(x, str) and x.startswith("method[")]
        if e.get("type") != "extra_forbidden" or not tags:
            continue
        method = tags[-1][len("method["):-1]
        path = tuple(x for x in loc if x not in tags)
        key = path[-1]
        usable = sorted(keys_of(method) - {"method"})
        return MethodologyError(
            f"normalise method {method} does not use the key {key!r} (its keys: "
            f"{', '.join(usable)})", doc.path, doc.line(*path),
            f"remove {key!r}, or choose a method that uses it (see docs/methodology.md)")
    return None


def load_methodology_file(path: Path | str) -> Methodology:
    return parse_methodology(load_yaml(path))
