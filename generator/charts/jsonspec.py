"""Canonical JSON and the shared chart templates.

Two promises live here:

* **Determinism.** :func:`canonical_json` writes sorted keys, no spaces and floats rounded to
  12 significant digits (so ``0.1 + 0.2`` and ``0.3`` print alike and a value computed on
  another machine prints the same), NaN and infinities as ``null``. The same chart for the
  same data is the same bytes.
* **Cheap per chart.** A chart kind is declared once with Altair per *template key* (the
  kind and whatever shapes the spec: which layers, which legends). Every chart of that key
  is the template with its data swapped: the named ``datasets``, the values of top-level
  ``params``, the ``description`` and the *slots* (words, axis titles, sizes and lists, in
  any language), put where the template holds their stand-ins. Building every ranking of a
  site, in every language, builds one Altair object (the tests validate every kind against
  the Vega-Lite schema); the rest is dictionary work. A spec so made is a :class:`Spec`
  (already plain), so its JSON text is written without another walk.
"""
from __future__ import annotations

import json
import math
import re
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

#: Significant digits kept for floats in specs and JSON files.
FLOAT_DIGITS = 12


def clean_float(x: float) -> float | None:
    """The float as it is written to JSON: ``None`` for NaN/inf, no ``-0.0``, 12 digits."""
    x = float(x)
    if x != x or x == _INF or x == -_INF:
        return None
    if x == 0:
        return 0.0
    return float(format(x, _FLOAT_FORMAT))


_INF = math.inf
_FLOAT_FORMAT = f".{FLOAT_DIGITS}g"
#: Values that stay as they are (exact types: a bool is not cleaned as an int).
_PLAIN = frozenset({str, int, bool, type(None)})


def normalise(obj: Any) -> Any:
    """Plain JSON data: numpy/pandas scalars unwrapped, floats cleaned, tuples as lists.

    The common cases (``str``, ``int``, ``float``, ``dict``, ``list``) are tested by exact
    type first: a chart's data is mostly these, and this runs once per value of every chart.
    """
    t = type(obj)
    if t in _PLAIN or t is Plain:
        return obj
    if t is float:
        return clean_float(obj)
    if t is dict:
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN else normalise(v)
                for k, v in obj.items()}
    if t is list or t is tuple:
        return [v if type(v) in _PLAIN else normalise(v) for v in obj]
    return _normalise_other(obj)


def _normalise_other(obj: Any) -> Any:
    if isinstance(obj, (str, bool)):
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


class Spec(dict):
    """A chart's Vega-Lite spec, already plain JSON data as :func:`normalise` makes it
    (what :meth:`TemplateCache.spec` returns): :func:`canonical_json` writes it without
    walking it again. Whoever sets a key of one sets a normalised value."""

    __slots__ = ()


class Plain(list):
    """A list already normalised (see :func:`plain`): :func:`normalise` keeps it as it is.
    Data shared by many charts (a map's boundaries) is then cleaned once, not per chart."""

    __slots__ = ()


def plain(rows: Any) -> Plain:
    """``rows`` normalised once, marked so that no chart normalises them again; treat it as
    read-only (every chart that shows it shares it)."""
    return rows if type(rows) is Plain else Plain(normalise(rows))


#: Data shared by many charts, normalised once: {(id of its owner, key): (owner, data)}.
_SHARED: dict[tuple[int, str], tuple[weakref.ref[Any], Plain]] = {}
_SHARED_LOCK = threading.Lock()


def shared(owner: Any, key: Any, make: Callable[[], Any]) -> Plain:
    """``plain(make())``, made once for each ``key`` while ``owner`` (the object the data
    comes from, such as a map's boundaries) lives: the charts of one owner and key share
    one copy. A new owner (a file read again) makes the data afresh."""
    k = (id(owner), canonical_json(key))
    with _SHARED_LOCK:
        hit = _SHARED.get(k)
    if hit is not None and hit[0]() is owner:
        return hit[1]
    value = plain(make())
    with _SHARED_LOCK:
        for old in [o for o, (ref, _) in _SHARED.items() if ref() is None]:
            del _SHARED[old]
        _SHARED[k] = (weakref.ref(owner), value)
    return value


