"""One download per edition: a zip with its data, methodology and computed indices, and the
"how to cite this edition" text (CITATION.cff, https://citation-file-format.github.io).

The zip is byte-identical from build to build: entries sorted, one fixed timestamp (the
edition's publication date), fixed permissions.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import yaml

from ..config import Edition, Person, SiteConfig
from ..data.model import text
from ..site.downloads import table_download
from . import lock


def archive_name(edition_id: str) -> str:
    return f"aimaq-{edition_id}.zip"


def _person(p: Person) -> dict[str, str]:
    if p.name:
        return {"name": p.name}
    out = {"family-names": p.family or ""}
    if p.given:
        out["given-names"] = p.given
    return out


def edition_url(config: SiteConfig, edition: Edition, lang: str | None = None) -> str:
    from ..site import urls

    lang = lang or config.default_language
    return urls.absolute(config.base_url, f"{edition.id}/{urls.home(lang)}")


def citation_cff(config: SiteConfig, edition: Edition) -> str:
    """CITATION.cff of the edition (English titles: CFF has one title field)."""
    title = f"{text(config.title, 'en')} — {text(edition.title, 'en') or edition.id}"
    doc: dict = {
        "cff-version": "1.2.0",
        "message": "If you use these data or indices, please cite this edition.",
        "type": "dataset",
        "title": title,
        "version": edition.id,
    }
    cit = config.citation
    # CFF needs an author; without a citation in site.yaml the site itself is named (as an
    # entity), never the tool that built it.
    doc["authors"] = ([_person(p) for p in cit.authors] if cit
                      else [{"name": text(config.title, "en")}])
    if edition.published:
        doc["date-released"] = edition.published
    if config.base_url.startswith(("http://", "https://")):
        doc["url"] = edition_url(config, edition)
    if cit and cit.license:
        doc["license"] = cit.license
    if cit and cit.based_on:
        ref = cit.based_on
        entry: dict = {"type": ref.type, "title": ref.title,
                       "authors": [_person(p) for p in ref.authors]}
        if ref.year:
            entry["year"] = ref.year
        if ref.institution:
            entry["institution"] = {"name": ref.institution}
            if ref.location:
                entry["institution"]["city"] = ref.location
        doc["references"] = [entry]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)


def citation_text(config: SiteConfig, edition: Edition, lang: str) -> str:
    """A one-line reference in the page's language (authors, year, title, edition, address)."""
    cit = config.citation
    people = cit.authors if cit else []
    names = "; ".join(p.name or ", ".join(filter(None, [p.family, p.given])) for p in people)
    year = (edition.published or "")[:4]
    parts = [f"{names} ({year})." if names and year else (names + "." if names else ""),
             f"{text(config.title, lang)}.",
             f"{text(edition.title, lang) or edition.id}."]
    if config.base_url.startswith(("http://", "https://")):
        parts.append(edition_url(config, edition, lang))
    return " ".join(p for p in parts if p)


def based_on_text(config: SiteConfig) -> str:
    """The work the site is based on, as a one-line reference."""
    ref = config.citation.based_on if config.citation else None
    if ref is None:
        return ""
    names = "; ".join(p.name or ", ".join(filter(None, [p.family, p.given]))
                      for p in ref.authors)
    where = ", ".join(filter(None, [ref.institution, ref.location]))
    return " ".join(filter(None, [f"{names} ({ref.year})." if ref.year else f"{names}.",
                                  f"{ref.title}.", f"{where}." if where else ""]))


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
    for path in lock.input_files(config, edition.id):
        try:
            rel = Path(path).resolve().relative_to(data_dir.resolve())
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
