"""What changed between two editions: computed from both, never written by hand.

* every unit's value and rank of every index both editions compute (latest year of each);
* units entering or leaving each group (e.g. the lagging units), by the groups'
  own definitions in each edition;
* indicators added or removed (indicators.yaml);
* the methodology, as the differences between the two methodology.yaml specs, path by path.

Knows no page and no picture: the site and the charts read the :class:`Comparison`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..site.history import latest_rows, plain_value
from ..yamlio import load_yaml


@dataclass(frozen=True)
class UnitChange:
    unit: str
    before: float | None
    after: float | None
    rank_before: int | None
    rank_after: int | None

    @property
    def move(self) -> str:
        """'up' (a better rank, i.e. a smaller number), 'down', 'same', 'new', 'gone' or ''."""
        if self.rank_before is None and self.rank_after is None:
            return ""
        if self.rank_before is None:
            return "new"
        if self.rank_after is None:
            return "gone"
        if self.rank_after < self.rank_before:
            return "up"
        return "down" if self.rank_after > self.rank_before else "same"

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative)."""
        if self.rank_before is None or self.rank_after is None:
            return None
        return self.rank_before - self.rank_after

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass
class IndexChange:
    index: str
    part: str
    year_before: int
    year_after: int
    ranked: bool
    units: list[UnitChange]

    def moved(self) -> list[UnitChange]:
        return [u for u in self.units if u.move in ("up", "down", "new", "gone")]


@dataclass(frozen=True)
class GroupChange:
    group: str
    entered: list[str]
    left: list[str]
    stayed: list[str]


@dataclass(frozen=True)
class SpecChange:
    """One difference between the two methodology specs of an index."""

    index: str
    how: str                 # added | removed | changed
    path: str = ""           # e.g. "steps › 2 › normalise › method"
    before: str = ""
    after: str = ""


