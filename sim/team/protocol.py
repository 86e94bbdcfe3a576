"""The team protocol (docs/protocol.md): versioned JSON lines over asyncio streams. One typed record per
message, `encode` to write one and `decode_client` / `decode_host` to read one, every field checked and every
text made printable and bounded. Drill events travel as their journal lines (`sim.journal.events`)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from sim.engine.state import DrillState
from sim.format.text import printable
from sim.journal.drill_record import Header
from sim.journal.events import AnyEvent, from_json, to_json
from sim.journal.jsonl import JournalError, header_from_json, header_json
from sim.team.state_json import StateError, state_from_json, state_to_json

PROTOCOL = 1
MAX_LINE = 65_536  # bytes in one line, its newline included
MAX_NAME = 40
MAX_TEXT = 4_000
MAX_KEYS = 16  # keys of an action's params or a lever's data
MAX_YAML = 4_000_000  # the welcome's scenario and playbook text (the loader's own limit is lower)
MAX_WELCOME = 2 * MAX_YAML + MAX_LINE  # the one line allowed to be longer: it carries both files
ERROR_CODES = ("version", "bad_code", "rate_limited", "name_taken", "too_long", "bad_message", "slow", "rate",
               "full", "timeout", "ended")  # fmt: skip
LEVELS = ("refused", "info", "warning")
LEVERS = ("start", "pause", "resume", "speed", "step", "end", "inject_now", "hint", "note", "say_as", "jump", "loose")

Scalar = str | int | float | bool | None


class ProtocolError(ValueError):
    """A line that is not a valid message; `code` is what an `error` message would say."""

    def __init__(self, text: str, code: str = "bad_message") -> None:
        super().__init__(text)
        self.code = code


# -- client → host --------------------------------------------------------------------------------


class Hello(NamedTuple):
    protocol: int
    code: str
    name: str
    role: str | None = None
    last_seen: int = 0
    seat: str | None = None


class TakeRole(NamedTuple):
    id: int
    role: str | None


class Act(NamedTuple):
    id: int
    action: str
    params: dict[str, Scalar]
    at: float | None = None


class Cancel(NamedTuple):
    id: int
    action: str


class Say(NamedTuple):
    id: int
    text: str
    update: bool = False


class Lever(NamedTuple):
    id: int
    lever: str
    data: dict[str, Scalar]


class Bye(NamedTuple):
    reason: str = ""


ClientMessage = Hello | TakeRole | Act | Cancel | Say | Lever | Bye

# -- host → client --------------------------------------------------------------------------------


class Player(NamedTuple):
    name: str
    role: str | None
    connected: bool
    bot: bool


class WelcomeMsg(NamedTuple):
    protocol: int
    you: str
    seat: str
    mode: str  # strict or loose
    header: Header
    scenario_yaml: str
    playbook_yaml: str
    from_: int  # the index of the first event that follows


class Lobby(NamedTuple):
    players: tuple[Player, ...] = ()
    started: bool = False
    facilitator: str | None = None
    mode: str = "strict"


class EventMsg(NamedTuple):
    seq: int
    event: AnyEvent


class Clock(NamedTuple):
    now: float = 0.0
    speed: float = 1.0
    paused: bool = True


class StateMsg(NamedTuple):
    state: DrillState


class Notice(NamedTuple):
    level: str  # refused, info or warning
    text: str
    ref: int | None = None


class ErrorMsg(NamedTuple):
    code: str
    text: str


HostMessage = WelcomeMsg | Lobby | EventMsg | Clock | StateMsg | Notice | ErrorMsg | Bye

_TYPES: dict[type, str] = {
    Hello: "hello", TakeRole: "take_role", Act: "act", Cancel: "cancel", Say: "say", Lever: "lever", Bye: "bye",
    WelcomeMsg: "welcome", Lobby: "lobby", EventMsg: "event", Clock: "clock", StateMsg: "state",
    Notice: "notice", ErrorMsg: "error",
}  # fmt: skip


# -- encoding -------------------------------------------------------------------------------------


def to_wire(msg: ClientMessage | HostMessage) -> dict[str, Any]:
    """The message as the JSON object its line holds."""
    out: dict[str, Any] = {"type": _TYPES[type(msg)]}
    match msg:
        case WelcomeMsg():
            out |= msg._asdict()
            out["header"] = header_json(msg.header)
            out["from"] = out.pop("from_")
        case Lobby():
            out |= msg._asdict()
            out["players"] = [p._asdict() for p in msg.players]
        case EventMsg():
            out |= {"seq": msg.seq, "event": to_json(msg.event)}
        case StateMsg():
            out["state"] = state_to_json(msg.state)
        case _:
            out |= msg._asdict()
    return out


def encode(msg: ClientMessage | HostMessage) -> bytes:
    """One line: compact JSON, ASCII-safe, ending in a newline."""
    return json.dumps(to_wire(msg), separators=(",", ":"), allow_nan=False).encode() + b"\n"


# -- decoding -------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_line(line: bytes, limit: int = MAX_LINE) -> dict[str, Any]:
    """The JSON object a line holds; raises ProtocolError for anything else."""
    if len(line) > limit:
        raise ProtocolError(f"a line of {len(line)} bytes; the limit is {limit}", "too_long")
    try:
        obj = json.loads(line, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise ProtocolError(f"not JSON: {str(exc)[:80]}") from None
    if not isinstance(obj, dict):
        raise ProtocolError("a message is a JSON object")
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise ProtocolError("a message without a 'type'")
    return obj


Check = Callable[[Any, str], Any]


def _int(lo: int = 0, hi: int = 2**53) -> Check:
    def check(value: Any, key: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
            raise ProtocolError(f"{key!r} must be an integer from {lo} to {hi}")
        return value

    return check


def _float(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ProtocolError(f"{key!r} must be a finite number")
    if not 0 <= value <= 1e9:
        raise ProtocolError(f"{key!r} must be from 0 to 1e9")
    return float(value)


def _text(limit: int, *, empty: bool = True) -> Check:
    def check(value: Any, key: str) -> str:
        if not isinstance(value, str):
            raise ProtocolError(f"{key!r} must be a string")
        if len(value) > limit:
            raise ProtocolError(f"{key!r} is longer than {limit} characters")
        if not empty and not value.strip():
            raise ProtocolError(f"{key!r} must not be empty")
        return printable(value)

    return check


def _id_text(value: Any, key: str) -> str:
    text = _text(64, empty=False)(value, key)
    if any(c.isspace() for c in text):
        raise ProtocolError(f"{key!r} must be an id, without spaces")
    return text


def _optional(check: Check) -> Check:
    return lambda value, key: None if value is None else check(value, key)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(f"{key!r} must be true or false")
    return value


def _one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any, key: str) -> str:
        if value not in choices:
            raise ProtocolError(f"{key!r} must be one of {', '.join(choices)}")
        return str(value)

    return check


def _scalars(value: Any, key: str) -> dict[str, Scalar]:
    """An object of up to MAX_KEYS JSON scalars: an action's params, a lever's data."""
    if not isinstance(value, dict) or len(value) > MAX_KEYS:
        raise ProtocolError(f"{key!r} must be an object of at most {MAX_KEYS} plain values")
    out: dict[str, Scalar] = {}
    for k, v in value.items():
        name = _id_text(k, f"{key}.{k}"[:80])
        if v is None or isinstance(v, bool):
            out[name] = v
        elif isinstance(v, str):
            out[name] = _text(MAX_TEXT)(v, name)
        elif isinstance(v, int | float) and math.isfinite(v) and abs(v) <= 1e15:
            out[name] = v
        else:
            raise ProtocolError(f"{key}.{name} must be a string, a finite number, true, false or null")
    return out


def _name(value: Any, key: str) -> str:
    return _text(MAX_NAME, empty=False)(value, key).strip()


_SEQ = _int()
_REF = _int(1)
# Each type's fields: key -> (check, required). Keys not listed are ignored (a later version's additions).
_CLIENT: dict[str, tuple[type, dict[str, tuple[Check, bool]]]] = {
    "hello": (Hello, {"protocol": (_int(), True), "code": (_text(64), True), "name": (_name, True),
                      "role": (_optional(_id_text), False), "last_seen": (_SEQ, False),
                      "seat": (_optional(_text(64)), False)}),
    "take_role": (TakeRole, {"id": (_REF, True), "role": (_optional(_id_text), True)}),
    "act": (Act, {"id": (_REF, True), "action": (_id_text, True), "params": (_scalars, False),
                  "at": (_optional(_float), False)}),
    "cancel": (Cancel, {"id": (_REF, True), "action": (_id_text, True)}),
    "say": (Say, {"id": (_REF, True), "text": (_text(MAX_TEXT, empty=False), True), "update": (_bool, False)}),
    "lever": (Lever, {"id": (_REF, True), "lever": (_one_of(LEVERS), True), "data": (_scalars, False)}),
    "bye": (Bye, {"reason": (_text(MAX_TEXT), False)}),
}  # fmt: skip
_DEFAULTS: dict[str, dict[str, Scalar]] = {"params": {}, "data": {}}


def _fields(obj: Mapping[str, Any], spec: dict[str, tuple[Check, bool]], kind: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, (check, required) in spec.items():
        if key not in obj:
            if required:
                raise ProtocolError(f"a {kind} message without {key!r}")
            if key in _DEFAULTS:
                out[key] = dict(_DEFAULTS[key])
            continue
        out[key] = check(obj[key], key)
    return out


def decode_client(line: bytes) -> ClientMessage:
    """A client's message; raises ProtocolError (code `bad_message`, or `too_long`), or UnknownType."""
    obj = parse_line(line)
    kind = obj["type"]
    entry = _CLIENT.get(kind)
    if entry is None:
        raise UnknownType(kind)
    cls, spec = entry
    msg: ClientMessage = cls(**_fields(obj, spec, kind))
    return msg


