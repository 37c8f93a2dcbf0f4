"""Boundaries for the map: read once, rings reversed for Vega, linked to the units.

The boundary file of an edition lives in ``data/<edition>/geo/`` (see its README for source,
licence and attribution). ``units.yaml`` names each unit's polygon (``geo.shape`` →
:attr:`Area.shape`) or gives a point (``geo.point`` → :attr:`Area.point`) for a city that has
no polygon.

GeoJSON (RFC 7946) winds exterior rings counter-clockwise; d3-geo, which Vega uses, takes
such a ring for "the whole sphere minus the shape", so every ring is reversed here before
it reaches a spec. Coordinates are rounded to 3 decimals (about 100 m: finer than a pixel of
a regional map) and repeated points dropped, to keep the spec that each page embeds small.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from ..yamlio import load_yaml
from .model import Area

#: Decimals kept in the map's coordinates.
COORD_DECIMALS = 3


@dataclass(frozen=True)
class Boundaries:
    """Polygons by shape name, already oriented for Vega."""
    path: str
    shapes: dict[str, dict[str, Any]]          # shapeName → GeoJSON geometry (reversed)
    centroids: dict[str, tuple[float, float]]  # shapeName → (lon, lat) of the largest ring
    anchors: dict[str, list[tuple[float, float]]]  # shapeName → label positions, best first
    bbox: tuple[float, float, float, float]    # lon0, lat0, lon1, lat1 of all shapes
    boxes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # by shape

    def extent(self, areas: Iterable[Area]) -> tuple[float, float, float, float]:
        """lon0, lat0, lon1, lat1 of the areas' shapes and points (the whole file's
        bbox when none has either)."""
        boxes = [_area_box(self, a) for a in areas]
        boxes = [b for b in boxes if b is not None]
        if not boxes:
            return self.bbox
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))

    def neighbourhood(self, areas: Iterable[Area], centre: str, margin: float
                      ) -> list[Area]:
        """The areas near ``centre`` (an area id), in their order: those whose shape or
        point falls within the centre's bbox grown on every side by ``margin`` times its
        width and height. A centre without a shape (a city drawn as a point) is given the
        median width and height of the shapes."""
        areas = list(areas)
        boxes = [_area_box(self, a) for a in areas]
        own = next((b for a, b in zip(areas, boxes) if a.id == centre), None)
        if own is None:
            return areas
        shaped = [b for b in boxes if b is not None and b[2] > b[0]]
        width, height = own[2] - own[0], own[3] - own[1]
        if not (width and height) and shaped:
            width = sorted(b[2] - b[0] for b in shaped)[len(shaped) // 2]
            height = sorted(b[3] - b[1] for b in shaped)[len(shaped) // 2]
        # A shape must reach a hundredth of the unit's size into the grown box: one that
        # only touches it (give or take rounded coordinates) is not near.
        x0, x1 = own[0] - width * (margin - 0.01), own[2] + width * (margin - 0.01)
        y0, y1 = own[1] - height * (margin - 0.01), own[3] + height * (margin - 0.01)
        return [a for a, b in zip(areas, boxes) if a.id == centre or (
            b is not None and b[0] < x1 and b[2] > x0 and b[1] < y1 and b[3] > y0)]

    def features(self, areas: Iterable[Area]) -> list[dict[str, Any]]:
        """One feature per area with a shape; ``properties.unit`` is the area id."""
        out = []
        for a in areas:
            if a.shape:
                if a.shape not in self.shapes:
                    raise DataError(f"unit {a.id!r} names the polygon {a.shape!r}, which is "
                                    f"not in {self.path}", fix="use a shapeName of the "
                                    f"boundary file: {', '.join(sorted(self.shapes))}")
                out.append({"type": "Feature", "properties": {"unit": a.id},
                            "geometry": self.shapes[a.shape]})
        return out


def _area_box(boundaries: Boundaries, area: Area
              ) -> tuple[float, float, float, float] | None:
    if area.shape and area.shape in boundaries.shapes:
        return boundaries.boxes[area.shape]
    if area.point:
        return (area.point[0], area.point[1], area.point[0], area.point[1])
    return None


def _box(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    pts = [p for ring in _outer_rings(geometry) for p in ring]
    return (min(p[0] for p in pts), min(p[1] for p in pts),
            max(p[0] for p in pts), max(p[1] for p in pts))


def _round_ring(ring: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y, *_ in ring:
        p = [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]
        if not out or p != out[-1]:
            out.append(p)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _centroid(ring: list[list[float]]) -> tuple[float, float]:
    a = _signed_area(ring)
    if a == 0:
        xs = [p[0] for p in ring]
        ys = [p[1] for p in ring]
        return (sum(xs) / len(xs), sum(ys) / len(ys))
    cx = sum((x0 + x1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    cy = sum((y0 + y1) * (x0 * y1 - x1 * y0) for (x0, y0), (x1, y1) in zip(ring, ring[1:]))
    return (round(cx / (6 * a), COORD_DECIMALS), round(cy / (6 * a), COORD_DECIMALS))


def for_vega(geometry: dict[str, Any]) -> dict[str, Any]:
    """The geometry with every ring rounded and reversed (clockwise exterior for d3-geo)."""
    kind = geometry["type"]
    if kind == "Polygon":
        return {"type": "Polygon",
                "coordinates": [_round_ring(r)[::-1] for r in geometry["coordinates"]]}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon",
                "coordinates": [[_round_ring(r)[::-1] for r in poly]
                                for poly in geometry["coordinates"]]}
    raise DataError(f"geometry type {kind!r} is not supported",
                    fix="use Polygon or MultiPolygon features")


def _outer_rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [poly[0] for poly in geometry["coordinates"]]


@lru_cache(maxsize=8)
def load_boundaries(path: str | Path) -> Boundaries:
    """Read a GeoJSON FeatureCollection whose features carry their name in a property
    (``shapeName``, or ``name_property`` of the file's metadata)."""
    path = Path(path)
    prop = boundary_meta(path).get("name_property", NAME_PROPERTY)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("boundary file not found", path, None,
                        "copy the boundary file into data/<edition>/geo/") from None
    except json.JSONDecodeError as exc:
        raise DataError(f"not valid JSON: {exc.msg}", path, exc.lineno,
                        "restore the file from its source") from None
    shapes: dict[str, dict[str, Any]] = {}
    centroids: dict[str, tuple[float, float]] = {}
    anchors: dict[str, list[tuple[float, float]]] = {}
    for feature in doc.get("features", []):
        name = (feature.get("properties") or {}).get(prop)
        if not name:
            raise DataError(f"a feature has no properties.{prop}", path, None,
                            f"every feature needs the {prop} units.yaml refers to, or set "
                            f"name_property in {path.with_suffix('.yaml').name}")
        geometry = for_vega(feature["geometry"])
        shapes[name] = geometry
        # Label at the centroid of the largest outer ring (orientation does not matter).
        largest = max(_outer_rings(geometry), key=lambda r: abs(_signed_area(r)))
        centroids[name] = _centroid(largest)
        anchors[name] = label_anchors(largest)
    boxes = {name: _box(g) for name, g in shapes.items()}
    bbox = (min(b[0] for b in boxes.values()), min(b[1] for b in boxes.values()),
            max(b[2] for b in boxes.values()), max(b[3] for b in boxes.values())) \
        if boxes else (0, 0, 0, 0)
    return Boundaries(path=str(path), shapes=shapes, centroids=centroids, anchors=anchors,
                      bbox=bbox, boxes=boxes)


def anchor_candidates(ring: list[list[float]], grid: int = 36
                      ) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Grid points inside the ring with their distance to its nearest edge, in locally
    equal-scaled units (x times ``k``, the cosine of the mean latitude), and the spacing
    anchors keep between them: ``(points, distances, k, spacing)``."""
    pts = np.asarray(ring, dtype=float)
    k = math.cos(math.radians(float(pts[:, 1].mean())))
    xy = np.column_stack([pts[:, 0] * k, pts[:, 1]])
    (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
    gx, gy = np.meshgrid(np.linspace(x0, x1, grid + 2)[1:-1], np.linspace(y0, y1, grid + 2)[1:-1])
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    a, b = xy[:-1], xy[1:]
    # Inside test (even-odd rule) for every candidate against every edge.
    cx, cy = cand[:, :1], cand[:, 1:]
    crosses = ((a[:, 1] > cy) != (b[:, 1] > cy)) & (
        cx < (b[:, 0] - a[:, 0]) * (cy - a[:, 1]) / np.where(b[:, 1] == a[:, 1], 1e-12,
                                                             b[:, 1] - a[:, 1]) + a[:, 0])
    cand = cand[crosses.sum(axis=1) % 2 == 1]
    d = b - a
    length2 = np.maximum((d ** 2).sum(axis=1), 1e-18)
    t = np.clip(((cand[:, None, :] - a[None]) * d[None]).sum(axis=2) / length2, 0, 1)
    nearest = a[None] + t[..., None] * d[None]
    dist = np.sqrt(((cand[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1) \
        if len(cand) else np.zeros(0)
    return cand, dist, k, max(x1 - x0, y1 - y0) / 6


def label_anchors(ring: list[list[float]], *, grid: int = 36, keep: int = 4
                  ) -> list[tuple[float, float]]:
    """Interior points far from the ring's edges (best first, spread apart): where a name
    fits. A grid search for the "pole of inaccessibility" (:func:`anchor_candidates`)."""
    cand, dist, k, spacing = anchor_candidates(ring, grid)
    if len(cand) == 0:
        c = _centroid(ring)
        return [c]
    ranked = cand[np.argsort(-dist, kind="stable")]
    chosen: list[np.ndarray] = []
    # Best first, each at least `spacing` from those chosen before it: take the best one
    # left, drop every candidate too close to it, repeat.
    left = np.ones(len(ranked), dtype=bool)
    while len(chosen) < keep and left.any():
        p = ranked[int(np.argmax(left))]
        chosen.append(p)
        left &= np.hypot(ranked[:, 0] - p[0], ranked[:, 1] - p[1]) >= spacing
    return [(round(float(p[0] / k), COORD_DECIMALS), round(float(p[1]), COORD_DECIMALS))
            for p in chosen]


def find_boundary_file(edition_root: Path) -> Path | None:
    """The one ``*.geojson`` file in ``<edition>/geo/``, if there is exactly one."""
    folder = Path(edition_root) / "geo"
    files = sorted(folder.glob("*.geojson")) if folder.is_dir() else []
    if len(files) > 1:
        raise DataError(f"several boundary files in {folder}: "
                        f"{', '.join(f.name for f in files)}", folder, None,
                        "keep one .geojson file per edition")
    return files[0] if files else None


#: The feature property that names a polygon, unless the boundary file's metadata says.
NAME_PROPERTY = "shapeName"


def boundary_meta(boundary_file: Path | str | None) -> dict[str, Any]:
    """What the project declares about its boundary file in ``<name>.yaml`` beside it:
    ``licence`` (one line for the site's LICENSES.txt), ``attribution`` (the line under
    every map: one text, or a text per language) and ``name_property`` (the feature property
    units.yaml's ``geo: {shape: …}`` refers to; default shapeName). The file's source and
    licence are the project's to state, never Aimaq's."""
    if boundary_file is None:
        return {}
    meta = Path(boundary_file).with_suffix(".yaml")
    if not meta.is_file():
        return {}
    doc = load_yaml(meta)
    data = doc.data if isinstance(doc.data, dict) else {}
    unknown = sorted(set(map(str, data)) - set(BOUNDARY_KEYS))
    if unknown:
        raise DataError(f"unknown key(s) {', '.join(unknown)}", meta, doc.line(unknown[0]),
                        f"use {', '.join(BOUNDARY_KEYS)} only")
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "attribution" and isinstance(value, dict) and value and all(
                isinstance(v, str) and v.strip() for v in value.values()):
            out[key] = {str(lang): v.strip() for lang, v in value.items()}
            continue
        if not isinstance(value, str) or not value.strip():
            raise DataError(f"{key} must be one line of text"
                            + (", or one per language" if key == "attribution" else ""),
                            meta, doc.line(key),
                            'write e.g. licence: "© OpenStreetMap contributors, ODbL 1.0"')
        out[str(key)] = value.strip()
    return out


#: The keys of a boundary file's metadata (``<name>.yaml`` beside it).
BOUNDARY_KEYS = ("licence", "attribution", "name_property")


def boundary_attribution(boundary_file: Path | str | None,
                         languages: Iterable[str]) -> dict[str, str]:
    """The line under every map, per language, as the boundary file's metadata gives it
    ({} when it gives none: the theme's words then ask the reader to see the sources)."""
    value = boundary_meta(boundary_file).get("attribution")
    if value is None:
        return {}
    if isinstance(value, str):
        return {lang: value for lang in languages}
    return {lang: value[lang] for lang in languages if lang in value}


def boundary_licence(boundary_file: Path | str | None) -> str:
    """The licence line of a boundary file (see :func:`boundary_meta`); "" when none."""
    return boundary_meta(boundary_file).get("licence", "")
