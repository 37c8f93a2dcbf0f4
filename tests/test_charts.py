"""Chart builders: valid Vega-Lite, right descriptions, deterministic, cheap per unit."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from altair.vegalite.v6.schema.core import load_schema

from aimaq.charts import (
    TEMPLATES,
    canonical_json,
    format_locale,
    fresh_templates,
    heatmap_chart,
    load_boundaries,
    load_chart_strings,
    map_chart,
    palette,
    profile_chart,
    profile_summary,
    ranking_chart,
    sensitivity_chart,
    slope_chart,
    slug,
    time_series_chart,
    value_text,
)
from aimaq.data.geo import _signed_area, boundary_attribution
from aimaq.errors import AimaqError
from aimaq.formatting import number_symbols
from aimaq.theme import THEME_DIR
from charts_helpers import LANGS, UNITS, build_all, frame, invented_areas, parts_frame

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def strings():
    """The bundled site's chart words, with its boundary file's own attribution, as its
    build has them."""
    geojson = ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson"
    return load_chart_strings(ROOT / "templates", LANGS).with_map_attribution(
        boundary_attribution(geojson, LANGS))


@pytest.fixture(scope="module")
def validator():
    schema = load_schema()
    return jsonschema.validators.validator_for(schema)(schema)


@pytest.fixture(scope="module")
def boundaries():
    return load_boundaries(ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson")


@pytest.fixture(scope="module")
def areas(boundaries):
    return invented_areas()


@pytest.fixture(scope="module")
def charts(strings, boundaries, areas):
    return {lang: build_all(lang, strings, boundaries, areas) for lang in LANGS}


# -- the Vega-Lite schema -----------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_builder_validates_against_the_vega_lite_schema(charts, validator, lang):
    for kind, chart in charts[lang].items():
        errors = sorted(validator.iter_errors(chart.spec), key=lambda e: list(e.path))
        assert not errors, f"{kind}: {errors[0].message} at {list(errors[0].path)}"
        assert chart.spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")


def test_every_kind_is_covered(charts):
    kinds = {c.kind for c in charts["en"].values()}
    assert kinds == {"ranking", "map", "time_series", "composition", "profile", "heatmap",
                     "scatter", "sensitivity"}


def test_specs_carry_their_data_inline(charts):
    for chart in charts["en"].values():
        text = chart.spec_json()
        assert '"url"' not in text, f"{chart.kind} refers to external data"
        assert chart.spec["datasets"], chart.kind


# -- descriptions -------------------------------------------------------------------------------

def test_ranking_description_names_top_bottom_and_region(charts):
    en = charts["en"]["ranking"].description
    assert "Highest value: Delta (1,234.5%)" in en
    assert "lowest: Gamma (6.2%)" in en
    assert "Region: 12.9%" in en
    assert "Alpha ranks 3 of 4 (12.5%)" in en
    ru = charts["ru"]["ranking"].description
    assert "Дельта (1\u00a0234,5\u00a0%)" in ru and "Гамма (6,2\u00a0%)" in ru
    kk = charts["kk"]["ranking"].description
    assert "Дельта" in kk and "Гамма" in kk and "12,9%" in kk


def test_descriptions_of_the_other_kinds(charts):
    en = {k: c.description for k, c in charts["en"].items()}
    assert "Delta (1,234.5%)" in en["map"] and "Gamma (6.2%)" in en["map"]
    assert "Delta and Epsilon: no boundary in the map file" in en["map"]
    assert "No data: Epsilon." in en["map"]
    assert en["time_series"].startswith("Series: 5.6% in 2013, 12.9% in 2020; highest 15.5% "
                                        "in 2018")
    assert "Largest share: Mining (43.3%); smallest: Other (15.9%)" in en["composition"]
    assert en["profile"].startswith("Alpha is above the median")
    assert en["scatter"].endswith("Highest on the horizontal axis: Delta; on the vertical "
                                  "axis: Gamma.")
    assert "Widest range: Beta, ranks 1–3" in en["sensitivity"]
    assert "A: Alpha and Delta. B: Beta." in en["map_classes"]


def test_alt_text_and_titles(charts):
    c = charts["ru"]["ranking"]
    assert c.alt == "Столбчатая диаграмма: Ranking"
    assert c.spec["description"] == c.alt
    assert c.ui["show_data"] and c.ui["download_png"]


# -- determinism and templates ------------------------------------------------------------------

def test_same_data_gives_byte_identical_specs(strings, boundaries, areas):
    first = {k: c.spec_json() for k, c in build_all("kk", strings, boundaries, areas).items()}
    TEMPLATES.clear()
    second = {k: c.spec_json() for k, c in build_all("kk", strings, boundaries, areas).items()}
    assert first == second


def test_row_order_and_float_noise_do_not_change_the_spec(strings):
    df = frame("en")
    shuffled = df.sample(frac=1, random_state=3).reset_index(drop=True)
    noisy = df.copy()
    noisy.loc[0, "value"] = 12.5 + 1e-14
    specs = [ranking_chart(d, id="r", lang="en", strings=strings, title="T", measure="%",
                           decimals=1).spec_json() for d in (df, shuffled, noisy)]
    assert specs[0] == specs[1] == specs[2]


def test_canonical_json_is_sorted_and_fixed():
    assert canonical_json({"b": 0.1 + 0.2, "a": [float("nan"), -0.0, 1e-20]}) == \
        '{"a":[null,0.0,1e-20],"b":0.3}'


def _variants(lang, strings, boundaries, areas):
    """Every kind in ``lang`` (build_all), and charts of the same kinds whose words, sizes
    and lists differ: what the templates' slots must carry."""
    charts = {f"{k}-{lang}": c for k, c in build_all(lang, strings, boundaries, areas).items()}
    df = frame(lang)
    negative = df.assign(value=df["value"] - 20)
    charts[f"ranking-negative-{lang}"] = ranking_chart(
        negative, id="rn", lang=lang, strings=strings, title="T", value_title="Balance",
        measure="bn tenge", decimals=2, highlight="beta", shown=3)
    charts[f"ranking-plain-{lang}"] = ranking_chart(
        df, id="rp", lang=lang, strings=strings, title="Another title", decimals=0)
    charts[f"slope-{lang}"] = slope_chart(
        pd.DataFrame({"unit": [u for u, _, _ in UNITS], "name": [n[lang] for _, n, _ in UNITS],
                      "rank_before": [1, 2, 3, 4, 5], "rank_after": [2, 1, 3, 5, 4]}),
        id="sl", lang=lang, strings=strings, title="Moves", before="2023", after="2024")
    charts[f"time_series-three-{lang}"] = time_series_chart(
        pd.DataFrame({"year": [2019, 2020] * 3, "value": [1, 2, 3, 1, 5, 4],
                      "series": ["One", "One", "Two", "Two", "Three", "Three"]}),
        id="t3", lang=lang, strings=strings, title="Series", value_title="A longer value title")
    return charts


