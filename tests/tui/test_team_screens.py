"""A team seat by key presses, over the in-memory host of team_fake: the lobby (roles by key and by click, the
facilitator's start and loose levers), other people's actions in the feed, refusals, the clock's owner, the
channel composer, and dialogs that never hold the clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from sim.engine.drill import Drill
from sim.format.library import Library
from sim.journal.events import ChannelMessage
from tests.tui.team_fake import FakeClient, FakeHost
from tui.team.app import TeamApp
from tui.team.channel import ChannelBar
from tui.team.lobby import LobbyScreen
from tui.team.port import Client
from tui.team.screens import TeamDrillScreen
from tui.widgets.feed import Feed

from .conftest import WIDE


@pytest.fixture
def tutorial(tmp_path: Path) -> Iterator[Drill]:
    """The bundled tutorial on its playbook, whose roles (incident-commander, first-responder, sme) have the
    default permissions: the IC declares, a first responder investigates."""
    opened = Library(user=False).load_scenario(Library(user=False).find_scenario("tutorial"))
    drill = Drill(opened.scenario, opened.playbook, 7, trainee="team", journal=tmp_path / "team.jsonl")
    yield drill
    drill.close()


def seat(host: FakeHost, name: str, role: str | None = None) -> TeamApp:
    async def connect(who: str, wanted: str | None) -> Client:
        return host.join(who, wanted)

    return TeamApp(connect, name=name, role=role)


def client_of(host: FakeHost, name: str) -> FakeClient:
    return next(c for c in host.clients if c.name == name)


async def started(pilot: Pilot[None], host: FakeHost) -> TeamDrillScreen:
    """Start the drill as the host would, and wait for the seat's drill screen."""
    host.started = True
    host._changed()
    for _ in range(20):
        await pilot.pause()
        if isinstance(pilot.app.screen, TeamDrillScreen):
            return pilot.app.screen
    raise AssertionError(f"no drill screen: {pilot.app.screen!r}")


def feed_text(screen: TeamDrillScreen) -> list[str]:
    return screen.query_one(Feed).visible_text()


