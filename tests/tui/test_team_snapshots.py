"""Snapshots of a team seat: the lobby as a player and as the facilitator, the team drill screen (wide and at
80x24), the channel composer, and the host's console. Over the in-memory host of team_fake, fixed seed,
clock paused and moved by hand. Regenerate with `pytest tests/tui/test_team_snapshots.py --snapshot-update`
only after looking at the report."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from sim.engine.drill import Drill
from tests.tui.team_fake import FakeHost
from tui.team.app import TeamApp
from tui.team.lobby import LobbyScreen
from tui.team.port import Client
from tui.team.screens import TeamDrillScreen

from .conftest import NARROW, WIDE
from .test_snapshots import Snap

JOIN_LINE = "warroom join 127.0.0.1:7788 --code 4J7Q-K2MX-9TRA"


def seat(host: FakeHost, name: str, role: str | None, **kwargs: object) -> TeamApp:
    async def connect(who: str, wanted: str | None) -> Client:
        return host.join(who, wanted)

    return TeamApp(connect, name=name, role=role, **kwargs)  # type: ignore[arg-type]


async def until(pilot: Pilot[None], kind: type) -> None:
    for _ in range(20):
        await pilot.pause()
        if isinstance(pilot.app.screen, kind):
            return
    raise AssertionError(f"no {kind.__name__}: {pilot.app.screen!r}")


def in_progress(host: FakeHost) -> None:
    """Three minutes in: the IC acknowledged, the tech lead investigates, two messages in the channel."""
    kim, ray = host.join("Kim", "ic"), host.join("Ray", "comms_lead")
    host.started = True
    host.advance(120)
    kim.act("acknowledge", {})
    kim.say("I have the incident. Ray, status page please.")
    host.advance(30)
    ray.say("On it: [b]investigating[/b] posted shortly")  # literal text, never markup
    host.advance(30)


async def _lobby(pilot: Pilot[None]) -> None:
    await until(pilot, LobbyScreen)
    host: FakeHost = pilot.app.host  # type: ignore[attr-defined]
    host.join("Kim", "ic")
    host.join("Ray", None)
    await pilot.pause()


def test_team_lobby_player(snap_compare: Snap, snap_drill: Drill) -> None:
    host = FakeHost(snap_drill)
    app = seat(host, "Sam", None)
    app.host = host  # type: ignore[attr-defined]

    async def run_before(pilot: Pilot[None]) -> None:
        await _lobby(pilot)
        await pilot.press("down", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=WIDE, run_before=run_before)


def test_team_lobby_facilitator(snap_compare: Snap, snap_drill: Drill) -> None:
    host = FakeHost(snap_drill, console="Ola")
    app = seat(host, "Ola", None, join_line=JOIN_LINE, bots=True)
    app.host = host  # type: ignore[attr-defined]
    assert snap_compare(app, terminal_size=WIDE, run_before=_lobby)


async def _drill(pilot: Pilot[None]) -> None:
    await until(pilot, LobbyScreen)
    in_progress(pilot.app.host)  # type: ignore[attr-defined]
    await until(pilot, TeamDrillScreen)
    await pilot.pause()


def _player(snap_drill: Drill) -> TeamApp:
    host = FakeHost(snap_drill)
    host.join("Ola", "facilitator")
    app = seat(host, "Sam", "tech_lead")
    app.host = host  # type: ignore[attr-defined]
    return app


def test_team_drill(snap_compare: Snap, snap_drill: Drill) -> None:
    assert snap_compare(_player(snap_drill), terminal_size=WIDE, run_before=_drill)


def test_team_drill_at_80_by_24(snap_compare: Snap, snap_drill: Drill) -> None:
    assert snap_compare(_player(snap_drill), terminal_size=NARROW, run_before=_drill)


def test_team_composer(snap_compare: Snap, snap_drill: Drill) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await _drill(pilot)
        await pilot.press("m", *"rolling back now")
        await pilot.pause()

    assert snap_compare(_player(snap_drill), terminal_size=WIDE, run_before=run_before)


def test_team_host_console(snap_compare: Snap, snap_drill: Drill, tmp_path: Path) -> None:
    host = FakeHost(snap_drill, console="Ola")
    app = seat(host, "Ola", None, engine=snap_drill)
    app.host = host  # type: ignore[attr-defined]
    assert snap_compare(app, terminal_size=WIDE, run_before=_drill)
