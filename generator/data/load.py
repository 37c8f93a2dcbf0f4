"""Load and validate one edition's data directory into a :class:`Dataset`.

Every problem is reported with the file and line (YAML) or row (CSV), what was expected
and how to fix it. Nothing is written; the caller decides what to do with the dataset.

Inputs are bounded: a table larger than :data:`.tables.MAX_TABLE_BYTES` or with more than
:data:`MAX_TABLE_ROWS` rows, a value beyond :data:`MAX_MAGNITUDE` and a source line beyond
:data:`MAX_LINE` are errors at their row, never an overflow deeper in. A symbolic link that
leads outside the project and a name a spreadsheet would run as a formula are refused.
"""
from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pandas as pd
from babel import localedata
from pydantic import BaseModel, ValidationError

from ..confine import FORMULA_STARTS, looks_like_formula, refuse_outside_links
from ..errors import AimaqError, DataError
from ..yamlio import YamlDoc, load_yaml, validation_error
from .geo import find_boundary_file, load_boundaries
from .model import (
    OBSERVATION_COLUMNS,
    Area,
    ClassDef,
    Dataset,
    Document,
    Indicator,
    SourceRef,
    TableMeta,
)
from .schema import IndicatorsFile, SourcesFile, UnitsFile
from .tables import TABLE_SUFFIXES, is_workbook, table_rows, where_row

REQUIRED_COLUMNS = ("unit", "indicator", "year", "value")
OPTIONAL_COLUMNS = ("category", "flag", "line", "note")
FLAGS = ("confidential", "nil", "missing")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: Rows of one table (a 2,000-unit region with 100 indicators over 5 years is 1,000,000).
MAX_TABLE_ROWS = 2_000_000
#: Largest magnitude of a value: beyond it sums and ratios lose every digit (float64
#: keeps 15-16); no regional statistic comes near it.
MAX_MAGNITUDE = 1e15
#: Largest source line number.
MAX_LINE = 100_000_000


def _validated(model: type[BaseModel], doc: YamlDoc) -> Any:
    if not isinstance(doc.data, dict):
        raise DataError("the file must be a mapping of keys to values", doc.path, 1,
                        "see docs/data-format.md for its keys")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        err = validation_error(exc, doc, model=model)
        raise DataError(err.message, err.file, err.line, err.fix) from None


def _refuse_formulas(doc: YamlDoc, path: Path, names: list[tuple[tuple, str]]) -> None:
    """A name that a spreadsheet would run as a formula would end up in the CSV
    downloads (units.csv, indicators.csv): refused where it is written."""
    for keys, name in names:
        if looks_like_formula(name):
            raise DataError(f"the name {name!r} starts with {name[:1]!r}, which a "
                            "spreadsheet runs as a formula when it opens the downloads",
                            path, doc.line(*keys),
                            "start the name with a letter or a digit (not "
                            f"{', '.join(repr(c) for c in FORMULA_STARTS)})")


def alias_key(name: str) -> str:
    """How area names are compared: case, 'ё', dots, dashes and spaces do not matter."""
    s = str(name).casefold().replace("ё", "е")
    s = re.sub(r"[\u2010-\u2015\u2212-]", "-", s)
    return re.sub(r"[\s.]+", "", s)


def _is_language(key: Any, languages: list[str]) -> bool:
    return key in languages or (isinstance(key, str) and bool(LANG_RE.match(key))
                                and localedata.exists(key))


