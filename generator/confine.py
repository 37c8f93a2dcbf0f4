"""Inputs stay inside the project.

A symbolic link in data/ or content/ that leads outside the project would publish whatever
it points at (a home folder's files, /etc) as if it were the edition's own; a name or text
cell that starts like a spreadsheet formula would run when a reader opens a download in a
spreadsheet (OWASP's "CSV injection"). Both are refused or neutralised here.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .errors import AimaqError

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def allowed_roots(folder: Path, project: Path) -> list[Path]:
    """Where the files of ``folder`` may lead: the project, and ``folder`` itself when
    site.yaml names a folder outside the project on purpose (e.g. data_dir: ../shared)."""
    project = project.resolve()
    lexical = Path(os.path.abspath(folder))
    roots = [project]
    if not _inside(lexical, [project]):
        roots.append(folder.resolve())
    return roots


def refuse_outside_links(folder: Path, project: Path, display=None,
                         error: type[AimaqError] = AimaqError) -> None:
    """An error naming the first symbolic link under ``folder`` that leads outside the
    project (or nowhere); links inside the project are fine."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    roots = allowed_roots(folder, project)
    here = Path(os.path.abspath(project))

    def show(path: Path) -> str:
        # The link's own name, never its target's.
        return display(path) if display else os.path.relpath(os.path.abspath(path), here)

    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath, name)
            if not path.is_symlink():
                continue
            target = path.resolve()
            if not target.exists():
                raise error(f"this symbolic link leads to {target}, which does not exist",
                                 show(path), None, "replace the link by the file itself")
            if not _inside(target, roots):
                raise error(f"this symbolic link leads outside the project, to {target}",
                                 show(path), None, "copy the file into the project instead "
                                 "of linking to it")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula."""
    return isinstance(text, str) and text.startswith(FORMULA_STARTS)


def neutralise_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it rather than runs it (OWASP: a leading ')."""
    return "'" + text if looks_like_formula(text) else text