def test_shared_template_gives_the_same_spec_as_building_fresh(strings, boundaries, areas):
    """Every kind, in every language and with other words, sizes and lists than the chart
    its template was made from: the template with its slots filled in is byte for byte the
    chart built and validated afresh with Altair."""
    TEMPLATES.clear()
    cached = {}
    for lang in LANGS:
        cached.update({k: c.spec_json() for k, c in _variants(lang, strings, boundaries,
                                                              areas).items()})
    with fresh_templates():
        fresh = {}
        for lang in LANGS:
            fresh.update({k: c.spec_json() for k, c in _variants(lang, strings, boundaries,
                                                                 areas).items()})
    assert cached.keys() == fresh.keys()
    for kind in cached:
        assert cached[kind] == fresh[kind], kind


def test_one_template_per_kind_and_shape_not_per_language_or_indicator(strings):
    """Rankings of other indicators, measures and languages are one template: their words
    and sizes are slots, swapped in without Altair (a negative ranking is another shape)."""
    TEMPLATES.clear()
    for lang in LANGS:
        df = frame(lang)
        for title, measure, decimals in (("A", "%", 1), ("Bbbbbbbbbbbbb", "tenge", 0)):
            ranking_chart(df, id="r", lang=lang, strings=strings, title=title,
                          measure=measure, decimals=decimals, highlight="beta")
    assert TEMPLATES.builds == 1
    ranking_chart(frame("en").assign(value=-1.0), id="r", lang="en", strings=strings,
                  title="T")
    assert TEMPLATES.builds == 2