def check_languages(doc: YamlDoc, path: Path, languages: list[str] | None,
                    error: type[AimaqError] = DataError) -> None:
    """Every text per language in ``doc`` is keyed by a language: a typo (``kks``) would
    otherwise leave the text unused without a word.

    A text per language is a mapping of texts with at least one of the site's languages
    among its keys; each of its other keys must be a language too. Data may carry
    languages the site does not publish (a region's files in kk, ru and en, a site in kk
    and en), so a key is a site language or one that CLDR knows."""
    if languages is None:
        return

    def walk(node: Any, keys: tuple) -> None:
        if isinstance(node, dict):
            texts = all(isinstance(v, str) or v is None for v in node.values())
            if texts and any(k in languages for k in node):
                for k in node:
                    if not _is_language(k, languages):
                        under = f" under {keys[-1]!r}" if keys else ""
                        raise error(f"{k!r}{under} is not a language code (the site's "
                                    f"languages are {', '.join(languages)})", path,
                                    doc.line(*keys, k), "correct the language code "
                                    "(see 'languages' in site.yaml)")
            for k, v in node.items():
                walk(v, keys + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, keys + (i,))

    walk(doc.data, ())


# -- YAML files ----------------------------------------------------------------


def load_areas(path: Path, languages: list[str] | None = None
               ) -> tuple[str, dict[str, Area], dict[str, str]]:
    doc = load_yaml(path)
    spec: UnitsFile = _validated(UnitsFile, doc)
    check_languages(doc, path, languages)
    areas: dict[str, Area] = {}
    lookup: dict[str, str] = {}
    for i, a in enumerate(spec.areas):
        line = doc.line("areas", i)
        _refuse_formulas(doc, path, [(("areas", i, "name", k), v) for k, v in a.name.items()]
                         + [(("areas", i, "aliases", j), v) for j, v in enumerate(a.aliases)])
        if a.id in areas:
            raise DataError(f"area id {a.id!r} is used twice", path, line,
                            "give every area its own id")
        if a.kind == "unit" and a.type is None:
            raise DataError(f"unit {a.id!r} has no type", path, line,
                            "add 'type: city' or 'type: district'")
        geo = a.geo
        areas[a.id] = Area(
            id=a.id, kind=a.kind, name=dict(a.name), type=a.type, aliases=tuple(a.aliases),
            border=a.border, shape=geo.shape if geo else None,
            point=tuple(geo.point) if geo and geo.point else None, notes=dict(a.notes))
        for name in [a.id, *a.name.values(), *a.aliases]:
            key = alias_key(name)
            other = lookup.get(key)
            if other is not None and other != a.id:
                raise DataError(f"the name {name!r} of {a.id!r} is also a name of {other!r}",
                                path, line, "a name or alias may point at one area only")
            lookup[key] = a.id
    if spec.region not in areas or areas[spec.region].kind != "region":
        raise DataError(f"region {spec.region!r} is not an area of kind 'region'", path,
                        doc.line("region"), "list the region under areas with 'kind: region'")
    if sum(1 for a in areas.values() if a.kind == "unit") < 2:
        raise DataError("a region needs at least two units to compare", path,
                        doc.line("areas"), "list the units with 'kind: unit'")
    return spec.region, areas, lookup


def check_shapes(units: Path, areas: dict[str, Area], boundary_file: Path | None) -> None:
    """Every ``geo.shape`` of units.yaml names a polygon of the edition's boundary file.

    Checked when the data is read, so the mistake is reported at its line in units.yaml
    (the map, drawn much later, knows neither)."""
    shaped = [a for a in areas.values() if a.shape]
    if not shaped:
        return
    if boundary_file is None:
        doc = load_yaml(units)
        i = list(areas).index(shaped[0].id)
        raise DataError(f"area {shaped[0].id!r} names the polygon {shaped[0].shape!r}, but "
                        "there is no boundary file in the geo/ folder beside units.yaml", units,
                        doc.line("areas", i, "geo", "shape"),
                        "put the boundary file (one .geojson) in the edition's geo/ folder, "
                        "or remove geo.shape")
    names = load_boundaries(boundary_file).shapes
    for i, area in enumerate(areas.values()):
        if area.shape and area.shape not in names:
            doc = load_yaml(units)
            raise DataError(f"area {area.id!r} names the polygon {area.shape!r}, which is "
                            f"not a shapeName in {boundary_file.name}", units,
                            doc.line("areas", i, "geo", "shape"),
                            f"use one of {', '.join(sorted(names))}")


