"""Frozen editions: a lock file with the SHA-256 of every input file and computed index.

``aimaq freeze E`` writes ``editions/E.lock.yaml``. From then on ``aimaq check`` and
``aimaq build`` compare the edition with its lock and stop, naming every changed file and
index, unless an erratum in site.yaml (``editions[…].errata``) names it. Templates and
styles are not locked: they may restyle an archived edition, not change its words or numbers.

Text files are hashed with their line endings normalised to LF, so a checkout on Windows
(git's autocrlf) does not look like a change. Computed indices are hashed from the same
canonical CSV rows ``aimaq compute`` writes (10 significant digits), one hash per index.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..config import SiteConfig
from ..errors import AimaqError
from ..indices.export import fmt_int, fmt_number, values_table
from ..yamlio import load_yaml

LOCK_DIR = "editions"
TEXT_SUFFIXES = {".csv", ".yaml", ".yml", ".md", ".json", ".geojson", ".txt", ".tsv"}
HEADER = ("# Aimaq edition lock: the SHA-256 of every input file and computed index of the\n"
          "# edition, written by 'aimaq freeze'. Do not edit: record an erratum in site.yaml\n"
          "# for a correction, then run 'aimaq freeze {edition}' again to seal it.\n")


def lock_path(config: SiteConfig, edition_id: str) -> Path:
    return config.root / LOCK_DIR / f"{edition_id}.lock.yaml"


def input_files(config: SiteConfig, edition_id: str) -> list[Path]:
    """Every file an edition is built from: its data folder and its content folder."""
    return [path for path, _ in resolved_input_files(config, edition_id)]


def resolved_input_files(config: SiteConfig, edition_id: str) -> list[tuple[Path, Path]]:
    """(file, the file with links resolved) of :func:`input_files`, in its order."""
    resolve = _resolver()
    out: list[tuple[Path, Path]] = []
    for folder in (config.data_path / edition_id, config.content_path / edition_id):
        if folder.is_dir():
            out.extend((p, resolve(p)) for p in folder.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in
                                                  p.relative_to(folder).parts))
    return sorted(out, key=lambda pair: _rel_name(config, pair[1]))


def _resolver() -> Callable[[Path], Path]:
    """``Path.resolve`` for many files in few folders: each folder is resolved once, and a
    file that is not a link is its resolved folder and its name (a system call per file,
    not one per folder of its path)."""
    folders: dict[Path, Path] = {}

    def resolve(path: Path) -> Path:
        parent = path.parent
        if path.name in ("", ".", "..") or parent == path or path.is_symlink():
            return path.resolve()
        real = folders.get(parent)
        if real is None:
            real = folders[parent] = resolve(parent)
        return real / path.name

    return resolve


def rel_name(config: SiteConfig, path: Path) -> str:
    """A path as the lock and errata write it: relative to site.yaml, with '/'."""
    return _rel_name(config, path.resolve())


def _rel_name(config: SiteConfig, resolved: Path) -> str:
    try:
        return resolved.relative_to(config.root).as_posix()
    except ValueError:
        return resolved.as_posix()


def file_hash(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix.lower() in TEXT_SUFFIXES:
        data = data.replace(b"\r\n", b"\n")
    return hashlib.sha256(data).hexdigest()


def index_hashes(results) -> dict[str, str]:
    """{index id: SHA-256 of its canonical values rows}."""
    table = values_table(results)
    rows: dict[str, list[str]] = {index_id: [] for index_id in results.indices}
    for r in table.itertuples(index=False):
        base = str(r.index).partition(":")[0]
        cls = r[5] if isinstance(r[5], str) else ""
        rows[base].append(",".join([str(r.index), str(r.unit), fmt_int(r.year),
                                    fmt_number(r.value), fmt_int(r.rank), cls]))
    return {index_id: hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
            for index_id, lines in sorted(rows.items())}


@dataclass
class Lock:
    edition: str
    files: dict[str, str]
    indices: dict[str, str] = field(default_factory=dict)

    def dump(self) -> str:
        body = yaml.safe_dump({"edition": self.edition, "files": self.files,
                               "indices": self.indices},
                              allow_unicode=True, sort_keys=False, width=100)
        return HEADER.format(edition=self.edition) + body


def current_state(config: SiteConfig, edition_id: str, results) -> Lock:
    files = {_rel_name(config, real): file_hash(p)
             for p, real in resolved_input_files(config, edition_id)}
    return Lock(edition_id, files, index_hashes(results) if results is not None else {})


def read_lock(config: SiteConfig, edition_id: str) -> Lock | None:
    path = lock_path(config, edition_id)
    if not path.is_file():
        return None
    doc = load_yaml(path)
    data = doc.data if isinstance(doc.data, dict) else {}
    files, indices = data.get("files"), data.get("indices") or {}
    if data.get("edition") != edition_id or not isinstance(files, dict) \
            or not isinstance(indices, dict):
        raise AimaqError(f"the lock file of edition {edition_id} is damaged", path, 1,
                         f"restore it from Git (git checkout -- {LOCK_DIR}/{path.name})")
    return Lock(edition_id, {str(k): str(v) for k, v in files.items()},
                {str(k): str(v) for k, v in indices.items()})


@dataclass(frozen=True)
class Change:
    """One difference between an edition and its lock."""

    kind: str            # file | index
    name: str            # project-relative path, or index id
    how: str             # changed | added | removed
    covered: bool        # an erratum names it


def differences(config: SiteConfig, edition_id: str, results) -> list[Change]:
    """What differs from the edition's lock ([] when it has none or nothing changed)."""
    lock = read_lock(config, edition_id)
    if lock is None:
        return []
    now = current_state(config, edition_id, results)
    edition = config.edition(edition_id)
    files_ok = {f.strip("/") for e in edition.errata for f in e.files}
    indices_ok = {i for e in edition.errata for i in e.indices}
    out: list[Change] = []
    for kind, before, after, ok in (("file", lock.files, now.files, files_ok),
                                    ("index", lock.indices, now.indices, indices_ok)):
        if kind == "index" and results is None:
            continue
        for name in sorted(set(before) | set(after)):
            if before.get(name) == after.get(name):
                continue
            how = "added" if name not in before else "removed" if name not in after \
                else "changed"
            out.append(Change(kind, name, how, name in ok))
    return out


