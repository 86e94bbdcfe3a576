"""At start, a drill left unfinished is offered back: resume continues it where it stopped, discard moves its
journal aside (never deletes), later leaves it; `play --team` puts the team on the drill and its history row."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import scenarios
from scoring.history import History, default_db
from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.directory import journals_dir, unfinished
from sim.journal.events import to_json
from sim.journal.jsonl import dumps, lock, read_journal
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.messages import ScenarioChosen
from tui.modals.resume import ResumeModal
from tui.screens.drill import DrillScreen
from tui.screens.picker import PickerScreen

from .conftest import PLAYBOOK_FILE, SCENARIO_DIR, SCENARIO_FILE, SEED, WIDE, picker_app


@pytest.fixture
def left_unfinished(scenario: Scenario, playbook: Playbook, _private_home: Path) -> Path:
    """A drill played to T+9m and dropped, as a crash would leave it, in the user's journals dir."""
    journal = journals_dir() / f"{scenario.id}-s{SEED}-001.jsonl"
    d = Drill(
        scenario,
        playbook,
        SEED,
        trainee="Alex",
        journal=journal,
        scenario_path=SCENARIO_FILE,
        playbook_path=PLAYBOOK_FILE,
    )
    d.advance_to(120.0)
    d.act("acknowledge")
    d.advance_to(540.0)
    d.close()
    return journal


async def test_resume_continues_exactly_where_the_drill_stopped(left_unfinished: Path) -> None:
    recorded = read_journal(left_unfinished).events
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ResumeModal)
        assert modal.drill.path == left_unfinished
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert app.session is not None and app.session.journal == left_unfinished
        drill = app.session.drill
        assert [dumps(to_json(e)) for e in drill.events] == [dumps(to_json(e)) for e in recorded]
        assert "acknowledge" in drill.state.done


async def test_discard_moves_the_journal_aside_and_later_leaves_it(left_unfinished: Path) -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert left_unfinished.is_file() and unfinished()[0].path == left_unfinished
    before = left_unfinished.read_bytes()
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert any(n.title == "Journal moved aside" for n in app._notifications)
    moved = left_unfinished.parent / "discarded" / left_unfinished.name
    assert not left_unfinished.exists() and moved.read_bytes() == before
    assert unfinished() == []


async def test_a_journal_that_no_longer_resumes_is_a_notice(left_unfinished: Path) -> None:
    lines = left_unfinished.read_text().splitlines(keepends=True)
    # A different seed in the header: the replay cannot match what was written, and says where it diverges.
    left_unfinished.write_text(lines[0].replace(f'"seed":{SEED}', '"seed":8') + "".join(lines[1:]))
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        (note,) = [n for n in app._notifications if n.title == "Cannot resume that drill"]
        assert str(left_unfinished) in note.message and "diverges" in note.message
    assert left_unfinished.is_file()  # nothing lost


async def test_the_team_goes_on_the_drill_and_its_history_row(scenario: Scenario, playbook: Playbook) -> None:
    app = WarroomApp(scenario_dirs=[SCENARIO_DIR], autostart=False, trainee="Alex", team="sre-east")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        app.post_message(ScenarioChosen(scenario, playbook, SCENARIO_FILE))
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
    with History(default_db()) as h:
        (row,) = h.drills()
    assert (row.trainee, row.team, row.scenario_id) == ("Alex", "sre-east", scenario.id)
    assert row.started_at.endswith("Z") and len(row.started_at) == 20


def test_snapshot_resume_offer(
    left_unfinished: Path, snap_compare, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The modal shows when the journal was last saved, in local time: pin both so the picture does not move.
    os.utime(left_unfinished, (1_790_000_000, 1_790_000_000))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    # The picker behind lists the bundled library too; hide it so new bundled scenarios do not move this.
    empty = tmp_path / "no-bundled-scenarios"
    empty.mkdir()
    monkeypatch.setattr(scenarios, "LIBRARY", empty)
    try:
        assert snap_compare(picker_app(trainee="Alex"), terminal_size=WIDE)
    finally:
        monkeypatch.undo()
        time.tzset()


async def test_a_drill_being_played_elsewhere_is_not_offered(left_unfinished: Path) -> None:
    # Another warroom (a terminal, a tab of `warroom serve`) playing the drill holds its journal's lock.
    with lock(left_unfinished):
        (found,) = unfinished()
        assert found.problem.startswith("in use")
        app = picker_app(trainee="Alex")
        async with app.run_test(size=WIDE) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen)
    assert not unfinished()[0].problem  # let go, it is offered again
