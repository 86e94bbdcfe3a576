"""TUI seats against a real host: `sim.team.host.Host` on 127.0.0.1, port 0, in the test's own event loop, and
`TeamClient`s over TCP. A seat driven by a pilot sees another client's action in its feed, takes a role in the
lobby, is told why an action outside its role is refused, writes in the channel; the host's console starts the
drill and its levers reach the others.

Every wait is bounded (`until`): the host and the seats answer within milliseconds on loopback, and a test
that waits longer fails saying what it waited for; no test asserts on how long anything took."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from sim.engine.drill import Drill
from sim.format.library import Library
from sim.journal.events import ChannelMessage
from sim.team.client import TeamClient
from sim.team.host import Host
from tui.team.app import TeamApp
from tui.team.console import ConsoleClient
from tui.team.lobby import LobbyScreen
from tui.team.port import Client
from tui.team.screens import TeamDrillScreen, TeamFacilitatorScreen
from tui.widgets.feed import Feed

from .conftest import WIDE

PATIENCE = 10.0  # seconds a wait may take before the test fails; loopback answers take milliseconds


@pytest.fixture
def drill(tmp_path: Path) -> Iterator[Drill]:
    library = Library(user=False)
    opened = library.load_scenario(library.find_scenario("tutorial"))
    d = Drill(opened.scenario, opened.playbook, 7, trainee="team", journal=tmp_path / "team.jsonl")
    yield d
    d.close()


@pytest.fixture
async def host(drill: Drill) -> AsyncIterator[Host]:
    h = Host(drill, players=None)
    await h.listen("127.0.0.1:0")
    task = asyncio.create_task(h.run())
    yield h
    h.stop()
    await asyncio.wait_for(task, PATIENCE)


async def until(pilot: Pilot[None], done: Callable[[], bool], what: str) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + PATIENCE
    while not done():
        if loop.time() > deadline:
            toasts = [n.message for n in pilot.app._notifications]
            raise AssertionError(f"waited in vain for {what}; the screen is {pilot.app.screen!r}, toasts {toasts}")
        await pilot.pause(0.02)


def join(host: Host, name: str, role: str | None = None) -> TeamApp:
    async def connect(who: str, wanted: str | None) -> Client:
        return await TeamClient.connect(host.address, host.code, who, role=wanted)

    return TeamApp(connect, name=name, role=role)


def feed(app: TeamApp) -> list[str]:
    return app.screen.query_one(Feed).visible_text()


async def test_a_seat_sees_another_clients_action_in_its_feed(host: Host) -> None:
    app = join(host, "Sam", "first-responder")
    async with app.run_test(size=WIDE) as pilot:
        kim = await TeamClient.connect(host.address, host.code, "Kim", role="incident-commander")
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        host.start()
        await until(pilot, lambda: isinstance(app.screen, TeamDrillScreen), "the drill screen")
        kim.act("acknowledge", {})
        await until(
            pilot,
            lambda: any(line.startswith("Kim (Incident Commander") for line in feed(app)),
            "Kim's acknowledgement in Sam's feed",
        )
        await kim.close()


async def test_the_lobby_role_pick_reaches_the_host(host: Host) -> None:
    app = join(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        await until(pilot, lambda: "Sam" in host.seats, "Sam's seat")
        await pilot.press("down", "down", "enter")  # the third role: sme
        await until(pilot, lambda: host.seats["Sam"].role == "sme", "Sam holding the SME role")
        roles = str(app.screen.query_one("#lobby-you").render())
        await until(pilot, lambda: "Specialist" in str(app.screen.query_one("#lobby-you").render()), roles)


async def test_a_refused_action_shows_the_reason(host: Host) -> None:
    app = join(host, "Sam", "first-responder")
    async with app.run_test(size=WIDE) as pilot:
        kim = await TeamClient.connect(host.address, host.code, "Kim", role="incident-commander")
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        host.start()
        await until(pilot, lambda: isinstance(app.screen, TeamDrillScreen), "the drill screen")
        await pilot.press("s")  # declaring severity is the incident commander's call: no dialog opens
        await until(
            pilot,
            lambda: any("Kim holds it" in n.message for n in app._notifications),
            "the refusal naming Kim",
        )
        assert isinstance(app.screen, TeamDrillScreen)
        await pilot.press("a")  # a first responder may acknowledge, but nothing has paged yet: the host refuses
        await until(
            pilot,
            lambda: any(n.title == "Not now" for n in app._notifications),
            "the host's refusal",
        )
        await pilot.pause(0.2)  # any duplicate would have arrived by now
        refusals = [n.message for n in app._notifications if n.title == "Not now"]
        assert len(refusals) == 1, refusals  # one refusal, one toast
        assert [e.actor for e in host.drill.events if e.kind == "action.refused"] == ["Sam"]
        await kim.close()


async def test_the_composer_writes_in_everyones_channel(host: Host) -> None:
    app = join(host, "Sam", "first-responder")
    async with app.run_test(size=WIDE) as pilot:
        kim = await TeamClient.connect(host.address, host.code, "Kim", role="incident-commander")
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        host.start()
        await until(pilot, lambda: isinstance(app.screen, TeamDrillScreen), "the drill screen")
        await pilot.press("m", *"db looks fine", "enter")
        await until(
            pilot,
            lambda: any(isinstance(e, ChannelMessage) and e.text == "db looks fine" for e in kim.events),
            "Sam's message at Kim's seat",
        )
        await until(pilot, lambda: "Sam (First Responder): db looks fine" in feed(app), "the message in Sam's feed")
        await kim.close()


async def test_the_hosts_console_starts_the_drill_and_holds_the_clock(drill: Drill) -> None:
    host = Host(drill, players=None, facilitator="Ola")
    await host.listen("127.0.0.1:0")
    run = asyncio.create_task(host.run())

    async def console(name: str, role: str | None) -> Client:
        return ConsoleClient(host)

    app = TeamApp(console, name="Ola", join_line=host.join_line, engine=drill)
    try:
        async with app.run_test(size=WIDE) as pilot:
            kim = await TeamClient.connect(host.address, host.code, "Kim", role="incident-commander")
            await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
            assert host.join_line in str(app.screen.query_one("#lobby-join").render())
            roles = app.screen.query_one("#lobby-roles", OptionList)
            await until(pilot, lambda: "Kim" in str(roles.get_option_at_index(0).prompt), "Kim in the lobby")
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, TeamFacilitatorScreen), "the facilitator's screen")
            assert host.started and not host.clock.paused
            await pilot.press("space")  # pause, for everyone
            await until(pilot, lambda: kim.clock.paused, "Kim's clock paused")
            await pilot.press("n")  # a minute on
            await until(pilot, lambda: kim.clock.now >= 60, "Kim's clock a minute on")
            kim.lever("pause")  # the console holds the levers: the IC's is refused
            await until(pilot, lambda: any(n.level == "refused" for n in kim.notices), "Kim's lever refused")
            await kim.close()
    finally:
        host.stop()
        await asyncio.wait_for(run, PATIENCE)


async def test_the_console_ends_the_drill_and_every_seat_opens_its_debrief(drill: Drill) -> None:
    from scoring.history import History, default_db
    from sim.journal.events import DrillEnded
    from tui.screens.debrief import DebriefScreen

    host = Host(drill, players=None, facilitator="Ola")
    await host.listen("127.0.0.1:0")
    run = asyncio.create_task(host.run())

    async def console(name: str, role: str | None) -> Client:
        return ConsoleClient(host)

    app = TeamApp(console, name="Ola", join_line=host.join_line, engine=drill)
    player = join(host, "Sam", "first-responder")
    try:
        async with app.run_test(size=WIDE) as pilot, player.run_test(size=WIDE) as seat:
            await until(pilot, lambda: isinstance(player.screen, LobbyScreen), "Sam's lobby")
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, TeamFacilitatorScreen), "the facilitator's screen")
            await until(seat, lambda: isinstance(player.screen, TeamDrillScreen), "Sam's drill screen")
            await pilot.press("f8")
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, DebriefScreen), "the console's debrief")
            await until(seat, lambda: isinstance(player.screen, DebriefScreen), "Sam's debrief")
            ended = drill.record.first(DrillEnded)
            assert ended is not None and ended.by == "facilitator"
            assert app.screen.session.drill is drill  # type: ignore[attr-defined]  # the host's own drill
            # The console stored the drill; Sam's seat did not store it again (one history, one drill).
            assert app.screen.history_id is not None  # type: ignore[attr-defined]
            assert player.screen.history_id is None  # type: ignore[attr-defined]
            with History(default_db()) as history:
                assert len({r.drill_key for r in history.drills()}) == 1
            # Neither seat offers a solo "try again" or the scenario picker: the drill was the team's.
            await seat.press("t", "b", "escape")
            assert isinstance(player.screen, DebriefScreen)
            shown = player.screen.active_bindings.values()
            assert not any(b.binding.action in ("play_again", "new") and b.enabled for b in shown)
            assert not app.screen.check_action("play_again", ())
    finally:
        host.stop()
        await asyncio.wait_for(run, PATIENCE)


async def test_a_seat_that_loses_the_host_rejoins_and_catches_up(host: Host) -> None:
    async def connect(who: str, wanted: str | None) -> Client:
        return await TeamClient.connect(host.address, host.code, who, role=wanted)

    async def rejoin(old: Client) -> Client:  # as tui.team.launch.join_seat gives it
        assert isinstance(old, TeamClient)
        return await old.reconnect(host.address, host.code)

    app = TeamApp(connect, name="Sam", role="first-responder", rejoin=rejoin)
    async with app.run_test(size=WIDE) as pilot:
        kim = await TeamClient.connect(host.address, host.code, "Kim", role="incident-commander")
        await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the lobby")
        host.start()
        await until(pilot, lambda: isinstance(app.screen, TeamDrillScreen), "the drill screen")
        port = app.port
        assert port is not None
        first = port.client
        sam = next(c for c in host.conns if c.seat is not None and c.seat.name == "Sam")
        host._drop(sam)  # the network between them fails
        kim.say("did Sam drop?")  # said while Sam is away
        await until(pilot, lambda: port.client is not first and port.client.closed is None, "Sam's new connection")
        await until(pilot, lambda: "Kim (Incident Commander (IC)): did Sam drop?" in feed(app), "what Sam missed")
        assert any(n.title == "Reconnected" for n in app._notifications)
        assert port.record.events == tuple(host.drill.events[: len(port.record.events)])  # no gap, no repeat
        await kim.close()


async def test_the_consoles_lobby_lists_the_teams_open_improvement_items(tmp_path: Path) -> None:
    # Team blue played the tutorial badly before: the console's lobby shows the facilitator what it left open.
    from textual.coordinate import Coordinate
    from textual.widgets import DataTable

    from scenarios import SCRIPTS
    from scoring.grade import grade
    from scoring.history import store
    from sim.format.loading import load_script
    from sim.training.runner import run_script

    library = Library(user=False)
    opened = library.load_scenario(library.find_scenario("tutorial"))
    scenario, playbook = opened.scenario, opened.playbook
    before = run_script(scenario, playbook, load_script(SCRIPTS / "tutorial" / "negligent.yaml", scenario, playbook),
                        trainee="Kim", team="blue")  # fmt: skip
    card = grade(before.record, scenario, playbook)
    store(card, before.record, None, started_at="2026-11-01T09:00:00Z", scenario=scenario, playbook=playbook)
    drill = Drill(scenario, playbook, 7, trainee="blue", team="blue", journal=tmp_path / "team.jsonl")
    host = Host(drill, players=None, facilitator="Ola")
    await host.listen("127.0.0.1:0")
    run = asyncio.create_task(host.run())

    async def console(name: str, role: str | None) -> Client:
        return ConsoleClient(host)

    app = TeamApp(console, name="Ola", join_line=host.join_line, engine=drill)
    try:
        async with app.run_test(size=WIDE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, LobbyScreen), "the console's lobby")
            await until(pilot, lambda: bool(app.screen.query("#briefing-plan")), "the open items")
            table = app.screen.query_one("#briefing-plan", DataTable)
            failed = {c.title for c in card.criteria if c.evaluated and c.result == "fail"}
            issues = {str(table.get_cell_at(Coordinate(row, 1))).split(":")[0] for row in range(table.row_count)}
            assert failed <= issues and app.screen.query_one("#plan-title").display
    finally:
        host.stop()
        await asyncio.wait_for(run, PATIENCE)
        drill.close()
