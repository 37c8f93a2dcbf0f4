"""What the home page and every profile say first, computed from the data.

content/<edition>/home.yaml names the measures (``headline`` and ``glance``); this module
finds their values, ranks and the units that lag, so the sentences a reader meets first are
always the numbers of the current files. Nothing here names a region, unit or index.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from ..content.load import GlanceSpec, HeadlineSpec, RankedRef
from ..errors import ContentError


@dataclass(frozen=True)
class Standing:
    """One value of an area with its place among all units.

    ``first`` is what rank 1 holds ("highest" or "lowest" value); ``better`` which way is
    better ("higher", "lower" or "" when the data do not say)."""

    ref: RankedRef
    unit: str
    value: float
    year: int
    rank: int | None
    rank_of: int
    first: str
    better: str
    region_value: float = math.nan
    index_row: object = None        # IndexRow of an index (audit status, class)
    figure: object = None           # Figure of a table's indicator
    values: tuple = ()              # every unit's value, for the small strip chart

    @property
    def is_index(self) -> bool:
        return self.ref.index is not None


@dataclass(frozen=True)
class Headline:
    lagging: list[str]              # unit ids, the one that lags most first
    group_name: dict
    measure: str                    # index id that classes them
    total: int
    index: str
    top: list[Standing] = field(default_factory=list)      # best first
    bottom: list[Standing] = field(default_factory=list)   # worst last
    left_out: int = 0               # rows the audit calls not real, left out of top/bottom


def _first(rows) -> str:
    """Whether rank 1 holds the highest or the lowest value of ranked rows."""
    ranked = [r for r in rows if r.rank is not None and not math.isnan(r.value)]
    if len(ranked) < 2:
        return "highest"
    top = min(ranked, key=lambda r: r.rank)
    return "lowest" if top.value <= min(r.value for r in ranked) and \
        top.value < max(r.value for r in ranked) else "highest"


def index_standings(site, ref: RankedRef) -> dict[str, Standing]:
    """{unit: Standing} of an index (its last year, unit rows only)."""
    view = site.indices
    if view is None or ref.index not in view.results.indices:
        raise ContentError(f"home.yaml names index {ref.index!r}, which is not computed",
                           site.content.home_file, None,
                           "use an index id of methodology.yaml")
    rows = [r for r in view.rows[ref.index] if not r.part]
    years = sorted({r.year for r in rows})
    year = ref.year if ref.year is not None else (years[-1] if years else 0)
    rows = [r for r in rows if r.year == year]
    units = [r for r in rows if not r.ref]
    region = next((r.value for r in rows if r.unit == site.dataset.region), math.nan)
    first = _first(units)
    better = ref.better or ""
    values = tuple(r.value for r in units if not math.isnan(r.value))
    ranks, ranked = _real_ranks(units, copied_units(site, ref.index), first)
    return {r.unit: Standing(ref=ref, unit=r.unit, value=r.value, year=r.year,
                             rank=ranks.get(r.unit), rank_of=ranked, first=first,
                             better=better, region_value=region, index_row=r, values=values)
            for r in units}


def _real_ranks(units, copies: set[str], first: str) -> tuple[dict[str, int], int]:
    """Ranks among the units whose values are real, as the charts give them: a row copying
    another unit's row gets no rank and takes no place from the others. Without copies
    these are the engine's ranks; ties share the better rank, as the engine's do."""
    if not copies:
        return {r.unit: r.rank for r in units}, (units[0].rank_of if units else 0)
    real = [r for r in units if r.unit not in copies and not math.isnan(r.value)
            and r.rank is not None and not (isinstance(r.rank, float) and math.isnan(r.rank))]
    sign = -1 if first == "highest" else 1
    ordered = sorted(r.value * sign for r in real)
    return {r.unit: bisect.bisect_left(ordered, r.value * sign) + 1 for r in real}, len(real)


def figure_standing(site, ref: RankedRef, unit: str) -> Standing | None:
    """A unit's value of a table's indicator, ranked by the indicator's direction."""
    found = site.figures.pick(unit, ref.table, ref.indicator, ref.category, ref.year)
    if not found:
        return None
    f = found[-1]                   # the latest year
    direction = f.direction
    return Standing(ref=ref, unit=unit, value=f.value, year=f.year, rank=f.rank,
                    rank_of=f.rank_of, first="lowest" if direction == "lower" else "highest",
                    better=direction if direction in ("higher", "lower") else "",
                    region_value=f.region_value, figure=f,
                    values=_figure_values(site, ref, f.year))


