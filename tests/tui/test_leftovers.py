"""Unfinished means started: leaving a briefing (or quitting on it) leaves no journal behind, a started
drill keeps its journal, and `warroom resume --discard-empty` clears old leftovers in one step."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sim.journal.directory import journals_dir, unfinished
from tui.app import WarroomApp
from tui.cli import main
from tui.screens.briefing import BriefingScreen
from tui.screens.drill import DrillScreen
from tui.screens.picker import PickerScreen


def journals() -> list[Path]:
    return sorted(journals_dir().glob("*.jsonl")) if journals_dir().is_dir() else []


async def test_a_briefing_left_or_quit_leaves_no_journal() -> None:
    app = WarroomApp(scenario_id="tutorial", trainee="Ana", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen) and len(journals()) == 1  # written as the drill is set up
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert journals() == []
    quitting = WarroomApp(scenario_id="tutorial", trainee="Ana", autostart=False)
    async with quitting.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(quitting.screen, BriefingScreen)
    assert journals() == []


async def test_a_started_drill_keeps_its_journal() -> None:
    app = WarroomApp(scenario_id="tutorial", trainee="Ana", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
    assert len(journals()) == 1 and len(unfinished()) == 1


def test_discard_empty_clears_every_unstarted_drill_at_once(tmp_path: Path) -> None:
    runner = CliRunner()

    def run_until(until: str, name: str) -> None:
        journal = journals_dir() / f"{name}.jsonl"
        assert runner.invoke(main, ["run", "tutorial", "--until", until, "--journal", str(journal)]).exit_code == 0

    for n in range(3):  # leftovers of an older warroom: a header and drill.started at T+0
        run_until("0s", f"t{n}")
    run_until("10m", "real")
    listed = runner.invoke(main, ["resume"]).output
    assert "warroom resume --discard-empty" in listed
    result = runner.invoke(main, ["resume", "--discard-empty"])
    assert result.exit_code == 0 and "Discarded 3 unfinished drills" in result.output
    assert [u.id for u in unfinished()] == ["real"]
    assert len(list((journals_dir() / "discarded").glob("*.jsonl"))) == 3
