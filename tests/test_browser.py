"""Real-browser smoke test: Playwright driving Debian's chromium against the built pages.

Every page type loads over HTTP on localhost with no console error and no request leaving
the site. The browser is required: in CI a missing chromium fails the suite, it never skips.
"""
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from generator.build import build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Build the bundled site and serve it on 127.0.0.1 at a sub-path."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("browser") / "site"
    build(root / "site.yaml", out / "sub" / "path")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))

    class Quiet(handler.func):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sub/path/", out / "sub" / "path"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def visit(browser, url: str, base: str):
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
    response = page.goto(url)
    assert response is not None and response.ok, url
    return page, errors, outside


PAGES = ["kk/index.html", "ru/index.html", "en/index.html", "kk/units/index.html",
         "kk/units/oskemen/index.html", "ru/units/urzhar/index.html", "en/units/altai/index.html"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly(served, browser, path):
    base, _ = served
    page, errors, outside = visit(browser, base + path, base)
    assert errors == []
    assert outside == []
    assert page.locator("h1").count() == 1
    page.close()


def test_root_redirects_to_kazakh(served, browser):
    base, _ = served
    page, errors, outside = visit(browser, base + "index.html", base)
    page.wait_for_url("**/kk/index.html")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "kk"
    assert page.locator("h1").count() == 1
    assert errors == [] and outside == []
    page.close()


def test_language_switch_lands_on_same_page(served, browser):
    base, _ = served
    page, _, _ = visit(browser, base + "kk/units/zaisan/index.html", base)
    page.click("nav.lang-switch a[hreflang=ru]")
    page.wait_for_url("**/ru/units/zaisan/index.html")
    assert page.locator("html").get_attribute("lang") == "ru"
    page.close()


def test_home_screenshot_artifact(served, browser):
    base, _ = served
    artifacts = Path(__file__).resolve().parents[1] / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    for name, path in (("home-kk", "kk/index.html"), ("profile-kk", "kk/units/semey/index.html")):
        page, _, _ = visit(browser, base + path, base)
        page.set_viewport_size({"width": 1200, "height": 900})
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=False)
        page.close()
    assert (artifacts / "home-kk.png").stat().st_size > 1000
