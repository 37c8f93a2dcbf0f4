"""Write a built site.

``write_site`` writes the new site into a temporary sibling folder and swaps it in only when
every file is there; a failed build leaves the previous output untouched.

``sync_site`` (used by ``aimaq serve``) updates an existing output folder in place and writes
only the files whose bytes changed, each atomically, so a browser never reads a half-written
page.

Every path is checked first: a path that would land outside the output folder (``..``, an
absolute path, a drive letter) is rejected with a clear error before anything is written.
"""
from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from pathlib import Path

from .errors import AimaqError


class OutputPathError(AimaqError):
    """A page or file would be written outside the output folder."""


class Stored:
    """A file of the site whose bytes stay on disk until it is written: a chart image in
    the content-addressed render cache. A large site has thousands of images; holding them
    all in memory until the write would make memory grow with units × charts.

    Equal to a Stored of the same file, or to any bytes or Stored of equal content."""
    __slots__ = ("path",)

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def read(self) -> bytes:
        return self.path.read_bytes()

    def __len__(self) -> int:
        return self.path.stat().st_size

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Stored):
            return self.path == other.path or self.read() == other.read()
        if isinstance(other, (bytes, bytearray)):
            return self.read() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"Stored({str(self.path)!r})"


def content(data: "bytes | Stored") -> bytes:
    """The bytes of a site file, read from disk when it is :class:`Stored`."""
    return data.read() if isinstance(data, Stored) else data


def check_path(rel: str) -> str:
    """``rel`` if it is a safe relative path inside the output folder, else an error."""
    bad = (not rel or "\\" in rel or "\x00" in rel or rel.startswith("/")
           or (len(rel) > 1 and rel[1] == ":")
           or posixpath.normpath(rel) != rel.rstrip("/")
           or any(part in ("", ".", "..") for part in rel.split("/")))
    if bad:
        raise OutputPathError(f"refusing to write {rel!r}: the path would leave the output "
                              "folder or is not a plain relative path", None, None,
                              "use ids and file names of lowercase letters, digits, '_' and "
                              "'-' only (no '/', '..' or absolute paths)")
    return rel


def _target(root: Path, rel: str, folders: dict[str, Path] | None = None) -> Path:
    """Where ``rel`` is written under ``root`` (resolved: a symbolic link inside the
    output folder cannot lead outside it). ``folders`` memoises resolved folders, since
    a site has far fewer folders than files."""
    check_path(rel)
    folder, _, name = rel.rpartition("/")
    parent = folders.get(folder) if folders is not None else None
    if parent is None:
        parent = (root / folder).resolve() if folder else root
        if folders is not None:
            folders[folder] = parent
    target = parent / name
    if target.is_symlink():
        target = target.resolve()
    if root not in target.parents:
        raise OutputPathError(f"refusing to write {rel!r} outside the output folder {root}",
                              None, None, "use plain relative file names")
    return target


def write_site(files: dict[str, bytes], output: Path) -> None:
    output = Path(output).resolve()
    for rel in files:
        check_path(rel)
    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=parent))
    try:
        for rel in sorted(files):
            target = _target(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            data = files[rel]
            if isinstance(data, Stored):
                shutil.copyfile(data.path, target)
            else:
                target.write_bytes(data)
        os.chmod(staging, 0o755)
        old = None
        if output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=parent))
            old.rmdir()
            output.rename(old)
        staging.rename(output)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sync_site(files: dict[str, bytes], output: Path,
              previous: dict[str, bytes] | None = None) -> tuple[list[str], list[str]]:
    """Make ``output`` hold ``files``, writing only what changed.

    ``previous`` is what the last sync wrote: files it had that ``files`` lacks are removed
    (nothing else in the folder is ever deleted). Returns (written, removed) paths.
    """
    output = Path(output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    folders: dict[str, Path] = {}
    targets = {rel: _target(output, rel, folders) for rel in files}
    written: list[str] = []
    for rel in sorted(files):
        data = files[rel]
        target = targets[rel]
        if previous is not None and previous.get(rel) == data and target.is_file():
            continue
        data = content(data)
        if target.is_file() and target.read_bytes() == data:
            continue
        _write_atomic(target, data)
        written.append(rel)
    removed: list[str] = []
    for rel in sorted(set(previous or ()) - set(files)):
        target = _target(output, rel)
        if target.is_file():
            target.unlink()
            removed.append(rel)
            folder = target.parent
            while folder != output and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent
    return written, removed
