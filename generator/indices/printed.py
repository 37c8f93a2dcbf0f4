"""How precisely a number is printed, read from the CSV text as transcribed.

A float forgets trailing zeros ("1.00" and "1" are the same float), so the precision of a
printed value is taken from the cell's text: "1.00" is printed to two decimals and matches
a computed value within ±0.005, not ±0.5.
"""
from __future__ import annotations

import csv
import math
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from ..data.model import Dataset


@lru_cache(maxsize=256)
def _value_cells(path: str, mtime: float) -> dict[int, str]:
    """File line number → the text of the 'value' cell (the header is line 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows or "value" not in rows[0]:
        return {}
    col = rows[0].index("value")
    return {n: cells[col].strip() for n, cells in enumerate(rows[1:], start=2)
            if len(cells) > col}


def decimals_of_text(text: str) -> int | None:
    """Digits after the decimal point as written ("1.00" → 2, "1e-3" → 3), None if no number."""
    try:
        d = Decimal(text.replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    return max(0, -int(d.as_tuple().exponent)) if d.is_finite() else None


def decimals_as_printed(dataset: Dataset, table: str, row: int) -> int | None:
    """Decimals of the value in ``table`` at file line ``row``, as transcribed."""
    meta = dataset.tables.get(table)
    if meta is None or not row:
        return None
    path = Path(meta.file)
    if not path.is_absolute():
        path = Path(dataset.root) / "tables" / path.name
    if not path.is_file():
        return None
    text = _value_cells(str(path), path.stat().st_mtime).get(int(row))
    return decimals_of_text(text) if text else None


def decimals_of_float(x: float) -> int:
    """Decimals of a number known only as a float (trailing zeros are lost: 0.120 → 2)."""
    if x is None or math.isnan(x):
        return 0
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0   # 'n', 'F': not finite


@lru_cache(maxsize=8)
def _yaml_lines(path: str, mtime: float) -> list[str]:
    return Path(path).read_text(encoding="utf-8").splitlines()


def decimals_in_yaml(path: Path | str, line: int | None, value: float) -> int | None:
    """Decimals of a printed value written in methodology.yaml (``value: 1.50``), read from
    the file's text at its line: the token after ``value:`` that equals ``value``."""
    path = Path(path)
    if not line or not path.is_file():
        return None
    lines = _yaml_lines(str(path), path.stat().st_mtime)
    if line > len(lines):
        return None
    for token in re.findall(r"\bvalue:\s*([-+]?[0-9][0-9_.eE+-]*)", lines[line - 1]):
        try:
            if float(token) == value:
                return decimals_of_text(token.replace("_", ""))
        except ValueError:
            continue
    return None
