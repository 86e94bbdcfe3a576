"""Rebuilding a drill from its journal: load what the header names (`sim.journal.resolve`, strictly: files that
changed since are refused), replay the recorded inputs at their sim times, and check the replay matches
what was written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, get_args

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
    ChannelMessage,
    DebriefAnswer,
    DrillEnded,
    FacilitatorInjectNow,
    FacilitatorInput,
    FacilitatorJump,
    FacilitatorSay,
    payload,
    to_json,
)
from sim.journal.jsonl import Journal, JournalError, JournalWriter, dumps, lock, read_journal
from sim.journal.resolve import resolve

if TYPE_CHECKING:
    from sim.engine.drill import Drill


class Unreplayable(JournalError):
    """A recorded input the drill refuses outright (an unknown inject, a jump back in time, a facilitator
    input after the end): no drill ever journaled it, so the journal is not one a drill wrote."""


def is_input(event: AnyEvent) -> bool:
    """Whether the event records an input (what a trainee or facilitator did); the engine derives the rest."""
    return isinstance(event, ActionStarted | ActionRefusal | ActionCancelled | ChannelMessage | FacilitatorInput) or (
        isinstance(event, DrillEnded) and event.reason == "ended"
    )


def apply_input(drill: Drill, event: AnyEvent) -> None:
    """Do again what this input event records; a refusal is expected to repeat and is not an error. Raises
    Unreplayable for a facilitator input the drill refuses (a drill journals those only when it takes them)."""
    if isinstance(event, ActionRefusal) and drill.actions.check(event.action, event.params, event.role) is None:
        # The engine would take it: a team host refused it (its role rules), so the refusal stands as recorded.
        # Why: docs/decisions/0011-team-core-protocol.md
        with contextlib.suppress(ActionRefused):
            drill.refuse(event.action, dict(event.params), event.reason, actor=event.actor, role=event.role)
    elif isinstance(event, ActionStarted | ActionRefusal):
        with contextlib.suppress(ActionRefused):
            drill.act_with(event.action, dict(event.params), actor=event.actor, role=event.role)
    elif isinstance(event, ChannelMessage):
        with contextlib.suppress(ActionRefused, ValueError):
            drill.say(event.text, actor=event.actor, role=event.role)
    elif isinstance(event, ActionCancelled):
        with contextlib.suppress(ActionRefused):
            drill.cancel(event.action, actor=event.actor, role=event.role)
    elif isinstance(event, DrillEnded):
        drill.end(by=event.by)
    elif isinstance(event, FacilitatorInput):
        inputs = {k: v for k, v in payload(event).items() if k != "actor"}
        try:
            drill.facilitate(event.kind.removeprefix("facilitator."), **inputs)
        except (ValueError, TypeError, ActionRefused) as exc:
            raise Unreplayable(f"the drill refuses this {event.kind}: {exc}") from None


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


def check_inputs(j: Journal, scenario: Scenario) -> None:
    """Whether a drill of `scenario` could have taken the journal's facilitator inputs (it journals only those
    it takes): each inject named is the scenario's, each `say` kind an inject kind, each jump forward.
    Raises JournalError `file:line: what is wrong`. Scoring needs this; resume and replay prove more."""
    from sim.format.scenario import InjectKind

    injects = {i.id for i in scenario.injects}
    kinds = get_args(InjectKind)
    for n, e in enumerate(j.events):
        problem = ""
        if isinstance(e, FacilitatorInjectNow) and e.inject not in injects:
            problem = f"scenario {scenario.id!r} has no inject {e.inject!r}"
        elif isinstance(e, FacilitatorSay) and e.inject_kind is not None and e.inject_kind not in kinds:
            problem = f"{e.inject_kind!r} is no inject kind (one of: {', '.join(kinds)})"
        elif isinstance(e, FacilitatorJump) and e.dt <= 0:
            problem = f"a jump of {e.dt:g}s; jumps go forward"
        if problem:
            raise JournalError(f"{j.where(n)}: a {e.kind} no drill takes: {problem}")


def replay_exactly(drill: Drill, j: Journal) -> tuple[DebriefAnswer, ...]:
    """Replay the journal's inputs into `drill` (fresh from its header) and prove the journal is what the
    drill writes: every recorded event, in order, is one the replay gives (it may give more: the events a
    crash kept from being written). Returns the lessons-learned answers that follow the end, which replay
    cannot give. Raises JournalError `file:line: what differs`."""
    events = j.events
    end = next((n for n, e in enumerate(events) if isinstance(e, DrillEnded)), len(events) - 1)
    played = events[: end + 1]
    answers: list[DebriefAnswer] = []
    for n, e in enumerate(events[end + 1 :], start=end + 1):
        if not isinstance(e, DebriefAnswer):
            raise JournalError(f"{j.where(n)}: a {e.kind} event after the drill ended; only answers follow the end")
        answers.append(e)
    for n, event in enumerate(played):
        if is_input(event):
            drill.advance_to(event.t)
            try:
                apply_input(drill, event)
            except Unreplayable as exc:
                raise JournalError(f"{j.where(n)}: {exc}") from None
    if played:
        drill.catch_up(len(played), played[-1].t)
    for n, theirs in enumerate(played):
        b = dumps(to_json(theirs))
        if n >= len(drill.events):
            raise JournalError(
                f"{j.where(n)}: replay diverges at event {n + 1} ({format_clock(theirs.t)}): the journal has {b}, "
                f"which the replay never gives (it ends after {n} events)"
            )
        a = dumps(to_json(drill.events[n]))
        if a != b:
            raise JournalError(
                f"{j.where(n)}: replay diverges at event {n + 1} ({format_clock(theirs.t)}): "
                f"the journal has {b}, the replay gives {a}"
            )
    return tuple(answers)


def resume(
    journal: str | os.PathLike[str], *, scenario: Scenario | None = None, playbook: Playbook | None = None
) -> Drill:
    """Rebuild the drill a journal records by re-running its inputs, and keep journaling to the same file.

    The journal is locked first (JournalInUse when another warroom holds it) and stays locked until the
    drill is closed. A journal the replay does not reproduce is refused and left as it was, byte for byte;
    only a cut-off last line is dropped (the writer truncates it) once the rest is proven."""
    from sim.engine.drill import Drill

    held = lock(journal)
    try:
        j = read_journal(journal)
        h = j.header
        found = resolve(h, j.path, "strict", scenario=scenario, playbook=playbook)
        drill = Drill(
            found.scenario,
            found.playbook,
            h.seed,
            trainee=h.trainee,
            team=h.team,
            # Where the files are now: a journal made under another install finds them by id and content.
            scenario_path=found.scenario_file if h.scenario_path else None,
            playbook_path=found.playbook_file if h.playbook_path else None,
        )
        try:
            answers = replay_exactly(drill, j)
        except JournalError as exc:
            raise JournalError(f"{exc}; not resumed, and the journal is left as it was") from None
        # Lessons-learned answers follow the end; replay cannot produce them, so they are carried over as records.
        drill.restore_records(answers)
        drill.take_new()  # the caller has seen these: they are in the journal
        writer = JournalWriter(j.path, keep_bytes=j.valid_bytes, locked=held)
    except BaseException:
        held.close()
        raise
    drill.attach_journal(writer, len(j.events))
    return drill
