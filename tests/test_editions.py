"""Annual editions: permalinks, the switcher and banner, frozen archives and errata, what
changed, the per-edition archive, and ``aimaq new-edition``.

The fixture (tests/fixtures/editions, invented, never published) has two editions whose
differences are listed in its README: Highmoor moves from rank 7 to rank 1 of the innovation
activity level, Millford and Westfen enter the lagging group by a methodology change, and
one indicator is added.
"""
from __future__ import annotations

import hashlib
import io
import re
import shutil
import zipfile
from html import unescape
from pathlib import Path

import pytest

from aimaq.build import build
from aimaq.check import check
from aimaq.cli import main
from aimaq.config import load_config
from aimaq.errors import AimaqError
from aimaq.serve.session import Session
from aimaq.theme import THEME_DIR

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "editions"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A writable copy of the two-edition fixture, with its own templates/ over the theme."""
    dest = tmp_path / "editions"
    shutil.copytree(FIXTURE, dest)
    return dest


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("built") / "editions"
    shutil.copytree(FIXTURE, dest)
    cfg = dest / "site.yaml"
    build(cfg)
    return dest / "output"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def switcher(html: str) -> dict[str, str]:
    """{edition id: href} of the edition switcher's links."""
    nav = re.search(r'<nav aria-label="[^"]*" class="edition-switch">(.*?)</nav>', html, re.S)
    assert nav, "no edition switcher"
    return {m.group(2): m.group(1) for m in re.finditer(
        r'<a href="([^"]+)"[^>]*><span class="visually-hidden">[^<]*</span>([^<]+)</a>',
        nav.group(1))}


def rows(html: str, heading_id: str) -> list[list[str]]:
    """Text cells of the table in the section headed ``heading_id``."""
    start = html.index(f'id="{heading_id}"')
    table = html[start:html.index("</table>", start)]
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        out.append([re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip()
                    for c in cells])
    return out


# -- permalinks, switcher, banner --------------------------------------------------------


def test_both_editions_at_their_permalinks_and_the_current_at_the_short_address(built):
    for edition in ("2023", "2024"):
        for lang in ("kk", "en"):
            assert (built / edition / lang / "units/highmoor/index.html").is_file()
        assert (built / edition / "index.html").is_file()          # <edition>/ redirects
    current = read(built / "en/units/highmoor/index.html")
    assert 'rel="canonical" href="/2024/en/units/highmoor/"' in current
    archived = read(built / "2023/en/units/highmoor/index.html")
    assert 'rel="canonical" href="/2023/en/units/highmoor/"' in archived
    sitemap = read(built / "sitemap.xml")
    assert "<loc>/2023/en/units/highmoor/</loc>" in sitemap
    assert "<loc>/2024/en/units/highmoor/</loc>" in sitemap
    assert "<loc>/en/units/highmoor/</loc>" not in sitemap     # short addresses: canonical elsewhere


def test_every_archived_page_links_to_the_same_page_in_the_current_edition(built):
    pages = sorted(p for p in (built / "2023").rglob("index.html") if p.parent != built / "2023")
    assert len(pages) > 30
    for page in pages:
        rel = page.relative_to(built / "2023").as_posix()
        html = read(page)
        links = switcher(html)
        target = (page.parent / links["2024"]).resolve()
        same = (built / rel).resolve()
        if same.is_file():
            assert target == same, rel
            assert "edition-banner" in html and links["2024"] in hrefs(html)
        else:   # only in the older edition: the current edition's home, with its note
            assert links["2024"].endswith("index.html#edition-page-missing"), rel


def test_a_page_only_in_the_newer_edition_switches_to_the_older_home_with_a_note(built):
    html = read(built / "2024/en/changes/index.html")
    link = switcher(html)["2023"]
    assert link == "../../../2023/en/index.html#edition-page-missing"
    home = read(built / "2023/en/index.html")
    assert 'id="edition-page-missing"' in home
    assert "edition-banner" in home and "edition-banner" not in read(built / "2024/en/index.html")


