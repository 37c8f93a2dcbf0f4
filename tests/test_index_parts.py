"""An index page names each part of an index the way the index it comes from names it."""
from pathlib import Path

import pytest

from aimaq.data.load import load_dataset
from aimaq.indices import compute
from aimaq.site.indexview import IndexView

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def view():
    ds = load_dataset(ROOT / "data", "2023", base=ROOT)
    return IndexView(compute(ds), ds), ds


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_parts_of_an_index_input_take_that_index_names(view, lang):
    # The aggregate depressiveness score averages the partial scores x1..x6 (unemployment,
    # death rate, wage, ...); innovation indicators also have categories called x1..x5,
    # whose names must not be shown for them.
    iv, ds = view
    partial = iv.results["depressiveness_partial"].meta
    for inp in partial.inputs:
        expected = inp.name[lang]
        assert iv.part_name("depressiveness_score", inp.id, lang) == expected
        assert iv.part_name("depressiveness_partial", inp.id, lang) == expected
