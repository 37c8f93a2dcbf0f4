"""Which pages the site has, and what each one shows.

Planning is separate from rendering: every page is first described as a :class:`PageSpec`
(its path, language, template and context), so the pipeline knows the whole site — for the
language switcher, link checks and the sitemap — before a single file is written.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .. import formatting as fmt
from ..config import Edition, Erratum, SiteConfig
from ..content.load import Content, Page
from ..content.structured import RecommendationSpec, Structured, group_members, load_structured
from ..data.model import Dataset, text
from ..errors import ContentError
from ..indices.results import IndexResult, Results
from . import summary, urls
from .edition_citation import archive_name
from .figures import Figure, FigureIndex
from .history import HistoryPoint, latest_rows, plain_value
from .indexview import IndexView

if TYPE_CHECKING:                   # the helpers of a page being rendered (render imports this)
    from .render import PageHelpers

#: What a page is: the first half of its key, (kind, slug). The same key in another
#: language or edition is the same page there.
PageKind = Literal["home", "units", "region", "unit", "indices", "index", "recommendations",
                   "glossary", "data", "compare", "changes", "search", "page", "pages", "404"]
PageKey = tuple[PageKind, str]


@dataclass
class PageSpec:
    path: str                       # relative to the output root
    lang: str
    template: str
    key: PageKey                    # (kind, slug): the same page in other languages
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path)
    rooted: bool = False            # links from base_url's path (pages served at any address)
    inputs: frozenset[str] | None = None  # input files it is made from (None: every input);
                                          # set by the pipeline (generator.site.inputs)


@dataclass(frozen=True)
class FooterPages:
    shown: list[Page]      # content Pages, in order
    total: int
    more: bool             # the footer links to the list of all content pages


class Changes(Protocol):
    """What changed since the previous edition, as the pages and charts read it: an
    editions.compare.Comparison (a layer above this one, so named here by its shape)."""

    @property
    def indices(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Relations:
    """How an edition relates to the others built with it, worked out once every edition
    is computed (build.relate): what changed since the previous edition, and every
    edition's indices, oldest first, for a unit's values across editions."""

    changes: Changes | None = None
    previous: EditionModel | None = None            # the edition compared with
    edition_views: tuple[tuple[str, IndexView | None], ...] = ()   # two or more, or none


#: Similar units: ({unit: [(unit, distance)]}, sections used).
Similar = tuple[dict[str, list[tuple[str, float]]], int]


@dataclass(frozen=True)
class EditionModel:
    """Everything one edition's pages are made from, gathered before any page is planned
    and never changed afterwards (made by build.make_model). Where a tree of its pages
    lives is not part of it: that is the tree's :class:`~generator.site.urls.Paths`,
    passed beside it."""

    config: SiteConfig
    edition: Edition
    dataset: Dataset
    content: Content
    figures: FigureIndex
    strings: dict[str, dict[str, str]]
    structured: Structured              # recommendations, glossary, groups (content/<edition>)
    similar: Similar                    # nearest units by normalised indicators
    key_figures: list[Figure]           # the home page's, in home.yaml's order
    downloads: dict[str, bytes]         # the data downloads by path
    indices: IndexView | None = None    # index engine results, when computed
    results: Results | None = None      # the index engine's Results
    index_reads: frozenset[tuple[str | None, str | None]] = frozenset()  # (indicator, table) read
    relations: Relations = Relations()
    cache_dir: Path | None = None       # .cache/ folder for computed results (None: no cache)
    # Groups and targets are asked for once per page (every unit's profile lists the
    # recommendations that concern it): each is worked out once, when the model is made,
    # so planning grows with the units, not with units × units.
    members: dict[str, list[str]] = field(default_factory=dict)      # group id → unit ids
    by_unit: dict[str, list[RecommendationSpec]] = field(default_factory=dict)

    @property
    def changes(self) -> Changes | None:
        return self.relations.changes

    @property
    def previous_model(self) -> EditionModel | None:
        return self.relations.previous

    @property
    def edition_views(self) -> tuple[tuple[str, IndexView | None], ...]:
        return self.relations.edition_views

    def group_members(self, group_id: str) -> list[str]:
        return list(self.members.get(group_id, ()))

    def in_group(self, group_id: str, unit_id: str) -> bool:
        """Whether a unit is a member of a group (every profile asks: a set per group,
        made on first use, not a list of the members per question: units x units)."""
        return unit_id in self.member_sets.get(group_id, ())

    @functools.cached_property
    def member_sets(self) -> dict[str, frozenset[str]]:
        """Each group's members as a set (derived from ``members``, made on first use)."""
        return {gid: frozenset(units) for gid, units in self.members.items()}

    @functools.cached_property
    def unit_set(self) -> frozenset[str]:
        """The ids of the units, as a set (made on first use: pages ask per table row)."""
        return frozenset(self.dataset.unit_ids())

    @functools.cached_property
    def page_memo(self) -> dict[str, dict[Any, Any]]:
        """Parts of pages that are the same on many pages of this edition (a group's
        recommendation list, the indices' directions), made once by the first page that
        needs them; derived from the fields above, never changing them."""
        return {}

    def targets_of(self, rec: RecommendationSpec) -> list[str]:
        """Unit ids a recommendation concerns (all units for 'all')."""
        return targets_of(rec, self.structured, self.members, self.dataset)

    def recommendations_for(self, unit_id: str) -> list[RecommendationSpec]:
        """The recommendations that concern a unit, in their order."""
        return list(self.by_unit.get(unit_id, []))

    def footer_pages(self, lang: str) -> FooterPages:
        """The content pages the footer lists: the first ``footer_pages`` of site.yaml, and
        whether a link to the list of all of them follows."""
        pages = self.content.of_kind(lang, "page")
        limit = self.config.footer_pages
        return FooterPages(shown=pages[:limit], total=len(pages), more=len(pages) > limit)

    def chart_dir(self, lang: str) -> str:
        """Folder of the edition's chart files (shared by its permalink and short pages)."""
        return f"charts/{self.edition.id}/{lang}"

    @property
    def edition_status(self) -> str:
        """current | archived | draft (site.yaml's editions)."""
        return self.config.status(self.edition.id)

    def errata_for(self, spec: PageSpec) -> list[Erratum]:
        """The edition's errata that concern a page (every erratum on its home)."""
        errata = self.edition.errata
        if not errata or spec.key == ("home", "index"):
            return list(errata)
        root = self.config.root
        methodology = str((self.dataset.root / "methodology.yaml").resolve())
        out = []
        for e in errata:
            files = {str((root / f).resolve()) for f in e.files}
            if spec.inputs is None or files & spec.inputs or (
                    e.indices and (spec.key[0] == "index" and spec.key[1] in e.indices
                                   or methodology in spec.inputs)):
                out.append(e)
        return out

    @functools.cached_property
    def histories(self) -> dict[str, list[tuple[str, str, list[HistoryPoint]]]]:
        """Every unit's values across editions, made at once on first use."""
        return unit_histories(list(self.edition_views))

    def unit_history(self, unit_id: str) -> list[tuple[str, str, list[HistoryPoint]]]:
        """[(index id, part, points)]: the unit's values across editions (two or more)."""
        memo = self.histories
        return list(memo.get(unit_id, []))

    def word(self, key: str, lang: str) -> str:
        """An interface word (strings.yaml) in ``lang``; the key itself when it has none."""
        return text(self.strings.get(key), lang) or key


