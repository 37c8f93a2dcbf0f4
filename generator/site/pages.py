"""Which pages the site has, and what each one shows.

Planning is separate from rendering: every page is first described as a :class:`PageSpec`
(its path, language, template and context), so the pipeline knows the whole site — for the
language switcher, link checks and the sitemap — before a single file is written.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import formatting as fmt
from ..config import Edition, SiteConfig
from ..content.load import Content
from ..content.structured import Structured, group_members, load_structured
from ..data.model import Dataset, text
from ..errors import ContentError
from ..indices.results import Results
from . import summary, urls
from .chartplan import ChartPlan
from .edition_citation import archive_name
from .editions import EditionLinks
from .figures import FigureIndex, similar_units
from .history import unit_history
from .indexview import IndexView


@dataclass
class PageSpec:
    path: str                       # relative to the output root
    lang: str
    template: str
    key: tuple[str, str]            # (kind, slug): the same page in other languages
    title: str
    description: str = ""
    context: dict[str, Any] = field(default_factory=dict)
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (title, path)
    rooted: bool = False            # links from base_url's path (pages served at any address)
    inputs: frozenset[str] | None = None  # input files it is made from (None: every input);
                                          # set by the pipeline (generator.site.inputs)


@dataclass(frozen=True)
class FooterPages:
    shown: list            # content Pages, in order
    total: int
    more: bool             # the footer links to the list of all content pages


@dataclass
class SiteModel:
    """Everything the pages are made from, gathered before rendering."""

    config: SiteConfig
    edition: Edition
    dataset: Dataset
    content: Content
    figures: FigureIndex
    strings: dict[str, dict[str, str]]
    indices: IndexView | None = None    # index engine results, when computed
    key_figures: list[Any] = field(default_factory=list)
    structured: Structured | None = None    # recommendations, glossary, groups (content/<edition>)
    # nearest units by normalised indicators: ({unit: [(unit, distance)]}, sections used)
    similar: tuple[dict[str, list[tuple[str, float]]], int] | None = None
    downloads: dict[str, bytes] = field(default_factory=dict)   # the data downloads by path
    charts: ChartPlan | None = None     # the charts of every page
    chart_files: dict[str, bytes] | None = None   # the rendered charts, once made
    index_reads: set = field(default_factory=set)   # (indicator, table) the index engine read
    urls: urls.Paths = field(default_factory=urls.Paths)   # where this tree's pages live
    editions: EditionLinks | None = None    # the same page in the other editions
    results: Results | None = None      # the index engine's Results
    changes: Any = None             # editions.compare.Comparison (a layer above: not imported)
    previous_model: SiteModel | None = None     # the previous edition's model
    edition_views: list[tuple[str, IndexView | None]] = field(default_factory=list)  # oldest first
    inputs: Any = None              # build.Inputs of the edition (the pipeline: not imported)
    cache_dir: Path | None = None   # .cache/ folder for computed results (None: no cache)

    # Groups and targets are asked for once per page (every unit's profile lists the
    # recommendations that concern it): each is worked out once per model, so planning
    # grows with the units, not with units × units.
    def group_members(self, group_id: str) -> list[str]:
        memo = self.__dict__.setdefault("_members", {})
        if group_id not in memo:
            g = self.structured.groups.get(group_id)
            results = self.indices.results if self.indices else None
            memo[group_id] = group_members(g, self.dataset.areas.values(), results) \
                if g else []
        return list(memo[group_id])

    def targets_of(self, rec) -> list[str]:
        """Unit ids a recommendation concerns (all units for 'all')."""
        out: dict[str, None] = {}
        for t in rec.targets:
            if t == "all":
                return self.dataset.unit_ids()
            members = self.group_members(t) if t in self.structured.groups else [t]
            out.update(dict.fromkeys(members))
        return list(out)

    def recommendations_for(self, unit_id: str) -> list:
        """The recommendations that concern a unit, in their order."""
        memo = self.__dict__.get("_by_unit")
        if memo is None:
            memo = {}
            for r in self.structured.recommendations:
                for u in self.targets_of(r):
                    memo.setdefault(u, []).append(r)
            self.__dict__["_by_unit"] = memo
        return list(memo.get(unit_id, []))

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
    def status(self) -> str:
        return self.config.status(self.edition.id)

    def errata_for(self, spec: PageSpec) -> list:
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

    def unit_history(self, unit_id: str) -> list:
        """[(index id, part, points)]: the unit's values across editions (two or more)."""
        return unit_history(self.edition_views, unit_id) if self.edition_views else []

    def s(self, key: str, lang: str) -> str:
        return text(self.strings.get(key), lang) or key


