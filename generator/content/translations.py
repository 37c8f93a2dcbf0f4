"""Content pages present in one language and missing in another."""
from __future__ import annotations

from ..errors import Problem
from .load import Page

_REL = {"home": "index.md", "unit": "units/{slug}.md", "page": "pages/{slug}.md"}


def missing_translations(content, config) -> list[Problem]:
    """A content page present in one language and missing in another, named by its file."""
    root = config.content_path / content.edition
    by_key: dict[tuple[str, str], dict[str, Page]] = {}
    for page in content.pages:
        by_key.setdefault((page.kind, page.slug), {})[page.lang] = page
    out = []
    for (kind, slug), langs in by_key.items():
        if kind not in _REL:
            continue
        existing = next(langs[lang] for lang in config.languages if lang in langs)
        for lang in config.languages:
            if lang in langs:
                continue
            expected = root / lang / _REL[kind].format(slug=slug)
            if expected.exists():           # there, but with a mistake reported elsewhere
                continue
            try:
                expected = expected.relative_to(config.root)
            except ValueError:
                pass
            out.append(Problem(str(existing.path), 1,
                               f"this page has no {lang} translation: {expected} is missing",
                               f"write {expected} (a translation of {existing.path})"))
    return out
