"""The drill screen's layout at 80x24, 120x36 and 200x50 by key presses: the footer keeps the keys that
matter and says what space does, every running action is shown, labels are not cut, the post-fix watch is
in the timers, and facilitator mode leaves the feed readable."""

from __future__ import annotations

from textual.widget import Widget

from sim.engine.drill import Drill
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen
from tui.widgets.feed import Feed
from tui.widgets.footer import DrillFooter
from tui.widgets.metrics import MetricRows
from tui.widgets.panels import RowList, RunningStrip

from .conftest import NARROW, WIDE

HUGE = (200, 50)


def drill_screen(app: WarroomApp) -> DrillScreen:
    screen = app.screen
    assert isinstance(screen, DrillScreen)
    return screen


def footer_keys(app: WarroomApp) -> dict[str, str]:
    """Key -> description of every footer key a trainee can see (shown, and inside the terminal)."""
    width = app.size.width
    seen = {}
    for key in app.screen.query_one(DrillFooter).children:
        description = getattr(key, "description", None)
        if description is not None and key.display and key.region.width and key.region.right <= width:
            seen[str(getattr(key, "key_display", ""))] = description
    return seen


async def test_the_footer_keeps_actions_resolve_quit_and_help_at_80_by_24(app: WarroomApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        keys = footer_keys(app)
        assert {"x": "Actions", "R": "Resolve", "q": "Quit", "?": "Help"}.items() <= keys.items()
        assert "a" not in keys  # acknowledging is in the actions menu and the help
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert {"a": "Ack", "s": "Severity", "i": "Investigate", "x": "Actions", "?": "Help"}.items() <= footer_keys(
            app
        ).items()


async def test_the_footer_says_what_space_does(app: WarroomApp) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert footer_keys(app)["space"] == "Resume"  # the drill opens paused
        await pilot.press("space")
        await pilot.pause()
        assert not drill_screen(app).paused
        assert footer_keys(app)["space"] == "Pause"
        await pilot.press("space")
        await pilot.pause()
        assert drill_screen(app).paused and footer_keys(app)["space"] == "Resume"


async def test_every_running_action_is_shown(app: WarroomApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("n", "n")
        screen = drill_screen(app)
        screen.act("investigate", target="logs")
        screen.act("page", contact="dba")
        screen.act("brief_executives")
        screen.act("status_page", state="investigating")
        screen.act("post_update")
        await pilot.pause()
        strip = screen.query_one(RunningStrip)
        shown = str(strip.render())
        labels = ["Investigate", "Page / escalate to someone", "Brief executives", "Update the status page"]
        assert all(f"▸ {label} " in shown for label in [*labels, "Post an internal update"])
        assert strip.size.height == len(shown.split("\n")) > 1  # wrapped, not cut
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert strip.size.height == len(str(strip.render()).split("\n"))


async def _labels_at(app: WarroomApp, pilot: object, size: tuple[int, int]) -> tuple[int, str]:
    await pilot.resize_terminal(*size)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    rows = app.screen.query_one(MetricRows)
    return rows.size.width, str(rows.render())


async def test_the_metrics_panel_grows_and_cuts_no_label_from_120_columns(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await pilot.press("n", "n")
        widths = []
        for size in (NARROW, WIDE, HUGE):
            width, text = await _labels_at(app, pilot, size)
            widths.append(width)
            if size != NARROW:
                assert "…" not in text
                assert all(m.label in text for m in drill.scenario.metrics)
        assert widths[0] < widths[1] < widths[2]


async def test_the_recovery_watch_counts_healthy_minutes_after_the_fix(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("n", "n")
        screen = drill_screen(app)
        screen.act("rollback")
        await pilot.press(*["n"] * 7)
        rows = screen.query_one("#timers", RowList).rows
        assert drill.state.status == "mitigated"
        held = int((drill.state.now - (drill.state.healthy_since or 0)) // 60)
        assert rows[0] == ("Recovery watch", f"healthy {held}m of 5m", "ok") and held >= 1
        screen.act("restart")  # harmful: availability drops again
        await pilot.press("n", "n", "n")
        assert screen.query_one("#timers", RowList).rows[0][:2] == ("Recovery watch", "not healthy · needs 5m")


def _width(widget: Widget) -> int:
    return widget.outer_size.width


async def test_facilitator_mode_leaves_the_feed_readable(drill: Drill) -> None:
    app = WarroomApp(drill=drill, autostart=False, facilitator=True)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        feed, panel = app.screen.query_one(Feed), app.screen.query_one("#facilitator")
        assert _width(feed) >= 60  # issue 22: it was 32 columns and broke words
        assert panel.region.y > feed.region.y  # under the feed
        await pilot.resize_terminal(*HUGE)
        await pilot.pause()
        assert _width(feed) >= 60 and panel.region.x > feed.region.x  # beside it, with room to spare
        assert "f2" in footer_keys(app)
