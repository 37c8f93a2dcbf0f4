"""``aimaq new-edition ID``: start the next edition from the current one.

Copies the current edition's content (narrative, recommendations, glossary, charts), its
methodology and data dictionary (units, indicators, sources, checks, boundaries), and its
tables as headers only: the layout is kept, last year's numbers are not. The new edition is
added to site.yaml as a draft (built only with ``--drafts``). Before it is copied, the
current edition is frozen if it is not already, so its numbers stay as published.

site.yaml is edited as text (a new list item after the last edition), so its comments and
layout stay as the editor wrote them.
"""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..config import EDITION_RE, SiteConfig, load_config
from ..data.load import load_dataset
from ..errors import AimaqError
from ..indices import compute
from .lock import freeze, lock_path


@dataclass
class Scaffold:
    edition: str
    source: str
    data: Path
    content: Path
    tables: list[str] = field(default_factory=list)
    froze: Path | None = None


def _header_only(src: Path, dst: Path) -> None:
    raw = src.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0] if text.strip() else "unit,indicator,year,value"
    dst.write_text(("\ufeff" if bom else "") + header + "\n", encoding="utf-8")


def _header_only_workbook(src: Path, dst: Path) -> None:
    """Every sheet keeps its header row (row 1) only, its name and layout too."""
    import openpyxl  # heavy (~0.2 s): only when an edition is made from workbooks
    book = openpyxl.load_workbook(src)
    for sheet in book.worksheets:
        if sheet.max_row > 1:
            sheet.delete_rows(2, sheet.max_row - 1)
    book.save(dst)


def _copy_data(src: Path, dst: Path) -> list[str]:
    tables: list[str] = []
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src)
        if any(part.startswith(".") for part in rel.parts):
            continue
        target = dst / rel
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel.parts[0] == "tables" and path.suffix.lower() == ".csv":
            _header_only(path, target)
            tables.append(rel.as_posix())
        elif rel.parts[0] == "tables" and path.suffix.lower() == ".xlsx":
            if not path.name.startswith("~$"):       # Excel's lock file of an open workbook
                _header_only_workbook(path, target)
                tables.append(rel.as_posix())
        else:
            shutil.copy2(path, target)
    return tables


def _site_yaml_entry(edition_id: str, source, languages: list[str]) -> str:
    titles = ", ".join(f"{lang}: {_title(source.title.get(lang, ''), source.id, edition_id)!r}"
                       for lang in languages)
    year = f"\n    data_year: {source.data_year + _delta(source.id, edition_id)}" \
        if source.data_year is not None and _delta(source.id, edition_id) else ""
    return (f'  - id: "{edition_id}"\n'
            f"    title: {{{titles}}}{year}\n"
            "    draft: true\n")


def _delta(old: str, new: str) -> int:
    return int(new) - int(old) if old.isdigit() and new.isdigit() else 0


def _title(title: str, old: str, new: str) -> str:
    return title.replace(old, new) if title and old in title else (title or new)


def _insert_edition(site_yaml: Path, entry: str) -> None:
    """Add ``entry`` after the last item of the ``editions:`` list."""
    lines = site_yaml.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if re.match(r"^editions:\s*(#.*)?$", line)),
                 None)
    if start is None:
        raise AimaqError("site.yaml has no block-style 'editions:' list to add to", site_yaml,
                         None, "write the editions as a list, one '- id: …' item each")
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    if lines and not lines[end - 1].endswith("\n"):
        lines[end - 1] += "\n"
    lines.insert(end, entry)
    site_yaml.write_text("".join(lines), encoding="utf-8")


def new_edition(config_path: Path | str, edition_id: str, source_id: str | None = None,
                results=None, freeze_source: bool = True) -> Scaffold:
    """Scaffold edition ``edition_id`` from ``source_id`` (default: the current edition)."""
    config: SiteConfig = load_config(config_path)
    site_yaml = Path(config_path)
    if site_yaml.is_dir():                      # as load_config reads it
        site_yaml = site_yaml / "site.yaml"
    if not EDITION_RE.match(edition_id):
        raise AimaqError(f"{edition_id!r} is not a usable edition id", None, None,
                         "use letters, digits, '.', '_' or '-' (e.g. 2024)")
    if any(e.id == edition_id for e in config.editions):
        raise AimaqError(f"edition {edition_id} already exists", site_yaml, None,
                         "choose a new id, or edit the existing edition")
    source = config.edition(source_id)
    data_src = config.data_path / source.id
    content_src = config.content_path / source.id
    data_dst = config.data_path / edition_id
    content_dst = config.content_path / edition_id
    for folder in (data_dst, content_dst):
        if folder.exists():
            raise AimaqError(f"{folder} already exists", folder, None,
                             "move it away or choose another edition id")
    froze = None
    if freeze_source and not lock_path(config, source.id).is_file():
        if results is None:
            dataset = load_dataset(config.data_path, source.id, base=config.root)
            if (dataset.root / "methodology.yaml").is_file():     # as build.compute_indices
                results = compute(dataset)
        froze = freeze(config, source.id, results)[0]
    tables = _copy_data(data_src, data_dst)
    if content_src.is_dir():
        shutil.copytree(content_src, content_dst,
                        ignore=shutil.ignore_patterns(".*"))
    else:
        content_dst.mkdir(parents=True)
    _insert_edition(site_yaml, _site_yaml_entry(edition_id, source, config.languages))
    load_config(site_yaml)                     # the edited file is still valid
    return Scaffold(edition_id, source.id, data_dst, content_dst, tables, froze)