def change_error(config: SiteConfig, edition_id: str, change: Change) -> AimaqError:
    """A change to a frozen edition that no erratum records, at the changed file."""
    lock = f"{LOCK_DIR}/{edition_id}.lock.yaml"
    if change.kind == "file":
        file = change.name if change.how != "removed" else lock
        what = f"{change.name} was {change.how} after edition {edition_id} was frozen"
        entry = f"files: [{change.name}]"
    else:
        file = lock
        what = (f"the computed values of index {change.name} {change.how} after edition "
                f"{edition_id} was frozen (see {lock})")
        entry = f"indices: [{change.name}]"
    return AimaqError(what, file, 1,
                      "undo it (git checkout), or record an erratum under the edition in "
                      f"site.yaml: errata: [{{date: \"YYYY-MM-DD\", {entry}, what: {{…}}, "
                      "why: {…}}]")


def verify(config: SiteConfig, edition_id: str, results) -> list[Change]:
    """Raise when the edition differs from its lock in a way no erratum records; return
    the differences errata cover."""
    changes = differences(config, edition_id, results)
    silent = [c for c in changes if not c.covered]
    if silent:
        files = [c for c in silent if c.kind == "file"]
        indices = [c for c in silent if c.kind == "index"]
        listed = "; ".join(f"{c.name} ({c.how})" for c in silent[:12])
        more = f" and {len(silent) - 12} more" if len(silent) > 12 else ""
        entry = ", ".join(filter(None, [
            f"files: [{', '.join(c.name for c in files)}]" if files else "",
            f"indices: [{', '.join(c.name for c in indices)}]" if indices else ""]))
        first = config.root / files[0].name if files and files[0].how != "removed" \
            else lock_path(config, edition_id)
        raise AimaqError(
            f"edition {edition_id} is frozen, but {len(silent)} of its inputs or results "
            f"differ from {LOCK_DIR}/{edition_id}.lock.yaml: {listed}{more}",
            first, None,
            "undo the change (git checkout), or record it as an erratum under the edition "
            f"in site.yaml: errata: [{{date: \"YYYY-MM-DD\", {entry}, what: {{…}}, "
            "why: {…}}]")
    return changes


def freeze(config: SiteConfig, edition_id: str, results) -> tuple[Path, Lock, list[Change]]:
    """Write the edition's lock. An edition already frozen is sealed again only when every
    difference from its lock is recorded in an erratum."""
    config.edition(edition_id)                 # a known edition, or a clear error
    changes = verify(config, edition_id, results)
    state = current_state(config, edition_id, results)
    path = lock_path(config, edition_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(state.dump(), encoding="utf-8")
    return path, state, changes
