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
    profile_chart,
    profile_charts,
    ranking_chart,
    standalone_svg,
    static_svg,
)
from aimaq.charts import render as R
from aimaq.charts.assets import ASSETS_DIR
from aimaq.charts.kinds.map import _marker
from aimaq.data.geo import boundary_attribution
from aimaq.data.model import Area
from aimaq.site import urls
from aimaq.site.render import CSP, environment
from charts_helpers import build_all, invented_areas, parts_frame

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


def test_downloads_have_title_and_source_and_no_png(strings):
    """A region-wide chart writes its static image and the SVG download; no PNG at build
    time (the browser makes it from the live chart, see test_browser)."""
    chart = ranking(strings)
    full = standalone_svg(chart)
    assert "Уровень &lt;/script&gt; &amp; &lt;b&gt;" in full
    assert "Invented table 1" in full
    files = chart_files(chart, "charts/ru")
    assert sorted(files) == sorted(f"charts/ru/rank-test.{e}" for e in
                                   ("json", "csv", "static.svg", "svg"))
    assert json.loads(files["charts/ru/rank-test.json"]) == chart.spec
    assert files["charts/ru/rank-test.csv"].startswith("\ufeff".encode("utf-8"))
    assert R.image_size(chart)[0] > 100
    assert not hasattr(R, "png")


BOUNDARIES = ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson"
MAP_AREAS = [Area(id="a", kind="unit", name={"en": "Abai"}, shape="Abayskiy"),
             Area(id="z", kind="unit", name={"en": "Zharma"}, shape="Zharminskiy"),
             Area(id="y", kind="unit", name={"en": "Ayagoz"}, shape="Ayagozskiy"),
             Area(id="o", kind="unit", name={"en": "Oskemen"}, point=(82.61, 49.95))]


def unit_maps(strings, units=("a", "z", "y", "o"), own=False):
    """The base map and each unit's map drawn over it (with ``own``, a map of its own)."""
    boundaries = load_boundaries(BOUNDARIES)
    data = pd.DataFrame({"unit": ["a", "z", "y", "o"], "value": [1.0, 2.0, None, 3.0]})
    common = dict(lang="en", strings=strings, boundaries=boundaries, areas=MAP_AREAS,
                  title="Map", source="Table 1")
    base = map_chart(data, id="unit-map", **common)
    return base, [map_chart(data, id=f"unit-map-{u}", highlight=u,
                            base=None if own else base, **common) for u in units]


_LAYER = re.compile(r'<g class="mark-(?:shape|symbol) role-mark layer_(\d+)_marks"[^>]*?'
                    r'(?:/>|>(.*?)</g>)', re.S)


def _origin(svg: str) -> tuple[float, float]:
    """Where the plot of a map drawn by vl-convert starts in its image (the padding around
    it depends on every label, so a highlighted unit's bold name may move it)."""
    outer = re.search(r'transform="translate\(([-\d.]+),([-\d.]+)\)"', svg)
    root = re.search(r'role-frame root"[^>]*>\s*<g transform="translate\(([-\d.]+),([-\d.]+)\)"',
                     svg)
    return (float(outer.group(1)) + float(root.group(1)),
            float(outer.group(2)) + float(root.group(2)))


def _outline(svg: str) -> tuple[str, tuple[float, float]]:
    """The highlighted unit's mark in a map drawn by vl-convert: its path and its position
    in the plot."""
    layers = {int(m.group(1)): m.group(2) or "" for m in _LAYER.finditer(svg)}
    shape = re.findall(r"<path\b[^>]*?/>", layers[3])
    points = [p for p in re.findall(r"<path\b[^>]*?/>", layers[5]) if 'stroke-width="3"' in p]
    mark = (shape or points)[0]
    own = re.search(r'transform="translate\(([-\d.]+),([-\d.]+)\)"', mark)
    return re.search(r'\sd="([^"]*)"', mark).group(1), (float(own.group(1)),
                                                        float(own.group(2)))


