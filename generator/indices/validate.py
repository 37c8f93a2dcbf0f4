"""Check a methodology against the edition's data before anything is computed.

Unknown indicators, tables, categories, areas, indices or classes, weights that do not sum
to 1, windows outside the data and cycles between indices are reported with the file and
the line of the offending key, and a fix.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from ..data.model import Dataset
from ..errors import MethodologyError
from .phrases import templates
from .registry import NORMALISATIONS, keys_of
from .spec import (
    AGGREGATE_METHOD_KEYS,
    STEP_KINDS,
    AggregateSpec,
    ClassifySpec,
    IndexSpec,
    Methodology,
    Patch,
    PrintedSpec,
    SensitivitySpec,
    StepSpec,
    UnreproducibleSpec,
    WeightsSpec,
)
from .steps import SPECIAL_BY


def _hint(name: str | None, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a near miss, else ''; appended to a fix."""
    close = difflib.get_close_matches(str(name), list(choices), n=3)
    return f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""


def validate(methodology: Methodology, dataset: Dataset) -> None:
    v = _Validator(methodology, dataset)
    v.run()


class _Validator:
    def __init__(self, methodology: Methodology, dataset: Dataset):
        self.m = methodology
        self.ds = dataset

    def err(self, message: str, line: int | None, fix: str | None = None) -> MethodologyError:
        return MethodologyError(message, self.m.path, line, fix)

    # -- entry point -------------------------------------------------------------------
    def run(self) -> None:
        seen: dict[str, int] = {}
        for pos, ix in enumerate(self.m.spec.indices):
            if ix.id in seen:
                raise self.err(f"index id {ix.id!r} is used twice",
                               self.m.line("indices", pos, "id"), "give every index its own id")
            seen[ix.id] = pos
        for ix in self.m.spec.indices:
            self.index(ix)
        self.cycles()
        for pos, u in enumerate(self.m.spec.unreproducible):
            self.unreproducible(pos, u)
        for pos, s in enumerate(self.m.spec.sensitivity):
            self.sensitivity(pos, s)

    def line(self, ix: IndexSpec, *keys: Any) -> int | None:
        return self.m.index_line(ix.id, *keys)

    # -- one index ---------------------------------------------------------------------
    def index(self, ix: IndexSpec) -> None:
        for n, area in enumerate(ix.areas):
            if area not in ("units", "region") and area not in self.ds.areas:
                raise self.err(f"index {ix.id!r}: unknown area {area!r}",
                               self.line(ix, "areas", n),
                               "use 'units', 'region' or an area id from units.yaml"
                               + _hint(area, self.ds.areas))
        ids: dict[str, int] = {}
        for n, inp in enumerate(ix.inputs):
            if inp.id in SPECIAL_BY or inp.id.startswith("part:"):
                raise self.err(f"index {ix.id!r}: the input id {inp.id!r} is a reserved word",
                               self.line(ix, "inputs", n),
                               f"give the input another 'id' (not {', '.join(SPECIAL_BY)})")
            if inp.id in ids:
                raise self.err(f"index {ix.id!r}: two inputs have the id {inp.id!r}",
                               self.line(ix, "inputs", n),
                               "give each input its own 'id'")
            ids[inp.id] = n
            self.input(ix, n)
        self.steps(ix)
        for n in range(len(ix.audit)):
            self.audit(ix, n)
        for n, c in enumerate(ix.compare):
            if c.index not in self.m.indices:
                raise self.err(f"index {ix.id!r}: compare names unknown index {c.index!r}",
                               self.line(ix, "compare", n, "index"),
                               "name an index of this file" + _hint(c.index, self.m.indices))

    def input(self, ix: IndexSpec, n: int) -> None:
        inp = ix.inputs[n]
        line = self.line(ix, "inputs", n)
        if inp.index:
            if inp.index not in self.m.indices:
                raise self.err(f"index {ix.id!r}: input {inp.id!r} names unknown index "
                               f"{inp.index!r}", self.line(ix, "inputs", n, "index"),
                               "define that index first" + _hint(inp.index, self.m.indices))
            return
        ind = self.ds.indicators.get(inp.indicator or "")
        if ind is None:
            raise self.err(f"index {ix.id!r}: unknown indicator {inp.indicator!r}",
                           self.line(ix, "inputs", n, "indicator"),
                           "use an id from indicators.yaml" + _hint(inp.indicator,
                                                                      self.ds.indicators))
        if inp.table is not None and inp.table not in self.ds.tables:
            raise self.err(f"index {ix.id!r}: unknown table {inp.table!r}",
                           self.line(ix, "inputs", n, "table"),
                           "use a table id from sources.yaml" + _hint(inp.table,
                                                                        self.ds.tables))
        cats = [c.id for c in ind.categories]
        wanted = ([] if inp.category in (None, "", "*") else
                  inp.category if isinstance(inp.category, list) else [inp.category])
        if inp.category == "*" and not cats:
            raise self.err(f"index {ix.id!r}: indicator {inp.indicator!r} has no categories",
                           self.line(ix, "inputs", n, "category"), "remove 'category'")
        for c in wanted:
            if c not in cats:
                raise self.err(f"index {ix.id!r}: indicator {inp.indicator!r} has no "
                               f"category {c!r}", self.line(ix, "inputs", n, "category"),
                               f"use one of {cats}" + _hint(c, cats))
        obs = self.ds.select(inp.indicator, table=inp.table)
        if obs.empty:
            where = f" in table {inp.table!r}" if inp.table else ""
            raise self.err(f"index {ix.id!r}: indicator {inp.indicator!r} has no values{where}",
                           line, "check the table, or add the data")
        years = sorted(int(y) for y in obs["year"].unique())
        if inp.year is not None:
            want = (list(range(inp.year[0], inp.year[1] + 1)) if isinstance(inp.year, tuple)
                    else [inp.year])
            outside = [y for y in want if y not in years]
            if (isinstance(inp.year, int) and outside) or len(outside) == len(want):
                raise self.err(f"index {ix.id!r}: {inp.indicator!r} has no values for "
                               f"{', '.join(map(str, outside))}; the data has {years}",
                               self.line(ix, "inputs", n, "year"),
                               "choose a year inside the data")

    def _input_years(self, ix: IndexSpec) -> dict[str, list[int]]:
        out = {}
        for inp in ix.inputs:
            if inp.indicator:
                obs = self.ds.select(inp.indicator, table=inp.table)
                ys = sorted(int(y) for y in obs["year"].unique())
                if isinstance(inp.year, tuple):
                    ys = [y for y in ys if inp.year[0] <= y <= inp.year[1]]
                elif inp.year is not None:
                    ys = [inp.year]
                out[inp.id] = ys
        return out

    def input_weights_used(self, ix: IndexSpec) -> None:
        """An input's 'weight' means something only to an aggregate that reads it."""
        weighted = [n for n, i in enumerate(ix.inputs) if i.weight is not None]
        if not weighted:
            return
        readers = [ag for ag in (st.aggregate for st in ix.steps) if ag is not None and (
            ag.weights == "inputs" or (isinstance(ag.weights, WeightsSpec)
                                       and ag.weights.values is None))]
        if not readers:
            raise self.err(f"index {ix.id!r}: the inputs' 'weight' is not used (no aggregate "
                           "step takes 'weights: inputs')",
                           self.line(ix, "inputs", weighted[0], "weight"),
                           "remove the inputs' weights, or aggregate with 'weights: inputs'")

    def steps(self, ix: IndexSpec) -> None:
        self.input_weights_used(ix)
        input_ids = [i.id for i in ix.inputs]
        years = self._input_years(ix)
        for n, st in enumerate(ix.steps):
            den = st.denominate
            if den is not None and isinstance(den.by, dict):
                for a_, b_ in den.by.items():
                    for x in (a_, b_):
                        if x not in input_ids:
                            raise self.err(f"index {ix.id!r}: denominate names {x!r}, which "
                                           "is not an input", self.line(
                                               ix, "steps", n, "denominate", "by"),
                                           "name an input id" + _hint(x, input_ids))
            elif den is not None and isinstance(den.by, str):
                by = den.by
                if not (by in SPECIAL_BY or by.startswith("part:") or by in input_ids):
                    raise self.err(f"index {ix.id!r}: denominate by {by!r} is neither an "
                                   f"input nor one of {', '.join(SPECIAL_BY)}, part:<id>",
                                   self.line(ix, "steps", n, "denominate", "by"),
                                   "name an input id"
                                   + _hint(by, input_ids + list(SPECIAL_BY)))
            nm = st.normalise
            window: tuple[int, int] | None = getattr(nm, "window", None)
            if nm is not None and window is not None:
                a, b = window
                first = a - 1 if nm.method == "average_growth" else a
                for inp_id, ys in years.items():
                    if nm.parts and inp_id not in nm.parts:
                        continue
                    absent = [y for y in range(first, b + 1) if y not in ys]
                    if absent:
                        extra = (f"; average growth over {a}–{b} also needs {a - 1}"
                                 if nm.method == "average_growth" else "")
                        raise self.err(
                            f"index {ix.id!r}: window {a}–{b} lies outside the data of "
                            f"input {inp_id!r} (years {ys[0] if ys else '-'}–"
                            f"{ys[-1] if ys else '-'}){extra}",
                            self.line(ix, "steps", n, "normalise", "window"),
                            "choose a window inside the data")
            if st.aggregate is not None:
                self.weights(ix, n, st.aggregate)
            if st.classify is not None:
                self.classify(ix, n, st.classify)
            imp = st.impute
            if imp is not None and imp.group is not None and imp.group != "type":
                ind = self.ds.indicators.get(imp.group)
                if ind is None or ind.kind != "class":
                    raise self.err(f"index {ix.id!r}: impute group {imp.group!r} is neither "
                                   "'type' nor a class indicator",
                                   self.line(ix, "steps", n, "impute", "group"),
                                   "use 'type' (city or district, from units.yaml) or an "
                                   "indicator with 'kind: class'"
                                   + _hint(imp.group, self.ds.indicators))

    def weights(self, ix: IndexSpec, n: int, p: AggregateSpec) -> None:
        line = self.line(ix, "steps", n, "aggregate", "weights")
        if isinstance(p.weights, WeightsSpec):
            if p.weights.values is not None and sum(p.weights.values.values()) <= 0:
                raise self.err(f"index {ix.id!r}: the raw weights sum to zero", line,
                               "give at least one input a positive weight")
        elif isinstance(p.weights, dict):
            total = sum(p.weights.values())
            if abs(total - 1) > 1e-6:
                raise self.err(f"index {ix.id!r}: the weights sum to {total:g}, not 1", line,
                               "correct the weights so that they sum to 1")
            if any(w < 0 for w in p.weights.values()):
                raise self.err(f"index {ix.id!r}: a weight is negative", line,
                               "weights are shares between 0 and 1")
        elif p.weights == "inputs":
            declared = [i.weight for i in ix.inputs]
            if any(w is not None for w in declared):
                if any(w is None for w in declared):
                    raise self.err(f"index {ix.id!r}: some inputs have a weight and some "
                                   "do not", self.line(ix, "inputs"),
                                   "give every input a weight, or none (equal weights)")
                total = sum(w for w in declared if w is not None)
                if abs(total - 1) > 1e-6:
                    raise self.err(f"index {ix.id!r}: the input weights sum to {total:g}, "
                                   "not 1", self.line(ix, "inputs"),
                                   "correct the weights so that they sum to 1")
        if p.epsilon is not None and p.epsilon >= 1:
            raise self.err(f"index {ix.id!r}: epsilon {p.epsilon:g} is not small",
                           self.line(ix, "steps", n, "aggregate", "epsilon"),
                           "epsilon replaces zeros; use a small number such as 1e-5")

    def classify(self, ix: IndexSpec, n: int, p: ClassifySpec) -> None:
        if p.method == "given":
            ind = self.ds.indicators.get(p.indicator or "")
            line = self.line(ix, "steps", n, "classify", "indicator")
            if ind is None:
                raise self.err(f"index {ix.id!r}: unknown class indicator {p.indicator!r}",
                               line, "use an id from indicators.yaml"
                               + _hint(p.indicator, self.ds.indicators))
            if ind.kind != "class":
                raise self.err(f"index {ix.id!r}: {p.indicator!r} holds numbers, not classes",
                               line, "name an indicator with 'kind: class'")
            if p.table is not None and p.table not in self.ds.tables:
                raise self.err(f"index {ix.id!r}: unknown table {p.table!r}",
                               self.line(ix, "steps", n, "classify", "table"),
                               "use a table id" + _hint(p.table, self.ds.tables))

    def audit(self, ix: IndexSpec, n: int) -> None:
        a = ix.audit[n]
        sels: list[tuple[PrintedSpec, tuple[str | int, ...]]] = []
        if a.printed is not None:
            sels.append((a.printed, ("audit", n, "printed")))
        if isinstance(a.parts, dict):
            for part, sel in a.parts.items():
                sels.append((sel, ("audit", n, "parts", part)))
        for sel, keys in sels:
            if sel.indicator is not None and sel.indicator not in self.ds.indicators:
                raise self.err(f"index {ix.id!r}: audit names unknown indicator "
                               f"{sel.indicator!r}", self.line(ix, *keys, "indicator"),
                               "use an id from indicators.yaml"
                               + _hint(sel.indicator, self.ds.indicators))
            if sel.table is not None and sel.table not in self.ds.tables:
                raise self.err(f"index {ix.id!r}: audit names unknown table {sel.table!r}",
                               self.line(ix, *keys, "table"),
                               "use a table id" + _hint(sel.table, self.ds.tables))
        if a.code is not None and a.code not in templates():
            raise self.err(f"index {ix.id!r}: audit code {a.code!r} has no text",
                           self.line(ix, "audit", n, "code"),
                           "add the code with kk, ru and en to templates/reasons.yaml")
        if a.against is not None and a.against not in self.m.indices:
            raise self.err(f"index {ix.id!r}: audit compares against unknown index "
                           f"{a.against!r}", self.line(ix, "audit", n, "against"),
                           "name an index of this file" + _hint(a.against, self.m.indices))
        for e_n, e in enumerate(a.errata):
            if e.code is not None and e.code not in templates():
                codes = [c for c in templates() if c.startswith("erratum.")]
                raise self.err(f"index {ix.id!r}: erratum code {e.code!r} has no text",
                               self.line(ix, "audit", n, "errata", e_n, "code"),
                               f"use one of {', '.join(codes)}, or add the code with kk, ru "
                               "and en to templates/reasons.yaml" + _hint(e.code, codes))
            if e.against is not None and e.against not in self.m.indices:
                raise self.err(f"index {ix.id!r}: erratum compares against unknown index "
                               f"{e.against!r}",
                               self.line(ix, "audit", n, "errata", e_n, "against"),
                               "name an index of this file" + _hint(e.against, self.m.indices))
            units = [e.unit] if isinstance(e.unit, str) else (e.unit or [])
            for u in units:
                if u not in self.ds.areas:
                    raise self.err(f"index {ix.id!r}: erratum names unknown unit {u!r}",
                                   self.line(ix, "audit", n, "errata", e_n, "unit"),
                                   "use an area id" + _hint(u, self.ds.areas))
        for v_n, val in enumerate(a.values or []):
            if val.unit not in self.ds.areas:
                raise self.err(f"index {ix.id!r}: printed value for unknown unit {val.unit!r}",
                               self.line(ix, "audit", n, "values", v_n, "unit"),
                               "use an area id" + _hint(val.unit, self.ds.areas))

    # -- between indices ---------------------------------------------------------------
    def cycles(self) -> None:
        specs = self.m.indices
        state: dict[str, int] = {}
        stack: list[str] = []

        def visit(i: str) -> None:
            state[i] = 1
            stack.append(i)
            for inp in specs[i].inputs:
                d = inp.index
                if not d:
                    continue
                if state.get(d) == 1:
                    cyc = stack[stack.index(d):] + [d]
                    raise self.err(f"indices depend on each other in a cycle: "
                                   f"{' → '.join(cyc)}", self.m.index_line(d, "inputs"),
                                   "an index may use only indices that do not use it")
                if state.get(d, 0) == 0:
                    visit(d)
            stack.pop()
            state[i] = 2

        for i in specs:
            if state.get(i, 0) == 0:
                visit(i)

    def unreproducible(self, pos: int, u: UnreproducibleSpec) -> None:
        line = self.m.line("unreproducible", pos)
        if u.table not in self.ds.tables:
            raise self.err(f"unknown table {u.table!r}", self.m.line("unreproducible", pos,
                                                                     "table"),
                           "use a table id" + _hint(u.table, self.ds.tables))
        for ind in ([u.indicator] if isinstance(u.indicator, str) else u.indicator):
            if ind not in self.ds.indicators:
                raise self.err(f"unknown indicator {ind!r}",
                               self.m.line("unreproducible", pos, "indicator"),
                               "use an indicator id" + _hint(ind, self.ds.indicators))
        del line

    def sensitivity(self, pos: int, s: SensitivitySpec) -> None:
        for key in ("target",):
            if s.target not in self.m.indices:
                raise self.err(f"sensitivity {s.id!r}: unknown target index {s.target!r}",
                               self.m.line("sensitivity", pos, key),
                               "name an index" + _hint(s.target, self.m.indices))
        if s.flag is not None and s.flag.index not in self.m.indices:
            raise self.err(f"sensitivity {s.id!r}: unknown flag index {s.flag.index!r}",
                           self.m.line("sensitivity", pos, "flag", "index"),
                           "name an index" + _hint(s.flag.index, self.m.indices))
        for f_n, f in enumerate(s.factors):
            for o_n, o in enumerate(f.options):
                for p_n, patch in enumerate(o.set):
                    at = ("sensitivity", pos, "factors", f_n, "options", o_n, "set", p_n)
                    check_patch(self.m, patch, self.m.line(*at))


