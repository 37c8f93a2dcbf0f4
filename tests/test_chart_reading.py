"""Charts a reader can read, measured in a real browser (issue 15).

Every chart of the bundled site is looked at as a reader sees it at 1280 px and at 390 px
(a phone): the smallest text drawn in it, scaled as the page shows it, is at least 11 CSS px
on the desktop and 10 px on the phone; no label is cut ("…"); no chart makes the page
scroll sideways. The pre-drawn image is measured (the first paint, and what a reader without
scripts sees; a chart drawn live only has none), and the live chart too where one is showing.
"""
import functools
import http.server
import threading

import pytest

SMALLEST = {1280: 11, 390: 10}

#: For every chart figure: the smallest text size as shown (font size × the image's scale)
#: and the texts cut with "…", in the static image and in the live chart if it shows.
MEASURE = """async () => {
  const out = [];
  for (const fig of document.querySelectorAll('figure.chart')) {
    const img = fig.querySelector('.chart-body img');     // a unit's map: the region's
    const live = fig.querySelector('.chart-live svg');
    const rows = [];
    if (img && img.getBoundingClientRect().width > 0) {
      const svg = new DOMParser().parseFromString(
        await (await fetch(img.src)).text(), 'image/svg+xml').documentElement;
      const scale = img.getBoundingClientRect().width / parseFloat(svg.getAttribute('width'));
      for (const t of svg.querySelectorAll('text')) {
        let el = t, size = null;
        while (el && el.getAttribute && !(size = el.getAttribute('font-size'))) {
          el = el.parentNode;
        }
        rows.push({text: t.textContent, px: parseFloat(size || '11') * scale});
      }
    }
    if (live && live.getBoundingClientRect().width > 0) {
      const scale = live.getScreenCTM().a;
      for (const t of live.querySelectorAll('text')) {
        rows.push({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale});
      }
    }
    const shown = rows.filter(r => r.text.trim());
    out.push({id: fig.id, texts: shown.length,
              liveOnly: fig.classList.contains('chart-drawn-live'),
              smallest: Math.min(...shown.map(r => r.px)),
              cut: shown.filter(r => r.text.includes('…')).map(r => r.text),
              right: Math.round(fig.getBoundingClientRect().right)});
  }
  return {charts: out, width: document.documentElement.clientWidth};
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_address(bundled_site):
    top, out = bundled_site
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(top)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sub/path/", out
    server.shutdown()
    server.server_close()



def chart_pages(out, langs=("kk", "ru", "en")) -> list[str]:
    """Every built page with a chart figure, in the given languages."""
    return sorted(p.relative_to(out).as_posix() for lang in langs
                  for p in (out / "2023" / lang).rglob("index.html")
                  if 'class="chart chart-' in p.read_text(encoding="utf-8"))


def _problems(page, base, paths, width) -> tuple[list[str], int]:
    problems, measured = [], 0
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        result = page.evaluate(MEASURE)
        for c in result["charts"]:
            if c["liveOnly"] and not c["texts"]:    # no pre-drawn image: only drawn live
                continue
            assert c["texts"] > 0, f"{path} {c['id']}: no text measured"
            measured += 1
            if c["smallest"] < SMALLEST[width] - 0.05:
                problems.append(f"{path} {c['id']}: text {c['smallest']:.1f} px")
            if c["cut"]:
                problems.append(f"{path} {c['id']}: cut {c['cut'][:3]}")
            if c["right"] > result["width"] + 1:
                problems.append(f"{path} {c['id']}: runs {c['right'] - result['width']} px "
                                "past the screen")
    return problems, measured


@pytest.mark.parametrize("width", [1280, 390])
def test_pre_drawn_chart_text_is_large_enough_and_never_cut(site_address, browser, width):
    """The first paint of every chart page in the three languages (vega.js held back)."""
    base, out = site_address
    pages = chart_pages(out)
    assert any(p.endswith("kk/index.html") for p in pages)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.route("**/vega.js", lambda route: route.abort())
    problems, measured = _problems(page, base, pages, width)
    page.close()
    assert measured > 100
    assert problems == []


LIVE = ["kk/index.html", "kk/region/index.html", "kk/units/abai/index.html",
        "ru/indices/depressiveness_partial/index.html",
        "kk/indices/integral_innovation_index/index.html",
        "ru/indices/depressed_units/index.html"]


@pytest.mark.parametrize("width", [1280, 390])
def test_live_chart_text_is_large_enough(site_address, browser, width):
    """Pages of every chart kind with their scripts: whatever shows after a reader points
    at each chart (the live chart where it has been drawn, else the image)."""
    base, _ = site_address
    page = browser.new_page(viewport={"width": width, "height": 900})
    problems, measured = [], 0
    for path in LIVE:
        page.goto(base + path)
        page.wait_for_load_state("load")
        for fig in page.locator("figure.chart").all():
            fig.scroll_into_view_if_needed()
            fig.hover()
        page.wait_for_timeout(300)
        result = page.evaluate(MEASURE)
        for c in result["charts"]:
            measured += 1
            if c["smallest"] < SMALLEST[width] - 0.05 or c["cut"]:
                problems.append(f"{path} {c['id']}: {c['smallest']:.1f} px, cut {c['cut'][:2]}")
    page.close()
    assert measured >= 10
    assert problems == []
