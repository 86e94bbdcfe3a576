"""The briefing lists the team's open improvement items for the facilitator, read from the history by a worker
so the briefing never waits for the database; text from the database is shown as written."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from scoring.history import History, default_db
from tests.scoring.store.conftest import item
from tests.scoring.test_history import _row
from tui.app import WarroomApp
from tui.screens.briefing import BriefingScreen

from .conftest import SCENARIO_DIR, SEED, WIDE

Snap = Callable[..., bool]


def _plan() -> None:
    """Two open items for `sre` (one shown twice, one with markup-looking text), one closed, one for `dba`."""
    with History(default_db()) as h:
        h.add_drill([_row(at="2026-01-05T10:00:00Z")], [item("detect.acknowledge", "equipment"), item("close.pir")])
        again = dataclasses.replace(_row(at="2026-02-05T10:00:00Z"), journal="again\n")
        odd = item("comms.[bold]cadence[/]", "planning")
        h.add_drill([again], [item("detect.acknowledge", "equipment"), odd])
        h.add_drill([_row("bo", team="dba", at="2026-02-07T10:00:00Z")], [item("role.ic", "organisation")])
        from scoring.store import plan

        (pir,) = [i for i in plan.items(h.store) if i.key == "close.pir"]
        plan.assign(h.store, pir.id, owner="dana")
        plan.close(h.store, pir.id, "2026-02-10T00:00:00Z")


def _app(team: str) -> WarroomApp:
    return WarroomApp(
        scenario_id=str(SCENARIO_DIR / "api-outage.yaml"), trainee="Alex", seed=SEED, autostart=False, team=team
    )


async def _settled(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_teams_open_items_are_listed_for_the_facilitator() -> None:
    _plan()
    app = _app("sre")
    async with app.run_test(size=WIDE) as pilot:
        await _settled(pilot)
        assert isinstance(app.screen, BriefingScreen)
        table = app.screen.query_one("#briefing-plan", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["equipment", "planning"]
        assert rows[0][1] == "detect.acknowledge was late" and rows[0][5] == "2×"
        assert rows[1][1] == "comms.[bold]cadence[/] was late"  # written out, not styled
        assert app.screen.query_one("#plan-title").display


@pytest.mark.parametrize("team", ["ops", ""])
async def test_no_open_items_no_section(team: str) -> None:
    _plan()
    async with _app(team).run_test(size=WIDE) as pilot:
        await _settled(pilot)
        assert not pilot.app.screen.query("#briefing-plan")
        assert not pilot.app.screen.query("#plan-title") or not pilot.app.screen.query_one("#plan-title").display


async def test_an_unreadable_history_costs_the_briefing_nothing() -> None:
    path = default_db()
    assert isinstance(path, Path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database" * 100)
    async with _app("sre").run_test(size=WIDE) as pilot:
        await _settled(pilot)
        assert isinstance(pilot.app.screen, BriefingScreen) and not pilot.app.screen.query("#briefing-plan")


def test_briefing_with_open_items(snap_compare: Snap, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _plan()
    assert snap_compare(_app("sre"), terminal_size=WIDE, run_before=_settled)