def home_figures(site: SiteModel, notes: list[str] | None = None) -> list:
    """The home page's key figures, as chosen in content/<edition>/home.yaml. With
    ``notes`` (a draft), a figure without its value yet is left out and noted."""
    out = []
    for i, ref in enumerate(site.content.home.key_figures):
        area = ref.unit or site.dataset.region
        found = site.figures.pick(area, ref.table, ref.indicator, ref.category, ref.year)
        if not found and notes is not None:
            notes.append(f"draft edition {site.edition.id}: key figure {ref.indicator!r} of "
                         f"table {ref.table!r} has no value yet")
            continue
        if len(found) != 1:
            what = "matches no value" if not found else f"matches {len(found)} values"
            raise ContentError(
                f"key figure {ref.indicator!r} of table {ref.table!r} {what} for {area!r}",
                site.content.home_file, site.content.home_lines.get(i),
                "check table, indicator, category and unit; give 'year' when the table "
                "has several years")
        out.append(found[0])
    return out


def _home_pages(site: SiteModel, lang: str) -> PageSpec:
    ds = site.dataset
    page = site.content.get(lang, "home", "index")
    title = page.meta.title if page else text(site.config.title, lang)
    region = ds.areas[ds.region]
    return PageSpec(
        path=site.urls.home(lang), lang=lang, template="home.html", key=("home", "index"),
        title=title,
        description=(page.meta.description if page else "") or text(site.config.description, lang),
        context={"page_content": page, "region": region,
                 "key_figures": site.key_figures, "headline": summary.headline(site),
                 "home_groups": [(gid, site.structured.groups[gid], site.group_members(gid))
                                 for gid in site.content.home.groups
                                 if gid in site.structured.groups],
                 "units": ds.units},
        crumbs=[])


@dataclass(frozen=True)
class UnitRecommendations:
    """A unit's recommendations by how closely they target it: those naming the unit, those
    naming a group it belongs to ({group id: [recommendations]}), and how many concern every
    unit alike (the profile links to them instead of repeating them)."""

    named: list
    by_group: dict
    general: int

    def __bool__(self) -> bool:
        return bool(self.named or self.by_group or self.general)


def recommendations_by_reach(site: SiteModel, unit_id: str) -> UnitRecommendations:
    named, by_group, general = [], {}, 0
    for r in site.recommendations_for(unit_id):
        if unit_id in r.targets:
            named.append(r)
        elif "all" in r.targets:
            general += 1
        else:
            group = next(t for t in r.targets if t in site.structured.groups
                         and unit_id in site.group_members(t))
            by_group.setdefault(group, []).append(r)
    return UnitRecommendations(named, by_group, general)


