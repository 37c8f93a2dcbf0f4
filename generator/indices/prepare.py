"""Steps that prepare the data before normalisation: imputation and outlier treatment.

Both work on each (input, part) column year by year over the region's units, as the
OECD/JRC Handbook and COINr do, and say in their description exactly which units were
changed, by how much and why, so the index page shows it.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd

from . import methods as M
from .frame import Frame, lists, reference_mask
from .phrases import Phrase, Ref, say
from .spec import ImputeSpec, TreatSpec
from .steps import StepContext, _label, _ref, _select_keys


def _columns(frame: Frame, parts: list[str] | None, ctx: StepContext
             ) -> Iterator[tuple[tuple[str, str], int, np.ndarray]]:
    """(key, year, row positions of the reference units) for every column to prepare."""
    df = frame.df
    refmask = reference_mask(df, ctx.dataset)
    for key in _select_keys(frame, parts):
        km = ((df["input"] == key[0]) & (df["part"] == key[1])).to_numpy()
        for year in sorted(df.loc[km, "year"].unique()):
            yield key, int(year), np.where(km & (df["year"] == year).to_numpy() & refmask)[0]


def _position(df: pd.DataFrame, column: str) -> int:
    """The position of a column (the frame's columns are unique)."""
    return list(df.columns).index(column)


def _groups(spec: ImputeSpec, units: list[str], ctx: StepContext) -> list[str] | None:
    if spec.group is None:
        return None
    if spec.group == "type":
        return [ctx.dataset.areas[u].type or "" if u in ctx.dataset.areas else ""
                for u in units]
    obs = ctx.dataset.select(spec.group, table=spec.table)
    given = dict(zip(*lists(obs, "unit", "label")))
    absent = [u for u in units if not given.get(u)]
    if absent:
        raise ctx.fail(f"impute by group {spec.group!r}: no group given for "
                       f"{', '.join(absent)}", "give every unit a group, or impute over all "
                       "units (remove 'group')")
    return [given[u] for u in units]


def impute(frame: Frame, spec: ImputeSpec, ctx: StepContext) -> tuple[Frame, list[Phrase]]:
    out = frame.copy()
    df = out.df
    filled: list[Phrase] = []
    if spec.method != "none":
        for key, year, rows in _columns(frame, spec.parts, ctx):
            vals = df["value"].to_numpy(dtype=float)[rows]
            if not np.isnan(vals).any():
                continue
            units = list(df["unit"].iloc[rows])
            try:
                new = M.impute(vals, _groups(spec, units, ctx), spec.method)
            except M.MethodError as e:
                who = ", ".join(units[i] for i in e.positions)
                raise ctx.fail(f"impute {_label(key)} in {year} for {who}: {e}",
                               "impute over all units, or complete the data") from None
            for i in np.where(np.isnan(vals))[0]:
                df.iloc[rows[i], _position(df, "value")] = new[i]
                filled.append(say("imputed", unit=Ref("unit", units[i]),
                                  input=_ref(key, ctx), year=str(year), value=float(new[i])))
    if spec.method == "none":
        return out, [say("step.impute.none")]
    pool = "group" if spec.group else "all"
    group = (say("group.type") if spec.group == "type"
             else Ref("indicator", spec.group) if spec.group else "")
    said = [say(f"step.impute.{spec.method}.{pool}", group=group)]
    return out, said + (filled or [say("step.impute.nothing")])


def treat(frame: Frame, spec: TreatSpec, ctx: StepContext) -> tuple[Frame, list[Phrase]]:
    out = frame.copy()
    df = out.df
    said: list[Phrase] = []
    for key, year, rows in _columns(frame, spec.parts, ctx):
        vals = df["value"].to_numpy(dtype=float)[rows]
        skew, kurt = M.skew_kurtosis(vals)
        if not (abs(skew) > spec.skew and kurt > spec.kurtosis):
            continue
        units = list(df["unit"].iloc[rows])
        new, changed, fixed = M.winsorise(vals, spec.skew, spec.kurtosis, spec.max_points)
        head = dict(input=_ref(key, ctx), year=str(year), skew=round(skew, 3),
                    kurtosis=round(kurt, 3), points=spec.max_points)
        if not fixed and spec.otherwise == "log":
            new = M.log_for_skew(vals)
            said.append(say("step.treat.logged", **head))
        elif not fixed:
            new = vals
            said.append(say("step.treat.left", **head))
        else:
            said.append(say("step.treat.winsorised", **head, changes=[
                say("changed", unit=Ref("unit", units[i]), old=float(vals[i]),
                    new=float(new[i])) for i in changed]))
        for i, pos in enumerate(rows):
            if not math.isnan(new[i]):
                df.iloc[pos, _position(df, "value")] = new[i]
    rule = say(f"step.treat.rule.{spec.otherwise}", skew=spec.skew, kurtosis=spec.kurtosis,
               points=spec.max_points)
    return out, [rule] + (said or [say("step.treat.none")])
