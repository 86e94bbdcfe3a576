"""The typed events: one record per kind, each round-tripping through the journal's flat JSON line exactly."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from sim.journal.events import (
    FACILITATOR,
    KINDS,
    AnyEvent,
    CommsSent,
    DrillEnded,
    FacilitatorHint,
    FacilitatorInput,
    FacilitatorNote,
    FacilitatorSay,
    FaultStarted,
    SeverityDeclared,
    StatusChanged,
    TimerMet,
    from_json,
    kind_of,
    to_json,
)
from sim.journal.jsonl import dumps
from sim.training.runner import run_script
from tests.sim.engine_fixtures import ideal, playbook, scenario


def test_every_record_of_the_union_is_registered_under_its_own_kind() -> None:
    assert set(KINDS.values()) == set(get_args(AnyEvent))
    assert all(kind_of(cls) == kind for kind, cls in KINDS.items())
    assert {k for k, cls in KINDS.items() if issubclass(cls, FacilitatorInput)} == {
        "facilitator.inject_now",
        "facilitator.say",
        "facilitator.hint",
        "facilitator.note",
        "facilitator.jump",
    }


def test_a_whole_drill_round_trips_through_plain_json_byte_for_byte() -> None:
    d = run_script(scenario(), playbook(), ideal())
    seen = set()
    for event in d.events:
        line = dumps(to_json(event))
        back = from_json(json.loads(line))
        assert back == event and type(back) is type(event)
        assert dumps(to_json(back)) == line
        seen.add(event.kind)
    assert len(seen) > 15


@pytest.mark.parametrize(
    ("event", "line"),
    [
        # Optional keys are left out while None...
        (FaultStarted(t=1.0, fault="f", label="F"), {"fault": "f", "label": "F"}),
        (DrillEnded(t=1.0, reason="ended", verified=False, resolved=False),
         {"reason": "ended", "verified": False, "resolved": False}),
        (CommsSent(t=1.0, channel="internal", text="x", state=None, actor="me", role=None),
         {"channel": "internal", "text": "x", "actor": "me", "role": None}),
        (FacilitatorSay(t=1.0, actor=FACILITATOR, sender="cto", text="?"),
         {"actor": "facilitator", "sender": "cto", "text": "?"}),
        # ...and written, in their place, when set; other None fields are always written.
        (CommsSent(t=1.0, channel="status_page", text="", state="identified", actor="me", role="comms"),
         {"channel": "status_page", "text": "", "state": "identified", "actor": "me", "role": "comms"}),
        (TimerMet(t=1.0, timer="sla.x", label="X", deadline=5.0, late=False, met_at=0.5),
         {"timer": "sla.x", "label": "X", "deadline": 5.0, "late": False, "met_at": 0.5}),
        (SeverityDeclared(t=1.0, severity="SEV1", previous=None, actor="me", role=None),
         {"severity": "SEV1", "previous": None, "actor": "me", "role": None}),
        (StatusChanged(t=1.0, status="resolved", previous="mitigated", early=False),
         {"status": "resolved", "previous": "mitigated", "early": False}),
    ],
)  # fmt: skip
def test_the_line_holds_the_payload_keys_in_order(event: AnyEvent, line: dict[str, object]) -> None:
    assert list(to_json(event).items()) == [("t", 1.0), ("kind", event.kind), *line.items()]
    assert from_json(to_json(event)) == event


def test_records_of_different_kinds_are_never_equal() -> None:
    hint, note = (
        FacilitatorHint(t=1.0, actor=FACILITATOR, text="x"),
        FacilitatorNote(t=1.0, actor=FACILITATOR, text="x"),
    )
    assert hint != note and to_json(hint) != to_json(note)
