"""Real-browser tests: Playwright driving Debian's chromium against the built pages.

Every page type loads over HTTP on localhost with no console error and no request leaving
the site; axe finds no serious or critical accessibility violation; script planted in a CSV
cell or in Markdown never runs; ``aimaq serve`` reloads an open page after an edit and shows
a build error on top of it. The browser is required: a missing chromium fails the suite, it
never skips (``make test`` installs it).
"""
import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from aimaq.build import build

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def serve_folder():
    """Serve folders on 127.0.0.1; yields a function folder -> base address."""
    servers = []

    def start(folder: Path) -> str:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(bundled_site, serve_folder):
    """The bundled site, served at a sub-path: (base address, output folder)."""
    top, out = bundled_site
    return serve_folder(top) + "sub/path/", out



def visit(browser, url: str, base: str):
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.errors, page.outside, page.dialogs = errors, outside, dialogs
    response = page.goto(url)
    assert response is not None and response.ok, url
    page.wait_for_load_state("load")
    return page, errors, outside


# One page of every type (kind of PageSpec), at its permanent address (the short address
# <lang>/… is a stub leading there); content pages are found in the output.
PAGES = ["2023/" + p for p in [
    "kk/index.html", "ru/index.html", "en/index.html", "kk/units/index.html",
    "kk/units/oskemen/index.html", "ru/units/urzhar/index.html", "en/units/altai/index.html",
    "kk/region/index.html", "ru/indices/index.html",
    "en/indices/integral_innovation_index/index.html", "kk/recommendations/index.html",
    "ru/glossary/index.html", "en/data/index.html", "kk/compare/index.html",
    "en/search/index.html"]]
KNOWN = {p.split("/")[2] for p in PAGES if p.count("/") == 3} | {"units", "indices"}


def test_a_short_address_leads_to_the_permanent_page_keeping_the_fragment(served, browser):
    """<lang>/… is a stub: the reader lands on <edition>/<lang>/…, at the #section asked
    for (assets/redirect.js; the meta refresh alone would drop it)."""
    base, _ = served
    page, errors, outside = visit(browser, base + "en/units/altai/index.html#main", base)
    page.wait_for_url(base + "2023/en/units/altai/index.html#main")
    assert page.locator("h1").count() == 1 and "data-pagefind-body" in page.content()
    page.goto(base + "kk/region/index.html")
    page.wait_for_url(base + "2023/kk/region/index.html")
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(served, browser, path):
    base, out = served
    if not (out / path).is_file():
        pytest.fail(f"{path} was not built")
    page, errors, outside = visit(browser, base + path, base)
    assert errors == []
    assert outside == []
    assert page.locator("h1").count() == 1
    page.close()


def test_content_pages_load_cleanly(served, browser):
    base, out = served
    content = sorted(p.relative_to(out).as_posix() for p in out.glob("2023/*/*/index.html")
                     if p.parent.name not in KNOWN)
    assert content
    for path in content:
        page, errors, outside = visit(browser, base + path, base)
        assert errors == [] and outside == [], path
        assert page.locator("h1").count() == 1, path
        page.close()


def test_404_page_loads_cleanly_at_the_site_root(bundled_site, serve_folder, browser):
    _, out = bundled_site                 # its links start from base_url's path, here '/'
    base = serve_folder(out)
    page, errors, outside = visit(browser, base + "404.html", base)
    assert errors == [] and outside == []
    assert page.locator("h1").count() == 1
    page.close()


def test_root_redirects_to_kazakh(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "index.html", base)
    page.wait_for_url("**/2023/kk/index.html")      # through the stub at kk/
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("h1").count() == 1
    assert errors == [] and outside == []
    page.close()


