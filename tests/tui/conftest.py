"""Fixtures for the TUI tests: a quiet terminal, a private data dir, and apps built from injected parts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from sim.engine.drill import Drill
from sim.format.loading import load_playbook, load_scenario
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIO_DIR = FIXTURES / "scenarios"
SCENARIO_FILE = SCENARIO_DIR / "api-outage.yaml"
PLAYBOOK_FILE = FIXTURES / "playbooks" / "drillbook.yaml"
SEED = 7
WIDE = (120, 36)  # the terminal the snapshots and most pilots use
NARROW = (80, 24)


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    # A blinking cursor is drawn or not depending on when the screenshot lands: snapshots would flake.
    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture(scope="session")
def scenario() -> Scenario:
    return load_scenario(SCENARIO_FILE, {"drillbook": load_playbook(PLAYBOOK_FILE)})


@pytest.fixture(scope="session")
def playbook() -> Playbook:
    return load_playbook(PLAYBOOK_FILE)


@pytest.fixture
def drill(scenario: Scenario, playbook: Playbook, tmp_path: Path) -> Iterator[Drill]:
    d = Drill(scenario, playbook, SEED, trainee="Alex", journal=tmp_path / "drill.jsonl")
    yield d
    d.close()


@pytest.fixture
def snap_drill(
    scenario: Scenario, playbook: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Drill]:
    """The drill the snapshots show: a relative journal path, so dialogs that name the journal read the same
    on every machine."""
    monkeypatch.chdir(tmp_path)
    d = Drill(scenario, playbook, SEED, trainee="Alex", journal="drill.jsonl")
    yield d
    d.close()


def picker_app(**kwargs: object) -> WarroomApp:
    """The app as `warroom play` opens it with the test scenarios: on the picker, the clock paused."""
    return WarroomApp(scenario_dirs=[SCENARIO_DIR], autostart=False, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def app(drill: Drill) -> WarroomApp:
    """The drill screen straight away, its clock paused: tests move time explicitly."""
    return WarroomApp(drill=drill, autostart=False)


async def end_drill(pilot: Pilot[Any], screen: DrillScreen) -> None:
    """End the drill from its screen and confirm, as a trainee does; the debrief opens."""
    screen.action_end_drill()
    await pilot.pause()
    await pilot.press("y")
    await pilot.pause()
