"""aimaq serve: incremental rebuilds touch only what depends on a change, the result equals a
full build, errors keep the server running, and the reload script is served, never written."""
import hashlib
import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from aimaq.build import build
from aimaq.errors import AimaqError
from aimaq.serve import Preview, Session
from aimaq.theme import THEME_DIR

ROOT = Path(__file__).resolve().parents[1]


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def stats(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(root.rglob("*")) if p.is_file()}


def touched(before: dict, after: dict) -> set[str]:
    return {p for p in set(before) | set(after) if before.get(p) != after.get(p)}


def same_as_full_build(session: Session, tmp_path: Path) -> None:
    session.refresh_search()
    full = tmp_path / "full"
    build(session.config_path, full, edition_id=session.edition_id, preview=True)
    assert tree(session.output) == tree(full)


@pytest.fixture
def session(mini, tmp_path):
    s = Session(mini / "site.yaml", tmp_path / "out")
    first = s.build()
    assert first.ok and first.full
    return s


def test_markdown_text_edit_renders_and_writes_only_its_page(session, mini, tmp_path):
    before = stats(session.output)
    md = mini / "content/2023/en/index.md"
    md.write_text(md.read_text() + "\nA sentence added while serving.\n")
    result = session.build([md])
    assert result.ok and not result.full and not result.indices
    assert result.rendered == ["en/index.html"]
    assert result.written == ["en/index.html"]
    assert touched(before, stats(session.output)) == {"en/index.html"}
    assert "A sentence added while serving." in (session.output / "en/index.html").read_text()
    same_as_full_build(session, tmp_path)


def test_unit_narrative_edit_touches_only_that_profile(session, mini, tmp_path):
    before = stats(session.output)
    md = mini / "content/2023/kk/units/alpha.md"
    md.write_text(md.read_text().replace("Альфа қаласы туралы.", "Альфа туралы жаңа мәтін."))
    result = session.build([md])
    assert result.rendered == ["kk/units/alpha/index.html"]
    assert touched(before, stats(session.output)) == {"kk/units/alpha/index.html"}
    same_as_full_build(session, tmp_path)


def test_front_matter_edit_renders_the_pages_of_its_language(session, mini, tmp_path):
    before = stats(session.output)
    md = mini / "content/2023/en/pages/about.md"
    md.write_text(md.read_text().replace("title: About", "title: About the site"))
    result = session.build([md])
    # Every English page lists the page's title in its footer; no Kazakh page changes.
    assert result.rendered and all(p.startswith("en/") for p in result.rendered)
    changed = touched(before, stats(session.output))
    assert "en/about/index.html" in changed and "en/units/beta/index.html" in changed
    assert not [p for p in changed if p.startswith("kk/")]
    same_as_full_build(session, tmp_path)


def test_new_and_removed_page(session, mini, tmp_path):
    new = mini / "content/2023/kk/pages/about.md"
    new.parent.mkdir(parents=True)
    new.write_text("---\ntitle: Сайт туралы\n---\nМәтін.\n")
    result = session.build([new])
    assert result.ok and "kk/about/index.html" in result.written
    # The English page gets a language switch to its new translation.
    assert "en/about/index.html" in result.written
    same_as_full_build(session, tmp_path)
    new.unlink()
    result = session.build([new])
    assert result.ok and "kk/about/index.html" in result.removed
    assert not (session.output / "kk/about/index.html").exists()
    same_as_full_build(session, tmp_path / "again")


def test_csv_edit_renders_the_pages_that_show_the_table(session, mini, tmp_path):
    csv = mini / "data/2023/tables/t1_firms.csv"
    table = str(csv.resolve())
    showing = {s.path for s in session.state.specs if s.inputs is None or table in s.inputs}
    before = stats(session.output)
    csv.write_text(csv.read_text().replace("gamma,firms,2020,10,,14,",
                                           "gamma,firms,2020,10,,14,note on the count"))
    result = session.build([csv])
    assert result.ok and not result.full
    assert set(result.rendered) == showing
    assert "en/about/index.html" not in showing and "kk/glossary/index.html" not in showing
    assert "kk/units/gamma/index.html" in showing
    written = touched(before, stats(session.output))
    assert written == set(result.written)
    assert "kk/units/gamma/index.html" in written
    assert "downloads/2023/tables/t1_firms.csv" in written
    assert not [p for p in written if p.endswith(".html") and p not in showing]
    same_as_full_build(session, tmp_path)


