"""``make bench``: time Aimaq on the bundled site and on synthetic regions, with Hugo and
MkDocs as yardsticks, and check the targets of docs (bench/RESULTS.md).

    python bench/run.py [--sizes 100 500 2000] [--json bench/results.json] [--md bench/RESULTS.md]

Each scenario runs in its own process (so peak memory is its own, counted over the process
and the workers it starts, sampled from /proc), and reports wall seconds and CPU seconds
(user + system of the build and every worker and program it started: on a shared machine
CPU is what another run can compare), plus the size of the output folder as ``du`` counts
it: the bundled site cold
(empty cache) and warm (nothing changed), one Markdown page and one CSV changed (the
incremental rebuild of ``aimaq serve``, and a full ``aimaq build`` after the change), and
synthetic regions of N units in three languages, built cold. Generated projects live in a
temporary folder and are deleted. Absolute times depend on the machine; the ratios between
scenarios and to the yardsticks, measured in one run, are what count.

The yardsticks build the largest region's unit narratives as plain pages (English, no
charts) with Hugo, MkDocs and Aimaq itself, each a whole cold build, best of three. They
build the same product: MkDocs builds its search index (its default ``search`` plugin) and
Aimaq builds one (Pagefind), so Hugo, which has no search of its own, is timed as its
documented way to get one: ``hugo``, then Pagefind (the same program Aimaq runs) over its
output. The plain-page target compares with Hugo + Pagefind; bare Hugo is timed too and
its ratio reported beside it, for information. ``--yardsticks-only`` times them again and
keeps the scenario rows of the last ``--json``.
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


def cpu_seconds() -> float:
    """User + system seconds of this process and of its children that have ended (pool
    workers, Pagefind, the chart workers: a build waits for all of them before it returns,
    so a difference of two readings around a build counts its workers too)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def du_bytes(folder: Path) -> int:
    """The disk space of a folder's files, as ``du`` counts it (allocated blocks)."""
    total = 0
    for p in folder.rglob("*"):
        try:
            st = p.lstat()
        except OSError:
            continue
        total += st.st_blocks * 512
    return total


class Timer:
    """Wall and CPU seconds (:func:`cpu_seconds`) of the block it wraps."""

    def __enter__(self) -> Timer:
        self.t0, self.c0 = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = cpu_seconds() - self.c0


def _build(cfg: Path) -> dict:
    from aimaq.build import build
    from aimaq.cli import profile_rows

    with Timer() as t:
        report = build(cfg)
    return {"pages": report.pages, "charts": report.charts, "wall": t.wall, "cpu": t.cpu,
            "output_mb": du_bytes(report.output) / 1e6,
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
    if kind == "plain":
        src = work / "src"
        return _build(_plain_site(work / "plain", _unit_pages(int(arg), src)) / "site.yaml")
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
    with Timer() as t:
        result = session.build([changed])
    if result.error is not None:
        raise SystemExit(str(result.error))
    return {"pages": len(result.rendered), "charts": 0, "wall": t.wall, "cpu": t.cpu,
            "stages": {}}


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


#: Hugo's page: its <main> is what Pagefind indexes, as on Aimaq's pages.
HUGO_LAYOUT = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{{ .Title }}</title></head><body><main data-pagefind-body><h1>{{ .Title }}</h1>
{{ .Content }}</main>
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


def tool(name: str) -> str:
    """A yardstick's program: beside this Python (``make bench`` installs them into the
    project's environment), else on PATH."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.is_file() else shutil.which(name)
    if found is None:
        raise SystemExit(f"bench: {name} not found beside {sys.executable} or on PATH "
                         "(make bench installs it: pip install -r requirements/bench.lock)")
    return found


def yardsticks(n: int, runs: int = 3) -> dict:
    """Seconds per page of Hugo, MkDocs and Aimaq itself on the N synthetic unit pages as
    plain Markdown (one language, no charts), each a cold build, best of ``runs``: wall
    seconds, and the CPU seconds (user + system, its threads and children included) of the
    run with the least CPU."""
    out = {}
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
        hugo_out = tmp / "hugo-out"
        hugo_cmd = [tool("hugo"), "--quiet", "-d", str(hugo_out)]
        for name, cmds, cwd, outputs in yardstick_commands(hugo, hugo_cmd, hugo_out, mk,
                                                           tmp / "mk-out", aim):
            wall = cpu = float("inf")
            for _ in range(runs):
                for folder in (cwd / ".cache", *outputs):           # every run is cold
                    shutil.rmtree(folder, ignore_errors=True)
                with Timer() as t:
                    for cmd in cmds:
                        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
                        if proc.returncode != 0:
                            raise SystemExit(f"{name} failed: {proc.stderr[-2000:]}")
                wall, cpu = min(wall, t.wall), min(cpu, t.cpu)
            out[name] = {"pages": len(pages), "wall": wall, "per_page": wall / len(pages),
                         "cpu": cpu, "cpu_per_page": cpu / len(pages)}
    return out


#: The yardstick the plain-page target compares with: Hugo and the search index it
#: documents (Pagefind over its output), the product MkDocs and Aimaq build.
HUGO_SEARCH = "hugo+pagefind"


def pagefind_command(site: Path) -> list[str]:
    """Pagefind over a built site, as Aimaq runs it (aimaq.site.search): the same
    program, from the ``pagefind`` package of this Python."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path",
            str(site / "pagefind"), "--quiet"]


