"""Render planned pages with Jinja2 into bytes, in memory.

Autoescaping is on everywhere; templates get small, named helpers (``link``, ``t``, ``num``,
``tx``, ``cite``) instead of raw data structures, so a template never formats a number or
builds a URL by hand.
"""
from __future__ import annotations

import functools
import json
import math
import posixpath
import re
from pathlib import Path
from typing import Any

import jinja2

from .. import formatting as fmt
from .. import theme
from ..data.model import text
from ..errors import AimaqError
from . import citations, phrasing, summary, urls
from .chartplan import index_directions
from .edition_citation import archive_name, based_on_text, citation_cff, citation_text
from .editions import MISSING, EditionLinks
from .pages import EditionModel, PageSpec, compare_table
from .social import og_image
from .sourcewords import section_label, table_label

Markup = jinja2.utils.markupsafe.Markup
#: Folders shared by every edition, at the site root.
SITE_WIDE = {"assets", "charts", "downloads", "pagefind"}

# 'wasm-unsafe-eval' lets the search run Pagefind's WebAssembly; it does not allow eval().
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
       "img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'none'")


def load_strings(templates_dir: Path, languages: list[str]) -> dict[str, dict[str, str]]:
    """The interface words: the theme's strings.yaml with the project's keys over it."""
    entries = theme.layered_yaml("strings.yaml", templates_dir)
    for key, entry in entries.items():
        if not isinstance(entry.value, dict):
            raise AimaqError(f"string {key!r} must map languages to texts", entry.path,
                             entry.doc.line(key), "write e.g. {kk: ..., ru: ..., en: ...}")
        missing = [lang for lang in languages if not entry.value.get(lang)]
        if missing:
            raise AimaqError(f"string {key!r} has no text for {', '.join(missing)}", entry.path,
                             entry.doc.line(key), "add the missing translations to "
                             "strings.yaml in the project's templates folder")
    return {key: entry.value for key, entry in entries.items()}


def environment(templates_dir: Path) -> jinja2.Environment:
    """The template environment of a project's templates folder over the theme, kept
    between builds (``aimaq serve``): compiled templates are reused, and those whose file
    changed (or that a new project file now overrides) are dropped each time a build asks
    for the environment. Within a build no template changes, so rendering a page does not
    check its templates' files again (Jinja's ``auto_reload`` is off: a few system calls
    per page). The project's file wins over the theme's of the same name."""
    env = _environment(templates_dir)
    cache = env.cache
    if cache is not None:
        for key, template in list(cache.items()):
            if not template.is_up_to_date:
                del cache[key]
    return env


@functools.lru_cache(maxsize=8)
def _environment(templates_dir: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=theme.ThemeLoader(templates_dir),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )


class Words:
    """The interface words of one language as attributes (``ui.home``): what ``word('home')``
    gives, without a template call."""
    __slots__ = ("_site", "_lang")

    def __init__(self, site: EditionModel, lang: str) -> None:
        self._site, self._lang = site, lang

    def __getattr__(self, key: str) -> str:
        return self._site.word(key, self._lang)


