"""Workloads shared by the benchmarks. Imports `sim` only, so a child process measuring memory loads no more."""

from __future__ import annotations

from pathlib import Path

from sim.engine import Drill
from sim.library import playbooks_for
from sim.loading import load_scenario

FOUR_HOURS = 4 * 3600.0


def four_hour_drill(path: Path) -> Drill:
    """The scenario stretched to four hours, run headless to its end with nobody responding."""
    scenario = load_scenario(path)
    scenario = scenario.model_copy(update={"duration": FOUR_HOURS})
    drill = Drill(scenario, playbooks_for(path)[scenario.playbook])
    drill.advance(FOUR_HOURS + 1)
    return drill
