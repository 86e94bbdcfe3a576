"""Fixtures for the engine tests: the `pool-leak` scenario on the `drillbook` playbook, and a builder for
tiny noise-free scenarios whose event times can be worked out by hand."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from sim.format.loading import load_playbook, load_scenario, load_script
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.journal.events import AnyEvent

HERE = Path(__file__).parent
E = TypeVar("E", bound=AnyEvent)
PLAYBOOK_PATH = HERE / "playbooks" / "drillbook.yaml"
SCENARIO_PATH = HERE / "library" / "pool-leak.yaml"
IDEAL_PATH = HERE / "scripts" / "pool-leak" / "ideal.yaml"


@cache
def playbook() -> Playbook:
    return load_playbook(PLAYBOOK_PATH)


@cache
def scenario() -> Scenario:
    return load_scenario(SCENARIO_PATH, {"drillbook": playbook()})


@cache
def ideal() -> Script:
    return load_script(IDEAL_PATH, scenario(), playbook())


def playbook_with(**changes: Any) -> Playbook:
    """The drillbook with top-level keys replaced (validated like a file would be)."""
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data.update(changes)
    return Playbook.model_validate(data)


def escalation_with(**changes: Any) -> Playbook:
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data["escalation"].update(changes)
    return Playbook.model_validate(data)


# A quiet metric: baseline 10, warn 20, critical 40, no noise, sampled every 10 s.
QUIET = {"id": "m", "label": "M", "baseline": 10, "noise": 0, "warn": 20, "critical": 40}


def mini(
    effects: list[dict[str, Any]] | None = None,
    *,
    start: str = "10m",
    metrics: list[dict[str, Any]] | None = None,
    faults: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Scenario:
    """A noise-free scenario on the drillbook: by default one metric `m` and one fault `f` at `start`."""
    data: dict[str, Any] = {
        "id": "mini",
        "title": "Mini",
        "summary": "A tiny scenario for exact event times.",
        "playbook": "drillbook",
        "difficulty": "easy",
        "duration": "2h",
        "seed": 3,
        "briefing": "Watch m.",
        "truth": {"severity": "SEV2", "root_cause": "f", "category": "outage", "fixed_by": ["fix"]},
        "metrics": metrics or [QUIET],
        "faults": faults
        or [
            {
                "id": "f",
                "label": "The fault",
                "start": start,
                "effects": effects or [{"metric": "m", "shape": "step", "by": 15}],
            }
        ],
        "actions": [{"id": "fix", "label": "Fix it", "duration": "1m", "effects": [{"resolve": "f"}]}],
    }
    data.update(extra)
    return Scenario.model_validate(data)


def of(events: Sequence[AnyEvent], kind: type[E], **match: Any) -> list[E]:
    """The events of one kind whose fields equal `match`."""
    return [e for e in events if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())]


def times(events: Sequence[AnyEvent], kind: type[AnyEvent], **match: Any) -> list[float]:
    return [e.t for e in of(events, kind, **match)]
