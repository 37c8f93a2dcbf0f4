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


def _unit_maps(cfg: Path) -> dict[str, object]:
    from aimaq.build import make_model, model_editions, plan_site_charts, select_editions

    config = load_config(cfg)
    computed = model_editions(config, select_editions(config))
    assert computed is not None
    plan = plan_site_charts(make_model(computed["2023"]))
    return {c.highlight: c for c in plan.all()
            if c.id.startswith("unit-map-") and c.lang == "en"}


def test_unit_maps_of_a_large_region_cost_a_page_the_same_at_any_size(tmp_path):
    """However many units, a profile's map is the region's map (one image per language)
    with the unit outlined: its spec names the shared base only and its table the units
    near it, so a unit page does not grow with the region (no units × units);
    ``extent: neighbours`` still draws the unit and its neighbours only, live."""
    cfg = make_region(48, tmp_path / "site", seed=3)
    maps = _unit_maps(cfg)
    assert len(maps) == 48
    bases = {id(c.base) for c in maps.values()}
    assert len(bases) == 1
    for unit, chart in maps.items():
        assert chart.drawn == "overlay" and chart.spec == {"$base": "unit-map",
                                                            "highlight": unit}
        assert unit in {r["unit"] for r in chart.records()} and len(chart.data) == 20
    charts_yaml = tmp_path / "site/content/2023/charts.yaml"
    charts = yaml.safe_load(charts_yaml.read_text(encoding="utf-8"))
    charts["unit_map"]["extent"] = "neighbours"
    charts_yaml.write_text(yaml.safe_dump(charts, allow_unicode=True), encoding="utf-8")
    for unit, chart in _unit_maps(cfg).items():
        shown = {f["properties"]["unit"] for f in chart.spec["datasets"]["geo"]}
        assert chart.drawn == "live" and unit in shown and 2 <= len(shown) <= 16


def _rows(**walls: float) -> dict[str, dict]:
    return {"bundled: cold": {"wall": 9.5, "cpu": 16.0, "output_mb": 29.0, "peak_mib": 500},
            "bundled: warm": {"wall": 0.4, "peak_mib": 500},
            "bundled: md changed (serve)": {"wall": 0.35, "peak_mib": 500},
            **{f"synthetic {n}": {"wall": w, "peak_mib": 4200 if n == 2000 else 900}
               for n, w in ((100, walls.get("s100", 10.0)), (2000, walls.get("s2000", 119.0)))}}


YARD = {"hugo": {"pages": 2000, "wall": 0.2, "per_page": 0.0001, "cpu": 0.4},
        "hugo+pagefind": {"pages": 2000, "wall": 0.4, "per_page": 0.0002, "cpu": 0.8},
        "mkdocs": {"pages": 2000, "wall": 20.0, "per_page": 0.01, "cpu": 20.0},
        "aimaq": {"pages": 2000, "wall": 11.0, "per_page": 0.0055, "cpu": 12.0}}


