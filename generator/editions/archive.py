"""One download per edition: a zip with its data, methodology and computed indices, and the
"how to cite this edition" text (CITATION.cff, https://citation-file-format.github.io).

The zip is byte-identical from build to build: entries sorted, one fixed timestamp (the
edition's publication date), fixed permissions.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from ..config import Edition, SiteConfig
from ..site.downloads import table_download
from ..site.edition_citation import citation_cff
from . import lock


def _date_time(edition: Edition) -> tuple[int, int, int, int, int, int]:
    if edition.published:
        y, m, d = (int(x) for x in edition.published.split("-"))
        if y >= 1980:
            return (y, m, d, 0, 0, 0)
    return (1980, 1, 1, 0, 0, 0)


def edition_archive(config: SiteConfig, edition: Edition, computed: dict[str, bytes]) -> bytes:
    """The zip: data/<edition>/… as in the repository, computed/*.csv, CITATION.cff."""
    root = f"aimaq-{edition.id}"
    entries: dict[str, bytes] = {}
    data_dir = config.data_path / edition.id
    data_real = data_dir.resolve()
    for path, real in lock.resolved_input_files(config, edition.id):
        try:
            rel = real.relative_to(data_real)
        except ValueError:
            continue                        # content (narrative) is on the pages
        entries[f"{root}/data/{rel.as_posix()}"] = (
            table_download(path) if rel.suffix == ".csv" else Path(path).read_bytes())
    for name, data in computed.items():
        entries[f"{root}/computed/{name}"] = data
    entries[f"{root}/CITATION.cff"] = citation_cff(config, edition).encode("utf-8")
    buf = io.BytesIO()
    stamp = _date_time(edition)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, entries[name], compresslevel=9)
    return buf.getvalue()
