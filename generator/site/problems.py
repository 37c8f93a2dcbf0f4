"""Where a broken link comes from: the Markdown line that wrote it, or the template line
that makes it, so ``aimaq check`` and a failed build name a file and a line."""
from __future__ import annotations

import posixpath
from pathlib import Path

import jinja2.meta

from ..errors import Problem
from . import inputs as page_inputs
from . import render


def _line_of(path: Path, needles: list[str]) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for needle in needles:
        if not needle:
            continue
        for n, line in enumerate(lines, start=1):
            if needle in line:
                return n
    return None


def _templates_of(env, name: str, seen: set[str]) -> list[str]:
    """A template and every template it extends or includes, in that order."""
    if name in seen:
        return []
    seen.add(name)
    out = [name]
    try:
        source = env.loader.get_source(env, name)[0]
        refs = jinja2.meta.find_referenced_templates(env.parse(source))
    except Exception:       # a missing or broken template is reported by the render stage
        return out
    for ref in refs:
        if ref:
            out.extend(_templates_of(env, ref, seen))
    return out


def _needles(href: str) -> list[str]:
    path, _, fragment = href.partition("#")
    out = [href]
    if fragment:
        out += [f"#{fragment}", fragment]
    last = posixpath.basename(path.rstrip("/")) if path else ""
    if last and last != "index.html":
        out.append(last)
    return out


def link_problems(broken, site, specs) -> list[Problem]:
    """Broken links as problems at their source: the Markdown line that wrote the link, or
    the template line that makes it. A link broken on many pages is reported once."""
    root = site.config.root
    templates = site.config.templates_path
    env = render.environment(templates)
    by_path = {s.path: s for s in specs}
    grouped: dict[tuple[str, int, str, str], list[str]] = {}
    for b in broken:
        spec = by_path.get(b.page)
        file: Path | None = None
        line: int | None = None
        if spec is not None:
            for md in page_inputs.markdown_files(spec.context, root):
                line = _line_of(Path(md), [b.target])
                if line:
                    file = Path(md)
                    break
            if file is None:
                chain = _templates_of(env, spec.template, set())
                for name in chain:
                    line = _line_of(templates / name, _needles(b.target))
                    if line:
                        file = templates / name
                        break
                else:
                    file, line = templates / spec.template, 1
        if file is None:
            file, line = Path(site.config.output_dir) / b.page, 1
        try:
            shown = str(Path(file).resolve().relative_to(root))
        except ValueError:
            shown = str(file)
        grouped.setdefault((shown, line or 1, b.target, b.reason), []).append(b.page)
    out = []
    for (shown, line, target, reason), on_pages in grouped.items():
        where = on_pages[0] + (f" and {len(on_pages) - 1} more page(s)"
                               if len(on_pages) > 1 else "")
        out.append(Problem(shown, line, f"broken link {target!r} on {where}: {reason}",
                           "correct the link"))
    return out