def test_a_slot_inside_a_longer_text_is_refused():
    """A slot can only be swapped where it stands alone: joined into other text (or an
    expression) it would be silently wrong in every chart but the first."""
    import altair as alt

    def build(datasets, params, description, slots):
        return alt.Chart(alt.NamedData(name="table")).mark_bar().encode(
            x=alt.X("value:Q", title="Value: " + slots["label"])).properties(
            datasets=datasets)

    cache = type(TEMPLATES)()
    with pytest.raises(ValueError, match="inside a longer text"):
        cache.spec(["t"], build, datasets={"table": []}, slots={"label": "x"})


def test_a_chart_derives_its_json_and_image_keys_once(strings):
    import pickle

    chart = ranking_chart(frame("en"), id="r", lang="en", strings=strings, title="T")
    assert chart.spec_json() is chart.spec_json()
    calls = []
    assert chart.memo("k", lambda: calls.append(1) or "v") == "v"
    assert chart.memo("k", lambda: calls.append(1) or "w") == "v" and calls == [1]
    again = pickle.loads(pickle.dumps(chart))
    assert again.memo("k", lambda: "w") == "w"          # memos are not pickled
    assert again.spec_json() == chart.spec_json()


def test_unit_charts_of_one_kind_share_one_template(strings, boundaries, areas):
    TEMPLATES.clear()
    df = frame("en")
    specs = set()
    for unit, _, _ in UNITS:
        c = ranking_chart(df, id=f"r-{unit}", lang="en", strings=strings, title="T",
                          measure="%", decimals=1, highlight=unit, reference=12.9,
                          reference_name="Region")
        specs.add(c.spec_json())
        map_chart(df[["unit", "value"]], id=f"m-{unit}", lang="en", strings=strings,
                  boundaries=boundaries, areas=areas, title="M", highlight=unit)
        profile_chart(parts_frame("en"), id=f"p-{unit}", lang="en", strings=strings,
                      unit=unit, title="P")
    assert len(specs) == len(UNITS)          # the highlighted unit differs …
    assert TEMPLATES.builds == 3              # … but each kind was built and validated once


def test_profile_from_a_summary_is_the_profile_from_all_units(strings):
    """A site with many units gives each profile its own rows and the parts' summary
    computed once: the chart is the same as from every unit's rows."""
    everyone = parts_frame("en")
    summary = profile_summary(everyone)
    assert list(summary.columns) == ["part", "min", "median", "max"]
    for unit, _, _ in UNITS:
        full = profile_chart(everyone, id="p", lang="en", strings=strings, unit=unit,
                             title="P")
        own = profile_chart(everyone[everyone["unit"] == unit], id="p", lang="en",
                            strings=strings, unit=unit, title="P", summary=summary)
        assert own.spec_json() == full.spec_json()
        assert own.description == full.description
        assert own.data.equals(full.data)


def test_map_projection_follows_the_mapped_extent(strings, boundaries, areas):
    chart = map_chart(frame("en")[["unit", "value"]], id="m", lang="en", strings=strings,
                      boundaries=boundaries, areas=areas, title="M")
    lon0, lat0, lon1, lat1 = boundaries.extent(a for a in areas if a.kind == "unit")
    projection = chart.spec["projection"]
    assert projection["rotate"][0] == round(-(lon0 + lon1) / 2, 1)
    low, high = projection["parallels"]
    assert lat0 < low < high < lat1


