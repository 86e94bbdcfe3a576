"""Snapshots of the lessons-learned tab being answered, and of toasts clear of the feed at 80x24 with the
facilitator panel open. Regenerate with `--snapshot-update` only after looking at the report."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from sim.engine.drill import Drill
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen

from .conftest import NARROW, WIDE

Snap = Callable[..., bool]


async def _answering(pilot: Pilot[None]) -> None:
    """The tutorial ended at once; lessons learned by its number, two answers, the third box open."""
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    await end_drill(pilot, screen)
    await pilot.press("5", *"the [bold]config[/] diff", "tab", *"error rate, not CPU", "tab")
    await pilot.pause()


@pytest.mark.parametrize("size", [WIDE, NARROW], ids=["120x36", "80x24"])
def test_lessons_being_answered(snap_compare: Snap, size: tuple[int, int]) -> None:
    app = WarroomApp(scenario_id="tutorial", trainee="Alex", autostart=False)
    assert snap_compare(app, terminal_size=size, run_before=_answering)


def test_drill_toast_at_80_by_24_with_the_facilitator_panel(snap_compare: Snap, snap_drill: Drill) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press(*["n"] * 2, "i", "down", "down", "enter")  # the deploys: a clue, "Found"
        await pilot.press(*["n"] * 4)
        await pilot.pause()

    app = WarroomApp(drill=snap_drill, autostart=False, facilitator=True)
    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)
