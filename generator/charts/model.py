"""What a builder returns: a small, declarative :class:`Chart` that knows no page."""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import pandas as pd
from markupsafe import Markup, escape

from .. import formatting as fmt
from .jsonspec import canonical_json, clean_float, script_safe
from .render import image_size, overlay

T = TypeVar("T")
_SLUG = re.compile(r"[^a-z0-9_-]+")


def slug(text: str) -> str:
    """A safe file and id name: lowercase ``a-z 0-9 _ -``, no leading or trailing dash."""
    s = _SLUG.sub("-", str(text).lower()).strip("-")
    s = re.sub(r"-{2,}", "-", s)
    if not s:
        raise ValueError(f"chart id {text!r} has no usable characters")
    return s


@dataclass(frozen=True)
class Column:
    """One column of a chart's data table (HTML and CSV)."""
    key: str                    # column of Chart.data
    label: str                  # header in the page's language
    numeric: bool = False
    decimals: int | None = None
    html: bool = True           # shown in the page's table
    csv: bool = True            # written to the CSV


@dataclass(frozen=True, eq=False)
class Chart:
    """One chart: its Vega-Lite spec, its data and every text around it, in one language.

    **Immutable** once made: nothing may change a chart's fields, its spec or its data
    afterwards (the spec may be shared with other charts' templates). So whatever is
    derived from it (its JSON text, the keys of its images) is made once and kept on the
    chart (:meth:`spec_json`, :meth:`memo`); a changed chart is a new chart."""
    id: str
    kind: str                               # map | ranking | time_series | ...
    lang: str
    spec: dict[str, Any]
    # The table and the CSV (see columns): a frame, or its records (a unit's chart made
    # with thousands of others is given its few rows as plain dicts, not a frame).
    data: pd.DataFrame | tuple[dict[str, Any], ...]
    columns: tuple[Column, ...]
    title: str
    subtitle: str
    source: str
    description: str
    alt: str
    ui: Mapping[str, str] = field(default_factory=dict)   # words of the partial
    highlight: str | None = None            # value of data[key_column] to emphasise
    key_column: str = "unit"
    attribution: str = ""                   # shown with the source (maps)
    # How the page draws it (generator.charts.render): "static" (an image drawn at build
    # time), "overlay" (``base``'s image with this chart's marks over it, e.g. a unit's
    # outline on the region's map) or "live" (drawn in the browser only; ``size`` is the
    # expected (width, height), the room the page keeps for it).
    drawn: str = "static"
    base: Chart | None = None
    size: tuple[int, int] | None = None

    # -- spec --------------------------------------------------------------------------------
    def spec_json(self) -> str:
        """The spec as deterministic JSON (the file and the page embed the same bytes);
        made once per chart, however many pages and files show it."""
        cached = self.__dict__.get("_spec_json")
        if cached is None:
            cached = canonical_json(self.spec)
            self.__dict__["_spec_json"] = cached      # frozen: bypass __setattr__
        return cached

    def memo(self, key: Hashable, make: Callable[[], T]) -> T:
        """``make()``, made once per chart and ``key`` (the chart is immutable). Kept out
        of pickles: a chart read back from a cache derives it again."""
        memos = self.__dict__.get("_memo")
        if memos is None:
            memos = self.__dict__.setdefault("_memo", {})      # frozen: bypass __setattr__
        if key not in memos:
            memos[key] = make()
        return memos[key]

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_memo", None)
        return state

    def spec_island(self) -> Markup:
        """The spec for ``<script type="application/json">`` (safe to place unescaped)."""
        return Markup(script_safe(self.spec_json()))

    def spec_script(self) -> bytes:
        """The spec as a script that registers it in ``window.AimaqSpecs`` under
        ``<lang>/<id>``: the base map every unit page of a language shares, loaded by
        ``charts.js`` only when a unit's map turns live (a script loads from file:// too,
        where a JSON file cannot be fetched)."""
        key = canonical_json(f"{self.lang}/{self.id}")
        return ("(window.AimaqSpecs=window.AimaqSpecs||{})[" + key + "]="
                + script_safe(self.spec_json()) + ";\n").encode("utf-8")

    def shared_files(self, prefix: str) -> dict[str, bytes]:
        """The files a chart drawn over a shared ``base`` shares with every chart over the
        same base, by site path: the base's ``<id>.spec.js`` (the live chart is the base
        with this chart's unit highlighted, or its values swapped in) and, for an
        ``overlay`` (a unit's map, whose table is the region's), ``<id>.csv`` (the whole
        table, which the chart's figure links to). Written once per base, however many
        units it serves."""
        if self.base is None:
            return {}
        base = self.base
        with_csv = self.drawn == "overlay"
        return base.memo(("shared-files", prefix, with_csv), lambda: {
            base.file(prefix, "spec.js"): base.spec_script(),
            **({base.file(prefix, "csv"): base.csv()} if with_csv else {})})

    # -- files -------------------------------------------------------------------------------
    def file(self, prefix: str, ext: str) -> str:
        """Site path of one of the chart's files: ``{prefix}/{id}.{ext}``.

        ``ext`` is ``json``, ``csv``, ``svg`` (download, with title and source), ``png`` or
        ``static.svg`` (the fallback the page shows without scripts and in print).
        """
        prefix = prefix.strip("/")
        return f"{prefix}/{self.id}.{ext}" if prefix else f"{self.id}.{ext}"

    # -- table -------------------------------------------------------------------------------
    def records(self) -> list[dict[str, Any]] | tuple[dict[str, Any], ...]:
        """The rows of :attr:`data` as dicts."""
        if isinstance(self.data, pd.DataFrame):
            return cast(list[dict[str, Any]], self.data.to_dict("records"))
        return self.data

    @property
    def html_columns(self) -> list[Column]:
        return [c for c in self.columns if c.html]

    def rows(self) -> list[dict[str, Any]]:
        """Rows for the page's table: ``{"cells": [(column, value), ...], "highlight": bool}``.

        Numbers stay numbers (NaN as ``None``) so the page formats them with its own helper.
        """
        cols = self.html_columns
        out = []
        for rec in self.records():
            cells = []
            for c in cols:
                v = rec.get(c.key)
                if c.numeric:
                    v = None if v is None or (isinstance(v, float) and math.isnan(v)) else v
                elif v is None or (isinstance(v, float) and math.isnan(v)):
                    v = ""
                cells.append((c, v))
            hl = (self.highlight is not None and rec.get(self.key_column) == self.highlight)
            out.append({"cells": cells, "highlight": hl})
        return out

    def table_rows_html(self) -> Markup:
        """The ``<tr>`` rows of the figure's data table (:meth:`rows`, numbers formatted
        for the chart's language), made once per chart in Python: a unit page's table
        cell by cell through the template costs a dozen template calls a cell, on every
        unit's page."""
        return self.memo(("table-rows-html",), self._table_rows_html)

    def _table_rows_html(self) -> Markup:
        out = []
        for row in self.rows():
            cells = []
            for i, (c, v) in enumerate(row["cells"]):
                shown = fmt.number(v, self.lang, c.decimals) if c.numeric else v
                num = ' class="num"' if c.numeric else ""
                tag = "th" if i == 0 else "td"
                scope = ' scope="row"' if i == 0 else ""
                cells.append(f"<{tag}{scope}{num}>{escape(shown)}</{tag}>")
            hl = ' class="is-highlight"' if row["highlight"] else ""
            out.append(f"<tr{hl}>{''.join(cells)}</tr>")
        return Markup("\n".join(out))

    def csv(self) -> bytes:
        """UTF-8 CSV (with BOM for spreadsheets), headers in the page's language, decimal
        point and no grouping in numbers, NaN as an empty cell."""
        cols = [c for c in self.columns if c.csv]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([c.label for c in cols])
        for rec in self.records():
            row = []
            for c in cols:
                v = rec.get(c.key)
                if c.numeric:
                    if v is None or (isinstance(v, float) and math.isnan(v)):
                        row.append("")
                    else:
                        f = clean_float(v)
                        row.append(str(int(f)) if f is not None and f.is_integer()
                                   and abs(f) < 1e15 else repr(f))
                else:
                    row.append("" if v is None or (isinstance(v, float) and math.isnan(v))
                               else str(v))
            w.writerow(row)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    def image_size(self) -> tuple[int, int]:
        """(width, height) of the static image (renders it once, then cached)."""
        return image_size(self)

    def overlay(self) -> Markup:
        """An ``overlay`` chart's marks over its base image, as SVG elements."""
        return Markup(overlay(self))
