"""``aimaq check``: validate everything the build reads, render in memory, write nothing.

It runs the build's own stages (``generator.build.run``) with a :class:`~generator.build.
Stages` that collects problems instead of stopping at the first, so one run lists every
problem: site.yaml, interface strings, data files, data checks, the front matter of every
content page, the methodology (the index engine computes every index), a frozen edition's
lock, every internal link and #anchor of the rendered pages, and content pages present in
one language but missing in another. Every problem names a file and a line.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .build import ProgressFn, Stages, run, select_editions
from .config import load_config
from .errors import AimaqError, Problem


@dataclass
class CheckReport:
    edition: str = ""
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0                      # pages rendered in memory (0 when not reached)
    checks: int = 0                     # data checks run
    skipped: list[str] = field(default_factory=list)   # stages not reached

    @property
    def ok(self) -> bool:
        return not self.problems


def check(config_path: Path | str = "site.yaml", edition_id: str | None = None,
          progress: ProgressFn | None = None, drafts: bool = False) -> CheckReport:
    """Validate every edition a build makes (or the one named) and its rendered pages;
    a frozen edition must still match its lock."""
    report = CheckReport()
    try:
        config = load_config(config_path)
        editions = select_editions(config, edition_id, drafts)
    except AimaqError as err:
        report.problems.append(Problem.of(err, config_path))
        report.skipped.append("everything after site.yaml")
        return report
    report.edition = ", ".join(e.id for e in editions)
    stage = Stages(None, progress, problems=report.problems, base=config.root)
    made = run(config, stage, edition_id, drafts)
    report.checks = stage.counts.get("checks", 0)
    report.pages = stage.counts.get("pages", 0) if made is not None else 0
    if made is None:
        report.skipped.append(f"rendering the pages of edition{'s' * (len(editions) > 1)} "
                              f"{report.edition} and checking their links (fix the problems "
                              "above first)")
    return report
