"""Runs of English words in a built page: what a Kazakh or Russian reader would meet.

A run is four or more consecutive words written in Latin letters, in the page's visible
text and in the words a screen reader or a tooltip shows (alt, title, aria-label,
placeholder), and in the text of the pre-drawn chart images the page shows. Text inside
``translate="no"`` (proper names and titles of sources in their own language), ``code``,
``cite``, ``script`` and ``style`` is left out: it is meant to stay as written.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from lxml import etree, html

#: Four or more words of Latin letters in a row; a word may end in digits (codes such as
#: X1 or R5 read as Latin too); numbers, other signs and other scripts end a run.
WORD = r"[A-Za-z][A-Za-z0-9'’]*"
RUN = re.compile(rf"(?:\b{WORD}\b[\s,.:;()\"“”«»/&+·–—-]*){{4,}}")
SKIP = {"script", "style", "code", "cite", "template", "noscript"}
ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
MATH_SYMBOLS = {"mi", "mn", "mo", "msub", "msup", "mrow", "mfrac", "math", "msubsup",
                "munderover", "munder", "mover", "msqrt", "mroot", "mstyle", "mspace"}


def _kept(el, exclude=None) -> bool:
    """Whether the element's own text counts: not inside a skipped tag or translate="no";
    in a formula (MathML) only its words (``mtext``), not its one-letter symbols."""
    if isinstance(el.tag, str) and el.tag.lower() in MATH_SYMBOLS:
        return False
    while el is not None:
        if not isinstance(el.tag, str):
            return False
        if el.tag.lower() in SKIP or el.get("translate") == "no":
            return False
        if exclude is not None and exclude(el):
            return False
        el = el.getparent()
    return True


def runs_in_text(text: str) -> list[str]:
    out = []
    for m in RUN.finditer(text):
        words = re.findall(WORD, m.group(0))
        if len(words) >= 4:
            out.append(" ".join(words))
    return out


def _visible_text(root, exclude=None) -> list[str]:
    pieces = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        kept = _kept(el, exclude)
        if kept and el.text:
            pieces.append(el.text)
        parent = el.getparent()
        if el.tail and parent is not None and _kept(parent, exclude):
            pieces.append(el.tail)
        if kept:                            # each attribute is a text of its own
            for a in ATTRIBUTES:
                if el.get(a):
                    pieces += ["\n", el.get(a), "\n"]
        if isinstance(el.tag, str) and el.tag.lower() in {"p", "li", "td", "th", "div",
                                                           "h1", "h2", "h3", "h4", "dt",
                                                           "dd", "figcaption", "br",
                                                           "section", "tr", "summary",
                                                           "option", "title", "text"}:
            pieces.append("\n")
    # Block boundaries end a run; inline elements (a, span, em) do not.
    return "".join(" " + p if p != "\n" else "\n" for p in pieces).split("\n")


def svg_runs(path: Path) -> list[str]:
    """Runs in the text of one SVG image (every <text> counts, it is drawn)."""
    try:
        root = etree.parse(str(path))
    except (OSError, etree.XMLSyntaxError):
        return []
    out = []
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        if el.get("translate") == "no":
            continue
        out += runs_in_text(" ".join(el.itertext()))
    return out


def page_runs(path: Path, exclude=None) -> list[str]:
    """Every English run of one built HTML page and of the chart images it shows;
    ``exclude(element)``: leave out elements (and what they hold) for which it is true."""
    root = html.fromstring(path.read_bytes())
    out = []
    for line in _visible_text(root, exclude):
        out += runs_in_text(line)
    for img in root.iter("img"):
        if not _kept(img, exclude):
            continue
        src = img.get("src") or ""
        if src.endswith(".svg") and not src.startswith(("http:", "https:", "data:")):
            out += svg_runs((path.parent / unquote(src)).resolve())
    return out


def site_runs(out: Path, lang: str) -> dict[str, list[str]]:
    """``{page: runs}`` for every page of one language that has any."""
    found = {}
    # The short addresses (<lang>/…, stubs) and the pages they lead to (<edition>/<lang>/…).
    pages = [*(out / lang).rglob("*.html"), *out.glob(f"*/{lang}/**/*.html")]
    for page in sorted(pages):
        runs = page_runs(page)
        if runs:
            found[page.relative_to(out).as_posix()] = runs
    return found