class UnknownType(ProtocolError):
    """A message of a type this version does not know: told and ignored, not an error that ends a connection."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"unknown message type {printable(kind[:40])!r}")
        self.kind = kind


def _player(value: Any, key: str) -> Player:
    if not isinstance(value, dict):
        raise ProtocolError(f"{key!r} holds a player that is not an object")
    f = _fields(value, {"name": (_name, True), "role": (_optional(_id_text), True), "connected": (_bool, True),
                        "bot": (_bool, True)}, "player")  # fmt: skip
    return Player(**f)


def _players(value: Any, key: str) -> tuple[Player, ...]:
    if not isinstance(value, list) or len(value) > 1000:
        raise ProtocolError(f"{key!r} must be a list of players")
    return tuple(_player(p, key) for p in value)


_HOST: dict[str, tuple[type, dict[str, tuple[Check, bool]]]] = {
    "lobby": (Lobby, {"players": (_players, True), "started": (_bool, True),
                      "facilitator": (_optional(_name), False), "mode": (_one_of(("strict", "loose")), False)}),
    "clock": (Clock, {"now": (_float, True), "speed": (_float, True), "paused": (_bool, True)}),
    "notice": (Notice, {"level": (_one_of(LEVELS), True), "text": (_text(MAX_TEXT), True),
                        "ref": (_optional(_REF), False)}),
    "error": (ErrorMsg, {"code": (_id_text, True), "text": (_text(MAX_TEXT), True)}),
    "bye": (Bye, {"reason": (_text(MAX_TEXT), False)}),
}  # fmt: skip


def decode_host(line: bytes) -> HostMessage:
    """A host's message; raises ProtocolError, or UnknownType for a type this version does not know."""
    obj = parse_line(line, MAX_WELCOME)
    kind = obj["type"]
    if kind == "welcome":
        return _welcome(obj)
    if kind == "event":  # the hot path: every seat reads every event
        seq = _SEQ(obj.get("seq"), "seq")
        event = obj.get("event")
        if not isinstance(event, dict):
            raise ProtocolError("an event message without its 'event' object")
        try:
            return EventMsg(seq, from_json(event))
        except ValueError as exc:
            raise ProtocolError(f"event {seq}: {exc}") from None
    if kind == "state":
        try:
            return StateMsg(state_from_json(obj.get("state")))
        except StateError as exc:
            raise ProtocolError(str(exc)) from None
    entry = _HOST.get(kind)
    if entry is None:
        raise UnknownType(kind)
    cls, spec = entry
    msg: HostMessage = cls(**_fields(obj, spec, kind))
    return msg


def _welcome(obj: Mapping[str, Any]) -> WelcomeMsg:
    spec = {"protocol": (_int(), True), "you": (_name, True), "seat": (_text(64), True),
            "mode": (_one_of(("strict", "loose")), True), "scenario_yaml": (_yaml, True),
            "playbook_yaml": (_yaml, True), "from": (_SEQ, True)}  # fmt: skip
    f = _fields(obj, spec, "welcome")
    try:
        header = header_from_json(obj.get("header"), "the welcome")
    except JournalError as exc:
        raise ProtocolError(str(exc)) from None
    f["from_"] = f.pop("from")
    return WelcomeMsg(header=header, **f)


def _yaml(value: Any, key: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_YAML:
        raise ProtocolError(f"{key!r} must be the file's text")
    return value  # read by the loader, which bounds and checks it like any file
