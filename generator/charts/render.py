"""Static images of a chart, rendered at build time with vl-convert (offline), and the files
a chart needs written.

A chart says how it is drawn (``Chart.drawn``), so that no image is drawn per unit:

* ``static`` (region-wide charts): ``<id>.static.svg``, the chart alone, which the page shows
  until the chart turns live, without scripts and in print; and ``<id>.svg``, the download:
  the same drawing with the title, subtitle and source line around it, so a copied image
  keeps its context (and the map its attribution).
* ``overlay`` (a unit's map): the static image of ``Chart.base`` (one map per language, drawn
  once) with the unit's outline over it (:func:`overlay`, made from the base drawing as
  text: no renderer call); its SVG download is made in the browser, as for ``live``.
* ``live`` (per-unit charts): no image at build time; the page draws it with Vega when it
  nears the screen, and its data table is the alternative without scripts.

Every region-wide chart writes ``<id>.json`` (the Vega-Lite spec) and ``<id>.csv`` (the
data); a unit's chart is its kind's shared base spec (``<base>.spec.js``, one per language)
and the unit's few values in its page, and writes no file of its own. PNG is made in the
reader's browser from the live chart (``charts.js``, with the same font).

vl-convert runs Vega in an embedded JavaScript engine with no network access needed; the
spec carries its data inline, so nothing is fetched. Numbers use the page language's format
locale (:func:`~generator.charts.numbers.format_locale`).
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

import vl_convert as vlc

from .. import images
from ..output import Stored
from . import palette as P
from .jsonspec import canonical_json
from .layout import WIDTH
from .numbers import format_locale

if TYPE_CHECKING:               # a Chart asks this module for its size: no import back at run time
    from .model import Chart

#: Font of the static images: DejaVu Sans (Debian's default, full Kazakh Cyrillic) first,
#: so the SVG/PNG files look the same on every build machine; viewers without it fall back.
STATIC_FONT = "DejaVu Sans, Noto Sans, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
#: Changes when the same spec gives other image bytes (ids renumbered: images.renumber_ids).
IMAGE_FORMAT = "ids-in-order-1"
#: How a chart is drawn (see the module's docstring).
DRAWN = ("static", "overlay", "live")


def on_page(chart: Chart, leads: bool, image: bool = False) -> Chart:
    """How ``chart`` is drawn where a page shows it: the one rule of which charts get an
    image at build time. A static image pays for the chart a reader sees first: the
    chart that ``leads`` its page (shown at once, without scripts and in print), and the
    base of overlay charts (drawn once, shared by every unit page). A region-wide chart
    further down is drawn ``live`` instead, like the unit charts: Vega draws it as it
    nears the screen (or before printing), and its data table is the alternative without
    scripts. ``image``: drawn static wherever it appears (charts.yaml ``static``)."""
    if chart.drawn != "static" or leads or image:
        return chart
    return dataclasses.replace(chart, drawn="live", size=expected_size(chart))


#: Room below and above a chart's plot for its axes, labels and legend (px; about).
_AROUND = 50


def expected_size(chart: Chart) -> tuple[int, int]:
    """About the (width, height) Vega draws ``chart`` at: the room its page keeps until
    it is drawn. Every chart is drawn for a phone's column (``layout.WIDTH``, labels
    included); its height is the spec's, or a step per row of its data, and the axes."""
    width = chart.spec.get("width")
    height = chart.spec.get("height")
    if isinstance(height, dict) and isinstance(height.get("step"), (int, float)):
        height = height["step"] * max(1, len(chart.data))
    if not isinstance(height, (int, float)) or isinstance(height, bool):
        height = WIDTH * 0.6
    wide = WIDTH
    if isinstance(width, (int, float)) and not isinstance(width, bool):
        wide = max(WIDTH, round(width) + 40)
    return (wide, round(height) + _AROUND)


