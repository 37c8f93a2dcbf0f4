"""Command line: the only module that talks to the terminal.

    aimaq build [--config site.yaml] [--edition E] [--out DIR]
    aimaq check [--config site.yaml] [--edition E]
    aimaq compute [--config site.yaml] [--edition E] [--data DIR] --out DIR
    aimaq serve [--config site.yaml] [--port 8000]

A user's mistake prints one paragraph naming the file, the line or row and the fix, and
exits with status 1; a bug in Aimaq itself still shows its traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import AimaqError


def _build(args: argparse.Namespace) -> int:
    from .build import build

    report = build(args.config, Path(args.out) if args.out else None, args.edition)
    index = report.output / "index.html"
    print(f"Built {report.pages} pages ({report.files} files, {report.checks} data checks) "
          f"in {report.seconds:.1f} s.")
    for warning in report.warnings:
        print(f"warning: {warning}")
    print(f"Open {index.resolve().as_uri()}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .build import check_results_summary, gather
    from .config import load_config

    config = load_config(args.config)
    edition, dataset, results, content = gather(config, args.edition)
    passed, declared = check_results_summary(results)
    print(f"Edition {edition.id}: {len(dataset.units)} units, {len(dataset.indicators)} "
          f"indicators, {len(dataset.observations)} values in {len(dataset.tables)} tables, "
          f"{len(content.pages)} content pages.")
    print(f"Data checks: {passed} pass, {declared} fail as declared in checks.yaml.")
    print("No problems found.")
    return 0


def _compute(args: argparse.Namespace) -> int:
    from .config import load_config

    try:
        from .indices.api import compute_to_dir
    except ImportError:  # pragma: no cover - until the index engine exists
        raise AimaqError("the index engine is not available in this installation") from None
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


def _serve(args: argparse.Namespace) -> int:
    import functools
    import http.server

    from .build import build

    report = build(args.config)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(report.output))
    with http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler) as server:
        print(f"Serving {report.output} at http://127.0.0.1:{args.port}/ (Ctrl+C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aimaq", description="Build a static report site of "
                                "regional development statistics.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp):
        sp.add_argument("--config", default="site.yaml", help="path to site.yaml")
        sp.add_argument("--edition", help="edition id (default: the current edition)")

    b = sub.add_parser("build", help="build the site into the output folder")
    common(b)
    b.add_argument("--out", help="output folder (default: output_dir of site.yaml)")
    b.set_defaults(func=_build)

    c = sub.add_parser("check", help="validate config, data and content; write nothing")
    common(c)
    c.set_defaults(func=_check)

    m = sub.add_parser("compute", help="compute every index and its audit as CSV")
    common(m)
    m.add_argument("--data", help="a data folder holding <edition>/ (default: from site.yaml)")
    m.add_argument("--out", required=True, help="folder for indices.csv and audit.csv")
    m.set_defaults(func=_compute)

    s = sub.add_parser("serve", help="build, then serve the site locally")
    common(s)
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except AimaqError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