def unit_histories(views: list[tuple[str, Any]]
                   ) -> dict[str, list[tuple[str, str, list[HistoryPoint]]]]:
    """{unit: history.unit_history(views, unit)} of every unit at once: each edition's
    latest rows are read once, not once per unit's profile (units x units)."""
    series: dict[str, dict[tuple[str, str], list[HistoryPoint]]] = {}
    for edition_id, view in views:
        if view is None:
            continue
        for index_id, rows in view.rows.items():
            for (part, u), r in latest_rows(rows).items():
                series.setdefault(u, {}).setdefault((index_id, part), []).append(HistoryPoint(
                    edition_id, r.year, plain_value(r.value), r.rank, r.rank_of))
    return {u: [(i, p, points) for (i, p), points in found.items()
                if len(points) >= 2 and any(pt.value is not None for pt in points)]
            for u, found in series.items()}


def memberships(structured: Structured, dataset: Dataset,
                results: Results | None) -> dict[str, list[str]]:
    """Every group's unit ids: listed units, a border, or a class of a computed index."""
    return {gid: group_members(g, dataset.areas.values(), results)
            for gid, g in structured.groups.items()}


def targets_of(rec: RecommendationSpec, structured: Structured, members: dict[str, list[str]],
               dataset: Dataset) -> list[str]:
    """Unit ids a recommendation concerns (all units for 'all')."""
    out: dict[str, None] = {}
    for target in rec.targets:
        if target == "all":
            return dataset.unit_ids()
        out.update(dict.fromkeys(members.get(target, []) if target in structured.groups
                                 else [target]))
    return list(out)