def yardstick_commands(hugo: Path, hugo_cmd: list[str], hugo_out: Path, mk: Path,
                       mk_out: Path, aim: Path
                       ) -> list[tuple[str, list[list[str]], Path, tuple[Path, ...]]]:
    """(name, the commands of one cold build, run in, the folders they write)."""
    return [
        ("hugo", [hugo_cmd], hugo, (hugo_out,)),
        (HUGO_SEARCH, [hugo_cmd, pagefind_command(hugo_out)], hugo, (hugo_out,)),
        ("mkdocs", [[tool("mkdocs"), "build", "-q", "-d", str(mk_out)]], mk, (mk_out,)),
        # The package this Python imports (the checkout's, under make bench).
        ("aimaq", [[sys.executable, "-m", "aimaq", "build", "--config", "site.yaml"]], aim,
         (aim / "output",)),
    ]


# -- the table ---------------------------------------------------------------------------------


def table(rows: list[dict]) -> str:
    head = ["scenario", "pages", "charts", "wall s", "CPU s", "ms/page", "peak MiB",
            "output MB", *STAGES]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        per = 1000 * r["wall"] / r["pages"] if r["pages"] else 0
        st = r.get("stages", {})
        lines.append("| " + " | ".join([
            r["name"], str(r["pages"]), str(r["charts"]), f"{r['wall']:.2f}",
            f"{r['cpu']:.2f}" if "cpu" in r else "", f"{per:.1f}", f"{r['peak_mib']:.0f}",
            f"{r['output_mb']:.1f}" if "output_mb" in r else "",
            *[f"{st[s]:.2f}" if s in st else "" for s in STAGES]]) + " |")
    return "\n".join(lines)


#: The targets of issue #20, each (what, limit). The limits live here only.
LIMITS = {"cold wall": 10.0, "cold cpu": 15.0, "warm": 1.0, "output": 30.0, "serve md": 0.3,
          "big wall": 120.0, "big memory": 4.0, "per unit": 0.25, "hugo": 3.0, "mkdocs": 0.5}
#: The sizes the time-per-unit and 2,000-unit targets are defined at.
UNITS_FROM, UNITS_TO = 100, 2000


#: ``met`` of a line that is no target, only shown beside one so nothing is hidden.
INFO = "info"


