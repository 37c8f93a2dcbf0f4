"""Command line: the only module that talks to the terminal.

    aimaq new DIR [--languages kk,ru,en] [--title TEXT]      (a starter project to edit)
    aimaq build [--config site.yaml] [--edition E] [--drafts] [--out DIR]
    aimaq check [--config site.yaml] [--edition E] [--drafts] (writes nothing; exit 1 on problems)
    aimaq freeze E [--config site.yaml]                     (lock an edition's inputs and results)
    aimaq new-edition ID [--from E] [--config site.yaml]    (scaffold the next edition, as a draft)
    aimaq compute [--config site.yaml] [--edition E] [--data DIR] --out DIR
    aimaq serve [--config site.yaml] [--port 8000] [--out DIR]  (preview in .cache/serve/)
    aimaq --version

Only this module prints: the pipeline reports progress through a callback.

A user's mistake prints one paragraph naming the file, the line or row and the fix, and
exits with status 1; a bug in Aimaq itself still shows its traceback.

SIGTERM and SIGINT (Ctrl+C) stop a command cleanly: the signal is raised as
:class:`Interrupted` where the command is, so its pools are stopped and its staging folder
removed on the way out (``output/`` keeps the previous build); it prints one line,
"aimaq: interrupted", and exits with 128 + the signal's number (130, 143), as shells do.
A second signal during that clean-up is ignored, so the clean-up is not cut short.
"""
from __future__ import annotations

import argparse
import atexit
import os
import signal
import sys
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from .build import build, compute_indices
from .check import check
from .config import load_config
from .data.load import load_dataset
from .editions.lock import freeze
from .editions.scaffold import new_edition
from .errors import AimaqError
from .indices.api import compute_to_dir
from .serve import Preview
from .starter import create, parse_languages

if TYPE_CHECKING:                   # rich is imported when a progress bar is shown
    from rich.progress import Progress, TaskID


