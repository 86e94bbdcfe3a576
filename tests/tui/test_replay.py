"""Review mode and the history store on finishing: the drill at any T equals a drill stopped at T, keys and
clicks scrub, the ideal script is shown beside; a finished drill is stored once, a bad database costs nothing."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot

from scoring.history import History, default_db
from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.journal.events import DrillEnded, to_json
from sim.journal.jsonl import dumps, read_journal
from sim.journal.resolve import resolve
from sim.rerun.review import Review, ideal_script
from sim.training.runner import run_script
from tests.sim.engine_fixtures import PLAYBOOK_PATH, SCENARIO_PATH, ideal, playbook, scenario
from tests.tui.conftest import WIDE, end_drill
from tui.app import WarroomApp
from tui.cli import main
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.screens.review import ReviewApp, ReviewScreen, Timeline
from tui.widgets.panels import RowList


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    """The pool-leak drill played by its ideal script, recorded with the scenario's path."""
    path = tmp_path / "pool-leak.jsonl"
    run_script(
        scenario(),
        playbook(),
        ideal(),
        journal=path,
        trainee="Alex",
        scenario_path=SCENARIO_PATH,
        playbook_path=PLAYBOOK_PATH,
    )
    return path


def review_screen(journal: Path) -> ReviewScreen:
    record = read_journal(journal).record
    s, p, *_ = resolve(record.header, journal, "strict")
    return ReviewScreen.of_record(record, s, p)


def plain(events: list) -> list[str]:
    return [dumps(to_json(e)) for e in events]


def test_the_drill_at_t_is_the_drill_stopped_at_t_backwards_and_forwards(journal: Path) -> None:
    record = read_journal(journal).record
    review = Review(record, scenario(), playbook())
    for t in (1200.0, 300.0, 720.0, 720.0, review.end):  # back, forward and again: one rebuilt drill each way
        # The state at T includes what the trainee did at T itself (it is marked on the timeline at T).
        stopped = Drill(scenario(), playbook(), record.header.seed, trainee="Alex")
        for step in (s for s in ideal().root if s.at <= t):
            stopped.advance_to(step.at)
            with contextlib.suppress(ActionRefused):
                stopped.act(step.do, actor=step.actor, role=step.role, **step.params)
        stopped.advance_to(t)
        at = review.at(t)
        if t < review.end:
            assert plain(at.events) == plain(stopped.events)
            assert at.state == stopped.state
    assert plain(review.at(review.end).events) == plain(list(record.events))  # to the very last event


def test_the_ideal_script_is_found_beside_the_scenario() -> None:
    steps = ideal_script(scenario(), playbook(), SCENARIO_PATH)
    assert [s.do for s in steps] == [s.do for s in ideal().root]
    assert ideal_script(scenario(), playbook()) == []  # pool-leak is not bundled: no script to compare with


async def test_keys_and_clicks_scrub_and_every_panel_follows(journal: Path) -> None:
    app = ReviewApp(review_screen(journal))
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.t == 0.0
        await pilot.press("right", "shift+right", "shift+right")
        assert screen.t == 1260.0
        await pilot.press("left")
        assert screen.t == 1200.0
        done = screen.query_one("#review-done", RowList).rows
        ideal_rows = screen.query_one("#review-ideal", RowList).rows
        assert [r.value for r in done] == [r.value for r in ideal_rows]  # the ideal script was followed
        assert done and done[-1].value == "13m"  # the last step the script takes before T+20m
        await pilot.press("end")
        assert screen.t == screen.review.end
        assert "resolved" in [r.value for r in screen.query_one("#review-roles", RowList).rows]
        await pilot.press("home", "shift+left")
        assert screen.t == 0.0
        timeline = screen.query_one(Timeline)
        width = timeline.size.width - 8
        await pilot.click(Timeline, offset=(8 + (width - 1) // 2, 1))
        # The middle of the bar is the middle of the drill, to a column (and the minute T snaps to).
        assert abs(screen.t - screen.review.end / 2) <= screen.review.end / (width - 1) + 30
        assert screen.t % 60 == 0
        await pilot.press("escape")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_finished_drill_is_stored_once_and_v_opens_its_review(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "a", "n")
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.history_id == 1
        debrief._store()  # shown again (or resumed when already finished): still one row
        with History(default_db()) as h:
            rows = h.drills(with_journal=True)
        assert [(r.id, r.trainee, r.scenario_id, r.score) for r in rows] == [
            (1, "Alex", drill.scenario.id, debrief.card.score)
        ]
        assert rows[0].journal == Path(drill.journal_path or "").read_text()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is debrief


async def test_a_database_that_cannot_take_the_drill_is_a_notice_and_the_journal_stays(
    app: WarroomApp, drill: Drill, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    newer = tmp_path / "newer.db"
    History(newer).close()
    import sqlite3

    with sqlite3.connect(newer) as conn:
        conn.execute("PRAGMA user_version = 99")
    monkeypatch.setenv("WARROOM_DB", str(newer))
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.history_id is None
        (note,) = [n for n in app._notifications if n.title == "Not saved to the drill history"]
        assert "written by a newer warroom" in note.message
        assert str(drill.journal_path) in note.message
    assert read_journal(drill.journal_path or "").record.first(DrillEnded) is not None


def test_replay_command_refuses_bad_targets_in_one_line(journal: Path, tmp_path: Path) -> None:
    def replay(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(main, ["review", *args])
        return result.exit_code, result.stderr

    db = tmp_path / "h.db"
    code, err = replay("7", "--db", str(db))
    assert (code, err) == (1, f"Error: no drill with id 7 in {db}; `warroom history` lists them\n")
    code, err = replay("no-such-file.jsonl")
    assert code == 1 and "no such journal file, and not a drill id" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"hello": 1}\n')
    code, err = replay(str(bad))
    assert (code, err) == (1, f"Error: {bad}: the first line is not a journal header\n")
    code, err = replay(str(journal))  # a good journal gets as far as needing a terminal
    assert code == 2 and "interactive terminal" in err


def test_snapshot_review_at_12_minutes(journal: Path, snap_compare, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(journal.parent)
    screen = review_screen(journal)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press(*["right"] * 12)
        await pilot.pause()

    assert snap_compare(ReviewApp(screen), terminal_size=WIDE, run_before=run_before)
