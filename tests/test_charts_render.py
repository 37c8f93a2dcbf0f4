"""Static chart images (offline, with vl-convert), the chart assets and the chart partial."""
from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import vl_convert as vlc

from aimaq import formatting as fmt
from aimaq.charts import (
    chart_assets,
    chart_files,
    load_boundaries,
    load_chart_strings,
    map_chart,
    ranking_chart,
    standalone_svg,
    static_svg,
)
from aimaq.charts import render as R
from aimaq.charts.assets import ASSETS_DIR
from aimaq.data.geo import boundary_attribution
from aimaq.data.model import Area
from aimaq.output import content
from aimaq.site import urls
from aimaq.site.render import CSP, environment
from charts_helpers import build_all, invented_areas

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("kk", "ru", "en")


@pytest.fixture(scope="module")
def strings():
    """The bundled site's chart words, with its boundary file's own attribution (the .yaml
    beside it), as its build has them."""
    geojson = ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson"
    return load_chart_strings(ROOT / "templates", LANGS).with_map_attribution(
        boundary_attribution(geojson, LANGS))


def ranking(strings, lang="ru", **kw):
    df = pd.DataFrame({"unit": ["a", "b", "c"], "name": ["Альфа", "Бета", "Гамма"],
                       "value": [1234.5, 38.46, 6.19]})
    args = dict(id="rank-test", lang=lang, strings=strings, title="Уровень </script> & <b>",
                subtitle="%, 2020", source="Invented table 1", measure="%", decimals=1,
                highlight="b", reference=12.9, reference_name="Облыс")
    args.update(kw)
    return ranking_chart(df, **args)


def test_static_svg_is_rendered_offline_with_the_page_locale(strings):
    chart = ranking(strings)
    svg = static_svg(chart)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert "38,5\u00a0%" in svg.replace("&#160;", "\u00a0") or "38,5 %" in svg
    assert re.search(r"1(\u00a0|&#160;| )[0-9]00<", svg)           # grouped axis tick
    assert "38.5" not in svg
    en = static_svg(ranking(strings, lang="en", id="rank-en"))
    assert "38.5%" in en and re.search(r"1,[0-9]00<", en)


