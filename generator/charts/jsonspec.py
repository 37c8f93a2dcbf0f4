"""Canonical JSON and the shared chart templates.

Two promises live here:

* **Determinism.** :func:`canonical_json` writes sorted keys, no spaces and floats rounded to
  12 significant digits (so ``0.1 + 0.2`` and ``0.3`` print alike and a value computed on
  another machine prints the same), NaN and infinities as ``null``. The same chart for the
  same data is the same bytes.
* **Cheap per unit.** A chart kind is declared once with Altair and validated against the
  Vega-Lite schema once per *template key* (kind, language and whatever else shapes the
  spec: axis titles, formats, labels). Every chart of that key is the template with its
  data swapped: the per-chart parts are the named ``datasets``, the values of top-level
  ``params`` and the ``description``. Building the 19 unit charts of one kind therefore
  builds and validates one Altair object, not 19.
"""
from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

#: Significant digits kept for floats in specs and JSON files.
FLOAT_DIGITS = 12


def clean_float(x: float) -> float | None:
    """The float as it is written to JSON: ``None`` for NaN/inf, no ``-0.0``, 12 digits."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return None
    if x == 0:
        return 0.0
    return float(f"{x:.{FLOAT_DIGITS}g}")


def normalise(obj: Any) -> Any:
    """Plain JSON data: numpy/pandas scalars unwrapped, floats cleaned, tuples as lists."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return clean_float(obj)
    if isinstance(obj, Mapping):
        return {str(k): normalise(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [normalise(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [normalise(v) for v in obj.tolist()]
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if obj is pd.NA or obj is pd.NaT:
        return None
    raise TypeError(f"cannot write {type(obj).__name__} to a chart spec")


def canonical_json(obj: Any, *, indent: int | None = None) -> str:
    """Deterministic JSON text (sorted keys, fixed float formatting, UTF-8 kept)."""
    return json.dumps(normalise(obj), sort_keys=True, ensure_ascii=False, allow_nan=False,
                      indent=indent, separators=(",", ":") if indent is None else (",", ": "))


def records(frame: pd.DataFrame, columns: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows of ``frame`` as plain JSON records (NaN → null)."""
    if columns is not None:
        frame = frame[columns]
    out = []
    for row in frame.itertuples(index=False, name=None):
        out.append({c: normalise(v) if not _isna(v) else None
                    for c, v in zip(frame.columns, row)})
    return out


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def script_safe(text: str) -> str:
    """JSON text that can sit inside ``<script type="application/json">`` unchanged.

    ``<``, ``>`` and ``&`` become JSON escapes, so no ``</script>`` or comment opener can
    appear; U+2028/U+2029 are escaped as well. ``JSON.parse`` reads the same data.
    """
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- templates -------------------------------------------------------------------------------

class TemplateCache:
    """Validated Vega-Lite templates by key; thread-safe, unbounded (a build has few keys)."""

    def __init__(self) -> None:
        self._specs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self.enabled = True
        self.builds = 0          # how many Altair objects were built and validated

    def clear(self) -> None:
        with self._lock:
            self._specs.clear()
            self.builds = 0

    def __len__(self) -> int:
        return len(self._specs)

    def spec(self, key: Any, build: Callable[..., Any], *,
             datasets: Mapping[str, list[dict[str, Any]]],
             params: Mapping[str, Any] | None = None,
             description: str | None = None) -> dict[str, Any]:
        """The spec of one chart.

        ``build(datasets=..., params=..., description=...)`` declares the chart with Altair.
        With the cache on, it runs once per ``key`` with empty datasets and the result is
        validated and kept; every chart of that key is the template with its data filled in
        (:func:`fill`). With the cache off (:func:`fresh_templates`), it runs with the real
        data and that object is validated; both ways give the same spec.
        """
        if not self.enabled:
            with self._lock:
                self.builds += 1
            chart = build(datasets=datasets, params=params or {}, description=description)
            return normalise(chart.to_dict(validate=True))
        text = canonical_json(key)
        with self._lock:
            template = self._specs.get(text)
        if template is None:
            empty = {name: [] for name in datasets}
            chart = build(datasets=empty, params=params or {}, description=None)
            template = normalise(chart.to_dict(validate=True))
            with self._lock:
                self.builds += 1
                template = self._specs.setdefault(text, template)
        return fill(template, datasets=datasets, params=params, description=description)


TEMPLATES = TemplateCache()


@contextmanager
def fresh_templates() -> Iterator[None]:
    """Build and validate every chart afresh inside the block (used by the tests)."""
    was = TEMPLATES.enabled
    TEMPLATES.enabled = False
    try:
        yield
    finally:
        TEMPLATES.enabled = was


def fill(template: Mapping[str, Any], *, datasets: Mapping[str, list[dict[str, Any]]],
         params: Mapping[str, Any] | None = None, description: str | None = None
         ) -> dict[str, Any]:
    """A chart's spec: the template with its datasets, parameter values and description."""
    spec = dict(template)               # shallow: only the swapped parts are replaced
    missing = set(template.get("datasets", {})) - set(datasets)
    extra = set(datasets) - set(template.get("datasets", {}))
    if missing or extra:
        raise ValueError(f"datasets do not match the template: missing {sorted(missing)}, "
                         f"unknown {sorted(extra)}")
    spec["datasets"] = {name: normalise(rows) for name, rows in datasets.items()}
    if params:
        known = {p["name"] for p in template.get("params", [])}
        unknown = set(params) - known
        if unknown:
            raise ValueError(f"unknown chart parameters {sorted(unknown)}")
        spec["params"] = [dict(p, value=normalise(params[p["name"]])) if p["name"] in params
                          else p for p in template["params"]]
    if description is not None:
        spec["description"] = description
    return spec
