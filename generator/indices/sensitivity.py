"""Sensitivity of a composite index to the choices its source leaves open.

Like COINr's uncertainty analysis, each factor (aggregation, ε, weights, normalisation…)
has options declared in methodology.yaml as changes to steps; every combination is a
variant. For each unit we report the rank range and, when a flag class is declared (e.g.
"lagging"), the share of variants in which the unit has it. A unit flagged in some
variants but not in others depends on a methodological choice and is reported as such.
"""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from ..data.model import Dataset
from ..errors import ComputeError
from . import methods as M
from .engine import Computed, compute_all, unchanged
from .frame import lists
from .results import SensitivityResult
from .spec import IndexSpec, Methodology, SensitivitySpec
from .validate import check_patch, find_step


def patched_methodology(m: Methodology, patches: list[tuple[Any, int | None]]) -> Methodology:
    """The methodology with each patch applied in turn to its index's step."""
    cur = m
    for patch, line in patches:
        step = check_patch(cur, patch, line)
        ix = cur.indices[patch.index].model_copy(deep=True)
        n = find_step(ix, patch.step)
        assert n is not None, "check_patch refuses a patch naming no step"
        ix.steps[n] = step
        cur = cur.with_indices({**cur.indices, patch.index: ix})
    return cur


def _target_values(comp: Computed) -> pd.DataFrame:
    v = comp.values()
    v = v[~v["ref"]]
    parts = list(dict.fromkeys(v["part"].tolist()))
    v = v[v["part"] == parts[0]]
    last = v["year"].max()
    result: pd.DataFrame = v[v["year"] == last]
    return result


def _rank_order(spec: IndexSpec) -> bool:
    for st in spec.steps:
        if st.rank is not None:
            return st.rank.order == "descending"
    return True


def run(spec: SensitivitySpec, pos: int, dataset: Dataset, m: Methodology,
        nominal: dict[str, Computed]) -> SensitivityResult:
    options = [list(enumerate(f.options)) for f in spec.factors]
    wanted = {spec.target} | ({spec.flag.index} if spec.flag else set())
    descending = _rank_order(m.indices[spec.target])
    rows = []
    for v_no, combo in enumerate(itertools.product(*options), start=1):
        patches = []
        labels = []
        for f_n, (o_n, opt) in enumerate(combo):
            labels.append(f"{spec.factors[f_n].name}: {opt.label}")
            for p_n, patch in enumerate(opt.set):
                patches.append((patch, m.line("sensitivity", pos, "factors", f_n, "options",
                                              o_n, "set", p_n)))
        label = "; ".join(labels)
        pm = patched_methodology(m, patches)
        keep = unchanged(pm, {patch.index for patch, _ in patches})
        try:
            computed = compute_all(dataset, pm, wanted, record=False,
                                   reuse={i: c for i, c in nominal.items() if i in keep})
        except ComputeError as err:
            raise ComputeError(f"sensitivity {spec.id!r}, variant '{label}': {err.message}",
                               err.file, err.line, err.fix) from None
        tv = _target_values(computed[spec.target])
        ranks = M.rank(tv["value"].to_numpy(dtype=float), descending)
        flagged: dict[str, bool] = {}
        if spec.flag:
            fv = computed[spec.flag.index].values()
            flagged = {u: c == spec.flag.class_ for u, c in zip(*lists(fv, "unit", "class"))}
        for unit, value, r, cls in zip(tv["unit"], tv["value"], ranks, tv["class"]):
            rows.append({"variant": v_no, "label": label, "unit": unit, "value": float(value),
                         "rank": r, "class": cls if isinstance(cls, str) else "",
                         "flagged": flagged.get(unit) if spec.flag else None})
    variants = pd.DataFrame(rows)
    nom = _target_values(nominal[spec.target])
    nom_rank = dict(zip(nom["unit"], M.rank(nom["value"].to_numpy(dtype=float), descending)))
    nom_val = dict(zip(*lists(nom, "unit", "value")))
    nom_flag = {}
    if spec.flag:
        fv = nominal[spec.flag.index].values()
        nom_flag = {u: c == spec.flag.class_ for u, c in zip(*lists(fv, "unit", "class"))}
    summary = []
    # Each unit's variants, gathered in one pass over the rows (in the order units first
    # appear, as a groupby without sorting gives them): a pandas group per unit cost more
    # than the work done with it.
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_unit.setdefault(row["unit"], []).append(row)
    for unit, g in by_unit.items():
        got_ranks = [float(x["rank"]) for x in g if not math.isnan(x["rank"])]
        got_values = [x["value"] for x in g if not math.isnan(x["value"])]
        rec = {"unit": unit, "nominal_value": float(nom_val.get(unit, math.nan)),
               "nominal_rank": nom_rank.get(unit, math.nan),
               "rank_min": min(got_ranks) if got_ranks else math.nan,
               "rank_max": max(got_ranks) if got_ranks else math.nan,
               "value_min": min(got_values) if got_values else math.nan,
               "value_max": max(got_values) if got_values else math.nan}
        rec["rank_range"] = rec["rank_max"] - rec["rank_min"]
        classes = [x["class"] for x in g if x["class"]]
        rec["class_shares"] = ({c: classes.count(c) / len(g) for c in sorted(set(classes))}
                               if classes else {})
        if spec.flag:
            share = float(np.mean([bool(x["flagged"]) for x in g]))
            rec["flagged_nominal"] = bool(nom_flag.get(unit, False))
            rec["flag_share"] = share
            rec["flag_status"] = ("always" if share == 1 else "never" if share == 0
                                  else "depends")
        summary.append(rec)
    summary_df = pd.DataFrame(summary)
    return SensitivityResult(
        id=spec.id, target=spec.target,
        factors=[{"name": f.name, "options": [o.label for o in f.options]}
                 for f in spec.factors],
        variants=variants, summary=summary_df,
        flag={"index": spec.flag.index, "class": spec.flag.class_} if spec.flag else None,
        notes=dict(spec.notes))
