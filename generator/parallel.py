"""Spread independent work (rendering pages, reading them back for the link check) over
the machine's cores.

Workers are forked, so they start with everything the parent has already built (the site
model, the compiled templates) and only their results travel back. Only pure-Python work
goes here: the chart renderer runs its own threads, which a forked child does not have,
so chart images are drawn beforehand, in spawned workers (generator.charts.render). Where
fork is not available (Windows, macOS' default) or the work is small, it runs in this process; the
results are the same either way, in the same order.

No worker outlives the build. Every pool's workers start with :func:`worker_init`: they
leave SIGINT to the parent (Ctrl+C reaches the whole process group; the parent stops the
pool) and take SIGTERM's default (the parent's pool shutdown ends them without a
traceback), and they exit when the parent goes, even when it is killed outright: on Linux
the kernel signals them (``PR_SET_PDEATHSIG``), elsewhere a watcher thread notices that the
parent changed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

#: Below this many items a pool costs more than it saves.
MIN_ITEMS = 64

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


_PR_SET_PDEATHSIG = 1
#: How often a worker without PR_SET_PDEATHSIG looks for its parent (seconds).
WATCH_SECONDS = 0.5


def _die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent goes; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(WATCH_SECONDS)


def worker_init(parent: int, then: Callable[..., None] | None = None, *args: Any) -> None:
    """Pool initializer: leave signals to the parent ``parent`` (a pid) and exit when it
    goes; then run ``then(*args)``, the pool's own initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not _die_with_parent():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                         name="aimaq-parent-watch").start()
    if os.getppid() != parent:              # the parent went before the line above
        os._exit(1)
    if then is not None:
        then(*args)


def workers() -> int:
    """Processes to use: the cores this process may run on (AIMAQ_WORKERS overrides)."""
    wanted = os.environ.get("AIMAQ_WORKERS")
    if wanted and wanted.isdigit():
        return max(1, int(wanted))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:                       # not on Linux
        return max(1, os.cpu_count() or 1)


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _JOB is not None                       # set by fork_map before the fork
    fn, items = _JOB                              # inherited from the parent at fork
    return [fn(items[i]) for i in range(*bounds)]


def fork_map(fn: Callable[[Any], Any], items: Sequence[Any],
             on_done: Callable[[int], None] | None = None) -> list[Any]:
    """``[fn(x) for x in items]``, in parallel when it pays (:data:`MIN_ITEMS` or more).
    ``on_done(n)`` reports progress as chunks of ``n`` items finish."""
    global _JOB
    n = workers()
    if n <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        out: list[Any] = []
        for x in items:
            out.append(fn(x))
            if on_done is not None:
                on_done(1)
        return out
    size = max(1, min(32, len(items) // (n * 4)))
    chunks = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _JOB = (fn, items)
    # The parent's objects move to the collector's permanent generation before the fork:
    # a worker's collections then never walk them, so the memory it shares with the
    # parent stays shared (every object the collector touches is a page copied: system
    # time). The parent takes them back after.
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(
                n, initializer=worker_init, initargs=(os.getpid(),)) as pool:
            out = []
            for (a, b), part in zip(chunks, pool.imap(_run, chunks)):
                out.extend(part)
                if on_done is not None:
                    on_done(b - a)
        return out
    finally:
        gc.unfreeze()
        _JOB = None
