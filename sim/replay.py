"""Rebuilding a drill from its journal: load what the header names, refuse files that changed since,
replay the recorded inputs at their sim times, and check the replay matches what was written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sim.actions import ActionRefused
from sim.durations import format_clock
from sim.events import (
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
from sim.journal import JournalError, JournalWriter, dumps, file_hash, model_hash, read_journal
from sim.loading import load_playbook, load_scenario
from sim.playbook import Playbook
from sim.record import Header
from sim.scenario import Scenario

if TYPE_CHECKING:
    from sim.engine import Drill


def is_input(event: AnyEvent) -> bool:
    """Whether the event records an input (what a trainee or facilitator did); the engine derives the rest."""
    return isinstance(event, ActionStarted | ActionRefusal | ActionCancelled | FacilitatorInput) or (
        isinstance(event, DrillEnded) and event.reason == "ended"
    )


def load_playbook_file(path: str | os.PathLike[str]) -> Playbook:
    return load_playbook(Path(path))


def load_scenario_file(path: str | os.PathLike[str], playbook: Playbook | None = None) -> Scenario:
    """The scenario at `path`, its playbook id resolved against `playbook` when given."""
    return load_scenario(Path(path), playbooks={playbook.id: playbook} if playbook else None)


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


def replay(drill: Drill, events: Iterable[AnyEvent]) -> None:
    """Feed a drill the inputs among `events` at their times, then run it on until it has produced as many
    events as were recorded (a well-formed journal then matches it event for event)."""
    events = list(events)
    for event in events:
        if is_input(event):
            drill.advance_to(event.t)
            apply_input(drill, event)
    if events:
        drill.catch_up(len(events), events[-1].t)


def _check_file(what: str, recorded_path: str, recorded_hash: str, journal: Path) -> Path:
    p = Path(recorded_path)
    if not p.is_file():
        raise JournalError(f"{journal}: the {what} it was recorded with, {p}, no longer exists")
    if file_hash(p) != recorded_hash:
        raise JournalError(
            f"{journal}: the {what} {p} has changed since this drill was recorded; "
            "replaying it would not give the same drill"
        )
    return p


def _check_model(what: str, model: Playbook | Scenario, recorded_hash: str, journal: Path, where: str = "") -> None:
    if model_hash(model) != recorded_hash:
        found = f" (found at {where})" if where else ""
        raise JournalError(f"{journal}: the {what} {model.id!r}{found} is not the one the drill was recorded with")


def _by_id(what: str, ident: str, journal: Path) -> Path:
    """A drill built from models (the TUI's) records no paths: look the file up by id in the library."""
    from sim.library import NotFound, find_scenario, list_playbooks

    try:
        if what == "scenario":
            return find_scenario(ident)
        found = [e.path for e in list_playbooks() if e.playbook is not None and e.playbook.id == ident]
        if found:
            return found[-1]  # the library's precedence: later sources override earlier ones
        raise NotFound(f"no playbook {ident!r}", "")
    except NotFound:
        raise JournalError(
            f"{journal}: the journal does not say where its {what} {ident!r} is, and no "
            f"{what} with that id was found; pass it in"
        ) from None


def models_for(
    header: Header, journal: Path, *, scenario: Scenario | None = None, playbook: Playbook | None = None
) -> tuple[Scenario, Playbook]:
    """The scenario and playbook a journal was recorded with: from the recorded files (unchanged since, by
    content hash) or, for journals without paths, by id; `scenario`/`playbook` given are checked instead."""
    if header.playbook_path:
        playbook = playbook or load_playbook_file(
            _check_file("playbook", header.playbook_path, header.playbook_hash, journal)
        )
    else:
        playbook = playbook or load_playbook_file(_by_id("playbook", header.playbook, journal))
        _check_model("playbook", playbook, header.playbook_hash, journal)
    if header.scenario_path:
        path = _check_file("scenario", header.scenario_path, header.scenario_hash, journal)
        scenario = scenario or load_scenario_file(path, playbook)
    else:
        scenario = scenario or load_scenario_file(_by_id("scenario", header.scenario, journal), playbook)
        _check_model("scenario", scenario, header.scenario_hash, journal)
    return scenario, playbook


def resume(
    journal: str | os.PathLike[str], *, scenario: Scenario | None = None, playbook: Playbook | None = None
) -> Drill:
    """Rebuild the drill a journal records and reattach the journal; see `Drill.resume`."""
    from sim.engine import Drill

    j = read_journal(journal)
    h = j.header
    scenario, playbook = models_for(h, j.path, scenario=scenario, playbook=playbook)
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
