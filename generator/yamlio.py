"""YAML loading that remembers where every value came from.

Config, data and methodology files are YAML an economist edits by hand; a mistake must be
reported at its line. PyYAML's composer keeps the position of every node, so we compose the
node tree once, build plain Python data from it and keep a map from key paths to lines.
The tree is composed by libyaml (PyYAML's C parser) where it is installed: seven times
faster, the same nodes and the same marks.

Inputs are bounded: a file larger than :data:`MAX_BYTES`, nesting deeper than
:data:`MAX_DEPTH`, an alias that contains itself, or aliases that would expand to more than
:data:`MAX_ALIAS_NODES` values (the "billion laughs" of a few hundred bytes) are errors
at their line, found before any memory is spent on them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import AimaqError

KeyPath = tuple[Any, ...]


#: Largest YAML file read (bytes): hand-written config and data are far smaller.
MAX_BYTES = 20_000_000
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 64
#: Values an alias may add by repeating what its anchor holds, over the whole file.
MAX_ALIAS_NODES = 100_000


def _dates_as_text(base: type) -> type:
    """``base`` keeping YAML 1.2-style strings for dates (``2023-01-01`` stays text):
    editions and periods are labels, not datetimes."""
    loader = type(f"Aimaq{base.__name__}", (base,), {})
    loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in base.yaml_implicit_resolvers.items()}
    return loader


#: PyYAML's pure-Python loader, and the one used: libyaml's parser where it is installed.
_PureLoader = _dates_as_text(yaml.SafeLoader)
_Loader = _dates_as_text(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


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


class _Walk:
    """Plain data from a composed node tree, with the line of every key path.

    An alias is the same node object as its anchor; expanding it again is what a YAML
    bomb abuses, so the values added by aliases are counted against
    :data:`MAX_ALIAS_NODES`."""

    def __init__(self, loader: Any, file: Path, lines: dict[KeyPath, int]):
        self.loader = loader
        self.file = file
        self.lines = lines
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.repeated = 0

    def error(self, node: yaml.Node, message: str, fix: str) -> AimaqError:
        return AimaqError(message, self.file, node.start_mark.line + 1, fix)

    def __call__(self, node: yaml.Node, path: KeyPath, depth: int = 0) -> Any:
        if id(node) in self.seen:
            # An alias: its key's line, not its anchor's, is where this value is written.
            self.lines.setdefault(path, node.start_mark.line + 1)
            self.repeated += 1
            if self.repeated > MAX_ALIAS_NODES:
                raise self.error(node, f"aliases (*name) in this file repeat more than "
                                 f"{MAX_ALIAS_NODES:,} values; the anchor (&name) at this line "
                                 "is one of them (a file like this can exhaust the memory)",
                                 "write the values out, or use fewer, smaller aliases")
        else:
            self.lines[path] = node.start_mark.line + 1
            self.seen.add(id(node))
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.loader.construct_object(node, deep=True)
        if depth >= MAX_DEPTH:
            raise self.error(node, f"the values are nested more than {MAX_DEPTH} levels deep",
                             "flatten the structure")
        if id(node) in self.open:
            raise self.error(node, "an alias (*name) refers to the anchor (&name) that "
                             "contains it, so the value would never end",
                             "remove the alias or move it out of its anchor's value")
        self.open.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self(item, path + (i,), depth + 1)
                        for i, item in enumerate(node.value)]
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.error(key_node, "a key must be a plain name, not a list or "
                                     "a mapping", "write the key as text followed by ':'")
                key = self.loader.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key == "<<":
                    raise AimaqError("YAML merge keys (<<) are not supported", self.file,
                                     line, "write the keys out")
                if key in out:
                    raise AimaqError(f"key {key!r} appears twice in the same mapping",
                                     self.file, line, "remove one of them")
                self.lines[path + (key,)] = line
                out[key] = self(value_node, path + (key,), depth + 1)
            return out
        finally:
            self.open.discard(id(node))


def parse_yaml(text: str, path: Path) -> YamlDoc:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        data = _Walk(loader, path, lines)(node, ()) if node is not None else None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character or "\0")
        raise AimaqError(f"this is not valid YAML (a control character, #x{char:04x}, that "
                         "YAML does not allow)", path, line,
                         "delete the invisible character on this line (retype the line)") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or str(exc)
        raise AimaqError(f"this is not valid YAML ({problem})", path, line,
                         "check indentation, colons and quotes around this line") from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        # Unmarked errors (a bad tag's value, an out-of-range number in a timestamp-like
        # scalar) are rare; they are still the file's fault, not Aimaq's.
        raise AimaqError(f"this is not valid YAML ({exc})", path, None,
                         "check the file's syntax") from None
    finally:
        loader.dispose()
    return YamlDoc(path=path, data=data, lines=lines)


def load_yaml(path: Path | str) -> YamlDoc:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise AimaqError(f"the file is {size:,} bytes; YAML files are read up to "
                             f"{MAX_BYTES:,} bytes", path, None,
                             "split it, or check that it is the file you meant")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AimaqError("file not found", path, None,
                         "create it or correct the path that points to it") from None
    except UnicodeDecodeError as exc:
        raise AimaqError(f"the file is not UTF-8 text (byte {exc.start})", path, None,
                         "save it as UTF-8") from None
    except OSError as exc:
        raise AimaqError(f"cannot read the file ({exc.strerror or exc})", path, None,
                         "check that it is a readable file") from None
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
