"""Static full-text search with Pagefind, built from the rendered pages.

Pagefind indexes each language separately (from ``<html lang>``) and writes a small search
bundle (index fragments, WebAssembly, UI script and styles) that the site serves itself:
no external request. Only pages whose ``<main>`` carries ``data-pagefind-body`` are
indexed, so menus, footers, the search page itself and the 404 page do not match. Inside
it, the templates mark ``data-pagefind-ignore`` what nobody searches for: the rows of the
tables of values (an index's values and rank ranges per unit), and on a profile its list of
recommendations, its glance block, its key-figures and index-value tables (headers
included), its similar units and, on every page, a chart's description, data, downloads
and source. They are numbers, the same words on every profile, or other units' names (a
search for a unit would find every profile naming it as the highest value or as similar),
and they made Pagefind's work grow with units × rows. On a 500-unit region the first of
these took Pagefind from 2.9 GB to 0.3 GB and the bundle from 35 to 8 MB. Names, other
names, headings, chart titles, prose, an index's inputs and the data catalogue stay
searchable, and each recommendation is found on its own page.

Each page is indexed once, at its permanent address (<edition>/<lang>/…); the current
edition's short addresses are stubs leading there. The Pagefind binary ships inside the
``pagefind[extended]`` wheel; a build runs it once per edition over the pages already
written into the staging folder (its Python API, which pipes every page through JSON, is
~30× slower), ``aimaq serve`` and ``aimaq check`` over a temporary copy.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ..errors import AimaqError
from ..output import Stored, content

BUNDLE = "pagefind"


def search_bundle(files: Mapping[str, bytes | Stored], prefix: str = "",
                  only: set[str] | None = None) -> dict[str, bytes]:
    """The Pagefind bundle for the site's HTML pages held in memory (``aimaq serve``,
    ``aimaq check``), as {path: bytes} under ``<prefix>pagefind/``. Each edition has its
    own bundle at its root (``prefix`` '2023/'), indexing only its pages (``only``), so
    results never mix editions."""
    pages = {p[len(prefix):]: b for p, b in files.items()
             if p.endswith(".html") and p.startswith(prefix)
             and (only is None or p in only) and b"data-pagefind-body" in content(b)}
    if not pages:
        return {}
    with tempfile.TemporaryDirectory(prefix="aimaq-search-") as tmp:
        site = Path(tmp) / "site"
        out = Path(tmp) / BUNDLE
        for path, data in pages.items():
            target = site / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content(data))
        _pagefind(site, out)
        return {f"{prefix}{BUNDLE}/{p.relative_to(out).as_posix()}": p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file()}


def search_folder(root: Path, prefix: str = "") -> dict[str, Stored]:
    """The Pagefind bundle of the pages already written under ``root / prefix`` (the
    staging folder of a build: one edition's permanent pages), written at
    ``<prefix>pagefind/`` beside them, in one run of Pagefind over the folder; the pages
    without ``data-pagefind-body`` (stubs, search, 404) are left out by Pagefind itself."""
    return start_search(root, prefix).result()


class Indexing:
    """Pagefind at work over one edition's pages in the staging folder (:func:`start_search`),
    while the build goes on with what does not need the index (the link check); ``result``
    waits for it, ``stop`` ends it when the build stops first."""

    def __init__(self, root: Path, prefix: str = "") -> None:
        self.prefix = prefix
        site = root / prefix if prefix else root
        self.out = site / BUNDLE
        self.proc = _start(site, self.out) if site.is_dir() else None

    def result(self) -> dict[str, Stored]:
        if self.proc is None:
            return {}
        _finish(self.proc, self.out)
        self.proc = None
        return {f"{self.prefix}{BUNDLE}/{p.relative_to(self.out).as_posix()}": Stored(p)
                for p in sorted(self.out.rglob("*")) if p.is_file()}

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def start_search(root: Path, prefix: str = "") -> Indexing:
    """Start indexing the pages under ``root / prefix`` (see :func:`search_folder`)."""
    return Indexing(root, prefix)


def _start(site: Path, out: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(out),
           "--quiet"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _pagefind(site: Path, out: Path) -> None:
    _finish(_start(site, out), out)


def _finish(proc: subprocess.Popen[str], out: Path) -> None:
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise AimaqError(f"the search index could not be built: "
                         f"{(stderr or stdout).strip()[:500]}", None, None,
                         "reinstall with 'make site' (it installs pagefind[extended])")
    entry = out / "pagefind-entry.json"
    if entry.is_file():
        # Pagefind writes its languages in hash-map order; sort them so builds are identical.
        data = json.loads(entry.read_bytes())
        entry.write_bytes(json.dumps(data, ensure_ascii=False, sort_keys=True,
                                     separators=(",", ":")).encode("utf-8"))
