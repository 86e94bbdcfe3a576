"""Team drills for the team debrief's tests: the model answer of tests/scoring/builder.py split between an
incident commander (sam), a comms lead (erin) and a tech lead (tom), played through the engine so every event
records its real actor and role, with what they wrote in the incident channel."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.format.script import Step as ScriptStep
from sim.training.runner import advance_to
from tests.scoring.builder import DATA, IDEAL, Step, load_playbook, load_scenario
from tests.scoring.test_engine_scoring import script

TECH_WORK = ("investigate", "snapshot", "kill_idle")


class Say(NamedTuple):
    at: float
    actor: str
    role: str | None
    text: str


def split(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """dana's steps to sam as IC, but the technical work to tom as tech lead; the roles handed out to match."""
    out = []
    for s in steps:
        if s.actor == "dana":
            s = replace(s, actor="tom", role="tech") if s.do in TECH_WORK else replace(s, actor="sam")
        if s.do == "assign_role" and s.params.get("who") == "dana":
            s = replace(s, params={**s.params, "who": "sam"})
        out.append(s)
    at = next(i for i, s in enumerate(out) if s.do == "assign_role" and s.params["role"] == "comms")
    out.insert(at + 1, Step(out[at].at + 20.0, "assign_role", {"role": "tech", "who": "tom"}, "sam", "ic"))
    return tuple(sorted(out, key=lambda s: s.at))


TEAM = split(IDEAL)
CHAT = (
    Say(185.0, "sam", "ic", "I have the page. Declaring SEV1; erin on comms, tom on the database."),
    Say(505.0, "tom", "tech", "Looking at the logs: /search never returns its connections."),
    Say(690.0, "erin", "comms", "Customers told; next update in 15 minutes."),
)


def play_team(
    steps: tuple[Step, ...] = TEAM, said: tuple[Say, ...] = (), journal: Path | None = None, seed: int | None = None
) -> Drill:
    """Each step and message at its time, then on to the end, as a team host would journal them."""
    drill = Drill(
        load_scenario(),
        load_playbook(),
        seed,
        trainee="sam",
        team="blue",
        journal=journal,
        scenario_path=DATA / "scenario.yaml",
        playbook_path=DATA / "playbook.yaml",
    )
    try:
        inputs: list[ScriptStep | Say] = [*script(steps), *said]
        for x in sorted(inputs, key=lambda x: float(x.at)):
            advance_to(drill, float(x.at))
            if drill.finished:
                break
            if isinstance(x, Say):
                drill.say(x.text, actor=x.actor, role=x.role)
            else:
                with contextlib.suppress(ActionRefused):
                    drill.act(x.do, actor=x.actor, role=x.role, **x.params)
        advance_to(drill, drill.duration + 1.0)
    finally:
        drill.close()
    return drill