def _classes(items) -> tuple[ClassDef, ...]:
    return tuple(ClassDef(id=c.id, name=dict(c.name)) for c in items)


def load_indicators(path: Path, documents: dict[str, Document] | None = None,
                    languages: list[str] | None = None
                    ) -> tuple[dict[str, dict[str, str]], dict[str, Indicator]]:
    doc = load_yaml(path)
    spec: IndicatorsFile = _validated(IndicatorsFile, doc)
    check_languages(doc, path, languages)
    indicators: dict[str, Indicator] = {}
    _refuse_formulas(doc, path, [(("measures", m, k), v) for m, names in spec.measures.items()
                                 for k, v in names.items()])
    for i, ind in enumerate(spec.indicators):
        line = doc.line("indicators", i)
        _refuse_formulas(doc, path, [(("indicators", i, "name", k), v)
                                     for k, v in ind.name.items()]
                         + [(("indicators", i, group, j, "name", k), v)
                            for group in ("classes", "categories")
                            for j, c in enumerate(getattr(ind, group)) for k, v in c.name.items()])
        if ind.id in indicators:
            raise DataError(f"indicator id {ind.id!r} is used twice", path, line,
                            "give every indicator its own id")
        if ind.measure not in spec.measures:
            raise DataError(f"indicator {ind.id!r} has measure {ind.measure!r}, which is not "
                            f"listed under 'measures'", path, doc.line("indicators", i, "measure"),
                            f"use one of {sorted(spec.measures)} or add it to measures")
        if ind.kind == "class" and not ind.classes:
            raise DataError(f"class indicator {ind.id!r} lists no classes", path, line,
                            "add 'classes:' with the ordered class ids and names")
        if documents is not None and ind.source and ind.source.document not in documents:
            raise DataError(f"indicator {ind.id!r} cites unknown document "
                            f"{ind.source.document!r}", path,
                            doc.line("indicators", i, "source", "document"),
                            f"use one of {sorted(documents)} from sources.yaml")
        src = ind.source
        indicators[ind.id] = Indicator(
            id=ind.id, name=dict(ind.name), measure=ind.measure, direction=ind.direction,
            kind=ind.kind, classes=_classes(ind.classes), categories=_classes(ind.categories),
            source=SourceRef(src.document, src.table, src.lines, src.page) if src else None,
            notes=dict(ind.notes), decimals=ind.decimals)
    return {k: dict(v) for k, v in spec.measures.items()}, indicators


