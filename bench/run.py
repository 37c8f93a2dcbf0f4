"""``make bench``: time Aimaq on the bundled site and on synthetic regions, with Hugo and
MkDocs as yardsticks, and check the targets of docs (bench/RESULTS.md).

    python bench/run.py [--sizes 100 500 2000] [--json bench/results.json] [--md bench/RESULTS.md]

Each scenario runs in its own process (so peak memory is its own, counted over the process
and the workers it starts, sampled from /proc): the bundled site cold
(empty cache) and warm (nothing changed), one Markdown page and one CSV changed (the
incremental rebuild of ``aimaq serve``, and a full ``aimaq build`` after the change), and
synthetic regions of N units in three languages, built cold. Generated projects live in a
temporary folder and are deleted. Absolute times depend on the machine; the ratios between
scenarios and to the yardsticks, measured in one run, are what count.

The yardsticks build the largest region's unit narratives as plain pages (English, no
charts) with Hugo, MkDocs and Aimaq itself, each a whole cold build, best of three; the
plain-page targets compare those three. ``--yardsticks-only`` times them again and keeps the
scenario rows of the last ``--json``.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

STAGES = ["load", "compute", "plan", "charts", "svg", "render", "search", "links", "write"]

# -- one scenario, in a child process ------------------------------------------------------


def _copy_bundled(dest: Path) -> Path:
    for name in ("site.yaml", "data", "content", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / name)
    return dest / "site.yaml"


def _peak_mib() -> float:
    """The largest of: this process's peak, any finished child's peak, and the sampled
    sum over this process and its live workers (:class:`TreeMemory`)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own / 1024, kids / 1024, TREE.peak_mib)


class TreeMemory(threading.Thread):
    """Samples the memory of this process and all its descendants (the chart and page
    workers run beside it, so their memory adds up) from /proc."""

    def __init__(self, every: float = 0.25) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.peak_mib = 0.0

    @staticmethod
    def _tree(pid: int) -> list[int]:
        out, todo = [], [pid]
        while todo:
            p = todo.pop()
            out.append(p)
            for task in Path(f"/proc/{p}/task").glob("*/children"):
                try:
                    todo += [int(c) for c in task.read_text().split()]
                except OSError:
                    pass
        return out

    @staticmethod
    def _rss_kib(pid: int) -> int:
        """Proportional set size: memory shared by forked workers counts once in all
        (their plain RSS would count it once per worker)."""
        for name, field in ((f"/proc/{pid}/smaps_rollup", "Pss:"),
                            (f"/proc/{pid}/status", "VmRSS:")):
            try:
                for line in Path(name).read_text().splitlines():
                    if line.startswith(field):
                        return int(line.split()[1])
            except OSError:
                continue
        return 0

    def run(self) -> None:
        if not Path("/proc/self/status").exists():
            return
        me = os.getpid()
        while True:
            total = sum(self._rss_kib(p) for p in self._tree(me))
            self.peak_mib = max(self.peak_mib, total / 1024)
            time.sleep(self.every)


TREE = TreeMemory()


def _build(cfg: Path) -> dict:
    from aimaq.build import build
    from aimaq.cli import profile_rows

    t0 = time.perf_counter()
    report = build(cfg)
    wall = time.perf_counter() - t0
    return {"pages": report.pages, "charts": report.charts, "wall": wall,
            "stages": dict(profile_rows(report.stages))}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def one(kind: str, arg: str, work: Path) -> dict:
    """Run one scenario in ``work``; returns its measurements."""
    if kind == "synthetic":
        from synth import make_region

        cfg = make_region(int(arg), work / "site")
        return _build(cfg)
    cfg = _copy_bundled(work)
    if kind == "cold":
        return _build(cfg)
    _build(cfg)                                   # fill the caches
    if kind == "warm":
        return _build(cfg)
    md = work / "content/2023/en/units/abai.md"
    csv = work / "data/2023/tables/t25_resources.csv"
    if kind == "build-md":
        _edit(md, "\n\n", "\n\nA sentence added for the benchmark.\n\n")
        return _build(cfg)
    if kind == "build-csv":
        text = csv.read_text(encoding="utf-8").splitlines()
        head, *rows = text
        csv.write_text("\n".join([head, *rows[1:], rows[0]]) + "\n", encoding="utf-8")
        return _build(cfg)
    from aimaq.serve import Session

    session = Session(cfg, work / "preview")
    session.build()
    if kind == "serve-md":
        _edit(md, "\n\n", "\n\nA sentence added for the benchmark.\n\n")
        changed = md
    else:
        text = csv.read_text(encoding="utf-8").splitlines()
        head, *rows = text
        csv.write_text("\n".join([head, *rows[1:], rows[0]]) + "\n", encoding="utf-8")
        changed = csv
    t0 = time.perf_counter()
    result = session.build([changed])
    wall = time.perf_counter() - t0
    if result.error is not None:
        raise SystemExit(str(result.error))
    return {"pages": len(result.rendered), "charts": 0, "wall": wall, "stages": {}}


