"""Forked workers (generator.parallel)."""
from __future__ import annotations

import gc

from aimaq import parallel


def _frozen(_: int) -> int:
    return gc.get_freeze_count()


def test_forked_workers_never_collect_the_parents_objects(monkeypatch):
    """The parent's objects are frozen before the fork (a worker's collections would
    otherwise copy the pages they sit on), and thawed in the parent after."""
    monkeypatch.setenv("AIMAQ_WORKERS", "2")
    assert gc.get_freeze_count() == 0
    counts = parallel.fork_map(_frozen, list(range(parallel.MIN_ITEMS)))
    assert len(counts) == parallel.MIN_ITEMS and min(counts) > 0
    assert gc.get_freeze_count() == 0
