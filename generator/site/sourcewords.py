"""The words of a source reference in the page's language.

Section labels in content (recommendations.yaml: "3.2, Table 32, Fig. 24; Conclusion 1")
are written once, with English abbreviations; a page shows them with its own words
("3.2, 32-кесте, 24-сурет; Қорытынды 1"), a numbered table or figure in the language's
word order. Titles quoted from a source stay as printed.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from ..formatting import numbered

_NUMBER = r"(\d+(?:\.\d+)*[a-z]?(?:\s*[–-]\s*\d+(?:\.\d+)*[a-z]?)?)"
#: "Table 32", "Figs. 16–17" → key of its templates (table_n / tables_n in strings.yaml).
NUMBERED = [(re.compile(r"\bFigs?\.\s*" + _NUMBER), "figure"),
            (re.compile(r"\bTables?\s+" + _NUMBER), "table")]

#: English word of a section label → key of templates/strings.yaml.
WORDS = [(re.compile(r"\bFigs?\.\s*"), "figure"), (re.compile(r"\bTables?\b\s*"), "table"),
         (re.compile(r"\bConclusion\b\s*"), "conclusion"),
         (re.compile(r"\bIntroduction\b"), "introduction")]


def section_label(label: str, t: Callable[[str], str]) -> str:
    """``label`` with its English words replaced by ``t(key)`` of the page's language."""
    for pattern, key in NUMBERED:
        one, several = t(f"{key}_n"), t(f"{key}s_n")

        def with_number(m: re.Match[str], one: str = one, several: str = several) -> str:
            return numbered(one, several, m.group(1))

        label = pattern.sub(with_number, label)
    for pattern, key in WORDS:
        word = t(key)

        def replaced(m: re.Match[str], word: str = word) -> str:
            return word + (" " if m.group(0)[-1:].isspace() or m.group(0).endswith(".")
                           else "")

        label = pattern.sub(replaced, label)
    return label


#: How a printed figure number starts ("Fig. 16–17", "Сурет 4", "Рис. 2").
_FIGURE = re.compile(r"(?i)\b(figs?|сурет|рис)\.?\s*")


def table_label(number: str, t: Callable[[str], str], other: str) -> str:
    """A source table's printed number in the page's language, ``t(key)`` giving its
    words: "Fig. 16–17" → "16–17-суреттер", "15" → "15-кесте", "text" → "мәтін";
    ``other`` for a number of no known kind."""
    if number.lower().startswith(("fig", "сур", "рис")):
        return numbered(t("figure_n"), t("figures_n"), _FIGURE.sub("", number))
    if number[:1].isdigit():
        return numbered(t("table_n"), t("tables_n"), number)
    if number.lower() == "text":
        return t("in_text")
    return other