def _figure_values(site, ref: RankedRef, year: int) -> tuple[float, ...]:
    """Every unit's value of a table's indicator in ``year``: one tuple per cross-section,
    shared by every unit's Standing (the strip is drawn once per tuple)."""
    memo = site.page_memo.setdefault("figure_values", {})
    key = (ref.table, ref.indicator, ref.category, year)
    if key not in memo:
        memo[key] = site.figures.values(site.dataset.unit_ids(), *key)
    return memo[key]


def standing(site, ref: RankedRef, unit: str) -> Standing | None:
    if ref.index:
        return _memo_index(site, ref).get(unit)
    return figure_standing(site, ref, unit)


def _memo_index(site, ref: RankedRef) -> dict[str, Standing]:
    memo = site.page_memo.setdefault("standings", {})
    key = ref.model_dump_json()         # the same index may be asked with other words
    if key not in memo:
        memo[key] = index_standings(site, ref)
    return memo[key]


def _worst_first(standings: list[Standing]) -> list[Standing]:
    """Lagging order: the worst value first (by rank, whichever way rank 1 points)."""
    def badness(s: Standing) -> float:
        if math.isnan(s.value):
            return math.inf
        worse_is_low = (s.better or ("higher" if s.first == "highest" else "lower")) == "higher"
        return s.value if worse_is_low else -s.value
    return sorted(standings, key=badness)


def headline(site) -> Headline | None:
    """The home page's answer, or None when home.yaml asks for none."""
    spec: HeadlineSpec | None = site.content.home.headline
    if spec is None or site.indices is None:
        return None
    group = site.structured.groups.get(spec.lagging)
    if group is None:
        raise ContentError(f"home.yaml: headline group {spec.lagging!r} is not in groups.yaml",
                           site.content.home_file, None, "use a group id of groups.yaml")
    members = site.group_members(spec.lagging)
    measure = _memo_index(site, spec.measure)
    lagging = [s.unit for s in _worst_first([measure[u] for u in members if u in measure])]
    lagging += [u for u in members if u not in lagging]
    ranked = _memo_index(site, spec.index)
    # Best first: rows the audit calls not real (copies of another unit's row) are left out
    # of the sentence, never named as the best or the worst.
    copies = copied_units(site, spec.index.index)
    real = [s for s in ranked.values()
            if not math.isnan(s.value) and s.rank is not None and not _not_real(s, copies)]
    order = list(reversed(_worst_first(real)))
    return Headline(lagging=lagging, group_name=group.name, measure=spec.measure.index,
                    total=len(site.dataset.unit_ids()), index=spec.index.index,
                    top=order[:1], bottom=order[-1:] if len(order) > 1 else [],
                    left_out=sum(1 for s in ranked.values() if _not_real(s, copies)))


@dataclass(frozen=True)
class IndexAnswer:
    """What an index's page says first: its best and worst unit (a ranked index) and how
    the units fall into its classes (a classifying index), in the index's last year."""

    year: int
    top: Standing | None = None
    bottom: Standing | None = None
    better: str = ""                                   # "higher" | "lower" | "" (not known)
    classes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (class id, unit ids), in order
    left_out: int = 0               # rows the audit calls not real, left out of top/bottom


