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


def test_links_of_pages_of_a_kind_are_resolved_once_and_alike():
    """A unit's profile is alone in its folder: its ``../../x/`` links are resolved once
    from the profiles' common folder (at 2,000 units the check resolved each link once per
    profile), and every link resolves as it did from the page's own folder."""
    from aimaq.site.links import PageLinks, _resolve, _upward

    hrefs = ["../../indices/x/", "../../indices/x/index.html#top", "../", "../#a", "../?q",
             "../../../../../up.png", "..//x", "../../units/u1/", "../u2/index.html",
             "../../../", "../%2E%2E/x", "./y", "z"]
    for folder in ("2023/en/units/u1", "en/a", "top", ""):
        for href in hrefs:
            assert _resolve(*_upward(folder, href), "/") == _resolve(folder, href, "/"), \
                (folder, href)
    _resolve.cache_clear()
    pages = {f"2023/en/units/u{i}/index.html":
             PageLinks(("../../indices/x/", "../../../assets/a.css"), frozenset())
             for i in range(100)}
    broken = check_graph(pages, {"2023/en/indices/x/index.html", "2023/assets/a.css"})
    assert broken == [] and _resolve.cache_info().currsize == 2