@cache
def vl_version() -> str | None:
    """The Vega-Lite version of vl-convert matching Altair's schema (``"6.4"``), if any."""
    major_minor = ".".join(schema_version().lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def schema_version() -> str:
    """Altair's Vega-Lite schema version (``alt.SCHEMA_VERSION``, ``"v6.4.1"``). Asked only
    by a build that draws charts (a project without charts starts no image worker and
    makes no bundle), so Altair is imported here, not at start-up."""
    import altair as alt
    return alt.SCHEMA_VERSION


def versions() -> dict[str, str]:
    import altair as alt
    return {"vega": vlc.get_vega_version(), "vega-lite": vl_version() or "latest",
            "vega-embed": vlc.get_vega_embed_version(), "vl-convert": vlc.__version__,
            "altair": alt.__version__}


class _Cache:
    """Rendered images by content hash, in memory and optionally on disk."""

    def __init__(self) -> None:
        self.memory: dict[str, bytes] = {}
        self.directory: Path | None = None
        self.lock = threading.Lock()

    def path(self, key: str) -> Path | None:
        """The disk cache's file for ``key``, if it holds one."""
        if self.directory is None:
            return None
        path = self.directory / key[:2] / key
        return path if path.is_file() else None

    def has(self, key: str) -> bool:
        with self.lock:
            if key in self.memory:
                return True
        return self.path(key) is not None

    def get(self, key: str) -> bytes | None:
        with self.lock:
            hit = self.memory.get(key)
        if hit is None:
            path = self.path(key)
            if path is not None:
                hit = path.read_bytes()
        return hit

    def put(self, key: str, data: bytes) -> None:
        # With a disk cache the images stay on disk only: a site of thousands of units
        # would otherwise hold every image in memory.
        if self.directory is None:
            with self.lock:
                self.memory[key] = data
        else:
            images.write_atomic(self.directory / key[:2] / key, data)


_CACHE = _Cache()


def use_render_cache(directory: Path | str | None) -> None:
    """Keep rendered images in ``directory`` across builds (keyed by spec, locale and
    library versions, so a stale image is never reused). ``None`` = memory only."""
    _CACHE.directory = Path(directory) if directory else None


def _key(kind: str, chart: Chart, extra: str = "") -> str:
    """The cache key of one image of ``chart``, made once per chart (it is immutable)."""
    return chart.memo(("image-key", kind, extra), lambda: _make_key(kind, chart, extra))


def _make_key(kind: str, chart: Chart, extra: str) -> str:
    h = hashlib.sha256()
    for part in (kind, IMAGE_FORMAT, chart.spec_json(), canonical_json(format_locale(chart.lang)),
                 canonical_json(versions()), STATIC_FONT, extra):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def static_svg(chart: Chart) -> str:
    """The chart alone as SVG (the page's fallback)."""
    key = _key("svg", chart)
    _await(key)
    hit = _CACHE.get(key)
    if hit is not None:
        return hit.decode("utf-8")
    svg = images.draw(chart.spec_json(), vl_version(), format_locale(chart.lang), STATIC_FONT)
    _CACHE.put(key, svg.encode("utf-8"))
    return svg


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)"[^>]*?\bheight="([\d.]+)"')


def svg_size(svg: str) -> tuple[int, int]:
    m = _SIZE.search(svg)
    if not m:
        return (0, 0)
    return (round(float(m.group(1))), round(float(m.group(2))))


#: (width, height) of each static image by its cache key, noted when its files are made.
_SIZES: dict[str, tuple[int, int]] = {}


def image_size(chart: Chart) -> tuple[int, int]:
    """(width, height) of the static image in CSS pixels (a live chart's expected size,
    an overlay's base image)."""
    if chart.drawn == "live":
        return chart.size or (0, 0)
    if chart.drawn == "overlay" and chart.base is not None:
        return image_size(chart.base)
    key = _key("svg", chart)
    if key not in _SIZES:
        _SIZES[key] = svg_size(static_svg(chart))
    return _SIZES[key]


def _wrap(text: str, width_px: float, size: float) -> list[str]:
    """Greedy word wrap by an estimated glyph width (DejaVu Sans ≈ 0.6 em)."""
    per_line = max(10, int(width_px / (size * 0.6)))
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if len(candidate) <= per_line or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def standalone_svg(chart: Chart, inner: str | None = None) -> str:
    """The download: title and subtitle above the chart, the source line below it
    (``inner``: the chart's :func:`composed_svg`, when the caller has it)."""
    inner = composed_svg(chart) if inner is None else inner
    w, h = svg_size(inner)
    pad = 12
    width = max(w, 360) + 2 * pad
    text_w = width - 2 * pad
    out: list[str] = []
    y = pad
    for content, size, colour, weight in (
            (chart.title, 16, P.INK, "bold"), (chart.subtitle, 13, P.MUTED, "normal")):
        for line in _wrap(content, text_w, size) if content else []:
            y += size * 1.3
            out.append(f'<text x="{pad}" y="{y:.0f}" font-size="{size}" fill="{colour}" '
                       f'font-weight="{weight}">{escape(line)}</text>')
    y += 8
    body_y = y
    y += h + 6
    source = f"{chart.ui.get('source', 'Source')}: {chart.source}" if chart.source else ""
    for line in _wrap(source, text_w, 11) if source else []:
        y += 11 * 1.35
        out.append(f'<text x="{pad}" y="{y:.0f}" font-size="11" fill="{P.MUTED}">'
                   f'{escape(line)}</text>')
    height = int(y + pad)
    nested = re.sub(r"^<svg\b", f'<svg x="{pad}" y="{body_y:.0f}"', inner.strip(), count=1)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" '
            f'xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}">'
            f'<title>{escape(chart.title)}</title><desc>{escape(chart.description)}</desc>'
            f'<rect width="{width}" height="{height}" fill="white"/>'
            f'<g font-family="{escape(STATIC_FONT)}">{"".join(out)}</g>{nested}</svg>')


