"""The history screen: `h` from the picker, the table filtered by trainee/team/scenario, trends by trainee or
team and scenario (leaving out drills the facilitator ended, which the table marks), Enter reviews a stored
drill (or says why it cannot), and a bad database is a notice."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Label, Select

import scenarios
from scoring.grade import grade
from scoring.history import History, store
from sim.journal.jsonl import read_journal
from sim.training.runner import run_script
from tests.scoring.test_history import _row
from tests.sim.engine_fixtures import PLAYBOOK_PATH, SCENARIO_PATH, ideal, playbook, scenario
from tui.screens.history import HistoryScreen, TrendRow
from tui.screens.picker import PickerScreen
from tui.screens.review import ReviewScreen

from .conftest import WIDE, picker_app

# Made-up journals, different so the store keeps both drills (it stores a drill once per journal).
BY_TRAINEE = '{"format": 1}\n{"t": 60, "kind": "drill.ended"}\n'
BY_FACILITATOR = '{"format": 1}\n{"t": 60, "kind": "drill.ended", "by": "facilitator"}\n'


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three made-up drills, one real one, one the facilitator ended and one more of the tutorial; WARROOM_DB
    points at it, relative so pictures never show tmp."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WARROOM_DB", "history.db")
    path = Path("history.db")
    with History(path) as h:
        h.add(_row("ana", at="2026-01-05T10:00:00Z", score=55.0))
        h.add(_row("bo", team="dba", at="2026-02-05T10:00:00Z", score=71.0))
        h.add(_row("ana", scenario="ddos", at="2026-03-05T10:00:00Z", score=92.0))
    journal = tmp_path / "real.jsonl"
    drill = run_script(
        scenario(), playbook(), ideal(), journal=journal, trainee="ana", team="sre",
        scenario_path=SCENARIO_PATH, playbook_path=PLAYBOOK_PATH,
    )  # fmt: skip
    card = grade(drill.record, scenario(), playbook())
    store(card, read_journal(journal).record, journal, started_at="2026-04-05T10:00:00Z", db=path)
    cut = _row("ana", at="2026-05-05T10:00:00Z", score=12.0)
    with History(path) as h:
        h.add(dataclasses.replace(cut, end_reason="ended", ended_by="facilitator", journal=BY_FACILITATOR))
        h.add(dataclasses.replace(_row("ana", at="2026-06-05T10:00:00Z", score=74.0), journal=BY_TRAINEE))
    return path


def ids(screen: HistoryScreen) -> list[int | None]:
    return [r.id for r in screen.shown]


async def test_h_opens_the_history_filters_narrow_it_and_trends_follow(db: Path) -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        assert ids(screen) == [1, 2, 3, 4, 5, 6]
        table = screen.query_one("#history-table", DataTable)
        assert table.row_count == 6
        # The facilitator's drill is listed, marked, and explained in the title; it is in no trend.
        assert [str(table.get_cell(str(i), "score")) for i in (1, 5)] == ["55.0 ", "12.0*"]
        assert "* ended by the facilitator, not trended" in str(screen.query_one("#history-title", Label).visual)
        trended = [(t.trend.who, t.trend.scenario, t.trend.scores) for t in screen.query(TrendRow)]
        assert trended == [
            ("ana", "ddos", (92.0,)),
            ("ana", "pool-leak", (screen.rows[3].score,)),
            ("ana", "tutorial", (55.0, 74.0)),  # not 55 → 12 → 74: the facilitator cut drill 5 short
            ("bo", "tutorial", (71.0,)),
        ]
        screen.query_one("#history-trainee", Select).value = "ana"
        await pilot.pause()
        assert ids(screen) == [1, 3, 4, 5, 6]
        screen.query_one("#history-scenario", Select).value = "ddos"
        await pilot.pause()
        assert ids(screen) == [3]
        screen.query_one("#history-trainee", Select).clear()
        screen.query_one("#history-scenario", Select).clear()
        screen.query_one("#history-team", Select).value = "dba"
        await pilot.pause()
        assert ids(screen) == [2]
        screen.query_one("#history-team", Select).clear()
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        assert [(t.trend.who, t.trend.scenario) for t in screen.query(TrendRow)] == [
            ("dba", "tutorial"),
            ("sre", "ddos"),
            ("sre", "pool-leak"),
            ("sre", "tutorial"),
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_enter_reviews_a_stored_drill_or_says_why_it_cannot(db: Path) -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one("#history-table", DataTable)
        table.focus()
        await pilot.press("enter")  # drill 1 holds a made-up journal: a notice, and the screen stays
        await pilot.pause()
        assert app.screen is screen
        (note,) = [n for n in app._notifications if n.title == "Cannot review that drill"]
        assert "history.db drill 1" in note.message
        table.move_cursor(row=3)
        await pilot.press("enter")
        await pilot.pause()
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.review.record.header.trainee == "ana" and review.ideal
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_a_database_from_a_newer_warroom_is_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    newer = tmp_path / "newer.db"
    History(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    monkeypatch.setenv("WARROOM_DB", str(newer))
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        (note,) = [n for n in app._notifications if n.title == "Cannot open the drill history"]
        assert "written by a newer warroom" in note.message


def test_snapshot_history(db: Path, snap_compare, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "no-bundled-scenarios"
    empty.mkdir()
    monkeypatch.setattr(scenarios, "LIBRARY", empty)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("h")
        await pilot.pause()

    assert snap_compare(picker_app(trainee="Alex"), terminal_size=WIDE, run_before=run_before)


async def test_end_and_home_go_to_the_last_and_first_drill(db: Path) -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        table = app.screen.query_one("#history-table", DataTable)
        await pilot.press("end")
        await pilot.pause()
        assert (table.cursor_row, table.scroll_x) == (5, 0)
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0