class PageHelpers:
    """The helpers one page's template sees; bound to that page's path and language."""

    def __init__(self, site: EditionModel, paths: urls.Paths, spec: PageSpec,
                 alternates: dict[str, str]):
        self.site = site
        self.paths = paths
        self.spec = spec
        self.lang = spec.lang
        self.alternates = alternates

    def link(self, path: str) -> str:
        if self.spec.rooted:
            return urls.rooted(self.site.config.base_url, path)
        return urls.relative(self.spec.path, path)

    def word(self, key: str, **kwargs: Any) -> str:
        """An interface word (strings.yaml) in the page's language, ``kwargs`` filled in."""
        value = self.site.word(key, self.lang)
        return value.format(**kwargs) if kwargs else value

    def numbered(self, kind: str, number: object) -> str:
        """"40-кесте", "Таблица 40", "Table 40": ``kind`` is table, figure or line."""
        return fmt.numbered(self.site.word(f"{kind}_n", self.lang),
                            self.site.word(f"{kind}s_n", self.lang), str(number))

    def tm(self, key: str, **kwargs: Any) -> Markup:
        """A string with markup arguments (links): the text and plain arguments escaped."""
        return Markup(jinja2.utils.markupsafe.escape(self.site.word(key, self.lang))).format(
            **kwargs)

    def unit_links(self, unit_ids: list[str]) -> Markup:
        """Units' names, each linked to its profile, joined by commas."""
        esc = jinja2.utils.markupsafe.escape
        return Markup(", ").join(
            Markup('<a href="{}">{}</a>').format(self.link(self.paths.unit(self.lang, u)),
                                                 esc(self.unit_name(u)))
            for u in unit_ids)

    def index_answer(self, index_id: str) -> summary.IndexAnswer | None:
        """What an index's page says first (best and worst unit, its classes)."""
        memo = self.site.page_memo
        if "index_directions" not in memo:      # charts.yaml read once per edition
            memo["index_directions"] = index_directions(self.site)
        better = memo["index_directions"]
        return summary.index_answer(self.site, index_id, better.get(index_id, ""))

    def unit_links_sorted(self, unit_ids) -> Markup:
        """:meth:`unit_links` in the alphabetical order of the page's language."""
        return self.unit_links(sorted(unit_ids, key=lambda u: fmt.collation_key(
            self.unit_name(u), self.lang)))

    def sorted_units(self, units) -> list:
        """Areas in the alphabetical order of the page's language (by their name in it)."""
        return sorted(units, key=lambda a: fmt.collation_key(text(a.name, self.lang), self.lang))

    def text(self, labels: dict[str, str] | None) -> str:
        """A label ({language: text}) in the page's language."""
        return text(labels, self.lang)

    def num(self, value: float | None, decimals: int | None = None) -> str:
        return fmt.number(value, self.lang, decimals)

    def date(self, iso: str | None) -> str:
        return fmt.date(iso, self.lang)

    def signed(self, value: float | None, decimals: int | None = None) -> str:
        return fmt.signed(value, self.lang, decimals)

    def figure_value(self, f) -> str:
        ds = self.site.dataset
        ind = ds.indicators[f.indicator]
        if ind.kind == "class":
            for c in ind.classes:
                if c.id == f.label:
                    return text(c.name, self.lang)
        if f.flag:
            return self.word(f"flag_{f.flag}")
        return fmt.number(f.value, self.lang, ind.decimals)

    def figure_rows(self, figs, show_rank: bool) -> Markup:
        """The rows of a key-figures table (partials/figures.html), made here rather than by
        a template loop: a profile has hundreds of them, and a dozen template calls per row
        were most of a profile's render time. The same markup the loop made. A row's name,
        measure, source and rank help are the same on every unit's page: each is made once
        per language (:func:`_row_parts`)."""
        esc = jinja2.utils.markupsafe.escape
        indicators = self.site.dataset.indicators
        lang = self.lang
        parts = _row_parts(self.site)
        out = []
        for f in figs:
            key = (lang, f.indicator, f.category, f.note, f.flag, f.table, f.line, f.direction)
            known = parts.get(key)
            if known is None:
                note = (f' <span class="note">({esc(self.text(self.site.dataset.note(f.note)))})</span>'
                        if f.note and not f.flag else "")
                known = parts[key] = (
                    f'      <tr>\n        <th scope="row">{esc(self.indicator_name(f))}{note}</th>\n',
                    f"        <td>{esc(self.measure(f.indicator))}</td>\n",
                    esc(self.word("rank_help_" + str(f.direction))),
                    f'        <td class="source">{esc(self.cite(f.table, f.line))}</td>\n'
                    "      </tr>\n")
            head, measure, rank_help, source = known
            row = [head, f"        <td>{esc(f.year)}</td>\n",
                   f'        <td class="num">{esc(self.figure_value(f))}</td>\n', measure]
            if show_rank:
                decimals = indicators[f.indicator].decimals
                rank = (f'<span title="{rank_help}">'
                        f'{esc(self.word("rank_of", rank=f.rank, total=f.rank_of))}</span>'
                        if f.rank else "–")
                versus = (self.word("share_of_region", share=fmt.number(
                    f.ratio_to_region, lang, 1)) if f.additive
                    else fmt.signed(f.gap, lang, decimals))
                row.append(f'        <td class="num">{rank}</td>\n'
                           f'        <td class="num">{esc(fmt.number(f.region_value, lang, decimals))}</td>\n'
                           f'        <td class="num">{esc(versus)}</td>\n')
            row.append(source)
            out.extend(row)
        return Markup("".join(out))

    def figures_head(self, show_rank: bool) -> Markup:
        """A key-figures table's caption and header row (partials/figures.html), the same
        in every table of a language: made once, not a dozen template calls per table."""
        parts = _row_parts(self.site)
        key = ("head", self.lang, bool(show_rank))
        known = parts.get(key)
        if known is None:
            esc = jinja2.utils.markupsafe.escape
            w = self.word
            cols = [("", "indicator"), ("", "year"), (' class="num"', "value"), ("", "measure")]
            if show_rank:
                cols += [(' class="num"', "rank"), (' class="num"', "region_value"),
                         (' class="num"', "compared_with_region")]
            cols.append(("", "source"))
            known = parts[key] = (
                f"    <caption>{esc(w('figures_caption'))}</caption>\n    <thead>\n      <tr>\n"
                + "".join(f'        <th scope="col"{c}>{esc(w(k))}</th>\n' for c, k in cols)
                + "      </tr>\n    </thead>\n",)
        return Markup(known[0])

    def unit_index_rows(self, rows) -> Markup:
        """The rows of a profile's table of index values (partials/unit_indices.html), made
        here rather than by a template loop (a dozen template calls per row); the same
        markup the loop made. A row's linked name, class and badge are the same on every
        profile of a language (each alone in its folder, side by side): made once."""
        esc = jinja2.utils.markupsafe.escape
        parts = _row_parts(self.site)
        lang, path = self.lang, self.spec.path
        folder = path.rpartition("/")[0]
        beside = (lang, self.spec.rooted, folder.rpartition("/")[0], path.count("/"))
        out = []
        for r in rows:
            key = ("index-row", r.index, r.part, r.cls, r.status, beside)
            known = parts.get(key)
            if known is None:
                target = self.paths.index(lang, r.index)
                part = f": {esc(self.part_name(r.index, r.part))}" if r.part else ""
                badge = (f'<span class="badge badge-{esc(r.status)}">'
                         f'{esc(self.word("audit_" + str(r.status)))}</span>' if r.status else "")
                known = (
                    f'      <tr>\n        <th scope="row"><a href="{esc(self.link(target))}">'
                    f"{esc(self.index_name(r.index))}</a>{part}</th>\n",
                    f"        <td>{esc(self.class_name(r.index, r.cls))}</td>\n",
                    f"        <td>{badge}</td>\n      </tr>\n")
                if not (folder and target.startswith(folder + "/")):   # not in its folder
                    parts[key] = known
            head, cls, badge_cell = known
            rank = esc(self.word("rank_of", rank=r.rank, total=r.rank_of)) if r.rank else "–"
            out.append(
                f"{head}        <td>{esc(r.year or '')}</td>\n"
                f'        <td class="num">{esc(self.index_value(r))}</td>\n'
                f'        <td class="num">{rank}</td>\n'
                f"{cls}"
                f'        <td class="num">{esc(self.printed_value(r))}</td>\n'
                f"{badge_cell}")
        return Markup("".join(out))

    def index_result_rows(self, rows, index_id: str, show_class) -> Markup:
        """The rows of an index page's results table (every unit, every year), made here
        rather than by a template loop; the same markup the loop made (the part and class
        cells sit where the loop's whitespace control put them)."""
        esc = jinja2.utils.markupsafe.escape
        part_column = bool(rows) and rows[0].part
        out = []
        for r in rows:
            name = esc(self.unit_name(r.unit))
            if self.is_unit(r.unit):
                name = f'<a href="{esc(self.link(self.paths.unit(self.lang, r.unit)))}">{name}</a>'
            ref = ' class="ref-row"' if r.ref else ""
            cells = [f'      <tr{ref}>\n        <th scope="row">{name}</th>\n']
            if part_column:
                cells.append(f"<td>{esc(self.part_name(index_id, r.part))}</td>")
            rank = esc(self.word("rank_of", rank=r.rank, total=r.rank_of)) if r.rank else "–"
            cells.append(f"        <td>{esc(r.year or '')}</td>\n"
                         f'        <td class="num">{esc(self.index_value(r))}</td>\n'
                         f'        <td class="num">{rank}</td>\n')
            if show_class:
                cells.append(f"<td>{esc(self.class_name(index_id, r.cls))}</td>")
            difference = "" if self.isnan(r.difference) else esc(self.signed(r.difference, 4))
            badge = (f'<span class="badge badge-{esc(r.status)}">'
                     f'{esc(self.word("audit_" + str(r.status)))}</span>' if r.status else "")
            said = f' <span class="note">{esc(self.said(r.said))}</span>' if r.said else ""
            cells.append(f'        <td class="num">{esc(self.printed_value(r))}</td>\n'
                         f'        <td class="num">{difference}</td>\n'
                         f"        <td>{badge}{said}</td>\n      </tr>\n")
            out.extend(cells)
        return Markup("".join(out))

    def rec_items(self, recs, indent: int) -> Markup:
        """The <li> lines of a list of recommendations, each linked to its place on the
        recommendations page. A group's list is the same on every profile of its members:
        made once per language and folder, not once per profile."""
        base = self.link(self.paths.page(self.lang, "recommendations"))
        memo = self.site.page_memo.setdefault("rec_items", {})
        key = (self.lang, base, indent, tuple(r.id for r in recs))
        hit = memo.get(key)
        if hit is None:
            esc = jinja2.utils.markupsafe.escape
            page = self.paths.page(self.lang, "recommendations")
            pad = " " * indent
            hit = memo[key] = Markup("".join(
                f'{pad}<li><a href="{esc(self.link(page + "#" + r.id))}">'
                f"{esc(self.text(r.measure))}</a></li>\n" for r in recs))
        return hit

    def indicator_name(self, f) -> str:
        ds = self.site.dataset
        ind = ds.indicators[f.indicator]
        name = text(ind.name, self.lang)
        if f.category:
            for c in ind.categories:
                if c.id == f.category:
                    return f"{name}: {text(c.name, self.lang)}"
        return name

    def measure(self, indicator_id: str) -> str:
        ds = self.site.dataset
        if ds.indicators[indicator_id].kind == "class":
            return ""
        return text(ds.measures.get(ds.indicators[indicator_id].measure), self.lang)

    def cite(self, table_id: str, line: int | str | None = None) -> str:
        """Who printed a table, its number and (``line``) its lines, in the page's words."""
        ds = self.site.dataset
        table = ds.tables[table_id]
        doc = ds.documents[table.document]
        who = text(doc.short, self.lang)
        if not who:
            who = doc.author or text(doc.title, self.lang)
            if doc.year:
                who = f"{who} ({doc.year})"
        label = table_label(table.number, self.word, table.number)
        parts = [who, label]
        if line:
            parts.append(self.numbered("line", line))
        return ", ".join(p for p in parts if p)

    def table_title(self, table_id: str) -> str:
        return text(self.site.dataset.tables[table_id].title, self.lang)

    def cite_ref(self, src) -> str:
        """A structured source reference: document, section, table, lines."""
        doc = self.site.dataset.documents.get(src.document)
        parts = [text(doc.short, self.lang) or text(doc.title, self.lang)] if doc else [src.document]
        if getattr(src, "section", None):
            parts.append(f"{self.word('section')} {section_label(src.section, self.word)}")
        if getattr(src, "table", None):
            parts.append(self.numbered("table", src.table))
        if getattr(src, "lines", None):
            parts.append(self.numbered("line", src.lines))
        return ", ".join(parts)

    def index_source(self, meta) -> str:
        src = meta.source or {}
        parts = []
        doc = self.site.dataset.documents.get(src.get("document", ""))
        if doc:
            parts.append(text(doc.short, self.lang) or text(doc.title, self.lang))
        if src.get("formula"):
            parts.append(f"{self.word('formula').lower()} {src['formula']}")
        if src.get("table"):
            parts.append(self.numbered("table", src['table']))
        if src.get("lines"):
            parts.append(self.numbered("line", src['lines']))
        return ", ".join(parts)

    def part_name(self, index_id: str, part: str) -> str:
        return self.site.indices.part_name(index_id, part, self.lang)

    def class_name(self, index_id: str, class_id: str) -> str:
        return self.site.indices.class_name(index_id, class_id, self.lang, self.site.strings)

    def is_unit(self, area_id: str) -> bool:
        """Whether ``area_id`` is a unit (it has a profile); the set is made once per
        edition, not a list of every unit per table row."""
        return area_id in self.site.unit_set

    def unit_name(self, unit_id: str) -> str:
        area = self.site.dataset.areas.get(unit_id)
        return text(area.name, self.lang) if area else unit_id

    def index_name(self, index_id: str) -> str:
        return text(self.site.indices.results[index_id].meta.name, self.lang)

    def index_value(self, row) -> str:
        meta = self.site.indices.results[row.index].meta
        return fmt.number(row.value, self.lang, meta.decimals)

    def printed_value(self, row_or_value, index_id: str | None = None) -> str:
        value = getattr(row_or_value, "printed", row_or_value)
        index_id = index_id or getattr(row_or_value, "index", None)
        if value is None:
            return ""
        try:
            number = float(value)
        except (TypeError, ValueError):
            return self.class_name(index_id.split(":")[0], str(value)) if index_id else str(value)
        # As printed: as many decimals as the stored value has.
        digits = format(number, ".10g")
        decimals = len(digits.split(".")[1]) if "." in digits and "e" not in digits else 0
        return fmt.number(number, self.lang, min(decimals, 6))

    def measure_id(self, measure: str | None) -> str:
        if not measure:
            return ""
        return text(self.site.dataset.measures.get(measure), self.lang)

    # -- standings: a value with its place among the units (generator.site.summary) ------
    def standing_name(self, s) -> str:
        if s.is_index:
            return self.index_name(s.ref.index)
        return self.indicator_name(s.figure)

    def standing_decimals(self, s) -> int | None:
        if s.is_index:
            return self.site.indices.results[s.ref.index].meta.decimals
        return self.site.dataset.indicators[s.ref.indicator].decimals

    def standing_value(self, s) -> str:
        if s.is_index:
            return self.index_value(s.index_row)
        return self.figure_value(s.figure)

    def standing_measure(self, s) -> str:
        if s.is_index:
            return self.measure_id(self.site.indices.results[s.ref.index].meta.measure
                                   if isinstance(self.site.indices.results[s.ref.index].meta.measure, str)
                                   else "")
        return self.measure(s.ref.indicator)

    def rank_words(self, s) -> str:
        """'5-орын, 19 аумақтың ішінде (1 — ең инновациялық белсенді)': the rank, out of how
        many, and what rank 1 means; empty when the unit has no rank or is alone."""
        if not s.rank or s.rank_of < 2:
            return ""
        return self.word("rank_words", rank=s.rank, total=s.rank_of, one=self.rank_one(s),
                      ordinal=fmt.ordinal(s.rank, self.lang))

    def rank_one(self, s) -> str:
        """What rank 1 means for a standing ('ең инновациялық белсенді'), with which way is
        better when the words do not say it."""
        one = self.text(s.ref.rank_one) or self.word(f"rank_one_{s.first}")
        if s.better and not s.ref.rank_one:
            one += ", " + self.word(f"better_{s.better}")
        return one

    def strip(self, s) -> Markup:
        """A small chart of every unit's value as a tick on one line, the unit's own tick
        tall and dark and the region's value dashed. Decorative: the sentence beside it
        says the same in words. The axis and every unit's tick are the same on every
        unit's page: drawn once per strip (:func:`_strip_ground`); a page adds only its
        own tick and the region's."""
        ground = _strip_ground(s.values, s.region_value, s.better)
        if ground is None or math.isnan(s.value):
            return Markup("")
        head, x = ground
        region = "" if math.isnan(s.region_value) else \
            f'<line x1="{x(s.region_value)}" x2="{x(s.region_value)}" y1="2" y2="22" class="strip-region"/>'
        own = f'<line x1="{x(s.value)}" x2="{x(s.value)}" y1="1" y2="23" class="strip-own"/>'
        return Markup(f"{head}{region}{own}</svg>")

    def compare_json(self) -> str:
        """The compare page's data island (JSON, never executed)."""
        data = compare_table(self.site, self.lang, self)
        # No "<" inside a <script> element: it could close it or open a comment.
        return json.dumps(data, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).replace("<", "\\u003c")

    def lang_of(self, labels: dict[str, str] | None) -> str:
        """The language ``tx`` actually shows for ``labels`` (for a lang attribute)."""
        if not labels or labels.get(self.lang):
            return self.lang
        for other in ("kk", "ru", "en"):
            if labels.get(other):
                return other
        return self.lang

    def math(self, meta):
        """The index's formula as MathML (static, no script), or None without formula_tex."""
        tex = getattr(meta, "formula_tex", "")
        if not tex:
            return None
        from latex2mathml.converter import convert

        return jinja2.utils.markupsafe.Markup(convert(tex, display="block"))

    def other_names(self, area) -> list[str]:
        """The unit's names in the other languages and every spelling the sources use."""
        own = text(area.name, self.lang)
        names: list[str] = []
        for name in [*area.name.values(), *area.aliases]:
            if name and name != own and name not in names:
                names.append(name)
        return names

    def prose(self, page) -> Markup:
        """A content page's HTML. Authors write links relative to the short address
        (<lang>/…); on an edition's permanent pages (one folder deeper) the links that
        reach the site-wide folders (assets/, charts/, downloads/, pagefind/) are moved
        one level up, so they resolve the same from both addresses."""
        html = self._with_references(page)
        prefix = self.paths.prefix
        if not prefix:
            return Markup(html)
        short = self.spec.path[len(prefix):]
        start = posixpath.dirname(short)

        def fix(m: re.Match) -> str:
            url = m.group(2)
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^/|^#", url):
                return m.group(0)
            path, rest = re.match(r"([^?#]*)(.*)", url).groups()
            target = posixpath.normpath(posixpath.join(start, path))
            if target.split("/", 1)[0] not in SITE_WIDE:
                return m.group(0)
            moved = urls.relative(self.spec.path, target)
            return f'{m.group(1)}="{moved}{rest}"'

        return Markup(re.sub(r'\b(href|src)="([^"]*)"', fix, html))

    def _with_references(self, page) -> str:
        """The page's HTML with its [@doc, …] citations numbered and its list of
        references at the end (generator.site.citations)."""
        html, refs = citations.number_citations(page.html, self.word("reference_label"))
        if not refs.entries:
            return html
        esc = jinja2.utils.markupsafe.escape
        items = []
        for n, (doc_id, where) in enumerate(refs.entries, 1):
            doc = self.site.dataset.documents.get(doc_id)
            if doc is None:
                raise AimaqError(f"citation [@{doc_id}] names no document of sources.yaml",
                                 page.path, None, "use a document id of sources.yaml")
            title = text(doc.title, self.lang)
            who = text(doc.short, self.lang) if doc.author else ""
            where = where[:1].upper() + where[1:]
            if any(d == doc_id for d, _ in refs.entries[:n - 1]):
                # Cited before on this page: the short form, as "ibid." lists do.
                parts = [f"{esc(who or title)}, {esc(where)}." if where else f"{esc(who or title)}."]
            else:
                parts = [f"{esc(who)}." if who else "", f"<cite>{esc(title)}</cite>.",
                         f"{esc(where)}." if where else ""]
            items.append(f'<li id="ref-{n}">{" ".join(p for p in parts if p)}</li>')
        return (html + '\n<section class="references" aria-labelledby="references-heading">'
                f'<h2 id="references-heading">{esc(self.word("references"))}</h2>'
                f'<ol>{"".join(items)}</ol></section>\n')

    # -- editions -------------------------------------------------------------------
    def _models(self):
        prev = self.site.previous_model
        return [self.site] + ([prev] if prev is not None else [])

    def any_unit_name(self, unit_id: str) -> str:
        """A unit's name from this edition, or from the previous one if it left."""
        for m in self._models():
            area = m.dataset.areas.get(unit_id)
            if area:
                return text(area.name, self.lang)
        return unit_id

    def any_index_name(self, index_id: str, part: str = "") -> str:
        for m in self._models():
            if m.indices is not None and index_id in m.indices.results.indices:
                name = text(m.indices.results[index_id].meta.name, self.lang)
                if part:
                    name += ": " + m.indices.part_name(index_id, part, self.lang)
                return name
        return index_id

    def any_indicator_name(self, indicator_id: str) -> str:
        for m in self._models():
            ind = m.dataset.indicators.get(indicator_id)
            if ind is not None:
                return text(ind.name, self.lang)
        return indicator_id

    def index_number(self, index_id: str, value) -> str:
        """A value of an index, with the index's decimals (this edition's, else the
        previous edition's)."""
        for m in self._models():
            if m.indices is not None and index_id in m.indices.results.indices:
                return fmt.number(value, self.lang, m.indices.results[index_id].meta.decimals)
        return fmt.number(value, self.lang)

    def has_index(self, index_id: str) -> bool:
        return self.site.indices is not None and index_id in self.site.indices.results.indices

    def pagefind_translations(self) -> str:
        """Pagefind UI's words in the page's language (its ``translations`` option), as
        JSON: the pagefind_* strings and the placeholder."""
        words = {key[len("pagefind_"):]: self.word(key) for key in self.site.strings
                 if key.startswith("pagefind_")}
        words["placeholder"] = self.word("search_placeholder")
        return json.dumps(words, ensure_ascii=False, sort_keys=True)

    def search_bundle(self) -> str:
        """Folder of the search index of this page's edition (each edition has its own)."""
        return self.paths.permalink_prefix + "pagefind/"

    def citation(self) -> str:
        return citation_text(self.site.config, self.site.edition, self.lang)

    def based_on(self) -> str:
        return based_on_text(self.site.config)

    def citation_cff(self) -> str:
        return citation_cff(self.site.config, self.site.edition)

    def citation_file(self) -> str:
        return f"downloads/{self.site.edition.id}/CITATION.cff"

    def edition_archive(self) -> tuple[str, int] | None:
        """(site path, size in bytes) of the edition's zip."""
        path = f"downloads/{self.site.edition.id}/{archive_name(self.site.edition.id)}"
        data = self.site.downloads.get(path)
        return (path, len(data)) if data is not None else None

    def edition_name(self, edition_id: str) -> str:
        return text(self.site.config.edition(edition_id).title, self.lang) or edition_id

    def said(self, phrases) -> Markup:
        """An audit reason or a step description in the page's language."""
        return phrasing.said(self, phrases)

    @functools.cached_property
    def reason_texts(self) -> dict[str, dict[str, str]]:
        """The texts of the engine's codes, read once per page (theme and project)."""
        return phrasing.reason_texts(self.site.config.templates_path)

    def isnan(self, value: Any) -> bool:
        return isinstance(value, float) and math.isnan(value)


