"""Leaving and coming back: ctrl+q asks while a drill runs, as `q` does; a crash never exits 0; a drill resumed
from the picker, `play --resume` or `warroom resume` opens paused and at the speed it was left at."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from textual.app import App

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.directory import DISCARDED, journals_dir
from tui.app import WarroomApp, run_app
from tui.cli import main
from tui.modals.base import ConfirmModal
from tui.modals.resume import ResumeModal
from tui.screens.drill import DrillScreen
from tui.screens.picker import PickerScreen
from tui.session import resume_drill, save_speed, saved_speed, seat_file
from tui.widgets.header import DrillHeader

from .conftest import PLAYBOOK_FILE, SCENARIO_DIR, SCENARIO_FILE, SEED, WIDE, picker_app

# -- ctrl+q ----------------------------------------------------------------------------------------------


def quit_dialogs(app: WarroomApp) -> list[ConfirmModal]:
    return [s for s in app.screen_stack if isinstance(s, ConfirmModal)]


@pytest.mark.parametrize("facilitator", [False, True], ids=["trainee", "facilitator"])
async def test_ctrl_q_in_a_running_drill_asks_as_q_does(drill: Drill, facilitator: bool) -> None:
    app = WarroomApp(drill=drill, autostart=False, facilitator=facilitator)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        (asked_by_q,) = quit_dialogs(app)
        question = str(asked_by_q.query_one("#confirm-body").render())
        await pilot.press("n", "ctrl+q")
        await pilot.pause()
        (asked,) = quit_dialogs(app)
        assert str(asked.query_one(".dialog-title").render()) == "Quit warroom?"
        assert str(asked.query_one("#confirm-body").render()) == question
        await pilot.press("ctrl+q")  # pressed again while asking: still one question
        await pilot.pause()
        assert len(quit_dialogs(app)) == 1
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.is_running
        await pilot.press("s")  # a dialog open over the drill: ctrl+q still asks, on top of it
        await pilot.pause()
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_q_off_the_drill_quits_at_once() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not quit_dialogs(app)
    assert app.return_code == 0


# -- a crash is a failure --------------------------------------------------------------------------------


class _Broken(App[None]):
    def on_mount(self) -> None:
        raise RuntimeError("a bug in a screen")


def test_an_exception_in_the_app_exits_non_zero() -> None:
    with pytest.raises(SystemExit) as exited:
        run_app(_Broken(), headless=True)
    assert exited.value.code == 1


def test_a_clean_quit_returns() -> None:
    class Quits(App[None]):
        def on_mount(self) -> None:
            self.exit()

    run_app(Quits(), headless=True)  # no SystemExit


def test_warroom_play_exits_non_zero_when_the_app_crashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reported symptom: a traceback on screen and status 0. Now the status says it failed."""
    monkeypatch.setattr("tui.cli.play.needs_terminal", lambda: None)
    run = WarroomApp.run
    monkeypatch.setattr(WarroomApp, "run", lambda app, **_: run(app, headless=True))
    monkeypatch.setattr(WarroomApp, "on_mount", _Broken.on_mount)
    result = CliRunner().invoke(main, ["play", "tutorial", "--trainee", "Alex"])
    assert result.exit_code == 1


# -- resume: paused, at its speed ------------------------------------------------------------------------


@pytest.fixture
def left_unfinished(scenario: Scenario, playbook: Playbook, _private_home: Path) -> Path:
    """A drill played to T+9m and dropped, as a crash leaves it, in the user's journals dir."""
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


def shown(screen: DrillScreen) -> tuple[bool, int, bool, int]:
    header = screen.query_one(DrillHeader)
    return screen.paused, screen.speed, header.paused, header.speed


async def test_resume_from_the_picker_opens_paused_at_the_speed_it_was_left_at(left_unfinished: Path) -> None:
    save_speed(left_unfinished, 30)
    app = WarroomApp(scenario_dirs=[SCENARIO_DIR], trainee="Alex")  # as `warroom play` builds it: autostart
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeModal)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert shown(screen) == (True, 30, True, 30)
        await pilot.press("minus")  # a new choice is remembered for the next resume
        await pilot.pause()
    assert saved_speed(left_unfinished) == 10


async def test_play_resume_keeps_the_speed_too(left_unfinished: Path) -> None:
    save_speed(left_unfinished, 5)
    app = WarroomApp(drill=resume_drill(left_unfinished), autostart=False)  # `warroom play --resume`
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and shown(app.screen) == (True, 5, True, 5)


def test_warroom_resume_opens_the_tui_paused(monkeypatch: pytest.MonkeyPatch, left_unfinished: Path) -> None:
    opened: list[WarroomApp] = []
    tty = SimpleNamespace(isatty=lambda: True)  # CliRunner's own streams are no terminal
    monkeypatch.setattr("tui.cli.run.sys", SimpleNamespace(stdin=tty, stdout=tty, exit=sys.exit))
    monkeypatch.setattr(WarroomApp, "run", lambda app, **_: opened.append(app))
    result = CliRunner().invoke(main, ["resume", str(left_unfinished)])
    assert result.exit_code == 0, result.output
    (app,) = opened
    assert not app.autostart


async def test_a_new_drill_saves_its_speed_beside_the_journal_until_it_ends(drill: Drill) -> None:
    app = WarroomApp(drill=drill, autostart=False)
    journal = drill.journal_path
    assert journal is not None
    async with app.run_test(size=WIDE) as pilot:
        assert not seat_file(journal).exists()  # nothing chosen yet: 1× needs no file
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert saved_speed(journal) == 10
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.action_end_drill()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not seat_file(journal).exists()  # a finished drill is never resumed


async def test_discarding_a_drill_drops_its_seat_file(left_unfinished: Path) -> None:
    save_speed(left_unfinished, 30)
    app = picker_app(trainee="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
    assert (left_unfinished.parent / DISCARDED / left_unfinished.name).exists()
    assert not seat_file(left_unfinished).exists()


@pytest.mark.parametrize("text", ["", "not json", '{"speed": true}', '{"speed": 99999}', '{"speed": "5"}', "[5]"])
def test_a_damaged_seat_file_reads_as_1x(tmp_path: Path, text: str) -> None:
    journal = tmp_path / "d.jsonl"
    seat_file(journal).write_text(text)
    assert saved_speed(journal) == 1


def test_the_seat_file_is_never_taken_for_a_journal(tmp_path: Path) -> None:
    """`warroom resume` lists `*.jsonl`; the seat file beside a journal must not match that."""
    seat = seat_file(tmp_path / "tutorial-s7-001.jsonl")
    assert seat == tmp_path / "tutorial-s7-001.seat.json" and not seat.match("*.jsonl")


async def test_with_no_name_yet_the_resume_offer_comes_alone(left_unfinished: Path) -> None:
    """The name dialog used to open on top of the resume offer, and the `r` meant for it was typed as a name."""
    from tui.modals.base import NameModal

    app = picker_app()  # no name saved
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ResumeModal)
        assert not any(isinstance(s, NameModal) for s in app.screen_stack)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen) and app.session is not None
        assert app.session.trainee == "Alex"  # the drill's own trainee


async def test_the_trainee_option_is_remembered() -> None:
    from tui import settings

    app = picker_app(trainee="Robin")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
    assert settings.load().trainee == "Robin"
