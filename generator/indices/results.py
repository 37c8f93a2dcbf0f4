"""What the engine hands to the site and the CSV writer: plain records, no computation."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .phrases import Phrase, render

#: Columns of an index's values table and of indices.csv.
VALUE_COLUMNS = ["index", "unit", "year", "value", "rank", "class"]
#: Columns of the audit table and of audit.csv.
AUDIT_COLUMNS = ["index", "unit", "year", "printed", "computed", "difference", "status",
                 "reason"]
#: In memory only: the reason as phrases, the printed cell (file:row) and the kind of
#: audit (table, text, order, unreproducible), to count distinct printed numbers.
AUDIT_EXTRA = ["said", "cell", "kind"]
STATUSES = ("match", "differs", "not-reproducible", "reconstruction")


@dataclass
class InputInfo:
    """One input of an index, as a methodology card lists it."""
    id: str
    kind: str                              # indicator | index
    ref: str                               # indicator id or index id
    name: dict[str, str]
    weight: float | None = None
    table: str | None = None               # table id
    table_number: str | None = None        # "15", "Fig. 19"
    document: str | None = None
    lines: str | None = None
    year: Any = None
    category: Any = None
    direction: str | None = None


@dataclass
class StepRecord:
    """One step the engine applied, with the table it produced."""
    kind: str                              # input | denominate | normalise | ... | rank
    name: str
    description: str                       # what was done, in English (CLI, logs, tests)
    params: dict[str, Any]
    table: pd.DataFrame                    # units × parts after the step
    notes: list[str] = field(default_factory=list)
    said: list[Phrase] = field(default_factory=list)   # the same, for pages


@dataclass
class ClassInfo:
    id: str
    name: dict[str, str]


@dataclass
class IndexMeta:
    """Everything a methodology card needs besides the numbers."""
    id: str
    name: dict[str, str]
    family: str
    measures: dict[str, str]
    formula: str
    status: str                            # source | reconstruction | addition
    source: dict[str, Any]
    notes: dict[str, str]
    measure: Any
    decimals: int | None
    inputs: list[InputInfo]
    classes: list[ClassInfo]
    depends_on: list[str]
    formula_tex: str = ""

    @property
    def is_reconstruction(self) -> bool:
        return self.status == "reconstruction"

    @property
    def status_said(self) -> list[Phrase]:
        """The status as a phrase (status.<status> of templates/reasons.yaml), for pages in
        any language: ``h.said(meta.status_said)``."""
        return [Phrase(f"status.{self.status}")]

    @property
    def label(self) -> str:
        """The status in English (the terminal, logs)."""
        return render(self.status_said, "en")


@dataclass
class SensitivityResult:
    """How an index's ranking changes across the methodological choices left open."""
    id: str
    target: str
    factors: list[dict[str, Any]]          # [{name, options: [labels]}]
    variants: pd.DataFrame                 # variant, label, unit, value, rank, flagged
    summary: pd.DataFrame                  # unit, nominal_value, nominal_rank, rank_min,
                                           # rank_max, rank_range, value_min, value_max,
                                           # class_shares ({class: share of variants}),
                                           # flag_share, flag_status
    flag: dict[str, str] | None = None     # {index, class}
    notes: dict[str, str] = field(default_factory=dict)

    def dependent_units(self) -> list[str]:
        """Units whose flagged status depends on a methodological choice."""
        if "flag_status" not in self.summary:
            return []
        return list(self.summary.loc[self.summary["flag_status"] == "depends", "unit"])


@dataclass
class IndexResult:
    meta: IndexMeta
    values: pd.DataFrame                   # unit, part, year, value, rank, class, ref
    steps: list[StepRecord]
    audit: pd.DataFrame                    # AUDIT_COLUMNS
    comparisons: list[pd.DataFrame] = field(default_factory=list)
    sensitivity: list[SensitivityResult] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta.id

    def series(self, part: str = "", year: int | None = None,
               include_region: bool = False) -> pd.Series:
        """Values by unit for one part (and year)."""
        v = self.values
        v = v[v["part"] == part]
        if not include_region:
            v = v[~v["ref"]]
        if year is not None:
            v = v[v["year"] == year]
        result: pd.Series = v.set_index("unit")["value"]
        return result

    def parts(self) -> list[str]:
        return list(dict.fromkeys(self.values["part"].tolist()))

    def classed(self, class_id: str) -> list[str]:
        v = self.values
        return list(v.loc[v["class"] == class_id, "unit"])


@dataclass
class Results:
    """All indices of one edition, in the order of methodology.yaml."""
    edition: str
    region: str
    indices: dict[str, IndexResult]
    audit: pd.DataFrame                    # every index's audit + unreproducible values
    sensitivity: list[SensitivityResult]
    methodology_file: str
    notes: dict[str, str] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)   # see warning_text

    def __getitem__(self, index_id: str) -> IndexResult:
        return self.indices[index_id]

    def values_table(self) -> pd.DataFrame:
        """Every value, as in indices.csv (before formatting)."""
        frames = []
        for index_id, res in self.indices.items():
            v = res.values
            v = v[~v["ref"]]
            frames.append(pd.DataFrame({
                "index": [f"{index_id}:{p}" if p else index_id for p in v["part"]],
                "unit": v["unit"].values, "year": v["year"].values, "value": v["value"].values,
                "rank": v["rank"].values, "class": v["class"].values}))
        if not frames:
            result: pd.DataFrame = pd.DataFrame(columns=VALUE_COLUMNS)
            return result
        out = pd.concat(frames, ignore_index=True)
        result = out.sort_values(["index", "unit", "year"], kind="stable").reset_index(drop=True)
        return result


@dataclass
class ComputeSummary:
    edition: str
    indices: int
    values: int
    audit_rows: int
    audit_status: dict[str, int]
    files: list[str]
    warnings: list[str] = field(default_factory=list)
    summary: Any = None                    # summary.AuditSummary: distinct numbers

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in self.audit_status.items() if n)
        text = (f"Edition {self.edition}: computed {self.indices} indices ({self.values} "
                f"values); {self.audit_rows} audit rows: {counts or 'none'}"
                + (f"; {self.summary}" if self.summary is not None else "")
                + f". Wrote {', '.join(self.files)}.")
        return "\n".join([text] + [f"warning: {w}" for w in self.warnings])


def warning_text(w: dict[str, Any]) -> str:
    """One warning as a line naming the file, line, index and unit."""
    where = f"{w['file']}:{w['line']}: " if w.get("line") else f"{w.get('file', '')}: "
    if w["code"] == "blank_aggregate":
        return (f"{where}index {w['index']!r}: unit {w['unit']!r} left blank, "
                f"{w['share']:.0%} of its inputs available, below min_share "
                f"{w['min_share']:g}; missing: {w['missing']}. Fix: complete the data or "
                f"lower 'missing: {{min_share: …}}'")
    return f"{where}index {w['index']!r}: {w['code']}"
