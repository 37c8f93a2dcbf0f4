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


def _parse(html: bytes) -> _Collector:
    c = _Collector()
    c.feed(html.decode("utf-8"))
    return c


def check_links(files: dict[str, bytes]) -> list[BrokenLink]:
    parsed = {p: _parse(b) for p, b in files.items() if p.endswith(".html")}
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
