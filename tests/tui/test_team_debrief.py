"""The team debrief in the TUI: a drill three people played (Sam as incident commander, Tom as tech lead, Ana as
comms lead) ends in a debrief with a Team tab; picking a person scrolls to their section. Snapshots at a fixed
size with the clock paused; regenerate with `--snapshot-update` only after looking at the report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TabbedContent

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tests.tui.conftest import end_drill
from tui.app import WarroomApp
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.widgets.team import PersonSection, TeamPanel

from .conftest import NARROW, SEED, WIDE

Snap = Callable[..., bool]


def play_as_a_team(drill: Drill) -> None:
    """The first minutes of the fixture's outage, played by three people, each in their role."""
    drill.advance_to(150)
    drill.act("acknowledge", actor="Sam", role="ic")
    drill.say("I have the page. Tom, look at the deploy? [bold]x[/]", actor="Sam", role="ic")
    drill.advance(15)
    drill.act("assign_role", actor="Sam", as_role="ic", role="tech_lead", who="Tom")
    drill.advance(25)
    drill.act("assign_role", actor="Sam", as_role="ic", role="comms_lead", who="Ana")
    drill.act("investigate", actor="Tom", role="tech_lead", target="deploys")
    drill.advance(60)
    drill.act("declare", actor="Sam", role="ic", severity="SEV-1")
    drill.act("rollback", actor="Tom", role="tech_lead")
    drill.say("Rolling back to v2.4.0.", actor="Tom", role="tech_lead")
    drill.act("status_page", actor="Ana", role="comms_lead", state="investigating", text="Looking into API errors.")
    drill.say("Status page is up; customers next.", actor="Ana", role="comms_lead")
    drill.advance(240)


@pytest.fixture
def team_drill(
    scenario: Scenario, playbook: Playbook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Drill]:
    monkeypatch.chdir(tmp_path)  # a relative journal path, so dialogs that name it read the same everywhere
    d = Drill(scenario, playbook, SEED, trainee="Sam", journal="drill.jsonl")
    play_as_a_team(d)
    yield d
    d.close()


async def to_team_tab(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, DrillScreen)
    await end_drill(pilot, screen)
    await pilot.press("6")  # the tab after scorecard, KPIs, timeline, metrics and lessons learned
    await pilot.pause()


def test_team_tab(snap_compare: Snap, team_drill: Drill) -> None:
    assert snap_compare(WarroomApp(drill=team_drill, autostart=False), terminal_size=WIDE, run_before=to_team_tab)


def test_team_tab_at_80_by_24_on_a_person(snap_compare: Snap, team_drill: Drill) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await to_team_tab(pilot)
        await pilot.press("down", "enter")  # Tom
        await pilot.pause()

    app = WarroomApp(drill=team_drill, autostart=False)
    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)


async def test_picking_a_person_scrolls_to_their_section(team_drill: Drill) -> None:
    seen: list[object] = []
    app = WarroomApp(drill=team_drill, autostart=False)
    async with app.run_test(size=NARROW, message_hook=seen.append) as pilot:
        await to_team_tab(pilot)
        screen = app.screen
        assert isinstance(screen, DebriefScreen) and screen.team is not None
        assert screen.query_one("#debrief-tabs", TabbedContent).active == "tab-team"
        table = screen.query_one("#team-people", DataTable)
        assert app.focused is table  # switched to by key: the table takes the keys
        panel = screen.query_one(TeamPanel)
        assert panel.scroll_y == 0
        await pilot.press("down", "down", "enter")  # Ana, the third
        await pilot.pause()
        ana = screen.query_one("#person-3", PersonSection)
        assert ana.person.name == "Ana" and app.focused is ana
        assert panel.scroll_y > 0
        assert ana.region.y == panel.content_region.y  # her section's top at the panel's top
        assert any(isinstance(m, TeamPanel.PersonShown) and m.person.name == "Ana" for m in seen)
        # shift+tab goes back to Tom's section, which scrolls into view.
        await pilot.press("shift+tab")
        await pilot.pause()
        tom = screen.query_one("#person-2", PersonSection)
        assert app.focused is tom and tom.person.name == "Tom"
        assert panel.content_region.contains(tom.region.x, tom.region.y)


async def test_the_team_tab_shows_each_person_and_their_words(team_drill: Drill) -> None:
    app = WarroomApp(drill=team_drill, autostart=False)
    async with app.run_test(size=WIDE) as pilot:
        await to_team_tab(pilot)
        screen = app.screen
        assert isinstance(screen, DebriefScreen) and screen.team is not None
        sections = list(screen.query(PersonSection))
        assert [s.person.name for s in sections] == ["Sam", "Tom", "Ana"]
        assert [s.person.role for s in sections] == ["ic", "tech_lead", "comms_lead"]
        assert str(sections[0].border_title) == "Sam — Incident Commander"
        # Player text is never markup: Sam's "[bold]x[/]" reads as typed.
        texts = " ".join(str(w.render()) for w in sections[0].query("Static"))
        assert "I have the page. Tom, look at the deploy? [bold]x[/]" in texts
        assert screen.team.card == screen.card


async def test_a_solo_debrief_has_no_team_tab(drill: Drill) -> None:
    app = WarroomApp(drill=drill, autostart=False)
    async with app.run_test(size=WIDE) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.team is None and not debrief.query("#tab-team")
        assert not debrief.check_action("show_tab", (6,))
