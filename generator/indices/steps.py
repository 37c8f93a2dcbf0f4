"""The steps of an index (denominate, normalise, aggregate, count, classify, rank).

Each step takes a :class:`Frame`, returns a new one and says in words what it did. Errors
in the user's data (division by zero, a missing value the spec does not allow) become a
:class:`ComputeError` naming the index, the unit and the inputs, at the step's line.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..data.model import Dataset
from ..errors import ComputeError, MethodologyError
from . import methods as M
from .frame import Column as FrameColumn
from .frame import Frame, lists, make_frame, reference_mask
from .phrases import Phrase, Ref, say
from .registry import (
    NORMALISATIONS,
    AverageGrowth,
    ChainGrowth,
    Column,
    Distance,
    Goalposts,
    NormaliseSpec,
    WindowMean,
    WindowMinmax,
    ZScore,
)
from .spec import (
    MIN_RANKED_UNITS,
    AggregateSpec,
    ClassifySpec,
    CountSpec,
    DenominateSpec,
    IndexSpec,
    Methodology,
    RankSpec,
    WeightsSpec,
)

#: What ``denominate: {by: …}`` accepts besides an input id (input ids may not use these).
SPECIAL_BY = ("region", "units_sum", "parts_sum")


@dataclass
class StepContext:
    dataset: Dataset
    methodology: Methodology
    index: IndexSpec
    step_no: int               # position in index.steps (for the line)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, code: str, **args: Any) -> None:
        """Something the user should see although the computation goes on."""
        self.warnings.append({"code": code, "index": self.index.id, "line": self.line,
                              "file": str(self.methodology.path), **args})

    @property
    def line(self) -> int | None:
        return self.methodology.index_line(self.index.id, "steps", self.step_no)

    def fail(self, message: str, fix: str | None = None) -> ComputeError:
        """The data do not allow the step (division by zero, missing values)."""
        return ComputeError(f"index {self.index.id!r}: {message}", self.methodology.path,
                            self.line, fix)

    def spec_error(self, message: str, fix: str | None = None) -> MethodologyError:
        """The step itself is wrong (a name that does not exist, weights, a window)."""
        return MethodologyError(f"index {self.index.id!r}: {message}",
                                self.methodology.path, self.line, fix)

    def name(self, unit: str) -> str:
        return unit


def _weights_equal(n: int) -> np.ndarray:
    return np.full(n, 1.0 / n) if n else np.zeros(0)


def _label(key: tuple[str, str]) -> str:
    inp, part = key
    return inp if not part else f"{inp}[{part}]"


def _ref(key: tuple[str, str], ctx: StepContext) -> Ref | Phrase:
    """An (input, part) column as something the site can name."""
    inp = Ref("input", key[0], ctx.index.id)
    if not key[1]:
        return inp
    return say("part_of", input=inp, part=Ref("part", key[1], ctx.index.id))


def _scale(scale: float) -> list[Phrase]:
    return [say("step.scale", scale=scale)] if scale != 1 else []


def _select_keys(frame: Frame, parts: list[str] | None, exclude: Collection[str] = frozenset()
                 ) -> list[tuple[str, str]]:
    keys = [k for k in frame.keys() if k[0] not in exclude]  # noqa: SIM118 - a Frame, not a dict
    if parts is None:
        return keys
    return [k for k in keys if k[0] in parts or k[1] in parts
            or f"{k[0]}.{k[1]}" in parts]


def align_years(frame: Frame, keys: list[tuple[str, str]]) -> tuple[Frame, Phrase | None]:
    """When each column holds a single year and the years differ, use the latest."""
    df = frame.df
    sub = df[[k in keys for k in zip(*lists(df, "input", "part"))]]
    per = sub.groupby(["input", "part"])["year"].nunique()
    years = sorted(sub["year"].unique())
    if len(years) <= 1 or (per > 1).any():
        return frame, None
    out = frame.copy()
    mask = [k in keys for k in zip(*lists(out.df, "input", "part"))]
    out.df.loc[mask, "year"] = int(max(years))
    return out, say("note.years_combined", years=[str(int(y)) for y in years],
                    year=str(int(max(years))))


# -- denominate -------------------------------------------------------------------------


def denominate(frame: Frame, spec: DenominateSpec, ctx: StepContext
               ) -> tuple[Frame, list[Phrase]]:
    df = frame.df
    region = ctx.dataset.region
    by = spec.by
    out = frame.copy()
    notes = []
    if isinstance(by, dict):
        return _denominate_pairs(frame, spec, by, ctx)
    if by in SPECIAL_BY or by.startswith("part:"):
        keys = _select_keys(frame, spec.parts)
        if by.startswith("part:"):
            keys = [k for k in keys if k[1] != by[5:]]
        new = []
        refmask = reference_mask(df, ctx.dataset)
        for key in keys:
            m = (df["input"] == key[0]) & (df["part"] == key[1])
            for year in sorted(df.loc[m, "year"].unique()):
                my = m & (df["year"] == year)
                rows = df[my]
                if by == "region":
                    base = df[my & (df["unit"] == region)]["value"]
                    if base.empty:
                        raise ctx.fail(f"the region {region!r} has no value of "
                                       f"{_label(key)} in {year} to take shares of",
                                       "add the region's total to the table, or use "
                                       "'by: units_sum' (the sum over units)")
                    den = np.full(len(rows), float(base.iloc[0]))
                elif by == "units_sum":
                    den = np.full(len(rows), float(np.nansum(df[my & refmask]["value"])))
                else:
                    same = df[(df["input"] == key[0]) & (df["year"] == year)]
                    if by == "parts_sum":
                        tot = same.groupby("unit")["value"].sum(min_count=1)
                    else:
                        tot = same[same["part"] == by[5:]].set_index("unit")["value"]
                        if tot.empty:
                            raise ctx.spec_error(f"input {key[0]!r} has no part {by[5:]!r} in "
                                           f"{year}")
                    den = rows["unit"].map(tot).to_numpy(dtype=float)
                try:
                    vals = M.divide(rows["value"].to_numpy(), den, spec.scale)
                except M.MethodError as e:
                    units = [rows["unit"].iloc[i] for i in e.positions]
                    raise ctx.fail(f"division by zero for unit(s) {', '.join(units)}: "
                                   f"{_label(key)} / {by} in {year}",
                                   "check the inputs, or exclude these units") from None
                r = rows.copy()
                r["value"] = vals
                new.append(r)
        kept = df[[k not in keys for k in zip(*lists(df, "input", "part"))]]
        if by.startswith("part:"):
            kept = kept[kept["part"] != by[5:]]
        out.df = pd.concat([kept] + new, ignore_index=True) if new else kept
        parts = [_ref(k, ctx) for k in keys]
        code = "step.denominate.part" if by.startswith("part:") else f"step.denominate.{by}"
        said = [say(code, inputs=parts, part=Ref("part", by[5:], ctx.index.id))
                if by.startswith("part:") else say(code, inputs=parts)]
        out.df = _order(out.df, frame)
        return out, said + _scale(spec.scale)
    # by another input
    den_keys = [k for k in frame.keys() if k[0] == by]  # noqa: SIM118 - a Frame
    if not den_keys:
        raise ctx.spec_error(f"denominate by {by!r}: no input with that id",
                       "name one of the index's inputs, or region, units_sum, parts_sum, "
                       "part:<id>")
    keys = _select_keys(frame, spec.parts, exclude={by})
    out, note = align_years(frame, keys + den_keys)
    if note:
        notes.append(note)
    df = out.df
    new = []
    for key in keys:
        dkey = (by, key[1]) if (by, key[1]) in den_keys else den_keys[0]
        new.append(_divide(df, key, dkey, spec.scale, ctx))
    kept = df[[k not in keys and k[0] != by for k in zip(*lists(df, "input", "part"))]]
    out.df = _order(pd.concat([kept] + new, ignore_index=True), frame)
    for k in den_keys:
        out.columns.pop(k, None)
    said = [say("step.denominate.input", inputs=[_ref(k, ctx) for k in keys],
                by=Ref("input", by, ctx.index.id))]
    return out, said + _scale(spec.scale) + notes


def _divide(df: pd.DataFrame, key: tuple[str, str], dkey: tuple[str, str], scale: float,
            ctx: StepContext) -> pd.DataFrame:
    """Rows of ``key`` divided by the same unit's and year's value of ``dkey`` × scale."""
    rows = df[(df["input"] == key[0]) & (df["part"] == key[1])]
    dmap = df[(df["input"] == dkey[0]) & (df["part"] == dkey[1])].set_index(
        ["unit", "year"])["value"]
    d = np.array([dmap.get((u, y), math.nan) for u, y in zip(*lists(rows, "unit", "year"))],
                 dtype=float)
    try:
        vals = M.divide(rows["value"].to_numpy(), d, scale)
    except M.MethodError as e:
        units = sorted({rows["unit"].iloc[i] for i in e.positions})
        raise ctx.fail(f"division by zero for unit(s) {', '.join(units)}: "
                       f"{_label(key)} / {_label(dkey)} is zero",
                       "check the inputs, or exclude these units") from None
    r: pd.DataFrame = rows.copy()
    r["value"] = vals
    return r


def _denominate_pairs(frame: Frame, spec: DenominateSpec, pairs: dict[str, str],
                      ctx: StepContext) -> tuple[Frame, list[Phrase]]:
    """Each numerator input divided by its own denominator input: {num: den, ...}."""
    keys = frame.keys()
    ids = {k[0] for k in keys}
    for num, den in pairs.items():
        for x in (num, den):
            if x not in ids:
                raise ctx.spec_error(f"denominate: no input {x!r}", "name the index's input ids")
    out, note = align_years(frame, keys)
    df = out.df
    new = []
    for num, den in pairs.items():
        for key in [k for k in keys if k[0] == num]:
            dkey = (den, key[1]) if (den, key[1]) in keys else (den, "")
            new.append(_divide(df, key, dkey, spec.scale, ctx))
    dens = set(pairs.values())
    nums = set(pairs)
    kept = df[[k[0] not in dens and k[0] not in nums for k in zip(*lists(df, "input", "part"))]]
    out.df = _order(pd.concat([kept] + new, ignore_index=True), frame)
    for k in keys:
        if k[0] in dens:
            out.columns.pop(k, None)
    ratios = [say("ratio", num=Ref("input", a, ctx.index.id), den=Ref("input", b, ctx.index.id))
              for a, b in pairs.items()]
    return out, ([say("step.denominate.pairs", pairs=ratios)] + _scale(spec.scale)
                 + ([note] if note else []))


def _order(df: pd.DataFrame, frame: Frame) -> pd.DataFrame:
    """Keep rows in the frame's unit order, then input/part order, then year."""
    units = {u: i for i, u in enumerate(dict.fromkeys(frame.df["unit"].tolist()))}
    keys = {k: i for i, k in enumerate(frame.keys())}
    d = df.copy()
    d["_u"] = d["unit"].map(units).fillna(len(units))
    d["_k"] = [keys.get(k, len(keys)) for k in zip(*lists(d, "input", "part"))]
    d = d.sort_values(["_k", "_u", "year"], kind="stable").drop(columns=["_u", "_k"])
    result: pd.DataFrame = d.reset_index(drop=True)
    return result


