"""Facilitator mode by key presses: the panel, each lever journaled as the facilitator's, literal text,
the palette commands, and `--facilitator` on the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Input, OptionList, Static

from sim.engine.drill import Drill
from sim.journal.events import FACILITATOR, FacilitatorInput, Inject, to_json
from sim.journal.jsonl import read_journal
from sim.rerun.resume import resume
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.cli import main
from tui.modals.base import ConfirmModal
from tui.modals.facilitator import JumpModal, SayModal, TextModal
from tui.screens.debrief import DebriefScreen
from tui.screens.facilitator import FacilitatorScreen
from tui.widgets.facilitator import FacilitatorPanel

from .test_app import Recorder


@pytest.fixture
def fapp(drill: Drill) -> WarroomApp:
    return WarroomApp(drill=drill, autostart=False, facilitator=True)


def screen_of(app: WarroomApp) -> FacilitatorScreen:
    screen = app.screen
    assert isinstance(screen, FacilitatorScreen)
    return screen


def panel_text(app: WarroomApp) -> str:
    return str(app.screen.query_one("#facilitator-body", Static).render())


def journaled(drill: Drill, kind: str) -> list[dict[str, object]]:
    """What the journal file (not just the drill in memory) holds of one kind."""
    path = drill.journal_path
    assert path is not None
    return [to_json(e) for e in read_journal(path).events if e.kind == kind]


async def test_the_panel_shows_the_truth_and_the_upcoming_injects(fapp: WarroomApp) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        panel = fapp.screen.query_one(FacilitatorPanel)
        assert panel.display
        text = panel_text(fapp)
        assert "A bad config in api-gateway v2.4.1" in text
        assert "Roll back api-gateway to v2.4.0" in text
        assert "support-ping" in text and "at T+00:06:00" in text
        assert "first-page" in text and "when error_rate > 5" in text
        await pilot.press("f2")
        assert not panel.display
        await pilot.press("f2")
        assert panel.display


async def test_the_plain_drill_screen_has_no_facilitator_keys(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        assert not isinstance(app.screen, FacilitatorScreen)
        assert not app.screen.query(FacilitatorPanel)
        await pilot.press("f3", "f6")
        assert not [e for e in app.screen.drill.events if isinstance(e, FacilitatorInput)]  # type: ignore[attr-defined]


async def test_f3_fires_the_next_inject_as_the_facilitator(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert journaled(drill, "facilitator.inject_now") == [
            {"t": 0.0, "kind": "facilitator.inject_now", "actor": "facilitator", "inject": "support-ping"}
        ]
        assert [e.id for e in drill.events if isinstance(e, Inject)] == ["support-ping"]
        assert "support-ping" not in panel_text(fapp).split("Given so far")[0]
        assert "fired inject support-ping early" in panel_text(fapp)


async def test_f4_injects_as_a_persona_with_literal_text(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        modal = fapp.screen
        assert isinstance(modal, SayModal)
        cto = next(i for i, p in enumerate(modal.people) if p.slot == "cto")
        modal.query_one("#say-persona", OptionList).highlighted = cto
        modal.query_one("#say-kind").value = "exec_ping"  # type: ignore[attr-defined]
        modal.query_one("#say-text", Input).value = "Why is [bold]nobody[/] answering?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (said,) = journaled(drill, "facilitator.say")
        assert said["actor"] == "facilitator" and said["sender"] == "cto" and said["inject_kind"] == "exec_ping"
        inject = [e for e in drill.events if isinstance(e, Inject)][-1]
        assert inject.inject_kind == "exec_ping" and inject.text == "Why is [bold]nobody[/] answering?"
        assert "Why is [bold]nobody[/] answering?" in panel_text(fapp)


async def test_f5_jumps_the_clock_and_refuses_a_bad_duration(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(fapp.screen, JumpModal)
        field = fapp.screen.query_one("#jump-by", Input)
        field.value = "soon"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(fapp.screen, JumpModal)  # still open, with the reason shown
        field.value = "7m"
        await pilot.press("enter")
        await pilot.pause()
        assert journaled(drill, "facilitator.jump") == [
            {"t": 0.0, "kind": "facilitator.jump", "actor": "facilitator", "dt": 420.0}
        ]
        assert screen_of(fapp).state.now == 420.0
        # The jump ran through the support ping at 6m: it is no longer upcoming.
        assert "support-ping" not in panel_text(fapp).split("Given so far")[0]


@pytest.mark.parametrize(("key", "kind"), [("f6", "hint"), ("f7", "note")])
async def test_hints_and_notes_are_journaled_as_the_facilitators(
    fapp: WarroomApp, drill: Drill, key: str, kind: str
) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(fapp.screen, TextModal)
        fapp.screen.query_one("#facilitator-text", Input).value = "Check [red]the deploys[/]"
        await pilot.press("enter")
        await pilot.pause()
        assert journaled(drill, f"facilitator.{kind}") == [
            {"t": 60.0, "kind": f"facilitator.{kind}", "actor": "facilitator", "text": "Check [red]the deploys[/]"}
        ]
        assert "Check [red]the deploys[/]" in panel_text(fapp)


async def test_f8_ends_the_drill_as_the_facilitator_after_asking(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        assert isinstance(fapp.screen, ConfirmModal)
        await pilot.press("n")
        assert not drill.finished
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert drill.finished
        (ended,) = journaled(drill, "drill.ended")
        assert ended["reason"] == "ended" and ended["by"] == "facilitator"
        assert isinstance(fapp.screen, DebriefScreen)


async def test_a_journal_with_every_lever_resumes_to_the_same_events(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        screen = screen_of(fapp)
        await pilot.press("n", "n")
        screen.facilitate("hint", text="Look at the deploys.")
        screen.facilitate("say", sender="support_lead", text="Any news?", inject_kind="chat")
        screen.facilitate("note", text="Took a while to declare.")
        await pilot.press("f3")
        screen.facilitate("jump", dt=120.0)
        await pilot.press("n")
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    drill.close()
    assert drill.journal_path is not None
    resumed = resume(drill.journal_path, scenario=drill.scenario, playbook=drill.playbook)
    assert [to_json(e) for e in resumed.events] == [to_json(e) for e in drill.events]
    kinds = {e.kind for e in resumed.events if isinstance(e, FacilitatorInput) and e.actor == FACILITATOR}
    assert kinds == {f"facilitator.{k}" for k in ("hint", "say", "note", "inject_now", "jump")}
    resumed.close()


async def test_the_palette_offers_the_facilitator_commands(fapp: WarroomApp, drill: Drill) -> None:
    async with fapp.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"give a hint")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(fapp.screen, TextModal)


def test_facilitator_flag_reaches_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runner = Recorder(monkeypatch)
    assert CliRunner().invoke(main, ["--facilitator"]).exit_code == 0
    assert CliRunner().invoke(main, ["play", "--facilitator", "tutorial"]).exit_code == 0
    assert CliRunner().invoke(main, ["play", "tutorial"]).exit_code == 0
    assert [a.facilitator for a in runner.apps] == [True, True, False]
    assert runner.apps[1].scenario_id == "tutorial"


async def test_lessons_learned_answers_reach_the_journal_the_report_and_the_history(
    app: WarroomApp, drill: Drill
) -> None:
    from scoring.history import History, default_db

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n")
        screen = app.screen
        await end_drill(pilot, screen)  # type: ignore[arg-type]
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        debrief.query_one("#debrief-tabs").active = "tab-lessons"  # type: ignore[attr-defined]
        await pilot.pause()
        debrief.query_one("#answer-0", Input).value = "The deploy diff, [bold]quickly[/]"
        debrief.query_one("#answer-0", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        (answer,) = journaled(drill, "debrief.answer")
        assert answer["question"] == 0 and answer["text"] == "The deploy diff, [bold]quickly[/]"
        debrief.action_export("md")
        report = debrief.exported["md"].read_text()
        assert "## Lessons Learned" in report and r"The deploy diff, \[bold\]quickly" in report
    with History(default_db()) as h:
        (row,) = h.drills()
    assert row.answers == ("The deploy diff, [bold]quickly[/]",)