def test_a_unit_map_is_the_base_map_with_the_unit_outlined_where_vega_draws_it(strings):
    """A unit's map draws no image of its own: the base map (drawn once) and the unit's
    outline over it, which is the very path (and position) vl-convert draws to outline the
    unit on a map of its own, for a shape with or without a value and for a point (same
    projection and fit), placed on the base image's own plot."""
    base, maps = unit_maps(strings)
    _, owns = unit_maps(strings, own=True)
    assert {m.drawn for m in maps} == {"overlay"} and all(m.base is base for m in maps)
    width, height = R.image_size(base)
    origin = _origin(static_svg(base))
    for chart, own in zip(maps, owns):
        assert R.image_size(chart) == (width, height)
        overlay = R.overlay(chart)
        d = re.search(r'\sd="([^"]*)"', overlay).group(1)
        x, y = map(float, re.search(r'translate\(([-\d.]+),([-\d.]+)\)', overlay).groups())
        want_d, (want_x, want_y) = _outline(static_svg(own))     # the unit's own drawing
        assert d == want_d, chart.id
        assert abs(x - origin[0] - want_x) < 0.01, chart.id
        assert abs(y - origin[1] - want_y) < 0.01, chart.id
        coords = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        xs, ys = [x + v for v in coords[0::2]], [y + v for v in coords[1::2]]
        assert min(xs) >= 0 and max(xs) <= width and min(ys) >= 0 and max(ys) <= height
        assert f'data-unit="{chart.highlight}"' in overlay


def test_unit_maps_draw_one_image_and_write_no_image_of_their_own(strings):
    base, maps = unit_maps(strings)
    try:
        _fresh_memory()
        assert R.draw_images(maps) == 1                         # the base map, once
        files = R.all_chart_files([(m, "charts/en") for m in maps])
    finally:
        _fresh_memory()
    assert "charts/en/unit-map.static.svg" in files
    assert not [f for f in files if f.endswith(".static.svg") and "unit-map-" in f]
    # No file per unit at all: its spec is in its page, its data the region's CSV.
    assert [f for f in files if "unit-map-" in f] == []
    composed = R.composed_svg(maps[0])        # the drawing with the outline, when wanted
    assert composed.startswith(static_svg(maps[1].base)[:200])
    assert R.overlay(maps[0]) in composed and composed.endswith("</svg>")


def test_a_unit_map_names_its_base_and_shares_its_files(strings):
    """A unit's map repeats nothing of the region's map: its spec (the island and JSON file
    of every unit page) only names the base and the unit; the base's spec (as a script
    the browser loads once) and its CSV are written once, however many units share it."""
    base, maps = unit_maps(strings)
    for chart in maps:
        assert chart.spec == {"$base": "unit-map", "highlight": chart.highlight}
        assert len(chart.spec_json()) < 60
    files: dict[str, bytes] = {}
    for chart in maps:
        files.update(chart.shared_files("charts/en"))
    assert sorted(files) == ["charts/en/unit-map.csv", "charts/en/unit-map.spec.js"]
    script = files["charts/en/unit-map.spec.js"].decode("utf-8")
    head = '(window.AimaqSpecs=window.AimaqSpecs||{})["en/unit-map"]='
    assert script.startswith(head) and script.endswith(";\n")
    assert json.loads(script[len(head):-2]) == base.spec
    assert files["charts/en/unit-map.csv"] == base.csv()
    assert base.shared_files("charts/en") == {}


def test_a_unit_map_in_a_large_region_tables_the_units_near_it(strings):
    """Above ``table_rows`` units, a unit's map tables the units nearest it in rank (the
    unit among them) and says so; the base's CSV keeps them all."""
    boundaries = load_boundaries(BOUNDARIES)
    data = pd.DataFrame({"unit": ["a", "z", "y", "o"], "value": [1.0, 2.0, 4.0, 3.0]})
    base = map_chart(data, id="unit-map", lang="en", strings=strings, boundaries=boundaries,
                     areas=MAP_AREAS, title="Map", source="Table 1")
    chart = map_chart(data, id="unit-map-o", highlight="o", base=base, table_rows=2,
                      lang="en", strings=strings, boundaries=boundaries, areas=MAP_AREAS,
                      title="Map", source="Table 1")
    assert [r["unit"] for r in chart.records()] == ["y", "o"]   # ranks 1 (y, 4.0) and 2
    assert "2 of 4 units nearest" in chart.description
    whole = map_chart(data, id="unit-map-o", highlight="o", base=base, table_rows=4,
                      lang="en", strings=strings, boundaries=boundaries, areas=MAP_AREAS,
                      title="Map", source="Table 1")
    assert len(whole.data) == 4 and "nearest" not in whole.description
    # The unit's own place first (its map is on its page), then the region's description.
    assert whole.description == "Oskemen ranks 2 of 4 (3; 1 = highest value). " \
        + base.description and list(whole.records()) == base.records()


