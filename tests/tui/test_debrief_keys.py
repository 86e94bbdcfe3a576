"""The debrief by key presses, as a new trainee types: letters in an answer box are text, never the debrief's
keys; answers are saved as they are typed and survive tab switches and leaving; tabs by number and bracket;
`t` pressed again and again plays again once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent, Tabs

from scoring.history import History, default_db
from sim.journal.jsonl import read_journal
from tui.app import WarroomApp
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.screens.picker import PickerScreen
from tui.widgets.lessons import LessonsForm

from .conftest import NARROW, WIDE

TABS = ["tab-criteria", "tab-kpis", "tab-timeline", "tab-charts", "tab-lessons"]  # the tutorial's, no facilitator notes


@asynccontextmanager
async def tutorial_debrief(
    size: tuple[int, int] = WIDE, *, facilitator: bool = True, first: tuple[str, ...] = ()
) -> AsyncIterator[tuple[WarroomApp, Pilot[None], DebriefScreen]]:
    """`warroom play --facilitator tutorial`, Enter, F8, y: the debrief of a drill ended at once (after the
    keys `first`)."""
    app = WarroomApp(scenario_id="tutorial", trainee="Alex", autostart=False, facilitator=facilitator)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        await pilot.press(*first)
        await pilot.pause()
        if facilitator:
            await pilot.press("f8")
        else:
            app.screen.action_end_drill()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        yield app, pilot, debrief


def active(debrief: DebriefScreen) -> str:
    return str(debrief.query_one("#debrief-tabs", TabbedContent).active)


def box(debrief: DebriefScreen, n: int) -> Input:
    return debrief.query_one(f"#answer-{n}", Input)


def journaled_answers(app: WarroomApp) -> list[tuple[int, str]]:
    """What the journal file (not the drill in memory) holds: each answer as it was saved, in order."""
    assert app.session is not None and app.session.journal is not None
    return [(e.question, e.text) for e in read_journal(app.session.journal).events if e.kind == "debrief.answer"]


async def to_first_answer(pilot: Pilot[None], debrief: DebriefScreen) -> None:
    """Lessons learned by its number: the cursor is in the first answer box, ready for typing."""
    await pilot.press("5")
    await pilot.pause()
    assert active(debrief) == "tab-lessons"
    assert debrief.focused is box(debrief, 0)


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
async def test_typing_t_again_and_again_plays_again_once(size: tuple[int, int]) -> None:
    """The reported crash: `tttt` popped a screen per `t` until none was left (ScreenStackError)."""
    async with tutorial_debrief(size) as (app, pilot, _):
        for _ in range(4):  # in one burst, as a terminal delivers them: all four reach the debrief
            app.simulate_key("t")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert len(app.screen_stack) == 3  # the default screen, the picker, the briefing
        await pilot.press("enter")  # and the new drill starts as any other
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)


async def test_leaving_keys_in_a_burst_leave_once() -> None:
    async with tutorial_debrief() as (app, pilot, _):
        for key in "btbt":
            app.simulate_key(key)
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and len(app.screen_stack) == 2


async def test_from_the_tab_bar_one_tab_lands_in_the_first_answer() -> None:
    """The report: from the tab bar it took two Tabs (the form itself took focus first), and the letters typed
    after one fired the debrief's keys."""
    async with tutorial_debrief() as (_, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(debrief.focused, Tabs) and active(debrief) == "tab-lessons"
        await pilot.press("tab")
        await pilot.pause()
        assert debrief.focused is box(debrief, 0)


async def test_lessons_opened_from_the_tab_bar_or_a_click_puts_the_cursor_in_the_first_empty_box() -> None:
    async with tutorial_debrief() as (_, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"diff", "enter", "escape", "left")  # on the bar, to the metrics
        await pilot.pause()
        assert active(debrief) == "tab-charts" and isinstance(debrief.focused, Tabs)
        await pilot.press("right")
        await pilot.pause()
        assert debrief.focused is box(debrief, 1)
        await pilot.press("escape", "1")
        await pilot.pause()
        await pilot.click("#--content-tab-tab-lessons")
        await pilot.pause()
        assert active(debrief) == "tab-lessons" and debrief.focused is box(debrief, 1)


async def test_every_key_typed_in_an_answer_is_text() -> None:
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        typed = "the hm jtqvb[]12345 ?"  # each of the debrief's own keys, and the tab keys
        await pilot.press(*typed)
        await pilot.pause()
        assert box(debrief, 0).value == typed
        assert app.screen is debrief and active(debrief) == "tab-lessons"
        assert debrief.exported == {}  # m, h, j wrote nothing
        # The footer stops offering what the box takes: no single-letter key is live while typing.
        live = {key for key, b in debrief.active_bindings.items() if b.enabled}
        assert not {k for k in live if len(k) == 1 or k.endswith("square_bracket")}


async def test_answers_are_saved_as_you_leave_a_box_and_kept_across_tabs() -> None:
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"the config diff")
        assert journaled_answers(app) == []  # not a journal line per keystroke
        await pilot.press("tab")  # leaving the box saves it
        await pilot.pause()
        assert debrief.focused is box(debrief, 1)
        assert journaled_answers(app) == [(0, "the config diff")]
        await pilot.press(*"error rate, not CPU", "escape")  # escape leaves the box, not the debrief
        await pilot.pause()
        assert app.screen is debrief and isinstance(debrief.focused, Tabs)
        assert journaled_answers(app) == [(0, "the config diff"), (1, "error rate, not CPU")]
        await pilot.press("1", "3", "right_square_bracket", "left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert active(debrief) == "tab-kpis"
        await pilot.press("5")
        await pilot.pause()
        assert [box(debrief, n).value for n in range(3)] == ["the config diff", "error rate, not CPU", ""]
        assert debrief.focused is box(debrief, 2)  # the first one left to answer
        status = str(debrief.query_one("#lessons-status").render())
        assert "2 of 3 answered · saved" in status


async def test_tabbing_back_into_an_answer_keeps_it_and_types_after_it() -> None:
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"deploy", "tab", "shift+tab")
        await pilot.pause()
        first = box(debrief, 0)
        assert debrief.focused is first and first.selection.is_empty
        await pilot.press(*" diff", "enter")  # enter saves and moves on
        await pilot.pause()
        assert first.value == "deploy diff" and debrief.focused is box(debrief, 1)
        assert journaled_answers(app)[-1] == (0, "deploy diff")


