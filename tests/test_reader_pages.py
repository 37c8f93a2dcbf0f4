"""Pages a reader understands (issue 15, page structure): the home page answers first, a
profile opens with a summary, prose cites numbered references, compare lists units in the
page's alphabet, search speaks the page's language. Checked on the bundled site's HTML;
every expected number is computed here from the data, not copied from the pages."""
import json
import re
from html import unescape
from pathlib import Path

import pytest

from aimaq.data.load import load_dataset
from aimaq.formatting import collation_key
from aimaq.indices import compute
from aimaq.site.citations import locator, number_citations
from aimaq.theme import THEME_DIR

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(bundled_site):
    return bundled_site[1]


@pytest.fixture(scope="module")
def data():
    ds = load_dataset(ROOT / "data", "2023", base=ROOT)
    return ds, compute(ds)


def page(site: Path, path: str) -> str:
    """The page a reader lands on at ``path``: a short address is a stub whose refresh
    leads to the edition's permanent page, which is read instead."""
    file = site / path
    html = file.read_text(encoding="utf-8")
    moved = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html)
    if moved:
        return page(site, str((file.parent / moved.group(1)).resolve().relative_to(site)))
    return html


def words(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def names(ds, lang):
    return {u.id: u.name[lang] for u in ds.units}


# -- home: the answer first ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_home_leads_with_the_lagging_units_and_the_integral_index(site, data, lang):
    ds, results = data
    html = page(site, f"{lang}/index.html")
    answer = re.search(r'<section class="answer".*?</section>', html, re.DOTALL).group(0)
    lagging = set(results["depressed_units"].classed("depressed"))
    text = words(answer)
    assert str(len(lagging)) in text and str(len(ds.unit_ids())) in text
    for u in lagging:
        assert f'units/{u}/index.html">{names(ds, lang)[u]}</a>' in answer, u
    # the unit that lags most (lowest aggregate score: higher is better) is named first
    score = results["depressiveness_score"].values.set_index("unit")["value"]
    worst = score[list(lagging)].idxmin()
    assert re.search(r'units/(\w+)/index.html', answer).group(1) == worst
    others = set(ds.unit_ids()) - lagging
    first_sentence = answer.split("</p>")[0]
    assert not any(f"units/{u}/" in first_sentence for u in others)
    # The integral index names its best and worst real rows (copies left out).
    values = results["integral_innovation_index"].values.set_index("unit")["value"]
    best = values.drop(ds.region, errors="ignore").idxmax()
    assert names(ds, lang)[best] in answer.split("</p>")[1]
    # Map and ranking of the integral index come before the key figures.
    assert html.index('class="answer"') < html.index('data-chart="home-map"') \
        < html.index('data-chart="home-ranking"') < html.index('id="figures-heading"')
    import yaml

    methodology = yaml.safe_load((ROOT / "data/2023/methodology.yaml").read_text())
    name = next(i["name"][lang] for i in methodology["indices"]
                if i["id"] == "integral_innovation_index")
    for cid in ("home-map", "home-ranking"):
        title = re.search(rf'id="chart-{cid}-title">([^<]+)<', html).group(1)
        assert unescape(title) == name, (cid, title)


# -- profile: a summary first --------------------------------------------------------------


def test_profile_opens_with_class_why_and_ranked_headline_figures(site, data):
    _, results = data
    html = page(site, "kk/units/urzhar/index.html")
    glance = re.search(r'<section class="glance".*?</section>', html, re.DOTALL).group(0)
    assert html.index('class="glance"') < html.index('id="narrative-heading"')
    text = words(glance)
    assert "«Депрессивті аудандар» тобына жатады" in text
    score = results["depressiveness_score"].values.set_index("unit").loc["urzhar"]
    assert f"19 аумақтың ішінде {int(score['rank'])}-орын (1 — ең депрессивті)" in text
    integral = results["integral_innovation_index"].values.set_index("unit")
    assert f"{integral.loc['urzhar', 'value']:.3f}".replace(".", ",") in text
    # Ranked among the units with real values, as the charts rank them: a row of Table 45
    # that repeats an earlier unit's row in every input takes no place from the others.
    rows: dict[tuple, str] = {}
    copies = set()
    t45 = (ROOT / "data/2023/tables/t45_innovation_indices.csv").read_text().splitlines()[1:]
    by_unit: dict[str, list[str]] = {}
    for line in t45:
        unit, indicator, _, value = line.split(",")[:4]
        if indicator.startswith("partial_"):
            by_unit.setdefault(unit, []).append(value)
    for unit, values in by_unit.items():
        if tuple(values) in rows:
            copies.add(unit)
        rows.setdefault(tuple(values), unit)
    assert len(copies) == 5
    real = integral.drop(index=sorted(copies), errors="ignore")
    real = real[real.index.isin(by_unit)]
    rank = 1 + int((real["value"] > integral.loc["urzhar", "value"]).sum())
    assert (f"{len(real)} аумақтың ішінде {rank}-орын (1 — ең инновациялық белсенді)"
            in text), text
    # a table's indicator: Urzhar's activity level 26,7 %, 4th of 19, higher is better
    assert "26,7" in text and "19 аумақтың ішінде 4-орын (1 — ең жоғары мән, жоғары болған сайын жақсы)" in text
    assert glance.count('class="glance-item"') in range(4, 7)
    assert glance.count('<svg class="strip"') >= 4


def test_profile_folds_general_recommendations_to_a_count_and_a_filtered_link(site, data):
    import yaml

    recs = yaml.safe_load((ROOT / "content/2023/recommendations.yaml").read_text())["recommendations"]
    general = sum(1 for r in recs if "all" in r["targets"])
    html = page(site, "kk/units/urzhar/index.html")
    section = re.search(r'<section aria-labelledby="recs-heading".*?</section>', html, re.DOTALL).group(0)
    assert f"Барлық аумаққа ортақ ұсыныстар: {general}." in words(section)
    assert 'recommendations/index.html?unit=urzhar"' in section
    assert "<details" in section                     # the group's recommendations, folded
    all_ids = {r["id"] for r in recs if "all" in r["targets"]}
    assert not any(f"#{rid}\"" in section for rid in all_ids)


def test_other_names_are_a_small_last_line(site):
    html = page(site, "kk/units/oskemen/index.html")
    assert html.index('class="aliases"') > html.index('id="figures-heading"')
    assert "Усть-Каменогорск" in html               # still searchable


# -- numbered references -------------------------------------------------------------------


def test_locator_keeps_tables_and_sections_and_drops_line_numbers():
    assert locator("41-кесте, 4177-жол") == "41-кесте"
    assert locator("40-кесте, 4004, 4006-жолдар") == "40-кесте"
    assert locator("табл. 40, строка 4010") == "табл. 40"
    assert locator("section 2.1, lines 1330–1331") == "section 2.1"
    assert locator("4213–4284-жолдар") == ""
    html, refs = number_citations("a [@s003, Table 41, line 1; Table 43, line 2] b "
                                  "[@s003, Table 41, line 9]", "ref {n}")
    assert refs.entries == [("s003", "Table 41"), ("s003", "Table 43")]
    assert html.count('href="#ref-1"') == 2 and html.count('href="#ref-2"') == 1


@pytest.mark.parametrize("path", ["kk/units/semey/index.html", "ru/units/altai/index.html",
                                  "en/units/glubokoe/index.html",
                                  "kk/context-regional-policy/index.html"])
def test_prose_cites_numbered_references_not_codes_and_lines(site, path):
    html = page(site, path)
    prose = re.search(r'<div class="prose">(.*?)</div>', html, re.DOTALL).group(1)
    text = words(re.sub(r'<section class="references".*?</section>', "", prose, flags=re.DOTALL))
    assert not re.search(r"\bs00\d\b|-жол|\bстрок[аи]?\s+\d|\blines?\s+\d", text), path
    numbers = set(re.findall(r'href="#ref-(\d+)"', prose))
    listed = set(re.findall(r'<li id="ref-(\d+)"', prose))
    assert numbers and numbers == listed
    assert "<cite>" in prose


def test_markdown_outside_methodology_and_sources_has_no_bare_line_citations():
    for md in (ROOT / "content/2023").rglob("*.md"):
        if md.stem in ("methodology", "sources"):
            continue
        body = md.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        assert not re.search(r"\((s00\d)[,;)]", body), md


# -- compare and alphabetical order --------------------------------------------------------


def unit_list(html: str) -> list[str]:
    block = re.search(r'<ul class="unit-list">(.*?)</ul>', html, re.DOTALL).group(1)
    return re.findall(r'<li><a href="[^"]+/index.html">([^<]+)</a>', block)


def test_kazakh_and_russian_unit_lists_follow_their_alphabets(site):
    for lang in ("kk", "ru"):
        shown = unit_list(page(site, f"{lang}/units/index.html"))
        assert sorted(shown, key=lambda n: collation_key(n, lang)) == shown
        assert len(shown) == 19
    kk = unit_list(page(site, "kk/units/index.html"))
    assert kk.index("Күршім") < kk.index("Өскемен") < kk.index("Ұлан") < kk.index("Үржар") \
        < kk.index("Шемонаиха")
    options = re.findall(r'<option value="(\w+)"', page(site, "kk/compare/index.html"))
    assert options[:19][0] == "abai"


def test_compare_data_carry_raw_numbers_and_the_chart(site):
    html = page(site, "kk/compare/index.html")
    data = json.loads(re.search(r'<script type="application/json" id="compare-data">(.*?)</script>',
                                html, re.DOTALL).group(1))
    assert data["symbols"]["decimal"] == ","
    row = next(r for r in data["rows"] if r["label"].startswith("Инновациялық белсенділік деңгейі"))
    assert row["raw"]["urzhar"] == pytest.approx(26.7, abs=0.05)
    assert len(data["chart"]) >= 4 and all(len(m["ranks"]) >= 2 for m in data["chart"])
    # every line says what rank 1 means on it
    assert all(m["one"].startswith("1 — ") for m in data["chart"]), data["chart"]


# -- search in the page's language ----------------------------------------------------------


def test_search_page_has_a_visible_label_and_kazakh_interface_words(site):
    html = page(site, "kk/search/index.html")
    assert '<label class="search-label" id="search-label">' in html
    words_json = json.loads(unescape(re.search(r'data-translations="([^"]+)"', html).group(1)))
    assert {"placeholder", "zero_results", "many_results", "clear_search"} <= set(words_json)
    assert not re.search(r"\b(results|Search|Clear)\b", " ".join(words_json.values()))


def test_reader_strings_have_exactly_kk_ru_en():
    """A comma in an unquoted YAML flow mapping splits a text into a stray key: the
    Russian "чем выше, тем лучше" was shown as "чем выше"."""
    import yaml

    text = (THEME_DIR / "strings.yaml").read_text(encoding="utf-8")
    block = text.split("# -- reader: pages", 1)[1].split("\n# -- reader:", 1)[0]
    strings = yaml.safe_load(block)
    assert len(strings) >= 30
    bad = {k: sorted(v) for k, v in strings.items() if set(v) != {"kk", "ru", "en"}}
    assert bad == {}


def test_rows_copied_from_another_unit_are_never_named_or_ranked(site):
    # Table 45 repeats five earlier rows in all six partial indices (Borodulikha = Öskemen,
    # Glubokoe = Katon-Karagai = Kurchatov, Tarbagatai = Ridder, Ulan = Semey).
    import csv

    rows: dict[str, dict] = {}
    with open(ROOT / "data/2023/tables/t45_innovation_indices.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["indicator"].startswith("partial_"):
                rows.setdefault(r["unit"], {})[r["indicator"]] = (float(r["value"]), int(r["line"]))
    seen: dict[tuple, str] = {}
    copies = set()
    for unit in sorted(rows, key=lambda u: min(line for _, line in rows[u].values())):
        key = tuple(sorted((k, v) for k, (v, _) in rows[unit].items()))
        if len(key) == 6 and key in seen:
            copies.add(unit)
        seen.setdefault(key, unit)
    home = page(site, "en/index.html")
    answer = re.search(r'<section class="answer".*?</section>', home, re.DOTALL).group(0)
    assert f"{len(copies)} rows of the source table that copy another unit's row" in words(answer)
    second = answer.split("</p>")[1]
    assert not any(f"units/{u}/" in second for u in copies)
    for u in copies:
        glance = re.search(r'<section class="glance".*?</section>',
                           page(site, f"en/units/{u}/index.html"), re.DOTALL).group(0)
        item = re.search(r'<li class="glance-item">\s*<span class="glance-name">Integral.*?</li>',
                         glance, re.DOTALL).group(0)
        assert "not a real value" in item and "of 19" not in item, u


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_an_index_page_leads_with_its_best_and_worst_unit_and_its_classes(site, data, lang):
    """The answer first on an index's page: the best and worst unit of a ranked index, and
    for a score cut into levels the units of each level; the score also gets its ranking
    (a classed score is still ranked). Computed here from the engine's results."""
    ds, results = data
    html = page(site, f"2023/{lang}/indices/depressiveness_score/index.html")
    answer = re.search(r'<section class="answer".*?</section>', html, re.DOTALL).group(0)
    assert html.index('class="answer"') < html.index('id="charts-heading"')
    values = results["depressiveness_score"].values
    values = values[values["unit"].isin(ds.unit_ids())].set_index("unit")
    lead = answer.split("</p>")[0]
    links = re.findall(r'units/(\w+)/index.html', lead)
    assert links == [values["value"].idxmax(), values["value"].idxmin()]
    assert {"kk": "Жоғары болған сайын жақсы", "ru": "Чем выше, тем лучше",
            "en": "Higher is better"}[lang] in lead
    for cls, members in values.groupby("class").groups.items():
        item = next(li for li in re.findall(r"<li>.*?</li>", answer, re.DOTALL)
                    if all(f"units/{u}/index.html" in li for u in members))
        assert f"({len(members)})" in item, cls
    assert 'data-chart="rank-depressiveness_score"' in html
    # A classification without ranks lists its classes only.
    html = page(site, f"2023/{lang}/indices/depressed_units/index.html")
    answer = re.search(r'<section class="answer".*?</section>', html, re.DOTALL).group(0)
    lagging = results["depressed_units"].classed("depressed")
    assert f"({len(lagging)})" in answer
    assert 'data-chart="rank-depressed_units"' not in html


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_a_units_map_says_where_that_unit_stands_first(site, data, lang):
    ds, results = data
    score = results["depressiveness_score"].values
    score = score[score["unit"].isin(ds.unit_ids())].set_index("unit")["value"]
    unit = "zaisan"
    rank = int((score < score[unit]).sum()) + 1           # rank 1 = lowest value here
    html = page(site, f"2023/{lang}/units/{unit}/index.html")
    desc = unescape(re.search(rf'id="chart-unit-map-{unit}-desc">([^<]*)', html).group(1))
    assert desc.startswith(names(ds, lang)[unit])
    assert str(rank) in desc.split(".")[0] and str(len(score)) in desc.split(".")[0]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_region_page_leads_with_what_its_charts_say(site, lang):
    html = page(site, f"2023/{lang}/region/index.html")
    answer = re.search(r'<section class="answer".*?</section>', html, re.DOTALL).group(0)
    assert html.index('class="answer"') < html.index('id="charts-heading"')
    described = re.findall(r'class="chart-description" id="chart-(?:series|composition)-'
                           r'[^"]+-desc">([^<]+)</p>', html)
    assert len(described) >= 4
    for d in described:
        assert d[1:60] in answer, d
