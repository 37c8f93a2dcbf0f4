"""The bundled East Kazakhstan site, built once: every expected page, computed indices with
their audit on the pages, downloads, determinism and no reference outside the site."""
import hashlib
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from aimaq.build import build
from aimaq.data.load import load_dataset
from aimaq.indices import compute
from aimaq.site import render as render_module
from aimaq.site.figures import FigureIndex
from aimaq.site.history import unit_history
from aimaq.site.pages import unit_histories
from aimaq.site.render import PageHelpers

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("kk", "ru", "en")
REDIRECTS = ("index.html", "2023/index.html")     # the site root and the edition's root
PAGES = "2023"      # the current edition's permanent pages; <lang>/… are stubs leading there


def is_stub(html: str) -> bool:
    """A short address of the current edition (<lang>/…): a stub leading to the page."""
    return '<meta http-equiv="refresh"' in html


@pytest.fixture(scope="module")
def site(bundled_site):
    return bundled_site[1]          # built once per run (conftest), shared with other tests


@pytest.fixture(scope="module")
def results():
    return compute(load_dataset(ROOT / "data", "2023", base=ROOT))


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_home_and_nineteen_profiles_in_every_language(site):
    ds = load_dataset(ROOT / "data", "2023", base=ROOT)
    assert len(ds.unit_ids()) == 19
    assert (site / "index.html").is_file()
    for lang in LANGS:
        assert (site / PAGES / lang / "index.html").is_file()
        profiles = sorted(p.parent.name for p in (site / PAGES / lang / "units").glob("*/index.html"))
        assert profiles == sorted(ds.unit_ids())


def test_every_index_has_a_page_in_every_language(site, results):
    for lang in LANGS:
        for index_id in results.indices:
            assert (site / PAGES / lang / "indices" / index_id / "index.html").is_file(), index_id
        assert (site / PAGES / lang / "indices" / "index.html").is_file()


def test_profile_shows_computed_index_with_audit(site):
    html = (site / "2023/kk/units/urzhar/index.html").read_text(encoding="utf-8")
    # Integral index: computed 0.2648 → "0,265" (3 decimals, kk decimal comma), printed 0.265.
    row = re.search(r'integral_innovation_index/index.html">[^<]+</a>(.*?)</tr>', html, re.S)
    assert row, "the integral index row is missing"
    assert "0,265" in row.group(1) and "badge-match" in row.group(1)
    # Activity level 4/15 = 26.7 %, rank 4 of 19 units.
    row = re.search(r'innovation_activity_level/index.html">[^<]+</a>(.*?)</tr>', html, re.S)
    assert "26,7" in row.group(1) and "4 / 19" in row.group(1)


def test_index_page_shows_printed_computed_and_reason(site):
    html = (site / "2023/en/indices/integral_innovation_index/index.html").read_text(encoding="utf-8")
    assert "reconstruction" in html
    assert "row duplicates Semey" in html          # Ulan's row in Table 45
    assert "0.565" in html and "0.408" in html     # Ayagoz printed vs computed
    k = (site / "2023/en/indices/kz_k_ia/index.html").read_text(encoding="utf-8")
    assert "0.5078" in k


def test_depressed_units_listed_with_class(site):
    html = (site / "2023/ru/indices/depressed_units/index.html").read_text(encoding="utf-8")
    assert html.count(">депрессивная<") == 7


def test_downloads_match_compute(site, results):
    from aimaq.indices import export

    text = (site / "downloads/2023/indices.csv").read_text(encoding="utf-8")
    assert text == export.indices_csv(results)
    assert text.splitlines()[0] == "index,unit,year,value,rank,class"
    audit = (site / "downloads/2023/audit.csv").read_text(encoding="utf-8")
    assert audit.splitlines()[0] == "index,unit,year,printed,computed,difference,status,reason"


