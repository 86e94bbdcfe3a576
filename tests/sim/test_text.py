"""sim.format.text: control characters in shown text are written out, never passed to a terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sim.format.text import first_control, printable, printable_json
from sim.journal.events import CommsSent, from_json

CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)]


@given(st.text())
def test_printable_text_has_no_control_characters(text: str) -> None:
    shown = printable(text)
    assert first_control(shown) is None
    assert printable(shown) == shown  # once is enough
    assert all(c not in shown for c in CONTROLS)


@given(st.text(alphabet=st.characters(blacklist_characters=CONTROLS)))
def test_text_without_controls_is_unchanged(text: str) -> None:
    assert printable(text) == text
    assert first_control(text) is None


def test_escape_sequences_are_written_out() -> None:
    assert printable("\x1b]0;PWNED\x07\x1b[2J") == "\\x1b]0;PWNED\\x07\\x1b[2J"
    assert printable("line\nnext\tcol\r") == "line\nnext\tcol\\r"
    assert printable("\x9b31m") == "\\x9b31m"  # the one-byte CSI of C1
    assert first_control("ok\x1b[0m") == "\x1b"


def test_printable_json_reaches_keys_values_and_lists() -> None:
    value = {"text": "\x1b[2J", "params": {"\x07k": ["a\x1b", 3, None, True]}, "t": 1.5}
    assert printable_json(value) == {"text": "\\x1b[2J", "params": {"\\x07k": ["a\\x1b", 3, None, True]}, "t": 1.5}


def test_journal_lines_are_read_with_their_codes_written_out() -> None:
    line = {"t": 60.0, "kind": "comms.sent", "channel": "internal", "text": "\x1b[2Jall clear", "actor": "ana\x07"}
    event = from_json({**line, "state": None, "role": None})
    assert isinstance(event, CommsSent)
    assert (event.text, event.actor) == ("\\x1b[2Jall clear", "ana\\x07")
