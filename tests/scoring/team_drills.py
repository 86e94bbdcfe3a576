"""Team drills for the team debrief's tests: the model answer of tests/scoring/builder.py split between an
incident commander (sam), a comms lead (erin) and a tech lead (tom), played through the engine so every event
records its real actor and role."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sim.engine.drill import Drill
from tests.scoring.builder import IDEAL, Step
from tests.scoring.test_engine_scoring import play

TECH_WORK = ("investigate", "snapshot", "kill_idle")


def split(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """dana's steps to sam as IC, but the technical work to tom as tech lead; the roles handed out to match."""
    out = []
    for s in steps:
        if s.actor == "dana":
            s = replace(s, actor="tom", role="tech") if s.do in TECH_WORK else replace(s, actor="sam")
        if s.do == "assign_role" and s.params.get("who") == "dana":
            s = replace(s, params={**s.params, "who": "sam"})
        out.append(s)
    tech = Step(s.at, "assign_role", {"role": "tech", "who": "tom"}, "sam", "ic")
    at = next(i for i, s in enumerate(out) if s.do == "assign_role" and s.params["role"] == "comms")
    out.insert(at + 1, replace(tech, at=out[at].at + 20.0))
    return tuple(sorted(out, key=lambda s: s.at))


TEAM = split(IDEAL)


def play_team(steps: tuple[Step, ...] = TEAM, journal: Path | None = None) -> Drill:
    return play(steps, journal)