# -- normalise ---------------------------------------------------------------------------


def normalise(frame: Frame, spec: NormaliseSpec, ctx: StepContext
              ) -> tuple[Frame, list[Phrase]]:
    """Any method of the registry: across the units year by year, or over time per unit."""
    df = frame.df
    keys = _select_keys(frame, spec.parts)
    method = NORMALISATIONS[spec.method]
    refmask = reference_mask(df, ctx.dataset)
    new = []
    inverted: list[Ref | Phrase] = []

    def invert_for(key: tuple[str, str]) -> bool:
        direction: str | None = getattr(spec, "direction", None)   # a directed method's
        if direction is None:
            return False
        if direction == "auto":
            col = frame.columns.get(key)
            return bool(col and col.direction == "lower")
        return direction == "lower"

    for key in keys:
        m = ((df["input"] == key[0]) & (df["part"] == key[1])).to_numpy()
        rows = df[m]
        inv = invert_for(key)
        if inv:
            inverted.append(_ref(key, ctx))
        if method.over == "units":
            for year in sorted(rows["year"].unique()):
                my = m & (df["year"] == year).to_numpy()
                r = df[my].copy()
                by_unit = dict(zip(r["unit"].tolist(), r["value"].astype(float).tolist()))
                column = Column(r["value"].to_numpy(dtype=float),
                                df[my & refmask]["value"].to_numpy(dtype=float),
                                partial(_value_of, by_unit, key=key, year=year, ctx=ctx))
                try:
                    r["value"] = (method.apply(column, spec, inv) if method.apply
                                  else _ratio_to_region(column, ctx, inv))
                except M.MethodError as e:
                    units = [r["unit"].iloc[i] for i in e.positions]
                    raise ctx.fail(f"{spec.method} of {_label(key)} in {year}: {e}"
                                   + (f" (unit(s) {', '.join(units)})" if units else ""),
                                   "check the input values or choose another normalisation"
                                   ) from None
                new.append(r)
            continue
        # methods over time, one unit at a time (its rows read from lists, its results
        # made into one table per column)
        names = list(df.columns)
        data = dict(zip(names, lists(rows, *names)))
        rows_of_unit: dict[str, list[int]] = {}
        for n, u in enumerate(data["unit"]):
            rows_of_unit.setdefault(u, []).append(n)
        made: list[dict[str, Any]] = []
        for unit, at in rows_of_unit.items():
            series = {int(data["year"][n]): float(data["value"][n]) for n in at}
            base = {c: data[c][at[0]] for c in names}
            try:
                produced = _over_time(series, spec, ctx, key, unit)
            except M.MethodError as e:
                raise ctx.fail(f"{spec.method} of {_label(key)} for unit {unit!r}: {e}",
                               "check the input values or the window") from None
            made.extend({**base, "year": int(year), "value": value}
                        for year, value in produced.items())
        if made:
            new.append(pd.DataFrame(made))
    kept = df[[k not in keys for k in zip(*lists(df, "input", "part"))]]
    out = frame.copy()
    out.df = _order(pd.concat([kept] + new, ignore_index=True), frame)
    return out, _normalise_text(spec, inverted)


