"""Every visible word of a Kazakh or Russian page is in the page's language.

The built bundled site is read as parsed HTML (and the text of the chart images each page
shows): four or more English words in a row, outside ``translate="no"`` (proper names,
titles of sources as printed), ``code`` and ``cite``, fail. A run the index engine writes
(audit reasons, step descriptions, texts of methodology.yaml) is counted apart: those are
being made per-language on the engine's branch (issue 15); until that lands they are an
expected failure, listed by the second test.
"""
import re
from pathlib import Path

import pytest
from tests.language_runs import page_runs, runs_in_text, svg_runs

ROOT = Path(__file__).resolve().parents[1]


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def _engine_text() -> str:
    """The English the engine writes: methodology.yaml and the engine's own code."""
    files = [ROOT / "data" / "2023" / "methodology.yaml",
             *sorted((ROOT / "generator" / "indices").glob("*.py"))]
    return " ".join(_words(f.read_text(encoding="utf-8")) for f in files)


ENGINE = _engine_text()


#: Sections of an index page filled from methodology.yaml and the engine's records.
ENGINE_SECTIONS = ("measures-heading", "inputs-heading", "steps-heading", "results-heading")


def engine_section(el) -> bool:
    label = el.get("aria-labelledby") or ""
    return el.tag == "section" and (label in ENGINE_SECTIONS or label.startswith("sens-"))


def split_runs(out: Path, lang: str) -> tuple[dict, dict]:
    """(other runs, the engine's runs) by page: a run is the engine's when it stands in
    an index page's methodology, steps, results or sensitivity section, or when its words
    are the engine's own (methodology.yaml, generator/indices)."""
    other, engine = {}, {}
    rooted = [p for p in sorted(out.glob("*.html"))          # 404.html, the root redirect
              if f'<html lang="{lang}"' in p.read_text(encoding="utf-8")[:2000]]
    # The short addresses (<lang>/…, stubs) and the pages they lead to (<edition>/<lang>/…).
    pages = [*(out / lang).rglob("*.html"), *out.glob(f"*/{lang}/**/*.html")]
    for page in rooted + sorted(pages):
        name = page.relative_to(out).as_posix()
        everything = page_runs(page)
        outside = page_runs(page, engine_section if "/indices/" in name else None)
        mine = [r for r in outside if f" {_words(r)} " not in f" {ENGINE} "]
        theirs = list(everything)
        for r in mine:
            theirs.remove(r)
        if mine:
            other[name] = mine
        if theirs:
            engine[name] = theirs
    return other, engine


def test_a_run_is_four_english_words_in_a_row():
    assert runs_in_text("Шекаралар: © OpenStreetMap (ODbL), geoBoundaries арқылы") == []
    assert runs_in_text("year not printed; 2020 assumed") == []      # digits end a run
    assert runs_in_text("Дерек: year not printed, tenge assumed.") == [
        "year not printed tenge assumed"]


def test_translate_no_code_and_cite_are_left_out(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        '<html lang="kk"><body><p>Басқа атаулары: <span translate="no">Abai district of '
        'the region</span></p><p><code>read the whole file now</code></p>'
        '<p><cite>Raising the innovation activity</cite></p>'
        '<p>Ескерту: <span lang="en">the source truncates instead of rounding</span></p>'
        '<img src="c.svg" alt="a chart of the whole region"></body></html>',
        encoding="utf-8")
    (tmp_path / "c.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><text>Boundaries via OpenStreetMap '
        'contributors here</text></svg>', encoding="utf-8")
    runs = page_runs(page)
    assert "the source truncates instead of rounding" in runs      # lang="en" still counts
    assert "a chart of the whole region" in runs                   # alt text counts
    assert "Boundaries via OpenStreetMap contributors here" in runs   # the image's text
    assert not any("Abai" in r or "whole file" in r or "Raising" in r for r in runs)
    assert svg_runs(tmp_path / "missing.svg") == []


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_kazakh_and_russian_pages_have_no_english_runs(bundled_site, lang):
    _, out = bundled_site
    other, _ = split_runs(out, lang)
    assert other == {}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_engines_texts_are_in_the_page_language(bundled_site, lang):
    _, out = bundled_site
    _, engine = split_runs(out, lang)
    assert engine == {}