def _row_parts(site: EditionModel) -> dict[tuple, tuple[str, ...]]:
    """The parts of table rows that are the same on every page of an edition (a key
    figure's name, measure, rank help and source; a table's head; an index row's link),
    kept in the model's page memo."""
    return site.page_memo.setdefault("row_parts", {})


#: The strips drawn, by the identity of their values (every unit's Standing of one
#: measure shares one tuple): {id: (values, region, better, ground)}.
_GROUNDS: dict[int, tuple] = {}


def _strip_ground(values: tuple, region_value: float, better: str):
    """(the strip's SVG up to its own ticks, the value -> x function) of one measure's
    values, or None when there are fewer than two values; made once per measure (a scan of
    every unit per unit's page was units x units)."""
    hit = _GROUNDS.get(id(values))
    if hit is not None and hit[0] is values and hit[2] == better and (
            hit[1] == region_value or math.isnan(hit[1]) and math.isnan(region_value)):
        return hit[3]
    if len(_GROUNDS) > 512:
        _GROUNDS.clear()
    ground = _draw_ground(values, region_value, better)
    _GROUNDS[id(values)] = (values, region_value, better, ground)
    return ground


def _draw_ground(values: tuple, region_value: float, better: str):
    finite = [v for v in values if not math.isnan(v)]
    if len(finite) < 2:
        return None
    both = finite + ([region_value] if not math.isnan(region_value) else [])
    lo, hi = min(both), max(both)
    span = (hi - lo) or 1.0
    width, pad = 160.0, 4.0
    flip = better == "lower"          # better always to the right

    def x(v: float) -> float:
        share = (v - lo) / span
        return round(pad + (1 - share if flip else share) * (width - 2 * pad), 1)

    # One tick per place on the strip (a 1.5 px stroke: ticks at the same place look as
    # one; with more units than half-pixels, to the half pixel), all in one path, so a
    # strip of 2,000 units stays a few KB, not one element per unit on every unit's page.
    snap = len(finite) > 2 * (width - 2 * pad)
    places = dict.fromkeys(round(x(v) * 2) / 2 if snap else x(v) for v in sorted(finite))
    ticks = "".join(f"M{p:g} 7v10" for p in places)
    head = (f'<svg class="strip" viewBox="0 0 {int(width)} 24" width="{int(width)}" '
            f'height="24" aria-hidden="true" focusable="false">'
            f'<line x1="{pad}" x2="{width - pad}" y1="12" y2="12" class="strip-axis"/>'
            f'<path d="{ticks}" class="strip-tick"/>')
    return head, x


