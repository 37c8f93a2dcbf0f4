"""The default theme ships in the package; a project's templates/ overrides it file by file
(templates, assets) and key by key (strings.yaml, chart_strings.yaml); labels of the
project's own ids are checked in every language; nothing of the bundled region is in the
package."""
import json
import re
import shutil
from pathlib import Path

import pytest

from aimaq import theme
from aimaq.charts import load_chart_strings
from aimaq.charts.assets import chart_assets
from aimaq.check import check
from aimaq.config import load_config
from aimaq.data.geo import boundary_attribution, boundary_licence, load_boundaries
from aimaq.editions.archive import citation_cff
from aimaq.errors import AimaqError
from aimaq.site import render
from aimaq.theme import THEME_DIR

PACKAGE = Path(theme.__file__).resolve().parents[1]
LANGS = ["kk", "ru", "en"]

#: Words of the bundled East Kazakhstan site that must never be in the package (code,
#: theme or starter): its units, its region, its source and its neighbours.
REGION_WORDS = [r"Шығыс Қазақстан", r"Восточно-Казахстан", r"East Kazakhstan", r"Oskemen",
                r"Өскемен", r"Усть-Каменогорск", r"Semey", r"Ridder", r"Zyryanovsk", r"Abai",
                r"dissertation", r"диссертац", r"geoBoundaries", r"\brussia\b", r"\bchina\b",
                r"Ресей", r"Қытай", r"депресси", r"depress"]


def test_a_project_template_wins_over_the_theme_and_the_rest_come_from_the_theme(tmp_path):
    (tmp_path / "404.html").write_text("project 404\n", encoding="utf-8")
    env = render.environment(tmp_path)
    assert env.get_template("404.html").render() == "project 404\n"
    _, used, _ = env.loader.get_source(env, "base.html")
    assert Path(used) == THEME_DIR / "base.html"


def test_a_project_string_wins_key_by_key(tmp_path):
    (tmp_path / "strings.yaml").write_text(
        "search: {kk: Іздеңіз, ru: Ищите, en: Look up}\n"
        "family_wellbeing: {kk: Әл-ауқат, ru: Благополучие, en: Wellbeing}\n", encoding="utf-8")
    strings = render.load_strings(tmp_path, LANGS)
    theirs = render.load_strings(tmp_path / "none", LANGS)
    assert strings["search"]["en"] == "Look up" and theirs["search"]["en"] == "Search"
    assert strings["family_wellbeing"]["ru"] == "Благополучие"
    assert set(theirs) < set(strings)                        # every theme key is still there
    assert {k: v for k, v in strings.items() if k not in ("search", "family_wellbeing")} == \
        {k: v for k, v in theirs.items() if k != "search"}


def test_a_project_string_without_a_language_is_blamed_on_the_project_file(tmp_path):
    (tmp_path / "strings.yaml").write_text("# mine\nsearch: {kk: Іздеу, en: Search}\n",
                                           encoding="utf-8")
    with pytest.raises(AimaqError) as err:
        render.load_strings(tmp_path, LANGS)
    assert err.value.file == tmp_path / "strings.yaml" and err.value.line == 2
    assert "ru" in str(err.value)


def test_a_project_chart_text_wins_key_by_key(tmp_path):
    (tmp_path / "chart_strings.yaml").write_text(
        'map_attribution: {kk: "Карта: X", ru: "Карта: X", en: "Map: X"}\n', encoding="utf-8")
    texts = load_chart_strings(tmp_path, LANGS)
    assert texts.get("map_attribution", "en") == "Map: X"
    assert texts.get("source", "ru") == load_chart_strings(tmp_path / "none", LANGS).get(
        "source", "ru")


def test_a_project_asset_wins_file_by_file(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets/style.css").write_text("body{}\n", encoding="utf-8")
    (tmp_path / "assets/logo.svg").write_text("<svg/>\n", encoding="utf-8")
    files = theme.assets(tmp_path)
    assert files["assets/style.css"] == b"body{}\n"
    assert files["assets/logo.svg"] == b"<svg/>\n"
    assert files["assets/search.js"] == (THEME_DIR / "assets/search.js").read_bytes()
    assert list(files) == sorted(files)                       # deterministic order


def test_a_missing_label_of_the_projects_own_ids_fails_the_check(mini):
    (mini / "templates/strings.yaml").write_text("# no border label\n", encoding="utf-8")
    problems = [str(p) for p in check(mini / "site.yaml").problems]
    found = [p for p in problems if "border_china" in p]
    assert found and "units.yaml" in found[0] and "templates/strings.yaml" in found[0]


def test_the_boundary_licence_is_the_projects_own(tmp_path):
    geo = tmp_path / "shapes.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert boundary_licence(geo) == "" and boundary_licence(None) == ""
    (tmp_path / "shapes.yaml").write_text('licence: "© Survey office, CC BY 4.0"\n',
                                          encoding="utf-8")
    assert boundary_licence(geo) == "© Survey office, CC BY 4.0"
    text = chart_assets(LANGS, boundary_licence=boundary_licence(geo))
    assert b"Map boundaries: \xc2\xa9 Survey office" in text["assets/charts/LICENSES.txt"]
    assert b"Map boundaries" not in chart_assets(LANGS)["assets/charts/LICENSES.txt"]


def test_no_word_of_the_bundled_region_is_in_the_package():
    leaks = []
    for path in sorted(PACKAGE.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for word in REGION_WORDS:
            for m in re.finditer(word, text, flags=re.IGNORECASE):
                line = text.count("\n", 0, m.start()) + 1
                leaks.append(f"{path.relative_to(PACKAGE)}:{line}: {m.group(0)}")
    assert leaks == []


def test_citation_without_authors_names_the_site_not_aimaq(mini):
    config = load_config(mini / "site.yaml")
    cff = citation_cff(config, config.edition(None))
    assert "name: Mini region" in cff and "Aimaq" not in cff


def test_the_name_property_of_boundary_features_is_configurable(tmp_path):
    geo = tmp_path / "shapes.geojson"
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"NAME_2": "Lakeside"}, "geometry": square}]}),
        encoding="utf-8")
    with pytest.raises(AimaqError, match="properties.shapeName"):
        load_boundaries.__wrapped__(geo)
    (tmp_path / "shapes.yaml").write_text("name_property: NAME_2\n", encoding="utf-8")
    assert list(load_boundaries.__wrapped__(geo).shapes) == ["Lakeside"]


