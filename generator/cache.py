"""Content-addressed caches under ``<project>/.cache/``.

Everything cached is keyed by the SHA-256 of all it depends on — the input files' bytes and
the source code of the package that made it — so a stale entry can never be found: a change
to any input gives a new key. Entries are written atomically; a damaged or unreadable entry
is simply recomputed. Deleting ``.cache/`` is always safe.

* ``indices/<key>.pickle``: the computed indices of an edition (the engine's Results and the
  tables it read), keyed by every file of ``data/<edition>/`` and the engine's code;
* ``vega/<key>.js``: the Vega, Vega-Lite and vega-embed code the site ships
  (:func:`generator.charts.assets.vega_bundle`), keyed by the versions of vl-convert and of
  the libraries it bundles: a fresh project makes it once, later builds read it;
* ``build/<output>.json``: the manifest of the last build into an output folder (its key
  and its files' sizes). When the same inputs are built again into that folder and every
  file is still there, the build has nothing to do. (Kept out of the output, which holds
  only the site.)
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .output import Stored

PACKAGE = Path(__file__).resolve().parent


def digest_files(paths: Iterable[Path], base: Path | None = None) -> str:
    """SHA-256 over the names and bytes of files (and of every file in folders)."""
    h = hashlib.sha256()
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(f for f in p.rglob("*") if f.is_file() and "__pycache__" not in f.parts)
        elif p.is_file():
            files.append(p)
    for f in sorted(set(files)):
        name = f.relative_to(base).as_posix() if base and f.is_relative_to(base) else str(f)
        h.update(name.encode("utf-8") + b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the whole package's code and data files, and of the versions of the
    libraries that shape results.

    Every cached result is keyed by all of it, not by a hand-picked list of sub-packages:
    a result can depend on any module that its code reaches (YAML reading, config, number
    formatting…), and a list kept by hand goes stale the day someone adds an import. The
    package is small, so hashing it all costs a few milliseconds, once per process."""
    from importlib import metadata

    versions = []
    for dist in LIBRARIES:
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}=-")
    return key(digest_files([PACKAGE], PACKAGE), ",".join(versions))


#: Libraries whose version can change a computed result or a built file.
LIBRARIES = ("altair", "vl-convert-python", "pagefind", "jinja2", "markdown", "babel", "nh3",
             "pandas", "numpy", "latex2mathml", "pyyaml", "pydantic")


def key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def library_cache_dir() -> Path | None:
    """The machine's cache of what depends only on the installed libraries, shared by every
    project (the Vega script bundle, keyed by the library versions): ``$AIMAQ_LIBRARY_CACHE``,
    else ``$XDG_CACHE_HOME/aimaq``, else ``~/.cache/aimaq``; ``AIMAQ_LIBRARY_CACHE=`` (empty)
    switches it off. Like pip's cache, it only saves time: nothing of a site is in it."""
    chosen = os.environ.get("AIMAQ_LIBRARY_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "aimaq"


def load_bytes(cache_dir: Path | None, kind: str, name: str) -> bytes | None:
    """The bytes stored as ``<cache_dir>/<kind>/<name>``, if any (a file, not a pickle)."""
    if cache_dir is None:
        return None
    try:
        return (cache_dir / kind / name).read_bytes()
    except OSError:
        return None


def store_bytes(cache_dir: Path | None, kind: str, name: str, data: bytes) -> None:
    if cache_dir is None:
        return
    try:
        _write(cache_dir / kind / name, data)
    except OSError:
        pass                                    # a cache never breaks a build


def load(cache_dir: Path | None, kind: str, k: str) -> Any | None:
    if cache_dir is None:
        return None
    path = cache_dir / kind / f"{k}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None


def store(cache_dir: Path | None, kind: str, k: str, value: Any) -> None:
    if cache_dir is None:
        return
    try:
        _write(cache_dir / kind / f"{k}.pickle", pickle.dumps(value, protocol=5))
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        pass                                    # a cache never breaks a build


# -- whole builds ----------------------------------------------------------------------------


def build_key(config, options: dict) -> str:
    """Everything a build reads: site.yaml, data, content, templates, edition locks, the
    generator's own code and the installed libraries that shape the output."""
    root = config.root
    inputs = [root / "site.yaml", config.data_path, config.content_path,
              config.templates_path, root / "editions"]
    return key(digest_files(inputs, root), code_digest(), json.dumps(options, sort_keys=True))


def manifest_path(cache_dir: Path, out: Path) -> Path:
    name = hashlib.sha256(str(Path(out).resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir / "build" / f"{name}.json"


def output_is_current(cache_dir: Path, out: Path, k: str) -> dict | None:
    """The manifest of ``out`` when it was built with key ``k`` and is still complete."""
    try:
        manifest = json.loads(manifest_path(cache_dir, out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("key") != k:
        return None
    for rel, size in manifest.get("files", {}).items():
        try:
            if (out / rel).stat().st_size != size:
                return None
        except OSError:
            return None
    return manifest


def record_output(cache_dir: Path, out: Path, k: str, files: Mapping[str, bytes | Stored],
                  summary: dict[str, Any]) -> None:
    try:
        _write(manifest_path(cache_dir, out), (json.dumps(
            {"key": k, "summary": summary, "files": {p: len(b) for p, b in sorted(files.items())}},
            sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8"))
    except OSError:
        pass


def forget_output(cache_dir: Path, out: Path) -> None:
    """Before writing a folder: its old manifest no longer describes it."""
    try:
        manifest_path(cache_dir, out).unlink()
    except OSError:
        pass
