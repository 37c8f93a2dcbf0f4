"""Dataset.units / unit_ids: asked for per figure on every page, so kept per areas dict."""
from __future__ import annotations

from aimaq.data.model import Area
from indices_helpers import make_dataset


class _CountingAreas(dict):
    walks = 0

    def values(self):
        type(self).walks += 1
        return super().values()


def test_the_units_are_read_once_and_each_caller_gets_its_own_list():
    ds = make_dataset({"x": {f"u{i}": float(i) for i in range(5)}})
    ds.areas = _CountingAreas(ds.areas)
    first = ds.unit_ids()
    assert first == ["u0", "u1", "u2", "u3", "u4"]
    first.append("mine")
    for _ in range(100):
        assert ds.unit_ids() == ["u0", "u1", "u2", "u3", "u4"]
        assert [a.id for a in ds.units] == ["u0", "u1", "u2", "u3", "u4"]
    assert _CountingAreas.walks <= 2          # not once per call (units x units)
    # A new area is seen.
    ds.areas["u5"] = Area("u5", "unit", {"en": "U5"})
    assert ds.unit_ids()[-1] == "u5"