def test_every_string_a_theme_template_names_is_in_the_theme_in_every_language():
    """A template's word('key') with no key in strings.yaml would show the raw key."""
    strings = render.load_strings(THEME_DIR / "none", LANGS)
    named = set()
    for path in THEME_DIR.rglob("*.html"):
        named |= set(re.findall(r"\b(?:word|tm)\(\s*'([a-z0-9_]+)'", path.read_text(encoding="utf-8")))
    assert len(named) > 50
    composed = {k for k in named if k.endswith('_')}        # 'family_' ~ id: see labels.py
    assert sorted(named - composed - set(strings)) == []


def test_a_class_without_a_name_or_label_fails_the_check(tmp_path):
    site = tmp_path / "editions"
    shutil.copytree(Path(__file__).parent / "fixtures/editions", site)
    strings = site / "templates/strings.yaml"
    strings.write_text(strings.read_text(encoding="utf-8").replace("class_not_lagging", "x"),
                       encoding="utf-8")
    problems = [str(p) for p in check(site / "site.yaml").problems]
    assert any("class 'not_lagging' has no label" in p and "methodology.yaml" in p
               for p in problems), problems


def test_an_override_made_after_the_first_render_is_seen(tmp_path):
    """aimaq serve keeps its template environment: a new project file must still win."""
    project = tmp_path / "templates"                        # does not exist yet
    env = render.environment(project)
    _, first, _ = env.loader.get_source(env, "404.html")
    env.get_template("404.html")                            # compiled from the theme, cached
    project.mkdir()
    (project / "404.html").write_text("project 404\n", encoding="utf-8")
    assert Path(first) == THEME_DIR / "404.html"
    # The next build asks for the environment again.
    assert render.environment(project).get_template("404.html").render() == "project 404\n"


def test_a_template_edited_between_builds_is_seen_and_pages_do_not_check_their_files(
        tmp_path, monkeypatch):
    """Within a build no template changes: rendering a page does not look at its files
    (Jinja's reload check, a few system calls per page); the next build sees an edit."""
    import os

    project = tmp_path / "templates"
    project.mkdir()
    page = project / "404.html"
    page.write_text("first\n", encoding="utf-8")
    env = render.environment(project)
    assert env.get_template("404.html").render() == "first\n"
    checked = []
    monkeypatch.setattr(os.path, "getmtime", lambda *a: checked.append(a) or 0.0)
    monkeypatch.setattr(os.path, "isfile", lambda *a: checked.append(a) or False)
    for _ in range(3):
        assert env.get_template("404.html").render() == "first\n"
    assert checked == []
    monkeypatch.undo()
    page.write_text("second\n", encoding="utf-8")
    os.utime(page, (1, 1))                                  # another mtime, whatever the clock
    assert render.environment(project).get_template("404.html").render() == "second\n"


def test_the_map_attribution_comes_from_the_boundary_files_metadata(tmp_path):
    geo = tmp_path / "districts.geojson"
    geo.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    assert boundary_attribution(geo, LANGS) == {}         # the theme's words then
    meta = geo.with_suffix(".yaml")
    meta.write_text('attribution: "© Survey office"\n', encoding="utf-8")
    assert boundary_attribution(geo, LANGS) == {lang: "© Survey office" for lang in LANGS}
    meta.write_text("attribution: {en: 'Boundaries: survey office', ru: 'Границы: кадастр'}\n",
                    encoding="utf-8")
    assert boundary_attribution(geo, ["en", "ru"]) == {"en": "Boundaries: survey office",
                                                       "ru": "Границы: кадастр"}
    meta.write_text("attribution: [a, b]\n", encoding="utf-8")
    with pytest.raises(AimaqError, match="one line of text, or one per language"):
        boundary_attribution(geo, LANGS)


def test_the_bundled_maps_credit_their_boundaries_in_the_page_language(bundled_site):
    _, out = bundled_site
    home = (out / "2023/kk/index.html").read_text(encoding="utf-8")
    assert "Шекаралар: © OpenStreetMap авторлары (ODbL), geoBoundaries арқылы" in home
    assert "Boundaries: see" not in home                   # not the theme's fallback


def test_a_project_reason_text_wins_code_by_code(tmp_path):
    from aimaq.indices.phrases import render, say, templates
    from aimaq.site.phrasing import reason_texts

    theme_texts = templates()
    code = sorted(theme_texts)[0]
    (tmp_path / "reasons.yaml").write_text(
        f"{code}: {{kk: Өз мәтін, ru: Свой текст, en: Our own words}}\n", encoding="utf-8")
    texts = reason_texts(tmp_path)
    assert texts[code]["en"] == "Our own words"
    assert all(texts[c] == theme_texts[c] for c in theme_texts if c != code)
    fields = re.findall(r"{(\w+)", theme_texts[code]["en"])
    phrase = say(code, **dict.fromkeys(fields, 1))
    assert render(phrase, "en", texts=texts) == "Our own words"