def _value_of(by_unit: dict[str, float], unit: str, key: tuple[str, str], year: int,
              ctx: StepContext) -> float:
    """The value of one area (the region, a reference unit) in the column being normalised."""
    if unit not in by_unit or math.isnan(by_unit[unit]):
        raise ctx.fail(f"{unit!r} has no value of {_label(key)} in {year} to normalise by",
                       "add the value, or choose another reference")
    return by_unit[unit]


def _ratio_to_region(column: Column, ctx: StepContext, inv: bool) -> np.ndarray:
    return M.ratio_to(column.values, column.value_of(ctx.dataset.region), inv)


def _over_time(series: dict[int, float], spec: NormaliseSpec, ctx: StepContext,
               key: tuple[str, str], unit: str) -> dict[int, float]:
    if isinstance(spec, ChainGrowth):
        return M.chain_growth(list(series), list(series.values()), spec.scale)
    if not isinstance(spec, (AverageGrowth, WindowMean, WindowMinmax)):
        raise ctx.spec_error(f"{spec.method} is not a method over time")
    a, b = spec.window
    need = range(a - 1 if spec.method == "average_growth" else a, b + 1)
    absent = [y for y in need if y not in series]
    if absent:
        have = f"{min(series)}–{max(series)}" if series else "none"
        raise ctx.spec_error(f"window {a}–{b} of {spec.method} needs {_label(key)} for "
                       f"{', '.join(map(str, absent))}, but unit {unit!r} has years {have}",
                       "choose a window inside the data" + (
                           f" (average growth over {a}–{b} also needs the level of {a - 1})"
                           if spec.method == "average_growth" else ""))
    vals = [series[y] for y in range(a, b + 1)]
    if isinstance(spec, WindowMean):
        return {b: M.mean(vals, spec.mean) * spec.scale}
    if isinstance(spec, WindowMinmax):
        return {b: M.window_minmax(vals, spec.mean)}
    # average_growth: geometric mean of the chain rates a..b = (x_b / x_(a-1))^(1/n)
    first = series[a - 1]
    if first == 0:
        raise M.MethodError(f"the level in {a - 1} is zero")
    if first < 0 or series[b] < 0:
        raise M.MethodError("average growth needs positive levels")
    n = b - a + 1
    return {b: (series[b] / first) ** (1.0 / n) * spec.scale}