async def test_the_lobby_lists_the_roles_and_a_key_takes_one(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        roles = app.screen.query_one("#lobby-roles", OptionList)
        assert [roles.get_option_at_index(i).id for i in range(roles.option_count)] == [
            r.id for r in tutorial.playbook.roles
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert host.role_of("Sam") == tutorial.playbook.roles[1].id
        assert "Sam" in str(roles.get_option_at_index(1).prompt)


async def test_a_click_takes_a_role_and_others_appear_live(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        roles = app.screen.query_one("#lobby-roles", OptionList)
        host.join("Kim", "sme")
        await pilot.pause()
        assert "Kim" in str(roles.get_option_at_index(2).prompt)
        await pilot.click("#lobby-roles", offset=(4, 1))  # row 0 is the border, 1 the first role
        await pilot.pause()
        assert host.role_of("Sam") == tutorial.playbook.roles[0].id


async def test_the_facilitator_starts_the_drill_and_loosens_the_roles(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Ola", role="facilitator")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("l")
        await pilot.pause()
        assert host.mode == "loose"
        await pilot.press("s")
        await pilot.pause()
        assert [(who, lever) for who, lever, _ in host.levers] == [("Ola", "loose"), ("Ola", "start")]


async def test_a_player_has_no_start_lever(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("s", "l")
        await pilot.pause()
        assert host.levers == []
        assert not host.started


async def test_another_players_action_appears_in_the_feed_as_theirs(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        kim = host.join("Kim", "incident-commander")
        kim.act("acknowledge", {})
        await pilot.pause()
        assert any(line.startswith("Kim (Incident Commander") and "Acknowledge" in line for line in feed_text(screen))


async def test_a_refused_action_shows_the_reason_and_who_holds_the_role(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    host.join("Kim", "incident-commander")
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, host)
        await pilot.press("n")  # the clock is not Sam's: no step either
        await pilot.press("R")  # resolving is the IC's call
        await pilot.pause()
        await pilot.pause()
        toasts = [n.message for n in app._notifications]
        assert any("Kim holds it" in t for t in toasts), toasts
        assert host.levers == []


async def test_the_clock_keys_say_whose_clock_it_is(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    host.join("Ola", "facilitator")
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, host)
        await pilot.press("space", "plus")
        await pilot.pause()
        assert host.levers == []
        assert any("Ola holds it" in n.message for n in app._notifications)


async def test_the_ic_holds_the_clock_without_a_facilitator(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Kim", role="incident-commander")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        await pilot.press("n", "space")
        await pilot.pause()
        assert [lever for _, lever, _ in host.levers] == ["step", "resume"]
        assert not screen.paused  # mirrors the host's clock
        await pilot.press("plus")
        await pilot.pause()
        assert host.levers[-1][1:] == ("speed", {"speed": 5})


async def test_dialogs_never_hold_a_team_drills_clock(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Kim", role="incident-commander")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is not screen
        assert not screen.held


async def test_the_composer_sends_to_the_channel_and_the_feed_shows_it(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        await pilot.press("m")
        await pilot.pause()
        box = screen.query_one("#say", Input)
        assert box.has_focus
        await pilot.press(*"checking [bold]db[/]", "enter")  # 'a', 's', 'n' are drill keys: typed here, not run
        await pilot.pause()
        assert client_of(host, "Sam").said == ["checking [bold]db[/]"]
        assert not screen.query_one(ChannelBar).composing
        assert "Sam (First Responder): checking [bold]db[/]" in feed_text(screen)
        assert [e.text for e in tutorial.events if isinstance(e, ChannelMessage)] == ["checking [bold]db[/]"]
        assert host.levers == []  # no key typed in the message reached the drill


async def test_escape_drops_the_message(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        await pilot.press("m", *"never mind", "escape")
        await pilot.pause()
        assert client_of(host, "Sam").said == []
        assert not screen.query_one(ChannelBar).composing


async def test_the_seat_line_says_who_you_are_and_what_you_may_do(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        screen = await started(pilot, host)
        line = str(screen.query_one("#seat-line").render())
        assert line.startswith("Sam · First Responder · m: message")
        assert "Investigate" in line and "Declare severity" not in line


async def test_the_end_of_the_drill_opens_the_debrief(tutorial: Drill) -> None:
    from tui.screens.debrief import DebriefScreen

    host = FakeHost(tutorial)
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, host)
        host.drill.end(by="facilitator")
        host._changed()
        for _ in range(10):
            await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)


async def test_the_help_says_your_role_and_what_it_may_do(tutorial: Drill) -> None:
    from tui.screens.help import HelpScreen

    host = FakeHost(tutorial)
    host.join("Kim", "incident-commander")
    app = seat(host, "Sam", role="first-responder")
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, host)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.intro.startswith("You are Sam, First Responder. Your role may: Acknowledge the page")
        assert "Declare" not in app.screen.intro
        assert "Clock: Kim" in app.screen.intro


def test_a_seat_keeps_its_own_lessons_learned(tutorial: Drill) -> None:
    from sim.engine.drill import ActionRefused
    from sim.journal.events import DebriefAnswer
    from tui.team.port import RemoteDrill

    host = FakeHost(tutorial)
    port = RemoteDrill(host.join("Sam", "first-responder"))
    host.started = True
    with pytest.raises(ActionRefused):
        port.answer(0, "too early")
    tutorial.end(by="facilitator")
    port.answer(0, "Check the config diff first.")
    answers = [e for e in port.record.events if isinstance(e, DebriefAnswer)]
    assert [(a.question, a.text) for a in answers] == [(0, "Check the config diff first.")]
    assert not any(isinstance(e, DebriefAnswer) for e in tutorial.events)  # the host's journal is the host's


async def test_a_seat_asks_the_name_and_again_when_it_is_taken(tutorial: Drill) -> None:
    from tui.team.lobby import SeatNameModal

    class Taken(Exception):
        code = "name_taken"

    host = FakeHost(tutorial)
    host.join("Kim", "incident-commander")

    async def connect(who: str, wanted: str | None) -> Client:
        if any(p.name == who for p in host.players):
            raise Taken(f"the name {who!r} is taken")
        return host.join(who, wanted)

    app = TeamApp(connect)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SeatNameModal)
        await pilot.press(*"Kim", "enter")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, SeatNameModal)
        assert "taken" in str(app.screen.query_one(".hint").render())
        await pilot.press("ctrl+a", *"Sam", "enter")  # the box keeps what was typed: select it and type over
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert [p.name for p in host.players] == ["Kim", "Sam"]


async def test_a_late_joiner_takes_a_role_before_the_drill_screen(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    host.started = True  # started before Sam came
    app = seat(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        for _ in range(3):
            await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert "The drill has started" in str(app.screen.query_one("#lobby-hint").render())
        await pilot.press("down", "enter")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, TeamDrillScreen)
        assert app.screen.port.role == "first-responder"


async def test_a_late_joiner_may_go_in_without_a_role(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    host.started = True
    app = seat(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, TeamDrillScreen)
        assert str(app.screen.query_one("#seat-line").render()).startswith("Sam · no role yet")


async def test_t_takes_a_role_during_the_drill(tutorial: Drill) -> None:
    host = FakeHost(tutorial)
    host.started = True
    app = seat(host, "Sam")
    async with app.run_test(size=WIDE) as pilot:
        await pilot.pause()
        await pilot.press("j")
        for _ in range(5):
            await pilot.pause()
        assert isinstance(app.screen, TeamDrillScreen)
        await pilot.press("t")
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        for _ in range(3):
            await pilot.pause()
        assert host.role_of("Sam") == "sme"
        assert isinstance(app.screen, TeamDrillScreen)
        assert "Specialist" in str(app.screen.query_one("#seat-line").render())


async def test_assigning_a_role_sends_the_role_handed_out(tutorial: Drill) -> None:
    from sim.journal.events import ActionStarted, RoleAssigned

    host = FakeHost(tutorial)
    app = seat(host, "Kim", role="incident-commander")
    async with app.run_test(size=WIDE) as pilot:
        await started(pilot, host)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("enter", "tab", "enter")  # the first role, then the first person: me
        for _ in range(3):
            await pilot.pause()
        started_ = [e for e in tutorial.events if isinstance(e, ActionStarted) and e.action == "assign_role"]
        assert [(e.params, e.actor) for e in started_] == [({"role": "incident-commander", "who": "me"}, "Kim")]
        host.advance(60)  # it takes 20 seconds
        assigned = [e for e in tutorial.events if isinstance(e, RoleAssigned)]
        assert [(e.role, e.who) for e in assigned] == [("incident-commander", "Kim")]
