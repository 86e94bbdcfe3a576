"""Snapshots of the comms composer with the playbook's template inserted, and of the header while a dialog holds
the clock. The empty composer is `test_snapshots.py::test_modal[c-comms]`."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from sim.engine.drill import Drill
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen

from .conftest import NARROW, WIDE

Snap = Callable[..., bool]


async def template_inserted(pilot: Pilot[None]) -> None:
    """Two minutes in, the composer open with its template, the trainee's clock running but held by the
    dialog (set on the screen, so no tick can land between the keys)."""
    await pilot.press("n", "n", "c")
    screen = pilot.app.screen_stack[-2]
    assert isinstance(screen, DrillScreen)
    screen.paused = False
    await pilot.press("ctrl+t")  # its first blank selected, ready to type over
    await pilot.pause()


def test_comms_with_the_template_inserted(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=WIDE, run_before=template_inserted)


def test_comms_with_the_template_inserted_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False)
    assert snap_compare(app, terminal_size=NARROW, run_before=template_inserted)
