"""Spread independent work (rendering pages, reading them back for the link check) over
the machine's cores.

Workers are forked, so they start with everything the parent has already built (the site
model, the compiled templates) and only their results travel back. Only pure-Python work
goes here: the chart renderer runs its own threads, which a forked child does not have,
so chart images are drawn beforehand, in spawned workers (generator.charts.render). Where
fork is not available (Windows, macOS' default) or the work is small, it runs in this process; the
results are the same either way, in the same order.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence

#: Below this many items a pool costs more than it saves.
MIN_ITEMS = 64

_JOB: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


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
    fn, items = _JOB                              # inherited from the parent at fork
    return [fn(items[i]) for i in range(*bounds)]


def fork_map(fn: Callable[[Any], Any], items: Sequence[Any],
             on_done: Callable[[int], None] | None = None) -> list[Any]:
    """``[fn(x) for x in items]``, in parallel when it pays (:data:`MIN_ITEMS` or more).
    ``on_done(n)`` reports progress as chunks of ``n`` items finish."""
    global _JOB
    n = workers()
    if n <= 1 or len(items) < MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for x in items:
            out.append(fn(x))
            if on_done is not None:
                on_done(1)
        return out
    size = max(1, min(32, len(items) // (n * 4)))
    chunks = [(i, min(i + size, len(items))) for i in range(0, len(items), size)]
    _JOB = (fn, items)
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            out: list[Any] = []
            for (a, b), part in zip(chunks, pool.imap(_run, chunks)):
                out.extend(part)
                if on_done is not None:
                    on_done(b - a)
        return out
    finally:
        _JOB = None
