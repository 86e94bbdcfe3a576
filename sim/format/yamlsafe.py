"""Bounded, safe YAML: bytes in, plain Python data out, with the node tree composed on demand for error positions.

Hostile files are the design case. The size is checked before reading, and the text must be UTF-8. Nesting
depth, alias expansion and tags are checked while streaming parser events, before the parser's own composer
(which recurses in C, and crashes the process on deep nesting) ever sees the text.

Why: docs/decisions/0003-yaml-loader.md
"""

from __future__ import annotations

import math
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, SequenceNode

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 64
# Every scalar and container counts once, and an alias counts the whole value it repeats, so a
# billion-laughs file is stopped after building a few objects instead of a few billion.
MAX_VALUES = 250_000

_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML 1.2 core schema, not PyYAML's YAML 1.1 default: `no`, `on`, `y` stay strings, `1:30` is not 90,
# dates stay strings, and `0123` is the number 123.
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
# Characters YAML forbids in a stream (NUL and other C0/C1 controls); the parser would reject them
# with a less helpful message.
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "null", "bool", "int", "float")}
_CONTAINER_TAGS = {_TAG + "map", _TAG + "seq"}


class Mark(Protocol):
    """A position the parser gives: a yaml.error.Mark, or libyaml's own Mark class under the C loader."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


class Issue(NamedTuple):
    """One thing wrong with the text, at a 1-based line and column."""

    line: int
    col: int
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"


class YamlError(Exception):
    """The text cannot be turned into data; `issues` says where and why (at least one)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("\n".join(f"{i.line}:{i.col}: {i.message}" for i in issues))
        self.issues = issues


def _fail(message: str, hint: str = "", line: int = 1, col: int = 1) -> YamlError:
    return YamlError([Issue(line, col, message, hint)])


class Loader(_Base):  # type: ignore[misc,valid-type]
    """PyYAML's safe loader (the C one when present) with the YAML 1.2 core scalars above.

    `parse` streams its events; `compose` uses its composer only once `parse` has checked the bounds.
    """

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


class PyLoader(yaml.SafeLoader):
    """The same in pure Python, for platforms without libyaml (and for tests that both behave alike)."""

    # PyYAML keeps this on the class (the stubs wrongly declare an instance attribute, hence the ignore).
    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}  # type: ignore[misc]


for _cls in (Loader, PyLoader):
    for _tag, _regex, _first in (
        ("null", _NULL, ["~", "n", "N", ""]),
        ("bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")),
        ("int", _INT, list("-+0123456789")),
        ("float", _FLOAT, list("-+.0123456789")),
    ):
        _cls.add_implicit_resolver(_TAG + _tag, _regex, _first)


def read_text(path: Path) -> str:
    """The file's text, refusing what is not a regular file, over MAX_BYTES, or not UTF-8, before parsing."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise _fail("no such file", "check the path") from None
    except OSError as exc:
        raise _fail(f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail("is a directory, not a YAML file", "name a .yaml file inside it")
    if not stat.S_ISREG(st.st_mode):
        raise _fail("is not a regular file", "YAML is read from ordinary files only")
    too_big = _fail(
        f"the file is larger than the {MAX_BYTES // 1024} KiB limit",
        "split it up or shorten its texts; no scenario needs that much",
    )
    if st.st_size > MAX_BYTES:
        raise too_big
    try:
        with path.open("rb") as fh:
            # Read one byte past the limit: the size can change between stat and read.
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _fail(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise too_big
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 bytes to text (a leading BOM dropped); an error points at the first bad byte or control character."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data[: exc.start].decode("utf-8"))
        raise _fail(
            f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            "save it as UTF-8 text; binary files are not YAML",
            line,
            col,
        ) from None
    text = text.removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line, col = _position(text[: bad.start()])
        name = "a NUL byte" if bad.group() == "\0" else f"the control character U+{ord(bad.group()):04X}"
        raise _fail(f"the file contains {name}", "YAML files hold printable text only", line, col)
    return text


def _position(prefix: str) -> tuple[int, int]:
    """1-based line and column of the character just after `prefix`."""
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


@dataclass(slots=True)
class _Frame:
    """A container being built: its value so far, its start, and what the budget has counted into it.

    Marks are kept as the parser gives them and turned into line and column only for an issue.
    """

    value: list[Any] | dict[Any, Any]
    mark: Mark
    anchor: str | None
    size: int = 1
    key: Any = None
    key_mark: Mark | None = None
    seen: dict[Any, int] = field(default_factory=dict)  # key -> line of its first occurrence


def _at(mark: Mark, message: str, hint: str = "") -> Issue:
    return Issue(mark.line + 1, mark.column + 1, message, hint)


class Parsed(NamedTuple):
    """A document's data and the problems that did not stop it being built (duplicate keys, merge keys)."""

    data: Any
    issues: tuple[Issue, ...]


