"""The link check on hand-made pages: what counts as a link, an anchor and a broken one."""
from aimaq.site.links import check_links

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