def _normalise_text(spec: NormaliseSpec, inverted: list[Ref | Phrase]) -> list[Phrase]:
    """The method's code with this step's numbers (every key the method's schema has)."""
    args = spec.model_dump(exclude={"method", "parts", "direction"})
    if args.get("rescale"):
        args.update(mean=args["rescale"]["mean"], sd=args["rescale"]["sd"])
    if "range" in args:
        args.update(lower=args["range"][0], upper=args["range"][1])
    if "window" in args:
        args.update(first=args["window"][0], last=args["window"][1])
    if args.get("unit"):
        args["unit"] = Ref("unit", args["unit"])
    code = f"step.normalise.{spec.method}"
    variant = ""
    if isinstance(spec, ZScore):
        variant = "rescaled" if spec.rescale else ""
    elif isinstance(spec, Distance):
        variant = f"{spec.to}_{spec.form}"
    elif isinstance(spec, Goalposts):
        variant = "log" if spec.log else ""
    elif isinstance(spec, (WindowMean, WindowMinmax)):
        variant = spec.mean
    said = [say(code + (f".{variant}" if variant else ""), **args)]
    said += _scale(getattr(spec, "scale", 1.0))
    if getattr(spec, "clip", False):
        said.append(say("step.clipped"))
    if inverted:
        said.append(say("step.inverted", inputs=inverted))
    return said


