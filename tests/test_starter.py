"""``aimaq new``: the starter project builds and passes ``aimaq check`` as it is, from a real
wheel installed into a fresh venv outside the repository, and carries no word of the bundled
region."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aimaq.cli import main
from aimaq.errors import AimaqError
from aimaq.starter import create, parse_languages

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "site.lock"
#: Words only the bundled East Kazakhstan site has (its region, units, source, neighbours).
REGION_WORDS = re.compile(r"East Kazakhstan|Шығыс Қазақстан|Восточно-Казахстан|Oskemen|"
                          r"Өскемен|Semey|Ridder|dissertation|диссертац|geoBoundaries|"
                          r"Borders (Russia|China)|депресси|depressed", re.IGNORECASE)


def test_languages_are_checked():
    assert parse_languages("en, ru") == ["en", "ru"]
    for bad in ("fr", "", "en,en"):
        with pytest.raises(AimaqError):
            parse_languages(bad)


def test_new_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "x.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(AimaqError, match="not empty"):
        create(tmp_path, ["en"])
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_new_writes_only_the_chosen_languages(tmp_path, capsys):
    assert main(["new", str(tmp_path / "site"), "--languages", "en,ru", "--title", "Lakes"]) == 0
    site = tmp_path / "site"
    assert sorted(p.name for p in (site / "content/2024").iterdir() if p.is_dir()) == ["en", "ru"]
    text = (site / "site.yaml").read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["languages"] == ["en", "ru"] and doc["default_language"] == "en"
    assert doc["title"] == {"en": "Lakes", "ru": "Lakes"} and "kk:" not in text
    for name in (".gitignore", ".github/workflows/site.yml", "README.md"):
        assert (site / name).is_file(), name
    assert "aimaq check" in (site / ".github/workflows/site.yml").read_text(encoding="utf-8")
    assert "cd " in capsys.readouterr().out


def test_the_lock_pins_every_dependency():
    """A plain pip install of the checkout from requirements/site.lock must have every
    library Aimaq imports (scipy was missing once)."""
    pinned = {re.split(r"[=\[ ]", line, maxsplit=1)[0].lower().replace("_", "-")
              for line in LOCK.read_text(encoding="utf-8").splitlines()
              if line and not line.startswith((" ", "#", "-"))}
    block = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split(
        "\ndependencies = [", 1)[1].split("\n]", 1)[0]                 # tomllib is 3.11+
    wanted = {re.split(r"[<>=\[ ]", dep, maxsplit=1)[0].lower()
              for dep in re.findall(r'"([^"]+)"', block)}
    assert "jinja2" in wanted and "pyyaml" in wanted
    assert sorted(wanted - pinned) == []


@pytest.mark.slow
@pytest.mark.parametrize("languages", ["en,ru", "kk,ru,en"])
def test_a_wheel_in_a_fresh_venv_makes_builds_and_checks_a_new_site(tmp_path_factory,
                                                                      languages):
    work = wheel_env(tmp_path_factory)
    aimaq = work / "venv/bin/aimaq"
    site = tmp_path_factory.mktemp("new") / "my-region"
    env = clean_env()

    def run(*args: str, cwd: Path = site) -> subprocess.CompletedProcess:
        return subprocess.run([str(aimaq), *args], cwd=cwd, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
    made = run("new", str(site), "--languages", languages, cwd=site.parent)
    assert made.returncode == 0, made.stderr
    checked = run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run("build")
    assert built.returncode == 0, built.stdout + built.stderr
    out = site / "output"
    pages = list(out.rglob("*.html"))
    assert len(pages) > 50
    for lang in languages.split(","):
        assert (out / lang / "index.html").is_file()
    leaks = [f"{p.relative_to(out)}: {m.group(0)}" for p in sorted(out.rglob("*"))
             if p.is_file() and p.suffix in (".html", ".txt", ".csv", ".json", ".svg", ".cff",
                                              ".xml", ".js")
             and p.name != "vega.js"
             for m in [REGION_WORDS.search(p.read_text(encoding="utf-8", errors="replace"))]
             if m]
    assert leaks == []


_ENV: dict[str, Path] = {}


def clean_env() -> dict[str, str]:
    """The environment without this checkout on the path: the venv must stand alone."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def wheel_env(factory) -> Path:
    """A wheel of the checkout, installed into a fresh venv outside the repo (once)."""
    if "dir" in _ENV:
        return _ENV["dir"]
    if not LOCK.is_file():
        pytest.skip("requirements/site.lock is missing")
    work = factory.mktemp("wheel")
    env = clean_env()
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q",
                    "-w", str(work / "dist")], check=True, cwd=work, env=env)
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, env=env)
    pip = str(work / "venv/bin/pip")
    subprocess.run([pip, "install", "-q", "--require-hashes", "-r", str(LOCK)], check=True,
                   cwd=work, env=env)
    wheel = next((work / "dist").glob("aimaq-*.whl"))
    # With its dependencies: pip adds any the lock lacks (test_the_lock_pins_every_dependency
    # tells a stale lock apart).
    subprocess.run([pip, "install", "-q", str(wheel)], check=True, cwd=work, env=env)
    shutil.rmtree(work / "dist")
    _ENV["dir"] = work
    return work
