"""Write a built site.

``write_site`` writes the new site into a staging folder beside the output folder
(``.<name>.staging``) and swaps it in only when every file is there, in one atomic exchange
of the two folders where the system has one (Linux ``renameat2``), so ``output/`` always
exists and always holds a complete build; a failed or interrupted build leaves it untouched,
and the next build removes whatever staging an interrupted one left.

The output folder is Aimaq's alone: ``guard_output`` refuses a folder that is, contains or
lies inside the project or one of its input folders, ``/`` or the home folder, and a
non-empty folder that no Aimaq build marked as its own (``.aimaq-output``), because the
next build replaces the folder whole.

``sync_site`` (used by ``aimaq serve``) updates an existing output folder in place and writes
only the files whose bytes changed, each atomically, so a browser never reads a half-written
page.

Every path is checked first: a path that would land outside the output folder (``..``, an
absolute path, a drive letter) is rejected with a clear error before anything is written.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import posixpath
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import AimaqError


class OutputPathError(AimaqError):
    """A page or file would be written outside the output folder."""


class OutputFolderError(AimaqError):
    """The output folder could hold the user's own files: Aimaq will not replace it."""


#: The file every build leaves in its output folder: the next build replaces only a folder
#: that holds it (or an empty one), never a folder of the user's own files.
MARKER = ".aimaq-output"
_MARKER_TEXT = (b"This folder is written by Aimaq. Every build replaces it whole: "
                b"keep nothing of your own here.\n")


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def guard_output(output: Path, root: Path, inputs: Iterable[Path] = (),
                 config_file: Path | None = None, recorded: bool = False) -> Path:
    """``output`` resolved, if a build may replace it whole; else an error, nothing touched.

    Refused: the project folder, a folder holding it or any input folder, a folder inside an
    input folder, ``/``, the home folder, and an existing folder with files in it that no
    Aimaq build marked as its own (``recorded``: the project's build cache lists the folder
    as written by an Aimaq version from before the marker)."""
    output = Path(output).resolve()
    root = Path(root).resolve()
    where = config_file if config_file is not None else root / "site.yaml"
    fix_choose = ("choose a folder of its own for the site, e.g. 'output' inside the project "
                  "(output_dir in site.yaml, or aimaq build --out DIR)")
    home = Path.home().resolve()
    if output == Path(output.anchor) or output == home:
        raise OutputFolderError(f"refusing to build into {output}: every build replaces its "
                                "output folder whole", where, None, fix_choose)
    if _within(root, output):
        what = "is the project folder" if output == root else "contains the project folder"
        raise OutputFolderError(f"refusing to build into {output}: it {what} {root}, and "
                                "every build replaces its output folder whole", where, None,
                                fix_choose)
    for folder in inputs:
        folder = Path(folder).resolve()
        if _within(folder, output) or _within(output, folder):
            how = "contains" if _within(folder, output) and folder != output else (
                "is" if folder == output else "lies inside")
            raise OutputFolderError(f"refusing to build into {output}: it {how} the input "
                                    f"folder {folder}", where, None, fix_choose)
    if config_file is not None and _within(Path(config_file).resolve(), output):
        raise OutputFolderError(f"refusing to build into {output}: it holds the site "
                                f"configuration {config_file}", where, None, fix_choose)
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise OutputFolderError(f"refusing to build into {output}: it is not a folder",
                                where, None, "remove it or choose another output folder")
    if output.is_dir() and not recorded and not (output / MARKER).is_file() \
            and any(output.iterdir()):
        raise OutputFolderError(
            f"refusing to replace {output}: it holds files that no Aimaq build wrote (there "
            f"is no {MARKER} in it), and every build replaces its output folder whole",
            where, None, "move your files elsewhere and delete the folder, or choose another "
            "output folder")
    return output


def staging_path(output: Path) -> Path:
    """The one staging folder of ``output``, beside it (the exchange of two folders needs
    them on one file system)."""
    return output.parent / f".{output.name}.staging"


def clear_staging(output: Path) -> None:
    """Remove what an interrupted build left beside ``output``: its staging folder, and
    the numbered folders of older Aimaq versions."""
    staging = staging_path(output)
    leftovers = [staging, *output.parent.glob(f".{output.name}.new-*"),
                 *output.parent.glob(f".{output.name}.old-*")]
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                   ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step; False where the system or file system cannot."""
    fn = _renameat2()
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


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


def content(data: bytes | Stored) -> bytes:
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
    a site has far fewer folders than files: a folder is resolved and confined once, from
    its resolved parent (one ``lstat`` of its own name), and each file costs one more
    ``lstat`` (a link where the file goes is followed and confined)."""
    check_path(rel)
    folder, _, name = rel.rpartition("/")
    memo: dict[str, Path] = folders if folders is not None else {}
    parent = memo.get(folder) if folder else root
    if parent is None:
        parent = _folder(root, folder, memo)
    target = parent / name
    if os.path.islink(target):
        target = target.resolve()
        _confine(root, target, rel)
    return target