def alternates_of(specs: list[PageSpec]) -> dict[tuple[str, str], dict[str, str]]:
    """{page key: {language: path}}: the same page in every language it exists in."""
    by_key: dict[tuple[str, str], dict[str, str]] = {}
    for spec in specs:
        by_key.setdefault(spec.key, {})[spec.lang] = spec.path
    return by_key


def render(site: EditionModel, paths: urls.Paths, specs: list[PageSpec],
           env: jinja2.Environment, *, only: set[str] | None = None, on_page=None,
           editions: EditionLinks | None = None) -> dict[str, bytes]:
    """Render every page (or the pages whose paths are in ``only``); returns {path: bytes}.

    ``on_page(path)`` is called after each page, for progress reports."""
    by_key = alternates_of(specs)
    files: dict[str, bytes] = {}
    for spec in specs:
        if only is not None and spec.path not in only:
            continue
        files[spec.path] = render_page(site, paths, spec, env, by_key[spec.key], editions)
        if on_page is not None:
            on_page(spec.path)
    return files


def render_page(site: EditionModel, paths: urls.Paths, spec: PageSpec,
                env: jinja2.Environment, alternates: dict[str, str],
                editions: EditionLinks | None = None) -> bytes:
    """One page's HTML, of the tree at ``paths``; ``alternates``: {language: path} of the
    same page; ``editions``: the same page in the other editions built."""
    helpers = PageHelpers(site, paths, spec, alternates)
    try:
        template = env.get_template(spec.template)
    except jinja2.TemplateNotFound:
        raise AimaqError(f"template {spec.template!r} not found",
                         site.config.templates_path, None,
                         f"add {spec.template} to the templates folder") from None
    except jinja2.TemplateSyntaxError as exc:
        raise AimaqError(f"template error: {exc.message}", exc.filename or spec.template,
                         exc.lineno, "correct the Jinja syntax") from None
    lang = spec.lang
    # The frame of the page (base.html) reads its links, words and footer made here once,
    # not through a template call each (~70 a page): ``nav``, ``ui``, ``footer_links``.
    nav = {name: helpers.link(path) for name, path in paths.chrome(lang)}
    footer = site.footer_pages(lang)
    context = dict(spec.context)
    context.update(
        nav=nav, ui=Words(site, lang), footer=footer, site_title=text(site.config.title, lang),
        footer_links=[(helpers.link(paths.page(lang, p.slug)), p.meta.title)
                      for p in footer.shown],
        page=spec, site=site, config=site.config, edition=site.edition, lang=spec.lang,
        h=helpers, link=helpers.link, word=helpers.word, text=helpers.text,
        t=helpers.word, tx=helpers.text,   # their older names, for a project's own templates
        num=helpers.num,
        csp=CSP, languages=site.config.languages, language_name=fmt.language_name,
        alternates=alternates, urls=paths, editions=editions, missing_anchor=MISSING,
        canonical=urls.absolute(site.config.base_url, spec.path if spec.rooted
                                else paths.permalink(spec.path)),
        og_image=urls.absolute(site.config.base_url,
                               og_image(spec, site.chart_dir(spec.lang))),
    )
    try:
        html = template.render(context)
    except jinja2.UndefinedError as exc:
        raise AimaqError(f"template {spec.template!r}: {exc.message}",
                         site.config.templates_path / spec.template, None,
                         "use only the variables the page provides") from None
    return html.encode("utf-8")


