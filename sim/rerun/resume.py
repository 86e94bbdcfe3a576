"""Rebuilding a drill from its journal: load what the header names (`sim.journal.resolve`, strictly: files that
changed since are refused), replay the recorded inputs at their sim times, and check the replay matches
what was written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.format.durations import format_clock
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.events import (
    ActionCancelled,
    ActionRefusal,
    ActionStarted,
    AnyEvent,
    DebriefAnswer,
    DrillEnded,
    FacilitatorInput,
    payload,
    to_json,
)
from sim.journal.jsonl import JournalError, JournalWriter, dumps, read_journal
from sim.journal.resolve import resolve


def is_input(event: AnyEvent) -> bool:
    """Whether the event records an input (what a trainee or facilitator did); the engine derives the rest."""
    return isinstance(event, ActionStarted | ActionRefusal | ActionCancelled | FacilitatorInput) or (
        isinstance(event, DrillEnded) and event.reason == "ended"
    )


def apply_input(drill: Drill, event: AnyEvent) -> None:
    """Do again what this input event records; a refusal is expected to repeat and is not an error."""
    if isinstance(event, ActionStarted | ActionRefusal):
        with contextlib.suppress(ActionRefused):
            drill.act_with(event.action, dict(event.params), actor=event.actor, role=event.role)
    elif isinstance(event, ActionCancelled):
        with contextlib.suppress(ActionRefused):
            drill.cancel(event.action, actor=event.actor, role=event.role)
    elif isinstance(event, DrillEnded):
        drill.end(by=event.by)
    elif isinstance(event, FacilitatorInput):
        inputs = {k: v for k, v in payload(event).items() if k != "actor"}
        drill.facilitate(event.kind.removeprefix("facilitator."), **inputs)


def rerun(drill: Drill, events: Iterable[AnyEvent]) -> None:
    """Feed a drill the inputs among `events` at their times, then run it on until it has produced as many
    events as were recorded (a well-formed journal then matches it event for event)."""
    events = list(events)
    for event in events:
        if is_input(event):
            drill.advance_to(event.t)
            apply_input(drill, event)
    if events:
        drill.catch_up(len(events), events[-1].t)


def resume(
    journal: str | os.PathLike[str], *, scenario: Scenario | None = None, playbook: Playbook | None = None
) -> Drill:
    """Rebuild a drill from its journal by replaying its inputs, then keep journaling to the same file."""
    j = read_journal(journal)
    h = j.header
    scenario, playbook, _ = resolve(h, j.path, "strict", scenario=scenario, playbook=playbook)
    drill = Drill(
        scenario,
        playbook,
        h.seed,
        trainee=h.trainee,
        team=h.team,
        scenario_path=h.scenario_path or None,
        playbook_path=h.playbook_path or None,
    )
    rerun(drill, j.events)
    for n, (mine, theirs) in enumerate(zip(drill.events, j.events, strict=False)):
        a, b = dumps(to_json(mine)), dumps(to_json(theirs))
        if a != b:
            raise JournalError(
                f"{j.path}: replay diverges at event {n + 1} ({format_clock(theirs.t)}): "
                f"the journal has {b}, the replay gives {a}"
            )
    # Lessons-learned answers follow the end; replay cannot produce them, so they are carried over as records.
    drill.restore_records(e for e in j.events[len(drill.events) :] if isinstance(e, DebriefAnswer))
    drill.take_new()  # the caller has seen these: they are in the journal
    drill.attach_journal(JournalWriter(j.path, keep_bytes=j.valid_bytes), len(j.events))
    return drill
