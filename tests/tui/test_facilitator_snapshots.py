"""Snapshots of facilitator mode: the drill screen with the panel (120x36 and 80x24) and each of its dialogs.

Built like the other snapshots (fixed seed, paused clock, time moved in `run_before`). Regenerate with
`pytest tests/tui/test_facilitator_snapshots.py --snapshot-update` only after looking at the report.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from sim.engine.drill import Drill
from tui.app import WarroomApp

from .test_snapshots import NARROW, WIDE, Snap, at


async def _with_history(pilot: Pilot[None]) -> None:
    """Three minutes in, acknowledged, one hint and one note given."""
    await at(3, "a")(pilot)
    screen = pilot.app.screen
    screen.facilitate("hint", text="The deploy went out at T+0. [bold]x[/]")  # type: ignore[attr-defined]
    screen.facilitate("note", text="Acknowledged fast; no severity yet.")  # type: ignore[attr-defined]
    await pilot.pause()


def test_facilitator_drill(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False, facilitator=True)
    assert snap_compare(app, terminal_size=WIDE, run_before=_with_history)


def test_facilitator_drill_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False, facilitator=True)
    assert snap_compare(app, terminal_size=NARROW, run_before=_with_history)


@pytest.mark.parametrize(
    ("key", "name"),
    [("f4", "say"), ("f5", "jump"), ("f6", "hint"), ("f7", "note"), ("f8", "end")],
)
def test_facilitator_modal(snap_compare: Snap, snap_drill: Drill, key: str, name: str) -> None:
    app = WarroomApp(drill=snap_drill, autostart=False, facilitator=True)
    assert snap_compare(app, terminal_size=WIDE, run_before=at(2, key))
