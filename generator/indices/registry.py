"""The normalisation methods: name → (function, schema of its keys, description).

Adding a method touches this file only: write its keys as a pydantic model (``method`` is
the name, every other field a key an economist may write, nothing else is accepted), a
function from one column of numbers to the normalised column, and a one-line description.
``methodology.yaml`` is checked against the chosen method's schema, so a key the method
does not use is an error naming its line (COINr's and the OECD/JRC Handbook's menu).

Methods over units get a :class:`Column` (the values of one input in one year, the region's
units as the reference set); methods over time work unit by unit in ``steps``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from . import methods as M


class _Keys(BaseModel):
    model_config = ConfigDict(extra="forbid")
    parts: list[str] | None = None          # which inputs or parts (default: all)
    if TYPE_CHECKING:                       # every method's schema names its method
        method: str


class _Directed(_Keys):
    direction: Literal["auto", "higher", "lower"] = "auto"


def year_or_range(v: Any) -> Any:
    """A year (2020) or an inclusive range ([2016, 2018]), as written in methodology.yaml."""
    if isinstance(v, list):
        if len(v) != 2 or not all(isinstance(y, int) for y in v) or v[0] > v[1]:
            raise ValueError("a year range is written [first, last] with first <= last")
        return (v[0], v[1])
    return v


class MinMax(_Directed):
    method: Literal["minmax"]
    range: tuple[float, float] = (0.0, 1.0)

    @field_validator("range")
    @classmethod
    def _range(cls, v: Any) -> Any:
        if v[0] >= v[1]:
            raise ValueError("range is [lower, upper] with lower < upper")
        return v


class Rescale(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mean: float = 0.0
    sd: float = Field(default=1.0, gt=0)


class ZScore(_Directed):
    method: Literal["zscore"]
    rescale: Rescale | None = None


class Rank(_Directed):
    method: Literal["rank"]


class PercentileRank(_Directed):
    method: Literal["percentile_rank"]


class Borda(_Directed):
    method: Literal["borda"]


class Distance(_Directed):
    method: Literal["distance"]
    to: Literal["max", "reference", "target"]
    unit: str | None = None
    target: float | None = None
    form: Literal["ratio", "difference"] = "ratio"

    @model_validator(mode="after")
    def _what(self) -> Distance:
        if (self.to == "reference") != (self.unit is not None):
            raise ValueError("'unit' names the reference unit, and only with to: reference")
        if (self.to == "target") != (self.target is not None):
            raise ValueError("'target' is the target value, and only with to: target")
        return self


class Goalposts(_Directed):
    method: Literal["goalposts"]
    lower: float
    upper: float
    log: bool = False
    clip: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> Goalposts:
        if self.lower >= self.upper:
            raise ValueError("goalposts need lower < upper")
        if self.log and self.lower <= 0:
            raise ValueError("log goalposts need a positive lower bound")
        return self


class Log(_Keys):
    method: Literal["log"]
    offset: float = 0.0


class RatioToRegion(_Directed):
    method: Literal["ratio_to_region"]


class ChainGrowth(_Keys):
    method: Literal["chain_growth"]
    scale: float = 1.0


class _Window(_Keys):
    window: tuple[int, int]
    _w = field_validator("window", mode="before")(classmethod(lambda cls, v: year_or_range(v)))


class AverageGrowth(_Window):
    method: Literal["average_growth"]
    scale: float = 1.0


class WindowMean(_Window):
    method: Literal["window_mean"]
    mean: Literal["arithmetic", "geometric"] = "arithmetic"
    scale: float = 1.0


class WindowMinmax(_Window):
    method: Literal["window_minmax"]
    mean: Literal["arithmetic", "geometric"] = "arithmetic"


@dataclass
class Column:
    """One input in one year: the values of every row, of the reference units, and a way
    to look up one area's value (the region, a reference unit)."""
    values: np.ndarray
    reference: np.ndarray
    value_of: Callable[[str], float]


@dataclass(frozen=True)
class Method:
    name: str
    schema: type[BaseModel]
    description: str
    over: Literal["units", "time"] = "units"
    apply: Callable[[Column, Any, bool], np.ndarray] | None = None