async def test_a_pause_in_typing_saves_without_leaving_the_box(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LessonsForm, "SAVE_AFTER", 0.05)
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"dns")
        for _ in range(100):  # the debounce timer fires on its own; wait for it, however slow the machine
            if journaled_answers(app):
                break
            await pilot.pause(0.05)
        assert journaled_answers(app)[-1] == (0, "dns")
        assert debrief.focused is box(debrief, 0)


async def test_typing_arms_one_save_and_each_keystroke_puts_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LessonsForm, "SAVE_AFTER", 600.0)  # never within the test: leaving must do it
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        form = debrief.query_one(LessonsForm)
        await pilot.press("a")
        first = form.save_timer
        await pilot.press("b")
        assert first is not None and form.save_timer is not None and form.save_timer is not first
        assert not form.saved and journaled_answers(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert form.saved and form.save_timer is None and journaled_answers(app) == [(0, "ab")]


@pytest.mark.parametrize("leave", ["ctrl+q", "escape q y", "escape t", "escape b"])
async def test_leaving_the_debrief_while_typing_keeps_the_answer(monkeypatch: pytest.MonkeyPatch, leave: str) -> None:
    """Typed and never paused over: ctrl+q straight from the box (the debrief saves as it closes), or out of
    the box and then quit, try again or back to the scenarios. The journal and the history row keep it."""
    monkeypatch.setattr(LessonsForm, "SAVE_AFTER", 600.0)
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"half an answer")
        journal = app.session.journal if app.session else None
        await pilot.press(*leave.split())
        await pilot.pause()
    assert journal is not None
    answers = [(e.question, e.text) for e in read_journal(journal).events if e.kind == "debrief.answer"]
    assert answers == [(0, "half an answer")]
    with History(default_db()) as h:
        (row,) = h.drills()
    assert row.answers == ("half an answer",)


async def test_a_cleared_answer_is_withdrawn_from_the_report_and_history() -> None:
    async with tutorial_debrief() as (app, pilot, debrief):
        await to_first_answer(pilot, debrief)
        await pilot.press(*"oops", "tab")
        await pilot.pause()
        await pilot.press("shift+tab", *["backspace"] * 4, "tab")
        await pilot.pause()
        assert journaled_answers(app) == [(0, "oops"), (0, "")]
        debrief.action_export("md")
        assert "Lessons Learned" not in debrief.exported["md"].read_text()
    with History(default_db()) as h:
        (row,) = h.drills()
    assert row.answers == ()


async def test_number_keys_and_brackets_switch_tabs_and_only_the_tabs_there_are() -> None:
    async with tutorial_debrief(facilitator=False) as (_, pilot, debrief):
        seen = []
        keys = ["2", "3", "4", "5", "escape", "1", "right_square_bracket", "left_square_bracket", "left_square_bracket"]
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
            seen.append(active(debrief))
        assert seen == [*TABS[1:], TABS[-1], TABS[0], TABS[1], TABS[0], TABS[-1]]
        await pilot.press("escape")  # out of the answer box: the keys are the debrief's again
        await pilot.pause()
        bound = {key for key, b in debrief.active_bindings.items() if b.binding.action.startswith("show_tab")}
        assert bound == {"1", "2", "3", "4", "5"}  # no `6`: there is no sixth tab
        await pilot.press("4", "6")
        await pilot.pause()
        assert active(debrief) == TABS[3]


async def test_a_table_tab_takes_focus_so_arrows_scroll_it() -> None:
    async with tutorial_debrief(facilitator=False) as (_, pilot, debrief):
        await pilot.press("3")
        await pilot.pause()
        assert debrief.focused is debrief.query_one("#debrief-timeline")


@pytest.mark.parametrize(
    ("burst", "ends_on"),
    [("1]]]]", "tab-lessons"), ("3[[[", "tab-lessons"), ("4[[[", "tab-criteria"), ("1]]]]]]]]", "tab-charts")],
)
async def test_tab_keys_in_a_burst_end_on_the_last_tab_asked_for(burst: str, ends_on: str) -> None:
    """Keys faster than the screen redraws, as a terminal delivers them: a late switch must not undo a newer one."""
    names = {"]": "right_square_bracket", "[": "left_square_bracket"}
    async with tutorial_debrief(facilitator=False) as (app, pilot, debrief):
        for key in burst:
            app.simulate_key(names.get(key, key))
        await pilot.pause()
        assert active(debrief) == ends_on


async def test_facilitator_notes_come_last_so_lessons_learned_is_always_5() -> None:
    async with tutorial_debrief(first=("f3",)) as (_, pilot, debrief):  # an inject fired: a facilitator note
        await pilot.press("5")
        await pilot.pause()
        assert active(debrief) == "tab-lessons" and debrief.focused is box(debrief, 0)
        await pilot.press("escape", "6")
        await pilot.pause()
        assert active(debrief) == "tab-facilitator"
