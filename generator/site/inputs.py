"""Which input files each planned page is made from.

``aimaq serve`` rebuilds only the pages whose inputs changed, so the inputs come from the
pipeline itself, never from guessing by file name:

* the objects a page's context holds name their origin: a content :class:`Page` its
  Markdown file, a :class:`Figure` its table CSV, an index result or row the index engine's
  inputs (methodology.yaml and the tables the engine read, recorded while it computed);
* what a page kind shows without holding it in its context (``similar units`` compares every
  table, the compare and data pages show everything) is declared in :data:`SHOWS` below;
* a page kind not listed there depends on every input, so a new page type is always
  rebuilt until it is described here.

Site-wide inputs are not listed per page: site.yaml, the templates, strings.yaml, the YAML
files of the data (units, indicators, sources, checks) and of the content (home, groups,
recommendations, glossary). A change to one of them rebuilds every page; the front matter
of a Markdown page (its title is in every page's footer) rebuilds every page of its language.
Files are absolute, resolved paths.
"""
from __future__ import annotations

import dataclasses
import enum
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..content.load import Page
from ..data.model import Dataset
from ..indices.results import IndexMeta, IndexResult, SensitivityResult, StepRecord
from .figures import Figure
from .indexview import IndexRow
from .pages import PageSpec


class Shows(enum.Enum):
    """Inputs named by what they are, not by their files: :func:`expand` finds the files."""

    TABLES = "every table CSV of the edition"
    INDICES = "methodology.yaml and the tables the index engine read"


@dataclass(frozen=True)
class TableInput:
    """One table's CSV, by the table's id."""

    table: str


#: An input of a page or chart: a file (its absolute, resolved path), one table, or a group
#: of files named by what they are (Shows).
Input = str | Shows | TableInput
TABLES, INDICES = Shows.TABLES, Shows.INDICES


def table_input(table_id: str) -> TableInput:
    """One table's CSV, found by :func:`expand`."""
    return TableInput(table_id)


#: What each page kind shows beyond the objects in its context (kind = PageSpec.key[0]).
SHOWS: dict[str, frozenset[Input]] = {
    "home": frozenset({INDICES}),             # unit groups may be defined by an index class
    "units": frozenset(),
    "region": frozenset(),
    "unit": frozenset({TABLES}),              # "similar units" compares every table
    "indices": frozenset(),
    "index": frozenset(),
    "recommendations": frozenset({INDICES}),  # targets may be groups defined by an index
    "glossary": frozenset(),
    "data": frozenset({TABLES, INDICES}),     # every download, with its size
    "compare": frozenset({TABLES, INDICES}),  # every value of every unit
    "page": frozenset(),
    "pages": frozenset(),                     # titles only: front matter rebuilds them
    "404": frozenset(),
    "search": frozenset(),                    # the index itself is made after rendering
    "changes": frozenset({TABLES, INDICES}),  # and the previous edition (never edited)
}


def _index_objects() -> tuple[type, ...]:
    return (IndexRow, IndexResult, IndexMeta, SensitivityResult, StepRecord)


#: The chart package's module prefix, whatever name the package is imported by.
_CHARTS = __name__.rsplit(".", 2)[0] + ".charts"


#: Containers at least this large are walked once per planning pass (see ``_walk``).
_SHARED = 32


def _walk(value: Any, root: Path, found: set[Input], depth: int = 0,
          memo: dict[tuple[int, int], tuple[Any, frozenset[Input]]] | None = None) -> None:
    if depth > 6 or value is None or isinstance(value, (str, bytes, int, float, bool)):
        return
    if isinstance(value, Page):
        path = Path(value.path)
        found.add(_resolved(str(path if path.is_absolute() else root / path)))
        return
    if isinstance(value, Figure):
        found.add(table_input(value.table))
        return
    if isinstance(value, _index_objects()):
        found.add(INDICES)
        return
    if type(value).__module__.startswith(_CHARTS):
        # The chart plan records what each chart shows; an untagged chart may show anything.
        found.update(getattr(value, "inputs", None) or (TABLES, INDICES))
        return
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        # A large list shared by many pages' contexts (every unit, every figure) is walked
        # once per planning pass, not once per page: units x units at 2,000 units. The memo
        # keeps the container itself, so its id is not reused while the memo lives.
        if memo is not None and len(value) >= _SHARED:
            hit = memo.get((id(value), depth))
            if hit is None:
                inner: set[Input] = set()
                _walk_items(value, root, inner, depth, memo)
                hit = memo[(id(value), depth)] = (value, frozenset(inner))
            found.update(hit[1])
            return
        _walk_items(value, root, found, depth, memo)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name, None), root, found, depth + 1, memo)


def _walk_items(value: Any, root: Path, found: set[Input], depth: int,
                memo: dict[tuple[int, int], tuple[Any, frozenset[Input]]] | None) -> None:
    for v in (value.values() if isinstance(value, dict) else value):
        _walk(v, root, found, depth + 1, memo)


def of_spec(spec: PageSpec, root: Path,
            memo: dict[tuple[int, int], tuple[Any, frozenset[Input]]] | None = None
            ) -> frozenset[Input] | None:
    """The inputs of one planned page (with tokens), or None: it depends on everything.
    ``memo``: one dict for all the pages of a planning pass, whose contexts share lists."""
    kind = spec.key[0]
    if kind not in SHOWS:
        return None
    found: set[Input] = set(SHOWS[kind])
    _walk(spec.context, root, found, memo=memo)
    return frozenset(found)


def markdown_files(context: Any, root: Path) -> list[str]:
    """The Markdown files whose text a page's context holds, sorted."""
    found: set[Input] = set()
    _walk(context, root, found)
    return sorted(f for f in found if isinstance(f, str) and f.endswith(".md"))


def index_tables(dataset: Dataset, queries: Iterable[tuple[str | None, str | None]]) -> set[str]:
    """Tables that can answer the index engine's queries (indicator, table) on ``dataset``."""
    obs = dataset.observations
    out: set[str] = set()
    for indicator, table in queries:
        if table is not None:
            out.add(table)
        elif indicator is None:
            out.update(dataset.tables)
        else:
            out.update(obs.loc[obs["indicator"] == indicator, "table"].unique())
    return out


@lru_cache(maxsize=65536)
def _resolved(path: str) -> str:
    """``path`` made absolute, links resolved (asked for thousands of times per build):
    ``str(Path(path).resolve())``. A file that is not a link resolves to its resolved
    folder and its name, so a folder of pages costs one full resolve and a link check
    per file, not a system call per folder of each path."""
    folder, name = os.path.split(path)
    if not folder or name in ("", ".", "..") or os.path.islink(path):
        return str(Path(path).resolve())
    return os.path.join(_resolved(folder), name)

def expand(inputs: frozenset[Input] | None, dataset: Dataset, methodology: Path | None,
           index_table_ids: set[str]) -> frozenset[str] | None:
    """The files of ``inputs``."""
    if inputs is None:
        return None

    def table_file(table_id: str) -> str:
        meta = dataset.tables.get(table_id)
        return _resolved(str(meta.file) if meta else
                         str(dataset.root / "tables" / f"{table_id}.csv"))

    out: set[str] = set()
    for item in inputs:
        if item is Shows.TABLES:
            out.update(table_file(t) for t in dataset.tables)
        elif item is Shows.INDICES:
            if methodology is not None:
                out.add(_resolved(str(methodology)))
            out.update(table_file(t) for t in index_table_ids)
        elif isinstance(item, TableInput):
            out.add(table_file(item.table))
        else:
            out.add(item)
    return frozenset(out)
