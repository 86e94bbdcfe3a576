"""Workloads shared by the benchmarks. Imports `sim` only, so a child process measuring memory loads no more."""

from __future__ import annotations

from pathlib import Path

from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

FOUR_HOURS = 4 * 3600.0


def four_hour_parts(path: Path) -> tuple[Scenario, Playbook]:
    """The scenario at `path` stretched to four hours, and its playbook."""
    scenario, playbook, _, _ = Library().load_scenario(path)
    return scenario.model_copy(update={"duration": FOUR_HOURS}), playbook


def four_hour_drill(scenario: Scenario, playbook: Playbook) -> Drill:
    """Run a four-hour scenario headless to its end with nobody responding."""
    drill = Drill(scenario, playbook)
    drill.advance(FOUR_HOURS + 1)
    return drill