def _moving_page(at: str, lang: str, target: str, canonical: str, title: str,
                 body: Markup, keep_fragment: bool) -> bytes:
    """A page that sends the reader on to ``target`` (relative to ``at``) at once: a meta
    refresh, the canonical address for search engines, and ``body`` (a link in the page's
    language) for a browser that follows neither. ``keep_fragment``: with
    ``assets/redirect.js``, which keeps the #fragment (CSP forbids inline script)."""
    esc = jinja2.utils.markupsafe.escape
    script = (f'<script src="{urls.relative(at, "assets/redirect.js")}"></script>\n'
              if keep_fragment else "")
    html = (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n'
        f'<link rel="canonical" href="{canonical}">\n'
        f"{script}"
        f'<link rel="icon" href="{urls.relative(at, "assets/favicon.svg")}" '
        'type="image/svg+xml">\n'
        f'<link rel="stylesheet" href="{urls.relative(at, "assets/style.css")}">\n'
        f"<title>{esc(title)}</title>\n</head>\n<body>\n"
        f'<main id="main" class="wrap">\n<h1>{esc(title)}</h1>\n'
        f"<p>{body}</p>\n</main>\n</body>\n</html>\n")
    return html.encode("utf-8")


def redirect_page(site: EditionModel, paths: urls.Paths, target: str,
                  at: str = "index.html") -> bytes:
    """A page at ``at`` (output/index.html, or <edition>/index.html) that sends the reader
    to the home page ``target`` in the default language."""
    lang = site.config.default_language
    permalink = paths.permalink(target)
    # Straight to the permanent home: a short address would be one more stub to pass.
    target = urls.relative(at, target if paths.permanent else permalink)
    body = Markup('<a href="{}">{}</a>').format(target, site.word("redirect_text", lang))
    return _moving_page(at, lang, target, urls.absolute(site.config.base_url, permalink),
                        text(site.config.title, lang), body, keep_fragment=False)