def load_sources(path: Path, tables_dir: Path, languages: list[str] | None = None
                 ) -> tuple[dict[str, Document], dict[str, TableMeta]]:
    doc = load_yaml(path)
    spec: SourcesFile = _validated(SourcesFile, doc)
    check_languages(doc, path, languages)
    documents: dict[str, Document] = {}
    for i, d in enumerate(spec.documents):
        if d.id in documents:
            raise DataError(f"document id {d.id!r} is used twice", path,
                            doc.line("documents", i), "give every document its own id")
        documents[d.id] = Document(id=d.id, file=d.file, title=dict(d.title), author=d.author,
                                   year=d.year, kind=d.kind, notes=dict(d.notes),
                                   short=dict(d.short))
    tables: dict[str, TableMeta] = {}
    for i, t in enumerate(spec.tables):
        line = doc.line("tables", i)
        if t.id in tables:
            raise DataError(f"table id {t.id!r} is used twice", path, line,
                            "give every table its own id")
        if t.document not in documents:
            raise DataError(f"table {t.id!r} cites unknown document {t.document!r}", path,
                            doc.line("tables", i, "document"),
                            f"use one of {sorted(documents)}")
        found = [tables_dir / f"{t.id}{suffix}" for suffix in TABLE_SUFFIXES
                 if (tables_dir / f"{t.id}{suffix}").is_file()]
        if not found:
            raise DataError(f"table {t.id!r} has no data file {t.id}.csv or {t.id}.xlsx",
                            path, line, f"create {tables_dir / (t.id + '.csv')} (or .xlsx) "
                            "or remove the entry")
        if len(found) > 1:
            raise DataError(f"table {t.id!r} has two data files, "
                            f"{' and '.join(f.name for f in found)}", path, line,
                            "keep one of them")
        file = found[0]
        if t.sheet is not None and not is_workbook(file):
            raise DataError(f"table {t.id!r} names the sheet {t.sheet!r}, but {file.name} "
                            "is not a workbook", path, doc.line("tables", i, "sheet"),
                            "remove 'sheet' (a CSV file has none)")
        tables[t.id] = TableMeta(id=t.id, file=str(file), document=t.document,
                                 number=t.number, title=dict(t.title), lines=t.lines,
                                 notes=dict(t.notes), sheet=t.sheet)
    for table_file in sorted(tables_dir.iterdir()) if tables_dir.is_dir() else ():
        if table_file.suffix.lower() not in TABLE_SUFFIXES or table_file.name.startswith("~$"):
            continue     # "~$name.xlsx" is the lock file Excel keeps while a workbook is open
        if table_file.stem not in tables:
            raise DataError("this table is not listed in sources.yaml", table_file, None,
                            f"add an entry with 'id: {table_file.stem}' under tables in {path}")
    return documents, tables


# -- CSV tables -----------------------------------------------------------------


def _parse_number(raw: str) -> float | None:
    s = raw.strip()
    if not NUMBER_RE.match(s):
        return None
    try:
        v = float(s)
    except OverflowError:          # pragma: no cover - float() gives inf rather than raise
        return math.inf
    return v


