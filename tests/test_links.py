"""The link check on hand-made pages: what counts as a link, an anchor and a broken one."""
from aimaq.site.links import check_graph, check_links, summarize

PAGE = """<!DOCTYPE html><html><head>
<link rel="canonical" href="https://example.org/elsewhere/">
<link rel="alternate" hreflang="en" href="https://example.org/en/">
<link rel="stylesheet" href="../assets/style.css">
<script src="../assets/missing.js"></script></head>
<body><h2 id="top">Top</h2><a name="old-anchor"></a>
<svg><g id="in-svg"></g></svg>
<a href="#top">ok</a> <a href="#old-anchor">ok</a> <a href="#in-svg">ok</a>
<a href="#nowhere">missing anchor</a>
<a href="../b/index.html#sec">ok</a> <a href="../b/index.html#gone">missing anchor</a>
<a href="../b/">folder</a> <a href="mailto:x@example.org">mail</a>
<a href="https://example.org/">outside</a> <img src="../../up.png" alt="">
<a href="../c/index.html?x=1&amp;y=2">missing page</a>
</body></html>"""


def test_links_anchors_and_what_is_broken():
    files = {"a/index.html": PAGE.encode(),
             "b/index.html": b'<html><body><p id="sec">x</p></body></html>',
             "assets/style.css": b""}
    broken = {(b.target, b.reason) for b in check_links(files)}
    assert broken == {
        ("../assets/missing.js", "no such file"),
        ("#nowhere", "no anchor #nowhere"),
        ("../b/index.html#gone", "no anchor #gone"),
        ("https://example.org/", "points outside the site"),
        ("../../up.png", "leaves the site root"),
        ("../c/index.html?x=1&y=2", "no such file"),
    }


def test_root_relative_links_resolve_under_the_site_path():
    files = {"404.html": b'<a href="/sub/b/index.html#sec">ok</a> <a href="/other/">out</a> '
                         b'<a href="/sub/c/">missing</a> <a href="mailto:a@b.kz#x">mail</a>',
             "b/index.html": b'<p id="sec">x</p>'}
    broken = {(b.page, b.target, b.reason) for b in check_links(files, "/sub/")}
    assert broken == {("404.html", "/other/", "not under the site's path /sub/"),
                      ("404.html", "/sub/c/", "no such file")}


def test_an_anchor_on_a_stub_is_looked_up_on_the_page_it_leads_to():
    """A short address (<lang>/…) is a stub leading to the permanent page: a #fragment
    linked through it must exist on that page."""
    stub = b'<meta http-equiv="refresh" content="0; url=../2023/en/index.html"><h1>Home</h1>'
    pages = {"en/index.html": summarize(stub, redirect="../2023/en/index.html"),
             "2023/en/index.html": summarize(b'<h1 id="top">Home</h1><p id="note">x</p>'),
             "2022/en/index.html": summarize(b'<a href="../../en/index.html#note">ok</a> '
                                             b'<a href="../../en/index.html#gone">gone</a>')}
    broken = check_graph(pages, set(pages))
    assert [(b.page, b.target, b.reason) for b in broken] == [
        ("2022/en/index.html", "../../en/index.html#gone", "no anchor #gone")]


def test_links_and_ids_are_read_as_an_html_parser_reads_them():
    html = (b'<!-- <a href="commented.html">x</a> --><a class="x" href="a.html?x=1&amp;y=2" '
            b"id='one'>a</a><img alt=\"a > b\" src='i.svg'><link rel=\"canonical\" "
            b'href="https://example.org/"><abbr href="no.html">x</abbr><a name="old"></a>'
            b'<script src="s.js" defer></script><p data-id="no" id="two">x</p>')
    page = summarize(html)
    assert page.links == ("a.html?x=1&y=2", "i.svg", "s.js")
    assert page.ids == {"one", "two", "old"}