def targets(rows: dict[str, dict], yard: dict,
            sizes: list[int]) -> list[tuple[str, str, bool | str | None]]:
    """Every target of the issue: (what, measured, met). ``met`` is None where this run
    did not measure it (a synthetic size below the target's, a row of an older run), and
    :data:`INFO` on the informational lines beside a target."""
    out: list[tuple[str, str, bool | str | None]] = []

    def add(what: str, row: str, key: str, limit: float, unit: str = "s",
            scale: float = 1.0) -> None:
        r = rows.get(row)
        if r is None or key not in r:
            out.append((what, f"not measured (target ≤ {limit:g} {unit})", None))
            return
        value = r[key] / scale
        out.append((what, f"{value:.2f} {unit} (target ≤ {limit:g} {unit})", value <= limit))

    add("bundled site cold, wall", "bundled: cold", "wall", LIMITS["cold wall"])
    add("bundled site cold, CPU (workers included)", "bundled: cold", "cpu",
        LIMITS["cold cpu"], "CPU s")
    add("bundled site warm", "bundled: warm", "wall", LIMITS["warm"])
    add("bundled site output (du)", "bundled: cold", "output_mb", LIMITS["output"], "MB")
    add("one Markdown page changed (aimaq serve)", "bundled: md changed (serve)", "wall",
        LIMITS["serve md"])
    big = f"synthetic {UNITS_TO}"
    add(f"synthetic {UNITS_TO} units × 3 languages cold", big, "wall", LIMITS["big wall"])
    add(f"synthetic {UNITS_TO}: peak memory (tree PSS)", big, "peak_mib", LIMITS["big memory"],
        "GiB", 1024)
    per_unit = {n: rows[f"synthetic {n}"]["wall"] / n for n in sizes
                if f"synthetic {n}" in rows}
    if len(per_unit) >= 2:
        lo_n, hi_n = min(per_unit), max(per_unit)
        lo, hi = per_unit[lo_n], per_unit[hi_n]
        spread = hi / lo - 1
        at_target = lo_n <= UNITS_FROM and hi_n >= UNITS_TO
        out.append((f"time per unit, {lo_n} → {hi_n} units",
                    f"{1000 * lo:.0f} → {1000 * hi:.0f} ms ({spread:+.0%}, target within "
                    f"±{LIMITS['per unit']:.0%} from {UNITS_FROM} to {UNITS_TO})",
                    abs(spread) <= LIMITS["per unit"] if at_target else None))
        # Beside it, not instead of it: the cost of one more unit between two sizes, which
        # the fixed costs (start-up, the region's own pages) do not blur.
        walls = {n: rows[f"synthetic {n}"]["wall"] for n in sorted(per_unit)}
        out.append(("time per unit, marginal (information)",
                    marginal_line(walls) + " (T(b) − T(a)) / (b − a)", INFO))
    else:
        out.append(("time per unit", "not measured (needs two synthetic sizes)", None))
    # The same plain pages through each tool: whole cold builds, start-up included. The
    # target's Hugo builds a search index too, as MkDocs and Aimaq do; bare Hugo's ratio
    # is shown beside it.
    for what, name, limit in (("plain page vs hugo + pagefind", HUGO_SEARCH, LIMITS["hugo"]),
                              ("plain page vs bare hugo (information)", "hugo", None),
                              ("plain page vs mkdocs", "mkdocs", LIMITS["mkdocs"])):
        goal = f"target ≤ {limit:g}×" if limit is not None else "no target: no search index"
        if name not in yard or "aimaq" not in yard:
            out.append((what, f"not measured ({goal})", None))
            continue
        ratio = yard["aimaq"]["per_page"] / yard[name]["per_page"]
        cpu = ""
        if "cpu" in yard["aimaq"] and "cpu" in yard[name]:
            cpu = f"; CPU {yard['aimaq']['cpu'] / yard[name]['cpu']:.2f}×"
        out.append((what, f"{ratio:.2f}× {name}'s time per page ({goal}){cpu}",
                    ratio <= limit if limit is not None else INFO))
    return out


def marginal_line(walls: dict[int, float]) -> str:
    """'100 → 500: 88 ms; 500 → 2000: 140 ms': the wall seconds one more unit costs
    between consecutive sizes, in milliseconds."""
    sizes = sorted(walls)
    return "; ".join(f"{a} → {b}: {1000 * (walls[b] - walls[a]) / (b - a):.0f} ms"
                     for a, b in zip(sizes, sizes[1:]))


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
    p.add_argument("--plain-pages", type=int, default=2000,
                   help="pages of the plain-page yardstick (the targets are set at 2,000)")
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
        rows, sizes = run_scenarios(args.sizes, args.plain_pages), args.sizes
    print(f"bench: yardsticks (Hugo, MkDocs, Aimaq) on {args.plain_pages} plain pages ...",
          file=sys.stderr, flush=True)
    report(rows, yardsticks(args.plain_pages), sizes, Path(args.json), Path(args.md))


def run_scenarios(sizes: list[int], plain: int) -> list[dict]:
    scenarios = [("bundled: cold", "cold", ""), ("bundled: warm", "warm", ""),
                 ("bundled: md changed (serve)", "serve-md", ""),
                 ("bundled: csv changed (serve)", "serve-csv", ""),
                 ("bundled: md changed (build)", "build-md", ""),
                 ("bundled: csv changed (build)", "build-csv", "")]
    scenarios += [(f"synthetic {n}", "synthetic", str(n)) for n in sizes]
    # The yardstick's plain pages, built in-process: where their time goes, by stage.
    scenarios.append((f"plain {plain}", "plain", str(plain)))
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
    pages = next(iter(yard.values()))["pages"] if yard else 0
    met = {True: "yes", False: "**no**", None: "not run", INFO: "(no target)"}
    text = [table(rows), "",
            f"Yardsticks on {pages} synthetic unit pages (plain Markdown, one language, no "
            "charts; a whole cold build, start-up included, best of 3): "
            + "; ".join(f"{k} {v['wall']:.2f} s wall ({1000 * v['per_page']:.2f} ms/page)"
                        + (f", {v['cpu']:.2f} s CPU" if "cpu" in v else "")
                        for k, v in yard.items()), "",
            "| target | measured | met |", "|---|---|---|",
            *[f"| {what} | {value} | {met[ok]} |" for what, value, ok in checks], "",
            f"Machine: {machine()}"]
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