def test_each_edition_has_its_own_search_index(built):
    short = read(built / "en/units/highmoor/index.html")
    permalink = read(built / "2024/en/units/highmoor/index.html")
    archived = read(built / "2023/en/units/highmoor/index.html")
    assert "data-pagefind-body" in permalink and "data-pagefind-body" in archived
    assert "data-pagefind-body" not in short            # a stub: each page indexed once
    assert (built / "2024/pagefind/pagefind-ui.js").is_file()
    assert (built / "2023/pagefind/pagefind-ui.js").is_file()
    assert not (built / "pagefind").exists()
    assert 'data-bundle="../../pagefind/"' in read(built / "2023/en/search/index.html")
    assert 'data-bundle="../../pagefind/"' in read(built / "2024/en/search/index.html")


# -- what changed --------------------------------------------------------------------------


def test_what_changed_lists_the_rank_changes_groups_indicators_and_methodology(built):
    html = read(built / "2024/en/changes/index.html")
    ranks = {r[0]: r for r in rows(html, "changes-activity_level")}
    # unit, 2023, 2024, difference, rank 2023, rank 2024, change
    assert ranks["Highmoor"][4:6] == ["7", "1"] and ranks["Highmoor"][6].startswith("▲ 6")
    for unit, before, after in [("Millford", "1", "2"), ("North Bay", "2", "3"),
                                ("Riverton", "3", "4"), ("East Ridge", "4", "5"),
                                ("Westfen", "5", "6"), ("Stonebrook", "6", "7")]:
        assert ranks[unit][4:6] == [before, after], unit
        assert ranks[unit][6].startswith("▼ 1"), unit
    assert ranks["Highmoor"][1:3] == ["6.8", "27.3"]
    groups = html[html.index('id="changes-groups"'):html.index('id="changes-ranks"')]
    entered = re.search(r"Entered the group: (.*?)</li>", groups, re.S).group(1)
    assert re.findall(r">([^<]+)</a>", entered) == ["Millford", "Westfen"]
    assert "Left the group" not in groups
    indicators = html[html.index('id="changes-indicators"'):html.index('id="changes-methodology"')]
    assert "patents_granted" in indicators and "Removed" not in indicators
    method = rows(html, "changes-methodology")
    assert method == [["Lagging units lagging_units", "steps › classify › map › middle", "–",
                       "lagging"]]
    # The slope chart of the ranks, with its data table.
    assert (built / "charts/2024/en/slope-activity_level.static.svg").is_file()
    assert "slope-activity_level" in html


def test_the_first_edition_has_no_what_changed_page(built):
    assert not (built / "2023/en/changes").exists()
    assert "changes/index.html" not in read(built / "2023/en/index.html")


def test_a_profile_shows_the_units_values_across_editions(built):
    html = read(built / "2024/en/units/highmoor/index.html")
    assert 'id="history-heading"' in html
    history = {r[0]: r[1:] for r in rows(html, "history-heading")}
    assert history["Innovation activity level"] == ["6.8 (7 of 7)", "27.3 (1 of 7)"]


# -- frozen archive and errata ---------------------------------------------------------------


def test_changing_a_number_of_a_frozen_edition_fails_check_and_build(site):
    csv = site / "data/2023/tables/t1_enterprises.csv"
    csv.write_text(read(csv).replace("westfen,enterprises_innovating,2022,6,",
                                     "westfen,enterprises_innovating,2022,7,"), encoding="utf-8")
    report = check(site / "site.yaml")
    files = {p.file for p in report.problems}
    assert "data/2023/tables/t1_enterprises.csv" in files
    assert any("index activity_level" in p.message for p in report.problems)
    assert all("2024" not in p.file for p in report.problems)
    with pytest.raises(AimaqError, match="data/2023/tables/t1_enterprises.csv"):
        build(site / "site.yaml")
    assert main(["check", "--config", str(site / "site.yaml")]) == 1
    # The preview runs the same stages: it shows the mistake instead of the changed numbers.
    preview = Session(site / "site.yaml", output=site / "preview", edition_id="2023")
    result = preview.build()
    assert result.error is not None and "t1_enterprises.csv" in str(result.error)


