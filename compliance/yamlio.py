"""Safe YAML loading that remembers where every value came from and refuses duplicate keys.

PyYAML silently keeps the last of two equal keys; a legal officer who writes ``period`` twice
must be told instead. Positions let later checks report ``file:line:column``. A plain value is a number
or a boolean only when YAML 1.2's core schema says so, never by PyYAML's YAML 1.1 guesses: an id ``0123`` stays
``"0123"`` (not the octal 83), ``12:30:00`` stays text (not 45,000 seconds), ``yes`` and ``on`` stay words.
Documents read at every start (the rule packs, the vocabulary) are kept parsed on disk (``load_yaml_cached``).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import InputError, Problem, quoted, short
from .resources import private_cache, private_file

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node, ScalarNode

Path_ = tuple[Any, ...]
_MAX_NODES = 1_000_000  # alias expansion beyond this is a "billion laughs" document, not data
#: A text longer than this may hold more than _MAX_NODES values (``{a,b,c}`` is a key and an empty value for each
#: two characters), so they are counted as the parser reads them before any is kept: composed, each takes some 360
#: bytes, and a 50 MB file of 25,000,000 values took 9 GB before it could be refused.
_COUNTED_FROM = _MAX_NODES
#: Values nested deeper than this are refused where they are, not by Python's recursion limit (a RecursionError
#: that would stop the whole document); no record, rule or mapping needs a tenth of it.
_MAX_DEPTH = 100
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
#: .nan and .inf are no name, as an id or anywhere (refused as JSON's NaN is).
_NOT_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# YAML 1.2 core schema, less the leading zeros JSON also refuses: 0123 is an id or a code, never a number.
_CORE = {
    "tag:yaml.org,2002:bool": re.compile(r"true|True|TRUE|false|False|FALSE"),
    "tag:yaml.org,2002:int": re.compile(r"[-+]?(?:0|[1-9][0-9]*)|0o[0-7]+|0x[0-9a-fA-F]+"),
    "tag:yaml.org,2002:float": re.compile(
        r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"),
}


@dataclass
class Located:
    """A loaded YAML value and the 1-based (line, column) of each value and mapping key in it."""

    value: Any
    file: str
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # bad scalar values, read as their text
    #: With ``load_yaml(partial=True)``: each value that could not be read, by its path, with its problem (also in
    #: ``problems``): one kept as its text, or one left out (None, or the first of two equal keys' values) because
    #: it could not be read at all (a key given twice, a tag, nesting too deep). A reader of records leaves out the
    #: record that holds one, and reads the others.
    unread: dict[Path_, Problem] = field(default_factory=dict)

    def where(self, path: Path_) -> dict[str, Any]:
        """Keyword arguments for Problem locating ``path``, or its nearest located parent."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        line, column = self.positions.get(path, (None, None))
        return {"file": self.file, "line": line, "column": column}

    def key_where(self, path: Path_) -> dict[str, Any]:
        """Keyword arguments for Problem locating the key that ends ``path`` (where a misspelt key is written)."""
        line, column = self.key_positions.get(tuple(path), (None, None))
        return {"file": self.file, "line": line, "column": column} if line else self.where(path)


class YamlSyntaxError(InputError):
    """The parser stopped at a syntax error, at character ``index`` of the text: nothing after it could be read."""

    def __init__(self, problem: Problem, index: int) -> None:
        super().__init__(problem)
        self.index = index


