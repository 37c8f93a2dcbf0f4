"""Safe output: script in a CSV cell or in Markdown comes out inert, the CSP allows only the
site's own scripts (no eval), and no id or file name can write outside output/."""
from html.parser import HTMLParser
from pathlib import Path

import pytest

from aimaq.build import build
from aimaq.errors import AimaqError
from aimaq.output import MARKER, OutputPathError, check_path, exchange, sync_site, write_site

PROBE = ('<script>alert("xss")</script><img src=x onerror=alert(2)>'
         '<a href="javascript:alert(3)">j</a>')
MD_PROBE = """
<script>alert("md")</script>

<img src="../index.html" onerror="alert(1)">
<svg onload="alert(1)"><circle r="1"/></svg>
<iframe src="javascript:alert(1)"></iframe>
<a href="javascript:alert(1)" onclick="alert(1)">raw link</a>
<p style="background:url(javascript:alert(1))" onmouseover="alert(1)">styled</p>

[markdown link](javascript:alert(1)) and [data link](data:text/html;base64,PHNjcmlwdD4=)
"""


class Audit(HTMLParser):
    """Everything in a page that could run script."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}>")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value and \
                    value.strip().lower().startswith(("javascript:", "data:text", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value}>")
            if name == "style":
                self.problems.append(f"<{tag} style>")
        if tag in ("iframe", "object", "embed", "svg", "base"):
            self.problems.append(f"<{tag}>")
        if tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp.append(a.get("content", ""))
        if tag == "script":
            self._script = a

    def handle_data(self, data):
        # Only JSON data islands may have content; they never run.
        if (self._script is not None and data.strip()
                and self._script.get("type") != "application/json"):
            self.problems.append(f"inline <script>: {data[:40]!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def audit(html: str) -> Audit:
    a = Audit()
    a.feed(html)
    return a


def all_pages(out: Path):
    for page in sorted(out.rglob("*.html")):
        if "pagefind" not in page.parts:
            yield page, page.read_text(encoding="utf-8")


def test_script_in_a_csv_note_is_inert(mini):
    csv = mini / "data/2023/tables/t1_firms.csv"
    cell = '"' + PROBE.replace('"', '""') + '"'
    csv.write_text(csv.read_text().replace("beta,firms,2020,20,,13,",
                                           f"beta,firms,2020,20,,13,{cell}"))
    build(mini / "site.yaml")
    page = (mini / "output/2023/en/units/beta/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page    # shown as text
    for path, html in all_pages(mini / "output"):
        assert audit(html).problems == [], path


def test_script_and_handlers_in_markdown_are_removed(mini):
    page = mini / "content/2023/en/index.md"
    page.write_text(page.read_text() + MD_PROBE)
    build(mini / "site.yaml")
    html = (mini / "output/2023/en/index.html").read_text(encoding="utf-8")
    assert "raw link" in html and "markdown link" in html and "styled" in html
    assert "alert" not in html
    for path, html in all_pages(mini / "output"):
        assert audit(html).problems == [], path


def test_csp_allows_only_the_sites_own_scripts_and_styles(mini):
    build(mini / "site.yaml")
    for path, html in all_pages(mini / "output"):
        csp = audit(html).csp
        assert len(csp) == 1, path
        directives = dict(d.strip().split(" ", 1) for d in csp[0].split(";") if d.strip())
        assert "'unsafe-eval'" not in csp[0] and "'unsafe-inline'" not in csp[0], path
        assert directives["default-src"] == "'self'"
        assert directives["script-src"].split()[0] == "'self'"
        assert set(directives["script-src"].split()) <= {"'self'", "'wasm-unsafe-eval'"}
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"


@pytest.mark.parametrize("bad", ["../evil", "a/../../b", "/etc/passwd", "C:/x", "a\\b",
                                 "", "a//b", "./a", "a/./b", "a/", ".."])
def test_paths_outside_the_output_folder_are_refused(bad):
    with pytest.raises(OutputPathError, match="refusing to write"):
        check_path(bad)


def test_writers_refuse_a_crafted_path_and_write_nothing(tmp_path):
    out = tmp_path / "site" / "output"
    crafted = {"index.html": b"ok", "../../escaped.html": b"no"}
    with pytest.raises(OutputPathError) as err:
        write_site(crafted, out)
    assert "../../escaped.html" in str(err.value) and "Fix:" in str(err.value)
    assert not out.exists() and not (tmp_path / "escaped.html").exists()
    assert not (tmp_path / "site").exists()              # refused before any folder is made
    with pytest.raises(OutputPathError):
        sync_site(crafted, out)
    assert not (tmp_path / "escaped.html").exists()


def test_a_crafted_unit_id_is_rejected_with_file_and_line(mini):
    units = mini / "data/2023/units.yaml"
    units.write_text(units.read_text().replace("- id: beta", "- id: ../../beta"))
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    message = str(err.value)
    assert "units.yaml:" in message and "'../../beta' is not a valid id" in message
    assert not (mini / "output").exists()


def test_a_crafted_table_id_is_rejected(mini):
    sources = mini / "data/2023/sources.yaml"
    sources.write_text(sources.read_text().replace("- id: t2_dynamics", "- id: ../t2"))
    with pytest.raises(AimaqError, match="is not a valid id"):
        build(mini / "site.yaml")


def test_a_crafted_edition_id_is_rejected(mini):
    cfg = mini / "site.yaml"
    cfg.write_text(cfg.read_text().replace('- id: "2023"', '- id: "../2023"'))
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    assert "site.yaml:" in str(err.value)


def test_a_content_file_name_cannot_become_a_path(mini):
    (mini / "content/2023/en/pages/...md").write_text("---\ntitle: Dots\n---\nx\n")
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml")
    assert "content/2023/en/pages/...md:1" in str(err.value)
    assert "not a valid page file name" in str(err.value)


# -- the output folder is Aimaq's alone ------------------------------------------------

def _project_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize("out", [".", "..", "data", "data/2023/x", "content", "templates"])
def test_an_output_folder_holding_or_inside_the_project_is_refused(mini, out):
    before = _project_files(mini.parent)
    with pytest.raises(AimaqError) as err:
        build(mini / "site.yaml", mini / out)
    assert "refusing to build into" in str(err.value) and "Fix:" in str(err.value)
    assert _project_files(mini.parent) == before


def test_output_dir_dotdot_in_site_yaml_is_refused(mini):
    cfg = mini / "site.yaml"
    cfg.write_text(cfg.read_text() + "\noutput_dir: ..\n")
    before = _project_files(mini.parent)
    with pytest.raises(AimaqError, match="contains the project folder"):
        build(cfg)
    assert _project_files(mini.parent) == before


def test_a_folder_of_the_users_own_files_is_not_replaced(mini, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_bytes(b"precious")
    with pytest.raises(AimaqError, match="no Aimaq build wrote"):
        build(mini / "site.yaml", mine)
    assert (mine / "thesis.docx").read_bytes() == b"precious"
    empty = tmp_path / "empty"
    empty.mkdir()
    build(mini / "site.yaml", empty)          # an empty folder is fine, and marked
    assert (empty / MARKER).is_file()
    build(mini / "site.yaml", empty, drafts=True)   # and the next build may replace it


def test_the_swap_leaves_no_staging_and_clears_what_a_killed_build_left(tmp_path):
    out = tmp_path / "output"
    (tmp_path / ".output.new-abc123").mkdir()      # left by a killed build of an old version
    (tmp_path / ".output.staging").mkdir()
    (tmp_path / ".output.staging" / "half.html").write_bytes(b"<")
    write_site({"index.html": b"one"}, out)
    write_site({"index.html": b"two", "a/b.html": b"b"}, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]
    assert (out / "index.html").read_bytes() == b"two" and (out / "a/b.html").is_file()


def test_the_swap_is_one_exchange_where_the_system_has_it(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not exchange(a, b):
        pytest.skip("no renameat2 exchange on this system")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"
