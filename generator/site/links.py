"""Check that every internal link and #anchor of the rendered site resolves.

Each page's links and ids are read once, right after it is rendered (:func:`summarize`, in
the worker that rendered it); the check then runs on that link graph before the new site
replaces the output folder, so a broken link fails the build instead of reaching readers.
"""
from __future__ import annotations

import functools
import html as html_lib
import posixpath
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..output import Stored, content


@dataclass(frozen=True)
class BrokenLink:
    page: str
    target: str
    reason: str


@dataclass(frozen=True)
class PageLinks:
    """What the check needs of one page: the links it makes (href and src of a, link,
    script, img, source, iframe; not the canonical and hreflang addresses, which are
    absolute) and the ids a #fragment may name (``id`` anywhere, ``name`` of an ``a``).
    ``redirect``: a stub whose ids are those of the page it sends the reader to."""

    links: tuple[str, ...]
    ids: frozenset[str]
    redirect: str | None = None


#: What ``aimaq serve`` keeps of each page between link checks: {path: (bytes, PageLinks)}.
LinkCache = dict[str, tuple["bytes | Stored", PageLinks]]


# Read by one pass of regular expressions over the page's bytes, right after it is rendered
# (in the worker that rendered it), so no page is parsed again: Jinja and Markdown write
# every attribute quoted, and the test pages below show what counts.
_COMMENT = re.compile(rb"<!--.*?-->", re.S)
_TAG = re.compile(rb"<(a|link|script|img|source|iframe)\b((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)>",
                  re.I)