def _child(kind: str, arg: str) -> None:
    TREE.start()
    with tempfile.TemporaryDirectory(prefix="aimaq-bench-") as tmp:
        out = one(kind, arg, Path(tmp))
    out["peak_mib"] = _peak_mib()
    print("BENCH " + json.dumps(out))


def run_child(kind: str, arg: str = "") -> dict:
    proc = subprocess.run([sys.executable, __file__, "_one", kind, arg], capture_output=True,
                          text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"benchmark {kind} {arg} failed:\n{proc.stdout[-2000:]}"
                         f"\n{proc.stderr[-4000:]}")
    return json.loads(lines[-1][6:])


# -- yardsticks --------------------------------------------------------------------------------


HUGO_LAYOUT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>{{ .Content }}</main>
</body></html>
"""


def _unit_pages(n: int, dest: Path) -> list[Path]:
    """The N synthetic unit narratives (English), as plain Markdown files."""
    from synth import make_region

    make_region(n, dest / "site")
    return sorted((dest / "site/content/2023/en/units").glob("*.md"))


PLAIN_DATA = {
    "units.yaml": {"region": "plain", "areas": [
        {"id": "plain", "kind": "region", "name": {"en": "Plain region"}},
        {"id": "one", "kind": "unit", "type": "district", "name": {"en": "One"}},
        {"id": "two", "kind": "unit", "type": "district", "name": {"en": "Two"}}]},
    "indicators.yaml": {"measures": {"count": {"en": "units"}}, "indicators": [
        {"id": "firms", "name": {"en": "Enterprises"}, "measure": "count",
         "direction": "higher", "decimals": 0}]},
    "sources.yaml": {"documents": [{"id": "doc", "file": "doc.txt", "title": {"en": "Source"},
                                    "author": "Bench", "year": 2023}],
                     "tables": [{"id": "t1", "document": "doc", "number": "1",
                                 "title": {"en": "Enterprises"}}]},
}


def _plain_site(root: Path, pages: list[Path]) -> Path:
    """An Aimaq project whose only content is the N Markdown pages (one language, as
    ``pages/<slug>.md``), with the least data a project needs and no charts or indices."""
    import yaml

    data = root / "data/2023"
    (data / "tables").mkdir(parents=True)
    for name, doc in PLAIN_DATA.items():
        (data / name).write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    (data / "tables/t1.csv").write_text("unit,indicator,year,value\none,firms,2020,1\n"
                                        "two,firms,2020,2\n", encoding="utf-8")
    content = root / "content/2023/en"
    (content / "pages").mkdir(parents=True)
    (content / "index.md").write_text("---\ntitle: Plain pages\n---\nPlain pages.\n",
                                      encoding="utf-8")
    for p in pages:
        shutil.copy(p, content / "pages" / p.name)
    site = {"title": {"en": "bench"}, "description": {"en": "bench"}, "languages": ["en"],
            "default_language": "en", "base_url": "/",
            "templates_dir": str(ROOT / "templates"),
            "editions": [{"id": "2023", "title": {"en": "2023"}, "data_year": 2020}]}
    (root / "site.yaml").write_text(yaml.safe_dump(site), encoding="utf-8")
    return root


def yardsticks(n: int) -> dict:
    """Seconds per page of Hugo, MkDocs and Aimaq itself on the N synthetic unit pages as
    plain Markdown (one language, no charts), each a cold build, best of three."""
    out = {}
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="aimaq-yard-") as tmp:
        tmp = Path(tmp)
        pages = _unit_pages(n, tmp)
        hugo = tmp / "hugo"
        (hugo / "content/units").mkdir(parents=True)
        (hugo / "layouts/_default").mkdir(parents=True)
        (hugo / "hugo.toml").write_text('title = "bench"\ndisableKinds = ["taxonomy", "term", '
                                        '"RSS", "sitemap", "robotsTXT"]\n')
        for name in ("single.html", "list.html"):
            (hugo / "layouts/_default" / name).write_text(HUGO_LAYOUT)
        (hugo / "layouts/index.html").write_text(HUGO_LAYOUT)
        for p in pages:
            shutil.copy(p, hugo / "content/units" / p.name)
        mk = tmp / "mkdocs"
        (mk / "docs").mkdir(parents=True)
        (mk / "mkdocs.yml").write_text("site_name: bench\n")
        (mk / "docs/index.md").write_text("# bench\n")
        for p in pages:
            shutil.copy(p, mk / "docs" / p.name)
        aim = _plain_site(tmp / "aimaq", pages)
        for name, cmd, cwd in (
                ("hugo", [str(bin_dir / "hugo"), "--quiet", "-d", str(tmp / "hugo-out")], hugo),
                ("mkdocs", [str(bin_dir / "mkdocs"), "build", "-q", "-d", str(tmp / "mk-out")],
                 mk),
                ("aimaq", [str(bin_dir / "aimaq"), "build", "--config", "site.yaml"], aim)):
            best = None
            for _ in range(3):
                shutil.rmtree(cwd / ".cache", ignore_errors=True)     # every run is cold
                shutil.rmtree(cwd / "output", ignore_errors=True)
                t0 = time.perf_counter()
                proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
                dt = time.perf_counter() - t0
                if proc.returncode != 0:
                    raise SystemExit(f"{name} failed: {proc.stderr[-2000:]}")
                best = dt if best is None else min(best, dt)
            out[name] = {"pages": len(pages), "wall": best, "per_page": best / len(pages)}
    return out


# -- the table ---------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    head = ["scenario", "pages", "charts", "wall s", "ms/page", "peak MiB", *STAGES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        per = 1000 * r["wall"] / r["pages"] if r["pages"] else 0
        st = r.get("stages", {})
        lines.append("| " + " | ".join([
            r["name"], str(r["pages"]), str(r["charts"]), f"{r['wall']:.2f}", f"{per:.1f}",
            f"{r['peak_mib']:.0f}", *[f"{st[s]:.2f}" if s in st else "" for s in STAGES]])
            + " |")
    return "\n".join(lines)


def targets(rows: dict[str, dict], yard: dict, sizes: list[int]) -> list[tuple[str, str, bool]]:
    out = []

    def add(what: str, value: float, limit: float, unit: str = "s") -> None:
        out.append((what, f"{value:.2f} {unit} (target ≤ {limit:g} {unit})", value <= limit))

    add("bundled site cold", rows["bundled: cold"]["wall"], 10)
    add("bundled site warm", rows["bundled: warm"]["wall"], 1)
    add("one Markdown page changed (aimaq serve)", rows["bundled: md changed (serve)"]["wall"],
        0.3)
    big = f"synthetic {max(sizes)}"
    if max(sizes) >= 2000:
        add(f"{big} units × 3 languages cold", rows[big]["wall"], 120)
        add(f"{big}: peak memory", rows[big]["peak_mib"] / 1024, 4, "GiB")
    per_unit = {n: rows[f"synthetic {n}"]["wall"] / n for n in sizes}
    lo, hi = per_unit[min(sizes)], per_unit[max(sizes)]
    spread = hi / lo - 1
    out.append((f"time per unit, {min(sizes)} → {max(sizes)} units",
                f"{1000 * lo:.0f} → {1000 * hi:.0f} ms ({spread:+.0%}, target within ±25 %)",
                abs(spread) <= 0.25))
    # The same plain pages through each tool: whole cold builds, start-up included.
    plain_per_page = yard["aimaq"]["per_page"]
    for name, limit in (("hugo", 3.0), ("mkdocs", 1.0)):
        ratio = plain_per_page / yard[name]["per_page"]
        out.append((f"plain page vs {name}", f"{ratio:.1f}× {name}'s time per page "
                    f"(target ≤ {limit:g}×)", ratio <= limit))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_one":
        _child(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")
        return
    p = argparse.ArgumentParser(description="Aimaq benchmarks")
    p.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    p.add_argument("--json", default=str(ROOT / "bench/results.json"))
    p.add_argument("--md", default=str(ROOT / "bench/RESULTS.md"))
    p.add_argument("--yardsticks-only", action="store_true",
                   help="time only the yardsticks again; the scenario rows are read from --json "
                        "(the yardstick ratios come from one run either way)")
    args = p.parse_args()

    if args.yardsticks_only:
        saved = json.loads(Path(args.json).read_text(encoding="utf-8"))
        rows = saved["rows"]
        sizes = sorted(int(r["name"].split()[-1]) for r in rows
                       if r["name"].startswith("synthetic "))
    else:
        rows, sizes = run_scenarios(args.sizes), args.sizes
    print(f"bench: yardsticks (Hugo, MkDocs, Aimaq) on {max(sizes)} plain pages ...",
          file=sys.stderr, flush=True)
    report(rows, yardsticks(max(sizes)), sizes, Path(args.json), Path(args.md))


def run_scenarios(sizes: list[int]) -> list[dict]:
    scenarios = [("bundled: cold", "cold", ""), ("bundled: warm", "warm", ""),
                 ("bundled: md changed (serve)", "serve-md", ""),
                 ("bundled: csv changed (serve)", "serve-csv", ""),
                 ("bundled: md changed (build)", "build-md", ""),
                 ("bundled: csv changed (build)", "build-csv", "")]
    scenarios += [(f"synthetic {n}", "synthetic", str(n)) for n in sizes]
    rows = []
    for name, kind, arg in scenarios:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        r = run_child(kind, arg)
        r["name"] = name
        rows.append(r)
    return rows


def report(rows: list[dict], yard: dict, sizes: list[int], json_path: Path,
           md: Path) -> None:
    """Print the table and the targets; write them as JSON and into RESULTS.md (whose notes
    are kept)."""
    by_name = {r["name"]: r for r in rows}
    checks = targets(by_name, yard, sizes)
    text = [table(rows), "",
            f"Yardsticks on the {yard['hugo']['pages']} synthetic unit pages (plain Markdown, "
            "one language, no charts; a whole cold build, best of 3): "
            + "; ".join(f"{k} {v['wall']:.2f} s ({1000 * v['per_page']:.2f} ms/page)"
                        for k, v in yard.items()), "",
            "| target | measured | met |", "|---|---|---|",
            *[f"| {what} | {value} | {'yes' if ok else '**no**'} |"
              for what, value, ok in checks], "", f"Machine: {machine()}"]
    print("\n".join(text))
    json_path.write_text(json.dumps({"machine": machine(), "rows": rows,
                                           "yardsticks": yard,
                                           "targets": [{"target": w, "measured": v, "met": ok}
                                                       for w, v, ok in checks]},
                                          indent=2) + "\n")
    notes = ""
    if md.is_file():
        old = md.read_text(encoding="utf-8")
        marker = "\n## Notes\n"
        notes = old[old.index(marker):] if marker in old else ""
    md.write_text("# Benchmark results\n\nWritten by `make bench` (bench/run.py); the notes "
                  "below the table are kept between runs.\n\n" + "\n".join(text) + "\n"
                  + notes, encoding="utf-8")


if __name__ == "__main__":
    main()
