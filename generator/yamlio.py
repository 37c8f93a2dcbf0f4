"""YAML loading that remembers where every value came from.

Config, data and methodology files are YAML an economist edits by hand; a mistake must be
reported at its line. PyYAML's composer keeps the position of every node, so we compose the
node tree once, build plain Python data from it and keep a map from key paths to lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from .errors import AimaqError

KeyPath = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps YAML 1.2-style strings for dates (``2023-01-01`` stays text)."""


# Dates stay strings: editions and periods are labels, not datetimes.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDoc:
    """Plain data of a YAML file plus the line of every node (1-based)."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, *keys: Any) -> int | None:
        """Line of the node at ``keys``; falls back to the nearest existing parent."""
        keys = tuple(keys)
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return self.lines.get((), None)


def _walk(node: yaml.Node, loader: _Loader, path: KeyPath, lines: dict[KeyPath, int],
          file: Path) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key == "<<":
                raise AimaqError("YAML merge keys (<<) are not supported", file,
                                 key_node.start_mark.line + 1, "write the keys out")
            if key in out:
                raise AimaqError(f"key {key!r} appears twice in the same mapping", file,
                                 key_node.start_mark.line + 1, "remove one of them")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, loader, path + (key,), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, loader, path + (i,), lines, file)
                for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, path: Path) -> YamlDoc:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        data = _walk(node, loader, (), lines, path) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise AimaqError(f"this is not valid YAML ({problem})", path, line,
                         "check indentation, colons and quotes around this line") from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise AimaqError(f"this is not valid YAML ({exc})", path, None,
                         "check the file's syntax") from None
    finally:
        loader.dispose()
    return YamlDoc(path=path, data=data, lines=lines)


def load_yaml(path: Path | str) -> YamlDoc:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AimaqError("file not found", path, None,
                         "create it or correct the path that points to it") from None
    except UnicodeDecodeError as exc:
        raise AimaqError(f"the file is not UTF-8 text (byte {exc.start})", path, None,
                         "save it as UTF-8") from None
    return parse_yaml(text, path)


def _loc_text(loc: Iterable[Any]) -> str:
    parts = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else f".{item}")
    return "".join(parts).lstrip(".") or "(top level)"


def validation_error(exc: Exception, doc: YamlDoc, base: KeyPath = ()) -> AimaqError:
    """Turn a pydantic ValidationError into an AimaqError at the first bad key's line."""
    errors = exc.errors() if hasattr(exc, "errors") else []
    if not errors:
        return AimaqError(str(exc), doc.path, doc.line(*base))
    messages = []
    first_line = None
    for err in errors[:5]:
        loc = tuple(base) + tuple(x for x in err.get("loc", ()) if not _is_pydantic_tag(x))
        line = doc.line(*loc)
        if first_line is None:
            first_line = line
        kind = err.get("type", "")
        where = _loc_text(loc)
        if kind == "extra_forbidden":
            msg = f"unknown key '{where}'"
        elif kind == "missing":
            msg = f"missing key '{where}'"
        else:
            msg = f"'{where}': {err.get('msg', 'invalid value')}"
        if line is not None and len(errors) > 1:
            msg += f" (line {line})"
        messages.append(msg)
    if len(errors) > 5:
        messages.append(f"and {len(errors) - 5} more")
    fix = "remove or rename unknown keys; see the documented keys and types"
    if all(e.get("type") == "missing" for e in errors):
        fix = "add the missing key"
    return AimaqError("; ".join(messages), doc.path, first_line, fix)


def _is_pydantic_tag(item: Any) -> bool:
    # pydantic adds union member names such as 'function-after[...]' to locations
    return isinstance(item, str) and ("[" in item and "]" in item)
