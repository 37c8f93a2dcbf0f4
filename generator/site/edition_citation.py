"""How to cite an edition: its CITATION.cff, a one-line reference and the zip's name.

The pages show these, and the edition's archive (generator/editions/archive.py) packs the
same CITATION.cff; both read them from here, below the editions layer.
"""
from __future__ import annotations

import yaml

from ..config import Edition, Person, SiteConfig
from ..data.model import text
from . import urls


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
