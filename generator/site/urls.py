"""The URL scheme and relative links.

Pages live at stable, pretty paths (``<edition>/<lang>/units/<unit>/index.html``, the
edition's permalink). The current edition also answers at the short address
``<lang>/units/<unit>/index.html``: a stub page (generator.site.render.stub_page) with a
meta refresh to the permalink, a canonical link naming it, a script that keeps the
#fragment, and a visible link in the page's language. Each page is thus rendered, stored
and indexed for search once, and the short address still works from file:// and tells
search engines where the page is; a prefix rewrite of the rendered bytes would have kept
two full copies of every page (twice the bytes written and indexed, two copies for search
engines to choose between) for no gain to readers. Every internal link is written relative
to the page that contains it and ends in ``index.html``, so the same files work opened
from disk (file://), at a domain root and under any sub-path. Only the canonical,
hreflang and sitemap addresses are absolute, built from ``base_url``.
"""
from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass


def home(lang: str) -> str:
    return f"{lang}/index.html"


def unit(lang: str, unit_id: str) -> str:
    return f"{lang}/units/{unit_id}/index.html"


def region(lang: str) -> str:
    return f"{lang}/region/index.html"


def units(lang: str) -> str:
    return f"{lang}/units/index.html"


def index(lang: str, index_id: str) -> str:
    return f"{lang}/indices/{index_id}/index.html"


def indices(lang: str) -> str:
    return f"{lang}/indices/index.html"


def page(lang: str, slug: str) -> str:
    return f"{lang}/{slug}/index.html"


@functools.lru_cache(maxsize=1 << 14)
def _parts(path: str) -> tuple[str, ...] | None:
    """The folders and name of a site-relative path, normalised as posixpath.normpath
    would ('a//./b/' is a, b); None for a path that is absolute or climbs ('..'): those
    depend on the current folder and are left to posixpath."""
    if path.startswith("/"):
        return None
    parts = tuple(p for p in path.split("/") if p and p != ".")
    return None if ".." in parts else parts


# A site's pages are each in their own folder, so whole links rarely repeat across pages,
# but a page links to the same targets over and over (navigation, footer, charts) and
# pages of one folder share their links: the answers are kept.
@functools.lru_cache(maxsize=1 << 16)
def relative(from_path: str, to_path: str) -> str:
    """Link from the page at ``from_path`` to ``to_path`` (both relative to the site root).

    The same answer as ``posixpath.relpath(to_path, dirname(from_path))`` (tested on many
    paths), computed on the paths' parts: relpath makes both absolute against the current
    folder and normalises them, for every link of every page."""
    to_path, _, fragment = to_path.partition("#")
    here = None if from_path.startswith("/") else _parts(from_path.rpartition("/")[0])
    there = _parts(to_path)
    if here is None or there is None or not to_path:
        rel = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    else:
        common = 0
        for a, b in zip(here, there):
            if a != b:
                break
            common += 1
        rel = "/".join(("..",) * (len(here) - common) + there[common:]) or "."
    if to_path.endswith("/") and not rel.endswith("/"):
        rel += "/"          # a folder stays a folder (Pagefind's bundle path)
    return rel + (f"#{fragment}" if fragment else "")


def absolute(base_url: str, path: str) -> str:
    """Public address of ``path``: 'index.html' is dropped for pretty URLs."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return base_url.rstrip("/") + "/" + path


def base_path(base_url: str) -> str:
    """The path part of base_url ('/' or '/reports/aimaq/')."""
    from urllib.parse import urlsplit

    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def rooted(base_url: str, path: str) -> str:
    """A link from the server root, for pages served at unknown addresses (404)."""
    return base_path(base_url) + path


def is_absolute(base_url: str) -> bool:
    return base_url.startswith(("http://", "https://"))


@dataclass(frozen=True)
class Paths:
    """The page paths of one tree of the site: an edition's permalinks (``prefix`` =
    '2023/') or the current edition's short addresses (``prefix`` = ''). Templates get it
    as ``urls``; the module's path-independent functions are reachable through it too."""

    prefix: str = ""
    permalink_prefix: str = ""      # where the same pages live for good

    def home(self, lang: str) -> str:
        return self.prefix + home(lang)

    def unit(self, lang: str, unit_id: str) -> str:
        return self.prefix + unit(lang, unit_id)

    def region(self, lang: str) -> str:
        return self.prefix + region(lang)

    def units(self, lang: str) -> str:
        return self.prefix + units(lang)

    def index(self, lang: str, index_id: str) -> str:
        return self.prefix + index(lang, index_id)

    def indices(self, lang: str) -> str:
        return self.prefix + indices(lang)

    def page(self, lang: str, slug: str) -> str:
        return self.prefix + page(lang, slug)

    @property
    def permanent(self) -> bool:
        """The tree is at its permanent addresses (an edition's permalinks, or the one
        edition at the site root): its pages are rendered, not stubs, and indexed."""
        return self.prefix == self.permalink_prefix

    @property
    def at_root(self) -> bool:
        """One edition alone at the site root, as ``aimaq serve`` shows it."""
        return not self.prefix and not self.permalink_prefix

    def permalink(self, path: str) -> str:
        """The permanent path of a page of this tree."""
        if self.prefix and path.startswith(self.prefix):
            path = path[len(self.prefix):]
        return self.permalink_prefix + path

    def chrome(self, lang: str) -> tuple[tuple[str, str], ...]:
        """(name, path) of every page and asset the frame of a page (base.html: head,
        navigation, footer) links to, in ``lang``: a page's template reads them as links
        made once in Python (``nav``), not a template call each."""
        return _chrome(self, lang)

    relative = staticmethod(relative)
    absolute = staticmethod(absolute)
    base_path = staticmethod(base_path)
    rooted = staticmethod(rooted)
    is_absolute = staticmethod(is_absolute)


@functools.lru_cache(maxsize=64)
def _chrome(paths: Paths, lang: str) -> tuple[tuple[str, str], ...]:
    return (("favicon", "assets/favicon.svg"), ("style", "assets/style.css"),
            ("charts_css", "assets/charts/charts.css"),
            ("charts_on_demand", "assets/charts-on-demand.js"),
            ("vega", "assets/charts/vega.js"), ("charts_js", "assets/charts/charts.js"),
            ("sort", "assets/sort.js"), ("home", paths.home(lang)),
            ("units", paths.units(lang)), ("indices", paths.indices(lang)),
            *((slug, paths.page(lang, slug)) for slug in (
                "recommendations", "search", "compare", "data", "glossary", "pages",
                "changes")))
