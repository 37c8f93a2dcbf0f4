"""A synthetic region of N units for benchmarks: the bundled site's indicators, years,
tables and methodology, with invented units and values.

    python bench/synth.py N OUT [--seed 1]

writes a complete Aimaq project into OUT (site.yaml, data/2023, content/2023). Nothing it
writes is committed. The same N and seed always give the same files.

Values are drawn from the bundled region's own values for the same indicator, category and
year: a real unit's value times log-normal noise (sd 0.25), rounded like the source. The
region's value is the sum of its units where the source's region value is (about) the sum
of its units, else their mean; reference areas (Kazakhstan, other regions) keep their
values. Flags (confidential, nil) keep their share. Class indicators draw a class the
source uses. The map is a grid of square polygons; each unit has a three-paragraph
Markdown narrative per language. The methodology is the bundled one without the audit
against the dissertation's printed values (those belong to the real 19 units).
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import math
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
EDITION = "2023"
LANGS = ("kk", "ru", "en")


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _decimals(texts: list[str]) -> int:
    out = 0
    for t in texts:
        if "." in t:
            out = max(out, len(t.split(".", 1)[1]))
    return out


def unit_names(i: int) -> dict[str, str]:
    return {"kk": f"Синтетикалық аудан {i}", "ru": f"Синтетический район {i}",
            "en": f"Synthetic district {i}"}


def make_units(template: dict, n: int, rng) -> tuple[dict, list[dict]]:
    areas = [a for a in template["areas"] if a.get("kind") != "unit"]
    real = [a for a in template["areas"] if a.get("kind") == "unit"]
    borders = [a.get("border") for a in real]
    units = []
    for i in range(1, n + 1):
        unit = {"id": f"u{i:04d}", "kind": "unit",
                "type": "city" if rng.random() < 0.2 else "district",
                "name": unit_names(i)}
        # Every unit has its square of the synthetic boundary file (make_geo).
        unit["geo"] = {"shape": unit["name"]["en"], "point": None}
        border = borders[int(rng.integers(len(borders)))]
        if border:
            unit["border"] = border
        units.append(unit)
    out = dict(template)
    out["areas"] = areas + units
    return out, units


def make_table(src: Path, dst: Path, real_units: set[str], region: str, units: list[dict],
               rng) -> None:
    rows = list(csv.DictReader(io.StringIO(src.read_text(encoding="utf-8-sig"))))
    fields = list(rows[0].keys()) if rows else ["unit", "indicator", "year", "value"]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    order: list[tuple] = []
    kept: list[dict] = []
    for r in rows:
        key = (r["indicator"], r.get("category", ""), r["year"])
        if r["unit"] in real_units:
            if key not in groups:
                order.append(key)
            groups[key].append(r)
        elif r["unit"] != region:
            kept.append(r)
    region_rows = {(r["indicator"], r.get("category", ""), r["year"]): r
                   for r in rows if r["unit"] == region}
    out: list[dict] = []
    for key in order:
        sample = groups[key]
        values = [r["value"] for r in sample]
        numbers = [_number(v) for v in values]
        is_class = any(v and n is None for v, n in zip(values, numbers))
        decimals = _decimals([v for v in values if v])
        made = []
        for u in units:
            pick = sample[int(rng.integers(len(sample)))]
            row = {f: "" for f in fields}
            row.update(unit=u["id"], indicator=key[0], year=key[2])
            if "category" in fields:
                row["category"] = key[1]
            if pick.get("flag"):
                row["flag"] = pick["flag"]
            elif is_class:
                row["value"] = pick["value"]
            else:
                base = _number(pick["value"])
                if base is None:
                    row["value"] = ""
                    if "flag" in fields:
                        row["flag"] = "missing"
                else:
                    v = base * float(np.exp(rng.normal(0, 0.25)))
                    if 0 <= base <= 1 and all(0 <= (x or 0) <= 1 for x in numbers):
                        v = min(max(v, 0.0), 1.0)
                    row["value"] = f"{round(v, decimals):.{decimals}f}" if decimals else \
                        str(int(round(v)))
            made.append(row)
        out.extend(made)
        reg = region_rows.get(key)
        if reg is not None:
            reg = dict(reg)
            for f in ("line", "note"):
                if f in reg:
                    reg[f] = ""
            real_sum = sum(n for n in numbers if n is not None)
            region_value = _number(reg["value"])
            new = [_number(r["value"]) for r in made if r.get("value")]
            new = [x for x in new if x is not None]
            if region_value is not None and new and not is_class:
                additive = real_sum and abs(real_sum - region_value) <= 0.1 * abs(region_value)
                v = sum(new) if additive else sum(new) / len(new)
                reg["value"] = f"{round(v, decimals):.{decimals}f}" if decimals else \
                    str(int(round(v)))
            out.append(reg)
    for key, reg in region_rows.items():
        if key not in groups:
            out.append(reg)
    out.extend(kept)
    for r in out:
        for f in ("line", "note"):
            if f in r:
                r[f] = ""
        if r.get("flag") and r.get("value") and _number(r["value"]) is not None \
                and r["flag"] in ("confidential", "nil", "missing"):
            r["value"] = ""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(out)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(buf.getvalue(), encoding="utf-8")


def make_geo(units: list[dict], dst: Path) -> None:
    """A grid of squares, one per unit, somewhere in the steppe."""
    side = math.ceil(math.sqrt(len(units)))
    size = 8.0 / side
    features = []
    for i, u in enumerate(units):
        x0 = 76.0 + (i % side) * size
        y0 = 51.0 - (i // side) * size * 0.7
        ring = [[round(x0, 4), round(y0, 4)], [round(x0 + size, 4), round(y0, 4)],
                [round(x0 + size, 4), round(y0 - size * 0.7, 4)],
                [round(x0, 4), round(y0 - size * 0.7, 4)], [round(x0, 4), round(y0, 4)]]
        # RFC 7946 winds an exterior ring counter-clockwise (south, east, north, west here),
        # as the loader expects: it reverses every ring for d3-geo. Drawn clockwise, each
        # square became the whole globe but itself.
        ring.reverse()
        features.append({"type": "Feature", "properties": {"shapeName": u["name"]["en"],
                                                           "shapeID": u["id"]},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                              separators=(",", ":")), encoding="utf-8")


NARRATIVE = {
    "kk": ["{name} — өңірдің {type_kk} бірлігі. Бұл мәтін бенчмарк үшін жасалған.",
           "Бірліктің кәсіпорындары, жұмыспен қамтылуы және инновациялық белсенділігі "
           "кестелерде берілген. Сандар ойдан шығарылған.",
           "Бұл бетте көрсеткіштер, индекстер және ұсыныстар бар."],
    "ru": ["{name} — {type_ru} синтетического региона. Текст создан для бенчмарка.",
           "Предприятия, занятость и инновационная активность единицы приведены в "
           "таблицах. Все числа вымышлены.",
           "На этой странице собраны показатели, индексы и рекомендации."],
    "en": ["{name} is a {type_en} of the synthetic region. This text exists for benchmarks.",
           "Its enterprises, employment and innovation activity are in the tables. Every "
           "number is invented.",
           "This page gathers its indicators, indices and recommendations."],
}
TYPES = {"kk": {"city": "қала", "district": "аудан"}, "ru": {"city": "город", "district": "район"},
         "en": {"city": "city", "district": "district"}}


def make_content(template: Path, dst: Path, units: list[dict], n: int) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("home.yaml", "groups.yaml", "glossary.yaml"):
        shutil.copy(template / name, dst / name)
    recs = _load(template / "recommendations.yaml")
    recs["recommendations"] = [r for r in recs["recommendations"]
                               if all(t == "all" or t in _load(template / "groups.yaml")["groups"]
                                      for t in r.get("targets", []))]
    _dump(dst / "recommendations.yaml", recs)
    charts = _load(template / "charts.yaml")
    charts.pop("pages", None)
    _dump(dst / "charts.yaml", charts)
    for lang in LANGS:
        (dst / lang / "units").mkdir(parents=True, exist_ok=True)
        title = {"kk": f"Синтетикалық өңір ({n} бірлік)", "ru": f"Синтетический регион ({n})",
                 "en": f"Synthetic region ({n} units)"}[lang]
        (dst / lang / "index.md").write_text(
            f"---\ntitle: {title}\n---\n{NARRATIVE[lang][1]}\n", encoding="utf-8")
        for u in units:
            name = u["name"][lang]
            kind = TYPES[lang][u["type"]]
            body = "\n\n".join(p.format(name=name, type_kk=kind, type_ru=kind, type_en=kind)
                               for p in NARRATIVE[lang])
            (dst / lang / "units" / f"{u['id']}.md").write_text(
                f"---\ntitle: {name}\n---\n{body}\n", encoding="utf-8")


def make_region(n: int, out: Path, seed: int = 1, template: Path = ROOT) -> Path:
    """Write a synthetic project of ``n`` units into ``out``; returns its site.yaml."""
    if n < 2:
        raise ValueError("a region needs at least two units (Aimaq compares units)")
    rng = np.random.default_rng(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    data_src = template / "data" / EDITION
    data = out / "data" / EDITION
    content_src = template / "content" / EDITION
    units_doc, units = make_units(_load(data_src / "units.yaml"), n, rng)
    _dump(data / "units.yaml", units_doc)
    real = {a["id"] for a in _load(data_src / "units.yaml")["areas"] if a.get("kind") == "unit"}
    region = units_doc["region"]
    for name in ("indicators.yaml", "sources.yaml"):
        shutil.copy(data_src / name, data / name)
    # No checks.yaml: the bundled checks test printed numbers the synthetic data do not have,
    # and an empty one is an error (it would switch the checks off without a word).
    method = _load(data_src / "methodology.yaml")
    for index in method.get("indices", []):
        index.pop("audit", None)
    _dump(data / "methodology.yaml", method)
    for table in sorted((data_src / "tables").glob("*.csv")):
        make_table(table, data / "tables" / table.name, real, region, units, rng)
    make_geo(units, data / "geo" / "synthetic.geojson")
    make_content(content_src, out / "content" / EDITION, units, n)
    site = _load(template / "site.yaml")
    site["title"] = {"kk": f"Синтетикалық өңір: {n} бірлік", "ru": f"Синтетический регион: {n}",
                     "en": f"Synthetic region: {n} units"}
    site["templates_dir"] = str((template / "templates").resolve())
    site["output_dir"] = "output"
    site["editions"] = [{"id": EDITION, "title": {"kk": "Синтетикалық басылым",
                                                  "ru": "Синтетический выпуск",
                                                  "en": "Synthetic edition"},
                         "data_year": 2020, "published": "2023-06-01"}]
    site.pop("citation", None)
    _dump(out / "site.yaml", site)
    return out / "site.yaml"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int)
    p.add_argument("out")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    print(make_region(args.n, Path(args.out), args.seed))


if __name__ == "__main__":
    main()
