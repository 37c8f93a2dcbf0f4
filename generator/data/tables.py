"""The cells of a source table, from a CSV file or an Excel workbook (.xlsx).

Both give rows of text cells, so one validator (:func:`generator.data.load.read_table`)
checks them alike. A workbook is read through pandas with openpyxl: its first sheet, or
the one named by ``sheet`` in sources.yaml. Numbers become the text a CSV would hold
(``2020``, not ``2020.0``; ``12.5``), so a table gives the same dataset in either form.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError

#: The kinds of table file, in the order they are looked for.
TABLE_SUFFIXES = (".csv", ".xlsx")
#: A table file larger than this is not a hand-transcribed table (bytes).
MAX_TABLE_BYTES = 200_000_000


def is_workbook(path: Path | str) -> bool:
    return Path(path).suffix.lower() == ".xlsx"


def where_row(sheet: str | None) -> str:
    """How a message names a row: "row" in a CSV, "sheet 'Data', row" in a workbook."""
    return f"sheet {sheet!r}, row" if sheet is not None else "row"


def _check_size(path: Path, display: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(f"cannot read the table ({exc.strerror or exc})", display, None,
                        "check that it is a readable file") from None
    if size > MAX_TABLE_BYTES:
        raise DataError(f"the table is {size:,} bytes; tables are read up to "
                        f"{MAX_TABLE_BYTES:,} bytes", display, None,
                        "split it into several tables, or check that it is the file "
                        "you meant")


def _read_bytes(path: Path, display: Path) -> bytes:
    _check_size(path, display)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DataError(f"cannot read the table ({exc.strerror or exc})", display, None,
                        "check that it is a readable file") from None


def csv_rows(path: Path, display: Path) -> list[list[str]]:
    raw = _read_bytes(path, display)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"the file is not UTF-8 text (byte {exc.start})", display,
                        raw.count(b"\n", 0, exc.start) + 1, "save it as UTF-8 CSV") from None
    if "\x00" in text:
        raise DataError("the file holds a NUL byte: it is not a CSV text file", display,
                        text.count("\n", 0, text.index("\x00")) + 1, "save it as UTF-8 CSV")
    reader = csv.reader(text.splitlines())
    try:
        return list(reader)
    except csv.Error as exc:               # e.g. a field larger than csv's limit
        raise DataError(f"the file is not a readable CSV ({exc})", display,
                        reader.line_num or None, "save it as UTF-8 CSV") from None


def cell_text(value: Any) -> str:
    """A workbook cell as a CSV would write it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # A whole number is stored as a float by many tools: 2020.0 is the year 2020.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return str(value)


def _workbook(path: Path, display: Path) -> pd.ExcelFile:
    _check_size(path, display)          # the same size limit as a CSV
    try:
        return pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:   # openpyxl raises zipfile, KeyError or its own errors
        raise DataError(f"the file is not a readable Excel workbook ({exc})", display, None,
                        "save it from Excel as 'Excel Workbook (.xlsx)', or as UTF-8 CSV") \
            from None


def _sheet(book: pd.ExcelFile, display: Path, sheet: str | None) -> str:
    """The sheet read: ``sheet`` when the workbook has it, else the first one."""
    names = book.sheet_names
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise DataError(f"the workbook has no sheet {sheet!r}", display, None,
                        f"use one of {', '.join(repr(n) for n in names)} as 'sheet' in "
                        "sources.yaml, or rename the sheet")
    return sheet


def table_rows(path: Path, display: Path, sheet: str | None = None
               ) -> tuple[list[list[str]], str | None]:
    """The rows of a table file as text cells (row 1 is the header), and the sheet they
    were read from (None for a CSV)."""
    if not is_workbook(path):
        return csv_rows(path, display), None
    with _workbook(path, display) as book:
        sheet = _sheet(book, display, sheet)
        frame = pd.read_excel(book, sheet_name=sheet, header=None, dtype=object,
                              na_filter=False)
    return [[cell_text(v) for v in row] for row in frame.itertuples(index=False)], sheet


def table_csv(path: Path | str, sheet: str | None = None) -> bytes:
    """A table as UTF-8 CSV: a CSV file's own bytes, a workbook's sheet written out."""
    path = Path(path)
    if not is_workbook(path):
        return path.read_bytes()
    rows, _ = table_rows(path, path, sheet)
    while rows and not any(rows[-1]):
        rows.pop()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")