def read_table(meta: TableMeta, indicators: dict[str, Indicator], lookup: dict[str, str],
               display: Path) -> list[dict[str, Any]]:
    """Read one tidy table (CSV or a workbook's sheet) into observation records,
    validating every row."""
    path = Path(meta.file)
    rows, sheet = table_rows(path, display, meta.sheet)
    row = where_row(sheet)
    if len(rows) > MAX_TABLE_ROWS + 1:
        raise DataError(f"the table has {len(rows) - 1:,} rows; a table may have up to "
                        f"{MAX_TABLE_ROWS:,}", display, MAX_TABLE_ROWS + 2,
                        "split it into several tables")
    # In a workbook the sheet is named too: a workbook holds several.
    at = f"sheet {sheet!r}: " if sheet is not None else ""
    if not rows or not any(cell.strip() for cell in rows[0]):
        empty = f"{at}row 1 is empty" if sheet is not None else "the file is empty"
        raise DataError(f"{empty}; expected a header row", display, 1,
                        f"start with the header {','.join(REQUIRED_COLUMNS)} in row 1")
    header = [h.strip() for h in rows[0]]
    if len(header) == 1 and header[0].count(";") >= len(REQUIRED_COLUMNS) - 1:
        # Excel in a locale whose decimal mark is a comma (Russian, Kazakh) writes "CSV"
        # with semicolons: the whole header reads as one column.
        raise DataError("this table seems to use ';' between values, not ','", display, 1,
                        "save it as CSV with commas (in Excel: 'CSV UTF-8 (comma "
                        "delimited)'), or save it as .xlsx")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DataError(f"{at}missing column(s) {', '.join(missing)} in the header {header}",
                        display, 1, f"the header needs {', '.join(REQUIRED_COLUMNS)}"
                        f" and may add {', '.join(OPTIONAL_COLUMNS)}")
    extra = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if extra:
        raise DataError(f"{at}unknown column(s) {', '.join(repr(c) for c in extra)}", display,
                        1, f"allowed columns are "
                        f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}")
    if len(set(header)) != len(header):
        raise DataError(f"{at}a column name appears twice in the header", display, 1,
                        "keep each column once")
    col = {name: i for i, name in enumerate(header)}
    seen: dict[tuple, int] = {}
    records: list[dict[str, Any]] = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise DataError(f"{row} {n} has {len(cells)} cells but the header has {len(header)}",
                            display, n, "check for an unquoted comma or a missing cell")

        def cell(name: str) -> str:
            i = col.get(name)
            return cells[i].strip() if i is not None else ""  # noqa: B023 - called in this pass

        unit_raw = cell("unit")
        unit = lookup.get(alias_key(unit_raw)) if unit_raw else None
        if unit is None:
            raise DataError(f"{row} {n}: unknown unit {unit_raw!r}", display, n,
                            "use an area id, name or alias from units.yaml, or add the "
                            "spelling to that area's aliases")
        ind_id = cell("indicator")
        ind = indicators.get(ind_id)
        if ind is None:
            raise DataError(f"{row} {n}: unknown indicator {ind_id!r}", display, n,
                            "use an id from indicators.yaml or add the indicator there")
        category = cell("category")
        if ind.categories:
            allowed = [c.id for c in ind.categories]
            if category not in allowed:
                raise DataError(f"{row} {n}: indicator {ind_id!r} needs a category from "
                                f"{allowed}, got {category!r}", display, n,
                                "fill the category column with one of those ids")
        elif category:
            raise DataError(f"{row} {n}: indicator {ind_id!r} has no categories but the row "
                            f"gives {category!r}", display, n,
                            "leave the category empty or declare categories for the indicator")
        year_raw = cell("year")
        if not re.fullmatch(r"\d{4}", year_raw):
            raise DataError(f"{row} {n}: year {year_raw!r} is not a four-digit year", display, n,
                            "write the year as e.g. 2020 (the end year of a period)")
        year = int(year_raw)
        flag = cell("flag")
        if flag and flag not in FLAGS:
            raise DataError(f"{row} {n}: unknown flag {flag!r}", display, n,
                            f"use one of {', '.join(FLAGS)} or leave it empty")
        raw = cell("value")
        value = math.nan
        label = ""
        if raw == "":
            if not flag:
                if "flag" not in col:
                    raise DataError(f"{row} {n}: the value is empty and the table has no "
                                    "'flag' column to say why", display, n,
                                    "write the value, or add the flag column (header "
                                    f"{','.join(header)},flag) and set it to confidential, "
                                    "nil or missing")
                raise DataError(f"{row} {n}: the value is empty", display, n,
                                "write the value, or set flag to confidential (printed 'x'), "
                                "nil (printed '-') or missing")
        elif ind.kind == "class":
            allowed = [c.id for c in ind.classes]
            if raw not in allowed:
                raise DataError(f"{row} {n}: {raw!r} is not a class of {ind_id!r}", display, n,
                                f"use one of {allowed}")
            label = raw
        else:
            number = _parse_number(raw)
            if number is None:
                raise DataError(f"{row} {n}: value {raw!r} is not a number", display, n,
                                "write digits with a decimal point and no thousands separator "
                                "(e.g. 1234.5), or leave it empty and set a flag")
            if not abs(number) <= MAX_MAGNITUDE:
                shown = raw if len(raw) <= 24 else f"{raw[:12]}…{raw[-6:]} ({len(raw)} characters)"
                raise DataError(f"{row} {n}: value {shown} is out of range (larger than "
                                f"{MAX_MAGNITUDE:g} in magnitude)", display, n,
                                "check the number against the source: a digit too many, or "
                                "a missing decimal point")
            value = number
        line_raw = cell("line")
        if line_raw and not (line_raw.isascii() and line_raw.isdigit()):
            raise DataError(f"{row} {n}: line {line_raw[:40]!r} is not a line number", display,
                            n, "write the source line as a whole number or leave it empty")
        if line_raw and (len(line_raw) > 9 or int(line_raw) > MAX_LINE):
            shown = line_raw if len(line_raw) <= 24 else f"{line_raw[:12]}… ({len(line_raw)} digits)"
            raise DataError(f"{row} {n}: line {shown} is out of range (the largest is "
                            f"{MAX_LINE:,})", display, n,
                            "write the line of the source document the value was read from")
        key = (unit, ind_id, category, year)
        if key in seen:
            raise DataError(f"{row} {n} repeats row {seen[key]} ({unit}, {ind_id}, "
                            f"{category or '-'}, {year})", display, n,
                            "keep one row per unit, indicator, category and year")
        seen[key] = n
        records.append({
            "table": meta.id, "unit": unit, "indicator": ind_id, "category": category,
            "year": year, "value": value, "label": label, "flag": flag,
            "line": int(line_raw) if line_raw else 0, "note": cell("note"),
            "file": str(display), "row": n,
        })
    return records


