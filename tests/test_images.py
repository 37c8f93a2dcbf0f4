"""Chart images drawn by vl-convert (generator.images): the same chart gives the same
bytes whichever process drew it and whatever it drew before."""
from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from aimaq import images

FONT = "DejaVu Sans"
#: A continuous colour legend: vega draws it with a numbered gradient.
GRADIENT = json.dumps({
    "data": {"values": [{"x": 1, "c": 1}, {"x": 2, "c": 5}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"},
                 "color": {"field": "c", "type": "quantitative"}}})
OTHER = json.dumps({
    "data": {"values": [{"x": 1, "c": 3}, {"x": 4, "c": 2}]},
    "mark": "rect",
    "encoding": {"y": {"field": "x", "type": "ordinal"},
                 "color": {"field": "c", "type": "quantitative"}}})


def test_a_chart_drawn_after_others_is_byte_identical():
    first = images.draw(GRADIENT, None, {}, FONT)
    images.draw(OTHER, None, {}, FONT)          # vega's id counters move on
    again = images.draw(GRADIENT, None, {}, FONT)
    assert 'id="gradient_0"' in first and "url(#gradient_0)" in first
    assert again == first


def test_ids_are_renumbered_in_order_with_their_references():
    svg = ('<svg><defs><linearGradient id="gradient_7"/><clipPath id="clip12"/>'
           '<linearGradient id="gradient_3"/></defs><path fill="url(#gradient_3)"/>'
           '<g clip-path="url(#clip12)"><rect fill="url(#gradient_7)"/></g>'
           '<text>gradient_7 clip12</text></svg>')
    assert images.renumber_ids(svg) == (
        '<svg><defs><linearGradient id="gradient_0"/><clipPath id="clip0"/>'
        '<linearGradient id="gradient_1"/></defs><path fill="url(#gradient_1)"/>'
        '<g clip-path="url(#clip0)"><rect fill="url(#gradient_0)"/></g>'
        '<text>gradient_7 clip12</text></svg>')
    assert images.renumber_ids('<svg><g id="gradient_0"/></svg>') == \
        '<svg><g id="gradient_0"/></svg>'


def _modules() -> set[str]:
    import sys
    return set(sys.modules)


def test_image_workers_import_vl_convert_alone():
    """A worker is ready in a fraction of a second: not pandas, Altair or the package."""
    with images.pool(2) as pool:
        assert pool is not None and images.current() is pool
        modules = pool.executor.submit(_modules).result()
        svg = pool.submit(GRADIENT, None, {}, FONT, None).result()
    assert images.current() is None
    assert svg is not None and svg.decode("utf-8") == images.draw(GRADIENT, None, {}, FONT)
    assert "vl_convert" in modules
    assert not {"pandas", "altair", "scipy", "aimaq.charts"} & modules


def test_a_forked_page_renderer_waits_for_the_file_or_the_failure(tmp_path, monkeypatch):
    """A page rendered in a forked child waits for the image's file; a failed drawing
    (noted beside the file) or gone workers end the wait with an error, not a hang."""
    from concurrent.futures import Future

    import pytest

    from aimaq.charts import render as R

    monkeypatch.setattr(R, "_OWNER", -1)                # as in a forked child
    monkeypatch.setattr(R._CACHE, "directory", tmp_path)
    monkeypatch.setattr(R, "_PENDING", {"ab1": Future(), "cd2": Future()})
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "ab1").write_text("<svg/>")
    R._await("ab1")                                     # drawn: returns at once
    (tmp_path / "cd").mkdir()
    images.write_atomic(images.failed_path(tmp_path / "cd" / "cd2"), b"bad spec")
    with pytest.raises(RuntimeError, match="bad spec"):
        R._await("cd2")
    images.failed_path(tmp_path / "cd" / "cd2").unlink()
    with pytest.raises(RuntimeError, match="workers stopped"):
        R._await("cd2")                                 # no pool left to draw it


def test_image_workers_wait_for_the_first_image_when_not_eager():
    """A rebuild whose images are all cached starts no image worker (build.py)."""
    import multiprocessing
    before = set(multiprocessing.active_children())
    with images.pool(2, eager=False) as pool:
        assert pool is not None and not pool.started
        assert set(multiprocessing.active_children()) == before
        svg = pool.submit(GRADIENT, None, {}, FONT, None).result()
        assert pool.started
        # one process fewer than the cores: the build's own works alongside
        assert len(set(multiprocessing.active_children()) - before) == 1
    assert svg is not None and svg.decode("utf-8") == images.draw(GRADIENT, None, {}, FONT)
    with images.pool(2, eager=False) as pool:            # never asked: nothing to end
        assert pool is not None and not pool.started
    assert set(multiprocessing.active_children()) == before


#: Texts in every style the charts use (bold, oblique), Kazakh letters and signs.
TEXTS = json.dumps({
    "data": {"values": [{"t": "Өскемен қаласы", "w": "bold", "s": "normal"},
                        {"t": "Ridder − 12,5 %", "w": "normal", "s": "italic"},
                        {"t": "Зыряновский район", "w": "bold", "s": "italic"},
                        {"t": "Glubokoe district", "w": "normal", "s": "normal"}]},
    "mark": {"type": "text", "align": "left"},
    "encoding": {"y": {"field": "t", "type": "nominal"}, "text": {"field": "t"},
                 "fontWeight": {"field": "w", "type": "nominal", "scale": None},
                 "fontStyle": {"field": "s", "type": "nominal", "scale": None}}})


def _own_fonts_draw(spec: str, font: str) -> tuple[bool, str]:
    loaded = images.own_fonts()
    return loaded, images.draw(spec, None, {}, font)


def _spawned(fn, *args):
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as ex:
        return ex.submit(fn, *args).result()


def test_the_package_fonts_measure_text_as_the_systems_dejavu_sans():
    """An image worker measures text with the package's DejaVu Sans (smaller files, less
    system time per measurement): the same SVG bytes as Debian's files give."""
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-BoldOblique.ttf").is_file():
        pytest.skip("the system's DejaVu Sans is needed to compare with")
    fonts = sorted(p.name for p in Path(str(images.FONTS)).glob("*.ttf"))
    assert fonts == ["DejaVuSans-Bold.ttf", "DejaVuSans-BoldOblique.ttf",
                     "DejaVuSans-Oblique.ttf", "DejaVuSans.ttf"]
    loaded, svg = _spawned(_own_fonts_draw, TEXTS, FONT)
    assert loaded
    assert svg == images.draw(TEXTS, None, {}, FONT)


def test_an_image_worker_knows_the_package_fonts_alone():
    """Not the machine's: a family only the system has is not found in a worker."""
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf").is_file():
        pytest.skip("needs a system font the package does not have")
    _, serif = _spawned(_own_fonts_draw, TEXTS, "DejaVu Serif")
    assert serif != images.draw(TEXTS, None, {}, "DejaVu Serif")
    with images.pool(2) as pool:
        assert pool is not None
        drawn = pool.submit(TEXTS, None, {}, "DejaVu Serif", None).result()
    assert drawn is not None and drawn.decode("utf-8") == serif
