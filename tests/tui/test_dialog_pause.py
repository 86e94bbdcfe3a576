"""The clock held while a dialog is open: on by default in tutorial and easy drills, off otherwise, settable
from the palette and remembered; the header says why the clock stopped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tui import settings
from tui.app import WarroomApp
from tui.modals.base import ConfirmModal
from tui.modals.comms import CommsModal
from tui.screens.drill import DrillScreen
from tui.widgets.header import DrillHeader

from .conftest import SEED


def drill_screen(app: WarroomApp) -> DrillScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, DrillScreen))
    return screen


def badge(app: WarroomApp) -> str:
    header = drill_screen(app).query_one(DrillHeader)
    return str(header.render().plain)


@pytest.mark.parametrize(
    ("choice", "difficulty", "pauses"),
    [
        ("auto", "tutorial", True),
        ("auto", "easy", True),
        ("auto", "medium", False),
        ("auto", "hard", False),
        ("on", "hard", True),
        ("off", "tutorial", False),
    ],
)
def test_who_gets_the_pause(choice: str, difficulty: str, pauses: bool) -> None:
    assert settings.dialogs_pause(choice, difficulty) is pauses


def test_the_choice_is_saved_and_a_bad_one_reads_as_the_default(_private_home: Path) -> None:
    settings.save(settings.Settings().with_dialog_pause("off"))
    assert settings.load().dialog_pause == "off"
    (_private_home / settings.SETTINGS_FILE).write_text('{"dialog_pause": "sometimes"}')
    assert settings.load().dialog_pause == "auto"


async def test_an_easy_drill_holds_the_clock_while_a_dialog_is_open(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "space")
        screen = drill_screen(app)
        assert screen.running and "PAUSED" not in badge(app)
        await pilot.press("c")
        assert isinstance(app.screen, CommsModal)
        assert screen.held and not screen.running
        assert "PAUSED · dialog" in badge(app)
        now = drill.state.now
        await pilot.pause(0.6)  # two ticks' worth of wall time, and the sim clock has not moved
        assert drill.state.now == now
        await pilot.press(*"Rolled back.", "ctrl+s")
        assert isinstance(app.screen, DrillScreen)
        assert screen.running and not screen.held
        assert "PAUSED" not in badge(app)


async def test_a_dialog_opened_from_a_dialog_keeps_the_clock_held_until_the_last_closes(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "space", "c", "ctrl+t", "ctrl+s")  # a blank left: "send anyway?"
        assert isinstance(app.screen, ConfirmModal)
        screen = drill_screen(app)
        assert screen.held
        await pilot.press("n")
        assert isinstance(app.screen, CommsModal)
        assert screen.held
        await pilot.press("escape")
        assert not screen.held and screen.running


# R is left out: at T+1m nothing has happened, so it is refused up front and opens no dialog.
@pytest.mark.parametrize("key", ["s", "r", "i", "p", "x", "f", "question_mark", "ctrl+p"])
async def test_every_dialog_holds_the_clock(app: WarroomApp, key: str) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "space", key)
        assert not isinstance(app.screen, DrillScreen)
        assert drill_screen(app).held


async def test_the_users_own_pause_is_the_one_the_header_names(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "c")
        screen = drill_screen(app)
        assert screen.paused and screen.held
        assert "PAUSED · dialog" not in badge(app) and "PAUSED" in badge(app)
        await pilot.press("escape")
        assert screen.paused and not screen.running  # closing the dialog does not undo the trainee's pause


async def test_a_hard_drill_keeps_the_clock_running_under_a_dialog(
    scenario: Scenario, playbook: Playbook, tmp_path: Path
) -> None:
    hard = scenario.model_copy(update={"difficulty": "hard"})
    app = WarroomApp(
        drill=Drill(hard, playbook, SEED, trainee="Alex", journal=tmp_path / "hard.jsonl"), autostart=False
    )
    async with app.run_test(size=(120, 36)) as pilot:  # the app closes the drill when it exits
        await pilot.press("n", "space", "c")
        assert isinstance(app.screen, CommsModal)
        screen = drill_screen(app)
        assert screen.running and not screen.held
        assert "PAUSED" not in badge(app)


async def test_the_palette_sets_the_choice_and_it_is_remembered(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "ctrl+p", *"dialogs pause the clock: never")
        await pilot.pause(0.3)  # the palette searches in a worker
        await pilot.press("enter")
        assert app.settings.dialog_pause == "off"
        assert settings.load().dialog_pause == "off"
        await pilot.press("space", "c")
        assert isinstance(app.screen, CommsModal)
        assert drill_screen(app).running