def parse(text: str, loader_cls: type[yaml.SafeLoader] = Loader) -> Parsed:
    """Text to data, streaming parser events with the bounds checked as they arrive.

    Raises YamlError for a syntax error, an empty file, several documents, a forbidden tag, or a
    bound exceeded. Duplicate keys are collected as issues (the last value wins) so that every one
    in the file is reported together.
    """
    loader = loader_cls(text)
    try:
        return _build(loader, text)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text) from None
    except yaml.YAMLError as exc:
        raise _fail(f"YAML error: {exc}") from None
    finally:
        loader.dispose()


# A `#` after a space starts a comment even in the middle of a sentence: `text: post to #incidents` keeps only
# "post to". A comment that starts with a word right after the `#` is almost always such a cut.
_CUT = re.compile(r"[ \t]+#[^\s#]")


def _cut_short(text: str, ends: list[Mark]) -> list[Issue]:
    """Warnings for plain values followed on their line by a `#word` comment (the parser drops comments)."""
    lines = text.splitlines()
    found = []
    for mark in ends:
        rest = lines[mark.line][mark.column :] if mark.line < len(lines) else ""
        if m := _CUT.match(rest):
            col = mark.column + m.end() - 1  # 1-based: the `#` itself
            message = f"'{rest.strip()[:30]}' is read as a comment, so the value stops before it"
            found.append(Issue(mark.line + 1, col, message, _QUOTE_IT, "warning"))
    return found


_QUOTE_IT = "quote the value (\"…\") to keep the '#' and what follows"


