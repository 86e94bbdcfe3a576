"""Rebuilding a drill from its journal: load what the header names (`sim.resolve`, strictly: files that
changed since are refused), replay the recorded inputs at their sim times, and check the replay matches
what was written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sim.actions import ActionRefused
from sim.durations import format_clock
from sim.events import ANSWER_KIND, Event
from sim.journal import JournalError, JournalWriter, dumps, read_journal
from sim.playbook import Playbook
from sim.resolve import resolve
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.engine import Drill

# Events that record an input (what a trainee or facilitator did); everything else the engine derives.
INPUT_KINDS = ("action.started", "action.refused", "action.cancelled")


def is_input(event: Event) -> bool:
    kind = event.kind
    return (
        kind in INPUT_KINDS
        or kind.startswith("facilitator.")
        or (kind == "drill.ended" and event.data.get("reason") == "ended")
    )


def apply_input(drill: Drill, event: Event) -> None:
    """Do again what this input event records; a refusal is expected to repeat and is not an error."""
    d = event.data
    kind = event.kind
    if kind in ("action.started", "action.refused"):
        with contextlib.suppress(ActionRefused):
            drill.act_with(str(d["action"]), dict(d.get("params") or {}), actor=d.get("actor"), role=d.get("role"))
    elif kind == "action.cancelled":
        with contextlib.suppress(ActionRefused):
            drill.cancel(str(d["action"]), actor=d.get("actor"), role=d.get("role"))
    elif kind == "drill.ended":
        drill.end(by=d.get("by"))
    elif kind.startswith("facilitator."):
        drill.facilitate(kind.removeprefix("facilitator."), **{k: v for k, v in d.items() if k != "actor"})


def replay(drill: Drill, events: Iterable[Event]) -> None:
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
    """Rebuild the drill a journal records and reattach the journal; see `Drill.resume`."""
    from sim.engine import Drill

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
    replay(drill, j.events)
    for n, (mine, theirs) in enumerate(zip(drill.events, j.events, strict=False)):
        a, b = dumps(mine.to_json()), dumps(theirs.to_json())
        if a != b:
            raise JournalError(
                f"{j.path}: replay diverges at event {n + 1} ({format_clock(theirs.t)}): "
                f"the journal has {b}, the replay gives {a}"
            )
    # Lessons-learned answers follow the end; replay cannot produce them, so they are carried over as records.
    drill.restore_records(e for e in j.events[len(drill.events) :] if e.kind == ANSWER_KIND)
    drill.take_new()  # the caller has seen these: they are in the journal
    drill.attach_journal(JournalWriter(j.path, keep_bytes=j.valid_bytes), len(j.events))
    return drill
