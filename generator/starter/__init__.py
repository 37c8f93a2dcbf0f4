"""``aimaq new DIR``: a neutral starter project that builds and passes ``aimaq check`` at once.

The example lives in ``project/`` beside this module (an invented region of five square
units, a few indicators over three years, one composite index with a classification, one
data check, content in kk, ru and en); :func:`create` copies it, keeps the content of the
chosen languages only, and writes the files that depend on the choices: site.yaml, the
README of the new project, its .gitignore and its CI workflow.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import AimaqError

PROJECT = Path(__file__).resolve().parent / "project"
#: The languages the default theme has interface words for.
LANGUAGES = ("kk", "ru", "en")
EDITION = "2024"
TITLES = {"kk": "Үлгі өңір: статистика", "ru": "Примерный регион: статистика",
          "en": "Example region: statistics"}
DESCRIPTIONS = {"kk": "Аумақтардың көрсеткіштері, индекстері және ұсыныстары.",
                "ru": "Показатели, индексы и рекомендации по территориям.",
                "en": "Indicators, indices and recommendations for the units of a region."}
EDITION_TITLES = {"kk": "2024 жылғы басылым", "ru": "Выпуск 2024 года", "en": "2024 edition"}

GITIGNORE = """\
# Built by `aimaq build`; published by CI, not committed.
output/
# Aimaq's cache of computed results and chart images.
.cache/
__pycache__/
.venv/
"""

WORKFLOW = """\
# Checks the site on every push and pull request; publishes main to GitHub Pages.
# In the repository's Settings → Pages, choose "GitHub Actions" as the source.
name: site
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
  pages: write
  id-token: write
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install Aimaq
        # Pin the Aimaq you built this site with, e.g. git+https://…/aimaq@v1.0
        run: pip install "${AIMAQ_PACKAGE:-aimaq}"
        env:
          AIMAQ_PACKAGE: ${{ vars.AIMAQ_PACKAGE }}
      - name: Check
        run: aimaq check
      - name: Build
        run: aimaq build
      - uses: actions/upload-pages-artifact@v3
        with:
          path: output
  deploy:
    if: github.event_name == 'push'
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

README = """\
# {title}

A statistics site made with Aimaq (`aimaq new`). Everything in it is an
**invented example** (the region, its five units and every number): replace it with your
region's data, step by step, and run `aimaq check` after each step.

| What | Where |
|---|---|
| Site title, languages, editions | `site.yaml` |
| Units (districts, cities) and their map shapes | `data/{edition}/units.yaml`, `data/{edition}/geo/*.geojson` |
| Indicators and their measures | `data/{edition}/indicators.yaml` |
| The numbers, one row per unit, indicator and year | `data/{edition}/tables/*.csv` |
| Where each number comes from | `data/{edition}/sources.yaml` |
| Checks of the tables (sums, ratios) | `data/{edition}/checks.yaml` |
| Indices and how they are computed | `data/{edition}/methodology.yaml` |
| Texts per language | `content/{edition}/<lang>/` |
| Charts, key figures, glossary, groups, recommendations | `content/{edition}/*.yaml` |
| Your own interface words and theme files (override Aimaq's, key by key, file by file) | `templates/` |

Every index family and class needs a label in `templates/strings.yaml`
(`family_<id>`, `class_<id>`); `aimaq check` names any that is missing.

## Work on it

    aimaq check          # validate everything; writes nothing
    aimaq serve          # preview on http://127.0.0.1:8000, rebuilt on every save
    aimaq build          # the complete site in output/

## Publish

Push to GitHub: `.github/workflows/site.yml` runs `aimaq check` and `aimaq build` and
publishes `output/` to GitHub Pages (Settings → Pages → Source: GitHub Actions). Any static
host works too: upload the contents of `output/`.
"""


@dataclass(frozen=True)
class Created:
    root: Path
    languages: list[str]
    files: list[Path]


def parse_languages(text: str) -> list[str]:
    """``kk,ru,en`` as a list, checked against the languages the theme speaks."""
    langs = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in langs if x not in LANGUAGES]
    if not langs or unknown:
        raise AimaqError(f"unsupported language(s): {', '.join(unknown) or '(none given)'}",
                         None, None, f"choose from {', '.join(LANGUAGES)}, e.g. "
                         "--languages kk,ru,en")
    if len(set(langs)) != len(langs):
        raise AimaqError("a language is listed twice", None, None,
                         "list each language once, e.g. --languages en,ru")
    return langs


def site_yaml(languages: list[str], title: str | None) -> str:
    doc = {
        "title": {lang: title or TITLES[lang] for lang in languages},
        "description": {lang: DESCRIPTIONS[lang] for lang in languages},
        "languages": languages,
        "default_language": languages[0],
        "base_url": "/",
        "editions": [{"id": EDITION,
                      "title": {lang: EDITION_TITLES[lang] for lang in languages},
                      "data_year": 2023}],
    }
    head = ("# The site: its title and description per language, its languages (the first is\n"
            "# the default) and its editions, oldest first. See Aimaq's docs for every key.\n")
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def create(dest: Path | str, languages: list[str], title: str | None = None) -> Created:
    """Write the starter project into ``dest`` (a new or empty folder)."""
    root = Path(dest)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise AimaqError(f"{root} already exists and is not empty", root, None,
                         "choose a new folder name, e.g. aimaq new my-region")
    root.mkdir(parents=True, exist_ok=True)
    skip = {lang for lang in LANGUAGES if lang not in languages}

    def ignore(folder: str, names: list[str]) -> set[str]:
        # the content folders of languages the site does not have
        if Path(folder).name == EDITION and Path(folder).parent.name == "content":
            return {n for n in names if n in skip}
        return {n for n in names if n == "__pycache__"}

    shutil.copytree(PROJECT, root, ignore=ignore, dirs_exist_ok=True)
    shown = title or TITLES[languages[0]]
    extra = {
        "site.yaml": site_yaml(languages, title),
        ".gitignore": GITIGNORE,
        ".github/workflows/site.yml": WORKFLOW,
        "README.md": README.format(title=shown, edition=EDITION),
    }
    for name, text in extra.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    return Created(root, languages, files)
