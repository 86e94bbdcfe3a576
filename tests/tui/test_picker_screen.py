"""The picker as a new trainee meets it: the tutorial first, Enter in the search box opens a single match,
Home and End move through the rows (not sideways), and each scenario's best score and last play come from the
drill history."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

import scenarios
from scoring.history import History, default_db
from tests.scoring.test_history import _row
from tui.app import WarroomApp
from tui.screens.briefing import BriefingScreen
from tui.screens.picker import PickerScreen

from .conftest import SCENARIO_DIR, WIDE, picker_app


def picker(app: WarroomApp) -> PickerScreen:
    assert isinstance(app.screen, PickerScreen)
    return app.screen


def table(app: WarroomApp) -> DataTable[object]:
    return picker(app).query_one("#picker-table", DataTable)


async def test_the_tutorial_comes_first_and_easier_drills_before_harder_ones() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE):
        shown = picker(app).shown
        assert shown[0].id == "tutorial"
        assert table(app).cursor_row == 0  # where a new trainee's Enter lands
        ranks = ["tutorial", "easy", "medium", "hard"]
        loaded = [e.scenario.difficulty for e in shown if e.ok and e.scenario is not None]
        assert loaded == sorted(loaded, key=ranks.index)
        assert shown[-1].id == "broken"  # what cannot be played goes last


async def test_enter_in_the_search_box_opens_a_single_match() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"fixture-api")
        assert [e.id for e in picker(app).shown] == ["fixture-api-outage"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.screen.session.scenario.id == "fixture-api-outage"


async def test_enter_with_several_matches_moves_to_the_list() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"outage")
        assert len(picker(app).shown) > 1
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.focused is table(app)
        await pilot.press("escape")  # and a search that matches nothing opens nothing either
        await pilot.press("slash", *"no such drill", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and picker(app).shown == []
        assert app.focused is table(app)


async def test_home_and_end_move_to_the_first_and_last_row_not_sideways() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: the table is wider than the screen
        t = table(app)
        assert t.max_scroll_x > 0
        await pilot.press("end")
        await pilot.pause()
        assert (t.cursor_row, t.scroll_x) == (t.row_count - 1, 0)
        await pilot.press("home")
        await pilot.pause()
        assert (t.cursor_row, t.scroll_x) == (0, 0)


def _store(trainee: str, scenario: str, day: int, score: float, *, cut: bool = False) -> None:
    row = _row(trainee, scenario=scenario, at=f"2026-03-{day:02d}T10:00:00Z", score=score)
    row = dataclasses.replace(row, journal=f'{{"format": 1}}\n{{"t": {day}, "kind": "x"}}\n')
    if cut:
        row = dataclasses.replace(row, end_reason="ended", ended_by="facilitator")
    with History(default_db()) as h:
        h.add(row)


async def test_best_score_and_last_play_are_the_trainees_own() -> None:
    _store("Alex", "tutorial", 1, 64.0)
    _store("Alex", "tutorial", 2, 91.4)
    _store("Alex", "tutorial", 5, 99.0, cut=True)  # the facilitator stopped it: played, but not a score
    _store("Sam", "tutorial", 9, 100.0)  # someone else's
    _store("Sam", "fixture-api-outage", 9, 80.0)
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE):
        await app.workers.wait_for_complete()  # the history is read by a worker
        t = table(app)

        def cells(scenario_id: str) -> tuple[str, str]:
            entry = next(e for e in picker(app).shown if e.id == scenario_id)
            return str(t.get_cell(str(entry.path), "best")), str(t.get_cell(str(entry.path), "last"))

        assert cells("tutorial") == ("91", "2026-03-05")
        assert cells("fixture-api-outage") == ("", "")  # never played by Alex: empty


async def test_a_new_name_shows_that_trainees_scores(tmp_path: Path) -> None:
    _store("Sam", "fixture-api-outage", 9, 80.0)
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        path = str(SCENARIO_DIR / "api-outage.yaml")
        assert str(table(app).get_cell(path, "best")) == ""
        await pilot.press("N")
        await pilot.pause()
        await pilot.press(*["backspace"] * 4, *"Sam", "enter")
        await pilot.pause()
        assert str(table(app).get_cell(path, "best")) == "80"


def test_snapshot_picker_with_history(
    snap_compare: Callable[..., bool], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Alex has played the fixture scenario twice; the bundled library is hidden, as it grows."""
    empty = tmp_path / "no-bundled-scenarios"
    empty.mkdir()
    monkeypatch.setattr(scenarios, "LIBRARY", empty)
    _store("Alex", "fixture-api-outage", 1, 64.0)
    _store("Alex", "fixture-api-outage", 2, 87.6)
    assert snap_compare(picker_app(trainee="Alex"), terminal_size=WIDE, run_before=_history_read)


async def _history_read(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