def test_language_switch_lands_on_same_page(served, browser):
    base, _ = served
    page, _, _ = visit(browser, base + "2023/kk/units/zaisan/index.html", base)
    page.click("nav.lang-switch a[hreflang=ru]")
    page.wait_for_url("**/ru/units/zaisan/index.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.close()


def test_search_finds_a_unit(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/en/search/index.html", base)
    page.fill("#search input", "Semey")
    first = page.locator(".pagefind-ui__result-link").first
    first.wait_for(timeout=15000)
    first.click()                                   # results link into the site's sub-path
    page.wait_for_url(base + "2023/en/units/semey/**")
    assert page.locator("h1").inner_text() == "Semey"
    assert errors == [] and outside == []            # Pagefind's WebAssembly obeys the CSP
    page.close()


AXE_PAGES = ["2023/" + p for p in [
    "kk/index.html", "en/index.html", "kk/units/semey/index.html",
    "ru/units/urzhar/index.html", "en/indices/integral_innovation_index/index.html",
    "kk/indices/index.html", "ru/region/index.html", "en/recommendations/index.html",
    "kk/compare/index.html", "ru/glossary/index.html", "en/data/index.html",
    "kk/search/index.html", "ru/search/index.html"]]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_serious_or_critical_violation(served, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = served
    page, errors, _ = visit(browser, base + path, base)
    if "/search/" in path:                  # Pagefind draws its box after the load
        page.locator("#search-input").wait_for(timeout=15000)
    results = Axe().run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — "
           + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                       for n in v["nodes"][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(bad)
    assert errors == []
    page.close()


def test_screenshot_artifacts(served, browser):
    base, _ = served
    ARTIFACTS.mkdir(exist_ok=True)
    for name, path in (("home-kk", "2023/kk/index.html"),
                       ("profile-kk", "2023/kk/units/semey/index.html")):
        page, _, _ = visit(browser, base + path, base)
        page.set_viewport_size({"width": 1200, "height": 900})
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
        page.close()
    assert (ARTIFACTS / "home-kk.png").stat().st_size > 1000
    assert (ARTIFACTS / "profile-kk.png").stat().st_size > 1000


# -- XSS probes ---------------------------------------------------------------------------

PROBE = ('<script>alert("csv")</script><img src=x onerror=alert("img")>'
         '<svg onload=alert("svg")></svg>')
MD_PROBE = ('\n<script>alert("md")</script>\n\n<img src="../../../assets/style.css" '
            'onerror="alert(\'md-img\')">\n\n[click](javascript:alert("md-link"))\n\n'
            '<a href="#" onclick="alert(\'md-click\')">raw</a>\n')


def test_script_in_csv_and_markdown_never_runs(mini, serve_folder, browser):
    csv = mini / "data/2023/tables/t1_firms.csv"
    cell = '"' + PROBE.replace('"', '""') + '"'
    csv.write_text(csv.read_text().replace("beta,firms,2020,20,,13,",
                                           f"beta,firms,2020,20,,13,{cell}"))
    md = mini / "content/2023/en/units/beta.md"
    md.parent.mkdir(parents=True)
    md.write_text("---\ntitle: Beta\n---\nBeta." + MD_PROBE)
    build(mini / "site.yaml")
    base = serve_folder(mini / "output")
    page, errors, outside = visit(browser, base + "en/units/beta/index.html", base)
    assert page.get_by_text('<script>alert("csv")</script>', exact=False).count() == 1
    for link in page.locator("main a").all():
        if link.inner_text() in ("click", "raw"):
            link.click(no_wait_after=True, timeout=2000)
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert errors == [] and outside == []
    page.close()


# -- aimaq serve in the browser ---------------------------------------------------------------


def test_serve_reloads_the_page_after_an_edit_and_overlays_errors(mini, browser, tmp_path):
    from aimaq.serve import Preview

    preview = Preview(mini / "site.yaml", port=0, output=tmp_path / "out", interval=0.1)
    url = preview.start()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.run, args=(stop,), daemon=True)
    watcher.start()
    try:
        page, errors, outside = visit(browser, url + "en/index.html", url)
        page.wait_for_function("document.querySelector('script[src=\"/__aimaq/reload.js\"]')")
        md = mini / "content/2023/en/index.md"
        md.write_text(md.read_text() + "\nEdited while the page is open.\n")
        page.get_by_text("Edited while the page is open.").wait_for(timeout=15000)

        md.write_text("---\ntitle: Mini\nsubtitle: nope\n---\nText\n")
        overlay = page.locator("#aimaq-overlay")
        overlay.wait_for(timeout=15000)
        assert "content/2023/en/index.md:3" in overlay.inner_text()

        md.write_text("---\ntitle: Mini\n---\nRepaired.\n")
        page.get_by_text("Repaired.").wait_for(timeout=15000)
        assert page.locator("#aimaq-overlay").count() == 0
        assert errors == [], errors                 # the reload script obeys the CSP
        assert outside == []
        page.close()
    finally:
        stop.set()
        watcher.join(timeout=10)
        preview.close()


@pytest.mark.parametrize("query,unit,heading", [
    ("Үржар", "urzhar", "Үржар"),                      # Kazakh Cyrillic
    ("Усть-Каменогорск", "oskemen", "Өскемен"),        # the Russian name, on the Kazakh site
    ("Ürjar", "urzhar", "Үржар"),                       # Kazakh Latin script
])
def test_kazakh_search_finds_a_unit_by_any_name(served, browser, query, unit, heading):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/kk/search/index.html", base)
    page.fill("#search input", query)
    link = page.locator(f".pagefind-ui__result-link[href*='/units/{unit}/']").first
    link.wait_for(timeout=15000)
    link.click()
    page.wait_for_url(base + f"2023/kk/units/{unit}/**")
    assert page.locator("h1").inner_text() == heading
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("path", ["2023/kk/index.html", "2023/ru/units/abai/index.html",
                                  "2023/en/indices/depressed_units/index.html",
                                  "2023/kk/region/index.html"])
def test_charts_render_live_without_errors(served, browser, path):
    base, _ = served
    page, errors, outside = visit(browser, base + path, base)
    figures = page.locator("figure.chart")
    assert figures.count() >= 1
    if page.locator("figure.chart-drawn-live").count() == 0:   # (those draw near the screen)
        assert page.locator("figure.chart.chart-is-live").count() == 0   # static SVG first
    figures.first.locator(".chart-body").hover()     # a reader reaches for a chart
    # (expect() polls from Playwright's own world: the page's CSP forbids eval'd predicates)
    expect(page.locator("figure.chart:not(.chart-is-live)")).to_have_count(0, timeout=20000)
    assert page.locator("figure.chart .chart-live svg").count() == figures.count()
    assert errors == [] and outside == []
    page.close()


def test_download_png_is_made_in_the_browser(served, browser):
    """No PNG is built: "PNG" draws the chart with the shipped font and the title and
    source around it, and the browser saves it."""
    base, out = served
    assert not list((out / "charts").rglob("*.png"))
    for path, chart in (("kk/index.html", "home-map"), ("ru/units/abai/index.html",
                                                        "unit-profile-abai")):
        page, errors, outside = visit(browser, base + path, base)
        button = page.locator(f"#chart-{chart} button.chart-download[data-format=png]")
        expect(button).to_be_visible()
        with page.expect_download(timeout=30000) as caught:
            button.click()
        download = caught.value
        assert download.suggested_filename == f"{chart}.png"
        data = Path(download.path()).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert 700 <= width <= 1200 and 500 <= height <= 2400, (width, height)
        assert len(data) > 20_000
        assert errors == [] and outside == []
        page.close()
    # A unit's chart has no SVG file either: the browser makes it, with its title.
    page, errors, outside = visit(browser, base + "ru/units/abai/index.html", base)
    button = page.locator("#chart-unit-map-abai button.chart-download[data-format=svg]")
    with page.expect_download(timeout=30000) as caught:
        button.click()
    assert caught.value.suggested_filename == "unit-map-abai.svg"
    svg = Path(caught.value.path()).read_text(encoding="utf-8")
    title = page.locator("#chart-unit-map-abai-title").inner_text()
    assert svg.startswith("<svg xmlns=") and f"<title>{title}</title>" in svg
    assert svg.count("<svg") == 2 and svg.endswith("</svg>") and "Абайский" in svg
    assert errors == [] and outside == []
    page.close()


def test_a_units_profile_csv_is_made_in_the_browser(served, browser):
    """A unit's chart writes no file of its own: its CSV is made in the browser from the
    unit's values on the page and the shared spec, as the build writes a chart's CSV."""
    base, out = served
    assert not list((out / "charts").rglob("unit-profile-*"))
    assert not list((out / "charts").rglob("unit-map-*"))
    page, errors, outside = visit(browser, base + "ru/units/abai/index.html", base)
    figure = page.locator("#chart-unit-profile-abai")
    assert figure.locator("a[href$='.csv']").count() == 0
    button = figure.locator("button.chart-download[data-format=csv]")
    expect(button).to_be_visible()
    with page.expect_download(timeout=30000) as caught:
        button.click()
    assert caught.value.suggested_filename == "unit-profile-abai.csv"
    data = Path(caught.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode("utf-8"))
    lines = data.decode("utf-8")[1:].splitlines()
    table = figure.locator("details.chart-data tbody tr")
    assert len(lines) == 1 + table.count() and len(lines) > 3
    header = figure.locator("details.chart-data thead th")
    assert lines[0].split(",")[1] == header.nth(1).text_content().strip()   # the unit
    for line in lines[1:]:
        cells = line.rsplit(",", 4)
        assert all(c == "" or float(c) == float(c) for c in cells[1:]), line   # decimal point
    assert errors == [] and outside == []
    page.close()


def test_a_units_map_shows_the_unit_outlined_over_the_region_map(served, browser):
    """Without drawing a map per unit: the region's map image with the unit's outline
    over it, in the same box, where the live chart draws the unit's outline."""
    base, out = served
    page, errors, outside = visit(browser, base + "ru/units/abai/index.html", base)
    figure = page.locator("#chart-unit-map-abai")
    img = figure.locator(".chart-stack img")
    assert img.get_attribute("src").endswith("charts/2023/ru/unit-map.static.svg")
    assert not (out / "charts/2023/ru/unit-map-abai.static.svg").exists()
    outline = figure.locator("svg.chart-overlay path[data-unit=abai]")
    assert outline.count() == 1
    box, shape = img.bounding_box(), outline.bounding_box()
    assert box["width"] > 200 and shape["width"] > 20 and shape["height"] > 20
    assert box["x"] <= shape["x"] and shape["x"] + shape["width"] <= box["x"] + box["width"]
    assert box["y"] <= shape["y"] and shape["y"] + shape["height"] <= box["y"] + box["height"]
    # The live chart (Vega in this browser) outlines the unit with the very same path: the
    # same projection and fit as the image drawn at build time.
    figure.locator(".chart-body").hover()
    expect(figure).to_have_class(re.compile(r"\bchart-is-live\b"), timeout=20000)
    drawn = figure.locator('.chart-live g[class*="layer_3_marks"] path')
    assert drawn.count() == 1
    assert drawn.get_attribute("d") == outline.get_attribute("d")
    assert errors == [] and outside == []
    page.close()


def test_a_units_profile_is_drawn_live_when_it_nears_the_screen(served, browser):
    """A per-unit chart has no image: it keeps its room, draws itself when it nears the
    screen (no reader action), and without scripts shows its data table instead."""
    base, _ = served
    page, errors, outside = visit(browser, base + "kk/units/semey/index.html", base)
    figure = page.locator("#chart-unit-profile-semey")
    assert figure.locator("img").count() == 0
    assert figure.locator("details.chart-data").get_attribute("open") is None
    room = figure.locator("svg.chart-placeholder").bounding_box()
    assert room is not None and room["height"] > 200
    figure.scroll_into_view_if_needed()
    expect(figure).to_have_class(re.compile(r"\bchart-is-live\b"), timeout=20000)
    drawn = figure.locator(".chart-live svg").bounding_box()
    assert abs(drawn["height"] - room["height"]) < 0.1 * room["height"], (room, drawn)
    assert figure.locator(".chart-live svg path").count() > 10
    assert errors == [] and outside == []
    page.close()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "kk/units/semey/index.html")
    figure = page.locator("#chart-unit-profile-semey")
    assert figure.locator("details.chart-data").get_attribute("open") is not None
    assert not figure.locator("svg.chart-placeholder").is_visible()
    assert not figure.locator("button.chart-download").first.is_visible()
    context.close()


def test_compare_page_switches_units(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/en/compare/index.html", base)
    page.select_option("#compare-a", "urzhar")
    page.select_option("#compare-b", "semey")
    header = page.locator("#compare-table thead").inner_text()
    assert "Urzhar" in header and "Semey" in header
    row = page.locator("#compare-table tbody tr", has_text="Innovation activity level").first
    assert "26.7" in row.inner_text() and "6.2" in row.inner_text()
    assert errors == [] and outside == []
    page.close()


# -- editions (the invented two-edition fixture) ---------------------------------------------


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, serve_folder):
    """The two-edition test fixture, built and served: (base address, output folder)."""
    from aimaq.build import build

    fixture = Path(__file__).resolve().parent / "fixtures" / "editions"
    dest = tmp_path_factory.mktemp("editions") / "site"
    shutil.copytree(fixture, dest)
    build(dest / "site.yaml")                       # its own templates/ over the theme
    return serve_folder(dest / "output"), dest / "output"


def test_edition_switcher_lands_on_the_same_page_or_the_home_with_a_note(two_editions,
                                                                          browser):
    base, _ = two_editions
    page, errors, outside = visit(browser, base + "2023/en/units/highmoor/index.html", base)
    banner = page.locator(".edition-banner")
    assert "archived" in banner.inner_text()
    page.locator(".edition-switch a", has_text="2024").click()
    page.wait_for_load_state("load")
    page.wait_for_url(base + "2024/en/units/highmoor/index.html")   # through the stub
    assert page.locator("h1").inner_text() == "Highmoor"
    assert page.locator(".edition-banner").count() == 0
    # "What changed" exists only in 2024: switching lands on 2023's home, whose note shows.
    page.goto(base + "2024/en/changes/index.html")
    page.locator(".edition-switch a", has_text="2023").click()
    page.wait_for_load_state("load")
    assert page.url == base + "2023/en/index.html#edition-page-missing"
    assert page.locator("#edition-page-missing").is_visible()
    page.goto(base + "2023/en/index.html")
    assert not page.locator("#edition-page-missing").is_visible()
    assert errors == [] and outside == []
    page.close()


@pytest.mark.parametrize("path", ["2024/en/changes/index.html",
                                  "2023/kk/units/highmoor/index.html", "2024/kk/index.html"])
def test_axe_on_edition_pages(two_editions, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = two_editions
    page, errors, _ = visit(browser, base + path, base)
    results = Axe().run(page)
    bad = [f"{v['id']} ({v['impact']}): {v['help']}"
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], "\n".join(bad)
    assert errors == []
    page.close()


# -- light pages (issue 15, item 8) -------------------------------------------------------


def _first_load(browser, url: str, width: int = 1280):
    """(bytes transferred, paths requested) of a page's first load, no interaction."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body())))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page, sizes


def test_kazakh_home_is_light_and_defers_vega(served, browser):
    base, _ = served
    page, sizes = _first_load(browser, base + "2023/kk/index.html")
    assert not any(u.endswith("/vega.js") for u in sizes), "vega.js loaded without interaction"
    total = sum(sizes.values())
    assert total <= 300_000, f"kk home transfers {total} bytes on first load"
    assert page.locator("figure.chart img.chart-static").first.is_visible()
    page.locator("figure.chart .chart-body").first.hover()
    page.locator("figure.chart.chart-is-live").first.wait_for(timeout=20000)
    assert any(u.endswith("/vega.js") for u in sizes)
    page.close()


def test_kazakh_profiles_are_at_most_9000_px_tall_at_1280(served, browser):
    base, out = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    heights = {}
    for profile in sorted((out / "2023/kk/units").glob("*/index.html")):
        page.goto(base + profile.relative_to(out).as_posix())
        heights[profile.parent.name] = page.evaluate("document.documentElement.scrollHeight")
    page.close()
    assert len(heights) == 19
    assert max(heights.values()) <= 9000, heights


def _page_paths(out: Path, langs=("kk", "ru", "en")) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for lang in langs
                  for p in (out / "2023" / lang).rglob("index.html"))


def test_no_page_scrolls_sideways_at_390_px(served, browser):
    base, out = served
    page = browser.new_page(viewport={"width": 390, "height": 800})
    wide = []
    for path in _page_paths(out):
        page.goto(base + path, wait_until="domcontentloaded")
        extra = page.evaluate("document.documentElement.scrollWidth"
                              " - document.documentElement.clientWidth")
        if extra > 0:
            wide.append((path, extra))
    page.close()
    assert wide == []


def test_a_scrolling_table_keeps_its_first_column_in_view(served, browser):
    base, _ = served
    page = browser.new_page(viewport={"width": 390, "height": 800})
    page.goto(base + "2023/kk/units/urzhar/index.html")
    group = page.locator("section.figure-group details").first
    group.locator("summary").click()
    box = group.locator(".table-scroll").first
    first = box.locator("tbody tr th").first
    before = first.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = 400; }")
    assert box.evaluate("el => el.scrollLeft") > 0          # the table is wider than the box
    assert abs(first.bounding_box()["x"] - before) < 1
    page.close()


def test_compare_shows_the_difference_and_charts_both_units(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/kk/compare/index.html", base)
    page.select_option("#compare-a", "urzhar")
    page.select_option("#compare-b", "semey")
    row = page.locator("#compare-table tbody tr", has_text="Инновациялық белсенділік деңгейі").first
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == ["26,7", "6,2", "+20,5"]
    chart = page.locator("#compare-chart")
    assert chart.is_visible()
    assert chart.locator("circle.compare-a").count() == chart.locator(".compare-measure").count() >= 4
    assert "Үржар" in chart.inner_text() and "Семей" in chart.inner_text()
    assert errors == [] and outside == []
    page.close()


def test_recommendations_page_opens_filtered_for_the_unit_of_the_profile(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/kk/units/urzhar/index.html", base)
    page.locator("section[aria-labelledby=recs-heading] a[href*='?unit=urzhar']").click()
    page.wait_for_load_state("load")
    assert page.locator("#filter-unit").input_value() == "urzhar"
    shown = page.locator("article.rec:not([hidden])")
    assert 0 < shown.count() < page.locator("article.rec").count()
    assert errors == [] and outside == []
    page.close()


def test_kazakh_search_interface_speaks_kazakh(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "2023/kk/search/index.html", base)
    page.locator("#search-input").wait_for(timeout=15000)
    page.get_by_label("Іздеу сөзі").fill("zzqqxx")
    message = page.locator(".pagefind-ui__message")
    message.wait_for(timeout=15000)
    expect(message).to_contain_text("ештеңе табылмады", timeout=15000)
    assert "results" not in page.locator("#search").inner_text()
    assert errors == [] and outside == []
    page.close()


def test_a_live_chart_not_drawn_yet_prints_its_data_table(served, browser):
    """The region's charts below its first are drawn live; printed before Vega has drawn
    them (here it never loads), each prints its data table instead, closed again after."""
    base, _ = served
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.route("**/vega.js", lambda route: route.abort())
    page.goto(base + "2023/kk/region/index.html")
    page.wait_for_load_state("networkidle")
    live = page.locator("figure.chart-drawn-live:not(.chart-is-live)")
    opened = "figure.chart-drawn-live details.chart-data[open]"
    assert live.count() >= 2 and page.locator(opened).count() == 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert page.locator(opened).count() == live.count()
    assert live.first.locator(".chart-data table").is_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(opened).count() == 0
    page.close()