def test_the_target_table_checks_every_target_of_the_issue():
    """Each target of issue #20 with its limit: cold ≤ 10 s wall and ≤ 15 CPU s, warm ≤ 1 s,
    output ≤ 30 MB, a Markdown edit under serve ≤ 0.3 s, 2,000 units ≤ 120 s and ≤ 4 GiB,
    time per unit flat within ±25 %, plain pages ≤ 3× Hugo (+ Pagefind, the search index
    MkDocs and Aimaq build too) and ≤ 0.5× MkDocs; bare Hugo and the marginal cost of a
    unit are shown beside them, as information."""
    from run import INFO, targets

    met = {what: ok for what, _, ok in targets(_rows(), YARD, [100, 2000])}
    assert set(met) == {
        "bundled site cold, wall", "bundled site cold, CPU (workers included)",
        "bundled site warm", "bundled site output (du)",
        "one Markdown page changed (aimaq serve)", "synthetic 2000 units × 3 languages cold",
        "synthetic 2000: peak memory (tree PSS)", "time per unit, 100 → 2000 units",
        "time per unit, marginal (information)", "plain page vs hugo + pagefind",
        "plain page vs bare hugo (information)", "plain page vs mkdocs"}
    assert met["time per unit, marginal (information)"] == INFO
    assert met["plain page vs bare hugo (information)"] == INFO
    # 100 units in 10 s and 2,000 in 119 s: 100 ms → 59.5 ms a unit, -40 %: not flat.
    assert met["time per unit, 100 → 2000 units"] is False
    assert met["bundled site cold, wall"] is True
    assert met["bundled site cold, CPU (workers included)"] is False       # 16 > 15
    assert met["bundled site output (du)"] is True
    assert met["one Markdown page changed (aimaq serve)"] is False         # 0.35 > 0.3
    assert met["synthetic 2000 units × 3 languages cold"] is True
    assert met["synthetic 2000: peak memory (tree PSS)"] is False          # 4.1 GiB
    assert met["plain page vs hugo + pagefind"] is False                   # 27.5×
    assert met["plain page vs mkdocs"] is False                            # 0.55× > 0.5×
    flat = {w: ok for w, _, ok in targets(_rows(s100=100.0, s2000=2100.0), YARD, [100, 2000])}
    assert flat["time per unit, 100 → 2000 units"] is True                 # +5 %
    fast = dict(YARD, aimaq={"pages": 2000, "wall": 0.9, "per_page": 0.00045})
    ok = {w: v for w, _, v in targets(_rows(), fast, [100, 2000])}
    assert ok["plain page vs hugo + pagefind"] is True and ok["plain page vs mkdocs"] is True
    # 2.25× Hugo + Pagefind, 4.5× bare Hugo: the target compares like with like.
    text = {w: v for w, v, _ in targets(_rows(), fast, [100, 2000])}
    assert text["plain page vs hugo + pagefind"].startswith("2.25× hugo+pagefind's")
    assert text["plain page vs bare hugo (information)"].startswith("4.50× hugo's")


def test_the_marginal_cost_of_a_unit_is_the_slope_between_sizes():
    """(T(b) − T(a)) / (b − a) between consecutive sizes, beside the issue's wall / n."""
    from run import marginal_line, targets

    assert marginal_line({100: 20.0, 500: 50.0, 2000: 270.0}) == \
        "100 → 500: 75 ms; 500 → 2000: 147 ms"
    rows = dict(_rows(), **{"synthetic 500": {"wall": 50.0, "peak_mib": 900}})
    lines = {w: v for w, v, _ in targets(rows, YARD, [100, 500, 2000])}
    assert lines["time per unit, marginal (information)"].startswith(
        "100 → 500: 100 ms; 500 → 2000: 46 ms")


def test_targets_a_small_run_does_not_measure_say_so():
    """``--sizes 20 50`` cannot judge the 2,000-unit targets: they read 'not measured'."""
    from run import targets

    rows = {k: v for k, v in _rows().items() if not k.startswith("synthetic")}
    rows["synthetic 20"] = {"wall": 20.0, "peak_mib": 300}
    rows["synthetic 50"] = {"wall": 50.0, "peak_mib": 400}
    checks = {what: (value, ok) for what, value, ok in targets(rows, {}, [20, 50])}
    assert checks["synthetic 2000 units × 3 languages cold"] == (
        "not measured (target ≤ 120 s)", None)
    assert checks["synthetic 2000: peak memory (tree PSS)"][1] is None
    assert checks["time per unit, 20 → 50 units"][1] is None       # not the target's sizes
    assert checks["plain page vs mkdocs"] == ("not measured (target ≤ 0.5×)", None)


def test_a_tiny_bench_measures_wall_cpu_memory_and_output(tmp_path):
    """One scenario run as ``make bench`` runs it (a child process): the plain-page site of
    4 pages. Only that every measurement is there, never how long it took."""
    from run import report, run_child

    row = run_child("plain", "4")
    assert row["pages"] >= 4 and row["charts"] == 0
    assert row["wall"] > 0 and row["cpu"] > 0 and row["peak_mib"] > 0
    assert row["output_mb"] > 0
    assert {"load", "render", "search", "links", "write"} <= set(row["stages"])
    row["name"] = "plain 4"
    md = tmp_path / "RESULTS.md"
    md.write_text("# old\n\n## Notes\n\nKept between runs.\n", encoding="utf-8")
    report([row], {}, [], tmp_path / "results.json", md)
    text = md.read_text(encoding="utf-8")
    assert "| plain 4 |" in text and "CPU s" in text and "output MB" in text
    assert text.endswith("## Notes\n\nKept between runs.\n")
    assert "| synthetic 2000 units × 3 languages cold | not measured" in text