def test_an_erratum_lets_the_change_pass_and_is_shown(site, capsys):
    csv = site / "data/2023/tables/t1_enterprises.csv"
    csv.write_text(read(csv).replace("westfen,enterprises_innovating,2022,6,",
                                     "westfen,enterprises_innovating,2022,7,"), encoding="utf-8")
    cfg = site / "site.yaml"
    cfg.write_text(read(cfg).replace('''    published: "2023-05-01"''', '''    published: "2023-05-01"
    errata:
      - date: "2024-02-10"
        files: [data/2023/tables/t1_enterprises.csv]
        indices: [activity_level]
        what: {kk: Вестфен деректері түзетілді, en: Westfen's innovating enterprises corrected from 6 to 7}
        why: {kk: Теру қатесі, en: A typing error in the yearbook's table 1}'''), encoding="utf-8")
    assert check(cfg).problems == []
    build(cfg)
    out = site / "output"
    home = read(out / "2023/en/index.html")
    assert "Westfen&#39;s innovating enterprises corrected from 6 to 7" in home
    assert "A typing error" in home
    # on the pages made from that table or index ...
    assert "corrected from 6 to 7" in read(out / "2023/en/indices/activity_level/index.html")
    assert "corrected from 6 to 7" in read(out / "2023/en/units/westfen/index.html")
    # ... not on the pages that do not show them, nor in the other edition
    assert "corrected from 6 to 7" not in read(out / "2023/en/glossary/index.html") \
        if (out / "2023/en/glossary/index.html").exists() else True
    assert "corrected from 6 to 7" not in read(out / "2024/en/units/westfen/index.html")
    # Sealing the corrected state: a later change needs a new erratum.
    assert main(["freeze", "2023", "--config", str(cfg)]) == 0
    assert "sealing 2 changes recorded as errata" in capsys.readouterr().out
    csv.write_text(read(csv).replace("westfen,enterprises_innovating,2022,7,",
                                     "westfen,enterprises_innovating,2022,8,"), encoding="utf-8")
    cfg.write_text(read(cfg).replace("indices: [activity_level]", "indices: []"),
                   encoding="utf-8")
    problems = check(cfg).problems
    assert [p.file for p in problems if "index" in p.message] == ["editions/2023.lock.yaml"]


def test_a_lock_ignores_line_endings(site):
    md = site / "content/2023/en/index.md"
    md.write_bytes(md.read_bytes().replace(b"\n", b"\r\n"))
    assert check(site / "site.yaml").problems == []


def test_templates_may_restyle_a_frozen_edition(site):
    css = site / "templates/assets/style.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    css.write_text(read(THEME_DIR / "assets/style.css") + "\nbody { color: #111; }\n",
                   encoding="utf-8")
    base = site / "templates/base.html"
    base.write_text(read(THEME_DIR / "base.html").replace("<body>", "<body class=\"restyled\">"),
                    encoding="utf-8")
    assert check(site / "site.yaml").problems == []


# -- downloads ---------------------------------------------------------------------------------