def find_step(ix: IndexSpec, step: str) -> int | None:
    """Position of the step named ``step`` (its name, or the first of that kind)."""
    for n, st in enumerate(ix.steps):
        if st.name == step:
            return n
    for n, st in enumerate(ix.steps):
        if st.kind == step:
            return n
    return None


def patched_step(ix: IndexSpec, n: int, fields: dict[str, Any]) -> StepSpec:
    """The step with ``fields`` set. A variant that changes the method keeps only the keys
    the new method uses (ε of a geometric mean means nothing to an arithmetic one)."""
    st = ix.steps[n]
    data = st.model_dump(by_alias=True, exclude_none=True, exclude_unset=True)
    kind = st.kind
    old = dict(data.get(kind) or {})
    new_method = fields.get("method")
    if new_method is not None and new_method != old.get("method"):
        if kind == "normalise" and new_method in NORMALISATIONS:
            old = {k: v for k, v in old.items() if k in keys_of(new_method)}
        elif kind == "aggregate":
            old = {k: v for k, v in old.items()
                   if new_method in AGGREGATE_METHOD_KEYS.get(k, (new_method,))}
        elif kind == "classify" and new_method in ClassifySpec.KEYS:
            old = {k: v for k, v in old.items() if k in ClassifySpec.KEYS[new_method]}
    data[kind] = {**old, **fields}
    return StepSpec.model_validate(data)


