"""Relative links: ``urls.relative`` computes them on the paths' parts, and its answers are
those of ``posixpath.relpath`` (from the linking page's folder) on every kind of path."""
from __future__ import annotations

import posixpath
import random

import pytest

from aimaq.site import urls

PARTS = ["en", "kk", "2023", "units", "abai", "index.html", "assets", "style.css", "a", "b",
         "pagefind", "", ".", "..", "x.y", "ü"]


def relpath(from_path: str, to_path: str) -> str:
    """The rule of urls.relative, through posixpath (as it was computed before)."""
    to_path, _, fragment = to_path.partition("#")
    rel = posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")
    if to_path.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def paths(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        path = "/".join(rng.choice(PARTS) for _ in range(rng.randint(1, 6)))
        if rng.random() < 0.1:
            path += "/"
        if rng.random() < 0.1:
            path += "#frag"
        out.append(path)
    return out


CASES = [
    ("2023/en/units/abai/index.html", "2023/en/units/abai/index.html"),
    ("2023/en/units/abai/index.html", "2023/en/units/ayagoz/index.html"),
    ("2023/en/units/abai/index.html", "assets/style.css"),
    ("2023/en/units/abai/index.html", "2023/pagefind/"),
    ("2023/en/units/abai/index.html", "2023/en/index.html#main"),
    ("index.html", "en/index.html"), ("index.html", "index.html"), ("", "a/b"),
    ("en/index.html", "en/"), ("en/index.html", "en"), ("en/x/index.html", "en"),
    ("a//b/./c.html", "a/b/d/e.html"), ("a/b/c.html", "./a/./b//"),
    ("404.html", "assets/x.js"), ("a/b/c.html", "#top"),
]


@pytest.mark.parametrize("from_path, to_path", CASES)
def test_relative_links_are_those_of_relpath(from_path, to_path):
    urls.relative.cache_clear()
    try:
        want = relpath(from_path, to_path)
    except ValueError:              # no path at all ('#top'): an error, as before
        with pytest.raises(ValueError):
            urls.relative(from_path, to_path)
        return
    assert urls.relative(from_path, to_path) == want


def test_relative_links_are_those_of_relpath_on_many_random_paths(tmp_path, monkeypatch):
    # '..' beyond the site root is resolved against the current folder by relpath: the
    # same folder for both (a deep one, as a project's is).
    deep = tmp_path / "p" / "q" / "r" / "s" / "t" / "u" / "v"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    rng = random.Random(20)
    froms, tos = paths(rng, 300), paths(rng, 300)
    urls.relative.cache_clear()
    for a in froms:
        for b in tos[:60]:
            try:
                want = relpath(a, b)
            except ValueError:
                with pytest.raises(ValueError):
                    urls.relative(a, b)
                continue
            assert urls.relative(a, b) == want, (a, b)


def test_plain_site_paths_need_no_relpath(monkeypatch):
    """A site's own paths (no '..', not absolute) are linked by string arithmetic alone:
    posixpath.relpath made every link absolute against the current folder (52,000 calls,
    1.5 s for 2,000 plain pages)."""
    def refuse(*args, **kwargs):
        raise AssertionError("posixpath.relpath called")

    monkeypatch.setattr(urls.posixpath, "relpath", refuse)
    urls.relative.cache_clear()
    assert urls.relative("2023/en/units/abai/index.html", "assets/style.css") == \
        "../../../../assets/style.css"
    assert urls.relative("2023/en/a/index.html", "2023/en/b/index.html#x") == \
        "../b/index.html#x"
    assert urls.relative("index.html", "2023/pagefind/") == "2023/pagefind/"
    assert urls.relative("en/a/index.html", "en/a/") == "./"