def list_items(text: str, key: str) -> tuple[list[int], int | None]:
    """Where each item of the document's list begins (the document itself, or the value of its key ``key``), as
    far as the parser reads the text (to a syntax error): the character index of each, and of the end of the list
    where the parser got there. Read from the parser's events, which a syntax error stops only where it is."""
    import yaml

    starts: list[int] = []
    end = None
    stack: list[list[Any]] = []  # each collection open: [a mapping?, children so far, the list?]
    name = None  # the key of the top mapping whose value comes next
    loader = _loader_class()(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                if stack.pop()[2]:
                    end = event.start_mark.index
                continue
            if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.SequenceStartEvent,
                                      yaml.MappingStartEvent)):
                continue
            opens_list = isinstance(event, yaml.SequenceStartEvent)
            if stack:
                parent = stack[-1]
                if parent[2]:
                    starts.append(event.start_mark.index)
                top_key = len(stack) == 1 and parent[0] and parent[1] % 2 == 0
                opens_list = opens_list and len(stack) == 1 and parent[0] and not top_key and name == key
                name = getattr(event, "value", None) if top_key else name
                parent[1] += 1
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                stack.append([isinstance(event, yaml.MappingStartEvent), 0, opens_list])
    except yaml.YAMLError:
        pass  # the syntax error load_yaml reported: the items before it are known
    finally:
        loader.dispose()
    return starts, end


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Unread(Exception):
    """A value that cannot be read where it is; with ``partial``, it is left out and the rest of the document read."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Builder:
    def __init__(self, loader: Any, located: Located, partial: bool = False) -> None:
        import yaml

        self.yaml = yaml
        self.loader = loader
        self.located = located
        self.partial = partial
        self.count = 0
        self.active: set[int] = set()

    def fail(self, node: Node, message: str, hint: str | None = None) -> InputError:
        line, column = _mark(node)
        return InputError(Problem(message, file=self.located.file, line=line, column=column, hint=hint))

    def unread(self, node: Node, message: str, hint: str | None = None, key: Any = None) -> _Unread | InputError:
        """The error for a value that cannot be read: one that ``build`` passes over with ``partial``, or that stops
        the document without. ``key`` names the field (a key given twice)."""
        error = self.fail(node, message, hint)
        if not self.partial:
            return error
        problem = error.problems[0]
        problem.field = key if isinstance(key, str) else None
        return _Unread(problem)

    def build(self, node: Node, path: Path_) -> Any:
        if not self.partial:
            return self.value(node, path)
        try:
            return self.value(node, path)
        except _Unread as exc:
            self.located.problems.append(exc.problem)
            self.located.unread[path] = exc.problem
            return None

    def value(self, node: Node, path: Path_) -> Any:
        yaml = self.yaml
        self.count += 1
        if self.count > _MAX_NODES:
            raise self.fail(node, "document expands to too many values (alias bomb?)")
        self.located.positions[path] = _mark(node)
        if isinstance(node, yaml.ScalarNode):
            if _yaml_1_1_only(node, self.loader):
                return node.value
            if path and path[-1] == "id" and not node.style and node.tag in _NUMBERS and \
                    not _NOT_FINITE.fullmatch(node.value):
                return node.value  # an id is a name: 0x1F, 12.50 and +12 as written, never 31, 12.5 and 12
            if node.tag not in self.loader.yaml_constructors:
                # A tag no safe constructor reads (!!python/name:os.system, !foo), said as it is for a list or a
                # mapping, not in PyYAML's words ("could not determine a constructor ...").
                raise self.unread(node, f"unsupported YAML tag {short(node.tag)}",
                                  "write plain text, numbers and dates", _field(path))
            try:
                return self.loader.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError, TypeError, OverflowError, AttributeError, KeyError) as exc:
                # Keep going with the text as written, so every other problem is reported in the same run. PyYAML
                # fails with AttributeError or KeyError on an explicit tag it cannot read (!!timestamp soon).
                why = (f"not a {node.tag.rsplit(':', 1)[-1]}" if isinstance(exc, (AttributeError, KeyError))
                       else str(exc))
                dated = node.tag.endswith(":timestamp")  # 2019-02-30, or !!timestamp soon
                hint = "dates are written YYYY-MM-DD" if dated else "write the value without its tag"
                digits = node.value.lstrip("+-")
                if isinstance(exc, ValueError) and node.tag in _NUMBERS and digits.isdigit():
                    # More than 4,300 digits, which Python refuses to turn into a number: said as the JSON reader
                    # says it, not in Python's words (its advice is a call to sys.set_int_max_str_digits).
                    why = f"a number of {len(digits):,} digits is too long to read"
                    hint = "write it in quotes if it is text (an id, a team), or leave it out"
                problem = self.fail(node, f"{quoted(node.value)} is not a valid value: {why}", hint).problems[0]
                self.located.problems.append(problem)
                if self.partial:
                    problem.field = _field(path)
                    self.located.unread[path] = problem
                return node.value
        if node.tag not in _PLAIN_TAGS:
            raise self.unread(node, f"unsupported YAML tag {short(node.tag)}", "write plain lists and mappings",
                              _field(path))
        if len(path) > _MAX_DEPTH:
            raise self.unread(node, f"nested more than {_MAX_DEPTH} levels deep", "write plain names, values and lists",
                              _field(path))
        if id(node) in self.active:
            raise self.unread(node, "recursive alias", "an alias (*name) cannot stand inside what it names",
                              _field(path))
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
        finally:
            self.active.discard(id(node))
        raise self.fail(node, f"unsupported YAML node {node.tag}")

    def mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.unread(key_node, "merge keys (<<) are not supported", "write the keys out", _field(path))
            if not isinstance(key_node, self.yaml.ScalarNode):
                raise self.unread(key_node, "a mapping key must be a plain value", None, _field(path))
            key = self.value(key_node, path + ("<key>",))
            try:
                hash(key)
            except TypeError:
                raise self.unread(key_node, "a mapping key must be a plain value", None, _field(path)) from None
            if key in out:
                first = self.located.key_positions[path + (key,)]
                error = self.unread(
                    key_node, f"duplicate key {quoted(key)} (first given at line {first[0]})",
                    "give each key once; a second one would silently replace the first", key,
                )
                if isinstance(error, InputError):
                    raise error
                # The first value is kept and the second not read: the path names the key given twice.
                self.located.problems.append(error.problem)
                self.located.unread[path + (key,)] = error.problem
                continue
            self.located.key_positions[path + (key,)] = _mark(key_node)
            out[key] = self.build(value_node, path + (key,))
        self.located.positions.pop(path + ("<key>",), None)
        return out


def _field(path: Path_) -> str | None:
    """The name a value is given under: the last name in its path (a list's items are under their list's name)."""
    return next((p for p in reversed(path) if isinstance(p, str) and p != "<key>"), None)


def _yaml_1_1_only(node: ScalarNode, loader: Any) -> bool:
    """A plain scalar that YAML 1.1 reads as a number or boolean and YAML 1.2's core schema reads as text.

    Only an untagged one: ``!!int x`` asks for a number, and is a problem when it is not one.
    """
    pattern = _CORE.get(node.tag)
    if node.style or pattern is None or pattern.fullmatch(node.value):
        return False
    return bool(loader.resolve(type(node), node.value, (True, False)) == node.tag)


def _loader_class() -> type:
    """libyaml's parser where it is installed (several times faster); it keeps line and column marks too."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str, file: str, *, strict: bool = True, partial: bool = False) -> Located:
    """Parse one YAML document safely; raise InputError with line and column on any problem.

    With ``strict=False`` a value that cannot be read (a date like 2007-04-31) is kept as its text and
    listed in ``Located.problems``, so a validator can report it alongside everything else. With ``partial`` too
    (a file of records), a value that cannot be read at all (a key given twice, a tag, nesting too deep) is left out
    and listed in ``Located.unread``, so one bad record does not stop the others. What stops the parser (a syntax
    error, an alias bomb) still raises.
    """
    import yaml

    located = Located(None, file)
    if len(text) > _COUNTED_FROM:
        _refuse_too_many(text, file)
    try:
        loader = _loader_class()(text)
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"invalid YAML: {exc}", file=file)) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            located.value = _Builder(loader, located, partial and not strict).build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlSyntaxError(Problem(
            f"invalid YAML: {problem}", file=file,
            line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
            hint="check indentation, colons and quotes",
        ), mark.index if mark else 0) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"invalid YAML: {exc}", file=file)) from None
    except RecursionError:
        raise InputError(Problem("YAML nested too deeply", file=file)) from None
    finally:
        loader.dispose()
    if strict and located.problems:
        raise InputError(*located.problems)
    return located