def canonical_json(obj: Any, *, indent: int | None = None) -> str:
    """Deterministic JSON text (sorted keys, fixed float formatting, UTF-8 kept)."""
    return json.dumps(obj if type(obj) is Spec else normalise(obj), sort_keys=True, ensure_ascii=False, allow_nan=False,
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

#: A text slot in a template: the placeholder string (private-use characters, which no
#: chart text contains) and, for a list of texts, the one-item list holding it.
_MARK = "\ue000{}\ue001"
_MARKED = re.compile("\ue000([^\ue001]*)\ue001")
#: A number slot: an integer no chart uses, kept exactly by :func:`clean_float`'s 12 digits.
_NUMBER_BASE = 987_654_321_000


def _placeholders(slots: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the stand-ins the template is built with, the names of slots that shape it).

    Texts stand in as a marked string, lists as a one-item list of one, numbers as an
    unused integer. ``None`` and booleans are not stood in for: they are passed as they
    are and become part of the template's key (Altair writes ``None`` as a JSON null,
    and a flag usually changes what is drawn)."""
    out: dict[str, Any] = {}
    literal: list[str] = []
    for i, (name, value) in enumerate(sorted(slots.items())):
        t = type(value)
        if t is str:
            out[name] = _MARK.format(name)
        elif t is list or t is tuple:
            out[name] = [_MARK.format(name + "[]")]
        elif value is None or t is bool:
            out[name] = value
            literal.append(name)
        elif isinstance(value, (int, float, np.integer, np.floating)):
            out[name] = _NUMBER_BASE + i
        else:
            raise TypeError(f"chart slot {name!r}: cannot stand in for "
                            f"{type(value).__name__}")
    return out, literal


def _slot_paths(template: Any, stand_ins: Mapping[str, Any]
                ) -> list[tuple[tuple[Any, ...], str]]:
    """Where each slot's stand-in sits in the template: ``[(path, slot name)]``.

    Raises when a stand-in is found inside a longer string (a slot used in an expression
    or joined to other text cannot be swapped: give that whole text as the slot) or a
    number slot appears changed (used in arithmetic)."""
    numbers = {v: k for k, v in stand_ins.items()
               if type(v) is int and v >= _NUMBER_BASE}
    found: list[tuple[tuple[Any, ...], str]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        t = type(node)
        if t is dict:
            for k, v in node.items():
                walk(v, path + (k,))
        elif t is list:
            if len(node) == 1 and type(node[0]) is str and node[0].endswith("[]\ue001"):
                m = _MARKED.fullmatch(node[0])
                if m:
                    found.append((path, m.group(1)[:-2]))
                    return
            for i, v in enumerate(node):
                walk(v, path + (i,))
        elif t is str:
            m = _MARKED.fullmatch(node)
            if m and not m.group(1).endswith("[]"):
                found.append((path, m.group(1)))
            elif "\ue000" in node:
                raise ValueError(f"chart slot used inside a longer text at {path}: {node!r}")
        elif t is int and node in numbers:
            found.append((path, numbers[node]))
        elif (t is int or t is float) and abs(node - _NUMBER_BASE) < 1000 \
                and node not in numbers:
            raise ValueError(f"chart number slot changed on its way into the spec at {path}")

    walk(template, ())
    return found


@dataclass(frozen=True)
class Template:
    """A validated spec with the places of its slots (read-only: shared by many charts)."""
    spec: dict[str, Any]
    slots: tuple[tuple[tuple[Any, ...], str], ...]


class TemplateCache:
    """Validated Vega-Lite templates by key; thread-safe, unbounded (a build has few keys)."""

    def __init__(self) -> None:
        self._specs: dict[str, Template] = {}
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
             description: str | None = None,
             slots: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The spec of one chart.

        ``build(datasets=..., params=..., description=..., slots=...)`` declares the chart
        with Altair (``slots`` only when given). ``slots`` are the chart's own texts and
        sizes (axis titles, tooltip words, widths…): the builder must place each one
        as it is (no arithmetic, no joining into longer text), so that the template can
        hold a stand-in there. With the cache on, ``build`` runs once per ``key`` (plus
        which slots are ``None`` or flags) with empty datasets and stand-ins for the
        slots; the result is validated and kept, and every chart of that key is the
        template with its data, parameters, description and slots filled in
        (:func:`fill`), without Altair. With the cache off (:func:`fresh_templates`), it
        runs with the real values and that object is validated; both ways give the same
        spec (the tests check it for every kind).
        """
        if not self.enabled:
            with self._lock:
                self.builds += 1
            extra = {} if slots is None else {"slots": slots}
            chart = build(datasets=datasets, params=params or {}, description=description,
                          **extra)
            return Spec(normalise(chart.to_dict(validate=True)))
        stand_ins, literal = _placeholders(slots or {})
        text = canonical_json([key, {k: slots[k] for k in literal}] if slots else key)
        with self._lock:
            template = self._specs.get(text)
        if template is None:
            empty = {name: [] for name in datasets}
            extra = {} if slots is None else {"slots": stand_ins}
            chart = build(datasets=empty, params=params or {}, description=None, **extra)
            # Not validated here: a template is made by the package's own code with
            # stand-ins, never from a user's input, so its validity is a property of the
            # code, which the tests check by building every kind afresh and validated
            # (fresh_templates) and comparing. Validation is half a second a build.
            spec = normalise(chart.to_dict(validate=False))
            template = Template(spec, tuple(_slot_paths(spec, stand_ins)))
            with self._lock:
                self.builds += 1
                template = self._specs.setdefault(text, template)
        return fill(template.spec, datasets=datasets, params=params, description=description,
                    slots=[(path, slots[name]) for path, name in template.slots]
                    if slots else ())


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
         params: Mapping[str, Any] | None = None, description: str | None = None,
         slots: Iterable[tuple[tuple[Any, ...], Any]] = ()) -> dict[str, Any]:
    """A chart's spec: the template with its datasets, parameter values, description and
    slot values (``[(path, value)]``). The template is not changed: only the containers
    on a slot's path are copied."""
    spec = Spec(template)              # shallow: only the swapped parts are replaced
    tmpl_datasets = template.get("datasets", {})
    if len(datasets) != len(tmpl_datasets) or any(n not in tmpl_datasets for n in datasets):
        missing = set(tmpl_datasets) - set(datasets)
        extra = set(datasets) - set(tmpl_datasets)
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
    copied = {id(spec)}
    for path, value in slots:
        node: Any = spec
        for step in path[:-1]:
            child = node[step]
            if id(child) not in copied:
                child = dict(child) if type(child) is dict else list(child)
                node[step] = child
                copied.add(id(child))
            node = child
        node[path[-1]] = normalise(value)
    return spec