@dataclass
class Comparison:
    before: str                                          # edition ids
    after: str
    indices: list[IndexChange] = field(default_factory=list)
    groups: list[GroupChange] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)
    indicators_removed: list[str] = field(default_factory=list)
    units_added: list[str] = field(default_factory=list)
    units_removed: list[str] = field(default_factory=list)
    methodology: list[SpecChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (any(i.moved() for i in self.indices) or self.groups or
                    self.indicators_added or self.indicators_removed or self.methodology)


# -- index values and ranks ------------------------------------------------------------------

def index_changes(view_before, view_after) -> list[IndexChange]:
    """Values and ranks of every index both editions compute, unit by unit."""
    out: list[IndexChange] = []
    if view_before is None or view_after is None:
        return out
    for index_id, rows_after in view_after.rows.items():
        rows_before = view_before.rows.get(index_id)
        if rows_before is None:
            continue
        a, b = latest_rows(rows_before), latest_rows(rows_after)
        for part in dict.fromkeys(p for p, _ in [*a, *b]):
            units = sorted({u for p, u in [*a, *b] if p == part})
            changes = []
            for unit in units:
                ra, rb = a.get((part, unit)), b.get((part, unit))
                changes.append(UnitChange(
                    unit, plain_value(ra.value) if ra else None, plain_value(rb.value) if rb else None,
                    ra.rank if ra else None, rb.rank if rb else None))
            if not any(c.before is not None or c.after is not None for c in changes):
                continue
            ranked = any(c.rank_before is not None or c.rank_after is not None
                         for c in changes)
            year_a = max((r.year for (p, _), r in a.items() if p == part), default=0)
            year_b = max((r.year for (p, _), r in b.items() if p == part), default=0)
            out.append(IndexChange(index_id, part, year_a, year_b, ranked, changes))
    return out


# -- groups ----------------------------------------------------------------------------------

def group_changes(members_before: dict[str, list[str]],
                  members_after: dict[str, list[str]]) -> list[GroupChange]:
    """Units entering or leaving each group defined in both editions."""
    out = []
    for gid, after in members_after.items():
        if gid not in members_before:
            continue
        before = members_before[gid]
        entered = [u for u in after if u not in before]
        left = [u for u in before if u not in after]
        if entered or left:
            out.append(GroupChange(gid, entered, left, [u for u in after if u in before]))
    return out


# -- methodology -----------------------------------------------------------------------------

def _short(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_short(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_short(v) for v in value) + "]"
    return "—" if value is None else str(value)


def _step_name(step: Any) -> str:
    return next(iter(step)) if isinstance(step, dict) and len(step) == 1 else ""


def _diff(path: list[str], a: Any, b: Any, index: str, out: list[SpecChange]) -> None:
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in dict.fromkeys([*a, *b]):
            if key not in b:
                out.append(SpecChange(index, "changed", " › ".join(path + [str(key)]),
                                      _short(a[key]), ""))
            elif key not in a:
                out.append(SpecChange(index, "changed", " › ".join(path + [str(key)]),
                                      "", _short(b[key])))
            else:
                _diff(path + [str(key)], a[key], b[key], index, out)
        return
    if isinstance(a, list) and isinstance(b, list) and path and path[-1] in ("steps",
                                                                            "inputs"):
        # Steps and inputs are matched by kind / id, so an inserted step reads as one
        # addition rather than as every later step changing.
        def key(item: Any, i: int) -> str:
            if isinstance(item, dict) and "id" in item:
                return f"{item['id']}"
            name = _step_name(item)
            return name or str(i + 1)

        ka = {key(x, i): x for i, x in enumerate(a)}
        kb = {key(x, i): x for i, x in enumerate(b)}
        for k in dict.fromkeys([*ka, *kb]):
            if k not in kb:
                out.append(SpecChange(index, "changed", " › ".join(path + [k]),
                                      _short(ka[k]), ""))
            elif k not in ka:
                out.append(SpecChange(index, "changed", " › ".join(path + [k]), "",
                                      _short(kb[k])))
            elif _step_name(ka[k]) == k and _step_name(kb[k]) == k:
                _diff(path + [k], ka[k][k], kb[k][k], index, out)   # {classify: {…}}
            else:
                _diff(path + [k], ka[k], kb[k], index, out)
        if [k for k in ka if k in kb] != [k for k in kb if k in ka]:
            out.append(SpecChange(index, "changed", " › ".join(path), "order: " +
                                  ", ".join(ka), "order: " + ", ".join(kb)))
        return
    out.append(SpecChange(index, "changed", " › ".join(path), _short(a), _short(b)))


#: Keys that describe an index but do not change how it is computed or what it shows.
_WORDING = {"notes"}


def methodology_changes(file_before: Path, file_after: Path) -> list[SpecChange]:
    """The differences between two methodology.yaml files, index by index."""
    def indices(path: Path) -> dict[str, dict]:
        if not path.is_file():
            return {}
        data = load_yaml(path).data or {}
        return {str(i["id"]): i for i in data.get("indices", []) if isinstance(i, dict)
                and "id" in i}

    a, b = indices(file_before), indices(file_after)
    out: list[SpecChange] = []
    for index_id in dict.fromkeys([*a, *b]):
        if index_id not in b:
            out.append(SpecChange(index_id, "removed"))
        elif index_id not in a:
            out.append(SpecChange(index_id, "added"))
        else:
            before = {k: v for k, v in a[index_id].items() if k not in _WORDING}
            after = {k: v for k, v in b[index_id].items() if k not in _WORDING}
            _diff([], before, after, index_id, out)
    return out


# -- all of it -------------------------------------------------------------------------------

def compare(before, after, members_before: dict[str, list[str]],
            members_after: dict[str, list[str]]) -> Comparison:
    """``before`` and ``after``: (edition id, Dataset, IndexView or None)."""
    (id_a, ds_a, view_a), (id_b, ds_b, view_b) = before, after
    units_a, units_b = ds_a.unit_ids(), ds_b.unit_ids()
    return Comparison(
        before=id_a, after=id_b,
        indices=index_changes(view_a, view_b),
        groups=group_changes(members_before, members_after),
        indicators_added=[i for i in ds_b.indicators if i not in ds_a.indicators],
        indicators_removed=[i for i in ds_a.indicators if i not in ds_b.indicators],
        units_added=[u for u in units_b if u not in units_a],
        units_removed=[u for u in units_a if u not in units_b],
        methodology=methodology_changes(ds_a.root / "methodology.yaml",
                                        ds_b.root / "methodology.yaml"))
