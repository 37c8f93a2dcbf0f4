"""The edition's data as downloads: every source table, the computed indices, and a data
dictionary published as CSVW metadata (``csv-metadata.json``), as statistical offices do.

Source tables are published as the files the site was built from, with two changes a
reader never wants: the text is UTF-8 without a byte-order mark and with LF line ends (so a
BOM or CRLF in the repository never changes the site), and a text cell that a spreadsheet
would run as a formula (``=HYPERLINK(…)``) is prefixed with a single quote, as OWASP
advises for CSV downloads; numbers, negative ones included, are left alone. The same goes
for every CSV made here.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..confine import looks_like_formula, neutralise_cell
from ..data.load import NUMBER_RE
from ..data.model import Dataset, text
from ..data.tables import table_csv
from ..indices import export

#: Column descriptions of the tidy table files (data-format.md), for the CSVW dictionary.
TABLE_COLUMNS = [
    ("unit", "string", "Area id (units.yaml), name or alias"),
    ("indicator", "string", "Indicator id (indicators.yaml)"),
    ("year", "gYear", "Year (the end year of a period)"),
    ("value", "string", "Value as printed (number), or a class id; empty when flagged"),
    ("category", "string", "Breakdown id (the indicator's categories)"),
    ("flag", "string", "confidential (printed x), nil (printed -), missing"),
    ("line", "integer", "Line of the source document the value was read from"),
    ("note", "string", "Note on this value"),
]
INDEX_COLUMNS = [
    ("index", "string", "Index id (methodology.yaml); index:part for a component"),
    ("unit", "string", "Area id"),
    ("year", "gYear", "Year"),
    ("value", "number", "Computed value"),
    ("rank", "integer", "Rank among the units (1 = highest unless the index says otherwise)"),
    ("class", "string", "Class id, when the index classifies"),
]
AUDIT_COLUMNS = [
    ("index", "string", "Index id; index:part for a component"),
    ("unit", "string", "Area id"),
    ("year", "gYear", "Year"),
    ("printed", "string", "Value printed in the source"),
    ("computed", "string", "Value computed by Aimaq"),
    ("difference", "number", "computed − printed"),
    ("status", "string", "match, differs, not-reproducible or reconstruction"),
    ("reason", "string", "Why the value differs or cannot be reproduced"),
]


def _runs(cell: str) -> bool:
    return looks_like_formula(cell) and not NUMBER_RE.match(cell.strip())


def safe_csv(data: bytes) -> bytes:
    """A CSV as published: no BOM, LF line ends, formula-like text cells neutralised."""
    lines = data.decode("utf-8-sig").splitlines()
    rows = list(csv.reader(lines))
    if not any(_runs(cell) for row in rows for cell in row):
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [[neutralise_cell(c) if _runs(c) else c for c in row] for row in rows])
    return buf.getvalue().encode("utf-8")


def table_download(path: Path | str, sheet: str | None = None) -> bytes:
    """A source table's file as the site publishes it (:func:`safe_csv`); a workbook's
    sheet is published as CSV."""
    return safe_csv(table_csv(path, sheet))


def _csv(rows: list[list], header: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return safe_csv(buf.getvalue().encode("utf-8"))


def _schema(columns, header: list[str] | None = None) -> dict:
    cols = columns if header is None else [c for c in columns if c[0] in header]
    return {"columns": [{"name": n, "titles": n, "datatype": t, "dc:description": d}
                        for n, t, d in cols]}


def download_files(ds: Dataset, results, languages: list[str], title: dict[str, str]
                   ) -> dict[str, bytes]:
    base = f"downloads/{ds.edition}"
    files: dict[str, bytes] = {}
    tables = []
    for table in ds.tables.values():
        raw = table_download(table.file, table.sheet)
        name = f"tables/{table.id}.csv"
        files[f"{base}/{name}"] = raw
        header = raw.decode("utf-8-sig").splitlines()[0].split(",")
        doc = ds.documents[table.document]
        tables.append({
            "url": name,
            "dc:title": {lang: text(table.title, lang) for lang in languages},
            "dc:source": f"{text(doc.title, 'en')} ({doc.file}), {table.number}"
                         + (f", lines {table.lines}" if table.lines else ""),
            "tableSchema": _schema(TABLE_COLUMNS, [h.strip() for h in header]),
        })
    units = [[a.id, a.kind, a.type or "", a.border or "",
              *[a.name.get(lang, "") for lang in languages], "; ".join(a.aliases)]
             for a in ds.areas.values()]
    files[f"{base}/units.csv"] = _csv(units, ["id", "kind", "type", "border",
                                              *[f"name_{lang}" for lang in languages],
                                              "aliases"])
    indicators = [[i.id, i.kind, i.measure, i.direction,
                   *[i.name.get(lang, "") for lang in languages],
                   i.source.document if i.source else "", i.source.table or "" if i.source else "",
                   i.source.lines or "" if i.source else ""]
                  for i in ds.indicators.values()]
    files[f"{base}/indicators.csv"] = _csv(indicators, [
        "id", "kind", "measure", "direction", *[f"name_{lang}" for lang in languages],
        "document", "table", "lines"])
    meta_tables = [
        {"url": "units.csv", "dc:title": "Areas: the region, its units and reference areas",
         "tableSchema": {"columns": [{"name": "id", "datatype": "string"}]}},
        {"url": "indicators.csv", "dc:title": "Indicators: names, measures, directions, sources",
         "tableSchema": {"columns": [{"name": "id", "datatype": "string"}]}},
        *tables,
    ]
    if results is not None:
        files[f"{base}/indices.csv"] = safe_csv(export.indices_csv(results).encode("utf-8"))
        files[f"{base}/audit.csv"] = safe_csv(export.audit_csv(results).encode("utf-8"))
        files[f"{base}/sensitivity.csv"] = safe_csv(
            export.sensitivity_csv(results).encode("utf-8"))
        meta_tables += [
            {"url": "indices.csv", "dc:title": "Every index computed by Aimaq",
             "tableSchema": _schema(INDEX_COLUMNS)},
            {"url": "audit.csv", "dc:title": "Printed values against computed ones",
             "tableSchema": _schema(AUDIT_COLUMNS)},
            {"url": "sensitivity.csv",
             "dc:title": "Ranks of the units across methodological variants"},
        ]
    metadata = {
        "@context": "http://www.w3.org/ns/csvw",
        "dc:title": {lang: title.get(lang, "") for lang in languages},
        "dc:created": ds.edition,
        "tables": meta_tables,
    }
    files[f"{base}/csv-metadata.json"] = (json.dumps(metadata, ensure_ascii=False, indent=2,
                                                     sort_keys=True) + "\n").encode("utf-8")
    observations = ds.observations[["table", "unit", "indicator", "category", "year", "value",
                                    "label", "flag"]]
    records = [
        {k: (None if isinstance(v, float) and v != v else v) for k, v in r.items() if v != ""}
        for r in observations.to_dict("records")]
    files[f"{base}/data.json"] = (json.dumps(
        {"edition": ds.edition, "region": ds.region, "observations": records},
        ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
    return files
