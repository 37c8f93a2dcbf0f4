from pathlib import Path

import pytest

from aimaq.config import load_config
from aimaq.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "site.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """title: {kk: Атауы, en: Title}
languages: [kk, en]
editions:
  - id: "2023"
"""


def test_bundled_site_config_is_valid(root):
    config = load_config(root / "site.yaml")
    assert config.languages[0] == config.default_language == "kk"
    assert config.edition().id == config.current_edition == "2023"
    assert config.base_url.endswith("/")


def test_good_minimal_config(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.base_url == "/"
    assert config.output_path == (tmp_path / "output").resolve()


def test_unknown_key_names_key_and_line(tmp_path):
    p = write(tmp_path, GOOD + "colour: blue\n")
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.line == 5
    assert "colour" in str(err.value) and "site.yaml:5" in str(err.value)


def test_wrong_type_names_key_and_line(tmp_path):
    p = write(tmp_path, GOOD.replace("languages: [kk, en]", "languages: kk"))
    with pytest.raises(ConfigError) as err:
        load_config(p)
    assert err.value.line == 2 and "languages" in str(err.value)


def test_current_edition_is_the_newest_published(tmp_path):
    config = load_config(write(tmp_path, GOOD + '  - id: "2024"\n  - id: "2025"\n    draft: true\n'))
    assert config.current_edition == "2024"
    assert [config.status(e) for e in ("2023", "2024", "2025")] == ["archived", "current", "draft"]
    assert [e.id for e in config.built_editions()] == ["2023", "2024"]
    assert [e.id for e in config.built_editions(drafts=True)] == ["2023", "2024", "2025"]
    assert config.previous("2024").id == "2023" and config.previous("2023") is None
    assert config.previous("2025", drafts=True).id == "2024"


def test_every_edition_a_draft_is_an_error(tmp_path):
    p = write(tmp_path, GOOD.replace('  - id: "2023"', '  - id: "2023"\n    draft: true'))
    with pytest.raises(ConfigError, match="draft"):
        load_config(p)


def test_erratum_needs_files_or_indices_and_a_date(tmp_path):
    bad = GOOD + ("    errata:\n      - {date: 2024-1-5, what: {en: x}, why: {en: y}, "
                  "files: [data/2023/tables/t.csv]}\n")
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        load_config(write(tmp_path, bad))
    empty = GOOD + '    errata:\n      - {date: "2024-01-05", what: {en: x}, why: {en: y}}\n'
    with pytest.raises(ConfigError, match="files"):
        load_config(write(tmp_path, empty))


def test_title_needs_every_language(tmp_path):
    p = write(tmp_path, GOOD.replace("{kk: Атауы, en: Title}", "{kk: Атауы}"))
    with pytest.raises(ConfigError, match="en"):
        load_config(p)


def test_malformed_yaml_names_line(tmp_path):
    p = write(tmp_path, "title: {kk: a\nlanguages: [kk]\n")
    with pytest.raises(Exception) as err:
        load_config(p)
    assert "site.yaml:" in str(err.value) and "not valid YAML" in str(err.value)


def test_base_url_forms(tmp_path):
    p = write(tmp_path, GOOD + "base_url: /reports/aimaq\n")
    assert load_config(p).base_url == "/reports/aimaq/"
    p = write(tmp_path, GOOD + "base_url: reports\n")
    with pytest.raises(ConfigError, match="base_url"):
        load_config(p)