def test_each_edition_has_an_archive_and_a_citation(built):
    for edition in ("2023", "2024"):
        data = (built / f"downloads/{edition}/aimaq-{edition}.zip").read_bytes()
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        root = f"aimaq-{edition}"
        assert f"{root}/data/methodology.yaml" in names
        assert f"{root}/data/tables/t1_enterprises.csv" in names
        assert {f"{root}/computed/indices.csv", f"{root}/computed/audit.csv",
                f"{root}/CITATION.cff"} <= set(names)
        cff = read(built / f"downloads/{edition}/CITATION.cff")
        assert f"version: '{edition}'" in cff and "cff-version: 1.2.0" in cff
    z = zipfile.ZipFile(built / "downloads/2024/aimaq-2024.zip")
    computed = z.read("aimaq-2024/computed/indices.csv").decode()
    assert "activity_level,highmoor,2022,27.27272727272727,1," in computed   # full precision
    home = read(built / "2024/en/index.html")
    assert "How to cite this edition" in home and "aimaq-2024.zip" in home
    assert "Aimaq test fixture (2024). Lakeshire (invented). 2024 edition." in home


def test_two_builds_of_two_editions_are_byte_identical(site, tmp_path):
    def tree(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    build(site / "site.yaml", tmp_path / "a")
    build(site / "site.yaml", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


# -- one edition, drafts, new-edition ------------------------------------------------------------


def test_build_one_edition(site):
    report = build(site / "site.yaml", edition_id="2023")
    out = site / "output"
    assert report.editions == ["2023"]
    assert (out / "2023/en/index.html").is_file() and not (out / "2024").exists()
    assert not (out / "en").exists()        # the short addresses belong to the current edition


def test_new_edition_scaffolds_a_buildable_draft_and_publishing_it_archives_the_last(
        site, capsys):
    cfg = site / "site.yaml"
    (site / "editions/2024.lock.yaml").unlink(missing_ok=True)
    assert main(["new-edition", "2025", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "Froze edition 2024 first" in out and "Next steps" in out
    assert (site / "editions/2024.lock.yaml").is_file()
    config = load_config(cfg)
    assert config.edition("2025").draft and config.current_edition == "2024"
    # The layout without last year's numbers: every table has its header only.
    tables = sorted((site / "data/2025/tables").glob("*.csv"))
    assert len(tables) == 6
    assert all(len(read(t).splitlines()) == 1 for t in tables)
    assert read(site / "data/2025/methodology.yaml") == read(site / "data/2024/methodology.yaml")
    assert (site / "content/2025/en/index.md").is_file()
    # Not built unless asked; with --drafts it builds (values pending) and is marked a draft.
    build(cfg)
    assert not (site / "output/2025").exists()
    report = build(cfg, drafts=True)
    assert report.editions == ["2023", "2024", "2025"]
    assert any("draft edition 2025" in w for w in report.warnings)
    draft_home = read(site / "output/2025/en/index.html")
    assert "is a draft, not yet published" in draft_home
    # Enter numbers (here: 2024's), publish: 2025 becomes current, 2024 archived and frozen.
    for t in tables:
        shutil.copy(site / "data/2024/tables" / t.name, t)
    cfg.write_text(read(cfg).replace("    draft: true\n", '    published: "2025-05-01"\n'),
                   encoding="utf-8")
    config = load_config(cfg)
    assert config.current_edition == "2025" and config.status("2024") == "archived"
    assert check(cfg).problems == []
    build(cfg)
    out = site / "output"
    assert 'rel="canonical" href="/2025/en/index.html"' not in read(out / "en/index.html")
    assert 'rel="canonical" href="/2025/en/"' in read(out / "en/index.html")
    assert "edition-banner" in read(out / "2024/en/index.html")
    assert (out / "en/changes/index.html").is_file()
    csv = site / "data/2024/tables/t1_enterprises.csv"
    csv.write_text(read(csv).replace("westfen,enterprises,2022,61,", "westfen,enterprises,2022,60,"),
                   encoding="utf-8")
    assert "data/2024/tables/t1_enterprises.csv" in {p.file for p in check(cfg).problems}


def test_new_edition_refuses_an_existing_id(site):
    with pytest.raises(AimaqError, match="already exists"):
        from aimaq.editions.scaffold import new_edition
        new_edition(site / "site.yaml", "2024")
