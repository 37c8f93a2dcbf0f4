"""Check that every internal link and #anchor of the rendered site resolves.

Runs on the in-memory files before anything is written, so a broken link fails the build
instead of reaching readers.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        if d.get("id"):
            self.ids.add(d["id"])
        if tag == "a" and d.get("name"):
            self.ids.add(d["name"])
        for attr in ("href", "src"):
            if tag in ("a", "link", "script", "img", "source", "iframe") and d.get(attr):
                if tag == "link" and d.get("rel") in ("canonical", "alternate"):
                    continue
                self.links.append(d[attr])


@dataclass(frozen=True)
class _Page:
    links: tuple[str, ...]
    ids: frozenset[str]


def _parse(html: bytes) -> _Page:
    c = _Collector()
    c.feed(html.decode("utf-8"))
    return _Page(tuple(c.links), frozenset(c.ids))


def _parse_all(files: dict[str, bytes], cache: dict | None) -> dict[str, _Page]:
    from ..parallel import fork_map

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
        for href in info.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                if parts.scheme in ("mailto",):
                    continue
                broken.append(BrokenLink(page, href, "points outside the site"))
                continue
            path = unquote(parts.path)
            if path.startswith("/"):
                if not path.startswith(base_path):
                    broken.append(BrokenLink(page, href, f"not under the site's path {base_path}"))
                    continue
                # Root-relative: make it relative to the page for the checks below.
                path = posixpath.relpath(path[len(base_path):] or ".",
                                         posixpath.dirname(page) or ".")
            if path:
                target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
                if target.startswith("../") or target == "..":
                    broken.append(BrokenLink(page, href, "leaves the site root"))
                    continue
                if path.endswith("/"):
                    target = posixpath.join(target, "index.html")
            else:
                target = page
            if target not in files:
                broken.append(BrokenLink(page, href, "no such file"))
                continue
            if parts.fragment and target in parsed:
                if unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(BrokenLink(page, href, f"no anchor #{parts.fragment}"))
    return broken