_ATTR = re.compile(rb"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# An id attribute; it counts inside a tag (the nearest '<' before it opens a tag and no '>'
# comes between), as ``<[a-zA-Z][^>]*?\sid=…`` would say, without trying that pattern at
# every tag of the page (a profile has thousands: table cells, strip ticks).
# (The pattern starts with the literal "id", which the regex engine searches for fast; the
# white space before it is checked by hand.)
_ID = re.compile(rb"""id\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SPACE = frozenset(b" \t\n\r\f\v")


def summarize(html: bytes, redirect: str | None = None) -> PageLinks:
    """The links and ids of one rendered page (``redirect``: see :class:`PageLinks`)."""
    if b"<!--" in html:
        html = _COMMENT.sub(b"", html)
    links: list[str] = []
    ids: set[str] = set()
    for m in _TAG.finditer(html):
        found, name = _tag(m.group(1).lower(), m.group(2))
        links += found
        if name:
            ids.add(name)
    for m in _ID.finditer(html):
        at = m.start() - 1
        if at < 0 or html[at] not in _SPACE:
            continue
        lt = html.rfind(b"<", 0, at)
        if lt < 0 or not html[lt + 1:lt + 2].isalpha() or html.find(b">", lt, at) >= 0:
            continue
        value = m.group(1) if m.group(1) is not None else m.group(2)
        if value:
            ids.add(_text(value))
    return PageLinks(tuple(links), frozenset(ids), redirect)


@functools.lru_cache(maxsize=1 << 16)
def _tag(tag: bytes, attributes: bytes) -> tuple[tuple[str, ...], str | None]:
    """The links of one tag (``tag`` in lower case, its ``attributes`` as written), and
    the id its ``name`` gives (of an ``a``): read once per distinct tag (the pages of a
    site share most of theirs: navigation, footer, assets)."""
    attrs = {a.group(1).lower(): a.group(2) if a.group(2) is not None else a.group(3)
             for a in _ATTR.finditer(attributes)}
    if tag == b"link" and attrs.get(b"rel", b"").lower() in (b"canonical", b"alternate"):
        return (), None
    links = tuple(_text(value) for value in (attrs.get(b"href"), attrs.get(b"src")) if value)
    name = attrs.get(b"name") if tag == b"a" else None
    return links, _text(name) if name else None


def _text(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return html_lib.unescape(text) if "&" in text else text


def _summarize_all(files: Mapping[str, bytes | Stored],
                   cache: LinkCache | None
                   ) -> dict[str, PageLinks]:
    parsed: dict[str, PageLinks] = {}
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        hit = cache.get(path) if cache is not None else None
        if hit is not None and hit[0] == data:
            parsed[path] = hit[1]
        else:
            parsed[path] = summarize(content(data))
    if cache is not None:
        for path, page in parsed.items():
            cache[path] = (files[path], page)
        for path in set(cache) - set(parsed):
            del cache[path]
    return parsed


def check_links(files: Mapping[str, bytes | Stored], base_path: str = "/",
                cache: LinkCache | None = None
                ) -> list[BrokenLink]:
    """Broken internal links of the pages in ``files`` (in memory: ``aimaq serve``, tests);
    ``base_path`` resolves root-relative links (the 404 page).

    ``cache`` ({path: (bytes, PageLinks)}) keeps what was read of each page between calls,
    so a rebuild under ``aimaq serve`` reads only the pages whose bytes changed."""
    return check_graph(_summarize_all(files, cache), files, base_path)


def check_graph(pages: Mapping[str, PageLinks], existing: Container[str],
                base_path: str = "/", only: Container[str] | None = None
                ) -> list[BrokenLink]:
    """Broken links of ``pages`` ({path: PageLinks}, collected while rendering), among the
    ``existing`` files of the site; ``only``: of these pages alone (the others' ids still
    count for #anchors)."""
    broken: list[BrokenLink] = []
    for page, info in sorted(pages.items()):
        if only is not None and page not in only:
            continue
        folders = _folders(posixpath.dirname(page))
        for href in info.links:
            target, fragment, reason = _resolve(folders, href, base_path)
            if target is None:                      # mailto:
                continue
            if reason is None:
                target = target or page
                if target not in existing:
                    reason = "no such file"
                elif fragment and target in pages:
                    ids = _ids(pages, target)
                    if ids is not None and unquote(fragment) not in ids:
                        reason = f"no anchor #{fragment}"
            if reason is not None:
                broken.append(BrokenLink(page, href, reason))
    return broken


def _ids(pages: Mapping[str, PageLinks], path: str) -> frozenset[str] | None:
    """The ids of the page at ``path``, through the redirect stubs that lead on from it."""
    seen = set()
    info = pages.get(path)
    while info is not None and info.redirect is not None and path not in seen:
        seen.add(path)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(path), info.redirect))
        info = pages.get(path)
    return info.ids if info is not None else None


def _folders(folder: str) -> list[str]:
    """``folder`` and the folders above it, from the root: "a/b" → ["", "a", "a/b"]."""
    out = [""]
    if folder:
        at = folder.find("/")
        while at >= 0:
            out.append(folder[:at])
            at = folder.find("/", at + 1)
        out.append(folder)
    return out


def _resolve(folders: list[str], href: str, base_path: str
             ) -> tuple[str | None, str, str | None]:
    """(the target file: "" for the page itself, None for a link not to check (mailto:);
    the #fragment as written; why the link is broken whatever files exist, or None) of
    ``href`` on a page in the folder ``folders[-1]`` (:func:`_folders`).

    What a link says is read once (:func:`_parse`); on each page it is string arithmetic:
    the page's folder less the link's leading steps up, then the rest of the link (each
    page has a folder of its own, so caching by folder and link would barely hit)."""
    target, fragment, reason, up, folder = _parse(href, base_path)
    if up == _SAME or target is None:           # the same answer from every page
        return target, fragment, reason
    if up == _ANY:                              # an unusual path: normalised here
        target = posixpath.normpath(posixpath.join(folders[-1], target))
        if target.startswith("../") or target == "..":
            return "", fragment, "leaves the site root"
    else:
        if up >= len(folders):
            return "", fragment, "leaves the site root"
        base = folders[-1 - up]
        target = (f"{base}/{target}" if target else base) if base else (target or ".")
    if folder:
        target = posixpath.join(target, "index.html")
    return target, fragment, None


_SAME = -1          # _parse: the answer is the same from every page
_ANY = -2           # _parse: a path with ./, ../ or // inside, normalised on each page
_NOT_PLAIN = re.compile(r"(?:^|/)\.{1,2}(?:/|$)|//")


@functools.lru_cache(maxsize=1 << 16)
def _parse(href: str, base_path: str) -> tuple[str | None, str, str | None, int, bool]:
    """What :func:`_resolve` needs of ``href`` whatever the page: (target, fragment,
    reason, up, folder). ``up`` is :data:`_SAME` (target, fragment and reason are the
    answer), :data:`_ANY` (target: the path to join to the page's folder and normalise),
    or how many steps up from the page's folder the path (target: the rest, normalised)
    starts. ``folder``: the link names a folder (its index.html is the file)."""
    parts = urlsplit(href)
    fragment = parts.fragment
    if parts.scheme == "mailto":
        return None, "", None, _SAME, False
    if parts.scheme or parts.netloc:
        return "", fragment, "points outside the site", _SAME, False
    path = unquote(parts.path)
    if path.startswith("/"):
        if not path.startswith(base_path):
            return "", fragment, f"not under the site's path {base_path}", _SAME, False
        # Root-relative: the same file from every page (made relative to the page and
        # normalised, as the check did, it ends in no "/": no index.html is added).
        target = posixpath.normpath(path[len(base_path):] or ".")
        if target.startswith(("../", "/")) or target == "..":    # "//x": above the root
            return "", fragment, "leaves the site root", _SAME, False
        return target, fragment, None, _SAME, False
    if not path:
        return "", fragment, None, _SAME, False
    folder = path.endswith("/")
    up, rest = 0, path
    while rest.startswith("../"):
        up, rest = up + 1, rest[3:]
    if rest == "..":
        up, rest = up + 1, ""
    if rest.startswith("/") or _NOT_PLAIN.search(rest):
        return path.rstrip("/") if folder else path, fragment, None, _ANY, folder
    return rest.rstrip("/"), fragment, None, up, folder