def recommendations_by_unit(structured: Structured, members: dict[str, list[str]],
                            dataset: Dataset) -> dict[str, list[RecommendationSpec]]:
    """{unit id: the recommendations that concern it, in their order}."""
    out: dict[str, list[RecommendationSpec]] = {}
    for r in structured.recommendations:
        for u in targets_of(r, structured, members, dataset):
            out.setdefault(u, []).append(r)
    return out


def read_structured(config: SiteConfig, edition: Edition, dataset: Dataset) -> Structured:
    """Recommendations, glossary and groups of the edition (content/<edition>)."""
    base = config.root
    return load_structured(config.content_path, edition.id, dataset.unit_ids(),
                           set(dataset.documents), lambda p: _display(p, base))


def home_figures(content: Content, dataset: Dataset, figures: FigureIndex, edition: Edition,
                 notes: list[str] | None = None) -> list[Figure]:
    """The home page's key figures, as chosen in content/<edition>/home.yaml. With
    ``notes`` (a draft), a figure without its value yet is left out and noted."""
    out = []
    for i, ref in enumerate(content.home.key_figures):
        area = ref.unit or dataset.region
        found = figures.pick(area, ref.table, ref.indicator, ref.category, ref.year)
        if not found and notes is not None:
            notes.append(f"draft edition {edition.id}: key figure {ref.indicator!r} of "
                         f"table {ref.table!r} has no value yet")
            continue
        if len(found) != 1:
            what = "matches no value" if not found else f"matches {len(found)} values"
            raise ContentError(
                f"key figure {ref.indicator!r} of table {ref.table!r} {what} for {area!r}",
                content.home_file, content.home_lines.get(i),
                "check table, indicator, category and unit; give 'year' when the table "
                "has several years")
        out.append(found[0])
    return out


def _home_pages(model: EditionModel, paths: urls.Paths, lang: str) -> PageSpec:
    ds = model.dataset
    page = model.content.get(lang, "home", "index")
    title = page.meta.title if page else text(model.config.title, lang)
    region = ds.areas[ds.region]
    return PageSpec(
        path=paths.home(lang), lang=lang, template="home.html", key=("home", "index"),
        title=title,
        description=(page.meta.description if page else "") or text(model.config.description, lang),
        context={"page_content": page, "region": region,
                 "key_figures": model.key_figures, "headline": summary.headline(model),
                 "home_groups": [(gid, model.structured.groups[gid], model.group_members(gid))
                                 for gid in model.content.home.groups
                                 if gid in model.structured.groups],
                 "units": ds.units},
        crumbs=[])


@dataclass(frozen=True)
class UnitRecommendations:
    """A unit's recommendations by how closely they target it: those naming the unit, those
    naming a group it belongs to ({group id: [recommendations]}), and how many concern every
    unit alike (the profile links to them instead of repeating them)."""

    named: list[RecommendationSpec]
    by_group: dict[str, list[RecommendationSpec]]
    general: int

    def __bool__(self) -> bool:
        return bool(self.named or self.by_group or self.general)


def recommendations_by_reach(model: EditionModel, unit_id: str) -> UnitRecommendations:
    named: list[RecommendationSpec] = []
    by_group: dict[str, list[RecommendationSpec]] = {}
    general = 0
    for r in model.recommendations_for(unit_id):
        if unit_id in r.targets:
            named.append(r)
        elif "all" in r.targets:
            general += 1
        else:
            group = next(t for t in r.targets if t in model.structured.groups
                         and model.in_group(t, unit_id))
            by_group.setdefault(group, []).append(r)
    return UnitRecommendations(named, by_group, general)