#: Overlay makers by chart kind: ``(chart, base_svg) -> SVG elements`` drawn over the base
#: image, in its coordinates (a kind module registers its own; see kinds/map.py).
OVERLAYS: dict[str, Callable[[Chart, str], str]] = {}


#: The base images of overlay charts by the base chart's identity (many units share one).
_BASES: dict[int, tuple[Chart, str]] = {}


def _base_svg(base: Chart) -> str:
    hit = _BASES.get(id(base))
    if hit is None or hit[0] is not base:
        if len(_BASES) > 64:            # `aimaq serve` rebuilds: keep the recent ones
            _BASES.clear()
        hit = _BASES[id(base)] = (base, static_svg(base))
    return hit[1]


def overlay(chart: Chart) -> str:
    """The SVG elements an ``overlay`` chart draws over its base image."""
    if chart.base is None:
        raise ValueError(f"chart {chart.id} is drawn over a base chart but has none")
    return OVERLAYS[chart.kind](chart, _base_svg(chart.base))


def composed_svg(chart: Chart) -> str:
    """The chart alone as SVG: its own drawing, or its base's with its overlay on top."""
    if chart.drawn == "overlay" and chart.base is not None:
        base = _base_svg(chart.base).rstrip()
        if not base.endswith("</svg>"):
            raise ValueError(f"chart {chart.id}: its base image is not an SVG")
        return base[:-len("</svg>")] + overlay(chart) + "</svg>"
    return static_svg(chart)


def _to_draw(chart: Chart) -> Chart | None:
    """The chart whose image ``chart`` needs drawn: itself, its base, or none."""
    if chart.drawn == "live":
        return None
    return chart.base if chart.drawn == "overlay" else chart


def _missing(chart: Chart) -> bool:
    """Whether the image of ``chart`` is in neither cache."""
    return not _CACHE.has(_key("svg", chart))


#: Images handed to the image workers and not yet collected, by cache key.
_PENDING: dict[str, Future] = {}
#: The process that handed them over (its forked page renderers wait for the files).
_OWNER = os.getpid()


def images_drawing() -> bool:
    """Whether images are being drawn into the disk cache: a page that needs an image's
    size then waits for that image alone (:func:`_await`), not for all of them."""
    return bool(_PENDING) and _CACHE.directory is not None


def _await(key: str) -> None:
    """Wait until the image ``key`` handed to the workers is drawn (in a forked child of
    the process that handed it over: until its file is in the disk cache)."""
    future = _PENDING.get(key)
    if future is None:
        return
    if os.getpid() == _OWNER:
        svg = future.result()
        if svg is not None:
            with _CACHE.lock:
                _CACHE.memory[key] = svg
        _PENDING.pop(key, None)
        return
    if _CACHE.directory is None:
        raise RuntimeError("an image drawn in the background has no file to wait for")
    path = _CACHE.directory / key[:2] / key
    failed = images.failed_path(path)
    pool = images.current()
    waited = 0
    while not path.is_file():
        if failed.is_file():
            raise RuntimeError(f"a chart image could not be drawn: {failed.read_text()}")
        waited += 1
        if waited % 200 == 0 and (pool is None or not pool.alive()) and not path.is_file():
            raise RuntimeError("the image workers stopped before drawing every chart")
        time.sleep(0.005)


def _submit(pool: images.Pool, charts: Iterable[Chart]) -> list[Chart]:
    """Hand the images ``charts`` need (theirs, or their base's once) and neither cache
    holds to ``pool``, large charts first (no worker is left with a map at the end);
    returns the charts submitted now."""
    needed = (_to_draw(c) for c in charts)
    todo = [c for k, c in {_key("svg", c): c for c in needed if c is not None}.items()
            if k not in _PENDING and _missing(c)]
    todo.sort(key=lambda c: -len(c.spec_json()))
    for chart in todo:
        key = _key("svg", chart)
        path = _CACHE.directory / key[:2] / key if _CACHE.directory is not None else None
        _PENDING[key] = pool.submit(chart.spec_json(), vl_version(), format_locale(chart.lang),
                                    STATIC_FONT, path)
    return todo