class BuildDisplay:
    """Build progress on the terminal: a progress bar when stderr is a terminal, plain
    lines (one per stage) when it is not or when the CI variable is set."""

    LABELS = {"strings": "reading interface words", "data": "reading data",
              "checks": "running data checks", "content": "reading content",
              "compute": "computing indices",
              "plan": "planning pages", "render": "rendering pages",
              "search": "indexing for search", "links": "checking links",
              "write": "writing files"}

    def __init__(self, stream=None, fancy: bool | None = None, lines: bool = True):
        if fancy is None:
            fancy = sys.stderr.isatty() and not os.environ.get("CI")
        self.fancy = fancy
        # The bar is drawn on stderr; plain lines go to stdout with the summary, so stderr
        # holds only errors. ``lines=False`` keeps a plain run quiet (aimaq check in a hook).
        self.stream = stream or (sys.stderr if fancy else sys.stdout)
        self.lines = lines
        self.stage: str | None = None
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> BuildDisplay:
        if self.fancy:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.description:<26}"),
                                BarColumn(), TextColumn("{task.fields[count]:>9}"),
                                TimeElapsedColumn(),
                                console=Console(file=self.stream, force_terminal=True),
                                transient=True)
            self.bar.start()
            self.task = self.bar.add_task("starting", total=None, count="")
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, p) -> None:
        label = self.LABELS.get(p.stage, p.stage)
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, description=label, completed=p.done, total=p.total,
                            count=f"{p.done}/{p.total}" if p.total > 1 else "")
            return
        if p.stage != self.stage and self.lines:
            self.stage = p.stage
            count = f" ({p.total})" if p.total > 1 else ""
            print(f"aimaq: {label}{count}", file=self.stream, flush=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _build(args: argparse.Namespace) -> int:
    with BuildDisplay() as display:
        report = build(args.config, Path(args.out) if args.out else None, args.edition,
                       progress=display, drafts=args.drafts)
    index = report.output / "index.html"
    for warning in report.warnings:
        print(f"warning: {warning}")
    if report.up_to_date:
        print(f"Nothing changed since the last build: {report.output} is up to date "
              f"({_plural(report.pages, 'page')}, {_plural(report.charts, 'chart')}, "
              f"{_plural(len(report.editions), 'edition')}: {', '.join(report.editions)}; "
              f"checked in {report.seconds:.2f} s).")
        print(f"Open {index.resolve().as_uri()}")
        return 0
    print(f"Built {_plural(report.pages, 'page')} and {_plural(report.charts, 'chart')} "
          f"({report.files} files, {report.checks} data checks) in {report.seconds:.1f} s, "
          f"{_plural(len(report.warnings), 'warning')}; "
          f"{_plural(len(report.editions), 'edition')}: {', '.join(report.editions)}.")
    if args.profile:
        print_profile(report)
    print(f"Open {index.resolve().as_uri()}")
    return 0


#: Pipeline stages, grouped as the benchmark reports them (generator.build's stage names).
PROFILE_GROUPS = [("load", ("data", "checks", "content")), ("compute", ("compute", "protect",
                  "compare")), ("plan", ("plan",)), ("charts", ("charts",)), ("svg", ("svg",)),
                  ("render", ("render",)), ("search", ("search",)), ("links", ("links",)),
                  ("write", ("write",))]


def profile_rows(stages: dict[str, float]) -> list[tuple[str, float]]:
    """Seconds per stage group; stages not in a group are listed under their own name."""
    rows = [(name, sum(stages.get(s, 0.0) for s in members)) for name, members in
            PROFILE_GROUPS]
    known = {s for _, members in PROFILE_GROUPS for s in members}
    rows += [(s, t) for s, t in stages.items() if s not in known]
    return rows


def print_profile(report) -> None:
    total = report.seconds or 1.0
    print(f"{'stage':<10}{'seconds':>9}{'share':>8}")
    for name, seconds in profile_rows(report.stages):
        print(f"{name:<10}{seconds:>9.2f}{seconds / total:>8.0%}")
    print(f"{'total':<10}{report.seconds:>9.2f}"
          f"   ({report.pages} pages: {1000 * report.seconds / max(report.pages, 1):.1f} ms "
          "per page)")


def _check(args: argparse.Namespace) -> int:
    with BuildDisplay(lines=False) as display:
        report = check(args.config, args.edition, progress=display, drafts=args.drafts)
    for problem in report.problems:
        print(f"error: {problem}", file=sys.stderr)
    for skipped in report.skipped:
        print(f"not checked: {skipped}", file=sys.stderr)
    if report.problems:
        print(f"aimaq check: {_plural(len(report.problems), 'problem')}"
              + (f" in edition{'s' if ',' in report.edition else ''} {report.edition}"
                 if report.edition else "") + ".",
              file=sys.stderr)
        return 1
    print(f"Edition{'s' if ',' in report.edition else ''} {report.edition}: "
          f"{report.checks} data checks, "
          f"{_plural(report.pages, 'page')} rendered in memory, links and anchors resolve, "
          "every content page is translated. No problems found.")
    return 0


def _compute(args: argparse.Namespace) -> int:
    if args.data:
        data_dir = Path(args.data)
        edition = args.edition
        if not data_dir.is_dir():
            raise AimaqError("no such data folder", data_dir, None,
                             "give a folder that holds <edition>/units.yaml and the other files")
        if edition is None:
            editions = sorted(p.name for p in data_dir.iterdir() if p.is_dir())
            if len(editions) != 1:
                raise AimaqError(f"{data_dir} holds editions {editions}", data_dir, None,
                                 "name one with --edition")
            edition = editions[0]
    else:
        config = load_config(args.config)
        data_dir = config.data_path
        edition = config.edition(args.edition).id
    summary = compute_to_dir(data_dir, edition, Path(args.out))
    print(summary)
    return 0


def _freeze(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    edition = config.edition(args.edition_id)
    results = compute_indices(load_dataset(config.data_path, edition.id, base=config.root,
                                           languages=config.languages))
    path, lock, changes = freeze(config, edition.id, results)
    rel = path.relative_to(config.root)
    sealed = f", sealing {_plural(len(changes), 'change')} recorded as errata" if changes else ""
    print(f"Froze edition {edition.id}: {_plural(len(lock.files), 'input file')} and "
          f"{len(lock.indices)} {'index' if len(lock.indices) == 1 else 'indices'} locked in {rel}{sealed}. Commit it; "
          "'aimaq check' and 'aimaq build' now stop if the edition changes without an "
          "erratum.")
    return 0


def _new_edition(args: argparse.Namespace) -> int:
    made = new_edition(args.config, args.edition_id, args.source)
    root = made.data.parent.parent
    rel = lambda p: Path(p).relative_to(root) if Path(p).is_relative_to(root) else p  # noqa: E731
    if made.froze:
        print(f"Froze edition {made.source} first ({rel(made.froze)}), so its numbers stay "
              "as published.")
    print(f"Created draft edition {made.edition} from {made.source}:\n"
          f"  {rel(made.content)}/   content, copied (narrative, recommendations, glossary, "
          "charts)\n"
          f"  {rel(made.data)}/   methodology, units, indicators, sources, checks copied; "
          f"{_plural(len(made.tables), 'table')} with headers only\n"
          f"  site.yaml        edition {made.edition} added with draft: true\n"
          "Next steps:\n"
          f"  1. Enter the new numbers in {rel(made.data)}/tables/*.csv (one row per unit, "
          "indicator and year).\n"
          f"  2. Update data_year, published and the texts under {rel(made.content)}/.\n"
          f"  3. Preview: aimaq build --drafts  (or aimaq serve --edition {made.edition})\n"
          f"  4. Check:   aimaq check --drafts\n"
          f"  5. Publish: set draft: false for {made.edition} in site.yaml; it becomes the "
          f"current edition and {made.source} is archived.")
    return 0


def _new(args: argparse.Namespace) -> int:
    made = create(args.folder, parse_languages(args.languages), args.title)
    print(f"Created a starter site in {made.root} ({len(made.files)} files, languages "
          f"{', '.join(made.languages)}): an invented example region to replace with yours.\n"
          "Next steps:\n"
          f"  cd {made.root}\n"
          "  aimaq check     validate data, content and translations\n"
          "  aimaq serve     preview on http://127.0.0.1:8000 while you edit\n"
          "  aimaq build     the complete site in output/\n"
          "README.md in the new folder says which file holds what.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    def show(result) -> None:
        if result.error is not None:
            print(f"error: {result.error}", file=sys.stderr, flush=True)
            print("(the server keeps running; the browser shows the error until it is fixed)",
                  file=sys.stderr, flush=True)
            return
        what = "built" if result.full else "rebuilt"
        print(f"{what} {_plural(len(result.rendered), 'page')}, wrote "
              f"{_plural(len(result.written) + len(result.removed), 'file')} "
              f"in {result.seconds:.2f} s", flush=True)

    preview = Preview(args.config, port=args.port, output=Path(args.out) if args.out else None,
                      edition_id=args.edition, on_rebuild=show)
    try:
        url = preview.start()
    except OSError as err:
        raise AimaqError(f"cannot listen on 127.0.0.1:{args.port} ({err.strerror})", None,
                         None, "choose another port with --port") from None
    print(f"Serving {preview.output} at {url} — pages reload when you save a file "
          "(Ctrl+C stops)", flush=True)
    try:
        preview.run()
    finally:
        preview.close()
    return 0


def installed_version() -> str:
    """The version pip installed (from the package metadata, i.e. pyproject.toml); a
    checkout run without installing has none."""
    try:
        return version("aimaq")
    except PackageNotFoundError:
        return "(not installed: run pip install .)"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aimaq", description="Build a static report site of "
                                "regional development statistics.")
    p.add_argument("--version", action="version", version=f"aimaq {installed_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--config", default="site.yaml", help="path to site.yaml")
        sp.add_argument("--edition", help="edition id (default: every published edition; "
                        "serve and compute: the current one)")

    w = sub.add_parser("new", help="create a starter project (an invented example region) "
                       "that builds and passes 'aimaq check' as it is")
    w.add_argument("folder", metavar="DIR", help="a new or empty folder")
    w.add_argument("--languages", default="kk,ru,en",
                   help="site languages, the first is the default (default: kk,ru,en)")
    w.add_argument("--title", help="the site's title (default: an example title per language)")
    w.set_defaults(func=_new)

    b = sub.add_parser("build", help="build the site into the output folder")
    common(b)
    b.add_argument("--out", help="output folder (default: output_dir of site.yaml)")
    b.add_argument("--drafts", action="store_true", help="also build draft editions")
    b.add_argument("--profile", action="store_true",
                   help="print the time each pipeline stage took")
    b.set_defaults(func=_build)

    c = sub.add_parser("check", help="validate config, data, content, methodology, links "
                       "and translations; write nothing")
    common(c)
    c.add_argument("--drafts", action="store_true", help="also check draft editions")
    c.set_defaults(func=_check)

    f = sub.add_parser("freeze", help="lock an edition: record the SHA-256 of its inputs "
                       "and computed indices in editions/<E>.lock.yaml")
    f.add_argument("edition_id", metavar="EDITION")
    f.add_argument("--config", default="site.yaml", help="path to site.yaml")
    f.set_defaults(func=_freeze)

    n = sub.add_parser("new-edition", help="scaffold the next edition from the current one "
                       "(as a draft)")
    n.add_argument("edition_id", metavar="ID", help="the new edition's id, e.g. 2024")
    n.add_argument("--from", dest="source", help="edition to start from (default: current)")
    n.add_argument("--config", default="site.yaml", help="path to site.yaml")
    n.set_defaults(func=_new_edition)

    m = sub.add_parser("compute", help="compute every index and its audit as CSV")
    common(m)
    m.add_argument("--data", help="a data folder holding <edition>/ (default: from site.yaml)")
    m.add_argument("--out", required=True, help="folder for indices.csv and audit.csv")
    m.set_defaults(func=_compute)

    s = sub.add_parser("serve", help="build, serve on 127.0.0.1, rebuild and reload on change")
    common(s)
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--out", help="folder for the preview (default: .cache/serve/ in the "
                   "project; never output_dir, which holds only complete builds)")
    s.set_defaults(func=_serve)
    return p


def _shown(err: AimaqError) -> AimaqError:
    """``err`` with its file relative to the current folder when it lies inside it, as
    the user typed it (``data/2023/checks.yaml``, not ``/home/…/data/2023/checks.yaml``)."""
    if err.file is not None and Path(err.file).is_absolute():
        try:
            err.file = Path(err.file).relative_to(Path.cwd())
        except ValueError:
            pass
    return err


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGINT arrived: unwinds the command like Ctrl+C, remembering which."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _on_signal(signum: int, frame) -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)       # the clean-up runs to its end
    raise Interrupted(signum)


def _handle_signals() -> dict:
    """Route SIGTERM and SIGINT to :func:`_on_signal`; returns the handlers it replaced.
    Only the main thread may set handlers (a test calling main() from a thread keeps
    Python's default)."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, _on_signal) for sig in STOP_SIGNALS}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    previous = _handle_signals()
    try:
        return args.func(args)
    except AimaqError as err:
        print(f"error: {_shown(err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as stop:
        signum = getattr(stop, "signum", signal.SIGINT)
        print("aimaq: interrupted", file=sys.stderr, flush=True)
        return 128 + int(signum)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run() -> None:
    """The ``aimaq`` command and ``python -m aimaq``: :func:`main`, then exit at once.

    A build leaves a large heap behind (its pages, caches, the libraries' modules); the
    interpreter's shutdown frees it object by object, about 0.5 s of CPU after 2,000 pages
    (a quarter of a millisecond a page), for nothing. So once the exit handlers have run
    (pools stopped, temporary folders removed) and the output is flushed, the process
    ends without that teardown. When another thread is still running, it exits the
    ordinary way, which waits for it."""
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):       # a closed pipe: nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
