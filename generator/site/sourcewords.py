"""The words of a source reference in the page's language.

Section labels in content (recommendations.yaml: "3.2, Table 32, Fig. 24; Conclusion 1")
are written once, with English abbreviations; a page shows them with its own words
("3.2, Кесте 32, Сурет 24; Қорытынды 1"). Titles quoted from a source stay as printed.
"""
from __future__ import annotations

import re
from collections.abc import Callable

#: English word of a section label → key of templates/strings.yaml.
WORDS = [(re.compile(r"\bFigs?\.\s*"), "figure"), (re.compile(r"\bTables?\b\s*"), "table"),
         (re.compile(r"\bConclusion\b\s*"), "conclusion"),
         (re.compile(r"\bIntroduction\b"), "introduction")]


def section_label(label: str, t: Callable[[str], str]) -> str:
    """``label`` with its English words replaced by ``t(key)`` of the page's language."""
    for pattern, key in WORDS:
        word = t(key)

        def replaced(m: re.Match[str], word: str = word) -> str:
            return word + (" " if m.group(0)[-1:].isspace() or m.group(0).endswith(".")
                           else "")

        label = pattern.sub(replaced, label)
    return label
