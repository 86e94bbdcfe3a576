"""The headless runner: play a scripted list of timed actions against a drill, then run it to the end.
It backs `warroom run`, the tests, scoring integration, calibration and the benchmarks."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.format.loading import load_script
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script, Step
from sim.journal.events import ActionRefusal, ActionStarted

Tick = Callable[[Drill], None]


def load_script_file(
    path: str | os.PathLike[str], scenario: Scenario | None = None, playbook: Playbook | None = None
) -> Script:
    """The script at `path`, its steps checked against the scenario and playbook; raises LoadError."""
    return load_script(Path(path), scenario=scenario, playbook=playbook)


def advance_to(drill: Drill, t: float, tick: float | None = None, on_tick: Tick | None = None) -> None:
    """Run the drill to sim time `t`, in slices of `tick` seconds when given (calling `on_tick` after each).

    Slicing never changes what happens: SimPy runs events due at a slice's end in the next slice.
    """
    while not drill.finished and drill.now < t:
        step_to = t if tick is None else min(t, round(drill.now + tick, 3))
        drill.advance_to(step_to)
        if on_tick is not None:
            on_tick(drill)


def play(
    drill: Drill,
    steps: Sequence[Step],
    until: float | None = None,
    tick: float | None = None,
    on_tick: Tick | None = None,
) -> None:
    """Take each step at its time (a refused step is journaled and skipped), then run on.

    With `until` the drill stops there, still running (a step due at `until` itself is not taken); without,
    it runs until it ends (verified recovery, the duration limit, or the trainee ending it).
    """
    end = drill.duration + 1.0 if until is None else until
    for step in steps:
        if drill.finished or step.at >= end:
            break
        advance_to(drill, step.at, tick, on_tick)
        if drill.finished:
            break
        # A refusal is journaled as `action.refused`; a script carries on like a trainee would.
        with contextlib.suppress(ActionRefused):
            drill.act(step.do, actor=step.actor, role=step.role, **step.params)
    advance_to(drill, end, tick, on_tick)


def run_script(
    scenario: Scenario,
    playbook: Playbook,
    script: Script | Sequence[Step],
    seed: int | None = None,
    until: float | None = None,
    journal: str | os.PathLike[str] | None = None,
    trainee: str = "trainee",
    *,
    team: str = "",
    scenario_path: str | os.PathLike[str] | None = None,
    playbook_path: str | os.PathLike[str] | None = None,
) -> Drill:
    """Build a drill, play the script against it, and return it (finished unless `until` stopped it)."""
    drill = Drill(
        scenario,
        playbook,
        seed,
        trainee=trainee,
        team=team,
        journal=journal,
        scenario_path=scenario_path,
        playbook_path=playbook_path,
    )
    try:
        play(drill, script.root if isinstance(script, Script) else script, until)
    finally:
        drill.close()
    return drill


def steps_left(drill: Drill, script: Script | Sequence[Step]) -> list[Step]:
    """The steps a resumed drill has not taken yet: each step taken left one input event in the journal."""
    steps = list(script.root if isinstance(script, Script) else script)
    taken = sum(1 for e in drill.events if isinstance(e, ActionStarted | ActionRefusal))
    return steps[taken:]
