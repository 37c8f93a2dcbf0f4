"""Write results as tidy CSV: ``indices.csv`` and ``audit.csv``.

Rows are sorted and numbers written in full precision (each reads back as exactly the
float computed), so the same data and methodology always give byte-identical files.
"""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd

from .results import AUDIT_COLUMNS, VALUE_COLUMNS, Results


def _number_or_text(x: Any) -> float | str:
    """``x`` as a float, or the text a CSV cell holds instead: '' for none or NaN, a text
    as it is."""
    if x is None or x == "":
        return ""
    if isinstance(x, str):
        return x
    x = float(x)
    return "" if math.isnan(x) else x


def fmt_full(x: Any) -> str:
    """The shortest text that reads back as exactly the same float (Python's repr), '' for
    NaN; whole numbers without '.0'. What the CSV files hold: rounding happens only on
    pages."""
    x = _number_or_text(x)
    if isinstance(x, str):
        return x
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


def fmt_number(x: Any) -> str:
    """Up to 10 significant digits, no exponent for ordinary magnitudes, '' for NaN.

    Not for the CSV files (they hold :func:`fmt_full`): for fingerprints of computed values
    (frozen editions' locks) that must not change with the last bits of a float."""
    x = _number_or_text(x)
    if isinstance(x, str):
        return x
    if x == 0:
        return "0"
    s = f"{x:.10g}"
    if "e" in s:
        mant, exp = s.split("e")
        if -7 <= int(exp) < 16:
            s = f"{x:.{max(0, 9 - int(exp))}f}".rstrip("0").rstrip(".")
    return s


def fmt_int(x: Any) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    return str(int(x))


def values_table(results: Results) -> pd.DataFrame:
    return results.values_table()


def audit_table(results: Results) -> pd.DataFrame:
    a = results.audit
    if a.empty:
        result: pd.DataFrame = pd.DataFrame(columns=AUDIT_COLUMNS)
        return result
    a = a.copy()
    a["_y"] = a["year"].map(lambda y: -1 if y is None or (isinstance(y, float) and
                                                             math.isnan(y)) else int(y))
    result = (a.sort_values(["index", "unit", "_y"], kind="stable").drop(columns="_y")
              .reset_index(drop=True))
    return result


def _csv(rows: list[list[str]], header: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def indices_csv(results: Results) -> str:
    t = values_table(results)
    rows = [[r["index"], r["unit"], fmt_int(r["year"]), fmt_full(r["value"]),
             fmt_int(r["rank"]), r["class"] or ""] for r in t.to_dict("records")]
    return _csv(rows, VALUE_COLUMNS)


def audit_csv(results: Results) -> str:
    t = audit_table(results)
    rows = [[r["index"], r["unit"], fmt_int(r["year"]), fmt_full(r["printed"]),
             fmt_full(r["computed"]), fmt_full(r["difference"]), r["status"],
             r["reason"] or ""] for r in t.to_dict("records")]
    return _csv(rows, AUDIT_COLUMNS)


def sensitivity_csv(results: Results) -> str:
    header = ["sensitivity", "index", "unit", "nominal_value", "nominal_rank", "rank_min",
              "rank_max", "value_min", "value_max", "flag", "flag_share", "flag_status",
              "class_shares"]
    rows = []
    for s in results.sensitivity:
        flag = f"{s.flag['index']}={s.flag['class']}" if s.flag else ""
        for r in s.summary.sort_values("unit").to_dict("records"):
            rows.append([s.id, s.target, r["unit"], fmt_full(r["nominal_value"]),
                         fmt_int(r["nominal_rank"]), fmt_int(r["rank_min"]),
                         fmt_int(r["rank_max"]), fmt_full(r["value_min"]),
                         fmt_full(r["value_max"]), flag,
                         fmt_full(r.get("flag_share", "")), r.get("flag_status", ""),
                         ";".join(f"{c}={fmt_full(x)}"
                                  for c, x in (r.get("class_shares") or {}).items())])
    return _csv(rows, header)


def write(results: Results, out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    files = {"indices.csv": indices_csv(results), "audit.csv": audit_csv(results),
             "sensitivity.csv": sensitivity_csv(results)}
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return [str(out / n) for n in files]