def test_a_tiny_unit_gets_a_ring_around_its_outline():
    assert _marker("M0,0L3,0L3,4Z", 10, 20).startswith('<circle class="chart-marker" '
                                                       'cx="11.5" cy="22" r="10"')
    assert _marker("M0,0L30,0L30,40Z", 10, 20) == ""


def test_a_unit_profile_is_drawn_live_only(strings):
    """One profile per unit: no image at build time; the page keeps its room and, without
    scripts, shows its table open; its SVG and PNG are made in the browser."""
    chart = profile_chart(parts_frame("en"), id="unit-profile-alpha", lang="en",
                          strings=strings, unit="alpha", title="Parts")
    assert chart.drawn == "live"
    try:
        _fresh_memory()
        assert R.draw_images([chart]) == 0
        files = chart_files(chart, "charts/en")
    finally:
        _fresh_memory()
    assert sorted(files) == ["charts/en/unit-profile-alpha.csv",
                             "charts/en/unit-profile-alpha.json"]       # made alone
    width, height = R.image_size(chart)
    assert 300 < width < 400 and height > 3 * 40
    html = render_partial(chart, "en")
    page = _Page()
    page.feed(html)
    page.close()
    assert not page.errors, page.errors
    tags = [t for t, _ in page.tags]
    assert "img" not in tags
    placeholder = next(a for t, a in page.tags if t == "svg")
    assert placeholder["viewbox"] == f"0 0 {width} {height}"
    assert "chart-placeholder" in placeholder["class"]
    assert '<details class="chart-data" open>' in html
    buttons = [a for t, a in page.tags if t == "button"]
    assert [b["data-format"] for b in buttons] == ["svg", "png"]
    assert all("hidden" in b for b in buttons)


def _patched(base_spec: dict, patch: dict) -> dict:
    """What charts.js draws: the base spec with the patch's parameters and columns."""
    spec = json.loads(json.dumps(base_spec))
    for p in spec.get("params", []):
        if p["name"] in patch.get("params", {}):
            p["value"] = patch["params"][p["name"]]
    for name, columns in patch.get("values", {}).items():
        for column, values in columns.items():
            for row, v in zip(spec["datasets"][name], values):
                row[column] = v
    return spec


def test_unit_profiles_are_one_shared_spec_and_each_units_values(strings):
    """Every unit's profile made at once: one base spec per language (a script written
    once), and per unit only its values, inline in its page: no JSON or CSV file per
    unit. Drawn, the base with a unit's values is that unit's profile (same marks, words
    and values as a profile made alone); the unit's table, description and CSV too."""
    frame = parts_frame("en")
    base, charts = profile_charts(frame, id="unit-profile", lang="en", strings=strings,
                                  title="Parts", measure="%", decimals=2)
    assert sorted(charts) == sorted(frame["unit"].unique())
    files: dict[str, bytes] = {}
    for unit, chart in charts.items():
        alone = profile_chart(frame, id=f"unit-profile-{unit}", lang="en", strings=strings,
                              unit=unit, title="Parts", measure="%", decimals=2)
        assert chart.id == alone.id and chart.drawn == "live" and chart.base is base
        assert chart.spec["$base"] == "unit-profile" and len(chart.spec_json()) < 600
        drawn = _patched(base.spec, json.loads(chart.spec_json()))
        assert drawn["layer"] == alone.spec["layer"]
        assert drawn["params"] == alone.spec["params"]
        assert [{k: r[k] for k in ("part", "min", "median", "max", "value", "value_text",
                                    "min_text")} for r in drawn["datasets"]["ranges"]] == \
            [{k: r[k] for k in ("part", "min", "median", "max", "value", "value_text",
                                "min_text")} for r in alone.spec["datasets"]["ranges"]]
        assert chart.description == alone.description and chart.alt == alone.alt
        assert chart.rows() == alone.rows() and chart.csv() == alone.csv()
        assert chart.size == base.size
        assert chart_files(chart, "charts/en") == {}
        files.update(chart.shared_files("charts/en"))
    assert sorted(files) == ["charts/en/unit-profile.spec.js"]
    html = render_partial(charts["alpha"], "en")
    assert "unit-profile-alpha.csv" not in html and 'data-format="csv"' in html
    assert 'data-spec-base="' in html and "unit-profile.spec.js" in html


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
                                   ("vega.js", "charts.js", "charts.css", "LICENSES.txt",
                                    "DejaVuSans.woff2", "DejaVuSans-Bold.woff2",
                                    "DejaVu-LICENSE.txt"))
    assert files[f"{ASSETS_DIR}/DejaVuSans.woff2"][:4] == b"wOF2"
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
    assert hrefs == [f"../../../charts/ru/rank-test.{e}" for e in ("csv", "svg")]
    # PNG: made in the browser; the button shows when scripts run (charts-on-demand.js).
    buttons = [a for t, a in page.tags if t == "button"]
    assert [(b["data-format"], "hidden" in b) for b in buttons] == [("png", True)]
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