def is_stub(paths: urls.Paths, spec: PageSpec) -> bool:
    """The page is the current edition's short address (<lang>/…) of a permanent page: it
    is written as a :func:`stub_page`, not rendered a second time (the 404 page, served at
    any address, is rendered)."""
    return not paths.permanent and not spec.rooted


def stub_page(site: EditionModel, paths: urls.Paths, spec: PageSpec) -> bytes:
    """The short address of a page: it sends the reader on to the permanent address and
    tells search engines where the page is (its canonical). A reader whose browser follows
    neither gets the page's title as a link, in the page's language."""
    permalink = paths.permalink(spec.path)
    target = urls.relative(spec.path, permalink)
    body = Markup('{}: <a href="{}">{}</a>').format(site.word("moved_text", spec.lang),
                                                     target, spec.title)
    return _moving_page(spec.path, spec.lang, target,
                        urls.absolute(site.config.base_url, permalink), spec.title, body,
                        keep_fragment=True)


def crawler_files(trees: list[tuple[EditionModel, urls.Paths, list[PageSpec]]]
                  ) -> dict[str, bytes]:
    """sitemap.xml (with hreflang alternates) and robots.txt. The sitemap lists each page's
    permanent address (its canonical), so the current edition's short addresses are left
    out."""
    from xml.sax.saxutils import quoteattr

    base = trees[0][0].config.base_url
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for site, paths, specs in trees:
        if not paths.permanent:
            continue
        by_key: dict[tuple[str, str], dict[str, str]] = {}
        for spec in specs:
            if not spec.rooted:
                by_key.setdefault(spec.key, {})[spec.lang] = spec.path
        lastmod = site.edition.published
        for spec in specs:
            if spec.rooted:
                continue
            lines.append("  <url>")
            lines.append(f"    <loc>{urls.absolute(base, spec.path)}</loc>")
            if lastmod:
                lines.append(f"    <lastmod>{lastmod}</lastmod>")
            for lang, path in sorted(by_key[spec.key].items()):
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} '
                             f'href={quoteattr(urls.absolute(base, path))}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    robots = ["User-agent: *", "Allow: /"]
    if urls.is_absolute(base):
        robots.append(f"Sitemap: {urls.absolute(base, 'sitemap.xml')}")
    return {"sitemap.xml": ("\n".join(lines) + "\n").encode("utf-8"),
            "robots.txt": ("\n".join(robots) + "\n").encode("utf-8")}
