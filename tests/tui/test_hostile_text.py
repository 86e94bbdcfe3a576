"""Escape codes in a name never reach the screen: it is drawn with them written out."""

from __future__ import annotations

from tui.app import WarroomApp
from tui.screens.briefing import BriefingScreen


async def test_a_trainee_name_with_escape_codes_is_drawn_written_out() -> None:
    app = WarroomApp(scenario_id="tutorial", trainee="\x1b]0;PWNED\x07\x1b[2JAna", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)  # its "Who's who" names the trainee
        screen = app.export_screenshot()
    assert "\x1b" not in screen and "\x07" not in screen
    assert "\\x1b]0;PWNED\\x07\\x1b[2JAna" in screen.replace("&#160;", " ")
