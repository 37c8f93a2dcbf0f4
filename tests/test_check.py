"""aimaq check: every problem at once, each naming a file and a line; nothing written."""
import re
from pathlib import Path

from aimaq.check import check
from aimaq.cli import main
from aimaq.theme import THEME_DIR

WHERE = re.compile(r"^error: [^\s:]+\.(md|yaml|csv|html):\d+: ")


def translate(mini: Path) -> None:
    """Complete the mini site's translations (it ships pages in one language only)."""
    kk_about = mini / "content/2023/kk/pages/about.md"
    kk_about.parent.mkdir(parents=True)
    kk_about.write_text("---\ntitle: Сайт туралы\n---\n[Бірліктер](../units/index.html).\n")
    en_alpha = mini / "content/2023/en/units/alpha.md"
    en_alpha.parent.mkdir(parents=True)
    en_alpha.write_text("---\ntitle: Alpha\n---\nAbout the city of Alpha.\n")


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def run(mini: Path, capsys) -> tuple[int, str, str]:
    code = main(["check", "--config", str(mini / "site.yaml")])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_site_passes_and_nothing_is_written(mini, capsys):
    translate(mini)
    before = files(mini)
    code, out, err = run(mini, capsys)
    assert code == 0, err
    assert "No problems found." in out
    assert files(mini) == before                      # no output/, no temporary files


def test_missing_translation_is_listed_with_its_file(mini, capsys):
    code, out, err = run(mini, capsys)
    assert code == 1
    assert ("error: content/2023/en/pages/about.md:1: this page has no kk translation: "
            "content/2023/kk/pages/about.md is missing") in err
    assert ("error: content/2023/kk/units/alpha.md:1: this page has no en translation: "
            "content/2023/en/units/alpha.md is missing") in err
    assert "2 problems" in err


def test_broken_link_and_anchor_in_markdown_name_file_and_line(mini, capsys):
    translate(mini)
    page = mini / "content/2023/en/index.md"
    page.write_text(page.read_text() + "\nSee [Omega](units/omega/index.html).\n\n"
                    "And [the figures](region/index.html#no-such-anchor).\n")
    code, out, err = run(mini, capsys)
    assert code == 1
    # The check renders what the build does: the page once, at its permalink (the short
    # address is a stub leading there).
    assert ("error: content/2023/en/index.md:6: broken link 'units/omega/index.html' on "
            "2023/en/index.html: no such file") in err
    assert ("error: content/2023/en/index.md:8: broken link "
            "'region/index.html#no-such-anchor' on 2023/en/index.html: "
            "no anchor #no-such-anchor") in err


def test_broken_link_in_a_template_names_the_template_line(mini, capsys):
    translate(mini)
    tpl = mini / "templates/page.html"                 # the project's override of the theme's
    lines = (THEME_DIR / "page.html").read_text().splitlines()
    lines.insert(2, '<p><a href="#nowhere">x</a></p>')
    tpl.write_text("\n".join(lines) + "\n")
    code, out, err = run(mini, capsys)
    assert code == 1
    assert "error: templates/page.html:3: broken link '#nowhere' on" in err
    # reported once for both languages (each page rendered once, at its permalink)
    assert "and 1 more page(s)" in err


def test_every_problem_at_once(mini, capsys):
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("beta,firms,2020,20,", "beta,firms,2020,2O,"))
    (mini / "content/2023/en/index.md").write_text("---\ntitle: Mini\nsubtitle: no\n---\nx\n")
    (mini / "content/2023/kk/index.md").write_text("no front matter\n")
    code, out, err = run(mini, capsys)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert any("data/2023/tables/t1_firms.csv:8:" in line for line in lines)
    assert any("content/2023/en/index.md:3:" in line and "subtitle" in line for line in lines)
    assert any("content/2023/kk/index.md:1:" in line for line in lines)
    assert all(WHERE.match(line) for line in lines), lines
    assert "not checked: rendering the pages" in err
    assert "index.md is missing" not in err      # the broken pages exist: not "missing"
    assert "Traceback" not in err


def test_unexpected_data_check_result_names_checks_yaml_line(mini, capsys):
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("Mini region,firms,2020,60,",
                                           "Mini region,firms,2020,61,"))
    code, out, err = run(mini, capsys)
    assert code == 1
    assert "error: data/2023/checks.yaml:2: check 'firms-sum' fails" in err


def test_methodology_error_names_file_and_line(mini, capsys):
    translate(mini)
    (mini / "data/2023/methodology.yaml").write_text(
        "indices:\n  - id: broken\n    name: {en: Broken}\n    colour: red\n")
    code, out, err = run(mini, capsys)
    assert code == 1
    line = next(line for line in err.splitlines() if "methodology.yaml" in line)
    assert re.match(r"error: data/2023/methodology\.yaml:\d+: ", line), line


def test_config_error_names_site_yaml_line(mini, capsys):
    cfg = mini / "site.yaml"
    cfg.write_text(cfg.read_text().replace("base_url: /", "base_url: /\nbase_ulr: /x/"))
    code, out, err = run(mini, capsys)
    assert code == 1
    assert re.search(r"error: \S*site\.yaml:\d+: unknown key 'base_ulr'", err), err


def test_content_page_name_that_would_leave_its_folder_is_rejected(mini):
    translate(mini)
    bad = mini / "content/2023/en/pages/...md"
    bad.write_text("---\ntitle: Dots\n---\nx\n")
    report = check(mini / "site.yaml")
    assert [p for p in report.problems
            if p.file == "content/2023/en/pages/...md" and "not a valid page file name"
            in p.message]


def test_content_page_cannot_take_an_address_the_site_uses(mini):
    translate(mini)
    for lang in ("kk", "en"):
        clash = mini / f"content/2023/{lang}/pages/glossary.md"
        clash.write_text("---\ntitle: Glossary\n---\nx\n")
    report = check(mini / "site.yaml")
    assert any(p.file.endswith("pages/glossary.md") and "glossary page already uses"
               in p.message for p in report.problems), report.problems