def _refuse_too_many(text: str, file: str) -> None:
    """Raise InputError at the value past _MAX_NODES, counting the parser's events, which are not kept."""
    import yaml

    loader = _loader_class()(text)
    count = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
                count += 1
                if count > _MAX_NODES:
                    raise InputError(Problem(f"the document holds more than {_MAX_NODES:,} values, too many to read",
                                             file=file, line=event.start_mark.line + 1,
                                             column=event.start_mark.column + 1,
                                             hint="split it into smaller files"))
    except yaml.YAMLError:
        pass  # a syntax error, which the parse that follows reports where it is
    finally:
        loader.dispose()


#: The layout of a document kept parsed on disk; a change to it, to this module or to PyYAML makes a new key.
_CACHE_FORMAT = 1
#: Documents kept: each edit of a rule pack makes a new one, and the oldest beyond these are removed.
_KEPT = 64


def yaml_text(path: Path, what: str) -> str:
    """The text of a rule pack or mapping file, or an InputError saying why it cannot be read: where the file is not
    UTF-8 (as YAML must be), the line and column of the first byte that is not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(Problem(f"cannot read {what}: {exc.strerror or exc}", file=str(path),
                                 hint="check the path and permissions")) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[:exc.start]  # UTF-8 up to the byte: its line's characters before it give the column
        raise InputError(Problem(f"byte 0x{data[exc.start]:02x} is not UTF-8 text", file=str(path),
                                 line=before.count(b"\n") + 1,
                                 column=len(before[before.rfind(b"\n") + 1:].decode("utf-8")) + 1,
                                 hint=f"save the {what} as UTF-8, as YAML files must be")) from None


def load_yaml_cached(text: str, file: str, *, strict: bool = True) -> Located:
    """``load_yaml``, kept on disk as JSON under a key of the text and the parser, so a warm start reads the
    parsed document instead of importing PyYAML and parsing again (some 60 ms for the bundled rules, at every
    command).

    Only a document without problems is kept, so problems are found again each time. A cache folder or file
    another user could write to is not read (resources.private_cache), and one that cannot be read or written,
    whatever is wrong with it, is no error: the text is parsed as if there were no cache.
    """
    key = _parser_key()
    folder = private_cache("yaml") if key is not None else None
    if folder is None or key is None:
        return load_yaml(text, file, strict=strict)
    target = folder / f"{hashlib.sha256(key + text.encode('utf-8', 'surrogatepass')).hexdigest()}.json"
    if private_file(target):
        try:
            return _decoded(json.loads(target.read_text(encoding="utf-8")), file)
        except Exception:  # noqa: BLE001 - any fault in a cache file (even a RecursionError) means: parse again
            pass
    located = load_yaml(text, file, strict=strict)
    if not located.problems:
        _keep(target, located)
    return located


@lru_cache(maxsize=1)
def _parser_key() -> bytes | None:
    """What a parse depends on besides the text: this module, and PyYAML as installed (its ``__init__``, which
    names its version, and whether libyaml's parser is beside it), found without importing it; None where they
    cannot be read."""
    from importlib.util import find_spec

    try:
        spec = find_spec("yaml")
        if spec is None or not spec.origin:
            return None
        package = Path(spec.origin)
        digest = hashlib.sha256(f"{_CACHE_FORMAT}".encode() + Path(__file__).read_bytes() + package.read_bytes())
        digest.update(" ".join(sorted(p.name for p in package.parent.iterdir() if p.name.startswith("_yaml"))).encode())
    except (OSError, ValueError, ImportError):
        return None
    return digest.digest()


def _keep(target: Path, located: Located) -> None:
    """Write a parsed document for the next start (readable by this user alone), and remove the oldest kept
    beyond _KEPT; silently skipped where that cannot be done."""
    from .atomic import write_atomic

    try:
        write_atomic(target, json.dumps(_encoded(located), separators=(",", ":")), private=True)
        kept = sorted(target.parent.iterdir(), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in kept[_KEPT:]:
            old.unlink(missing_ok=True)
    except (InputError, OSError, TypeError, ValueError):  # not writable here, or a value JSON cannot hold
        pass


def _encoded(located: Located) -> dict[str, Any]:
    return {"value": _value(located.value),
            "positions": [[_path(path), *at] for path, at in located.positions.items()],
            "keys": [[_path(path), *at] for path, at in located.key_positions.items()]}


def _path(path: tuple[Any, ...]) -> Any:
    """A path of names and indexes as a JSON list; one with a date or a value of another type in it, tagged."""
    if all(isinstance(p, (str, int)) for p in path):
        return list(path)
    return {"p": [_value(p) for p in path]}


def _decoded(doc: dict[str, Any], file: str) -> Located:
    def places(rows: list[list[Any]]) -> dict[tuple[Any, ...], tuple[int, int]]:
        return {(tuple(path) if path.__class__ is list else tuple(map(_typed, path["p"]))): (line, column)
                for path, line, column in rows}

    return Located(_typed(doc["value"]), file, places(doc["positions"]), places(doc["keys"]))


def _value(value: Any) -> Any:
    """A loaded value as JSON that says its type: mappings, lists and dates tagged, so none is read as another."""
    if isinstance(value, dict):
        return {"m": [[_value(k), _value(v)] for k, v in value.items()]}
    if isinstance(value, list):
        return {"l": [_value(v) for v in value]}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if value is None or isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"no JSON for {type(value).__name__}")


def _typed(value: Any) -> Any:
    """``_value`` undone; a plain JSON value is itself (tested inline: thousands of them at each start)."""
    if value.__class__ is not dict:
        return value
    if "m" in value:
        return {(k if k.__class__ is not dict else _typed(k)): (v if v.__class__ is not dict else _typed(v))
                for k, v in value["m"]}
    if "l" in value:
        return [v if v.__class__ is not dict else _typed(v) for v in value["l"]]
    if "t" in value:
        return datetime.fromisoformat(value["t"])
    return date.fromisoformat(value["d"])
