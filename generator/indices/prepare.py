"""Steps that prepare the data before normalisation: imputation and outlier treatment.

Both work on each (input, part) column year by year over the region's units, as the
OECD/JRC Handbook and COINr do, and say in their description exactly which units were
changed, by how much and why, so the index page shows it.
"""
from __future__ import annotations

import math

import numpy as np

from . import methods as M
from .frame import Frame, reference_mask
from .spec import ImputeSpec, TreatSpec
from .steps import StepContext, _label, _select_keys


def _columns(frame: Frame, parts, ctx: StepContext):
    """(key, year, row positions of the reference units) for every column to prepare."""
    df = frame.df
    refmask = reference_mask(df, ctx.dataset)
    for key in _select_keys(frame, parts):
        km = ((df["input"] == key[0]) & (df["part"] == key[1])).to_numpy()
        for year in sorted(df.loc[km, "year"].unique()):
            yield key, int(year), np.where(km & (df["year"] == year).to_numpy() & refmask)[0]


def _groups(spec: ImputeSpec, units: list[str], ctx: StepContext) -> list[str] | None:
    if spec.group is None:
        return None
    if spec.group == "type":
        return [ctx.dataset.areas[u].type or "" if u in ctx.dataset.areas else ""
                for u in units]
    obs = ctx.dataset.select(spec.group, table=spec.table)
    given = dict(zip(obs["unit"], obs["label"]))
    absent = [u for u in units if not given.get(u)]
    if absent:
        raise ctx.fail(f"impute by group {spec.group!r}: no group given for "
                       f"{', '.join(absent)}", "give every unit a group, or impute over all "
                       "units (remove 'group')")
    return [given[u] for u in units]


def impute(frame: Frame, spec: ImputeSpec, ctx: StepContext) -> tuple[Frame, str]:
    out = frame.copy()
    df = out.df
    filled: list[str] = []
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
                df.iloc[rows[i], df.columns.get_loc("value")] = new[i]
                filled.append(f"{units[i]} {_label(key)} {year} = {new[i]:.6g}")
    if spec.method == "none":
        return out, "no imputation: missing values stay missing"
    pool = f"units of the same {spec.group}" if spec.group else "all units"
    desc = (f"missing values replaced by the {spec.method} of {pool} with a value: "
            + ("; ".join(filled) if filled else "none was missing"))
    return out, desc


def treat(frame: Frame, spec: TreatSpec, ctx: StepContext) -> tuple[Frame, str]:
    out = frame.copy()
    df = out.df
    said: list[str] = []
    for key, year, rows in _columns(frame, spec.parts, ctx):
        vals = df["value"].to_numpy(dtype=float)[rows]
        skew, kurt = M.skew_kurtosis(vals)
        if not (abs(skew) > spec.skew and kurt > spec.kurtosis):
            continue
        units = list(df["unit"].iloc[rows])
        new, changed, fixed = M.winsorise(vals, spec.skew, spec.kurtosis, spec.max_points)
        head = f"{_label(key)} {year} (skew {skew:.3g}, kurtosis {kurt:.3g})"
        if not fixed and spec.otherwise == "log":
            new = M.log_for_skew(vals)
            said.append(f"{head}: still outlying after {spec.max_points} points, so "
                        "log-transformed ln(x − min + (max − min)/100)")
        elif not fixed:
            new = vals
            said.append(f"{head}: still outlying after {spec.max_points} points; left as is")
        else:
            said.append(f"{head}: winsorised " + ", ".join(
                f"{units[i]} {vals[i]:.6g} → {new[i]:.6g}" for i in changed))
        for i, pos in enumerate(rows):
            if not math.isnan(new[i]):
                df.iloc[pos, df.columns.get_loc("value")] = new[i]
    rule = (f"outliers where |skew| > {spec.skew:g} and kurtosis > {spec.kurtosis:g}: "
            f"winsorised up to {spec.max_points} points"
            + (", else log-transformed" if spec.otherwise == "log" else ""))
    return out, rule + ": " + ("; ".join(said) if said else "no column is outlying")