def test_long_charts_draw_the_two_ends_and_keep_every_unit_in_the_table(strings):
    """Above ``shown`` units a ranking draws the first and last ``shown // 2`` bars, a gap
    row naming how many are left out, and the highlighted unit; its table keeps all."""
    n = 100
    df = pd.DataFrame({"unit": [f"u{i:03d}" for i in range(n)],
                       "name": [f"Unit {i:03d}" for i in range(n)],
                       "value": [float(i) for i in range(n)]})
    chart = ranking_chart(df, id="r", lang="en", strings=strings, title="T", shown=10,
                          highlight="u050")
    rows = chart.spec["datasets"]["table"]
    names = [r["name"] for r in rows]
    assert names[:5] == [f"Unit {i:03d}" for i in (99, 98, 97, 96, 95)]
    assert names[-5:] == [f"Unit {i:03d}" for i in (4, 3, 2, 1, 0)]
    assert "Unit 050" in names
    gaps = [r for r in rows if r["gap"]]
    assert [g["name"].strip("\u00a0") for g in gaps] == ["… 44 more units …",
                                                          "… 45 more units …"]
    assert len(rows) == 13
    assert len(chart.data) == n                       # the table: every unit, true ranks
    assert chart.data.loc[chart.data["unit"] == "u000", "rank"].item() == n
    assert "draws 11 of 100 units" in chart.description
    full = ranking_chart(df, id="r", lang="en", strings=strings, title="T")
    assert len(full.spec["datasets"]["table"]) == n and "draws" not in full.description

    ranks = pd.DataFrame({"unit": df["unit"], "name": df["name"],
                          "nominal_rank": range(1, n + 1), "rank_min": range(1, n + 1),
                          "rank_max": range(1, n + 1)})
    sens = sensitivity_chart(ranks, id="s", lang="en", strings=strings, title="S", shown=10)
    assert len(sens.spec["datasets"]["table"]) == 11 and len(sens.data) == n
    cells = pd.DataFrame([{"unit": u, "name": u, "column": c, "score": float(i)}
                          for i, u in enumerate(df["unit"]) for c in ("a", "b")])
    heat = heatmap_chart(cells, id="h", lang="en", strings=strings, title="H", shown=10)
    drawn = {r["unit"] for r in heat.spec["datasets"]["table"]}
    assert drawn == {f"u{i:03d}" for i in (*range(5), *range(95, 100))}
    assert len(heat.data) == n and "draws 10 of 100 units" in heat.description


# -- the pieces ---------------------------------------------------------------------------------

def test_highlight_is_marked_beyond_hue(charts):
    spec = charts["en"]["ranking"]
    rows = spec.spec["datasets"]["table"]
    assert [r["unit"] for r in rows if r["hl"]] == ["alpha"]
    assert {p["name"]: p["value"] for p in spec.spec["params"]}["hl"] == "Alpha"
    text = spec.spec_json()
    assert palette.INK in text and "bold" in text             # outline and bold label

    def luminance(hex_colour):
        r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert luminance(palette.BAR) - luminance(palette.BAR_HIGHLIGHT) > 0.5


def test_map_geometry_points_and_attribution(charts, boundaries):
    chart = charts["en"]["map"]
    features = chart.spec["datasets"]["geo"]
    assert {f["properties"]["unit"] for f in features} == {"alpha", "beta", "gamma"}
    for f in features:
        ring = f["geometry"]["coordinates"][0]
        assert _signed_area(ring) < 0, "exterior rings must be clockwise for Vega"
    points = {r["unit"] for r in chart.spec["datasets"]["table"] if r["point"]}
    assert points == {"delta", "eps"}
    assert chart.attribution == ("Boundaries © OpenStreetMap contributors (ODbL), "
                                 "via geoBoundaries")
    assert " ".join(chart.spec["title"]["text"]) == chart.attribution   # wrapped, never cut
    # The copy in the repository is the published file, counter-clockwise as RFC 7946 asks.
    raw = json.loads((ROOT / "data/2023/geo/east_kazakhstan_adm2_2017.geojson").read_text())
    assert _signed_area(raw["features"][0]["geometry"]["coordinates"][0]) > 0
    assert (ROOT / "data/2023/geo/README.md").read_text().count("ODbL") >= 1


