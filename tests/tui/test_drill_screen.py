"""The drill screen by key presses: pause, speed and step; literal scenario text; refusals, engine errors, quit."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.message import Message

from sim.engine.drill import Drill
from sim.rerun.resume import resume
from tui.app import WarroomApp
from tui.messages import DrillFinished
from tui.modals.base import ConfirmModal, ErrorModal
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import SPEEDS, STEP, TICK, DrillScreen
from tui.widgets.feed import Feed, FeedLine
from tui.widgets.header import DrillHeader
from tui.widgets.metrics import MetricRows
from tui.widgets.panels import RowList


def drill_screen(app: WarroomApp) -> DrillScreen:
    screen = app.screen
    assert isinstance(screen, DrillScreen)
    return screen


async def test_starts_paused_and_space_toggles_the_clock(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = drill_screen(app)
        header = screen.query_one(DrillHeader)
        assert screen.paused and " PAUSED " in str(header.render())
        await pilot.press("space")
        assert not screen.paused and "PAUSED" not in str(header.render())
        await pilot.press("space")
        assert screen.paused and " PAUSED " in str(header.render())


async def test_speed_steps_through_the_ladder_and_stops_at_the_ends(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = drill_screen(app)
        header = screen.query_one(DrillHeader)
        seen = []
        for _ in range(len(SPEEDS) + 1):
            seen.append(screen.speed)
            await pilot.press("plus")
        assert seen == [*SPEEDS, SPEEDS[-1]]
        assert " 60× " in str(header.render())
        for _ in range(len(SPEEDS) + 1):
            await pilot.press("minus")
        assert screen.speed == 1


async def test_a_tick_moves_the_sim_by_speed_times_tick(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = drill_screen(app)
        await pilot.press("plus")  # 5×
        screen.tick()
        await pilot.pause()
        assert screen.state.now == pytest.approx(5 * TICK)
        assert screen.query_one(DrillHeader).now == int(5 * TICK)


async def test_step_moves_one_minute_only_while_paused(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = drill_screen(app)
        await pilot.press("n", "n")
        assert screen.state.now == 2 * STEP
        assert " T+00:02:00 " in str(screen.query_one(DrillHeader).render())
        await pilot.press("space", "n")
        # Refused while the clock runs (ticks may add fractions of a second, never a whole step).
        assert screen.state.now < 3 * STEP
        assert any("Pause first" in n.message for n in app._notifications)


async def test_scenario_text_is_shown_literally(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n")
        lines = [line.visual.plain for line in app.screen.query(FeedLine)]  # type: ignore[attr-defined]
        assert any(line.endswith("HighErrorRate firing on api-gateway [bold]x[/]") for line in lines)


async def test_panels_show_metrics_timers_and_status(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n")
        screen = drill_screen(app)
        assert screen.query_one(MetricRows).views["error_rate"].level == "critical"
        timers = screen.query_one("#timers", RowList).rows
        # Issue 19: the clocks run from detection, at the most severe level until a severity is declared.
        # The panel says once which level it times ("if unsure, treat it as the higher one").
        assert [(r.label, r.value) for r in timers] == [
            ("Timing as SEV-1 until declared", ""),
            ("(if unsure, treat it as higher)", ""),
            ("Page unanswered: Primary on-call", "04:30"),
            ("Acknowledge", "04:30"),
            ("First response", "04:30"),
            ("Brief executives", "14:30"),
            ("Status page", "14:30"),
            ("Root cause not identified", "19:30"),
            ("Internal update due", "29:30"),
            ("Resolve", "59:30"),
        ]
        roles = screen.query_one("#roles", RowList).rows
        assert (roles[0].label, roles[0].value) == ("Severity", "undeclared")
        assert screen.query_one(DrillHeader).status == "detected"


async def test_a_refused_action_is_a_notice_not_an_error(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("a")  # nothing has paged yet at T+0
        assert isinstance(app.screen, DrillScreen)
        assert any("nothing to acknowledge" in n.message for n in app._notifications)
        assert app.screen.query_one(Feed).items[-1].text.startswith("Refused: Acknowledge")


async def test_an_engine_error_opens_a_dialog_and_keeps_the_journal(
    app: WarroomApp, drill: Drill, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n")

        def broken(dt: float) -> list[object]:
            raise RuntimeError("metric model exploded")

        monkeypatch.setattr(drill, "advance", broken)
        await pilot.press("n")
        assert isinstance(app.screen, ErrorModal)
        body = app.screen.query_one("#error-journal").visual.plain  # type: ignore[attr-defined]
        journal = tmp_path / "drill.jsonl"
        assert f"warroom resume {journal}" in body
        assert "RuntimeError: metric model exploded" in app.screen.query_one("#error-text").visual.plain  # type: ignore[attr-defined]
        await pilot.press("escape")
        screen = drill_screen(app)
        assert screen.paused
        await pilot.press("space")
        assert screen.paused  # a failed drill stays stopped
    assert journal.read_text().count("\n") > 3


async def test_ending_the_drill_posts_drill_finished_and_opens_the_debrief(drill: Drill) -> None:
    seen: list[Message] = []
    app = WarroomApp(drill=drill, autostart=False)
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await pilot.press("n", "n", "n")
        drill_screen(app).action_end_drill()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
    # The hook sees a message at every node it bubbles through; one message was posted.
    finished = {id(m): m for m in seen if isinstance(m, DrillFinished)}
    assert [m.reason for m in finished.values()] == ["ended"]


async def test_quit_asks_first_and_keeps_the_journal(app: WarroomApp, tmp_path: Path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("q")
        assert isinstance(app.screen, ConfirmModal)
        assert str(tmp_path / "drill.jsonl") in app.screen.query_one("#confirm-body").visual.plain  # type: ignore[attr-defined]
        await pilot.press("n")
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("q", "y")
        await pilot.pause()
    assert app.return_code == 0
    assert (tmp_path / "drill.jsonl").exists()


async def test_the_layout_adapts_to_80_by_24(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.screen.has_class("-wide")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        side = app.screen.query_one("#side")
        assert side.outer_size.width == 36
        assert app.screen.query_one("#feed").outer_size.width == 80 - 36


async def test_the_drill_ending_under_an_open_dialog_still_reaches_the_debrief(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "c")
        screen = app.screen_stack[-2]
        assert isinstance(screen, DrillScreen)
        screen.advance(drill.scenario.duration)  # the time limit passes while the trainee writes
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert [type(s).__name__ for s in app.screen_stack[1:]] == ["DebriefScreen"]


async def test_a_refusal_quoting_scenario_text_is_not_read_as_markup(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n")
        # Menus offer only what can be done now; the palette or a script could still ask for it.
        assert "verify" not in drill_screen(app).available()
        assert not drill_screen(app).act("verify")  # it needs the rollback first
        await pilot.pause()
        (notice,) = [n for n in app._notifications if n.title == "Not now"]
        assert "Verify on the canary [canary] needs Roll back" in notice.message
        assert notice.markup is False


async def test_the_header_colours_the_severity_badge_and_the_status(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        header = drill_screen(app).query_one(DrillHeader)
        assert header.has_class("-undeclared") and " no severity " in str(header.render())
        header.severity, header.severity_rank, header.status = "SEV-1 Critical", 0, "resolved"
        await pilot.pause()
        assert header.has_class("-sev-top", "-status-resolved") and not header.has_class("-undeclared")
        error, success = (Color.parse(app.theme_variables[v]) for v in ("error", "success"))
        assert header.get_visual_style("drill-header--severity").background == error
        assert header.get_visual_style("drill-header--status").foreground == success
        assert " SEV-1 Critical " in str(header.render())


async def test_a_metric_row_tells_its_thresholds_under_the_pointer(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        rows = drill_screen(app).query_one(MetricRows)
        first, second = list(rows.views.values())[:2]
        await pilot.hover(MetricRows, offset=(3, 0))
        assert str(rows.tooltip).startswith(f"{first.label}: warn ")
        await pilot.hover(MetricRows, offset=(3, 1))
        assert str(rows.tooltip).startswith(f"{second.label}: warn ")


def _found_and_overdue(app: WarroomApp) -> list[str]:
    return [n.title for n in app._notifications if n.title in ("Found", "Overdue")]


def _find_a_clue_and_miss_two_deadlines(player: Drill | DrillScreen) -> None:
    """A clue at T+3:00; SEV-1 declared at 4:20 and neither the status page nor the executives told by 16:10."""
    player.act("investigate", target="deploys")
    player.advance(200)
    player.act("acknowledge")
    player.advance(30)
    player.act("declare", severity="SEV-1")
    player.advance(900)


async def test_clues_and_overdue_deadlines_are_toasted_as_they_happen(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        _find_a_clue_and_miss_two_deadlines(screen)
        await pilot.pause()
        assert _found_and_overdue(app) == ["Found", "Overdue", "Overdue"]


async def test_a_resumed_drill_does_not_toast_its_past_again(drill: Drill) -> None:
    _find_a_clue_and_miss_two_deadlines(drill)
    drill.close()
    resumed = resume(drill.journal_path, scenario=drill.scenario, playbook=drill.playbook)  # type: ignore[arg-type]
    app = WarroomApp(drill=resumed, autostart=False)
    try:
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert _found_and_overdue(app) == []
            feed = " ".join(item.text for item in app.screen.query_one(Feed).items)
            assert "Looked at deploys" in feed and "OVERDUE: Status page" in feed  # the past is in the feed
    finally:
        resumed.close()
