"""An error's fix fits the mistake: each kind of pydantic error and of YAML syntax error
gets its own advice, not one "remove or rename unknown keys" for all."""
from pathlib import Path

import pytest

from aimaq.config import load_config
from aimaq.content.structured import GroupsFile
from aimaq.data.load import load_areas
from aimaq.errors import AimaqError, DataError
from aimaq.yamlio import allowed_keys, error_fix

SITE = """title: {kk: Атауы, en: Title}
languages: [kk, en]
editions:
  - id: "2023"
"""


def config_error(tmp_path: Path, text: str) -> AimaqError:
    path = tmp_path / "site.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AimaqError) as err:       # a ConfigError, or a YAML syntax error
        load_config(path)
    return err.value


@pytest.mark.parametrize("text, line, message, fix", [
    # extra_forbidden: a misspelt key
    (SITE + "colour: blue\n", 5, "unknown key 'colour'", "correct its spelling"),
    # missing: a required key left out
    ("languages: [kk]\ntitle: {kk: A}\n", 1, "missing key 'editions'", "add 'editions:'"),
    # list_type: a list written with commas only (what a newcomer types)
    (SITE.replace("[kk, en]", "kk, en"), 2, "'languages'", "one '- item' per line"),
    # int_parsing: a year that is not a number
    (SITE + "    data_year: twenty\n", 5, "'editions[0].data_year'", "whole number"),
    # bool_parsing
    (SITE + "    draft: maybe\n", 5, "'editions[0].draft'", "true or false"),
    # dict_type: a text per language written as plain text
    (SITE.replace("{kk: Атауы, en: Title}", "Title"), 1, "'title'", "'key: value' pairs"),
    # a text missing a site language: its key's line, and the fix names the language
    (SITE.replace(", en: Title", ""), 1, "title has no text for en",
     "add the text in each missing language"),
    # date_format
    (SITE + "    published: 1 March 2024\n", 5, "YYYY-MM-DD", "in quotes (e.g. '2024-03-01')"),
    # greater_than_equal
    (SITE + "footer_pages: -1\n", 5, "'footer_pages'", "larger number"),
    # a default language the site does not have: its line
    (SITE + "default_language: ru\n", 5, "'ru' is not in languages", "listed under 'languages'"),
    # a validator's own message
    (SITE + "base_url: site/\n", 5, "start with '/'", "as the message says"),
])
def test_config_error_fix_fits_the_mistake(tmp_path, text, line, message, fix):
    err = config_error(tmp_path, text)
    assert err.line == line, str(err)
    assert message in err.message, str(err)
    assert fix in err.fix, str(err)
    if "unknown key" not in err.message:
        assert "rename unknown keys" not in err.fix and "spelling" not in err.fix


UNITS = """region: r
areas:
  - {id: r, kind: region, name: {en: Region}}
  - {id: a, kind: unit, type: district, name: {en: A}}
  - {id: b, kind: unit, type: district, name: {en: B}}
"""


def units_error(tmp_path: Path, text: str) -> DataError:
    path = tmp_path / "units.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_areas(path)
    return err.value


def test_uppercase_id_is_told_to_use_lowercase(tmp_path):
    err = units_error(tmp_path, UNITS.replace("id: a,", "id: East,"))
    assert err.line == 4 and "'East' is not a valid id" in err.message
    assert "lowercase letters" in err.fix and "unknown keys" not in err.fix


def test_a_value_outside_its_choices_lists_them(tmp_path):
    err = units_error(tmp_path, UNITS.replace("type: district, name: {en: A}",
                                              "type: village, name: {en: A}"))
    assert err.line == 4 and "'areas[1].type'" in err.message
    assert "'city'" in err.fix and "'district'" in err.fix


def test_text_where_a_number_belongs(tmp_path):
    err = units_error(tmp_path, UNITS.replace("name: {en: B}",
                                              "name: {en: B}, geo: {point: [east, 49]}"))
    assert err.line == 5 and "number" in err.fix


@pytest.mark.parametrize("text, line, fix", [
    ("title: a: b\n", 1, "put the value in quotes"),
    ("title:\n\tkk: A\n", 2, "spaces, not tabs"),
    ("title: 'Title\nlanguages: [kk]\n", 3, "close the quote"),
    ("languages: [kk, en\n", 2, "close the bracket"),
    ("title:\n  kk: A\n en: B\n", 3, "line the keys up"),
    ("title: *x\n", 1, "anchor"),
])
def test_yaml_syntax_error_fix_fits_the_mistake(tmp_path, text, line, fix):
    err = config_error(tmp_path, text)
    assert "not valid YAML" in err.message
    assert err.line == line, str(err)
    assert fix in err.fix, str(err)


def test_an_unknown_key_is_told_the_keys_allowed_where_it_is(tmp_path):
    err = config_error(tmp_path, SITE + "    titel: {en: 2023 edition}\n")
    assert err.line == 5 and "unknown key 'editions[0].titel'" in err.message
    assert err.fix.startswith("did you mean 'title'?")
    assert "the keys allowed here are id, title, data_year" in err.fix
    err = config_error(tmp_path, SITE + "colour: blue\n")
    assert "did you mean" not in err.fix and "base_url" in err.fix


def test_an_unknown_nested_key_in_a_data_file(tmp_path):
    err = units_error(tmp_path, UNITS.replace("name: {en: B}", "name: {en: B}, geo: {shap: B}"))
    assert err.line == 5 and "did you mean 'shape'?" in err.fix
    assert err.fix.endswith("are shape, point")


def test_an_aliased_key_is_listed_as_written(tmp_path):
    assert allowed_keys(GroupsFile, ["groups", "coastal"]) == \
        ["name", "border", "index", "class", "units"]


def test_a_number_where_text_belongs_is_told_to_quote_it(tmp_path):
    err = config_error(tmp_path, SITE.replace("en: Title", "en: 2023"))
    assert err.line == 1 and "'title.en'" in err.message
    assert "put it in quotes" in err.fix


@pytest.mark.parametrize("error, fix", [
    ({"type": "string_pattern_mismatch", "loc": ("id",), "ctx": {"pattern": "^[a-z]+$"}},
     "of the form ^[a-z]+$"),
    ({"type": "literal_error", "loc": ("kind",), "ctx": {"expected": "'unit' or 'region'"}},
     "use one of 'unit' or 'region'"),
    ({"type": "missing", "loc": ("editions", 0, "id")}, "add 'id:' with its value"),
    ({"type": "value_error", "loc": ("x",)}, "as the message says"),
])
def test_error_fix_by_kind(error, fix):
    assert fix in error_fix(error)


def test_several_mistakes_each_get_their_own_fix(tmp_path):
    err = config_error(tmp_path, SITE.replace("[kk, en]", "kk, en") + "base_ur: /\n")
    assert "'languages': Input should be a valid list (line 2)" in err.message
    assert "unknown key 'base_ur' (line 5)" in err.message
    assert err.fix.startswith("for 'languages', write a list")
    assert "; for 'base_ur', did you mean 'base_url'?" in err.fix