def test_map_labels_do_not_overlap(charts):
    rows = charts["en"]["map"].spec["datasets"]["table"]
    assert all(r["align"] in ("left", "right", "center") for r in rows)


def test_real_units_all_have_a_shape_or_a_point(boundaries):
    from aimaq.data.load import load_dataset

    ds = load_dataset(ROOT / "data", "2023")
    units = ds.units
    assert len(units) == 19
    assert all(u.shape or u.point for u in units)
    assert len(boundaries.features(units)) == 17


def test_format_locale_is_babels(strings):
    for lang in LANGS:
        loc = format_locale(lang)
        syms = number_symbols(lang)
        assert (loc["decimal"], loc["thousands"]) == (syms["decimal"], syms["group"])
    assert value_text(1234.5, "ru", 1, "%") == "1\u00a0234,5\u00a0%"
    assert value_text(1234.5, "en", 1, "%") == "1,234.5%"
    assert value_text(7, "kk", 0, "бірлік") == "7\u00a0бірлік"


def test_tooltips_show_the_value_with_its_unit(charts):
    rows = charts["ru"]["ranking"].spec["datasets"]["table"]
    assert {r["unit"]: r["value_text"] for r in rows}["beta"] == "38,5\u00a0%"
    assert "value_text" in charts["ru"]["ranking"].spec_json()


def test_csv_has_headers_in_the_language_and_plain_numbers(charts):
    data = charts["ru"]["ranking"].csv().decode("utf-8-sig")
    lines = data.splitlines()
    assert lines[0] == 'id,Единица,"Значение, %",Место (1 — наибольшее значение)'
    assert "delta,Дельта,1234.5,1" in lines
    assert lines[-1] == "region,Region,12.9,"


def test_slug():
    assert slug("Ranking: Innovation/Abai") == "ranking-innovation-abai"
    with pytest.raises(ValueError):
        slug("///")


def test_chart_strings_are_checked(tmp_path):
    good = (THEME_DIR / "chart_strings.yaml").read_text(encoding="utf-8")
    bad = good.replace("{top} ({top_value})", "{topp} ({top_value})", 1)
    (tmp_path / "chart_strings.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(AimaqError) as err:
        load_chart_strings(tmp_path, LANGS)
    assert "topp" in str(err.value) and err.value.line
    (tmp_path / "chart_strings.yaml").write_text(
        good.replace('source: {kk: Дереккөз, ru: Источник, en: Source}',
                     'source: {kk: Дереккөз, en: Source}'), encoding="utf-8")
    with pytest.raises(AimaqError) as err:
        load_chart_strings(tmp_path, LANGS)
    assert "ru" in str(err.value)


def test_builders_refuse_data_without_their_columns(strings):
    with pytest.raises(ValueError, match="value"):
        ranking_chart(pd.DataFrame({"unit": ["a"], "name": ["A"]}), id="x", lang="en",
                      strings=strings, title="T")


def test_random_values_always_validate(strings, validator):
    rng = random.Random(5)
    for _ in range(5):
        df = frame("en").assign(value=[rng.choice([rng.uniform(-50, 50), math.nan])
                                       for _ in UNITS])
        chart = ranking_chart(df, id="r", lang="en", strings=strings, title="T",
                              highlight="beta", reference=rng.uniform(-5, 5))
        assert not list(validator.iter_errors(chart.spec))
