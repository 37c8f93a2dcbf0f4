"""The chart assets of the site, taken at build time from installed packages; nothing is
downloaded at build or run time and no page requests anything outside the site.

``assets/charts/vega.js``
    Vega, Vega-Lite and vega-embed in one classic script, from vl-convert-python's bundled
    copies (:func:`vl_convert.javascript_bundle`); it sets ``window.vega``, ``window.vegaLite``
    and ``window.vegaEmbed``. vega-embed 7 carries vega-interpreter, the CSP-safe expression
    interpreter, and uses it when called with ``ast: true`` (``charts.js`` does), so the
    pages need no ``'unsafe-eval'``. No separate interpreter file or npm step is needed.
``assets/charts/charts.js``
    Our loader: embeds every ``figure.chart`` with the page language's number format.
``assets/charts/charts.css``
    The figure, the interactive view and the tooltip (vega-embed's and vega-tooltip's own
    injected styles are switched off, as the CSP forbids inline styles).
``assets/charts/LICENSES.txt``
    The licences of the bundled libraries.
``assets/charts/DejaVuSans.woff2``, ``DejaVuSans-Bold.woff2``, ``DejaVu-LICENSE.txt``
    The static images' font (Latin, Cyrillic with Kazakh, Greek and common signs: a subset
    of Debian's fonts-dejavu-core, made with fontTools), loaded by ``charts.js`` only to
    draw a PNG download in the browser, and its licence.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from pathlib import Path

import vl_convert as vlc

from .. import images
from ..cache import key as keyed
from ..cache import library_cache_dir, load_bytes, store_bytes
from .numbers import format_locale
from .render import versions, vl_version

#: Where the chart assets go in the site (relative to the site root).
ASSETS_DIR = "assets/charts"

_LICENCES = """Chart libraries bundled in vega.js (taken from vl-convert-python {vl-convert}):

Vega {vega}, Vega-Lite {vega-lite}, vega-embed {vega-embed} and their parts (vega-interpreter,
vega-tooltip, vega-themes, vega-schema-url-parser) — Copyright (c) University of Washington
Interactive Data Lab, BSD 3-Clause License.
d3 modules — Copyright Mike Bostock, ISC License.
json-stringify-pretty-compact — Copyright Simon Lydell, MIT License.
fast-json-patch — Copyright Joachim Wester, MIT License.
semver — Copyright Isaac Z. Schlueter and contributors, ISC License.

BSD 3-Clause License: Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met: (1)
Redistributions of source code must retain the above copyright notice, this list of
conditions and the following disclaimer. (2) Redistributions in binary form must reproduce
the above copyright notice, this list of conditions and the following disclaimer in the
documentation and/or other materials provided with the distribution. (3) Neither the name of
the copyright holder nor the names of its contributors may be used to endorse or promote
products derived from this software without specific prior written permission. THIS
SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR
IMPLIED WARRANTIES ARE DISCLAIMED.

ISC and MIT Licenses: Permission to use, copy, modify, and/or distribute this software for
any purpose with or without fee is hereby granted, provided that the above copyright notice
and this permission notice appear in all copies. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT
WARRANTY OF ANY KIND.
"""


def vega_bundle(cache_dir: Path | None = None) -> bytes:
    """Vega + Vega-Lite + vega-embed as one classic script (about 0.9 MB, minified).

    Making it takes vl-convert about two seconds; it depends only on the library versions,
    so it is kept in memory and on disk under ``vega/<key>.js``, keyed by those versions:
    in ``cache_dir`` (the project's ``.cache/``) and in the machine's library cache
    (:func:`~generator.cache.library_cache_dir`), so a new project does not make it again."""
    version = vl_version()
    code = _library_code(version, _library_versions(), cache_dir)
    # A classic script shares the page's global scope: wrap the bundle's top-level
    # declarations in a function so they cannot collide with other scripts.
    return ("/* Vega " + vlc.get_vega_version() + ", Vega-Lite " + (version or "latest")
            + ", vega-embed " + vlc.get_vega_embed_version()
            + " (from vl-convert-python; see LICENSES.txt) */\n(function(){\n" + code
            + "\n}());\n").encode("utf-8")


def _library_versions() -> tuple[str, ...]:
    return (vlc.__version__, vlc.get_vega_version(), vlc.get_vega_embed_version())


def _bundle_name(version: str | None, library_versions: tuple[str, ...]) -> str:
    """The bundle's file in the disk cache."""
    return keyed("vega-bundle", version or "latest", *library_versions) + ".js"


@cache
def _library_code(version: str | None, library_versions: tuple[str, ...],
                  cache_dir: Path | None) -> str:
    """vl-convert's JavaScript bundle, from the disk cache when it holds this version's."""
    name = _bundle_name(version, library_versions)
    for where in (cache_dir, library_cache_dir()):
        stored = load_bytes(where, "vega", name)
        if stored:
            try:
                code = stored.decode("utf-8")
            except UnicodeDecodeError:
                continue                         # damaged: made again below
            store_bytes(cache_dir, "vega", name, stored)
            return code
    code = images.javascript_bundle(f"v{version}" if version else None)
    for where in (cache_dir, library_cache_dir()):
        store_bytes(where, "vega", name, code.encode("utf-8"))
    return code


def prefetch_bundle(cache_dir: Path | None = None) -> None:
    """Have the build's image workers make the bundle :func:`vega_bundle` will need, if the
    disk cache lacks it (:mod:`generator.images`)."""
    pool = images.current()
    if pool is None:
        return
    version = vl_version()
    name = _bundle_name(version, _library_versions())
    if not any(load_bytes(where, "vega", name) for where in (cache_dir, library_cache_dir())):
        pool.bundle(f"v{version}" if version else None)


def _static(name: str) -> str:
    return files(__package__).joinpath("static").joinpath(name).read_text(encoding="utf-8")


def _static_bytes(name: str) -> bytes:
    return files(__package__).joinpath("static").joinpath(name).read_bytes()


def charts_js(languages: Iterable[str]) -> bytes:
    locales = {lang: format_locale(lang) for lang in languages}
    blob = json.dumps(locales, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    src = _static("charts.js")
    if "/*AIMAQ_LOCALES*/{}" not in src:
        raise RuntimeError("charts.js lost its locale placeholder")
    return src.replace("/*AIMAQ_LOCALES*/{}", blob).encode("utf-8")


def chart_assets(languages: Iterable[str], prefix: str = ASSETS_DIR,
                 boundary_licence: str = "", cache_dir: Path | None = None
                 ) -> dict[str, bytes]:
    """{site path: bytes} of every file the chart pages load; add them to the site.
    ``boundary_licence`` is the project's own boundary file's licence line (see
    :func:`..geo.boundary_licence`): the maps' data, listed with the libraries'.
    ``cache_dir``: the project's ``.cache/``, where the library bundle is kept."""
    prefix = prefix.strip("/")
    licences = _LICENCES.format(**versions())
    if boundary_licence:
        licences += f"\nMap boundaries: {boundary_licence}\n"
    return {
        f"{prefix}/vega.js": vega_bundle(cache_dir),
        f"{prefix}/charts.js": charts_js(languages),
        f"{prefix}/charts.css": _static("charts.css").encode("utf-8"),
        f"{prefix}/LICENSES.txt": licences.encode("utf-8"),
        **{f"{prefix}/{name}": _static_bytes(name)
           for name in ("DejaVuSans.woff2", "DejaVuSans-Bold.woff2", "DejaVu-LICENSE.txt")},
    }