# -- aggregate ---------------------------------------------------------------------------


def aggregation_weights(frame: Frame, keys: list[tuple[str, str]], spec: AggregateSpec,
                        index: IndexSpec) -> dict[tuple[str, str], float]:
    """Weight of each column; an input's weight is split equally over its parts."""
    by_input: dict[str, list[tuple[str, str]]] = {}
    for k in keys:
        by_input.setdefault(k[0], []).append(k)
    w: dict[tuple[str, str], float] = {}
    given: Literal["equal", "inputs"] | dict[str, float]
    rescale = isinstance(spec.weights, WeightsSpec)
    if isinstance(spec.weights, WeightsSpec):
        given = spec.weights.values if spec.weights.values is not None else "inputs"
    else:
        given = spec.weights
    if given == "equal":
        return {k: 1.0 / len(keys) for k in keys}
    if not isinstance(given, dict):                 # "inputs"
        declared = {i.id: i.weight for i in index.inputs}
        if all(declared.get(inp) is None for inp in by_input):
            return {k: 1.0 / len(keys) for k in keys}
        for inp, ks in by_input.items():
            for k in ks:
                w[k] = (declared.get(inp) or 0.0) / len(ks)
    else:
        for inp, ks in by_input.items():
            for k in ks:
                if f"{k[0]}.{k[1]}" in given:
                    w[k] = given[f"{k[0]}.{k[1]}"]
                elif k[1] and k[1] in given:
                    w[k] = given[k[1]]
                elif inp in given:
                    w[k] = given[inp] / len(ks)
                else:
                    w[k] = 0.0
    if rescale:
        total = sum(w.values())
        w = {k: v / total for k, v in w.items()} if total > 0 else w
    return w


def _row_method(spec: AggregateSpec) -> str:
    """The mean applied row by row (Copeland first checks availability the arithmetic way)."""
    return "arithmetic" if spec.method == "copeland" else spec.method


