"""The frame of every page (base.html: head, navigation, footer) reads links and words made
once in Python by ``render_page``, not a template call each: a plain content page costs a
handful of calls from the template, whatever the footer lists."""
from __future__ import annotations

import sys
from pathlib import Path

import jinja2.runtime

from aimaq.build import build

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def test_a_plain_page_makes_few_template_calls(tmp_path, monkeypatch):
    from run import _plain_site

    src = tmp_path / "src"
    src.mkdir()
    pages = []
    for i in range(20):                     # more than the footer shows (12)
        pages.append(src / f"u{i:02}.md")
        pages[-1].write_text(f"---\ntitle: Unit {i}\n---\nText of unit {i}.\n")
    root = _plain_site(tmp_path / "aimaq", pages)
    calls: list[str] = []
    real = jinja2.runtime.Context.call

    def counted(self, obj, *args, **kwargs):
        calls.append(getattr(obj, "__name__", repr(obj)))
        return real(self, obj, *args, **kwargs)

    monkeypatch.setattr(jinja2.runtime.Context, "call", counted)
    monkeypatch.setenv("AIMAQ_WORKERS", "1")        # pages rendered in this process
    build(root / "site.yaml", tmp_path / "out")
    html = (tmp_path / "out/2023/en/u03/index.html").read_text()
    # The frame is all there: assets, navigation and footer links, relative to the page.
    for want in ('href="../../../assets/style.css"', 'href="../index.html"',
                 'href="../search/index.html"', 'href="../u00/index.html"',
                 'href="../pages/index.html"', 'src="../../../assets/sort.js"'):
        assert want in html, want
    # 22 pages and the site's own (home, list of pages, search, 404...): 547 calls; the
    # frame's calls (a link and a path each for ~25 links, ~15 words) made it 2,314.
    assert len(calls) < 1000, (len(calls), sorted(set(calls)))