def _build(loader: yaml.SafeLoader, text: str) -> Parsed:
    get = loader.get_event
    get()  # the stream start
    event = get()
    if type(event) is StreamEndEvent:
        raise _fail("the file is empty (it holds no YAML, only blank lines or comments)", "start from an example")
    assert type(event) is DocumentStartEvent
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    issues: list[Issue] = []
    fatal: list[Issue] = []
    plain_ends: list[Mark] | None = [] if " #" in text else None  # where plain values end, to look for cuts
    total = 0
    root: Any = None

    def add(value: Any, size: int, mark: Mark) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame.size += size
        container = frame.value
        if type(container) is list:
            container.append(value)
        elif frame.key_mark is None:
            if type(value) is list or type(value) is dict:
                fatal.append(_at(mark, "a key must be a plain value, not a list or a mapping"))
                value = f"<complex key at line {mark.line + 1}>"
            elif value == "<<":
                issues.append(_at(mark, "merge keys ('<<') are not supported", "write the keys out in full"))
            frame.key, frame.key_mark = value, mark
        else:
            key, key_mark = frame.key, frame.key_mark
            if key in frame.seen:
                first = frame.seen[key]
                issues.append(_at(key_mark, f"duplicate key '{key}' (first at line {first})", "remove one of them"))
            else:
                frame.seen[key] = key_mark.line + 1
            container[key] = value
            frame.key_mark = None

    # Events arrive one at a time from the parser, which keeps no stack of its own beyond a state machine;
    # the checks below run before the next event is even parsed.
    while True:
        event = get()
        cls = type(event)
        if cls is ScalarEvent:
            total += 1
            if event.tag is None:
                value = _resolve(event.value) if event.implicit[0] else event.value
            else:
                value = _scalar(event, fatal)
            if plain_ends is not None and not event.style:  # None, or "" under libyaml: plain
                plain_ends.append(event.end_mark)
            if event.anchor:
                _anchor(anchors, event.anchor, event.start_mark)
                anchors[event.anchor] = (value, 1)
            add(value, 1, event.start_mark)
        elif cls is MappingStartEvent or cls is SequenceStartEvent:
            total += 1
            if len(stack) >= MAX_DEPTH:
                message = f"nesting is deeper than {MAX_DEPTH} levels"
                raise YamlError([_at(event.start_mark, message, _FLATTEN)])
            if event.tag not in (None, "!") and event.tag not in _CONTAINER_TAGS:
                fatal.append(_tag_issue(event.tag, event.start_mark))
            if event.anchor:
                _anchor(anchors, event.anchor, event.start_mark)
            stack.append(_Frame({} if cls is MappingStartEvent else [], event.start_mark, event.anchor))
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.value, frame.size)
            add(frame.value, frame.size, frame.mark)
        elif cls is AliasEvent:
            if event.anchor not in anchors:
                recursive = any(f.anchor == event.anchor for f in stack)
                what = "refers to a value that contains it" if recursive else "has no matching anchor before it"
                hint = "define '&name' before using '*name'"
                raise YamlError([_at(event.start_mark, f"alias '*{event.anchor}' {what}", hint)])
            value, size = anchors[event.anchor]
            total += size
            add(value, size, event.start_mark)
        elif cls is DocumentEndEvent:
            break
        if total > MAX_VALUES:
            message = f"the document expands to more than {MAX_VALUES:,} values"
            hint = "aliases ('*name') count the whole value they repeat each time; use fewer"
            raise YamlError([_at(event.start_mark, message, hint)])
    event = get()
    if type(event) is not StreamEndEvent:
        message = "the file holds more than one YAML document ('---')"
        raise YamlError([_at(event.start_mark, message, "put each scenario, playbook or script in its own file")])
    if fatal:
        raise YamlError(fatal)
    if plain_ends:
        issues += _cut_short(text, plain_ends)
    return Parsed(root, tuple(issues))


def _anchor(anchors: dict[str, tuple[Any, int]], name: str, mark: Mark) -> None:
    """An anchor may be defined once: PyYAML's composer, which gives error positions, refuses a second."""
    if name in anchors:
        raise YamlError([_at(mark, f"the anchor '&{name}' is defined twice", "give each anchor its own name")])


def _scalar(event: ScalarEvent, fatal: list[Issue]) -> Any:
    value: str = event.value
    tag = event.tag
    mark = event.start_mark
    assert mark is not None  # the parser marks every event it gives
    if tag is None or tag == "!":
        if not event.implicit[0]:
            return value  # quoted, or the non-specific tag: always a string
        return _resolve(value)
    if tag not in _SCALAR_TAGS:
        fatal.append(_tag_issue(tag, mark))
        return None
    kind = tag.removeprefix(_TAG)
    if kind == "str":
        return value
    if kind == "null":
        return None
    resolved = _resolve(value)
    wanted = {"bool": bool, "int": int, "float": float}[kind]
    if kind == "float" and type(resolved) is int:
        return float(resolved)
    if type(resolved) is not wanted:
        fatal.append(_at(mark, f"'{value}' is not a valid !!{kind}"))
        return None
    return resolved


