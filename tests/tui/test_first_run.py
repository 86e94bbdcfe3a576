"""`make play` on a first run goes straight to the tutorial's briefing: the name is asked there, once."""

from __future__ import annotations

from sim.engine.drill import Drill
from tui import settings
from tui.app import WarroomApp
from tui.modals.base import NameModal
from tui.screens.briefing import BriefingScreen


async def test_direct_briefing_asks_the_name_first_and_remembers_it() -> None:
    app = WarroomApp(scenario_id="tutorial", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameModal)
        await pilot.press(*"Ana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.session is not None
        drill = app.session.drill
        assert isinstance(drill, Drill) and drill.trainee == "Ana"
    assert settings.load().trainee == "Ana"
    again = WarroomApp(scenario_id="tutorial", autostart=False)
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, BriefingScreen)  # remembered: not asked twice
