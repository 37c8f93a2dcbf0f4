"""The same page in the other editions: the edition switcher and the older-edition banner.

Built once all editions are planned, from their page keys: a page that exists in another
edition links to it; a page that does not links to that edition's home, whose
``#edition-page-missing`` note (shown by CSS ``:target``, no script) says so.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..config import Edition, SiteConfig
from .pages import EditionModel, PageKey, PageSpec
from .urls import Paths

MISSING = "edition-page-missing"


@dataclass(frozen=True)
class EditionEntry:
    id: str
    title: dict
    edition_status: str      # current | archived | draft
    published: str | None
    path: str                # the same page in that edition, or its home + #MISSING
    exists: bool
    here: bool               # the edition of the page being rendered


class PageTree(Protocol):
    """One set of pages (build.Tree): an edition's model, where the pages live, the pages."""

    @property
    def model(self) -> EditionModel: ...
    @property
    def paths(self) -> Paths: ...
    @property
    def specs(self) -> list[PageSpec]: ...


class EditionLinks:
    def __init__(self, config: SiteConfig, trees: Sequence[PageTree]) -> None:
        self.config = config
        self.editions: list[tuple[Edition, str]] = []   # (Edition, its status), newest first
        self.pages: dict[str, dict[tuple[PageKey, str], str]] = {}  # edition → {(key, lang): path}
        self.short: dict[tuple[PageKey, str], str] = {}     # current edition at <lang>/
        seen: set[str] = set()
        for tree in trees:
            edition = tree.model.edition
            eid = edition.id
            table = {(s.key, s.lang): s.path for s in tree.specs if not s.rooted}
            if tree.paths.permanent:
                self.pages[eid] = table
            else:
                self.short = table
            if eid not in seen:
                seen.add(eid)
                self.editions.append((edition, config.status(eid)))
        self.editions.reverse()
        self.has_short = bool(self.short)

    @property
    def several(self) -> bool:
        return len(self.editions) > 1

    def _path(self, edition_id: str, key: PageKey, lang: str) -> tuple[str, bool]:
        prefer_short = edition_id == self.config.current_edition and self.has_short
        table = self.short if prefer_short else self.pages.get(edition_id, {})
        if (key, lang) in table:
            return table[(key, lang)], True
        home = table.get((("home", "index"), lang))
        if home is None:                       # the language is missing in that edition
            home = next(iter(table.values()), "")
        return f"{home}#{MISSING}", False

    def entries(self, site: EditionModel, spec: PageSpec) -> list[EditionEntry]:
        """The switcher: every built edition, newest first."""
        out = []
        for edition, edition_status in self.editions:
            here = edition.id == site.edition.id
            path, exists = (spec.path, True) if here else self._path(edition.id, spec.key,
                                                                     spec.lang)
            out.append(EditionEntry(edition.id, edition.title, edition_status, edition.published,
                                    path, exists, here))
        return out

    def newer(self, site: EditionModel, spec: PageSpec) -> EditionEntry | None:
        """For a page of an older edition: the same page in the current edition."""
        current = self.config.current_edition
        if site.edition.id == current or current not in self.pages and not self.has_short:
            return None
        if self.config.status(site.edition.id) == "draft":
            return None
        for entry in self.entries(site, spec):
            if entry.id == current:
                return entry
        return None

    def searchable(self, paths: Paths) -> bool:
        """Index every edition at its permanent pages; the current edition's short
        addresses are only stubs leading there."""
        return paths.permanent
