"""Numbered references in prose.

Authors cite a source document in Markdown as ``[@s003, Table 15, lines 1576–1578]``: the
document id of sources.yaml, then where in it, in the page's language. A reader sees a
numbered mark, ``[1]``, linked to the page's list of references (author, year, title, table
or section). The line numbers stay in the Markdown for whoever audits the text; the pages
show them only where the trace is the point (methodology, data and sources pages).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

#: A citation as written: [@doc] or [@doc, where; where…].
CITE = re.compile(r"\[@([A-Za-z0-9_-]+)((?:,|;)[^\[\]]*)?\]")

# Line numbers of the document's text file, as written in kk, ru and en: "1188-жол",
# "4004, 4006-жолдар", "строка 2746", "строки 1330–1331", "line 1188", "lines 4213–4284".
_NUMS = r"\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*"
LINES = re.compile(
    rf"(?:{_NUMS})\s*-\s*жол(?:дар|ы)?"
    rf"|(?:lines?|строк[аи]?|стр\.)\s+(?:{_NUMS})",
    re.IGNORECASE)


def locator(where: str) -> str:
    """What a reader is shown of a place in a document: its table, figure or section,
    without the line numbers of the text file."""
    shown = LINES.sub("", where)
    parts = [p.strip(" ,") for p in shown.split(",")]
    return ", ".join(p for p in parts if p)


@dataclass
class References:
    """The numbered references of one page, in order of first citation."""

    entries: list[tuple[str, str]] = field(default_factory=list)   # (document, locator)

    def number(self, document: str, where: str) -> int:
        key = (document, locator(where))
        if key not in self.entries:
            self.entries.append(key)
        return self.entries.index(key) + 1


def number_citations(html: str, label: str) -> tuple[str, References]:
    """Replace every [@doc, …] of a page's HTML by numbered links to #ref-N; ``label``
    is the accessible word before the number ("дереккөз {n}")."""
    refs = References()

    def mark(m: re.Match) -> str:
        doc = m.group(1)
        places = [p.strip() for p in (m.group(2) or "").lstrip(",;").split(";")] or [""]
        links = []
        for where in places:
            n = refs.number(doc, where)
            links.append(f'<a class="ref" href="#ref-{n}" aria-label="{escape(label.format(n=n))}">'
                         f"[{n}]</a>")
        return "".join(links)

    return CITE.sub(mark, html), refs
