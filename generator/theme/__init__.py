"""The default theme, and how a project's own ``templates/`` folder overrides it.

This folder holds the complete theme that ships in the wheel: the HTML templates and
partials, the interface words (strings.yaml, chart_strings.yaml, reasons.yaml) and the
static files under ``assets/``. A project may keep a ``templates/`` folder of its own
(``templates_dir`` in site.yaml); like MkDocs' ``custom_dir`` it overrides the theme
file by file (templates, assets) and, for the YAML word files, key by key: a project
writes only the words it changes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from ..errors import AimaqError
from ..yamlio import load_yaml

#: The theme that ships with the package.
THEME_DIR = Path(__file__).resolve().parent


def search_path(project_dir: Path | str | None) -> list[Path]:
    """The folders a file is looked up in, first match wins: the project's, then the theme.

    The project's folder is listed even before it exists (a project needs none, and one
    made while ``aimaq serve`` runs is seen)."""
    dirs: list[Path] = []
    if project_dir is not None:
        project = Path(project_dir).resolve()
        if project != THEME_DIR:
            dirs.append(project)
    dirs.append(THEME_DIR)
    return dirs


class ThemeLoader(jinja2.FileSystemLoader):
    """Templates from the project's folder, then the theme's. A template read from the theme
    is stale as soon as the project gains a file of that name (``aimaq serve`` picks up a new
    override without a restart); Jinja alone checks only the file it read."""

    def __init__(self, project_dir: Path | str | None):
        super().__init__([str(d) for d in search_path(project_dir)])

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        found = Path(filename).resolve()
        earlier = []
        for folder in map(Path, self.searchpath):
            if folder.resolve() in found.parents:
                break
            earlier.append(folder.joinpath(*template.split("/")))

        def fresh() -> bool:
            return (uptodate is None or uptodate()) and not any(map(os.path.isfile, earlier))
        return source, filename, fresh


@dataclass(frozen=True)
class Entry:
    """One key of a layered YAML word file, with the file and document it came from
    (so that an error names the line the mistake is on)."""
    value: Any
    path: Path
    doc: Any


def layered_yaml(name: str, project_dir: Path | str | None) -> dict[str, Entry]:
    """The keys of word file ``name`` in the theme, each replaced by the project's own when
    the project's folder has the file and the key. Keys keep the theme's order; keys only the
    project has come after them, in the project's order."""
    merged: dict[str, Entry] = {}
    for folder in reversed(search_path(project_dir)):
        path = folder / name
        if not path.is_file():
            continue
        doc = load_yaml(path)
        if doc.data is None:
            continue
        if not isinstance(doc.data, dict):
            raise AimaqError(f"{name} must map ids to texts per language", path, 1,
                             "write e.g. key: {kk: ..., ru: ..., en: ...}")
        for key, value in doc.data.items():
            merged[str(key)] = Entry(value, path, doc)
    return merged


def assets(project_dir: Path | str | None) -> dict[str, bytes]:
    """Static files under ``assets/``: the theme's, each replaced by the project's file of
    the same relative path; files only the project has are added."""
    files: dict[str, Path] = {}
    for folder in reversed(search_path(project_dir)):
        root = folder / "assets"
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    files["assets/" + path.relative_to(root).as_posix()] = path
    return {name: files[name].read_bytes() for name in sorted(files)}
