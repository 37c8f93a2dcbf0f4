import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


#: Fixtures that build a site or start a browser: a test using one is marked ``slow``, so
#: ``pytest -m "not slow"`` (make test-fast) runs the rest in seconds.
SLOW_FIXTURES = {"mini", "bundled_site", "built", "validator", "charts"}
#: Test modules that are slow as a whole: benchmarks run small builds, serve starts servers,
#: editions build several, the bundled indices take seconds with their sensitivity runs.
SLOW_MODULES = {"test_bench", "test_browser", "test_serve", "test_editions",
                "test_charts_render", "test_indices_2023"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.rpartition(".")[2] if item.module else ""
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


#: Debian's chromium, as the browser tests start it (Playwright cannot download its own here;
#: without the background-networking flags it tries to reach Google's hosts).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for a test module's real-browser tests."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the invented 3-unit fixture site, with its own templates/ over the theme."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def bundled_site(tmp_path_factory) -> tuple[Path, Path]:
    """The bundled site built once per run at a sub-path: (folder served at '/', output)."""
    from aimaq.build import build

    top = tmp_path_factory.mktemp("bundled")
    out = top / "sub" / "path"
    build(ROOT / "site.yaml", out)
    return top, out
