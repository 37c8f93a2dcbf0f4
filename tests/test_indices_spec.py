"""Invalid methodology files are errors that name the file, the line and a fix."""
from __future__ import annotations

import textwrap

import pytest

from aimaq.errors import AimaqError, MethodologyError
from aimaq.indices.api import load_methodology
from indices_helpers import line_of, make_dataset

DS = make_dataset({"a": {"u1": 1, "u2": 2, "reg": 3}, "b": {"u1": 2, "u2": 1, "reg": 3}},
                  categories={})

GOOD = """\
indices:
  - id: one
    name: {en: One}
    inputs:
      - {id: a, indicator: a}
      - {id: b, indicator: b}
    steps:
      - normalise: {method: minmax}
      - aggregate: {method: arithmetic, weights: {a: 0.5, b: 0.5}}
      - rank
"""


def _load(tmp_path, text):
    p = tmp_path / "methodology.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_methodology(p, DS)


def _error(tmp_path, text, needle, match):
    with pytest.raises(AimaqError) as e:
        _load(tmp_path, text)
    err = e.value
    assert isinstance(err, MethodologyError)
    assert str(err.file).endswith("methodology.yaml")
    assert err.line == line_of(text, needle), (err.line, str(err))
    assert match in str(err), str(err)
    assert err.fix
    return err


def test_good_file_loads(tmp_path):
    m = _load(tmp_path, GOOD)
    assert list(m.indices) == ["one"]


def test_unknown_key(tmp_path):
    _error(tmp_path, GOOD.replace("    name: {en: One}", "    name: {en: One}\n    colour: red"),
           "colour", "unknown key")


def test_unknown_indicator(tmp_path):
    _error(tmp_path, GOOD.replace("indicator: b}", "indicator: bb}"), "indicator: bb",
           "unknown indicator 'bb'")


def test_unknown_method(tmp_path):
    _error(tmp_path, GOOD.replace("method: minmax", "method: zscroe"), "zscroe", "minmax")


def test_weights_not_summing_to_one(tmp_path):
    _error(tmp_path, GOOD.replace("b: 0.5}", "b: 0.6}"), "weights", "sum to 1.1")


def test_input_weights_not_summing_to_one(tmp_path):
    text = GOOD.replace("{id: a, indicator: a}", "{id: a, indicator: a, weight: 0.3}") \
               .replace("{id: b, indicator: b}", "{id: b, indicator: b, weight: 0.3}") \
               .replace(", weights: {a: 0.5, b: 0.5}", "")
    _error(tmp_path, text, "weight: 0.3}", "sum to 0.6")


def test_two_kinds_in_one_step(tmp_path):
    text = GOOD.replace("      - rank\n", "      - {rank: {}, normalise: {method: minmax}}\n")
    _error(tmp_path, text, "{rank: {}", "exactly one")


def test_window_outside_the_data(tmp_path):
    text = GOOD.replace("{method: minmax}", "{method: window_mean, window: [2010, 2012]}")
    _error(tmp_path, text, "window_mean", "outside the data")


def test_window_required(tmp_path):
    _error(tmp_path, GOOD.replace("{method: minmax}", "{method: window_mean}"),
           "window_mean", "normalise.window")


def test_unknown_index_and_cycle(tmp_path):
    text = GOOD + """  - id: two
    name: {en: Two}
    inputs: [{index: three}]
    steps: [rank]
  - id: three
    name: {en: Three}
    inputs: [{index: two}]
    steps: [rank]
"""
    err = _error(tmp_path, text, "inputs: [{index: three}]", "cycle")
    assert "two → three → two" in str(err)
    _error(tmp_path, text.replace("{index: two}", "{index: tow}"), "{index: tow}",
           "unknown index 'tow'")


def test_unknown_table_and_category(tmp_path):
    _error(tmp_path, GOOD.replace("indicator: b}", "indicator: b, table: t7}"), "t7",
           "unknown table")
    _error(tmp_path, GOOD.replace("indicator: b}", "indicator: b, category: x}"), "category: x",
           "no category 'x'")


def test_duplicate_index_id(tmp_path):
    text = GOOD + GOOD.split("indices:\n", 1)[1]
    with pytest.raises(MethodologyError) as e:
        _load(tmp_path, text)
    assert "used twice" in str(e.value) and e.value.line == 11


def test_malformed_yaml_names_the_line(tmp_path):
    text = GOOD.replace("    steps:", "    steps: [", 1)
    with pytest.raises(MethodologyError) as e:
        _load(tmp_path, text)
    assert "not valid YAML" in str(e.value) and e.value.line is not None


def test_unknown_area_and_class_indicator(tmp_path):
    _error(tmp_path, GOOD.replace("    inputs:", "    areas: [units, atlantis]\n    inputs:"),
           "atlantis", "unknown area")
    _error(tmp_path, GOOD.replace("      - rank\n",
                                  "      - classify: {method: given, indicator: a}\n"),
           "method: given", "holds numbers")


def test_missing_methodology_file(tmp_path):
    with pytest.raises(MethodologyError, match="no methodology file"):
        load_methodology(tmp_path / "nope.yaml", DS)


@pytest.mark.parametrize("old,new,needle,match", [
    # a classify key the method does not use
    ("      - rank\n", "      - rank\n      - classify: {method: kmeans, classes: [lo, hi], "
     "breaks: [0.5]}\n", "breaks", "does not use breaks"),
    # 'parts' of a denominate by pairs is not used
    ("      - normalise: {method: minmax}\n", "      - denominate: {by: {a: b}, parts: [a]}\n",
     "denominate", "'parts' does not apply"),
    # input weights no aggregate reads
    ("{id: a, indicator: a}", "{id: a, indicator: a, weight: 0.5}", "weight: 0.5",
     "'weight' is not used"),
])
def test_keys_that_would_be_ignored_are_errors(tmp_path, old, new, needle, match):
    _error(tmp_path, GOOD.replace(old, new), needle, match)


def test_ordering_check_takes_no_rounding(tmp_path):
    text = GOOD + """    audit:
      - check: ordering
        decimals: 2
"""
    _error(tmp_path, text, "decimals: 2", "does not apply")


def test_an_unused_key_in_block_style_points_at_its_own_line(tmp_path):
    text = GOOD.replace("      - aggregate: {method: arithmetic, weights: {a: 0.5, b: 0.5}}\n",
                        "      - aggregate:\n          method: arithmetic\n"
                        "          weights: equal\n          epsilon: 0.001\n")
    err = _error(tmp_path, text, "epsilon", "'epsilon' is not used")
    assert "(key 'epsilon')" in str(err)
