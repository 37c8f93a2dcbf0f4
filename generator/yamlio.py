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

import difflib
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

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


#: The fix for PyYAML's commonest complaints (by the start of its "problem" text).
_SYNTAX_FIXES = (
    ("mapping values are not allowed", "a ':' inside a value starts a new key: put the "
     "value in quotes, or put the key on a line of its own"),
    ("found character that cannot start any token", "indent with spaces, not tabs, and "
     "put a value that starts with '@', '`' or '%' in quotes"),
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("did not find expected key", "line the keys up: the keys of one mapping start in the "
     "same column"),
    ("did not find expected '-' indicator", "line the list up: every '- item' of one list "
     "starts in the same column, and a key cannot follow it at that column"),
    ("did not find expected ',' or ']'", "close the bracket, and separate the items with "
     "', '"),
    ("did not find expected ',' or '}'", "close the brace, and separate the items with "
     "', '"),
    ("found unexpected end of stream", "close the quote opened on this line"),
    ("found undefined alias", "define the anchor (&name) before the alias (*name), or put "
     "a value that starts with '*' in quotes"),
    ("could not find expected ':'", "write 'key: value' (a colon and a space after the "
     "key), or put the text in quotes"),
)


def syntax_fix(problem: str) -> str:
    """The fix for a YAML syntax error, by what PyYAML says the problem is."""
    for start, fix in _SYNTAX_FIXES:
        if problem.startswith(start):
            return fix
    return "check indentation, colons and quotes around this line"


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
                         syntax_fix(problem)) from None
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


#: The fix for each kind of pydantic error (its ``type``), so the advice fits the mistake:
#: a list written as ``kk, ru`` is told how to write a list, not to rename keys.
_FIXES = {
    "extra_forbidden": "remove the key or correct its spelling (the documented keys are in "
                       "docs/)",
    "string_type": "write text here; put it in quotes if it looks like a number, a date or "
                   "yes/no",
    "int_type": "write a whole number, e.g. 2023",
    "int_parsing": "write a whole number, e.g. 2023",
    "int_from_float": "write a whole number, without a decimal part",
    "float_type": "write a number, e.g. 12.5",
    "float_parsing": "write a number with a decimal point and no thousands separator, "
                     "e.g. 1234.5",
    "finite_number": "write a finite number",
    "bool_type": "write true or false",
    "bool_parsing": "write true or false",
    "list_type": "write a list: one '- item' per line, or [a, b] in brackets (commas "
                 "alone make one text)",
    "tuple_type": "write a list in brackets, e.g. [82.6, 49.9]",
    "too_short": "add the missing items",
    "too_long": "remove the extra items",
    "dict_type": "write 'key: value' pairs indented under this key",
    "model_type": "write 'key: value' pairs indented under this key",
    "model_attributes_type": "write 'key: value' pairs indented under this key",
    "greater_than_equal": "use a larger number",
    "greater_than": "use a larger number",
    "less_than_equal": "use a smaller number",
    "less_than": "use a smaller number",
    "missing_language": "add the text in each missing language (a key per language code "
                        "under this key)",
    "bad_id": "use lowercase letters, digits, '_' or '-' only (e.g. 'east_district')",
    "not_a_site_language": "use one of the codes listed under 'languages', or add it there",
    "date_format": "write the date as YYYY-MM-DD, in quotes (e.g. '2024-03-01')",
}


def _inner(annotation: Any, item: Any) -> Any:
    """The type of the value at ``item`` (a key or an index) inside ``annotation``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _inner(arg, item)
            if found is not None:
                return found
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if item in (name, info.alias):
                return info.annotation
        return None
    args = typing.get_args(annotation)
    if origin in (list, tuple) and isinstance(item, int) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def allowed_keys(model: type[BaseModel] | None, loc: Iterable[Any]) -> list[str]:
    """The keys a mapping at ``loc`` (the path to it) may hold, from the file's schema."""
    annotation: Any = model
    for item in loc:
        if annotation is None:
            return []
        annotation = _inner(annotation, item)
    found = _model_of(annotation)
    if found is None:
        return []
    return [info.alias or name for name, info in found.model_fields.items()
            if not info.exclude]


def _unknown_key_fix(key: Any, keys: list[str]) -> str:
    if not keys:
        return _FIXES["extra_forbidden"]
    close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"{guess}remove the key or correct its spelling; the keys allowed here are " + \
        ", ".join(keys)


def error_fix(err: dict, model: type[BaseModel] | None = None) -> str:
    """The fix for one pydantic error: what to write instead, by the kind of mistake.
    With the file's ``model``, an unknown key is told the keys allowed where it is."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    loc = [x for x in err.get("loc", ()) if not _is_pydantic_tag(x)]
    if kind == "extra_forbidden" and model is not None and loc:
        return _unknown_key_fix(loc[-1], allowed_keys(model, loc[:-1]))
    if kind == "missing":
        key = loc[-1] if loc else "the key"
        return f"add '{key}:' with its value"
    if kind in ("literal_error", "enum"):
        return f"use one of {ctx.get('expected', 'the documented values')}"
    if kind == "string_pattern_mismatch":
        return f"write a value of the form {ctx.get('pattern', 'documented for this key')}"
    if kind in _FIXES:
        return _FIXES[kind]
    # A validator's own message says what is wrong and how to put it right.
    return "correct the value as the message says"


def _error_message(err: dict, where: str) -> str:
    kind = err.get("type", "")
    if kind == "extra_forbidden":
        return f"unknown key '{where}'"
    if kind == "missing":
        return f"missing key '{where}'"
    msg = err.get("msg", "invalid value")
    # pydantic prefixes a validator's message with "Value error, "; the user needs only it.
    msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"'{where}': {msg}"


def validation_error(exc: Exception, doc: YamlDoc, base: KeyPath = (),
                     model: type[BaseModel] | None = None) -> AimaqError:
    """Turn a pydantic ValidationError into an AimaqError at the first bad key's line, with
    the fix for each kind of mistake it holds (``model``: the schema that was validated,
    to name the keys allowed in place of an unknown one)."""
    errors = exc.errors() if hasattr(exc, "errors") else []
    if not errors:
        return AimaqError(str(exc), doc.path, doc.line(*base))
    messages = []
    fixes: list[str] = []
    first_line = None
    for err in errors[:5]:
        loc = tuple(base) + tuple(x for x in err.get("loc", ()) if not _is_pydantic_tag(x))
        if not err.get("loc") and (err.get("ctx") or {}).get("key"):
            # A check of the whole file that names the key it is about (a text missing
            # a language): that key's line, not the top of the file.
            loc = tuple(base) + (err["ctx"]["key"],)
        line = doc.line(*loc)
        if first_line is None:
            first_line = line
        msg = _error_message(err, _loc_text(loc))
        if line is not None and len(errors) > 1:
            msg += f" (line {line})"
        messages.append(msg)
        fix = error_fix(err, model)
        if len(errors) > 1:             # which fix is for which mistake
            fix = f"for '{_loc_text(loc)}', {fix}"
        if fix not in fixes:
            fixes.append(fix)
    if len(errors) > 5:
        messages.append(f"and {len(errors) - 5} more")
    return AimaqError("; ".join(messages), doc.path, first_line, "; ".join(fixes))


def _is_pydantic_tag(item: Any) -> bool:
    # pydantic adds union member names such as 'function-after[...]' to locations
    return isinstance(item, str) and ("[" in item and "]" in item)
