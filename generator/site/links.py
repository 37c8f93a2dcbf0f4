"""Check that every internal link and #anchor of the rendered site resolves.

Runs on the in-memory files before anything is written, so a broken link fails the build
instead of reaching readers.
"""
from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from ..parallel import fork_map


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str


# What the check reads, in one XPath each, evaluated by libxml2: the HTML parser of the
# standard library takes several times longer than rendering the page did.
_IDS = etree.XPath("//@id | //a/@name")
_LINKS = etree.XPath(
    "//*[self::a or self::link or self::script or self::img or self::source or self::iframe]"
    "[not(self::link and (@rel = 'canonical' or @rel = 'alternate'))]/@*"
    "[name() = 'href' or name() = 'src']")
_PARSER = lxml.html.HTMLParser(encoding="utf-8")


@dataclass(frozen=True)
class _Page:
    links: tuple[str, ...]
    ids: frozenset[str]


def _parse(html: bytes) -> _Page:
    if not html.strip():
        return _Page((), frozenset())
    doc = lxml.html.document_fromstring(html, parser=_PARSER)
    return _Page(tuple(str(v) for v in _LINKS(doc) if v),
                 frozenset(str(v) for v in _IDS(doc) if v))


def _parse_all(files: dict[str, bytes], cache: dict | None) -> dict[str, _Page]:
    parsed: dict[str, _Page] = {}
    todo: list[str] = []
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        hit = cache.get(path) if cache is not None else None
        if hit is not None and hit[0] == data:
            parsed[path] = hit[1]
        else:
            todo.append(path)
    for path, page in zip(todo, fork_map(lambda p: _parse(files[p]), todo)):
        parsed[path] = page
    if cache is not None:
        for path, page in parsed.items():
            cache[path] = (files[path], page)
    if cache is not None:
        for path in set(cache) - set(parsed):
            del cache[path]
    return parsed


def check_links(files: dict[str, bytes], base_path: str = "/",
                cache: dict | None = None) -> list[BrokenLink]:
    """Broken internal links; ``base_path`` resolves root-relative links (the 404 page).

    ``cache`` ({path: (bytes, parsed)}) keeps parsed pages between calls, so a rebuild under
    ``aimaq serve`` re-parses only the pages whose bytes changed."""
    parsed = _parse_all(files, cache)
    broken: list[BrokenLink] = []
    for page, info in sorted(parsed.items()):
        folder = posixpath.dirname(page)
        for href in info.links:
            target, fragment, reason = _resolve(folder, href, base_path)
            if target is None:                      # mailto:
                continue
            if reason is None:
                target = target or page
                if target not in files:
                    reason = "no such file"
                elif (fragment and target in parsed
                      and unquote(fragment) not in parsed[target].ids):
                    reason = f"no anchor #{fragment}"
            if reason is not None:
                broken.append(BrokenLink(page, href, reason))
    return broken


# Pages of one folder share most of their links (navigation, footer, assets): each
# (folder, link) is resolved once.
@functools.lru_cache(maxsize=1 << 16)
def _resolve(folder: str, href: str, base_path: str) -> tuple[str | None, str, str | None]:
    """(the target file: "" for the page itself, None for a link not to check (mailto:);
    the #fragment as written; why the link is broken whatever files exist, or None)."""
    parts = urlsplit(href)
    fragment = parts.fragment
    if parts.scheme == "mailto":
        return None, "", None
    if parts.scheme or parts.netloc:
        return "", fragment, "points outside the site"
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return "", fragment, f"not under the site's path {base_path}"
        # Root-relative: make it relative to the page for the checks below.
        path = posixpath.relpath(path[len(base_path):] or ".", folder or ".")
    if not path:
        return "", fragment, None
    target = posixpath.normpath(posixpath.join(folder, path))
    if target.startswith("../") or target == "..":
        return "", fragment, "leaves the site root"
    if path.endswith("/"):
        target = posixpath.join(target, "index.html")
    return target, fragment, None