def _resolve(value: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema."""
    if not value or value[0] in "~nN":
        if _NULL.match(value):
            return None
    elif value in _BOOL:
        return _BOOL[value]
    if value[0] in "-+.0123456789":
        if _INT.match(value):
            try:
                if value.startswith("0o"):
                    return int(value[2:], 8)
                return int(value, 16) if value.startswith("0x") else int(value)
            except ValueError:
                return value  # more digits than Python converts (sys.get_int_max_str_digits): text it stays
        if _FLOAT.match(value):
            low = value.lower()
            if low.endswith("inf"):
                return -math.inf if low.startswith("-") else math.inf
            return math.nan if low.endswith("nan") else float(value)
    return value


def _tag_issue(tag: str, mark: Mark) -> Issue:
    shown = tag.replace(_TAG, "!!")
    return _at(
        mark,
        f"the tag '{shown}' is not allowed",
        "only plain YAML is read: text, numbers, true/false, null, lists and mappings",
    )


_FLATTEN = "flatten the structure"
_SYNTAX_HINTS = (
    ("found character '\\t'", "indent with spaces; YAML does not allow tabs there"),
    ("mapping values are not allowed", "a value containing ': ' must be quoted, or a key is mis-indented"),
    ("could not find expected ':'", "a key is missing its ':' or a quoted value is not closed"),
    ("found undefined alias", "define '&name' before using '*name'"),
    ("expected <block end>", "check the indentation of this line against the lines above"),
    ("found unknown escape character", "in double quotes a backslash starts an escape; use single quotes"),
    ("expected '-' indicator", "an item of this list is mis-indented, or is missing its '- '"),
    ("did not find expected key", "check the indentation of this line against the keys above it"),
    ("found unexpected end of stream", "a quote or a bracket is opened and never closed"),
    ("cannot start any token", "a value starting with '@', '`' or '%' must be quoted"),
    # libyaml (PyYAML 6.0.4 on) stops deep flow nesting itself, ahead of the depth check above.
    ("nesting depth", f"{_FLATTEN}: warroom reads at most {MAX_DEPTH} levels"),
)


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> YamlError:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    hint = next((h for needle, h in _SYNTAX_HINTS if needle in problem), "")
    lines = text.split("\n")
    if line <= len(lines) and lines[line - 1][col - 1 : col] == "\t":
        hint = _SYNTAX_HINTS[0][1]
    if not hint and exc.context and exc.context_mark:
        hint = f"{exc.context} started at line {exc.context_mark.line + 1}"
    return _fail(f"YAML syntax error: {problem}", hint, line, col)


def compose(text: str, loader_cls: type[yaml.SafeLoader] = Loader) -> Node:
    """The node tree of text that `parse` accepted (so its depth is known to be bounded), for positions."""
    loader = loader_cls(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:  # no document: `parse` refuses such text, so only a caller that skipped it gets here
        raise yaml.YAMLError("the text holds no YAML document")
    return node


class Locator:
    """Positions in one composed tree. Each mapping's keys are indexed the first time a path goes through
    it, so placing n problems costs O(n), not a scan of the mapping per problem."""

    def __init__(self, root: Node) -> None:
        self.root = root
        self._keys: dict[int, dict[str, tuple[Node, Node]]] = {}

    def _entry(self, node: MappingNode, part: str | int) -> tuple[Node, Node] | None:
        keys = self._keys.get(id(node))
        if keys is None:
            # Later duplicates overwrite earlier ones: the last is the one the data holds.
            keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            self._keys[id(node)] = keys
        return keys.get(str(part))

    def __call__(self, loc: tuple[str | int, ...], at_key: bool = False) -> tuple[int, int]:
        """1-based line and column of the deepest node along `loc` (the key itself when `at_key`).

        Parts of `loc` that name no node (a validator may add some, e.g. `[key]`) are skipped, so a position
        is always found: at worst the start of the document.
        """
        node = self.root
        key_node: Node | None = None
        for part in loc:
            key_node = None
            child: Node | None = None
            if isinstance(node, MappingNode):
                entry = self._entry(node, part)
                if entry is not None:
                    key_node, child = entry
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
            if child is not None:
                node = child
        # Only the key of the last part of `loc` is wanted: a skipped trailing part leaves key_node unset.
        target = key_node if at_key and key_node is not None else node
        return target.start_mark.line + 1, target.start_mark.column + 1


def locate(root: Node, loc: tuple[str | int, ...], at_key: bool = False) -> tuple[int, int]:
    """`Locator(root)(loc, at_key)`, for one position."""
    return Locator(root)(loc, at_key)


def load(text: str) -> tuple[Any, Node]:
    """Data and node tree together, for callers that always want positions."""
    parsed = parse(text)
    if parsed.issues:
        raise YamlError(list(parsed.issues))
    return parsed.data, compose(text)