def check_patch(m: Methodology, patch: Patch, line: int | None) -> StepSpec:
    if patch.index not in m.indices:
        raise MethodologyError(f"variant changes unknown index {patch.index!r}", m.path, line,
                               "name an index of this file" + _hint(patch.index, m.indices))
    ix = m.indices[patch.index]
    n = find_step(ix, patch.step)
    if n is None:
        raise MethodologyError(f"index {patch.index!r} has no step {patch.step!r}", m.path,
                               line, f"name a step kind ({', '.join(STEP_KINDS)}) or a "
                               "step's 'name'")
    fields = dict(patch.model_extra or {})
    try:
        st = patched_step(ix, n, fields)
    except ValidationError as exc:
        msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc'] if '[' not in str(x))}: "
                         f"{e['msg']}" for e in exc.errors()[:3])
        raise MethodologyError(f"variant for index {patch.index!r}: {msgs}", m.path, line,
                               "use the keys and values of that step") from None
    if st.aggregate is not None and isinstance(st.aggregate.weights, dict):
        total = sum(st.aggregate.weights.values())
        if abs(total - 1) > 1e-6:
            raise MethodologyError(f"variant weights for index {patch.index!r} sum to "
                                   f"{total:g}, not 1", m.path, line,
                                   "correct the weights so that they sum to 1")
    return st