def index_answer(site, index_id: str, better: str = "") -> IndexAnswer | None:
    """The answer an index's page leads with, or None when no unit has a value or class.
    ``better`` is which way is better where the publisher says it (charts.yaml)."""
    view = site.indices
    units = set(site.dataset.unit_ids())
    rows = [r for r in view.rows[index_id] if not r.part and not r.ref and r.unit in units]
    if not rows:
        return None
    year = max(r.year for r in rows)
    rows = [r for r in rows if r.year == year]
    top = bottom = None
    left_out = 0
    if any(r.rank is not None and not math.isnan(r.value) for r in rows):
        ref = RankedRef(index=index_id, year=year, better=better or None)
        ranked = index_standings(site, ref)
        copies = copied_units(site, index_id)
        real = [s for s in ranked.values()
                if not math.isnan(s.value) and s.rank is not None and not _not_real(s, copies)]
        order = list(reversed(_worst_first(real)))
        if len(order) > 1:
            top, bottom = order[0], order[-1]
        left_out = sum(1 for s in ranked.values() if _not_real(s, copies))
    found: dict[str, list[str]] = {}
    for r in rows:
        if r.cls:
            found.setdefault(r.cls, []).append(r.unit)
    declared = [c.id for c in view.results[index_id].meta.classes or []]
    order_ids = [c for c in declared if c in found] + sorted(c for c in found
                                                             if c not in declared)
    classes = tuple((c, tuple(found[c])) for c in order_ids)
    if top is None and not classes:
        return None
    return IndexAnswer(year=year, top=top, bottom=bottom, better=better, classes=classes,
                       left_out=left_out)


def _not_real(s: Standing, copies: set[str]) -> bool:
    return s.is_index and s.unit in copies


def copied_units(site, index_id: str) -> set[str]:
    """Units whose row of the source table repeats an earlier unit's row in every input of
    the index (three or more inputs: two equal numbers may be a coincidence). The audit
    calls such values not real; they are never named as a best or worst value. Found in
    the data, so a new edition's copies are found the same way (the charts mark the same
    rows, generator/site/chartplan.py)."""
    memo = site.page_memo.setdefault("copies", {})
    if index_id in memo:
        return memo[index_id]
    meta = site.indices.results[index_id].meta
    inputs = [i for i in meta.inputs if i.kind == "indicator" and i.table]
    out: set[str] = set()
    if len(inputs) >= 3:
        units = set(site.dataset.unit_ids())
        rows: dict[str, list] = {}
        first_line: dict[str, int] = {}
        for inp in inputs:
            obs = site.dataset.select(inp.ref, table=inp.table,
                                      year=inp.year if isinstance(inp.year, int) else None)
            for r in obs[obs["unit"].isin(units)].itertuples(index=False):
                rows.setdefault(r.unit, []).append((inp.id, r.value))
                first_line[r.unit] = min(first_line.get(r.unit, r.line), r.line)
        groups: dict[tuple, list[str]] = {}
        for unit, values in rows.items():
            if len(values) == len(inputs) and not any(math.isnan(v) for _, v in values):
                groups.setdefault(tuple(sorted(values)), []).append(unit)
        for same in groups.values():
            out.update(sorted(same, key=lambda u: first_line[u])[1:])
    memo[index_id] = out
    return out


def glance(site, unit: str) -> dict | None:
    """The "at a glance" block of a unit: its class (the first group of ``groups`` it is in,
    else none), the value the class rests on, and the headline indicators."""
    spec: GlanceSpec | None = site.content.home.glance
    if spec is None:
        return None
    group = next((g for g in spec.groups if g in site.structured.groups
                  and site.in_group(g, unit)), None)
    why = standing(site, spec.why, unit) if spec.why else None
    items = [s for s in (standing(site, ref, unit) for ref in spec.indicators) if s]
    copied = {s.ref.index for s in items if s.is_index
              and unit in copied_units(site, s.ref.index)}
    named = group or next((g for g in spec.groups if g in site.structured.groups), None)
    return {"copied": copied, "group": group, "group_name": site.structured.groups[named].name if named else None,
            "why": why, "indicators": items}