# -- the edition ----------------------------------------------------------------


def load_note_texts(path: Path) -> dict[str, dict[str, str]]:
    """``notes.yaml``: the tables' English notes in other languages (optional file)."""
    if not path.is_file():
        return {}
    doc = load_yaml(path)
    data = doc.data or {}
    if not isinstance(data, dict):
        raise DataError("notes.yaml must map each English note to its translations", path,
                        1, 'write e.g. "year not printed": {kk: ..., ru: ...}')
    out: dict[str, dict[str, str]] = {}
    for note, texts in data.items():
        if not isinstance(texts, dict) or not all(isinstance(v, str) for v in texts.values()):
            raise DataError(f"note {note!r} must map languages to texts", path,
                            doc.line(note), "write {kk: ..., ru: ...}")
        out[str(note)] = {str(k): v for k, v in texts.items()}
    return out


def _display(path: Path, base: Path) -> Path:
    try:
        return path.resolve().relative_to(base)
    except ValueError:
        return path


def load_dataset(data_dir: Path | str, edition: str, *, base: Path | None = None,
                 languages: list[str] | None = None) -> Dataset:
    """Load ``data_dir/edition`` and validate everything in it (with ``languages``, also
    that every per-language text uses one of them)."""
    root = Path(data_dir) / edition
    base = (base or Path.cwd()).resolve()
    if not root.is_dir():
        raise DataError(f"no data folder for edition {edition!r}", root, None,
                        f"create {root} with units.yaml, indicators.yaml, sources.yaml "
                        f"and tables/")
    tables_dir = root / "tables"
    empty: list[str] = []
    try:
        refuse_outside_links(root, base, error=DataError)
        region, areas, lookup = load_areas(root / "units.yaml", languages)
        check_shapes(root / "units.yaml", areas, find_boundary_file(root))
        documents, tables = load_sources(root / "sources.yaml", tables_dir, languages)
        measures, indicators = load_indicators(root / "indicators.yaml", documents,
                                               languages)
        if languages is not None:
            for other in sorted(root.glob("*.yaml")):
                if other.name not in ("units.yaml", "sources.yaml", "indicators.yaml"):
                    check_languages(load_yaml(other), other, languages)
        note_texts = load_note_texts(root / "notes.yaml")
        records: list[dict[str, Any]] = []
        for meta in tables.values():
            rows = read_table(meta, indicators, lookup, _display(Path(meta.file), base))
            if not rows:
                empty.append(str(_display(Path(meta.file), base)))
            records.extend(rows)
    except AimaqError as err:
        if isinstance(err.file, Path):
            err.file = _display(err.file, base)
        raise
    obs = pd.DataFrame.from_records(records, columns=OBSERVATION_COLUMNS)
    obs = obs.astype({"year": "int64", "value": "float64", "line": "int64", "row": "int64"})
    return Dataset(edition=edition, root=root, region=region, areas=areas, measures=measures,
                   indicators=indicators, documents=documents, tables=tables,
                   observations=obs, empty_tables=tuple(empty), note_texts=note_texts)
