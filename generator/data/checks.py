"""Consistency checks of the transcribed tables (checks.yaml).

A check compares what the source prints with what its own parts imply: a total with the sum
of its parts, a printed ratio or growth rate with the one computed from levels, or the same
observation printed in two places. The results become data notes on the site; a check that
fails without being declared ``expected: fails`` stops the build, and so does a declared
failure that no longer fails, so notes never go stale. A failing check names the CSV rows
that feed it, so the mistake is found where it was typed.

Nothing is switched off silently: a checks.yaml that lists no checks, and a table with a
header and no rows, are errors (a draft edition's build shows them as notes).
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import DataError
from ..yamlio import load_yaml, validation_error
from .model import Dataset

SELECTOR_KEYS = ("table", "unit", "indicator", "category", "year")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Selector(_Strict):
    table: str | None = None
    unit: Any = None
    indicator: Any = None
    category: Any = None
    year: Any = None


class CheckSpec(_Strict):
    id: str
    kind: Literal["sum", "mean", "ratio", "growth", "equal", "at_most"]
    table: str | None = None
    unit: Any = None
    indicator: Any = None
    category: Any = None
    year: Any = None
    parts: Selector | None = None
    total: Selector | None = None
    numerator: Selector | None = None
    denominator: Selector | None = None
    printed: Selector | None = None
    level: Selector | None = None
    left: Selector | None = None
    right: Selector | None = None
    scale: float = 1.0
    offset: float = 0.0            # added after scaling: scale 100, offset -100 gives a rise in %
    limit: float | None = None     # at_most: the bound, when it is not a value of 'right'
    change: Literal["ratio", "difference"] = "ratio"   # growth: x_t/x_(t-1), or x_t − x_(t-1)
    for_each: Literal["unit", "year", "category"] | None = None
    tolerance: float = 0.0
    expected: Literal["passes", "fails"] = "passes"
    note: str | dict[str, str] | None = None

    @field_validator("tolerance")
    @classmethod
    def _tol(cls, v: float) -> float:
        if v < 0:
            raise ValueError("tolerance must not be negative")
        return v


class ChecksFile(_Strict):
    checks: list[CheckSpec] = Field(default_factory=list)


@dataclass
class Comparison:
    """One printed value against the value its parts imply."""

    label: str
    printed: float
    computed: float
    ok: bool
    missing_parts: list[str] = field(default_factory=list)
    #: The CSV rows the comparison reads: printed value first, then its parts.
    rows: list[tuple[str, int]] = field(default_factory=list)
    cell: str = ""            # file:row of the printed value (to count distinct numbers)

    @property
    def difference(self) -> float:
        return self.computed - self.printed


@dataclass
class CheckResult:
    id: str
    kind: str
    expected: str
    note: Any
    comparisons: list[Comparison]
    line: int | None

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.comparisons if not c.missing_parts)

    @property
    def as_expected(self) -> bool:
        return self.passed == (self.expected == "passes")

    @property
    def failures(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.ok and not c.missing_parts]


def _rows_of(frame: pd.DataFrame) -> list[tuple[str, int]]:
    return list(zip(frame["file"].tolist(), (int(r) for r in frame["row"].tolist())))


def where(rows: list[tuple[str, int]], limit: int = 12) -> str:
    """``rows`` as 'file rows 3, 5-8; other.csv row 2' (runs of rows joined)."""
    by_file: dict[str, list[int]] = {}
    for file, row in rows:
        by_file.setdefault(file, [])
        if row not in by_file[file]:
            by_file[file].append(row)
    parts = []
    for file, lines in by_file.items():
        lines.sort()
        runs: list[list[int]] = []
        for n in lines:
            if runs and n == runs[-1][-1] + 1:
                runs[-1].append(n)
            else:
                runs.append([n])
        shown = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs[:limit]]
        more = f" and {len(runs) - limit} more" if len(runs) > limit else ""
        parts.append(f"{file} row{'s' if len(lines) > 1 else ''} {', '.join(shown)}{more}")
    return "; ".join(parts)


def _as_list(v: Any) -> list[Any] | None:
    if v is None:
        return None
    return list(v) if isinstance(v, (list, tuple)) else [v]


class _Runner:
    def __init__(self, ds: Dataset, path: Path, line_of):
        self.ds = ds
        self.path = path
        self.line_of = line_of
        #: key → {value: row positions} of the observations, grouped once per key
        self.groups: dict[str, dict[Any, np.ndarray]] = {}
        self.columns: dict[str, np.ndarray] = {}

    def column(self, name: str) -> np.ndarray:
        """One column of the observations as an array, made once."""
        found = self.columns.get(name)
        if found is None:
            found = self.columns[name] = self.ds.observations[name].to_numpy()
        return found

    def fail(self, i: int, msg: str, fix: str) -> DataError:
        return DataError(msg, self.path, self.line_of(i), fix)

    def resolve(self, check: CheckSpec, sel: Selector | None) -> dict[str, Any]:
        merged = {k: getattr(check, k) for k in SELECTOR_KEYS}
        explicit = set()
        if sel is not None:
            for k in SELECTOR_KEYS:
                v = getattr(sel, k)
                if v is not None:
                    merged[k] = v
                    explicit.add(k)
        merged["_explicit"] = explicit
        return merged

    @staticmethod
    def bind(sel: dict[str, Any], key: str | None, value: Any) -> dict[str, Any]:
        """Fix the for_each dimension, unless the selector names that key itself."""
        out = dict(sel)
        if key is not None and key not in sel.get("_explicit", ()):
            out[key] = value
        return out

    def rows(self, i: int, sel: dict[str, Any]) -> pd.DataFrame:
        at = self.selected(i, sel)
        obs = self.ds.observations
        return obs[pd.Series(True, index=obs.index)] if at is None else obs.iloc[at]

    def selected(self, i: int, sel: dict[str, Any]) -> np.ndarray | None:
        """Ascending positions of the observations ``sel`` selects (None: all of them)."""
        filters: list[tuple[str, list[Any]]] = []
        for key in SELECTOR_KEYS:
            v = sel.get(key)
            if v is None or v == "*":
                continue
            if key == "unit" and v == "units":
                v = self.ds.unit_ids()
            values = _as_list(v)
            if any(isinstance(x, (list, tuple, dict, set)) or x is None for x in values):
                raise self.fail(i, f"the {key} {v!r} is not a value or a list of values",
                                f"write one {key} or a flat list, e.g. [a, b]")
            if key == "year":
                if not all(isinstance(y, numbers.Integral) and not isinstance(y, bool)
                           or (isinstance(y, str) and y.isascii() and y.isdigit()) for y in values):
                    raise self.fail(i, f"the year {v!r} is not a year or a list of years",
                                    "write a four-digit year such as 2020, a list of them, "
                                    "or '*'")
                values = [int(y) for y in values]
            if key == "table":
                for t in values:
                    if t not in self.ds.tables:
                        raise self.fail(i, f"unknown table {t!r}", "use a table id of sources.yaml")
            if key == "indicator":
                for ind in values:
                    if ind not in self.ds.indicators:
                        raise self.fail(i, f"unknown indicator {ind!r}",
                                        "use an id of indicators.yaml")
            filters.append((key, values))
        if not filters:
            return None
        # the rows each key allows, from positions grouped once per key (a check asks
        # hundreds of times; masks over every observation cost more than the answers)
        rows: np.ndarray | None = None
        for key, values in filters:
            at = self.positions(key, values)
            rows = at if rows is None else np.intersect1d(rows, at, assume_unique=True)
        return rows

    def positions(self, key: str, values: list[Any]) -> np.ndarray:
        """Ascending positions of the observations whose ``key`` is one of ``values``, as
        ``observations[key].isin(values)`` selects them."""
        groups = self.groups.get(key)
        if groups is None:
            obs = self.ds.observations
            groups = dict(obs.groupby(key, sort=False).indices) if len(obs) else {}
            self.groups[key] = groups
        found = [groups[v] for v in dict.fromkeys(values) if v in groups]
        if not found:
            return np.zeros(0, dtype=np.intp)
        return found[0] if len(found) == 1 else np.sort(np.concatenate(found))

    def single(self, i: int, sel: dict[str, Any], what: str) -> tuple[float, str]:
        value, flag, _ = self.single_row(i, sel, what)
        return value, flag

    @staticmethod
    def cell(at: tuple[str, int]) -> str:
        return f"{at[0]}:{at[1]}"

    def single_row(self, i: int, sel: dict[str, Any], what: str
                   ) -> tuple[float, str, tuple[str, int]]:
        """The one value ``sel`` selects, its flag and its (file, row)."""
        at = self.selected(i, sel)
        if at is not None and len(at) == 1:     # the usual answer: no frame made for it
            p = int(at[0])
            value, flag, file, row = (self.column(c)[p] for c in ("value", "flag", "file",
                                                                   "row"))
            return float(value), flag, (str(file), int(row))
        rows = self.rows(i, sel)
        if rows.empty:
            raise self.fail(i, f"the {what} selector {self.show(sel)} matches no value",
                            "correct the selector's table, unit, indicator, category or year")
        if len(rows) > 1:
            raise self.fail(i, f"the {what} selector {self.show(sel)} matches {len(rows)} "
                            f"values ({where(_rows_of(rows), limit=6)})",
                            "narrow it (add unit, year, category or table)")
        r = rows.iloc[0]
        return float(r["value"]), r["flag"], (str(r["file"]), int(r["row"]))

    @staticmethod
    def show(sel: dict[str, Any]) -> str:
        return "{" + ", ".join(f"{k}: {v}" for k, v in sel.items()
                               if v is not None and not k.startswith("_")) + "}"

    # -- kinds ----------------------------------------------------------------
    def expand(self, check: CheckSpec) -> list[dict[str, Any]]:
        """A list-valued top-level indicator/year runs the check once per value."""
        variants = [{}]
        for key in ("indicator", "year"):
            values = _as_list(getattr(check, key))
            if values and len(values) > 1:
                variants = [dict(v, **{key: x}) for v in variants for x in values]
        return variants

    def run(self, i: int, check: CheckSpec) -> CheckResult:
        comparisons: list[Comparison] = []
        for variant in self.expand(check):
            c = check.model_copy(update=variant)
            comparisons.extend(getattr(self, f"run_{check.kind}")(i, c))
        if not comparisons:
            raise self.fail(i, f"check {check.id!r} compares nothing", "correct its selectors")
        return CheckResult(check.id, check.kind, check.expected, check.note, comparisons,
                           self.line_of(i))

    def keys_for_each(self, i: int, check: CheckSpec, sel: dict[str, Any]) -> list[Any]:
        if check.for_each is None:
            return [None]
        rows = self.rows(i, sel)
        return sorted(rows[check.for_each].unique(), key=str)

    def run_sum(self, i: int, check: CheckSpec) -> list[Comparison]:
        return self._aggregate(i, check, "sum")

    def run_mean(self, i: int, check: CheckSpec) -> list[Comparison]:
        return self._aggregate(i, check, "mean")

    def _aggregate(self, i: int, check: CheckSpec, how: str) -> list[Comparison]:
        total = check.total or check.printed
        if check.parts is None or total is None:
            raise self.fail(i, f"{how} check {check.id!r} needs 'parts' and 'total'",
                            "add both selectors")
        out = []
        base_total = self.resolve(check, total)
        base_parts = self.resolve(check, check.parts)
        for key in self.keys_for_each(i, check, base_total):
            total_sel = self.bind(base_total, check.for_each, key)
            parts_sel = self.bind(base_parts, check.for_each, key)
            printed, _, at = self.single_row(i, total_sel, "total")
            cell = self.cell(at)
            parts = self.rows(i, parts_sel)
            if parts.empty:
                raise self.fail(i, f"the parts selector {self.show(parts_sel)} matches nothing",
                                "correct it")
            # A printed "-" means no cases: it counts as zero. Hidden values do not.
            values = parts["value"].where(parts["flag"] != "nil", 0.0)
            hidden = parts[values.isna()]
            computed = float(values.sum(skipna=True))
            if how == "mean":
                computed = float(values.mean(skipna=True))
            label = self.show({k: v for k, v in total_sel.items() if k != "table"})
            if not hidden.empty:
                missing = [f"{r.unit}/{r.indicator}/{r.category or '-'}" for r in hidden.itertuples()]
                out.append(Comparison(label, printed, computed, True, missing,
                                      rows=[at, *_rows_of(parts)], cell=cell))
            else:
                out.append(Comparison(label, printed, computed,
                                      abs(computed - printed) <= check.tolerance + 1e-9,
                                      rows=[at, *_rows_of(parts)], cell=cell))
        return out

    def run_ratio(self, i: int, check: CheckSpec) -> list[Comparison]:
        if not (check.numerator and check.denominator and check.printed):
            raise self.fail(i, f"ratio check {check.id!r} needs numerator, denominator and "
                            "printed", "add the three selectors")
        out = []
        num_b = self.resolve(check, check.numerator)
        den_b = self.resolve(check, check.denominator)
        pr_b = self.resolve(check, check.printed)
        for key in self.keys_for_each(i, check, pr_b):
            sels = [self.bind(b, check.for_each, key) for b in (num_b, den_b, pr_b)]
            printed, _, at_p = self.single_row(i, sels[2], "printed")
            num, _, at_n = self.single_row(i, sels[0], "numerator")
            den, _, at_d = self.single_row(i, sels[1], "denominator")
            cell = self.cell(at_p)
            label = self.show({k: v for k, v in sels[2].items() if k != "table"})
            if any(math.isnan(x) for x in (printed, num, den)):
                out.append(Comparison(label, printed, math.nan, True, ["flagged value"],
                                      rows=[at_p, at_n, at_d], cell=cell))
                continue
            if den == 0:
                raise self.fail(i, f"division by zero: the denominator {self.show(sels[1])} is 0",
                                "check the value or the selector")
            computed = num / den * check.scale + check.offset
            out.append(Comparison(label, printed, computed,
                                  abs(computed - printed) <= check.tolerance + 1e-9,
                                  rows=[at_p, at_n, at_d], cell=cell))
        return out

    def run_growth(self, i: int, check: CheckSpec) -> list[Comparison]:
        if not (check.level and check.printed):
            raise self.fail(i, f"growth check {check.id!r} needs 'level' and 'printed'",
                            "add both selectors")
        lev_b = self.resolve(check, check.level)
        pr_b = self.resolve(check, check.printed)
        printed_rows = self.rows(i, pr_b)
        if printed_rows.empty:
            raise self.fail(i, f"the printed selector {self.show(pr_b)} matches nothing",
                            "correct it")
        out = []
        for r in printed_rows.sort_values(["unit", "category", "year"]).itertuples():
            sel = dict(lev_b, unit=r.unit, _explicit=())
            if r.category:
                sel["category"] = r.category
            cur, _, at_c = self.single_row(i, dict(sel, year=r.year), "level")
            prev, _, at_p = self.single_row(i, dict(sel, year=r.year - 1), "level")
            label = f"{r.unit} {r.indicator} {r.category or ''} {r.year - 1}→{r.year}".replace("  ", " ")
            if math.isnan(r.value) or math.isnan(cur) or math.isnan(prev):
                out.append(Comparison(label, r.value, math.nan, True, ["flagged value"],
                                      rows=[(str(r.file), int(r.row)), at_c, at_p],
                                      cell=f"{r.file}:{r.row}"))
                continue
            if check.change == "difference":
                computed = (cur - prev) * check.scale + check.offset
            elif prev == 0:
                raise self.fail(i, f"division by zero: {r.unit} {r.year - 1} level is 0",
                                "check the value")
            else:
                computed = cur / prev * check.scale + check.offset
            out.append(Comparison(label, float(r.value), computed,
                                  abs(computed - r.value) <= check.tolerance + 1e-9,
                                  rows=[(str(r.file), int(r.row)), at_c, at_p],
                                  cell=f"{r.file}:{r.row}"))
        return out

    def run_equal(self, i: int, check: CheckSpec) -> list[Comparison]:
        if not (check.left and check.right):
            raise self.fail(i, f"equal check {check.id!r} needs 'left' and 'right'",
                            "add both selectors")
        left_b = self.resolve(check, check.left)
        right_b = self.resolve(check, check.right)
        out = []
        for key in self.keys_for_each(i, check, left_b):
            ls = self.bind(left_b, check.for_each, key)
            rs = self.bind(right_b, check.for_each, key)
            right_rows = self.rows(i, rs)
            if right_rows.empty:
                continue
            lv, _, at_l = self.single_row(i, ls, "left")
            rv, _, at_r = self.single_row(i, rs, "right")
            label = self.show({k: v for k, v in ls.items() if k != "table"})
            out.append(Comparison(label, lv, rv, abs(lv - rv) <= check.tolerance + 1e-9,
                                  rows=[at_l, at_r], cell=self.cell(at_l)))
        return out

    def run_at_most(self, i: int, check: CheckSpec) -> list[Comparison]:
        """Every value of 'left' is at most 'limit', or the same unit's and year's value of
        'right' (a share above 100 %, more sold than produced). 'printed' of a comparison
        is the left value, 'computed' the bound."""
        if not check.left or (check.right is None) == (check.limit is None):
            raise self.fail(i, f"at_most check {check.id!r} needs 'left' and either 'right' "
                            "or 'limit'", "add the selector and the bound")
        rows = self.rows(i, self.resolve(check, check.left))
        if rows.empty:
            raise self.fail(i, "the left selector matches nothing", "correct it")
        out = []
        for r in rows.sort_values(["unit", "category", "year"]).itertuples():
            if math.isnan(r.value):
                continue
            bound = check.limit
            at = [(str(r.file), int(r.row))]
            if check.right is not None:
                rs = dict(self.resolve(check, check.right), unit=r.unit, year=r.year)
                bound, _, at_r = self.single_row(i, rs, "right")
                at.append(at_r)
            label = f"{r.unit} {r.indicator} {r.category or ''} {r.year}".replace("  ", " ")
            out.append(Comparison(label, float(r.value), float(bound),
                                  math.isnan(bound) or r.value <= bound + check.tolerance + 1e-9,
                                  rows=at, cell=f"{r.file}:{r.row}"))
        return out


def run_checks(ds: Dataset, path: Path | None = None) -> list[CheckResult]:
    """Run ``checks.yaml`` of the dataset's edition (no file → no checks; a file that
    lists none, or a table without rows, is an error)."""
    path = path or ds.root / "checks.yaml"
    if ds.empty_tables:
        first, more = ds.empty_tables[0], len(ds.empty_tables) - 1
        raise DataError("the table has a header and no rows" + (
            f" (and {more} more table{'s' if more > 1 else ''}: "
            f"{', '.join(ds.empty_tables[1:4])}{', …' if more > 3 else ''})" if more else ""),
            first, 2, "enter its rows (one per unit, indicator and year), or remove the table: "
            "its file and its entry in sources.yaml")
    if not path.is_file():
        return []
    doc = load_yaml(path)
    if doc.data is None or doc.data == {} or (isinstance(doc.data, dict)
                                              and doc.data.get("checks") in (None, [])):
        raise DataError("the file lists no checks: every data check of the edition would be "
                        "off without a word", path, doc.line("checks") or 1,
                        "list the checks under 'checks:' (see docs/data-format.md), or delete "
                        "the file if the edition has none")
    try:
        spec = ChecksFile.model_validate(doc.data or {})
    except ValidationError as exc:
        err = validation_error(exc, doc, model=ChecksFile)
        raise DataError(err.message, err.file, err.line, err.fix) from None
    ids = set()
    for i, c in enumerate(spec.checks):
        if c.id in ids:
            raise DataError(f"check id {c.id!r} is used twice", path, doc.line("checks", i),
                            "give every check its own id")
        ids.add(c.id)
    runner = _Runner(ds, path, lambda i: doc.line("checks", i))
    return [runner.run(i, c) for i, c in enumerate(spec.checks)]


def unexpected(results: list[CheckResult], path: Path) -> DataError | None:
    """The first check whose outcome contradicts its declaration, as an error."""
    for r in results:
        if r.as_expected:
            continue
        if r.expected == "passes":
            f = r.failures[0]
            more = len(r.failures) - 1
            rows = f"; the values are read from {where(f.rows)}" if f.rows else ""
            return DataError(
                f"check {r.id!r} fails: {f.label} is printed {f.printed:g} but its parts give "
                f"{f.computed:.6g} (difference {f.difference:+.6g}){rows}"
                + (f"; {more} more comparison{'s' if more > 1 else ''} of this check fail"
                   if more else ""), path, r.line,
                "correct the transcription in those rows if it differs from the source; if "
                "the source itself is inconsistent, add 'expected: fails' and a note saying so")
        rows = sorted({row for c in r.comparisons for row in c.rows})
        read = f" (it reads {where(rows)})" if rows else ""
        return DataError(f"check {r.id!r} is declared 'expected: fails' but now passes{read}",
                         path, r.line, "remove 'expected: fails' and its note")
    return None
