"""Compute the indices of a methodology on a dataset.

The engine reads inputs, runs each index's steps in order and records every step; it knows
nothing about pages, charts or the terminal. Indices are computed in dependency order, so
an index may aggregate other indices to any depth.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..data.model import Dataset
from ..errors import ComputeError
from .frame import Column, Frame, lists, make_frame, select_indicator
from .phrases import Ref, render, say
from .prepare import impute, treat
from .results import ClassInfo, IndexMeta, InputInfo, StepRecord
from .spec import IndexSpec, Methodology
from .steps import RUNNERS as _STEP_RUNNERS
from .steps import Runner, StepContext

#: Step kind → function; every kind of spec.STEP_KINDS has one.
RUNNERS: dict[str, Runner] = {**_STEP_RUNNERS, "impute": impute, "treat": treat}


@dataclass
class Computed:
    """One index after its steps: the final frame, the records and the metadata."""
    spec: IndexSpec
    frame: Frame
    steps: list[StepRecord]
    meta: IndexMeta
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> pd.DataFrame:
        """unit, part, year, value, rank, class, ref of the final frame (a copy)."""
        if getattr(self, "_values", None) is None:
            self._values = self._make_values()
        result: pd.DataFrame = self._values.copy()
        return result

    def _make_values(self) -> pd.DataFrame:
        df = self.frame.df
        names = self.frame.part_names()
        out: pd.DataFrame = pd.DataFrame({
            "unit": df["unit"].values,
            "part": [names[k] for k in zip(*lists(df, "input", "part"))],
            "year": df["year"].astype(int).values,
            "value": df["value"].astype(float).values,
            "rank": df["rank"].values if "rank" in df else np.full(len(df), math.nan),
            "class": df["label"].values,
            "ref": df["ref"].values,
        })
        return out


def resolve_areas(spec: IndexSpec, dataset: Dataset) -> list[str]:
    out: list[str] = []
    for a in spec.areas:
        if a == "units":
            out.extend(dataset.unit_ids())
        elif a == "region":
            out.append(dataset.region)
        else:
            out.append(a)
    return list(dict.fromkeys(out))


def dependencies(spec: IndexSpec) -> list[str]:
    return [i.index for i in spec.inputs if i.index]


def order(methodology: Methodology, wanted: set[str] | None = None) -> list[str]:
    """Index ids in dependency order (file order among equals); assumes no cycles."""
    specs = methodology.indices
    done: list[str] = []
    seen: set[str] = set()

    def visit(i: str) -> None:
        if i in seen:
            return
        seen.add(i)
        for d in dependencies(specs[i]):
            if d in specs:
                visit(d)
        done.append(i)

    roots = list(specs) if wanted is None else [i for i in specs if i in wanted]
    for i in roots:
        visit(i)
    return done


def _input_info(spec: IndexSpec, dataset: Dataset, computed: dict[str, Computed]
                ) -> list[InputInfo]:
    infos = []
    for inp in spec.inputs:
        if inp.indicator:
            ind = dataset.indicators[inp.indicator]
            table = inp.table
            if table is None:
                tables = sorted(dataset.select(inp.indicator)["table"].unique())
                table = tables[0] if len(tables) == 1 else None
            meta = dataset.tables.get(table) if table else None
            infos.append(InputInfo(
                id=inp.id, kind="indicator", ref=inp.indicator,
                name=inp.name or dict(ind.name), weight=inp.weight, table=table,
                table_number=meta.number if meta else None,
                document=(meta.document if meta else (ind.source.document
                                                      if ind.source else None)),
                lines=(meta.lines if meta else (ind.source.lines if ind.source else None)),
                year=list(inp.year) if isinstance(inp.year, tuple) else inp.year,
                category=inp.category, direction=ind.direction))
        else:
            assert inp.index is not None, "an input names an indicator or an index"
            dep = computed.get(inp.index)
            infos.append(InputInfo(id=inp.id, kind="index", ref=inp.index,
                                   name=inp.name or (dict(dep.meta.name) if dep else {}),
                                   weight=inp.weight))
    return infos


def load_inputs(spec: IndexSpec, dataset: Dataset, methodology: Methodology,
                computed: dict[str, Computed]) -> tuple[Frame, list[str]]:
    areas = resolve_areas(spec, dataset)
    region = dataset.region
    with_ref = areas + ([region] if region not in areas else [])
    in_areas, in_with_ref = set(areas), set(with_ref)     # membership without a scan
    records: list[dict[str, Any]] = []
    columns: dict[tuple[str, str], Column] = {}
    notes: list[str] = []
    missing_cells: list[str] = []
    for n, inp in enumerate(spec.inputs):
        line = methodology.index_line(spec.id, "inputs", n)
        if inp.index:
            dep = computed[inp.index]
            dv = dep.values()
            if inp.part is not None:
                if inp.part not in set(dv["part"]):
                    raise methodology.error(
                        f"index {spec.id!r}, input {inp.id!r}: index {inp.index!r} has no "
                        f"part {inp.part!r} (it has {sorted(set(dv['part']))})",
                        methodology.index_line(spec.id, "inputs", n, "part"),
                        "name one of those parts")
                dv = dv[dv["part"] == inp.part].assign(part="")
            for part in dict.fromkeys(dv["part"].tolist()):
                columns[(inp.id, part)] = Column(inp.id, part, index=inp.index)
            for unit, part, year, value, label in zip(*lists(dv, "unit", "part", "year",
                                                              "value", "class")):
                if unit not in in_with_ref:
                    continue
                records.append({"unit": unit, "input": inp.id, "part": part,
                                "year": int(year), "value": float(value),
                                "label": label if isinstance(label, str) else "",
                                "ref": unit not in in_areas})
            continue
        assert inp.indicator is not None, "an input names an indicator or an index"
        ind = dataset.indicators[inp.indicator]
        obs = select_indicator(dataset, inp.indicator, inp.table, inp.year, inp.category,
                               with_ref)
        dup = obs[obs.duplicated(["unit", "category", "year"], keep=False)]
        if not dup.empty:
            conflict = dup.groupby(["unit", "category", "year"]).agg(
                v=("value", lambda s: s.nunique(dropna=False)),
                lab=("label", "nunique"))
            if ((conflict["v"] > 1) | (conflict["lab"] > 1)).any():
                tables = sorted(dup["table"].unique())
                raise methodology.error(
                    f"index {spec.id!r}, input {inp.id!r}: {inp.indicator} has different "
                    f"values in tables {tables}", line, "name the table with 'table:'")
            obs = obs.drop_duplicates(["unit", "category", "year"])
        by_part = inp.category == "*" or isinstance(inp.category, list)
        obs = obs.assign(part=obs["category"] if by_part else "")
        combos = list(dict.fromkeys(zip(*lists(obs, "part", "year"))))
        cell = {(u, p, y): (v, lab, fl) for u, p, y, v, lab, fl in
                zip(*lists(obs, "unit", "part", "year", "value", "label", "flag"))}
        for part in dict.fromkeys(p for p, _ in combos):
            columns[(inp.id, part)] = Column(inp.id, part, indicator=inp.indicator,
                                             table=inp.table, category=part,
                                             direction=ind.direction)
        for part, year in combos:
            for unit in with_ref:
                is_ref = unit not in in_areas
                got = cell.get((unit, part, int(year)))
                if got is None:
                    if is_ref:
                        continue
                    value, label, why = math.nan, "", "absent from the table"
                else:
                    value, label, flag = got
                    why = {"confidential": "confidential (printed 'x')",
                           "nil": "nil (printed '-')", "missing": "blank in the source"
                           }.get(flag, "")
                    if ind.kind == "class" and not label and not why:
                        why = "no class"
                if why and not is_ref:
                    missing_cells.append(f"{unit} ({inp.indicator}"
                                         f"{'[' + part + ']' if part else ''} {year}: {why})")
                records.append({"unit": unit, "input": inp.id, "part": part,
                                "year": int(year), "value": float(value)
                                if value is not None else math.nan,
                                "label": label or "", "ref": is_ref})
    if missing_cells:
        if spec.missing.policy == "fail":
            raise ComputeError(
                f"index {spec.id!r}: missing input value(s): {', '.join(missing_cells[:10])}"
                + (f" and {len(missing_cells) - 10} more" if len(missing_cells) > 10 else ""),
                methodology.path, methodology.index_line(spec.id, "inputs"),
                "complete the data, restrict 'areas', or declare 'missing: {policy: skip}' "
                "for this index")
        notes.extend(f"missing input: {c}" for c in missing_cells)
    df = make_frame(records)
    # units in the order of the areas, then the reference rows
    pos = {u: i for i, u in enumerate(with_ref)}
    keypos = {k: i for i, k in enumerate(columns)}
    df["_k"] = [keypos[k] for k in zip(*lists(df, "input", "part"))]
    df["_u"] = df["unit"].map(pos)
    df = df.sort_values(["_k", "_u", "year"], kind="stable").drop(columns=["_k", "_u"])
    return Frame(df.reset_index(drop=True), columns, notes), missing_cells


def _meta(spec: IndexSpec, dataset: Dataset, computed: dict[str, Computed]) -> IndexMeta:
    classes: list[ClassInfo] = []
    for st in spec.steps:
        c = st.classify
        if c is not None:
            if c.method == "given":
                ind = dataset.indicators.get(c.indicator or "")
                classes = [ClassInfo(x.id, dict(x.name)) for x in (ind.classes if ind else ())]
            elif c.method == "map":
                targets = list(dict.fromkeys(list((c.map or {}).values()) +
                                             ([c.default] if c.default else [])))
                classes = [ClassInfo(t, {}) for t in targets]
            else:
                classes = [ClassInfo(x, {}) if isinstance(x, str) else
                           ClassInfo(x.id, dict(x.name)) for x in (c.classes or [])]
    return IndexMeta(
        id=spec.id, name=dict(spec.name), family=spec.family, measures=dict(spec.measures),
        formula=spec.formula, formula_tex=spec.formula_tex, status=spec.status,
        source=spec.source.model_dump(exclude_none=True) if spec.source else {},
        notes=dict(spec.notes), measure=spec.measure, decimals=spec.decimals,
        inputs=_input_info(spec, dataset, computed), classes=classes,
        depends_on=dependencies(spec))


def compute_index(spec: IndexSpec, dataset: Dataset, methodology: Methodology,
                  computed: dict[str, Computed], record: bool = True) -> Computed:
    """Run one index's steps; ``record`` keeps the table after each step (for the site)."""
    frame, _ = load_inputs(spec, dataset, methodology, computed)
    read = say("step.read", inputs=[Ref("input", i.id, spec.id) for i in spec.inputs])
    records = [StepRecord(
        kind="input", name="inputs", description=render(read, "en"), said=[read],
        params={}, table=frame.wide() if record else pd.DataFrame(),
        notes=list(frame.notes))]
    warnings: list[dict[str, Any]] = []
    for n, step in enumerate(spec.steps):
        ctx = StepContext(dataset, methodology, spec, n, warnings)
        before = len(frame.notes)
        frame, said = RUNNERS[step.kind](frame, step.params, ctx)
        records.append(StepRecord(
            kind=step.kind, name=step.name or step.kind, description=render(said, "en"),
            said=said,
            params=step.params.model_dump(by_alias=True, exclude_none=True),
            table=frame.wide() if record else pd.DataFrame(),
            notes=frame.notes[before:] + ([step.note] if step.note else [])))
    if "rank" not in frame.df:
        frame.df["rank"] = math.nan
    return Computed(spec, frame, records, _meta(spec, dataset, computed), warnings)


def compute_all(dataset: Dataset, methodology: Methodology, wanted: set[str] | None = None,
                record: bool = True, reuse: dict[str, Computed] | None = None
                ) -> dict[str, Computed]:
    """Compute ``wanted`` indices (default all) and what they depend on.

    ``reuse`` holds indices already computed with the same spec on the same dataset (a
    sensitivity variant's unchanged indices): they are taken as they are."""
    computed: dict[str, Computed] = {}
    for index_id in order(methodology, wanted):
        if reuse is not None and index_id in reuse:
            computed[index_id] = reuse[index_id]
            continue
        computed[index_id] = compute_index(methodology.indices[index_id], dataset,
                                           methodology, computed, record)
    return computed


def unchanged(methodology: Methodology, changed: set[str]) -> set[str]:
    """Indices that neither are in ``changed`` nor depend on one, at any depth."""
    specs = methodology.indices
    hit: dict[str, bool] = {}

    def affected(i: str) -> bool:
        if i not in hit:
            hit[i] = False              # no cycles (validated); guards the recursion
            hit[i] = i in changed or any(affected(d) for d in dependencies(specs[i])
                                         if d in specs)
        return hit[i]

    return {i for i in specs if not affected(i)}