def test_only_the_chart_that_leads_its_page_gets_an_image(strings):
    """An image at build time pays for the chart a reader sees first; a region-wide chart
    further down is drawn live (its room kept, about its size) and writes no image."""
    chart = ranking(strings)
    assert R.on_page(chart, leads=True) is chart
    assert R.on_page(chart, leads=False, image=True) is chart        # charts.yaml: static
    below = R.on_page(chart, leads=False)
    assert below.drawn == "live" and below.spec_json() == chart.spec_json()
    width, height = below.size
    real = R.svg_size(static_svg(chart))
    assert abs(width - real[0]) <= 60 and abs(height - real[1]) <= 60, (below.size, real)
    files = chart_files(below, "charts/ru")
    assert sorted(files) == ["charts/ru/rank-test.csv", "charts/ru/rank-test.json"]
    live = dataclasses.replace(chart, drawn="live", size=(1, 2))
    assert R.on_page(live, leads=False) is live            # already live: as it is


def test_a_page_plan_draws_its_first_chart_and_the_ones_named_static(strings):
    from aimaq.site.chartplan import ChartPlan
    first, second, third = (ranking(strings, id=f"rank-{n}") for n in ("a", "b", "c"))
    plan = ChartPlan(static=frozenset({"rank-c"}))
    for chart in (first, second, third):
        plan.add(("index", "x"), "ru", chart, frozenset())
    plan.add(("index", "y"), "ru", second, frozenset())
    assert [c.drawn for c in plan.get(("index", "x"), "ru")] == ["static", "live", "static"]
    assert [c.drawn for c in plan.get(("index", "y"), "ru")] == ["static"]


def test_the_vega_lite_version_is_altairs():
    import altair as alt

    assert R.vl_version() == ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])


def test_a_site_without_charts_never_imports_altair_or_openpyxl(tmp_path):
    """Importing Altair costs about 0.3 s and openpyxl 0.2 s of every build's start-up: a
    project without charts (the plain-page yardstick's) builds without either."""
    import subprocess
    import sys

    script = tmp_path / "plain.py"
    script.write_text(f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / "bench")!r})
from run import _plain_site
src = Path({str(tmp_path)!r}) / "src"
src.mkdir()
pages = []
for i in range(2):
    pages.append(src / f"u{{i}}.md")
    pages[-1].write_text(f"---\\ntitle: Unit {{i}}\\n---\\nText of unit {{i}}.\\n")
root = _plain_site(src.parent / "site", pages)
import aimaq.cli  # noqa: F401  (the command line's modules: aimaq build)
from aimaq.build import build
report = build(root / "site.yaml", src.parent / "out")
print(report.charts, sorted(m for m in ("altair", "openpyxl") if m in sys.modules))
""", encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split("\n")[-2] == "0 []"
