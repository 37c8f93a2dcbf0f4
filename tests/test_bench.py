"""The benchmark's synthetic regions are valid Aimaq projects for any number of units, and
a warm build (every cache full) writes exactly the files of a cold one. (Timings live in
bench/, never in tests.)"""
from __future__ import annotations

import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from aimaq.build import build, compute_indices
from aimaq.config import load_config
from aimaq.data.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from synth import make_region  # noqa: E402


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_synthetic_region_needs_two_units(tmp_path):
    with pytest.raises(ValueError, match="two units"):
        make_region(1, tmp_path / "site")


@pytest.mark.parametrize("n", [2, 7, 40])
def test_synthetic_region_is_valid_for_any_size(tmp_path, n):
    cfg = make_region(n, tmp_path / "site", seed=n)
    config = load_config(cfg)
    ds = load_dataset(config.data_path, "2023", base=config.root)
    assert len(ds.units) == n
    assert ds.region == "east-kazakhstan"
    # Every unit-level series of the bundled site exists for every synthetic unit.
    real = load_dataset(ROOT / "data", "2023", base=ROOT)
    real_units = set(real.unit_ids())
    wanted = {(r.indicator, r.category, int(r.year)) for r in real.observations.itertuples()
              if r.unit in real_units}
    have = ds.observations[ds.observations["unit"].isin(ds.unit_ids())]
    for key, rows in have.groupby(["indicator", "category", "year"]):
        assert len(rows) == n, key
    assert len({(i, c, int(y)) for i, c, y in
                have[["indicator", "category", "year"]].itertuples(index=False)}) == len(wanted)
    geo = json.loads((config.data_path / "2023/geo/synthetic.geojson").read_text())
    assert len(geo["features"]) == n
    for lang in ("kk", "ru", "en"):
        assert len(list((config.content_path / f"2023/{lang}/units").glob("*.md"))) == n


def test_synthetic_region_computes_its_indices(tmp_path):
    cfg = make_region(23, tmp_path / "site")
    config = load_config(cfg)
    results = compute_indices(load_dataset(config.data_path, "2023", base=config.root))
    assert len(results.indices) == len(compute_indices(
        load_dataset(ROOT / "data", "2023", base=ROOT)).indices)


def test_synthetic_region_is_reproducible(tmp_path):
    a = make_region(9, tmp_path / "a", seed=3).parent
    b = make_region(9, tmp_path / "b", seed=3).parent
    c = make_region(9, tmp_path / "c", seed=4).parent

    def data(root: Path) -> dict[str, str]:
        return {k: v for k, v in tree(root).items() if not k.startswith("site.yaml")}

    assert data(a) == data(b) and data(a) != data(c)


def test_the_plain_page_yardstick_builds_every_page_and_nothing_else(tmp_path):
    """Aimaq's own yardstick site: the same Markdown pages Hugo and MkDocs get, as plain
    pages of a one-language project without charts or indices."""
    from run import _plain_site

    src = tmp_path / "src"
    src.mkdir()
    pages = []
    for i in range(3):
        pages.append(src / f"u{i}.md")
        pages[-1].write_text(f"---\ntitle: Unit {i}\n---\nText of unit {i}.\n")
    root = _plain_site(tmp_path / "aimaq", pages)
    report = build(root / "site.yaml", tmp_path / "out")
    assert report.charts == 0
    for i in range(3):
        html = (tmp_path / f"out/2023/en/u{i}/index.html").read_text()
        assert f"Text of unit {i}." in html
    assert not list((tmp_path / "out").rglob("kk")) and not list((tmp_path / "out").rglob("ru"))


def test_a_warm_build_writes_the_same_files_as_a_cold_one(mini, tmp_path):
    build(mini / "site.yaml", tmp_path / "cold")
    build(mini / "site.yaml", tmp_path / "warm")
    assert tree(tmp_path / "cold") == tree(tmp_path / "warm")


def test_a_warm_build_of_a_site_with_charts_matches_a_cold_one(tmp_path):
    cfg = make_region(6, tmp_path / "site")
    build(cfg, tmp_path / "cold")
    assert any((cfg.parent / ".cache").rglob("*")), "the cold build filled the cache"
    build(cfg, tmp_path / "warm")
    assert tree(tmp_path / "cold") == tree(tmp_path / "warm")
    shutil.rmtree(cfg.parent / ".cache")
    build(cfg, tmp_path / "again")
    assert tree(tmp_path / "again") == tree(tmp_path / "cold")


def _unit_maps(cfg: Path) -> dict[str, set[str]]:
    from aimaq.build import model_editions, plan_site_charts, select_editions

    config = load_config(cfg)
    site = model_editions(config, select_editions(config))["2023"]
    plan = plan_site_charts(site)
    return {c.highlight: {f["properties"]["unit"] for f in c.spec["datasets"]["geo"]}
            for c in plan.all() if c.id.startswith("unit-map-") and c.lang == "en"}


def test_unit_maps_of_a_large_region_show_the_neighbourhood(tmp_path):
    """Above charts.yaml's region_up_to, a profile's map draws the unit and its neighbours
    only, so the size of each map does not grow with the region (no units × units)."""
    cfg = make_region(48, tmp_path / "site", seed=3)
    maps = _unit_maps(cfg)
    assert len(maps) == 48
    for unit, shown in maps.items():
        assert unit in shown
        assert 2 <= len(shown) <= 16, (unit, len(shown))
    charts_yaml = tmp_path / "site/content/2023/charts.yaml"
    charts = yaml.safe_load(charts_yaml.read_text(encoding="utf-8"))
    charts["unit_map"]["extent"] = "region"
    charts_yaml.write_text(yaml.safe_dump(charts, allow_unicode=True), encoding="utf-8")
    assert all(len(shown) == 48 for shown in _unit_maps(cfg).values())
