"""``output.write_file``: a page lands under the staging folder, never outside it through a
symbolic link, and a folder is resolved, confined and created once however many files it
holds (a site has thousands of pages, each in its own folder, and far fewer folders than
files)."""
from __future__ import annotations

from pathlib import Path

import pytest

from aimaq import output
from aimaq.output import OutputPathError, write_file


def test_files_are_written_where_their_path_says(tmp_path):
    root = tmp_path / "stage"
    root.mkdir()
    folders: dict[str, Path] = {}
    for rel in ("index.html", "a/index.html", "a/b/c/index.html", "a/b/x.css"):
        stored = write_file(root, rel, rel.encode(), folders)
        assert stored.path == root / rel and (root / rel).read_bytes() == rel.encode()


def test_a_link_leading_outside_is_refused(tmp_path):
    root, outside = tmp_path / "stage", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "away").symlink_to(outside)
    (root / "file.html").symlink_to(outside / "f.html")
    for rel in ("away/index.html", "away/deeper/index.html", "file.html"):
        with pytest.raises(OutputPathError, match="outside the output folder"):
            write_file(root, rel, b"x", {})
    assert not list(outside.iterdir())


def test_a_link_inside_the_folder_is_followed(tmp_path):
    root = tmp_path / "stage"
    (root / "real").mkdir(parents=True)
    (root / "alias").symlink_to(root / "real")
    stored = write_file(root, "alias/x/index.html", b"x", {})
    assert stored.path == root / "real/x/index.html"
    assert (root / "real/x/index.html").read_bytes() == b"x"


def test_a_folder_is_resolved_and_made_once(tmp_path, monkeypatch):
    root = tmp_path / "stage"
    (root / "en").mkdir(parents=True)       # so each folder is one mkdir call
    made, resolved = [], []
    mkdir, resolve = Path.mkdir, Path.resolve
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: (made.append(self),
                                                              mkdir(self, *a, **k))[1])
    monkeypatch.setattr(Path, "resolve", lambda self, *a, **k: (resolved.append(self),
                                                                resolve(self, *a, **k))[1])
    folders: dict[str, Path] = {}
    for i in range(20):
        write_file(root, f"en/p/f{i}.html", b"x", folders)
        write_file(root, f"en/q{i}/index.html", b"x", folders)
    assert len(made) == 21                  # en/p once, and each en/q<i>
    assert not resolved                     # no link on the way: nothing to resolve
    assert output._target(root, "en/p/f3.html", folders) == root / "en/p/f3.html"


def test_the_files_written_at_the_swap_make_each_folder_once(tmp_path, monkeypatch):
    """The files not written while rendering (assets, search index, downloads) are
    written at the swap: one mkdir per folder, not one per file."""
    made = []
    mkdir = Path.mkdir
    monkeypatch.setattr(Path, "mkdir", lambda self, *a, **k: (made.append(self),
                                                              mkdir(self, *a, **k))[1])
    files = {f"assets/f{i}.css": b"x" for i in range(10)}
    files |= {f"en/p{i}/index.html": b"y" for i in range(5)}
    output.write_site(files, tmp_path / "out")
    staged = sorted(p.name for p in made if p.parent.parent.parent == tmp_path.parent
                    or p.parent.name == "en")               # the site's folders
    # each once (en/p0 twice: its first try finds no en/ and makes it)
    assert staged == sorted(["assets", "en", "p0"] + [f"p{i}" for i in range(5)])
    assert (tmp_path / "out/en/p3/index.html").read_bytes() == b"y"
