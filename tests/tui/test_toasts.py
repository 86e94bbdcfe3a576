"""Where toasts land: never over the drill's feed, its running actions or its header, nor the debrief's tab
bar, at 120x36 and at 80x24, for the trainee and the facilitator."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Tabs

from sim.engine.drill import Drill
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.widgets.header import DrillHeader

from .conftest import NARROW, WIDE

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
LONG = "v2.4.1 changed upstream_timeout from 30s to 30ms, and the gateway has timed out every call since"


def toasts(app: WarroomApp) -> list[Region]:
    found = [w.region for w in app.screen.query("Toast")]
    assert found, "no toast shown"
    return found


def clear_of(toast: Region, *widgets: Widget) -> bool:
    return not any(toast.overlaps(w.region) for w in widgets)


@SIZES
@pytest.mark.parametrize("facilitator", [False, True], ids=["trainee", "facilitator"])
async def test_drill_toasts_leave_the_feed_clear(drill: Drill, size: tuple[int, int], facilitator: bool) -> None:
    app = WarroomApp(drill=drill, autostart=False, facilitator=facilitator)
    async with app.run_test(size=size, notifications=True) as pilot:
        await pilot.press("n", "n", "i")  # something running, so the running bar is in use
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        app.notify(LONG, title="Found")
        app.notify("Declare a severity first.", title="Not now", severity="warning")
        await pilot.pause()
        feed, running, header = screen.query_one("#feed"), screen.query_one("#running"), screen.query_one(DrillHeader)
        assert running.region.height >= 1
        for toast in toasts(app):
            assert clear_of(toast, feed, running, header), (toast, feed.region)
            assert screen.region.contains_region(toast)


@SIZES
async def test_debrief_toasts_leave_the_tab_bar_clear(drill: Drill, size: tuple[int, int]) -> None:
    app = WarroomApp(drill=drill, autostart=False)
    async with app.run_test(size=size, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        await pilot.press("m")  # "Markdown report written"
        await pilot.pause()
        tabs = debrief.query_one(Tabs)
        for toast in toasts(app):
            assert clear_of(toast, tabs, debrief.query_one("#debrief-summary"), debrief.query_one("#debrief-head"))