def _unit_pages(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    ds = model.dataset
    out = []
    for area in ds.units:
        page = model.content.get(lang, "unit", area.id)
        name = text(area.name, lang)
        type_label = model.word(f"unit_{area.type}", lang)
        out.append(PageSpec(
            path=paths.unit(lang, area.id), lang=lang, template="unit.html",
            key=("unit", area.id), title=name,
            description=(page.meta.description if page else "") or
            f"{name} ({type_label}): {model.word('key_figures', lang).lower()}",
            context={"unit": area, "page_content": page,
                     "recommendations": recommendations_by_reach(model, area.id),
                     "glance": summary.glance(model, area.id),
                     "unit_figures": model.figures.by_table(area.id),
                     "similar": model.similar[0].get(area.id, []),
                     "similar_basis": model.similar[1],
                     "index_rows": model.indices.for_unit(area.id) if model.indices else []},
            crumbs=[(model.word("home", lang), paths.home(lang)),
                    (model.word("units", lang), paths.units(lang))]))
    return out


def _region_page(model: EditionModel, paths: urls.Paths, lang: str) -> PageSpec:
    region = model.dataset.areas[model.dataset.region]
    return PageSpec(
        path=paths.region(lang), lang=lang, template="region.html", key=("region", "index"),
        title=text(region.name, lang), context={"region": region,
                                                "region_figures": model.figures.by_table(region.id)},
        crumbs=[(model.word("home", lang), paths.home(lang))])


def _units_list(model: EditionModel, paths: urls.Paths, lang: str) -> PageSpec:
    return PageSpec(
        path=paths.units(lang), lang=lang, template="units.html", key=("units", "index"),
        title=model.word("units", lang), context={"units": model.dataset.units},
        crumbs=[(model.word("home", lang), paths.home(lang))])


def _content_pages(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    return [PageSpec(path=paths.page(lang, p.slug), lang=lang, template="page.html",
                     key=("page", p.slug), title=p.meta.title,
                     description=p.meta.description, context={"page_content": p},
                     crumbs=[(model.word("home", lang), paths.home(lang))])
            for p in model.content.of_kind(lang, "page")]


def _pages_list(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    """The list of every content page, made only when the footer cannot show them all.
    It holds their titles, not the pages: a change of a page's text leaves it alone (a
    change of front matter rebuilds the whole language anyway)."""
    if not model.footer_pages(lang).more:
        return []
    listed = [(p.slug, p.meta.title, p.meta.description)
              for p in model.content.of_kind(lang, "page")]
    return [PageSpec(path=paths.page(lang, "pages"), lang=lang, template="pages.html",
                     key=("pages", "index"), title=model.word("more_pages", lang),
                     context={"listed": listed},
                     crumbs=[(model.word("home", lang), paths.home(lang))])]


def _index_pages(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    if model.indices is None:
        return []
    out = []
    for res in model.indices.indices():
        meta = res.meta
        out.append(PageSpec(
            path=paths.index(lang, meta.id), lang=lang, template="index_page.html",
            key=("index", meta.id), title=text(meta.name, lang),
            description=text(meta.measures, lang),
            context={"result": res, "rows": model.indices.rows[meta.id],
                     "audit_rows": model.indices.audit_rows(meta.id),
                     "status_counts": model.indices.status_counts(meta.id)},
            crumbs=[(model.word("home", lang), paths.home(lang)),
                    (model.word("indices", lang), paths.indices(lang))]))
    return out


def _indices_list(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    if model.indices is None:
        return []
    families: dict[str, list[IndexResult]] = {}
    for res in model.indices.indices():
        families.setdefault(res.meta.family, []).append(res)
    return [PageSpec(
        path=paths.indices(lang), lang=lang, template="indices.html", key=("indices", "index"),
        title=model.word("indices", lang), context={"families": list(families.items())},
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def _display(path: Path, base: Path) -> Path:
    try:
        return path.resolve().relative_to(base)
    except ValueError:
        return path


def _recommendation_pages(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    st = model.structured
    if not st.recommendations:
        return []
    targets = {r.id: model.targets_of(r) for r in st.recommendations}
    return [PageSpec(
        path=paths.page(lang, "recommendations"), lang=lang, template="recommendations.html",
        key=("recommendations", "index"), title=model.word("recommendations", lang),
        description=model.word("recommendations_description", lang),
        context={"areas": st.areas, "recommendations": st.recommendations,
                 "targets": targets, "groups": st.groups, "units": model.dataset.units},
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def _glossary_pages(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    st = model.structured
    if not st.terms:
        return []
    terms = sorted(st.terms, key=lambda t: fmt.collation_key(text(t.term, lang), lang))
    return [PageSpec(
        path=paths.page(lang, "glossary"), lang=lang, template="glossary.html",
        key=("glossary", "index"), title=model.word("glossary", lang),
        context={"terms": terms}, crumbs=[(model.word("home", lang), paths.home(lang))])]


def _data_page(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    if not model.downloads:
        return []
    ds = model.dataset
    prefix = f"downloads/{ds.edition}/"
    tables = [(t, prefix + f"tables/{t.id}.csv", len(model.downloads[prefix + f"tables/{t.id}.csv"]))
              for t in ds.tables.values()]
    names = [(archive_name(ds.edition), "file_archive"), ("CITATION.cff", "file_citation")] + [
        (name, "file_" + name.replace(".", "_").replace("-", "_"))
        for name in ("indices.csv", "audit.csv", "sensitivity.csv", "units.csv",
                     "indicators.csv", "data.json", "csv-metadata.json")]
    others = [(name, prefix + name, len(model.downloads[prefix + name]), key)
              for name, key in names if prefix + name in model.downloads]
    return [PageSpec(
        path=paths.page(lang, "data"), lang=lang, template="data.html", key=("data", "index"),
        title=model.word("data_downloads", lang), description=model.word("data_downloads_help", lang),
        context={"tables": tables, "others": others},
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def compare_table(model: EditionModel, lang: str, helpers: PageHelpers) -> dict[str, Any]:
    """Every value the site shows per unit, formatted for ``lang``: rows × units."""
    ds = model.dataset
    rows: list[dict[str, Any]] = []
    for table_id in ds.tables:
        obs = ds.select(table=table_id, units=ds.unit_ids())
        if obs.empty:
            continue
        group = helpers.table_title(table_id)
        keys = obs[["indicator", "category", "year"]].drop_duplicates()
        for k in keys.itertuples(index=False):
            figs = {f.unit: f for u in ds.unit_ids()
                    for f in model.figures.pick(u, table_id, k.indicator, k.category, int(k.year))}
            if not figs:
                continue
            first = next(iter(figs.values()))
            rows.append({"group": group,
                         "label": _with_year(helpers.indicator_name(first), k.year),
                         "measure": helpers.measure(k.indicator),
                         "values": {u: helpers.figure_value(f) for u, f in figs.items()},
                         **_raw({u: f.value for u, f in figs.items() if not f.flag},
                                ds.indicators[k.indicator].decimals)})
    if model.indices:
        group = model.word("indices", lang)
        for res in model.indices.indices():
            by_key: dict[tuple[str, int | None], dict[str, str]] = {}
            raw: dict[tuple[str, int | None], dict[str, float]] = {}
            for r in model.indices.rows[res.meta.id]:
                if r.ref:
                    continue
                label = helpers.index_name(r.index)
                if r.part:
                    label += f": {helpers.part_name(r.index, r.part)}"
                value = helpers.class_name(r.index, r.cls) if r.cls else helpers.index_value(r)
                by_key.setdefault((label, r.year), {})[r.unit] = value
                if not r.cls:
                    raw.setdefault((label, r.year), {})[r.unit] = r.value
            for (label, year), values in by_key.items():
                rows.append({"group": group, "label": f"{label}, {year}" if year else label,
                             "measure": helpers.measure_id(res.meta.measure)
                             if isinstance(res.meta.measure, str) else "",
                             "values": values,
                             **_raw(raw.get((label, year), {}), res.meta.decimals)})
    return {"units": {u.id: text(u.name, lang) for u in ds.units}, "rows": rows,
            "symbols": fmt.number_symbols(lang), "chart": _compare_chart(model, lang, helpers)}


def _with_year(label: str, year: int) -> str:
    """'Name, 2020', unless the name already ends with its year."""
    return label if label.endswith(str(year)) else f"{label}, {year}"


def _raw(values: dict[str, float], decimals: int | None) -> dict[str, Any]:
    """The numbers behind a compare row, for its difference column (none for classes)."""
    numbers = {u: v for u, v in values.items() if not math.isnan(v)}
    if len(numbers) < 2:
        return {}
    return {"raw": numbers, "decimals": 2 if decimals is None else decimals}


def _compare_chart(model: EditionModel, lang: str, helpers: PageHelpers
                   ) -> list[dict[str, Any]]:
    """The headline measures of the profiles (home.yaml glance) as every unit's place, so
    the compare page can draw the two chosen units on one scale; ``right`` is the rank
    drawn at the right end, the better one where the data say which is better."""
    spec = model.content.home.glance
    if spec is None:
        return []
    out = []
    for ref in ([spec.why] if spec.why else []) + list(spec.indicators):
        copies = summary.copied_units(model, ref.index) if ref.index else set()
        standings = {u: s for u in model.dataset.unit_ids()
                     if (s := summary.standing(model, ref, u)) is not None
                     and s.rank and u not in copies}    # copies: not real
        if len(standings) < 2:
            continue
        one = next(iter(standings.values()))
        rank_one_best = (one.first == "highest") == (one.better != "lower") \
            if one.better else True
        out.append({"label": helpers.standing_name(one), "of": one.rank_of,
                    "one": helpers.word("rank_one_note", one=helpers.rank_one(one)),
                    "right": 1 if rank_one_best else one.rank_of,
                    "ranks": {u: s.rank for u, s in standings.items()},
                    "values": {u: helpers.standing_value(s) for u, s in standings.items()}})
    return out


def _compare_page(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    return [PageSpec(
        path=paths.page(lang, "compare"), lang=lang, template="compare.html",
        key=("compare", "index"), title=model.word("compare", lang),
        description=model.word("compare_help", lang), context={"units": model.dataset.units},
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def _not_found(model: EditionModel) -> PageSpec:
    """404.html: served for any missing address, so its links start from the site root."""
    lang = model.config.default_language
    return PageSpec(path="404.html", lang=lang, template="404.html", key=("404", "index"),
                    title=model.word("not_found", lang), rooted=True,
                    context={"other_languages": model.config.languages})


def _search_page(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    return [PageSpec(
        path=paths.page(lang, "search"), lang=lang, template="search.html",
        key=("search", "index"), title=model.word("search", lang),
        description=model.word("search_help", lang),
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def _changes_page(model: EditionModel, paths: urls.Paths, lang: str) -> list[PageSpec]:
    previous = model.previous_model
    if model.changes is None or previous is None:
        return []
    prev = previous.edition
    return [PageSpec(
        path=paths.page(lang, "changes"), lang=lang, template="changes.html",
        key=("changes", "index"),
        title=model.word("changes_title", lang).format(edition=text(prev.title, lang) or prev.id),
        description=model.word("changes_description", lang),
        context={"changes": model.changes, "previous": model.previous_model},
        crumbs=[(model.word("home", lang), paths.home(lang))])]


def plan(model: EditionModel, paths: urls.Paths, not_found: bool = True) -> list[PageSpec]:
    """All pages of one edition in every language at ``paths``, in a fixed order;
    ``not_found`` adds the site's 404 page (made once, from the tree at the site root)."""
    specs: list[PageSpec] = []
    for lang in model.config.languages:
        specs.append(_home_pages(model, paths, lang))
        specs.append(_units_list(model, paths, lang))
        specs.append(_region_page(model, paths, lang))
        for kind in (_unit_pages, _indices_list, _index_pages, _recommendation_pages,
                     _glossary_pages, _data_page, _compare_page, _changes_page, _search_page,
                     _content_pages, _pages_list):
            specs.extend(kind(model, paths, lang))
    if not_found:
        specs.append(_not_found(model))
    return specs