def test_csv_reload_checks_the_languages_of_the_data_as_a_full_build_does(session, mini):
    """The incremental reload of a table re-reads the edition's YAML too: a text keyed by
    a language code that does not exist is an error there as in a full build."""
    units = mini / "data/2023/units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "name: {kk: Бета, en: Beta}", "name: {kk: Бета, en: Beta, kks: Бета}"),
        encoding="utf-8")
    csv = mini / "data/2023/tables/t1_firms.csv"
    csv.write_text(csv.read_text().replace("gamma,firms,2020,10,,14,",
                                           "gamma,firms,2020,10,,14,note"))
    result = session.build([csv])
    assert not result.ok and "'kks'" in result.error.message
    assert str(result.error.file).endswith("units.yaml")


def test_template_edit_rebuilds_everything_but_writes_only_changed_files(session, mini,
                                                                          tmp_path):
    before = stats(session.output)
    tpl = mini / "templates/page.html"                 # the project's override of the theme's
    tpl.write_text((THEME_DIR / "page.html").read_text().replace('<div class="prose">', '<div class="prose page">'))
    result = session.build([tpl])
    assert result.ok and result.full
    assert touched(before, stats(session.output)) == {"en/about/index.html"}
    same_as_full_build(session, tmp_path)


def test_a_mistake_keeps_the_last_site_and_the_fix_builds_the_pending_change(session, mini,
                                                                               tmp_path):
    before = tree(session.output)
    csv = mini / "data/2023/tables/t1_firms.csv"
    good = csv.read_text()
    md = mini / "content/2023/en/index.md"
    md.write_text(md.read_text() + "\nPending text.\n")
    csv.write_text(good.replace("beta,firms,2020,20,", "beta,firms,2020,2O,"))
    result = session.build([md, csv])
    assert not result.ok
    assert "t1_firms.csv:8" in str(result.error) and "'2O' is not a number" in str(result.error)
    assert tree(session.output) == before
    csv.write_text(good)
    result = session.build([csv])                       # the md change is still pending
    assert result.ok
    assert "Pending text." in (session.output / "en/index.html").read_text()
    same_as_full_build(session, tmp_path)


def test_unrelated_file_changes_nothing(session, mini):
    before = stats(session.output)
    readme = mini / "data/2023/README.md"
    readme.write_text("notes\n")
    result = session.build([readme, mini / "README.md"])
    assert result.ok and not result.rendered and not result.written
    assert stats(session.output) == before