def _folder(root: Path, folder: str, memo: dict[str, Path]) -> Path:
    """``root / folder`` resolved and checked to stay inside ``root``, memoised in
    ``memo`` with its parents."""
    up, _, name = folder.rpartition("/")
    base = (memo.get(up) or _folder(root, up, memo)) if up else root
    path = base / name
    if os.path.islink(path):            # a link: followed, and where it leads confined
        path = path.resolve()
        _confine(root, path, folder)
    memo[folder] = path
    return path


def _confine(root: Path, target: Path, rel: str) -> None:
    if root not in target.parents:
        raise OutputPathError(f"refusing to write {rel!r} outside the output folder {root}",
                              None, None, "use plain relative file names")


def _refuse_unmarked(output: Path, recorded: bool) -> None:
    if output.is_dir() and not recorded and not (output / MARKER).is_file() \
            and any(output.iterdir()):
        raise OutputFolderError(f"refusing to replace {output}: it holds files that no "
                                f"Aimaq build wrote (there is no {MARKER} in it)", None, None,
                                "move your files elsewhere and delete the folder, or choose "
                                "another output folder")


@contextmanager
def staging_folder(output: Path, recorded: bool = False) -> Iterator[Path]:
    """The empty staging folder of ``output``, for a build to write its files into as they
    are made (:func:`write_file`); removed on the way out whatever happens (after
    :func:`write_site` swapped it in, it holds the previous build)."""
    output = Path(output).resolve()
    _refuse_unmarked(output, recorded)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_path(output)
    clear_staging(output)
    staging.mkdir()
    try:
        yield staging
    finally:
        _remove(staging)


def write_file(root: Path, rel: str, data: bytes,
               folders: dict[str, Path] | None = None) -> Stored:
    """Write one file of the site into the staging folder ``root`` now; the Stored names it
    (a page rendered by a worker, so no page waits in memory for the write)."""
    folder = rel.rpartition("/")[0]
    known = folders is not None and folder in folders
    target = _target(root, rel, folders)
    if not known:                           # once per folder
        target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as fh:
        fh.write(data)
    return Stored(target)


def write_site(files: Mapping[str, bytes | Stored], output: Path, recorded: bool = False,
               staging: Path | None = None) -> None:
    """Replace ``output`` by ``files`` in one step, or leave it as it was.

    ``staging``: the open :func:`staging_folder`, where part of the site (the files that
    are :class:`Stored` there) is written already. The caller has checked the folder with
    :func:`guard_output`; this checks again that it is Aimaq's (marked, or empty) right
    before replacing it."""
    output = Path(output).resolve()
    for rel in files:
        check_path(rel)
        if rel == MARKER:
            raise OutputPathError(f"refusing to write {rel!r}: the name is Aimaq's own "
                                  "marker of its output folders", None, None,
                                  "rename the page or file")
    if staging is None:
        with staging_folder(output, recorded) as staging:
            _fill_and_swap(files, output, recorded, staging)
    else:
        _fill_and_swap(files, output, recorded, staging)


def _fill_and_swap(files: Mapping[str, bytes | Stored], output: Path, recorded: bool,
                   staging: Path) -> None:
    _refuse_unmarked(output, recorded)
    parent = output.parent
    folders: dict[str, Path] = {}
    made: set[Path] = set()                     # folders made (or found) once each
    at = f"{staging}/"
    for rel in sorted(files):
        data = files[rel]
        if isinstance(data, Stored) and str(data.path) == at + rel:
            continue                            # written there already (write_file)
        target = _target(staging, rel, folders)
        if isinstance(data, Stored) and data.path == target:
            continue                            # written there already
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if isinstance(data, Stored):
            shutil.copyfile(data.path, target)
        else:
            target.write_bytes(data)
    (staging / MARKER).write_bytes(_MARKER_TEXT)
    os.chmod(staging, 0o755)
    if output.exists():
        if not exchange(staging, output):
            # No atomic exchange here: two renames, with an instant between them.
            old = parent / f".{output.name}.old-swap"
            shutil.rmtree(old, ignore_errors=True)
            output.rename(old)
            staging.rename(output)
            shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(output)
    # The staging folder now holds the previous build (or nothing): its owner removes it.


def _remove(folder: Path) -> None:
    """Remove ``folder``, even when a signal (raised as KeyboardInterrupt) cuts the first
    attempt short: the command's handler ignores further signals, so the second ends."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except KeyboardInterrupt:
        shutil.rmtree(folder, ignore_errors=True)
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


def sync_site(files: Mapping[str, bytes | Stored], output: Path,
              previous: Mapping[str, bytes | Stored] | None = None) -> tuple[list[str], list[str]]:
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