def _unit_pages(site: SiteModel, lang: str) -> list[PageSpec]:
    ds = site.dataset
    out = []
    for area in ds.units:
        page = site.content.get(lang, "unit", area.id)
        name = text(area.name, lang)
        type_label = site.s(f"unit_{area.type}", lang)
        out.append(PageSpec(
            path=site.urls.unit(lang, area.id), lang=lang, template="unit.html",
            key=("unit", area.id), title=name,
            description=(page.meta.description if page else "") or
            f"{name} ({type_label}): {site.s('key_figures', lang).lower()}",
            context={"unit": area, "page_content": page,
                     "recommendations": recommendations_by_reach(site, area.id),
                     "glance": summary.glance(site, area.id),
                     "unit_figures": site.figures.by_table(area.id),
                     "similar": site.similar[0].get(area.id, []),
                     "similar_basis": site.similar[1],
                     "index_rows": site.indices.for_unit(area.id) if site.indices else []},
            crumbs=[(site.s("home", lang), site.urls.home(lang)),
                    (site.s("units", lang), site.urls.units(lang))]))
    return out


def _region_page(site: SiteModel, lang: str) -> PageSpec:
    region = site.dataset.areas[site.dataset.region]
    return PageSpec(
        path=site.urls.region(lang), lang=lang, template="region.html", key=("region", "index"),
        title=text(region.name, lang), context={"region": region,
                                                "region_figures": site.figures.by_table(region.id)},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])


def _units_list(site: SiteModel, lang: str) -> PageSpec:
    return PageSpec(
        path=site.urls.units(lang), lang=lang, template="units.html", key=("units", "index"),
        title=site.s("units", lang), context={"units": site.dataset.units},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])


def _content_pages(site: SiteModel, lang: str) -> list[PageSpec]:
    return [PageSpec(path=site.urls.page(lang, p.slug), lang=lang, template="page.html",
                     key=("page", p.slug), title=p.meta.title,
                     description=p.meta.description, context={"page_content": p},
                     crumbs=[(site.s("home", lang), site.urls.home(lang))])
            for p in site.content.of_kind(lang, "page")]