def test_indices_are_recomputed_only_for_tables_the_engine_reads(tmp_path):
    project = tmp_path / "site"
    for name in ("data", "templates"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "site.yaml", project / "site.yaml")
    # The bundled data and methodology with only the home texts (other pages may link to
    # each other, which this test does not need).
    content = project / "content/2023"
    for f in (ROOT / "content/2023").rglob("*"):
        rel = f.relative_to(ROOT / "content/2023")
        if f.is_file() and (f.suffix == ".yaml" or rel.name == "index.md"):
            (content / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(f, content / rel)
    s = Session(project / "site.yaml", tmp_path / "out")
    assert s.build().ok
    assert "t45_innovation_indices" in s.state.index_tables
    assert "t13_unemployment_wages" not in s.state.index_tables
    index_page = "en/indices/integral_innovation_index/index.html"

    csv = project / "data/2023/tables/t13_unemployment_wages.csv"
    lines = csv.read_text().splitlines()
    lines[1] = lines[1].rstrip(",") + ",edited note" if lines[1].endswith(",") else lines[1]
    csv.write_text("\n".join(lines) + "\n")
    result = s.build([csv])
    assert result.ok and not result.indices and index_page not in result.rendered

    md = project / "content/2023/ru/index.md"
    md.write_text(md.read_text() + "\nНовый абзац.\n")
    result = s.build([md])
    assert result.ok and result.rendered == ["ru/index.html"]


# -- the server -----------------------------------------------------------------------


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read()


@pytest.fixture
def preview(mini, tmp_path):
    p = Preview(mini / "site.yaml", port=0, output=tmp_path / "out")
    p.start()
    yield p
    p.close()


def test_server_injects_the_reload_script_only_when_serving(preview):
    status, ctype, body = get(preview.url + "en/index.html")
    assert status == 200 and "text/html" in ctype
    assert b'<script src="/__aimaq/reload.js" defer></script>' in body
    on_disk = (preview.output / "en/index.html").read_bytes()
    assert b"__aimaq" not in on_disk
    assert not [p for p in preview.output.rglob("*") if "__aimaq" in p.as_posix()]
    status, ctype, script = get(preview.url.rstrip("/") + "/__aimaq/reload.js")
    assert status == 200 and "javascript" in ctype and b"/__aimaq/status" in script
    status, _, body = get(preview.url.rstrip("/") + "/__aimaq/status")
    assert json.loads(body) == {"version": 1, "error": None}
    status, _, body = get(preview.url + "en/no-such-page/")
    assert status == 404


def test_server_rebuilds_on_change_and_shows_errors(preview, mini):
    md = mini / "content/2023/en/index.md"
    md.write_text(md.read_text() + "\nServed change.\n")
    result = preview.poll()
    assert result is not None and result.ok and result.written == ["en/index.html"]
    status, _, body = get(preview.url.rstrip("/") + "/__aimaq/status")
    assert json.loads(body) == {"version": 2, "error": None}
    assert b"Served change." in get(preview.url + "en/index.html")[2]

    md.write_text("---\ntitle: Mini\nsubtitle: nope\n---\nText\n")
    result = preview.poll()
    assert result is not None and not result.ok
    status = json.loads(get(preview.url.rstrip("/") + "/__aimaq/status")[2])
    assert status["version"] == 3 and "content/2023/en/index.md:3" in status["error"]
    # The last good page is still served (the script shows the error on top of it) ...
    code, _, body = get(preview.url + "en/index.html")
    assert code == 200 and b"Served change." in body
    # ... and a page that does not exist shows the error itself, escaped.
    code, _, body = get(preview.url + "en/missing/index.html")
    assert code == 500 and b"subtitle" in body and b"aimaq-overlay" in body

    md.write_text("---\ntitle: Mini\n---\nFixed <script>alert(1)</script>.\n")
    result = preview.poll()
    assert result is not None and result.ok
    status = json.loads(get(preview.url.rstrip("/") + "/__aimaq/status")[2])
    assert status == {"version": 4, "error": None}
    assert preview.poll() is None                       # nothing changed since


def test_a_template_bug_is_reported_and_the_next_save_recovers(session, mini, tmp_path):
    tpl = mini / "templates/page.html"                 # the project's override of the theme's
    good = (THEME_DIR / "page.html").read_text()
    tpl.write_text(good.replace("{{ page.title }}", "{{ page.title + 1 }}", 1))
    result = session.build([tpl])
    assert not result.ok and "unexpected TypeError" in str(result.error)
    tpl.write_text(good)
    assert session.build([tpl]).ok
    same_as_full_build(session, tmp_path)


def test_serve_never_touches_the_output_folder(mini, tmp_path):
    """A preview holds one edition at the site root: it goes to .cache/serve/, so output/
    keeps the complete build that may be published."""
    build(mini / "site.yaml")
    output = mini / "output"
    before_bytes, before_stats = tree(output), stats(output)
    session = Session(mini / "site.yaml")
    assert session.output == (mini / ".cache/serve").resolve()
    assert session.build().ok
    md = mini / "content/2023/en/index.md"
    md.write_text(md.read_text() + "\nA sentence added while serving.\n")
    assert session.build([md]).ok
    session.refresh_search()
    assert "A sentence added while serving." in (session.output / "en/index.html").read_text()
    assert tree(output) == before_bytes and stats(output) == before_stats


def test_serve_refuses_the_output_folder_as_its_folder(mini):
    with pytest.raises(AimaqError, match="does not write to the site's output folder"):
        Session(mini / "site.yaml", mini / "output")


def test_an_edited_boundary_file_is_read_again(session, mini):
    """A unit's polygon renamed in the boundary file and in units.yaml: the preview
    rebuilds with the new names, not the ones read at its start."""
    geo = mini / "data/2023/geo"
    geo.mkdir()

    def boundaries(name: str) -> None:
        square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
        (geo / "mini.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"shapeName": name},
             "geometry": {"type": "Polygon", "coordinates": square}}]}), encoding="utf-8")

    units = mini / "data/2023/units.yaml"
    boundaries("Beta")
    units.write_text(units.read_text(encoding="utf-8").replace(
        "name: {kk: Бета, en: Beta}", "name: {kk: Бета, en: Beta}\n    geo: {shape: Beta}"),
        encoding="utf-8")
    assert session.build([units, geo / "mini.geojson"]).ok
    boundaries("Beta district")
    units.write_text(units.read_text(encoding="utf-8").replace(
        "shape: Beta}", "shape: Beta district}"), encoding="utf-8")
    result = session.build([units, geo / "mini.geojson"])
    assert result.ok, result.error