def test_checking_some_pages_again_still_reads_the_anchors_of_all():
    """A build checks the link graph while Pagefind indexes, then checks again only the
    pages with a link found broken (the search page's link into the index): the anchors
    of the other pages still count."""
    pages = {"a.html": summarize(b'<a href="b.html#sec">ok</a> <a href="pagefind/ui.js">x</a>'),
             "b.html": summarize(b'<p id="sec">x</p> <a href="c.html">missing</a>')}
    first = check_graph(pages, {"a.html", "b.html"})
    assert [(b.page, b.target) for b in first] == [("a.html", "pagefind/ui.js"),
                                                   ("b.html", "c.html")]
    again = check_graph(pages, {"a.html", "b.html", "pagefind/ui.js"}, only={"a.html"})
    assert again == []
    assert [b.target for b in check_graph(pages, set(pages), only={"b.html"})] == ["c.html"]


def _resolve_before(folder: str, href: str, base_path: str):
    """The check's resolution before links were parsed once for every page (the
    reference: what a link resolves to must not change)."""
    import posixpath
    from urllib.parse import unquote, urlsplit

    while folder and href.startswith("../") and href[3:4] not in ("", "#", "?", "/"):
        folder, href = posixpath.dirname(folder), href[3:]
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
        path = posixpath.relpath(path[len(base_path):] or ".", folder or ".")
    if not path:
        return "", fragment, None
    target = posixpath.normpath(posixpath.join(folder, path))
    if target.startswith("../") or target == "..":
        return "", fragment, "leaves the site root"
    if path.endswith("/"):
        target = posixpath.join(target, "index.html")
    return target, fragment, None


def test_links_resolve_from_every_folder_as_they_did():
    """Each link is parsed once and resolved on each page by string arithmetic (every
    plain page has a folder of its own): the same answers as the check gave before, for
    links of every shape from folders of every depth."""
    import itertools

    from aimaq.site.links import _folders, _resolve

    names = ["..", ".", "", "a", "index.html", "%2E%2E", "b%20c"]
    paths = {"/".join(p) for n in range(4) for p in itertools.product(names, repeat=n)}
    hrefs = sorted({pre + p + post for p in paths for pre in ("", "/", "/sub/")
                    for post in ("", "/", "#f", "?q", "/#x")})
    hrefs += ["mailto:x@example.org", "https://example.org/", "//host/x", "../../indices/x/",
              "../../../../../up.png", "..//x", "../%2E%2E/x", "./y", "z", "#top", "?q"]
    folders = ["", "top", "en/a", "2023/en/units/u1", "a/b/c/d/e"]
    for base, folder, href in itertools.product(("/", "/sub/"), folders, hrefs):
        assert _resolve(_folders(folder), href, base) == _resolve_before(folder, href, base), \
            (base, folder, href)


def test_links_of_pages_of_a_kind_are_parsed_once():
    """At 2,000 plain pages, each in its own folder, a link shared by the pages is read
    once, not once per page."""
    from aimaq.site.links import PageLinks, _parse

    _parse.cache_clear()
    pages = {f"2023/en/units/u{i}/index.html":
             PageLinks(("../../indices/x/", "../../../assets/a.css"), frozenset())
             for i in range(100)}
    broken = check_graph(pages, {"2023/en/indices/x/index.html", "2023/assets/a.css"})
    assert broken == [] and _parse.cache_info().currsize == 2

def test_a_tag_the_pages_share_is_read_once():
    """Pages share most of their tags (navigation, footer, assets): each distinct tag's
    attributes are read once, and every page still gets all its links and ids."""
    from aimaq.site.links import _tag

    _tag.cache_clear()
    pages = [summarize(PAGE.replace("../c/", f"../c{i}/").encode()) for i in range(50)]
    assert _tag.cache_info().currsize == 16 + 49          # one tag differs per page
    assert all(len(p.links) == len(pages[0].links) == 13 for p in pages)
    assert pages[7].links[-1] == "../c7/index.html?x=1&y=2"
    assert pages[7].ids == frozenset({"top", "old-anchor", "in-svg"})