def test_every_kind_compiles_without_vega_lite_warnings(strings, capfd):
    boundaries = load_boundaries(ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson")
    charts = build_all("en", strings, boundaries, invented_areas())
    capfd.readouterr()
    for kind, chart in charts.items():
        vlc.vegalite_to_vega(chart.spec, vl_version=R.vl_version(), show_warnings=True)
        out, err = capfd.readouterr()
        assert "WARN" not in out + err, f"{kind}: {out}{err}"


def test_static_rendering_refuses_external_data(strings):
    chart = ranking(strings)
    spec = {"data": {"url": "https://example.invalid/x.csv"}, "mark": "point",
            "encoding": {"x": {"field": "a", "type": "quantitative"}}}
    with pytest.raises(Exception, match="not allowed"):
        static_svg(dataclasses.replace(chart, spec=spec))


def test_downloads_have_title_and_source_and_png(strings):
    chart = ranking(strings)
    full = standalone_svg(chart)
    assert "Уровень &lt;/script&gt; &amp; &lt;b&gt;" in full
    assert "Invented table 1" in full
    files = chart_files(chart, "charts/ru")
    assert sorted(files) == sorted(f"charts/ru/rank-test.{e}" for e in
                                   ("json", "csv", "static.svg", "svg", "png"))
    assert content(files["charts/ru/rank-test.png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(files["charts/ru/rank-test.json"]) == chart.spec
    assert files["charts/ru/rank-test.csv"].startswith("\ufeff".encode("utf-8"))
    assert R.image_size(chart)[0] > 100
    no_png = chart_files(chart, "charts/ru", png_image=False)
    assert "charts/ru/rank-test.png" not in no_png


def _fresh_memory(directory=None):
    R._CACHE.memory.clear()
    R.use_render_cache(directory)


def test_worker_processes_draw_the_same_images(strings, tmp_path):
    """Images drawn in spawned workers are byte for byte those drawn in this process, and
    land in the disk cache the workers share."""
    charts = [ranking(strings, lang=lang, id=f"r{i}", highlight=unit)
              for i, (lang, unit) in enumerate(
                  (lang, unit) for lang in LANGS for unit in ("a", "b", "c"))]
    try:
        _fresh_memory()
        here = R.all_chart_files([(c, "charts") for c in charts], workers=1)
        _fresh_memory(tmp_path / "cache")
        assert R.draw_images(charts, workers=2, min_pool=1) == len(charts)
        assert len(list((tmp_path / "cache").rglob("*"))) > len(charts)
        _fresh_memory(tmp_path / "cache")           # the disk cache alone has them now
        assert R.draw_images(charts, workers=2, min_pool=1) == 0
        pooled = R.all_chart_files([(c, "charts") for c in charts], workers=2)
    finally:
        _fresh_memory()
    assert pooled == here


def test_a_script_without_a_main_guard_is_not_run_again_by_the_workers(tmp_path):
    """Spawned workers import the parent's main script unless told otherwise: a script
    that draws charts at its top level must not run again in each worker."""
    marker = tmp_path / "runs.txt"
    script = tmp_path / "script.py"
    script.write_text(f"""
import sys
sys.path.insert(0, {str(ROOT / "tests")!r})
from pathlib import Path
with open({str(marker)!r}, "a") as f:
    f.write("run\\n")
from test_charts_render import ranking, LANGS, ROOT
from aimaq.charts import load_chart_strings
from aimaq.charts import render as R
strings = load_chart_strings(ROOT / "templates", LANGS)
charts = [ranking(strings, lang=l, id=l) for l in LANGS]
print(R.draw_images(charts, workers=2, min_pool=1))
""", encoding="utf-8")
    import subprocess
    import sys

    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["3"]
    assert marker.read_text().split() == ["run"]


def test_map_renders_with_its_attribution(strings):
    boundaries = load_boundaries(ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson")
    areas = [Area(id="a", kind="unit", name={"en": "Abai"}, shape="Abayskiy"),
             Area(id="o", kind="unit", name={"en": "Oskemen"}, point=(82.61, 49.95))]
    chart = map_chart(pd.DataFrame({"unit": ["a", "o"], "value": [1.0, 2.0]}), id="map",
                      lang="en", strings=strings, boundaries=boundaries, areas=areas,
                      title="Map")
    svg = static_svg(chart)
    assert "OpenStreetMap contributors (ODbL), via geoBoundaries" in svg
    assert svg.count("<path") > 2


def test_assets_are_local_and_csp_safe():
    files = chart_assets(LANGS)
    assert sorted(files) == sorted(f"{ASSETS_DIR}/{n}" for n in
                                   ("vega.js", "charts.js", "charts.css", "LICENSES.txt"))
    bundle = files[f"{ASSETS_DIR}/vega.js"].decode("utf-8")
    assert "window.vegaEmbed=" in bundle and "window.vega=" in bundle
    # vega-embed carries vega-interpreter, used with `ast: true` instead of new Function().
    assert "Prevented interpretation" in bundle and "expressionInterpreter" in bundle
    assert "import " not in bundle[:200] and not re.search(r"\bexport\s*\{", bundle)
    js = files[f"{ASSETS_DIR}/charts.js"].decode("utf-8")
    assert "ast: true" in js and "defaultStyle: false" in js and "disableDefaultStyle" in js
    locales = json.loads(re.search(r"var LOCALES = (\{.*?\});", js).group(1))
    assert locales["ru"]["decimal"] == "," and locales["en"]["thousands"] == ","
    assert "://" not in js                                   # no address outside the site
    assert chart_assets(LANGS) == files                      # deterministic


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.scripts, self.tags = [], [], [], []
        self._in_script = None

    VOID = {"img", "br", "meta", "link", "input", "hr", "source"}

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        self.tags.append((tag, d))
        if "style" in d or tag == "style":
            self.errors.append(f"inline style on <{tag}>")
        if any(k.startswith("on") for k in d):
            self.errors.append(f"event handler on <{tag}>")
        if tag == "script":
            if d.get("type") != "application/json" or "src" in d:
                self.errors.append("executable script")
            self._in_script = []
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append("".join(self._in_script))
            self._in_script = None
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_script is not None:
            self._in_script.append(data)


def render_partial(chart, lang="ru"):
    env = environment(ROOT / "templates")
    page = f"{lang}/units/b/index.html"
    return env.get_template("partials/chart.html").render(
        chart=chart, chart_dir=f"charts/{lang}",
        link=lambda p: urls.relative(page, p),
        num=lambda v, d=None: fmt.number(v, lang, d))


def test_partial_renders_valid_csp_safe_html(strings):
    chart = ranking(strings)
    html = render_partial(chart)
    page = _Page()
    page.feed(html)
    page.close()
    assert not page.errors, page.errors
    assert not page.stack, page.stack
    # The data island holds the spec, and no "</script>" could end it early.
    assert len(page.scripts) == 1
    assert json.loads(page.scripts[0]) == json.loads(chart.spec_json())
    tags = dict((t, a) for t, a in page.tags)
    assert tags["img"]["src"] == "../../../charts/ru/rank-test.static.svg"
    assert tags["img"]["alt"] == chart.alt
    assert tags["figure"]["data-lang"] == "ru"
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert hrefs == [f"../../../charts/ru/rank-test.{e}" for e in ("csv", "svg", "png")]
    assert "<details class=\"chart-data\">" in html and "open" not in tags["details"]
    assert chart.description in html.replace("&#39;", "'")
    assert "1\u00a0234,5" in html                            # table numbers via num()
    assert 'class="is-highlight"' in html
    assert "Invented table 1" in html
    assert "Content-Security-Policy" not in html and "script-src" in CSP


def test_partial_map_shows_attribution(strings):
    boundaries = load_boundaries(ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson")
    areas = [Area(id="a", kind="unit", name={"kk": "Абай"}, shape="Abayskiy")]
    chart = map_chart(pd.DataFrame({"unit": ["a"], "value": [1.0]}), id="map", lang="kk",
                      strings=strings, boundaries=boundaries, areas=areas, title="Карта",
                      source="Кесте 15")
    html = render_partial(chart, "kk")
    assert ("Кесте 15 · Шекаралар: © OpenStreetMap авторлары (ODbL), geoBoundaries арқылы"
            in html)


def test_two_writers_of_the_same_image_do_not_trip_each_other(tmp_path):
    """Two workers drawing the same chart store the same key at once: each writes its own
    temporary file, so neither renames the other's away (a cold build once failed so)."""
    from concurrent.futures import ThreadPoolExecutor

    from aimaq.charts.render import _Cache

    cache = _Cache()
    cache.directory = tmp_path
    key = "ab" + "0" * 62
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: cache.put(key, b"<svg/>"), range(400)))
    assert cache.path(key) is not None and cache.get(key) == b"<svg/>"
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [key]