def test_pages_are_well_formed(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        rel = page.relative_to(site).as_posix()
        assert html.count("<h1") == 1, rel
        assert re.search(r'<html lang="(kk|ru|en)">', html), rel
        assert "<title>" in html, rel
        if rel not in REDIRECTS and not is_stub(html):
            for lang in LANGS:
                assert f'hreflang="{lang}"' in html, rel


def test_short_addresses_are_stubs_leading_to_the_permanent_page(site):
    """Each page is rendered once, at its permanent address: the current edition's short
    address (<lang>/…) sends the reader there (refresh, canonical, a visible link in the
    page's language, a script keeping the #fragment), for every page of the edition."""
    permanent = sorted(p.relative_to(site / PAGES).as_posix()
                       for lang in LANGS for p in (site / PAGES / lang).rglob("index.html"))
    short = sorted(p.relative_to(site).as_posix()
                   for lang in LANGS for p in (site / lang).rglob("index.html"))
    assert short == permanent and len(short) > 200
    for rel in short:
        html = (site / rel).read_text(encoding="utf-8")
        depth = "../" * rel.count("/")
        target = f"{depth}{PAGES}/{rel}"
        assert is_stub(html) and "data-pagefind-body" not in html, rel
        assert f'content="0; url={target}"' in html and f'<a href="{target}">' in html, rel
        assert f'<link rel="canonical" href="/{PAGES}/{rel[:-len("index.html")]}">' in html
        assert f'<script src="{depth}assets/redirect.js"></script>' in html, rel
        assert f'<html lang="{rel.split("/")[0]}">' in html, rel
        assert len(html) < 2000, rel
        title = re.search(r"<title>(.*)</title>", html).group(1)
        assert f"<title>{title} · " in (site / PAGES / rel).read_text(encoding="utf-8") or \
            f"<title>{title}</title>" in (site / PAGES / rel).read_text(encoding="utf-8")
    # Search indexes the permanent pages, once: no bundle of the short addresses.
    assert (site / PAGES / "pagefind/pagefind-ui.js").is_file()
    assert not (site / "pagefind").exists()
    assert "data-pagefind-body" in (site / PAGES / "en/units/abai/index.html").read_text("utf-8")


def test_nothing_is_loaded_from_outside(site):
    pattern = re.compile(r'(?:src|href)\s*=\s*"(?:https?:)?//', re.I)
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        # canonical and alternate links name the public address; nothing else may.
        body = re.sub(r'<link rel="(canonical|alternate)"[^>]*>', "", html)
        assert not pattern.search(body), page


def test_bundled_build_is_deterministic(site, tmp_path):
    again = tmp_path / "again"
    build(ROOT / "site.yaml", again)
    assert files(again) == files(site)


def test_every_page_has_a_preview_image_that_exists(site):
    for page in site.rglob("*.html"):
        rel = page.relative_to(site).as_posix()
        html = page.read_text(encoding="utf-8")
        if "pagefind/" in rel or rel in REDIRECTS or is_stub(html):
            continue
        m = re.search(r'<meta property="og:image" content="/([^"]+)">', html)
        assert m, rel
        assert (site / m.group(1)).is_file(), (rel, m.group(1))
        assert '<meta name="description" content="' in html, rel


def test_charts_have_fallbacks_descriptions_tables_and_downloads(site):
    for lang in LANGS:
        home = (site / PAGES / lang / "index.html").read_text(encoding="utf-8")
        unit = (site / PAGES / lang / "units/abai/index.html").read_text(encoding="utf-8")
        index = (site / PAGES / lang / "indices/integral_innovation_index/index.html").read_text(encoding="utf-8")
        region = (site / PAGES / lang / "region/index.html").read_text(encoding="utf-8")
        assert 'data-chart="home-map"' in home
        assert 'data-chart="unit-map-abai"' in unit and 'data-chart="unit-profile-abai"' in unit
        assert 'data-chart="rank-integral_innovation_index"' in index
        assert 'chart-time_series' in region and 'chart-composition' in region
        for html, cid in ((home, "home-map"), (index, "rank-integral_innovation_index")):
            for ext in ("static.svg", "svg", "csv"):
                assert f"{cid}.{ext}" in html, (lang, cid, ext)
                assert (site / "charts/2023" / lang / f"{cid}.{ext}").is_file()
            assert f"{cid}.png" not in html and 'data-format="png"' in html
            assert 'class="chart-description"' in html and "<details" in html
        # Per unit, no image: the map is the region's map with the unit outlined over it,
        # the partial scores are drawn live (their table open without scripts).
        charts = site / "charts/2023" / lang
        assert 'unit-map.static.svg"' in unit and 'data-unit="abai"' in unit
        assert [p.name for p in charts.glob("unit-*.static.svg")] == ["unit-map.static.svg"]
        assert not (charts / "unit-map-abai.svg").exists()     # made in the browser
        assert not (charts / "unit-profile-abai.svg").exists()
        # Nor any file per unit: a unit's chart is its kind's spec, shared by every unit of
        # the language, with the unit's values in its page (the CSV made in the browser).
        assert not list(charts.glob("unit-profile-*")) and not list(charts.glob("unit-map-*"))
        assert (charts / "unit-profile.spec.js").is_file() and "unit-profile.spec.js" in unit
        assert 'data-format="csv"' in unit
    assert not list((site / "charts").rglob("*.png"))           # PNG: made in the browser
    # the description names the top and bottom units in the page language
    index = (site / "2023/en/indices/integral_innovation_index/index.html").read_text(encoding="utf-8")
    desc = re.search(r'id="chart-rank-integral_innovation_index-desc">([^<]+)<', index).group(1)
    assert "Zharma" in desc and "Beskaragai" in desc


def test_the_site_root_leads_in_one_step_to_the_permanent_home(site):
    # Not to kk/index.html, itself a stub: one hop, and readable on a phone meanwhile.
    for at, target in (("index.html", "2023/kk/index.html"), ("2023/index.html", "kk/index.html")):
        html = (site / at).read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url={target}">' in html, at
        assert not is_stub((site / at).parent.joinpath(target).read_text(encoding="utf-8"))
        assert 'name="viewport"' in html and 'assets/style.css"' in html


def test_a_cross_sections_values_are_gathered_once_for_every_units_standing():
    """Every unit's standing shows the values of all units in its cross-section: gathered
    once per cross-section (a scan of every unit per unit was units × units at scale)."""
    ds = load_dataset(ROOT / "data", "2023", base=ROOT)
    index = FigureIndex(ds)
    units = ds.unit_ids()
    f = index.for_area(units[0])[-1]
    key = (f.table, f.indicator, f.category, f.year)
    want = tuple(g.value for u in units for g in index.pick(u, *key)
                 if not math.isnan(g.value))
    calls = []
    pick = index.pick
    index.pick = lambda *a, **k: calls.append(a) or pick(*a, **k)
    assert index.values(units, *key) == want and len(want) >= 2
    assert len(calls) == len(units)
    assert index.values(units, *key) is index.values(units, *key)
    assert len(calls) == len(units)                 # made once


def test_a_strip_draws_one_tick_per_place_however_many_units():
    """The glance strip of 2,000 units is a few hundred ticks, not 2,000 per page."""
    values = tuple(i / 1999 for i in range(2000))
    s = SimpleNamespace(values=values, value=0.5, region_value=0.4, better="higher")
    svg = PageHelpers.strip(SimpleNamespace(), s)
    ticks = re.findall(r"M([\d.]+) 7v10", svg)
    assert svg.count("strip-tick") == 1             # every tick in one path
    assert len(ticks) == len(set(ticks)) <= 2 * 152 + 1
    assert float(ticks[0]) == 4.0 and float(ticks[-1]) == 156.0
    few = SimpleNamespace(values=(1.0, 1.0, 2.0), value=1.0, region_value=math.nan,
                          better="")
    assert len(re.findall(r"M[\d.]+ 7v10", PageHelpers.strip(SimpleNamespace(), few))) == 2


def test_a_strip_ground_is_drawn_once_per_measure():
    """Every unit's profile shows the same ticks of a measure: drawn once, not once per
    unit's page (that was units x units)."""
    values = tuple(i / 499 for i in range(500))
    drawn = []
    draw = render_module._draw_ground
    render_module._draw_ground = lambda *a: drawn.append(a) or draw(*a)
    try:
        strips = [PageHelpers.strip(SimpleNamespace(), SimpleNamespace(
            values=values, value=v, region_value=0.4, better="lower")) for v in values[:50]]
    finally:
        render_module._draw_ground = draw
    assert len(drawn) == 1
    assert len(set(strips)) == 50 and len({s.count("7v10") for s in strips}) == 1


def test_unit_histories_are_each_units_history():
    """Every unit's history made at once is the history of each unit asked alone."""
    def row(part, unit, year, value, ref=False):
        return SimpleNamespace(part=part, unit=unit, year=year, value=value, rank=1,
                               rank_of=2, ref=ref)
    old = SimpleNamespace(rows={"a": [row("", "u1", 2020, 1.0), row("", "u2", 2020, 2.0),
                                      row("", "reg", 2020, 1.5, ref=True)],
                                "b": [row("x", "u2", 2020, 3.0), row("", "u1", 2019, 1.0),
                                      row("", "u1", 2018, 9.0)]})
    new = SimpleNamespace(rows={"b": [row("x", "u2", 2021, 4.0), row("", "u1", 2021, math.nan)],
                                "a": [row("", "u1", 2021, 5.0), row("", "u2", 2021, math.nan)]})
    views = [("e1", old), ("e2", None), ("e3", new)]
    every = unit_histories(views)
    assert every["u1"] and every["u2"]
    for unit in ("u1", "u2", "reg", "u3"):
        assert every.get(unit, []) == unit_history(views, unit)


def test_only_a_pages_first_chart_has_an_image(site):
    """Images where they pay: the chart a reader sees first (and the home page's pair);
    the region's further charts are drawn live, their tables open without scripts."""
    for lang in LANGS:
        charts = site / "charts/2023" / lang
        region = (site / PAGES / lang / "region/index.html").read_text(encoding="utf-8")
        figures = re.findall(r'<figure class="chart [^"]*chart-drawn-(\w+)"[^>]*'
                             r'data-chart="([^"]+)"', region)
        assert len(figures) >= 3 and figures[0][0] == "static", figures
        assert {how for how, _ in figures[1:]} == {"live"}, figures
        for how, cid in figures:
            assert (charts / f"{cid}.static.svg").is_file() == (how == "static"), cid
            assert (charts / f"{cid}.json").is_file() and (charts / f"{cid}.csv").is_file()
        assert region.count("<details class=\"chart-data\" open>") == len(figures) - 1
        assert (charts / "home-map.static.svg").is_file()
        assert (charts / "home-ranking.static.svg").is_file()


def test_search_indexes_what_readers_search_on_a_profile(site):
    """A profile's search text is its name, other names, prose and headings: not its
    glance strip of numbers, its charts' descriptions and data (they name other units),
    its similar units or its tables, which made Pagefind's work grow with every unit."""
    import gzip
    import json

    texts = {}
    for f in (site / PAGES / "pagefind/fragment").iterdir():
        doc = json.loads(gzip.decompress(f.read_bytes())[len(b"pagefind_dcd"):])
        texts[doc["url"]] = doc["content"]
    semey = next(t for url, t in texts.items() if url.endswith("/en/units/semey/"))
    html = (site / PAGES / "en/units/semey/index.html").read_text("utf-8")
    assert "Semey" in semey and "class=\"glance\"" in html and "chart-description" in html
    assert "retail trade" in semey                       # its prose
    assert "At a glance" not in semey                   # the glance block: numbers, ranks
    assert "Chart data" not in semey and "Download" not in semey
    assert "Similar units" not in semey and "Index values" not in semey
    assert "Unit of measure" not in semey               # a figures table's header
