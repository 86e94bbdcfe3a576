"""Snapshots of every screen and modal at 120x36, the drill and debrief screens at 80x24, the drill at 200x50.

Each app is built from injected parts with a fixed seed and a paused clock; `run_before` moves sim time.
Regenerate with `pytest tests/tui/test_snapshots.py --snapshot-update` only after looking at the report.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

import scenarios
from sim.engine.drill import Drill
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen

from .conftest import NARROW, SCENARIO_DIR, SEED, WIDE

HUGE = (200, 50)

Snap = Callable[..., bool]


@pytest.fixture
def only_fixture_scenarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The picker lists the bundled library too; hide it so new bundled scenarios do not move this snapshot.
    empty = tmp_path / "no-bundled-scenarios"
    empty.mkdir()
    monkeypatch.setattr(scenarios, "LIBRARY", empty)


def at(minutes: int, *keys: str) -> Callable[[Pilot[None]], Awaitable[None]]:
    """run_before: step the paused drill `minutes` minutes, then press `keys`."""

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press(*["n"] * minutes)
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()

    return run_before


def test_picker(snap_compare: Snap, only_fixture_scenarios: None) -> None:
    app = WarroomApp(scenario_dirs=[SCENARIO_DIR], trainee="Alex", autostart=False)
    assert snap_compare(app, terminal_size=WIDE)


def test_picker_asks_the_name_once(snap_compare: Snap, only_fixture_scenarios: None) -> None:
    app = WarroomApp(scenario_dirs=[SCENARIO_DIR], autostart=False)
    assert snap_compare(app, press=[*"Alex"], terminal_size=WIDE)


def test_briefing(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    app = WarroomApp(scenario_id=str(SCENARIO_DIR / "api-outage.yaml"), trainee="Alex", seed=SEED, autostart=False)
    assert snap_compare(app, terminal_size=WIDE)


def test_drill(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=at(3, "a", "n"))


def test_drill_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=NARROW, run_before=at(3, "a", "n"))


def test_drill_at_200_by_50(snap_compare: Snap, snap_drill: Drill) -> None:
    """The side column grows with the terminal: whole labels, longer sparklines."""
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=HUGE, run_before=at(3, "a", "n"))


def _fixed_and_busy(minutes: int = 6) -> Callable[[Pilot[None]], Awaitable[None]]:
    """Rolled back at T+2:00, `minutes` later five actions started at once: the post-fix watch counts in the
    timers and the strip shows every running action."""

    async def run_before(pilot: Pilot[None]) -> None:
        await at(2)(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, DrillScreen)
        screen.act("acknowledge")
        screen.act("rollback")
        await at(minutes)(pilot)
        screen.act("investigate", target="logs")
        screen.act("page", contact="dba")
        screen.act("brief_executives")
        screen.act("status_page", state="monitoring")
        screen.act("post_update")
        await pilot.pause()

    return run_before


def test_drill_recovering(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=_fixed_and_busy())


def test_drill_recovering_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=NARROW, run_before=_fixed_and_busy())


def test_actions_menu_marks_done_and_running(snap_compare: Snap, snap_drill: Drill) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _fixed_and_busy()(pilot)
        await pilot.press("x")
        await pilot.pause()

    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_drill_busy(snap_compare: Snap, snap_drill: Drill) -> None:
    """Later on: severity and roles set, an investigation running, an update overdue, the feed scrolled."""

    async def run_before(pilot: Pilot[None]) -> None:
        await at(2, "a", "s", "enter", "r", "enter", "enter", "i", "down", "down", "enter")(pilot)
        await at(14)(pilot)
        await pilot.press("plus", "plus")

    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("s", "severity"),
        ("r", "roles"),
        ("c", "comms"),
        ("i", "investigate"),
        ("p", "page"),
        ("x", "actions"),
        ("R", "confirm_resolve"),
        ("f", "filter"),
        ("question_mark", "help"),
        ("q", "confirm_quit"),
    ],
)
def test_modal(snap_compare: Snap, snap_drill: Drill, key: str, name: str) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=at(2, key))


def test_error_dialog(snap_compare: Snap, snap_drill: Drill, monkeypatch: pytest.MonkeyPatch) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await at(2)(pilot)

        def broken(dt: float) -> list[object]:
            raise RuntimeError("metric 'error_rate' produced NaN")

        monkeypatch.setattr(snap_drill, "advance", broken)
        await pilot.press("n")
        await pilot.pause()

    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_command_palette(snap_compare: Snap, snap_drill: Drill) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await at(2, "ctrl+p", *"roll")(pilot)
        await pilot.pause(0.3)  # the palette searches in a worker

    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


async def _to_debrief(pilot: Pilot[None]) -> None:
    await at(2, "a", "s", "enter", "x", "down", "down", "enter")(pilot)  # Mitigate: restart, then roll back
    await at(8)(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    await end_drill(pilot, screen)


def test_debrief(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=_to_debrief)


def test_debrief_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    """The scorecard still reads at 80 columns: each explanation and the rule it checks wrap into view."""
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=NARROW, run_before=_to_debrief)


@pytest.mark.parametrize("tab", ["kpis", "timeline", "charts"])
def test_debrief_tabs(snap_compare: Snap, snap_drill: Drill, tab: str) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _to_debrief(pilot)
        pilot.app.screen.query_one("#debrief-tabs").active = f"tab-{tab}"  # type: ignore[attr-defined]
        await pilot.pause()

    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)