def _collect() -> None:
    """Wait for every image handed to the workers (an image without a disk cache comes
    back to this process's memory)."""
    try:
        for key in list(_PENDING):
            _await(key)
    finally:
        if _PENDING:                     # failed or interrupted: nothing waits for them
            for future in _PENDING.values():
                future.cancel()
            _PENDING.clear()


def prefetch(charts: Iterable[Chart]) -> int:
    """Start drawing the images ``charts`` need in the build's image workers
    (:func:`generator.images.pool`), if it has them; :func:`draw_images` waits for them.
    Returns how many were handed over."""
    pool = images.current()
    if pool is None or os.getpid() != _OWNER:       # none, or a forked child's copy
        return 0
    return len(_submit(pool, charts))


def draw_images(charts: Iterable[Chart], *, workers: int = 1, min_pool: int = 16) -> int:
    """Draw the static images ``charts`` need (theirs, or their base's once) missing from
    the cache, and wait for those :func:`prefetch` handed over; over ``workers`` spawned
    processes (:mod:`generator.images`) when ``min_pool`` or more are missing; returns how
    many images were drawn here."""
    charts = list(charts)
    pool = images.current()
    if pool is not None:
        drawn = len(_submit(pool, charts))
        _collect()
        return drawn
    needed = (_to_draw(c) for c in charts)
    todo = list({_key("svg", c): c for c in needed if c is not None and _missing(c)}.values())
    if workers <= 1 or len(todo) < min_pool:
        _collect()
        for chart in todo:
            static_svg(chart)
        return len(todo)
    with images.pool(workers) as started:
        assert started is not None
        drawn = len(_submit(started, todo))
        _collect()
    return drawn


def chart_files(chart: Chart, prefix: str) -> dict[str, bytes]:
    """Every file the chart's figure links to, by site path under ``prefix``: ``<id>.json``
    and ``<id>.csv``; a ``static`` chart's ``<id>.static.svg`` and ``<id>.svg``; an
    ``overlay`` chart's base's ``<base id>.static.svg``. Nothing per unit: a chart over a
    shared ``base`` (a unit's map or profile) writes no JSON or CSV of its own (its spec
    is in the page, its base's in ``<base id>.spec.js``: :meth:`Chart.shared_files`), and
    the SVG download of an ``overlay`` or ``live`` chart is made in the browser, like
    every PNG and a unit profile's CSV (a unit's map as a file would repeat the region's
    map, 65 KB, once per unit)."""
    if chart.base is not None:      # a unit's chart: the base's files only
        files: dict[str, bytes] = {}
    else:
        files = {
            chart.file(prefix, "json"): chart.spec_json().encode("utf-8"),
            chart.file(prefix, "csv"): chart.csv(),
        }
    drawn = _to_draw(chart)
    if drawn is None:
        return files
    svg_key = _key("svg", drawn)
    inner = static_svg(drawn)
    _SIZES[svg_key] = svg_size(inner)
    on_disk = _CACHE.path(svg_key)
    files[drawn.file(prefix, "static.svg")] = Stored(on_disk) if on_disk is not None \
        else inner.encode("utf-8")
    if drawn is chart:
        files[chart.file(prefix, "svg")] = standalone_svg(chart, inner).encode("utf-8")
    return files


def all_chart_files(charts: Iterable[tuple[Chart, str]], *,
                    workers: int = 1) -> dict[str, bytes]:
    """:func:`chart_files` for many ``(chart, prefix)`` pairs, with the files the charts
    over a shared base share (:meth:`Chart.shared_files`); identical images are rendered
    once. Raises if two different charts would write the same path."""
    files: dict[str, bytes] = {}
    jobs = _distinct(charts)
    draw_images([c for c, _ in jobs], workers=workers)
    for chart, prefix in jobs:
        for path, data in {**chart_files(chart, prefix), **chart.shared_files(prefix)}.items():
            if path in files and files[path] != data:
                raise ValueError(f"two different charts write {path}: give them distinct ids "
                                 "or prefixes")
            files[path] = data
    return files


def _distinct(charts: Iterable[tuple[Chart, str]]) -> list[tuple[Chart, str]]:
    """The ``(chart, prefix)`` pairs whose files differ: every chart over one shared base
    (each unit's map or profile of a language) makes the same files, its base's, so one
    of them stands for all (at 2,000 units each read the base's 1 MB image back, 6,000
    times)."""
    seen: set[tuple[str, int, str]] = set()
    out: list[tuple[Chart, str]] = []
    for c, prefix in charts:
        if c.base is not None and c.drawn in ("live", "overlay"):   # no image of its own
            same = (c.drawn, id(c.base), prefix)
            if same in seen:
                continue
            seen.add(same)
        out.append((c, prefix))
    return out