def _distance(c: Column, p: Distance, inv: bool) -> np.ndarray:
    if p.to == "max":
        ref = c.reference[~np.isnan(c.reference)]
        base = float(ref.min() if inv else ref.max())
    elif p.to == "reference":
        base = c.value_of(p.unit or "")       # the schema requires a unit here
    else:
        base = float(p.target or 0.0)         # and a target here
    return M.distance(c.values, base, inv, p.form)


def _zscore(c: Column, p: ZScore, inv: bool) -> np.ndarray:
    r = p.rescale or Rescale()
    return M.zscore(c.values, c.reference, inv, r.mean, r.sd)


_METHODS = [
    Method("minmax", MinMax, "L + (U − L)(x − min)/(max − min) over the units, onto "
           "range [L, U] (default [0, 1])",
           apply=lambda c, p, inv: M.minmax_range(c.values, c.reference, p.range[0],
                                                  p.range[1], inv)),
    Method("zscore", ZScore, "(x − mean)/sd over the units with values (sd with n − 1), "
           "optionally × sd' + mean'", apply=_zscore),
    Method("rank", Rank, "rank among the units, 1 = lowest value (ties share the lower)",
           apply=lambda c, p, inv: M.rank_scores(c.values, c.reference, inv)),
    Method("percentile_rank", PercentileRank, "(rank − 1)/(n − 1): 0 = lowest, 1 = highest",
           apply=lambda c, p, inv: M.percentile_rank(c.values, c.reference, inv)),
    Method("borda", Borda, "Borda score: number of units with a lower value (ties ½)",
           apply=lambda c, p, inv: M.borda(c.values, c.reference, inv)),
    Method("distance", Distance, "x / x_ref (or (x − x_ref)/|x_ref|) with x_ref the "
           "maximum, a reference unit or a target", apply=_distance),
    Method("goalposts", Goalposts, "(x − L)/(U − L) with fixed goalposts, optionally of "
           "logarithms, values capped at the goalposts (as the HDI)",
           apply=lambda c, p, inv: M.goalposts(c.values, p.lower, p.upper, inv, p.log,
                                               p.clip)),
    Method("log", Log, "ln(x + offset)",
           apply=lambda c, p, inv: M.log_transform(c.values, p.offset)),
    Method("ratio_to_region", RatioToRegion, "x / x_region (x_region / x when lower is "
           "better)", apply=None),
    Method("chain_growth", ChainGrowth, "x_t / x_(t−1) × scale", over="time"),
    Method("average_growth", AverageGrowth, "(x_last / x_before)^(1/n) × scale over a "
           "window", over="time"),
    Method("window_mean", WindowMean, "arithmetic or geometric mean over a window × scale",
           over="time"),
    Method("window_minmax", WindowMinmax, "(mean − min)/(max − min) of the annual values "
           "in a window", over="time"),
]

#: name → method; the one table every part of the engine reads.
NORMALISATIONS: dict[str, Method] = {m.name: m for m in _METHODS}


def _method_tag(v: Any) -> str | None:
    name = v.get("method") if isinstance(v, dict) else getattr(v, "method", None)
    return f"method[{name}]" if name in NORMALISATIONS else None


#: The ``normalise:`` step: one schema per method, chosen by ``method``. The tags carry
#: brackets so that error locations skip them and point at the offending key's line.
if TYPE_CHECKING:
    #: What the type checker sees: every method's schema is a ``_Keys``.
    NormaliseSpec = _Keys
else:
    NormaliseSpec = Annotated[
        # a Union over a computed tuple: the | operator cannot spell it
        Union[tuple(Annotated[m.schema, Tag(f"method[{m.name}]")]  # noqa: UP007
                    for m in _METHODS)],
        Discriminator(_method_tag, custom_error_type="unknown_method",
                      custom_error_message="unknown normalisation method; use one of "
                      + ", ".join(NORMALISATIONS))]


def is_directed(spec: BaseModel) -> bool:
    return "direction" in type(spec).model_fields


def keys_of(method: str) -> set[str]:
    return set(NORMALISATIONS[method].schema.model_fields)