def _pages_list(site: SiteModel, lang: str) -> list[PageSpec]:
    """The list of every content page, made only when the footer cannot show them all.
    It holds their titles, not the pages: a change of a page's text leaves it alone (a
    change of front matter rebuilds the whole language anyway)."""
    if not site.footer_pages(lang).more:
        return []
    listed = [(p.slug, p.meta.title, p.meta.description)
              for p in site.content.of_kind(lang, "page")]
    return [PageSpec(path=site.urls.page(lang, "pages"), lang=lang, template="pages.html",
                     key=("pages", "index"), title=site.s("more_pages", lang),
                     context={"listed": listed},
                     crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def _index_pages(site: SiteModel, lang: str) -> list[PageSpec]:
    if site.indices is None:
        return []
    out = []
    for res in site.indices.indices():
        meta = res.meta
        out.append(PageSpec(
            path=site.urls.index(lang, meta.id), lang=lang, template="index_page.html",
            key=("index", meta.id), title=text(meta.name, lang),
            description=text(meta.measures, lang),
            context={"result": res, "rows": site.indices.rows[meta.id],
                     "audit_rows": site.indices.audit_rows(meta.id),
                     "status_counts": site.indices.status_counts(meta.id)},
            crumbs=[(site.s("home", lang), site.urls.home(lang)),
                    (site.s("indices", lang), site.urls.indices(lang))]))
    return out


def _indices_list(site: SiteModel, lang: str) -> list[PageSpec]:
    if site.indices is None:
        return []
    families: dict[str, list] = {}
    for res in site.indices.indices():
        families.setdefault(res.meta.family, []).append(res)
    return [PageSpec(
        path=site.urls.indices(lang), lang=lang, template="indices.html", key=("indices", "index"),
        title=site.s("indices", lang), context={"families": list(families.items())},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def _display(path: Path, base: Path) -> Path:
    try:
        return path.resolve().relative_to(base)
    except ValueError:
        return path


def _recommendation_pages(site: SiteModel, lang: str) -> list[PageSpec]:
    st = site.structured
    if not st.recommendations:
        return []
    targets = {r.id: site.targets_of(r) for r in st.recommendations}
    return [PageSpec(
        path=site.urls.page(lang, "recommendations"), lang=lang, template="recommendations.html",
        key=("recommendations", "index"), title=site.s("recommendations", lang),
        description=site.s("recommendations_description", lang),
        context={"areas": st.areas, "recommendations": st.recommendations,
                 "targets": targets, "groups": st.groups, "units": site.dataset.units},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def _glossary_pages(site: SiteModel, lang: str) -> list[PageSpec]:
    st = site.structured
    if not st.terms:
        return []
    terms = sorted(st.terms, key=lambda t: fmt.collation_key(text(t.term, lang), lang))
    return [PageSpec(
        path=site.urls.page(lang, "glossary"), lang=lang, template="glossary.html",
        key=("glossary", "index"), title=site.s("glossary", lang),
        context={"terms": terms}, crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def _data_page(site: SiteModel, lang: str) -> list[PageSpec]:
    if not site.downloads:
        return []
    ds = site.dataset
    prefix = f"downloads/{ds.edition}/"
    tables = [(t, prefix + f"tables/{t.id}.csv", len(site.downloads[prefix + f"tables/{t.id}.csv"]))
              for t in ds.tables.values()]
    names = [(archive_name(ds.edition), "file_archive"), ("CITATION.cff", "file_citation")] + [
        (name, "file_" + name.replace(".", "_").replace("-", "_"))
        for name in ("indices.csv", "audit.csv", "sensitivity.csv", "units.csv",
                     "indicators.csv", "data.json", "csv-metadata.json")]
    others = [(name, prefix + name, len(site.downloads[prefix + name]), key)
              for name, key in names if prefix + name in site.downloads]
    return [PageSpec(
        path=site.urls.page(lang, "data"), lang=lang, template="data.html", key=("data", "index"),
        title=site.s("data_downloads", lang), description=site.s("data_downloads_help", lang),
        context={"tables": tables, "others": others},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def compare_table(site: SiteModel, lang: str, helpers) -> dict:
    """Every value the site shows per unit, formatted for ``lang``: rows × units."""
    ds = site.dataset
    rows: list[dict] = []
    for table_id in ds.tables:
        obs = ds.select(table=table_id, units=ds.unit_ids())
        if obs.empty:
            continue
        group = helpers.table_title(table_id)
        keys = obs[["indicator", "category", "year"]].drop_duplicates()
        for k in keys.itertuples(index=False):
            figs = {f.unit: f for u in ds.unit_ids()
                    for f in site.figures.pick(u, table_id, k.indicator, k.category, int(k.year))}
            if not figs:
                continue
            first = next(iter(figs.values()))
            rows.append({"group": group,
                         "label": _with_year(helpers.indicator_name(first), k.year),
                         "measure": helpers.measure(k.indicator),
                         "values": {u: helpers.figure_value(f) for u, f in figs.items()},
                         **_raw({u: f.value for u, f in figs.items() if not f.flag},
                                ds.indicators[k.indicator].decimals)})
    if site.indices:
        group = site.s("indices", lang)
        for res in site.indices.indices():
            by_key: dict[tuple, dict] = {}
            raw: dict[tuple, dict] = {}
            for r in site.indices.rows[res.meta.id]:
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
            "symbols": fmt.number_symbols(lang), "chart": _compare_chart(site, lang, helpers)}


def _with_year(label: str, year: int) -> str:
    """'Name, 2020', unless the name already ends with its year."""
    return label if label.endswith(str(year)) else f"{label}, {year}"


def _raw(values: dict, decimals: int | None) -> dict:
    """The numbers behind a compare row, for its difference column (none for classes)."""
    numbers = {u: v for u, v in values.items() if not math.isnan(v)}
    if len(numbers) < 2:
        return {}
    return {"raw": numbers, "decimals": 2 if decimals is None else decimals}


def _compare_chart(site: SiteModel, lang: str, helpers) -> list[dict]:
    """The headline measures of the profiles (home.yaml glance) as every unit's place, so
    the compare page can draw the two chosen units on one scale; ``right`` is the rank
    drawn at the right end, the better one where the data say which is better."""
    spec = site.content.home.glance
    if spec is None:
        return []
    out = []
    for ref in ([spec.why] if spec.why else []) + list(spec.indicators):
        standings = {u: summary.standing(site, ref, u) for u in site.dataset.unit_ids()}
        copies = summary.copied_units(site, ref.index) if ref.index else set()
        standings = {u: s for u, s in standings.items()
                     if s is not None and s.rank and u not in copies}   # copies: not real
        if len(standings) < 2:
            continue
        one = next(iter(standings.values()))
        rank_one_best = (one.first == "highest") == (one.better != "lower") \
            if one.better else True
        out.append({"label": helpers.standing_name(one), "of": one.rank_of,
                    "one": helpers.t("rank_one_note", one=helpers.rank_one(one)),
                    "right": 1 if rank_one_best else one.rank_of,
                    "ranks": {u: s.rank for u, s in standings.items()},
                    "values": {u: helpers.standing_value(s) for u, s in standings.items()}})
    return out


def _compare_page(site: SiteModel, lang: str) -> list[PageSpec]:
    return [PageSpec(
        path=site.urls.page(lang, "compare"), lang=lang, template="compare.html",
        key=("compare", "index"), title=site.s("compare", lang),
        description=site.s("compare_help", lang), context={"units": site.dataset.units},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def _not_found(site: SiteModel) -> PageSpec:
    """404.html: served for any missing address, so its links start from the site root."""
    lang = site.config.default_language
    return PageSpec(path="404.html", lang=lang, template="404.html", key=("404", "index"),
                    title=site.s("not_found", lang), rooted=True,
                    context={"other_languages": site.config.languages})


def _search_page(site: SiteModel, lang: str) -> list[PageSpec]:
    return [PageSpec(
        path=site.urls.page(lang, "search"), lang=lang, template="search.html",
        key=("search", "index"), title=site.s("search", lang),
        description=site.s("search_help", lang),
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def ensure_structured(site: SiteModel) -> None:
    """Recommendations, glossary and groups of the edition (read once)."""
    if site.structured is None:
        base = site.config.root
        site.structured = load_structured(
            site.config.content_path, site.edition.id, site.dataset.unit_ids(),
            set(site.dataset.documents), lambda p: _display(p, base))


def _changes_page(site: SiteModel, lang: str) -> list[PageSpec]:
    if site.changes is None:
        return []
    prev = site.previous_model.edition
    return [PageSpec(
        path=site.urls.page(lang, "changes"), lang=lang, template="changes.html",
        key=("changes", "index"),
        title=site.s("changes_title", lang).format(edition=text(prev.title, lang) or prev.id),
        description=site.s("changes_description", lang),
        context={"changes": site.changes, "previous": site.previous_model},
        crumbs=[(site.s("home", lang), site.urls.home(lang))])]


def plan(site: SiteModel, not_found: bool = True) -> list[PageSpec]:
    """All pages of one edition in every language, in a fixed order; ``not_found`` adds the
    site's 404 page (made once, from the tree at the site root)."""
    ensure_structured(site)
    if site.similar is None:
        site.similar = similar_units(site.dataset)
    specs: list[PageSpec] = []
    for lang in site.config.languages:
        specs.append(_home_pages(site, lang))
        specs.append(_units_list(site, lang))
        specs.append(_region_page(site, lang))
        specs.extend(_unit_pages(site, lang))
        specs.extend(_indices_list(site, lang))
        specs.extend(_index_pages(site, lang))
        specs.extend(_recommendation_pages(site, lang))
        specs.extend(_glossary_pages(site, lang))
        specs.extend(_data_page(site, lang))
        specs.extend(_compare_page(site, lang))
        specs.extend(_changes_page(site, lang))
        specs.extend(_search_page(site, lang))
        specs.extend(_content_pages(site, lang))
        specs.extend(_pages_list(site, lang))
    if not_found:
        specs.append(_not_found(site))
    return specs
