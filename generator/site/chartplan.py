"""Which charts each page shows, declared in content/<edition>/charts.yaml.

The chart builders (generator.charts) know no page; this module knows which index or table
a page charts, turns the engine's results and the data into the builders' plain frames with
texts in the page's language, and returns the charts per page. Nothing here names a region,
unit or index: the choices live in charts.yaml.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import formatting as fmt
from ..charts import (
    composition_chart,
    heatmap_chart,
    map_chart,
    map_over,
    on_page,
    prefetch,
    profile_charts,
    ranking_chart,
    scatter_chart,
    sensitivity_chart,
    slope_chart,
    time_series_chart,
)
from ..charts import slug as chart_id
from ..data.model import text
from ..errors import ContentError
from ..yamlio import load_yaml, validation_error
from .inputs import INDICES, Input, table_input
from .sourcewords import table_label


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IndexRef(_Strict):
    index: str
    part: str = ""


class UnitMapRef(IndexRef):
    """The map on each unit's profile. ``extent``: ``region`` draws the region's map (one
    image per language, shared by every unit page) with this unit outlined over it, a
    page's cost the same at any size of region; ``neighbours`` only the units near it
    (within ``margin`` times its size on every side), drawn live, a spec per unit;
    ``auto`` is ``region``, or ``neighbours`` for regions of more than ``region_up_to``
    units when that is set."""
    extent: Literal["auto", "region", "neighbours"] = "auto"
    region_up_to: int | None = Field(default=None, ge=1)
    margin: float = Field(default=1.0, ge=0)

    def neighbours_only(self, units: int) -> bool:
        return self.extent == "neighbours" or (
            self.extent == "auto" and self.region_up_to is not None
            and units > self.region_up_to)


class SeriesSpec(_Strict):
    id: str
    table: str
    indicators: list[str]
    unit: str | None = None          # default: the region
    title: dict[str, str] = Field(default_factory=dict)


class CompositionSpec(_Strict):
    """Shares as sorted bars: the parts of a computed index, or the categories of a table."""
    id: str
    index: str | None = None
    table: str | None = None
    indicator: str | None = None
    unit: str | None = None
    year: int | None = None
    exclude: list[str] = Field(default_factory=list)   # categories left out (e.g. the total)
    areas: list[str] = Field(default_factory=list)     # compare these areas instead of categories


class ScatterSpec(_Strict):
    x: IndexRef
    y: IndexRef
    page: str                        # the index page that shows it


class HeatmapSpec(_Strict):
    index: str                       # a multi-part index whose parts are normalised scores
    page: str | None = None


class PageCharts(_Strict):
    """Charts of a content page (content/<edition>/<lang>/pages/<slug>.md)."""
    series: list[SeriesSpec] = Field(default_factory=list)
    compositions: list[CompositionSpec] = Field(default_factory=list)


class ChartsFile(_Strict):
    home_map: IndexRef | None = None
    home_ranking: IndexRef | None = None       # a ranking beside the home map
    # Which way each index is better (higher | lower): maps and heat maps draw the worse
    # end dark and say so in their legend; an index not listed gets a neutral ramp.
    better: dict[str, Literal["higher", "lower"]] = Field(default_factory=dict)
    changes_slopes: list[IndexRef] = Field(default_factory=list)   # on "what changed"
    unit_map: UnitMapRef | None = None
    unit_profile: IndexRef | None = None
    index_rankings: bool = True
    # Charts of all units (rankings, rank ranges, heatmaps) draw every unit up to this
    # many; above, the two ends of the list (their tables keep every unit).
    chart_rows: int = Field(default=40, ge=4)
    sensitivity: bool = True
    heatmaps: list[HeatmapSpec] = Field(default_factory=list)
    scatters: list[ScatterSpec] = Field(default_factory=list)
    region_series: list[SeriesSpec] = Field(default_factory=list)
    compositions: list[CompositionSpec] = Field(default_factory=list)
    pages: dict[str, PageCharts] = Field(default_factory=dict)
    # Charts (by id) drawn as an image at build time wherever they appear; otherwise only
    # a page's first chart is (generator.charts.render.on_page).
    static: list[str] = Field(default_factory=list)


@dataclass
class ChartPlan:
    by_page: dict[tuple[tuple[str, str], str], list] = field(default_factory=dict)
    static: frozenset[str] = frozenset()        # charts.yaml: static

    def add(self, key: tuple[str, str], lang: str, chart, inputs: frozenset[Input]) -> None:
        """``inputs``: what the chart shows (generator.site.inputs). How the page draws
        it (an image or live) is decided here, by its place on the page."""
        # The home page's charts are its headline, side by side: all seen first.
        chart = on_page(chart, leads=key == ("home", "index") or (key, lang) not in self.by_page,
                        image=chart.id in self.static)
        object.__setattr__(chart, "inputs", inputs)
        self.by_page.setdefault((key, lang), []).append(chart)
        prefetch([chart])        # a build's image workers start drawing it now

    def get(self, key: tuple[str, str], lang: str) -> list:
        return self.by_page.get((key, lang), [])

    def all(self) -> list:
        return [c for charts in self.by_page.values() for c in charts]


def load_charts_file(site) -> tuple[ChartsFile, Any]:
    path = site.config.content_path / site.edition.id / "charts.yaml"
    if not path.is_file():
        return ChartsFile(index_rankings=True), None
    doc = load_yaml(path)
    if not doc.data:        # an emptied file would switch every declared chart off silently
        raise ContentError("the file declares no charts", path, 1, "declare the charts "
                           "(see docs), or delete the file to get the default index rankings")
    try:
        spec = ChartsFile.model_validate(doc.data or {})
    except ValidationError as exc:
        err = validation_error(exc, doc)
        raise ContentError(err.message, err.file, err.line, err.fix) from None
    return spec, doc


class _Planner:
    def __init__(self, site, strings, boundaries, rows: int | None = None):
        self.site = site
        self.ds = site.dataset
        self.strings = strings
        self.boundaries = boundaries
        self.view = site.indices
        self.rows = rows                        # charts.yaml: chart_rows
        self._names: dict[str, dict[str, str]] = {}
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}
        self._usable: dict[tuple[str, str], bool] = {}
        self._texts: dict[tuple[str, str, str], tuple] = {}
        self._bases: dict[tuple[str, ...], Any] = {}
        self._profiles: dict[tuple[str, str], tuple] = {}
        self._areas: list | None = None
        self._copies: dict[str, dict[str, str]] = {}
        self.better: dict[str, str] = {}          # charts.yaml: better

    # -- helpers ----------------------------------------------------------------
    def s(self, key: str, lang: str) -> str:
        return self.site.word(key, lang)

    def numbered(self, kind: str, number: object, lang: str) -> str:
        """A numbered table or figure in the language's word order ("40-кесте")."""
        return fmt.numbered(self.s(f"{kind}_n", lang), self.s(f"{kind}s_n", lang), str(number))

    # Per-unit charts ask for the same frames once per unit: each is made once per build,
    # so planning grows with the units, not with units × units.
    def unit_names(self, lang: str) -> dict[str, str]:
        if lang not in self._names:
            self._names[lang] = {u.id: text(u.name, lang) for u in self.ds.units}
        return self._names[lang]

    def index_frame(self, ref: IndexRef) -> pd.DataFrame:
        key = (ref.index, ref.part)
        if key not in self._frames:
            rows = [r for r in self.view.rows.get(ref.index, [])
                    if r.part == ref.part and not r.ref]
            self._frames[key] = pd.DataFrame([{"unit": r.unit, "value": r.value,
                                               "class": r.cls, "year": r.year} for r in rows])
        return self._frames[key]

    def region_value(self, ref: IndexRef) -> float | None:
        key = ("@region", ref.index, ref.part)
        if key not in self._texts:
            self._texts[key] = next(
                (r.value for r in self.view.rows.get(ref.index, [])
                 if r.part == ref.part and r.unit == self.ds.region
                 and not math.isnan(r.value)), None)
        return self._texts[key]

    def index_texts(self, ref: IndexRef, lang: str) -> tuple[str, str, str, str, int | None]:
        key = (ref.index, ref.part, lang)
        if key not in self._texts:
            self._texts[key] = self._index_texts(ref, lang)
        return self._texts[key]

    def _index_texts(self, ref: IndexRef, lang: str) -> tuple[str, str, str, str, int | None]:
        res = self.view.results[ref.index]
        meta = res.meta
        title = text(meta.name, lang)
        if ref.part:
            title += ": " + self.view.part_name(ref.index, ref.part, lang)
        measure = text(self.ds.measures.get(meta.measure), lang) \
            if isinstance(meta.measure, str) else ""
        years = sorted({r.year for r in self.view.rows.get(ref.index, []) if r.year})
        subtitle = ", ".join(x for x in (measure, "–".join(str(y) for y in years[:1] + years[1:][-1:]))
                             if x)
        src = meta.source or {}
        doc = self.ds.documents.get(src.get("document", ""))
        source_parts = [text(doc.short, lang) or text(doc.title, lang)] if doc else []
        if src.get("table"):
            source_parts.append(self.numbered("table", src["table"], lang))
        source_parts.append(f"Aimaq: {self.s('status_' + meta.status, lang)}")
        return title, subtitle, ", ".join(source_parts), measure, meta.decimals

    def copies(self, index_id: str) -> dict[str, str]:
        """``{unit: unit whose row it repeats}`` for an index's inputs: units whose row of
        the source table repeats another unit's row in every input (three or more), which
        the audit calls not real. The first row printed (lowest line) is the original.
        Found in the data, not listed: a new edition's copies are found the same way."""
        if index_id not in self._copies:
            self._copies[index_id] = self._find_copies(index_id)
        return self._copies[index_id]

    def _find_copies(self, index_id: str) -> dict[str, str]:
        meta = self.view.results[index_id].meta
        inputs = [i for i in meta.inputs if i.kind == "indicator" and i.table]
        if len(inputs) < 3:                 # two equal numbers may be a coincidence
            return {}
        rows: dict[str, list] = {}
        first_line: dict[str, int] = {}
        units = set(self.ds.unit_ids())
        for inp in inputs:
            obs = self.ds.select(inp.ref, table=inp.table,
                                 year=inp.year if isinstance(inp.year, int) else None)
            obs = obs[obs["unit"].isin(units)]
            for r in obs.itertuples(index=False):
                rows.setdefault(r.unit, []).append((inp.id, r.value))
                first_line[r.unit] = min(first_line.get(r.unit, r.line), r.line)
        groups: dict[tuple, list[str]] = {}
        for unit, values in rows.items():
            if len(values) == len(inputs) and all(not math.isnan(v) for _, v in values):
                groups.setdefault(tuple(sorted(values)), []).append(unit)
        out = {}
        for same in groups.values():
            if len(same) > 1:
                same.sort(key=lambda u: first_line[u])
                out.update({u: same[0] for u in same[1:]})
        return out

    def marked(self, frame: pd.DataFrame, index_ids, lang: str) -> pd.DataFrame:
        """``frame`` with ``not_real`` and ``original_name`` for the copies of any index."""
        copies: dict[str, str] = {}
        for i in index_ids:
            copies.update(self.copies(i))
        names = self.unit_names(lang)
        return frame.assign(not_real=frame["unit"].isin(copies),
                            original_name=frame["unit"].map(
                                lambda u: names.get(copies.get(u, ""), "")))

    def descending(self, ref: IndexRef) -> bool:
        """Whether the engine's rank 1 is the largest value of this index (else the
        smallest), read from its ranks; the charts rank the same way and say which."""
        rows = [r for r in self.view.rows.get(ref.index, [])
                if r.part == ref.part and not r.ref and r.rank and not math.isnan(r.value)]
        if len(rows) < 2:
            return True
        first = min(rows, key=lambda r: r.rank)
        return first.value >= max(r.value for r in rows) - 1e-12

    def table_label(self, number: str, lang: str) -> str:
        """A table's printed number in the page's language (sourcewords.table_label)."""
        return table_label(number, lambda key: self.s(key, lang),
                           self.strings.get("untitled_table", lang))

    def usable(self, ref: IndexRef | None) -> bool:
        if ref is None or self.view is None or ref.index not in self.view.results.indices:
            return False
        key = (ref.index, ref.part)
        if key not in self._usable:
            frame = self.index_frame(ref)
            self._usable[key] = len(frame) >= 2 and frame["value"].notna().sum() >= 2
        return self._usable[key]

    # -- kinds --------------------------------------------------------------------
    def unit_areas(self) -> list:
        """The areas of kind ``unit``, listed once (a unit's map asks for them)."""
        if self._areas is None:
            self._areas = [a for a in self.ds.areas.values() if a.kind == "unit"]
        return self._areas

    def map(self, cid: str, ref: IndexRef, lang: str, highlight: str | None = None):
        areas = self.unit_areas()
        # A unit's map draws no image of its own: the region's map (drawn once per
        # language) with the unit outlined over it; a map of its neighbours is drawn live.
        live = bool(highlight and isinstance(ref, UnitMapRef)
                    and ref.neighbours_only(len(areas)))
        if highlight and not live:          # nothing of the region is made again per unit
            return map_over(self.base_map(ref, lang), id=cid, highlight=highlight,
                            lang=lang, strings=self.strings,
                            table_rows=max(4, self.rows // 2))
        if not highlight:           # the home map and the units' base map are one map
            key = ("@map", ref.index, ref.part, lang)
            if key not in self._bases:
                self._bases[key] = self._map(cid, ref, lang, None, areas, False)
            made = self._bases[key]
            return made if made.id == chart_id(cid) else dataclasses.replace(made, id=chart_id(cid))
        return self._map(cid, ref, lang, highlight, areas, live)

    def _map(self, cid: str, ref: IndexRef, lang: str, highlight: str | None, areas: list,
             live: bool):
        title, subtitle, source, measure, decimals = self.index_texts(ref, lang)
        frame = self.index_frame(ref)[["unit", "value"]]
        if live:
            areas = self.boundaries.neighbourhood(areas, highlight, ref.margin)
            frame = frame[frame["unit"].isin({a.id for a in areas})]
        frame = self.marked(frame, [ref.index], lang)
        return map_chart(frame, id=cid, lang=lang, strings=self.strings,
                         boundaries=self.boundaries, areas=areas,
                         title=title, subtitle=subtitle, source=source, measure=measure,
                         decimals=decimals, highlight=highlight,
                         better=self.better.get(ref.index), descending=self.descending(ref),
                         reference=self.region_value(ref),
                         reference_name=text(self.ds.areas[self.ds.region].name, lang),
                         live=live)

    def base_map(self, ref: IndexRef, lang: str):
        """The map the units' maps are drawn over: the region's, no unit highlighted."""
        key = (ref.index, ref.part, lang)
        if key not in self._bases:
            self._bases[key] = self.map("unit-map", ref, lang)
        return self._bases[key]

    def ranking(self, cid: str, ref: IndexRef, lang: str, highlight: str | None = None):
        title, subtitle, source, measure, decimals = self.index_texts(ref, lang)
        frame = self.index_frame(ref)
        names = self.unit_names(lang)
        frame = pd.DataFrame({"unit": frame["unit"], "name": frame["unit"].map(names),
                              "value": frame["value"]})
        frame = self.marked(frame, [ref.index], lang)
        return ranking_chart(frame, id=cid, lang=lang, strings=self.strings, title=title,
                             shown=self.rows, descending=self.descending(ref),
                             subtitle=subtitle, source=source, measure=measure,
                             decimals=decimals, highlight=highlight,
                             reference=self.region_value(ref),
                             reference_name=text(self.ds.areas[self.ds.region].name, lang),
                             reference_id=self.ds.region)

    def profile(self, cid: str, index_id: str, unit: str, lang: str):
        """A unit's profile: every unit's made at once per index and language
        (:func:`~generator.charts.profile_charts`), then looked up."""
        if (index_id, lang) not in self._profiles:
            names = self.unit_names(lang)
            rows = [r for r in self.view.rows[index_id] if not r.ref]
            part_names = {p: self.view.part_name(index_id, p, lang)
                          for p in dict.fromkeys(r.part for r in rows)}
            everyone = pd.DataFrame({"unit": [r.unit for r in rows],
                                     "name": [names.get(r.unit, r.unit) for r in rows],
                                     "part": [part_names[r.part] for r in rows],
                                     "value": [r.value for r in rows]})
            _, subtitle, source, measure, decimals = self.index_texts(
                IndexRef(index=index_id), lang)
            self._profiles[index_id, lang] = profile_charts(
                everyone, id=cid.removesuffix(f"-{unit}"), lang=lang, strings=self.strings,
                title=text(self.view.results[index_id].meta.name, lang), subtitle=subtitle,
                source=source, measure=measure, decimals=decimals,
                note=self.strings.get("describe_scores", lang)
                if self.better.get(index_id) == "higher" else "")
        return self._profiles[index_id, lang][1].get(unit)

    def heatmap(self, cid: str, index_id: str, lang: str):
        names = self.unit_names(lang)
        # Column headings: the parts' own short ids (such as X1–X6) when short.
        rows = [{"unit": r.unit, "name": names.get(r.unit, r.unit),
                 "column": self.view.part_name(index_id, r.part, lang), "score": r.value,
                 "code": r.part.upper() if 0 < len(r.part) <= 4 else ""}
                for r in self.view.rows[index_id] if not r.ref]
        frame = pd.DataFrame(rows)
        if (frame["code"] == "").any() or frame.groupby("code")["column"].nunique().max() > 1:
            frame = frame.drop(columns="code")
        title, subtitle, source, _, decimals = self.index_texts(IndexRef(index=index_id), lang)
        return heatmap_chart(frame, id=cid, lang=lang, strings=self.strings,
                             shown=self.rows, better=self.better.get(index_id),
                             score_title=self.strings.get("score", lang),
                             title=title, subtitle=subtitle, source=source,
                             decimals=decimals if decimals is not None else 2)

    def scatter(self, cid: str, spec: ScatterSpec, lang: str):
        names = self.unit_names(lang)
        x = self.index_frame(spec.x).set_index("unit")["value"]
        y = self.index_frame(spec.y).set_index("unit")["value"]
        units = [u for u in self.ds.unit_ids() if u in x.index and u in y.index]
        frame = pd.DataFrame({"unit": units, "name": [names[u] for u in units],
                              "x": [x[u] for u in units], "y": [y[u] for u in units]})
        frame = self.marked(frame, [spec.x.index, spec.y.index], lang)
        xt = self.index_texts(spec.x, lang)
        yt = self.index_texts(spec.y, lang)
        return scatter_chart(frame, id=cid, lang=lang, strings=self.strings,
                             title=f"{xt[0]} × {yt[0]}", x_title=xt[0], y_title=yt[0],
                             source="; ".join(dict.fromkeys([xt[2], yt[2]])),
                             x_decimals=xt[4] if xt[4] is not None else 3,
                             y_decimals=yt[4] if yt[4] is not None else 3)

    def slope(self, cid: str, change, lang: str):
        prev = self.site.previous_model
        names = {**{u.id: text(u.name, lang) for u in prev.dataset.units},
                 **self.unit_names(lang)}
        frame = pd.DataFrame([{"unit": u.unit, "name": names.get(u.unit, u.unit),
                               "rank_before": u.rank_before if u.rank_before else math.nan,
                               "rank_after": u.rank_after if u.rank_after else math.nan}
                              for u in change.units])
        ref = IndexRef(index=change.index, part=change.part)
        title, _, source, _, _ = self.index_texts(ref, lang)
        before, after = prev.edition.id, self.site.edition.id
        return slope_chart(frame, id=cid, lang=lang, strings=self.strings, title=title,
                           before=before, after=after,
                           subtitle=f"{self.s('rank', lang)}: {before} → {after}",
                           source=source)

    def sensitivity(self, cid: str, sens, lang: str):
        names = self.unit_names(lang)
        summary = sens.summary
        summary = summary[summary["unit"].isin(names)]
        frame = pd.DataFrame({"unit": summary["unit"], "name": summary["unit"].map(names),
                              "nominal_rank": summary["nominal_rank"],
                              "rank_min": summary["rank_min"], "rank_max": summary["rank_max"]})
        frame = self.marked(frame, [sens.target], lang)
        title = f"{self.s('sensitivity', lang)}: {text(self.view.results[sens.target].meta.name, lang)}"
        return sensitivity_chart(frame, id=cid, lang=lang, strings=self.strings, title=title,
                                 shown=self.rows,
                                 subtitle=self.s("rank_range", lang),
                                 source="Aimaq", variants=int(sens.variants["variant"].nunique()),
                                 descending=self.descending(IndexRef(index=sens.target)))

    def table_series(self, spec: SeriesSpec, lang: str):
        unit = spec.unit or self.ds.region
        rows = []
        measures = set()
        for ind in spec.indicators:
            obs = self.ds.select(ind, table=spec.table, units=[unit])
            indicator = self.ds.indicators[ind]
            measures.add(indicator.measure)
            for r in obs.itertuples():
                rows.append({"year": int(r.year), "value": r.value,
                             "series": text(indicator.name, lang)})
        frame = pd.DataFrame(rows)
        if len(spec.indicators) == 1:
            frame = frame.drop(columns="series")
        table = self.ds.tables[spec.table]
        doc = self.ds.documents[table.document]
        source = (f"{text(doc.short, lang) or text(doc.title, lang)}, "
                  f"{self.table_label(table.number, lang)}")
        measure = text(self.ds.measures.get(next(iter(measures))), lang) if len(measures) == 1 else ""
        title = text(spec.title, lang) or text(self.ds.indicators[spec.indicators[0]].name, lang)
        return time_series_chart(frame, id=f"series-{spec.id}", lang=lang,
                                 strings=self.strings, title=title,
                                 subtitle=f"{text(self.ds.areas[unit].name, lang)}, {measure}",
                                 source=source, measure=measure,
                                 decimals=self.ds.indicators[spec.indicators[0]].decimals)

    def composition(self, spec: CompositionSpec, lang: str):
        unit = spec.unit or self.ds.region
        if spec.index:
            rows = [r for r in self.view.rows[spec.index]
                    if r.unit == unit and r.part not in spec.exclude]
            title, subtitle, source, measure, decimals = self.index_texts(
                IndexRef(index=spec.index), lang)
            frame = pd.DataFrame({
                "category": [self.view.part_name(spec.index, r.part, lang) for r in rows],
                "id": [r.part for r in rows], "value": [r.value for r in rows]})
            return composition_chart(frame, id=f"composition-{spec.id}", lang=lang,
                                     strings=self.strings, title=title,
                                     subtitle=f"{text(self.ds.areas[unit].name, lang)}, {subtitle}",
                                     source=source, measure=measure, decimals=decimals)
        ind = self.ds.indicators[spec.indicator]
        obs = self.ds.select(spec.indicator, table=spec.table, units=[unit], year=spec.year)
        names = {c.id: text(c.name, lang) for c in ind.categories}
        obs = obs[~obs["category"].isin(spec.exclude)]
        frame = pd.DataFrame({"category": obs["category"].map(names), "id": obs["category"],
                              "value": obs["value"]})
        table = self.ds.tables[spec.table]
        doc = self.ds.documents[table.document]
        measure = text(self.ds.measures.get(ind.measure), lang)
        years = sorted(obs["year"].unique())
        return composition_chart(frame, id=f"composition-{spec.id}", lang=lang,
                                 strings=self.strings, title=text(ind.name, lang),
                                 subtitle=", ".join(([] if spec.areas else
                                                     [text(self.ds.areas[unit].name, lang)])
                                                    + [measure, *[str(y) for y in years]]),
                                 source=f"{text(doc.short, lang) or text(doc.title, lang)}, "
                                        f"{self.table_label(table.number, lang)}",
                                 measure=measure, decimals=ind.decimals)


def index_directions(site) -> dict[str, str]:
    """Which way each index is better ("higher" | "lower"), where charts.yaml says it."""
    return dict(load_charts_file(site)[0].better)


def plan_charts(site, strings, boundaries) -> ChartPlan:
    """Every chart of the site, per page and language."""
    spec, _ = load_charts_file(site)
    plan = ChartPlan(static=frozenset(spec.static))
    if site.indices is None:
        return plan
    p = _Planner(site, strings, boundaries, spec.chart_rows)
    p.better = dict(spec.better)
    idx = frozenset({INDICES})
    for lang in site.config.languages:
        if p.usable(spec.home_map) and boundaries is not None:
            plan.add(("home", "index"), lang, p.map("home-map", spec.home_map, lang), idx)
        if p.usable(spec.home_ranking):
            plan.add(("home", "index"), lang,
                     p.ranking("home-ranking", spec.home_ranking, lang), idx)
        for s in spec.region_series:
            plan.add(("region", "index"), lang, p.table_series(s, lang),
                     frozenset({table_input(s.table)}))
        for c in spec.compositions:
            plan.add(("region", "index"), lang, p.composition(c, lang),
                     idx if c.index else frozenset({table_input(c.table)}))
        units = site.dataset.unit_ids()

        def unit_charts(unit: str, lang: str = lang) -> list:
            out = []
            if p.usable(spec.unit_map) and boundaries is not None:
                out.append(p.map(f"unit-map-{unit}", spec.unit_map, lang, highlight=unit))
            if spec.unit_profile and spec.unit_profile.index in site.indices.results.indices:
                chart = p.profile(f"unit-profile-{unit}", spec.unit_profile.index, unit, lang)
                if chart is not None:
                    out.append(chart)
            return out

        # In this process: a unit's charts are looked up in what was made for all units
        # at once (a forked worker would send each chart back with a copy of its base).
        for unit in units:
            for chart in unit_charts(unit):
                plan.add(("unit", unit), lang, chart, idx)
        # An index whose parts a heat map shows on its own page gets that one large chart,
        # not a small ranking per part as well (fewer, larger charts).
        heated = {h.index for h in spec.heatmaps if (h.page or h.index) == h.index}
        for res in site.indices.indices():
            iid = res.meta.id
            if spec.index_rankings:
                parts = dict.fromkeys(r.part for r in site.indices.rows[iid])
                if iid in heated:
                    parts = {whole: None for whole in parts if not whole}
                for part in parts:
                    ref = IndexRef(index=iid, part=part)
                    # A ranked index gets its ranking, classed or not (a score cut into
                    # levels is still a score); a classification alone has no ranks.
                    if p.usable(ref) and any(r.rank is not None for r in p.view.rows[iid]
                                             if r.part == part and not r.ref):
                        cid = f"rank-{iid}" + (f"-{part}" if part else "")
                        plan.add(("index", iid), lang, p.ranking(cid, ref, lang), idx)
            if spec.sensitivity:
                for sens in res.sensitivity:
                    if sens.summary["unit"].isin(site.dataset.unit_ids()).sum() >= 2:
                        plan.add(("index", iid), lang,
                                 p.sensitivity(f"sens-{sens.id}", sens, lang), idx)
        for slug, pc in spec.pages.items():
            for sr in pc.series:
                plan.add(("page", slug), lang, p.table_series(sr, lang),
                         frozenset({table_input(sr.table)}))
            for c in pc.compositions:
                plan.add(("page", slug), lang, p.composition(c, lang),
                         idx if c.index else frozenset({table_input(c.table)}))
        for h in spec.heatmaps:
            if h.index in site.indices.results.indices:
                plan.add(("index", h.page or h.index), lang,
                         p.heatmap(f"heat-{h.index}", h.index, lang), idx)
        if site.changes is not None:
            wanted = [(r.index, r.part) for r in spec.changes_slopes] or [
                (r.index, r.part) for r in [spec.home_map] if r is not None]
            for change in site.changes.indices:
                if (change.index, change.part) in wanted and change.ranked and \
                        change.index in site.indices.results.indices:
                    cid = f"slope-{change.index}" + (f"-{change.part}" if change.part else "")
                    plan.add(("changes", "index"), lang, p.slope(cid, change, lang), idx)
        for sc in spec.scatters:
            if p.usable(sc.x) and p.usable(sc.y):
                plan.add(("index", sc.page), lang,
                         p.scatter(f"scatter-{sc.x.index}-{sc.y.index}", sc, lang), idx)
    return plan