def _copeland(matrix: np.ndarray, weights: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Copeland scores among the units whose inputs pass the missing-value rule (those
    with a row mean ``available``)."""
    return M.copeland(matrix, weights, ~np.isnan(available))

def _first_table(df: pd.DataFrame, gkeys: list[tuple[str, str]], units: dict[str, int]
                 ) -> tuple[list[tuple[str, int]], np.ndarray]:
    """The values of the columns ``gkeys`` ((input, part) pairs) as a matrix: a row per
    (unit, year) of every unit and every year among those columns' rows (units in the
    order ``units`` gives, years ascending), in a cell the first value that is not NaN, else
    NaN. What ``pivot_table(index=["unit", "year"], columns=["input", "part"],
    aggfunc="first", dropna=False)`` reindexed to ``gkeys`` gives, without its cost (a
    sensitivity variant aggregates again)."""
    column = {k: j for j, k in enumerate(gkeys)}
    picked = [(u, y, column[(i, p)], v) for u, y, i, p, v
              in zip(*lists(df, "unit", "year", "input", "part", "value"))
              if (i, p) in column]
    years = sorted({y for _, y, _, _ in picked})
    rows = [(u, y) for u in sorted({u for u, _, _, _ in picked}, key=units.__getitem__)
            for y in years]
    at = {uy: n for n, uy in enumerate(rows)}
    matrix = np.full((len(rows), len(gkeys)), math.nan)
    for u, y, j, v in reversed(picked):             # the first value wins
        if not math.isnan(v):
            matrix[at[(u, y)], j] = v
    return rows, matrix


def aggregate(frame: Frame, spec: AggregateSpec, ctx: StepContext
              ) -> tuple[Frame, list[Phrase]]:
    keys = frame.keys()
    frame, note = align_years(frame, keys)
    df = frame.df
    index = ctx.index
    named = (spec.weights if isinstance(spec.weights, dict) else
             spec.weights.values if isinstance(spec.weights, WeightsSpec) else None)
    if named:
        known = {k[0] for k in keys} | {k[1] for k in keys if k[1]} | \
            {f"{k[0]}.{k[1]}" for k in keys if k[1]}
        unknown = sorted(set(named) - known)
        if unknown:
            raise ctx.spec_error(f"weights name {', '.join(map(repr, unknown))}, which is neither "
                           f"an input nor a part (parts: "
                           f"{', '.join(sorted(k[1] or k[0] for k in keys))})",
                           "name the inputs or parts being aggregated")
    weights = aggregation_weights(frame, keys, spec, index)
    total = sum(weights.values())
    if abs(total - 1.0) > 1e-6:
        raise ctx.spec_error(f"the aggregation weights sum to {total:g}, not 1",
                       "correct the weights so that they sum to 1, or write "
                       "'weights: {normalise: true, values: {...}}' to rescale them")
    groups: list[tuple[str, list[tuple[str, str]]]]
    if spec.per == "part":
        parts = list(dict.fromkeys(k[1] for k in keys))
        groups = [(p, [k for k in keys if k[1] == p]) for p in parts]
    else:
        groups = [("", keys)]
    policy = index.missing
    min_share = policy.min_share if policy.policy == "skip" else None
    records = []
    notes = [str(note)] if note else []
    units = {u: i for i, u in enumerate(dict.fromkeys(df["unit"].tolist()))}
    ref_units = set(df.loc[df["ref"], "unit"])
    for part, gkeys in groups:
        gw = np.array([weights[k] for k in gkeys])
        if spec.per == "part":
            s = gw.sum()
            gw = gw / s if s > 0 else gw
        rows, matrix = _first_table(df, gkeys, units)
        is_ref = np.array([u in ref_units for u, _ in rows], dtype=bool)
        if policy.policy == "fail":
            bad = np.isnan(matrix) & ~is_ref[:, None]
            if bad.any():
                cells = [f"{rows[i][0]} ({_label(gkeys[j])})"
                         for i, j in zip(*np.where(bad))]
                raise ctx.fail(f"missing value(s) for {', '.join(cells[:12])}"
                               + (f" and {len(cells) - 12} more" if len(cells) > 12 else ""),
                               "complete the data, or declare 'missing: {policy: skip, "
                               "min_share: …}' for this index")
        power = spec.power if spec.power is not None else 1.0
        try:
            vals, share = M.aggregate(matrix[~is_ref], gw, _row_method(spec), spec.epsilon,
                                      min_share if min_share is not None else None, power)
        except M.MethodError as e:
            unit_rows = [u for (u, _), r in zip(rows, is_ref) if not r]
            failed = [unit_rows[i] for i in e.positions]
            raise ctx.fail(f"{spec.method} mean for unit(s) {', '.join(failed)}: {e}",
                           "declare 'epsilon' for zeros in a geometric or harmonic mean, "
                           "or use the arithmetic mean") from None
        if spec.method == "copeland":
            vals = _copeland(matrix[~is_ref], gw, vals)
        rvals = np.full(int(is_ref.sum()), math.nan)
        if is_ref.any() and spec.method != "copeland":
            try:
                rvals, _ = M.aggregate(matrix[is_ref], gw, spec.method, spec.epsilon,
                                       min_share, power)
            except M.MethodError:
                pass
        full = np.full(len(rows), math.nan)
        full[~is_ref] = vals
        if is_ref.any():
            full[is_ref] = rvals
        shares = np.full(len(rows), 1.0)
        shares[~is_ref] = share
        for row_no, ((unit, year), v, sh, r) in enumerate(zip(rows, full, shares, is_ref)):
            if not r and sh < 1 and not math.isnan(v):
                notes.append(f"{unit}: {sh:.0%} of the inputs available; the others skipped")
            elif not r and sh < 1:
                row = matrix[row_no]
                absent = [_label(gkeys[j]) for j in np.where(np.isnan(row))[0]]
                notes.append(f"{unit}: only {sh:.0%} of the inputs available; not computed")
                ctx.warn("blank_aggregate", unit=unit, year=int(year),
                         missing=", ".join(absent), share=sh,
                         min_share=policy.min_share if policy.policy == "skip" else 1.0)
            if spec.epsilon and not r:
                row = matrix[row_no]
                zeros = [_label(gkeys[j]) for j in np.where(row == 0)[0]]
                if zeros:
                    notes.append(f"{unit}: zero {', '.join(zeros)} replaced by ε = "
                                 f"{spec.epsilon:g}")
            records.append({"unit": unit, "input": index.id, "part": part, "year": int(year),
                            "value": float(v), "label": "", "ref": bool(r)})
    out = Frame(make_frame(records), {}, list(frame.notes))
    for part, _ in groups:
        out.columns[(index.id, part)] = FrameColumn(index.id, part, index=index.id)
    said = [say(f"step.aggregate.{spec.method}", power=power,
                weights=[say("weight", input=_ref(k, ctx), weight=round(weights[k], 4))
                         for k in keys])]
    if isinstance(spec.weights, WeightsSpec):
        said.append(say("step.weights_rescaled"))
    if spec.epsilon:
        said.append(say("step.epsilon", epsilon=spec.epsilon))
    if spec.per == "part":
        said.append(say("step.per_part"))
    if policy.policy == "skip":
        said.append(say("step.skip_missing", share=policy.min_share * 100))
    if note:
        said.append(note)
    out.notes.extend(notes)
    return out, said


# -- count -------------------------------------------------------------------------------


def count(frame: Frame, spec: CountSpec, ctx: StepContext) -> tuple[Frame, list[Phrase]]:
    df = frame.df
    keys = frame.keys()
    records, notes = [], []
    policy = ctx.index.missing
    inputs, parts, given, units, refs, years = lists(df, "input", "part", "label", "unit",
                                                     "ref", "year")
    by_unit: dict[str, list[int]] = {}
    for n, u in enumerate(units):
        by_unit.setdefault(u, []).append(n)
    for unit, at in by_unit.items():
        labels = {(inputs[n], parts[n]): given[n] for n in at}
        present = [k for k in keys if labels.get(k)]
        absent = [_label(k) for k in keys if not labels.get(k)]
        is_ref = any(bool(refs[n]) for n in at)
        year = int(max(years[n] for n in at))
        value: float = float(sum(1 for k in present if labels[k] == spec.class_))
        if absent and not is_ref:
            share = len(present) / len(keys)
            if policy.policy == "fail":
                raise ctx.fail(f"unit {unit!r} has no class in {', '.join(absent)}",
                               "complete the memberships, or declare 'missing: {policy: "
                               "skip, min_share: …}' for this index")
            if share < policy.min_share:
                value = math.nan
                ctx.warn("blank_aggregate", unit=unit, year=year,
                         missing=", ".join(absent), share=share, min_share=policy.min_share)
                notes.append(f"{unit}: classes available in {len(present)} of {len(keys)} "
                             f"inputs; not counted")
            else:
                notes.append(f"{unit}: absent from {', '.join(absent)}; counted over the "
                             f"other {len(present)}")
        records.append({"unit": unit, "input": ctx.index.id, "part": "",
                        "year": year, "value": value, "label": "",
                        "ref": is_ref})
    out = Frame(make_frame(records), {(ctx.index.id, ""): FrameColumn(ctx.index.id, "")},
                list(frame.notes) + notes)
    desc = [say("step.count", cls=Ref("class", spec.class_, ctx.index.id),
                inputs=[_ref(k, ctx) for k in keys])]
    return out, desc


# -- classify and rank -------------------------------------------------------------------


def classify(frame: Frame, spec: ClassifySpec, ctx: StepContext
             ) -> tuple[Frame, list[Phrase]]:
    out = frame.copy()
    df = out.df
    refmask = reference_mask(df, ctx.dataset)
    m = spec.method
    ids = spec.class_ids()
    if m == "given":
        obs = ctx.dataset.select(spec.indicator, table=spec.table, year=spec.year)
        given = obs.drop_duplicates("unit").set_index("unit")["label"]
        df["label"] = [given.get(u, "") if not r else ""
                       for u, r in zip(*lists(df, "unit", "ref"))]
        absent = sorted({u for u, r, lab in zip(*lists(df, "unit", "ref", "label"))
                         if not r and not lab})
        if absent:
            out.notes.append(f"no class given for {', '.join(absent)}")
        indicator = Ref("indicator", spec.indicator or "")   # the schema requires one
        if spec.table:
            return out, [say("step.classify.given.table", indicator=indicator,
                             table=Ref("table", spec.table))]
        return out, [say("step.classify.given", indicator=indicator)]
    if m == "map":
        mapping = spec.map or {}                    # the schema requires a map
        df["label"] = [mapping.get(lab, spec.default if spec.default is not None else lab)
                       if lab else "" for lab in df["label"]]
        pairs = [say("maps_to", a=Ref("class", a, ctx.index.id), b=Ref("class", b, ctx.index.id))
                 for a, b in mapping.items()]
        said = [say("step.classify.map", pairs=pairs)]
        if spec.default:
            said.append(say("step.classify.map_default",
                            cls=Ref("class", spec.default, ctx.index.id)))
        return out, said
    labels = [""] * len(df)
    is_ref = df["ref"].to_numpy(dtype=bool)
    k = spec.k if spec.k is not None else len(ids)  # the schema sets k for these methods
    for key in out.keys():  # noqa: SIM118 - a Frame, not a dict
        km = ((df["input"] == key[0]) & (df["part"] == key[1])).to_numpy()
        for year in sorted(df.loc[km, "year"].unique()):
            my = km & (df["year"] == year).to_numpy()
            vals = df.loc[my, "value"].to_numpy(dtype=float)
            ref = df.loc[my & refmask, "value"].to_numpy(dtype=float)
            try:
                if m == "thresholds":
                    cls = M.thresholds(vals, spec.breaks or [])
                elif m == "quantiles":
                    cls = M.quantile_classes(vals, ref, k)
                else:
                    bounds = M.optimal_breaks(ref, k)
                    cls = M.classes_from_bounds(vals, bounds)
            except M.MethodError as e:
                raise ctx.fail(f"classify by {m}: {e}",
                               "use fewer classes or another method") from None
            rows = np.where(my)[0]
            for pos, c in zip(rows, cls):
                if c >= 0 and not is_ref[pos]:
                    labels[pos] = ids[c]
    df["label"] = labels
    said = [say(f"step.classify.{m}", k=spec.k or 0, breaks=list(spec.breaks or [])),
            say("step.classes_order", classes=[Ref("class", c, ctx.index.id) for c in ids])]
    return out, said


def rank(frame: Frame, spec: RankSpec, ctx: StepContext) -> tuple[Frame, list[Phrase]]:
    out = frame.copy()
    df = out.df
    refmask = reference_mask(df, ctx.dataset)
    ranks = np.full(len(df), math.nan)
    unranked = []
    for key in out.keys():  # noqa: SIM118 - a Frame, not a dict
        km = ((df["input"] == key[0]) & (df["part"] == key[1])).to_numpy()
        for year in sorted(df.loc[km, "year"].unique()):
            my = km & (df["year"] == year).to_numpy() & refmask
            vals = df.loc[my, "value"].to_numpy(dtype=float)
            if np.sum(~np.isnan(vals)) < MIN_RANKED_UNITS:
                # a rank among fewer than two units ("1 of 1") says nothing
                unranked.append(f"{_label(key)} {year}")
                continue
            ranks[np.where(my)[0]] = M.rank(vals, spec.order == "descending")
    df["rank"] = ranks
    if unranked:
        out.notes.append(f"not ranked (fewer than {MIN_RANKED_UNITS} units with a value): "
                         + ", ".join(unranked))
    said = [say(f"step.rank.{spec.order}")]
    if unranked:
        said.append(say("step.rank.too_few", least=MIN_RANKED_UNITS))
    return out, said


#: A step's function: the frame, the step's parameters (its spec) and the context.
Runner = Callable[..., tuple[Frame, list[Phrase]]]

RUNNERS: dict[str, Runner] = {
    "denominate": denominate, "normalise": normalise, "aggregate": aggregate,
    "count": count, "classify": classify, "rank": rank,
}
