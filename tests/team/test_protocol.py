"""The protocol's messages: each round-trips through its line, the decoders never raise anything but
ProtocolError whatever they are given, and every text comes out printable and bounded."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.format.text import first_control
from sim.journal.events import ChannelMessage
from sim.team.protocol import (
    MAX_LINE,
    MAX_TEXT,
    PROTOCOL,
    Act,
    Bye,
    Cancel,
    Clock,
    ErrorMsg,
    EventMsg,
    Hello,
    HostMessage,
    Lever,
    Lobby,
    Notice,
    Player,
    ProtocolError,
    Say,
    StateMsg,
    TakeRole,
    UnknownType,
    WelcomeMsg,
    decode_client,
    decode_host,
    encode,
)
from sim.team.state_json import state_from_json, state_to_json
from sim.team.streams import parse_address
from tests.team.helpers import new_drill, opened

CLIENT = [
    Hello(PROTOCOL, "ABCD-EFGH-JKLM", "Sam", "incident-commander", 12, "tok"),
    Hello(PROTOCOL, "ABCD-EFGH-JKLM", "Ana"),
    TakeRole(1, "tech-lead"),
    TakeRole(2, None),
    Act(3, "declare", {"severity": "SEV-2"}),
    Act(4, "page", {"contact": "dba"}, 300.5),
    Cancel(5, "investigate"),
    Say(6, "rolling back now", True),
    Lever(7, "speed", {"speed": 4}),
    Bye("done"),
]


@pytest.mark.parametrize("msg", CLIENT, ids=lambda m: type(m).__name__)
def test_client_messages_round_trip(msg: Any) -> None:
    line = encode(msg)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_client(line) == msg


def test_host_messages_round_trip() -> None:
    o = opened()
    drill = new_drill(o)
    drill.advance_to(600)
    messages: list[HostMessage] = [
        WelcomeMsg(PROTOCOL, "Sam", "tok", "strict", drill.header, "a: 1\n", "b: 2\n", 3),
        Lobby((Player("Sam", "incident-commander", True, False), Player("bot-x", "sme", True, True)), True, None),
        *(EventMsg(i, e) for i, e in enumerate(drill.events)),
        Clock(600.0, 60.0, False),
        Notice("refused", "declaring severity is the incident commander's call: Sam holds it", 4),
        ErrorMsg("slow", "too slow"),
        Bye("the drill ended"),
    ]
    for msg in messages:
        assert decode_host(encode(msg)) == msg
    state = decode_host(encode(StateMsg(drill.state)))
    assert isinstance(state, StateMsg) and state.state == drill.state


def test_the_state_keeps_every_field() -> None:
    drill = new_drill(opened())
    drill.advance_to(400)
    drill.act("acknowledge")
    drill.act("investigate", target="logs")
    drill.advance_to(800)
    state = drill.state
    assert state.running or state.findings  # the fields that travel as records and pairs are filled
    again = state_from_json(json.loads(json.dumps(state_to_json(state))))
    assert again == state
    assert again._fields == state._fields


@pytest.mark.parametrize(
    ("obj", "says"),
    [
        ({"type": "act", "id": 1}, "without 'action'"),
        ({"type": "act", "id": 0, "action": "declare"}, "'id' must be an integer from 1"),
        ({"type": "act", "id": 1, "action": "declare", "params": {"severity": {"nested": 1}}}, "a finite number"),
        ({"type": "act", "id": 1, "action": "declare", "at": 1e300}, "from 0 to 1e9"),
        ({"type": "act", "id": 1, "action": "has space"}, "an id"),
        ({"type": "say", "id": 1, "text": "x" * (MAX_TEXT + 1)}, "longer than"),
        ({"type": "say", "id": 1, "text": "   "}, "must not be empty"),
        ({"type": "lever", "id": 1, "lever": "format_disk"}, "must be one of"),
        ({"type": "hello", "protocol": 1, "code": "x", "name": "n" * 41}, "longer than 40"),
        ({"type": "hello", "protocol": True, "code": "x", "name": "n"}, "'protocol' must be an integer"),
        ({"kind": "act"}, "without a 'type'"),
    ],
)
def test_invalid_client_messages_say_what_is_wrong(obj: dict[str, Any], says: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_client(json.dumps(obj).encode())
    assert says in str(caught.value)


def test_an_unknown_type_is_its_own_error() -> None:
    with pytest.raises(UnknownType):
        decode_client(b'{"type": "teleport"}')


def test_lines_past_the_limit_are_too_long() -> None:
    line = json.dumps({"type": "say", "id": 1, "text": "x" * MAX_LINE}).encode()
    with pytest.raises(ProtocolError) as caught:
        decode_client(line)
    assert caught.value.code == "too_long"


def test_text_is_made_printable() -> None:
    msg = decode_client(json.dumps({"type": "say", "id": 1, "text": "\x1b[31mred\x07"}).encode())
    assert isinstance(msg, Say) and msg.text == "\\x1b[31mred\\x07"
    hello = decode_client(json.dumps({"type": "hello", "protocol": 1, "code": "c", "name": " Sam\x9b "}).encode())
    assert isinstance(hello, Hello) and hello.name == "Sam\\x9b"


def test_events_are_checked_as_journal_lines_are() -> None:
    good = encode(EventMsg(0, ChannelMessage(1.0, "Sam", None, "hi")))
    assert decode_host(good) == EventMsg(0, ChannelMessage(1.0, "Sam", None, "hi"))
    bad = json.dumps({"type": "event", "seq": 0, "event": {"t": -5, "kind": "channel.message"}}).encode()
    with pytest.raises(ProtocolError):
        decode_host(bad)


@pytest.mark.parametrize(
    ("address", "parts"),
    [("127.0.0.1:7788", ("127.0.0.1", 7788)), ("[::1]:0", ("::1", 0)), ("unix:/tmp/w.sock", ("unix", "/tmp/w.sock")),
     ("localhost", ("localhost", 7788))],
)  # fmt: skip
def test_addresses(address: str, parts: tuple[str, Any]) -> None:
    assert parse_address(address) == parts


@pytest.mark.parametrize("address", ["host:port", "h:70000", "unix:"])
def test_bad_addresses(address: str) -> None:
    with pytest.raises(ValueError):
        parse_address(address)


# -- properties -------------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
TYPES = st.sampled_from(["hello", "take_role", "act", "cancel", "say", "lever", "bye", "welcome", "lobby", "event",
                         "clock", "state", "notice", "error", "nonsense"])  # fmt: skip
KEYS = st.sampled_from(["id", "protocol", "code", "name", "role", "last_seen", "seat", "action", "params", "at", "text",
                        "update", "lever", "data", "reason", "players", "started", "seq", "event", "now", "speed",
                        "paused", "level", "ref", "state", "header", "from", "you", "mode"])  # fmt: skip
MESSAGES = st.builds(lambda t, d: {"type": t, **d}, TYPES, st.dictionaries(KEYS, JSON, max_size=8))


def _printable_strings(value: Any) -> bool:
    if isinstance(value, str):
        return first_control(value) is None  # no terminal control sequence can ride on it
    if isinstance(value, tuple | list):
        return all(_printable_strings(v) for v in value)
    if isinstance(value, dict):
        return all(_printable_strings(k) and _printable_strings(v) for k, v in value.items())
    return True


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(MESSAGES.map(lambda m: json.dumps(m).encode()), st.binary(max_size=200)))
def test_the_decoders_raise_only_protocol_errors(line: bytes) -> None:
    for decode in (decode_client, decode_host):
        try:
            msg = decode(line)
        except ProtocolError:
            continue
        # Whatever gets through is a message of ours, its text printable, and it encodes again.
        assert _printable_strings(tuple(msg))
        encode(msg)


@settings(max_examples=200, deadline=None)
@given(
    st.builds(Say, st.integers(1, 2**40), st.text(min_size=1, max_size=MAX_TEXT).filter(str.strip), st.booleans()),
)
def test_say_round_trips_as_printable_text(msg: Say) -> None:
    out = decode_client(encode(msg))
    assert isinstance(out, Say) and out.id == msg.id and out.update == msg.update
    assert _printable_strings(out.text)
    if first_control(msg.text) is None and msg.text == msg.text.strip():
        assert out.text == msg.text
