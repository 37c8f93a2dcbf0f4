"""The pipeline end to end: pages, determinism, atomic output, errors without tracebacks."""
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from aimaq.build import build
from aimaq.cli import main
from aimaq.errors import AimaqError


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_mini_build_pages(mini):
    report = build(mini / "site.yaml")
    out = mini / "output"
    assert report.output == out
    expected = {"index.html", "404.html", "sitemap.xml", "robots.txt", "assets/style.css"}
    for lang in ("kk", "en"):
        expected |= {f"{lang}/index.html", f"{lang}/units/index.html", f"{lang}/region/index.html"}
        expected |= {f"{lang}/units/{u}/index.html" for u in ("alpha", "beta", "gamma")}
    expected.add("en/about/index.html")                 # a content page in one language
    expected |= {"assets/filter.js", "assets/compare.js", "assets/search.js", "assets/sort.js",
                 "assets/charts-on-demand.js",
                 "assets/favicon.svg", "assets/og/kk.png", "assets/og/en.png"}
    for lang in ("kk", "en"):
        expected |= {f"{lang}/recommendations/index.html", f"{lang}/glossary/index.html",
                     f"{lang}/data/index.html", f"{lang}/compare/index.html",
                     f"{lang}/search/index.html"}
    expected |= {f"downloads/2023/{name}" for name in (
        "tables/t1_firms.csv", "tables/t2_dynamics.csv", "units.csv", "indicators.csv",
        "data.json", "csv-metadata.json", "aimaq-2023.zip", "CITATION.cff")}
    # Every page at its permalink too (the current edition is also at <lang>/…); the
    # 404 page only once, at the root.
    expected |= {f"2023/{p}" for p in expected if p.endswith("index.html")
                 and p.split("/")[0] in ("kk", "en")}
    expected.add("2023/index.html")                     # the edition's root: a redirect
    expected.add(".aimaq-output")                       # marks the folder as Aimaq's
    built = set(tree(out))
    # Search indexes each page once, at its permalink; the short addresses are stubs.
    search = {p for p in built if p.startswith("2023/pagefind/")}
    assert {"2023/pagefind/pagefind.js", "2023/pagefind/pagefind-ui.js"} <= search
    assert any(p.startswith("2023/pagefind/index/kk") for p in search)   # a Kazakh index
    expected.add("assets/redirect.js")                  # keeps a stub's #fragment
    assert built - search == expected
    stub = (out / "kk/units/alpha/index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../../2023/kk/units/alpha/index.html"' in stub
    alpha = (out / "2023/kk/units/alpha/index.html").read_text(encoding="utf-8")
    assert '<html lang="kk">' in alpha
    assert alpha.count("<h1") == 1
    assert "Альфа қаласы туралы." in alpha            # the unit's narrative
    assert 'hreflang="en"' in alpha
    assert "30,0" in alpha                               # kk decimal comma
    # The canonical is the permalink, the short address's too; a single edition has no
    # switcher.
    assert 'rel="canonical" href="/2023/kk/units/alpha/"' in alpha
    assert 'rel="canonical" href="/2023/kk/units/alpha/"' in stub
    assert "edition-switch" not in alpha


def test_two_builds_are_byte_identical(mini, tmp_path):
    build(mini / "site.yaml", tmp_path / "a")
    build(mini / "site.yaml", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_failed_build_keeps_previous_output(mini):
    build(mini / "site.yaml")
    before = tree(mini / "output")
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("beta,firms,2020,20,", "beta,firms,2020,twenty,"))
    with pytest.raises(AimaqError):
        build(mini / "site.yaml")
    assert tree(mini / "output") == before
    leftovers = [p.name for p in mini.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


def test_cli_reports_bad_csv_in_one_paragraph(mini, capsys):
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("beta,firms,2020,20,", "beta,firms,2020,2O,"))
    code = main(["build", "--config", str(mini / "site.yaml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert err.strip().count("\n") == 0, err
    assert "t1_firms.csv:8" in err and "'2O' is not a number" in err and "Fix:" in err


def test_cli_as_module_exit_code(mini):
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("unit,indicator", "unit,indicatr"))
    proc = subprocess.run([sys.executable, "-m", "aimaq", "build", "--config",
                           str(mini / "site.yaml")], capture_output=True, text=True)
    assert proc.returncode == 1
    assert "missing column(s) indicator" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_broken_content_link_fails_build(mini):
    """The link check fails the build after the pages were written into the staging
    folder: the previous output stays, and the staging folder goes."""
    build(mini / "site.yaml")
    before = tree(mini / "output")
    page = mini / "content/2023/en/index.md"
    page.write_text(page.read_text() + "\n[Nowhere](../units/omega/index.html)\n")
    with pytest.raises(AimaqError, match="broken internal link.*2023/en/index.html"):
        build(mini / "site.yaml")
    assert tree(mini / "output") == before
    assert [p.name for p in mini.iterdir() if p.name.startswith(".output")] == []


def test_markdown_script_is_inert(mini):
    page = mini / "content/2023/en/index.md"
    page.write_text(page.read_text() + '\n<script>alert(1)</script>\n[x](javascript:alert(1))\n'
                    '<img src="a.png" onerror="alert(1)">\n')
    with pytest.raises(AimaqError):  # the stripped image target does not exist
        build(mini / "site.yaml")
    page.write_text(page.read_text().replace('<img src="a.png" onerror="alert(1)">', ""))
    build(mini / "site.yaml")
    html = (mini / "output/2023/en/index.html").read_text()
    assert "<script>alert" not in html and "javascript:" not in html


def test_front_matter_error_names_line(mini):
    page = mini / "content/2023/en/index.md"
    page.write_text("---\ntitle: Mini\nsubtitle: nope\n---\nText\n")
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    assert "content/2023/en/index.md:3" in str(err.value) and "subtitle" in str(err.value)


def test_home_key_figures_from_home_yaml(mini):
    build(mini / "site.yaml")
    home = (mini / "output/2023/kk/index.html").read_text()
    assert "Кәсіпорындар" in home and ">60<" in home and "20,0" in home


def test_bad_key_figure_names_file_and_line(mini):
    p = mini / "content/2023/home.yaml"
    p.write_text(p.read_text().replace("indicator: firms}", "indicator: firmz}"))
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    assert "content/2023/home.yaml:2" in str(err.value) and "firmz" in str(err.value)


def test_compute_on_missing_data_folder_is_a_clear_error(tmp_path, capsys):
    code = main(["compute", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1 and "no such data folder" in err and "Traceback" not in err


def test_recommendations_and_glossary(mini):
    build(mini / "site.yaml")
    out = mini / "output"
    recs = (out / "2023/en/recommendations/index.html").read_text()
    assert "Develop border trade" in recs and 'data-units="gamma"' in recs
    assert 'data-units="alpha beta gamma"' in recs          # targets: all
    # A profile lists what targets the unit (here through its group) and folds what
    # concerns every unit to a count and a link to the page filtered for the unit.
    gamma = (out / "2023/en/units/gamma/index.html").read_text()
    assert "Develop border trade" in gamma and "Train staff" not in gamma
    assert "Recommendations for every unit alike: 1." in gamma
    assert "recommendations/index.html?unit=gamma" in gamma
    alpha = (out / "2023/en/units/alpha/index.html").read_text()
    assert "Develop border trade" not in alpha and "every unit alike: 1." in alpha
    assert (out / "assets/filter.js").is_file()
    gloss = (out / "2023/kk/glossary/index.html").read_text()
    assert 'id="enterprise"' in gloss and "Кәсіпорын" in gloss


def test_recommendation_with_unknown_target_names_line(mini):
    p = mini / "content/2023/recommendations.yaml"
    p.write_text(p.read_text().replace("targets: [china-border]", "targets: [mars]"))
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    assert "recommendations.yaml:5" in str(err.value) and "'mars'" in str(err.value)


def test_downloads_copy_tables_and_describe_them(mini):
    import json

    build(mini / "site.yaml")
    out = mini / "output/downloads/2023"
    src = mini / "data/2023/tables/t1_firms.csv"
    assert (out / "tables/t1_firms.csv").read_bytes() == src.read_bytes()
    meta = json.loads((out / "csv-metadata.json").read_text())
    assert meta["@context"] == "http://www.w3.org/ns/csvw"
    urls = [t["url"] for t in meta["tables"]]
    assert "tables/t1_firms.csv" in urls
    t1 = meta["tables"][urls.index("tables/t1_firms.csv")]
    assert [c["name"] for c in t1["tableSchema"]["columns"]] == [
        "unit", "indicator", "year", "value", "flag", "line", "note"]
    data = json.loads((out / "data.json").read_text())
    assert len(data["observations"]) == 15


def test_404_links_from_the_site_root_and_sitemap(mini):
    cfg = mini / "site.yaml"
    cfg.write_text(cfg.read_text().replace("base_url: /", "base_url: https://stat.example.kz/aimaq"))
    report = build(cfg)
    out = mini / "output"
    page = (out / "404.html").read_text()
    assert 'href="/aimaq/kk/index.html"' in page and 'href="/aimaq/assets/style.css"' in page
    sitemap = (out / "sitemap.xml").read_text()
    # The sitemap lists permalinks (the canonical addresses), not the short ones.
    assert "<loc>https://stat.example.kz/aimaq/2023/kk/units/alpha/</loc>" in sitemap
    assert 'hreflang="en" href="https://stat.example.kz/aimaq/2023/en/units/alpha/"' in sitemap
    assert "<loc>https://stat.example.kz/aimaq/kk/units/alpha/</loc>" not in sitemap
    assert "Sitemap: https://stat.example.kz/aimaq/sitemap.xml" in (out / "robots.txt").read_text()
    assert not [w for w in report.warnings if "base_url" in w]
    canonical = (out / "en/units/alpha/index.html").read_text()
    assert '<link rel="canonical" href="https://stat.example.kz/aimaq/2023/en/units/alpha/">' \
        in canonical


def test_footer_lists_the_first_pages_and_links_to_all_of_them(mini):
    """A page's size never grows with the number of content pages: past ``footer_pages``
    the footer links to one list of all of them."""
    pages = mini / "content/2023/en/pages"
    for i, title in enumerate(["Zeta", "Eta", "Theta"]):
        (pages / f"p{i}.md").write_text(f"---\ntitle: {title}\norder: {i + 1}\n"
                                        f"description: About {title}\n---\nText {i}.\n")
    cfg = mini / "site.yaml"
    cfg.write_text(cfg.read_text() + "footer_pages: 2\n")
    build(cfg)
    out = mini / "output/2023/en"
    footer = (out / "units/alpha/index.html").read_text().split('class="footer-nav"')[1]
    footer = footer.split("</ul>")[0]
    # 'about' (order 0) and p0 (order 1) are shown; p1, p2 only on the list.
    assert '<a href="../../about/index.html">About</a>' in footer
    assert '<a href="../../p0/index.html">Zeta</a>' in footer
    assert "Eta" not in footer and "Theta" not in footer
    assert '<a href="../../pages/index.html">All pages (4)</a>' in footer
    listing = (out / "pages/index.html").read_text()
    for slug, title in [("about", "About"), ("p0", "Zeta"), ("p1", "Eta"), ("p2", "Theta")]:
        assert f'<a href="../{slug}/index.html">{title}</a>' in listing
    assert "About Theta" in listing
    # Kazakh has no content pages: no footer list and no list page.
    assert not (mini / "output/2023/kk/pages").exists()
    assert 'class="footer-nav"' not in (mini / "output/2023/kk/index.html").read_text()


def test_footer_without_a_cap_has_no_list_page(mini):
    build(mini / "site.yaml")
    assert not (mini / "output/2023/en/pages").exists()
    footer = (mini / "output/2023/en/index.html").read_text().split('class="footer-nav"')[1]
    assert "about/index.html" in footer and "pages/index.html" not in footer


def _search_texts(out) -> dict[str, str]:
    """{page URL: the text Pagefind indexed} from the site's search fragments."""
    import gzip
    import json

    texts = {}
    for f in (out / "pagefind/fragment").iterdir():
        data = gzip.decompress(f.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        doc = json.loads(data[len(b"pagefind_dcd"):])
        texts[doc["url"]] = doc["content"]
    return texts


def test_search_indexes_words_not_table_rows_or_repeated_lists(mini):
    """Rows of data tables and a profile's list of recommendations stay out of the search
    index (they made it grow with units × recommendations); headings, prose and names
    stay in, and each recommendation is found on its own page."""
    build(mini / "site.yaml")
    texts = _search_texts(mini / "output/2023")    # the permanent pages, indexed once
    alpha = next(t for url, t in texts.items() if url.endswith("/en/units/alpha/"))
    assert "Alpha" in alpha and "Alfa" in alpha             # name and other names
    assert "Train staff" not in alpha                        # its recommendations list
    assert "Innovating enterprises" not in alpha             # a row of its figures table
    assert "Indicator" not in alpha                          # …or its header
    recs = next(t for url, t in texts.items() if url.endswith("/en/recommendations/"))
    assert "Train staff" in recs


def test_a_project_without_charts_starts_no_image_worker(mini, monkeypatch):
    """Warming an image worker costs ~0.4 CPU s; charts come from an edition's indices,
    so a project without methodology.yaml (no chart possible) starts none, even cold."""
    from aimaq import build as pipeline
    from aimaq import images
    from aimaq.config import load_config

    started: list[int] = []
    real = images.Pool.start

    def start(self):
        started.append(1)
        return real(self)

    monkeypatch.setattr(images.Pool, "start", start)
    monkeypatch.setenv("AIMAQ_WORKERS", "2")
    assert not (mini / ".cache").exists()              # a cold build
    report = build(mini / "site.yaml")
    assert report.pages and report.charts == 0
    assert started == []
    assert not pipeline.may_have_charts(load_config(mini / "site.yaml"))
    # A project with indices can have charts: its cold build starts them first thing.
    (mini / "data/2023/methodology.yaml").write_text("indices: []\n", encoding="utf-8")
    assert pipeline.may_have_charts(load_config(mini / "site.yaml"))
