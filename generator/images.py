"""Static chart images drawn by vl-convert, in this process or in spawned workers that
import vl-convert alone (not pandas, Altair or the rest of the package: a worker is ready
in a fraction of a second).

vl-convert holds the GIL while it draws, and a forked child of a process whose renderer
runtime has started hangs; so the workers are *spawned*. A build starts them first thing
(:func:`start`), so that they start and warm up their renderer while the build reads its
inputs, and hands them each chart as soon as its spec exists (:func:`submit`). A job
carries the spec as JSON text and, with a disk cache, the file to write the image to;
nothing of the package travels.

Vega numbers the ids of gradients and clip paths per renderer, so the same chart drawn
after another would get other ids: :func:`renumber_ids` makes them depend on the SVG
alone (in order of appearance), whichever process drew it.

vl-convert measures every string of a chart with its font file, opened and mapped from
disk again for each glyph (thousands of times for one ranking of 100 units: most of an
image's cost is system time). A worker therefore gives vl-convert a font database of the
package's own copy of the images' font alone (:data:`FONTS`, :func:`own_fonts`): DejaVu
Sans (regular, bold, oblique, bold oblique) without hinting instructions and cut to Latin,
Greek, Cyrillic and common signs (fontTools), a quarter of the size of Debian's files with
the same advances and kerning, so the same SVG bytes in about 30 % less time; and the
images no longer depend on the fonts the machine has.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import vl_convert as vlc

from .parallel import worker_init

#: An id vega's SVG renderer numbers per process: gradients, clip paths, patterns.
_ID = re.compile(r'\bid="((?:gradient_|clip|pattern_)\d+)"')


def renumber_ids(svg: str) -> str:
    """``svg`` with vega's numbered ids renamed in order of appearance (``gradient_0``,
    ``gradient_1``, …; ``clip0``, …), each reference following its id."""
    found = list(dict.fromkeys(_ID.findall(svg)))
    if not found:
        return svg
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for old in found:
        prefix = old.rstrip("0123456789")
        names[old] = f"{prefix}{counts.get(prefix, 0)}"
        counts[prefix] = counts.get(prefix, 0) + 1
    if all(old == new for old, new in names.items()):
        return svg
    pattern = re.compile(r'(id="|#)(' + "|".join(map(re.escape, found)) + r')(?![\w-])')
    return pattern.sub(lambda m: m.group(1) + names[m.group(2)], svg)


def draw(spec: str, vl_version: str | None, locale: dict[str, Any], font: str) -> str:
    """One chart's SVG (``spec``: Vega-Lite JSON with its data inline; offline)."""
    svg = vlc.vegalite_to_svg(spec, vl_version=vl_version, config={"font": font},
                              format_locale=locale, allowed_base_urls=[])
    return renumber_ids(svg)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` in one step, under a temporary name of this process and thread alone
    (two workers drawing the same chart must not rename each other's file away)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _job(spec: str, vl_version: str | None, locale: dict[str, Any], font: str,
         path: str | None) -> bytes | None:
    """In a worker: draw one image; written to ``path`` (nothing travels back) or returned.
    A failure is also noted beside ``path`` (:func:`failed_path`) for a page renderer
    waiting for the file."""
    try:
        svg = draw(spec, vl_version, locale, font).encode("utf-8")
    except Exception as err:
        if path is not None:
            write_atomic(failed_path(Path(path)), str(err)[:500].encode("utf-8"))
        raise
    if path is None:
        return svg
    failed_path(Path(path)).unlink(missing_ok=True)
    write_atomic(Path(path), svg)
    return None


def failed_path(path: Path) -> Path:
    """Where a worker notes that the image ``path`` could not be drawn."""
    return path.with_name(path.name + ".failed")


def javascript_bundle(vl_version: str | None) -> str:
    """vl-convert's Vega + Vega-Lite + vega-embed bundle (about two seconds to make): the
    job :meth:`Pool.bundle` started, when there is one, else made here."""
    pool = _POOL
    future = pool.bundles.get(vl_version) if pool is not None else None
    if future is not None:
        return future.result()
    return _make_bundle(vl_version)


def _make_bundle(vl_version: str | None) -> str:
    # vl-convert's bundler with its default snippet (which its type stub omits), looked up
    # when called (a test replaces it).
    bundler: Callable[..., str] = vlc.javascript_bundle
    return bundler(vl_version=vl_version)


#: The images' font files (see the module's docstring; DejaVu-LICENSE.txt beside them).
FONTS = files(__package__).joinpath("charts").joinpath("static").joinpath("fonts")

#: A chart with a text, drawn to start the renderer and load its font database.
_WARM_SPEC = {"data": {"values": [{"t": "Aa"}]}, "mark": "text",
              "encoding": {"text": {"field": "t"}}}


def own_fonts() -> bool:
    """Load vl-convert's font database, of :data:`FONTS` alone, in this process: before it
    first measures a text (the database is made once per process, from the fontconfig
    file ``FONTCONFIG_FILE`` names). For the image workers only: the build's own process
    keeps the system's fonts (its social cards name other fonts). False where the fonts
    or fontconfig are not there (the system's fonts are used, as before)."""
    fonts = Path(str(FONTS))
    if not fonts.is_dir() or sys.platform == "darwin" or os.name != "posix":
        return False
    saved = os.environ.get("FONTCONFIG_FILE")
    with tempfile.TemporaryDirectory(prefix="aimaq-fonts-") as tmp:
        conf = Path(tmp) / "fonts.conf"
        conf.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:'
                        'fonts.dtd">\n<fontconfig><dir>'
                        + str(fonts).replace("&", "&amp;").replace("<", "&lt;")
                        + "</dir></fontconfig>\n", encoding="utf-8")
        os.environ["FONTCONFIG_FILE"] = str(conf)
        try:
            vlc.vegalite_to_svg(_WARM_SPEC, allowed_base_urls=[])
        finally:
            if saved is None:
                os.environ.pop("FONTCONFIG_FILE", None)
            else:
                os.environ["FONTCONFIG_FILE"] = saved
    return True


def _warm() -> None:
    """Start the renderer now, while the parent is busy elsewhere (~0.4 s), with the
    package's fonts (:func:`own_fonts`)."""
    if not own_fonts():
        vlc.vegalite_to_svg(_WARM_SPEC, allowed_base_urls=[])


class Pool:
    """Spawned image workers (see the module's docstring). ``eager``: start them now (a
    cold build: they warm up while it reads), else with the first job, so that a rebuild
    whose images are all cached starts none."""

    def __init__(self, workers: int, eager: bool = True) -> None:
        # One process fewer than the cores (``workers``): the build's own process plans
        # and renders alongside them, so on two cores a second image worker only competes
        # with it (bundled site, cold: 1.5 CPU s more, no sooner done).
        self.workers = max(1, workers - 1)
        self.bundles: dict[str | None, Future] = {}
        self._executor: ProcessPoolExecutor | None = None
        if eager:
            self.start()

    def start(self) -> ProcessPoolExecutor:
        """The workers, started now if they are not yet."""
        if self._executor is None:
            with plain_main():
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                    initializer=worker_init, initargs=(os.getpid(), _warm))
                # A process starts with each job while none is idle: all of them now,
                # under the plain __main__ (the parent does not wait for them).
                for _ in range(self.workers):
                    self._executor.submit(int)
        return self._executor

    @property
    def started(self) -> bool:
        return self._executor is not None

    @property
    def executor(self) -> ProcessPoolExecutor:
        return self.start()

    def bundle(self, vl_version: str | None) -> None:
        """Start making :func:`javascript_bundle` in a worker (while the build reads)."""
        if vl_version not in self.bundles:
            self.bundles[vl_version] = self.start().submit(_make_bundle, vl_version)

    def submit(self, spec: str, vl_version: str | None, locale: dict[str, Any], font: str,
               path: Path | None) -> Future:
        return self.start().submit(_job, spec, vl_version, locale, font,
                                    str(path) if path is not None else None)

    def alive(self) -> bool:
        """Whether a worker still runs (asked from a forked child, which cannot wait on
        the pool's futures; a dead worker stays a zombie until the parent reaps it)."""
        for process in list((getattr(self._executor, "_processes", None) or {}).values()):
            try:
                with open(f"/proc/{process.pid}/stat", encoding="ascii") as f:
                    state = f.read().rpartition(")")[2].split()[0]
            except (OSError, IndexError):
                if not os.path.isdir("/proc"):
                    return True                 # no /proc to ask: assume it runs
                continue
            if state not in ("Z", "X"):
                return True
        return False

    def close(self, wait: bool = True) -> None:
        """Finish (``wait``) or drop the queued work and end the workers."""
        if self._executor is None:
            return
        if not wait:
            stop(self._executor)
        self._executor.shutdown(wait=True, cancel_futures=True)


_POOL: Pool | None = None


def current() -> Pool | None:
    """The pool :func:`pool` started, while it runs."""
    return _POOL


@contextmanager
def pool(workers: int, eager: bool = True) -> Iterator[Pool | None]:
    """Image workers for the block (none with fewer than two workers): :func:`current`
    returns them; an exception (an interrupt) ends them at once, queued work dropped.
    ``eager``: start them now, else with the first image handed over (:class:`Pool`)."""
    global _POOL
    if workers <= 1 or _POOL is not None:
        yield _POOL
        return
    started = _POOL = Pool(workers, eager)
    try:
        yield started
    except BaseException:
        started.close(wait=False)
        raise
    finally:
        _POOL = None
        started.close()


def stop(executor: ProcessPoolExecutor) -> None:
    """End a process pool's workers now: its queued work is dropped, a chart being drawn
    is not finished (shutdown alone would wait for every queued chart)."""
    kill = getattr(executor, "kill_workers", None)          # Python 3.14+
    if kill is not None:
        kill()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):
        if process.is_alive():
            process.kill()


@contextmanager
def plain_main() -> Iterator[None]:
    """Start spawned workers without re-running the caller's ``__main__``.

    A spawned child imports the parent's main script first (as ``__mp_main__``); a script
    that calls :func:`generator.build.build` at its top level, without the usual
    ``if __name__ == "__main__":`` guard, would then build again in every worker. The
    workers need nothing from ``__main__`` (the job is a function of this module), so the
    parent shows them an empty one while the pool starts."""
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved
