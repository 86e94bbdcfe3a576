"""Every modal by key presses: what it shows, what it sends to the drill, and that cancelling sends nothing."""

from __future__ import annotations

from textual.widgets import OptionList, SelectionList, Static

from sim.engine.drill import Drill
from sim.journal.events import ActionStarted, PageSent
from tui.app import WarroomApp
from tui.modals.base import ConfirmModal
from tui.modals.investigate import InvestigateModal
from tui.modals.menus import ActionsModal, FilterModal
from tui.modals.people import PageModal, RoleModal
from tui.modals.severity import SeverityModal
from tui.screens.drill import DrillScreen
from tui.screens.help import HelpScreen
from tui.widgets.feed import Feed
from tui.widgets.header import DrillHeader


def started(drill: Drill, action: str) -> list[ActionStarted]:
    return [e for e in drill.events if isinstance(e, ActionStarted) and e.action == action]


def plain(widget: Static) -> str:
    return widget.visual.plain  # type: ignore[attr-defined]


async def test_severity_shows_definitions_and_the_decision_tree_then_declares(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "s")
        modal = app.screen
        assert isinstance(modal, SeverityModal)
        assert "Complete service outage" in plain(modal.query_one("#severity-definition", Static))
        tree = plain(modal.query_one("#severity-tree", Static))
        assert "1. Is there a security breach? → SEV-1" in tree and "Otherwise → SEV-3" in tree
        await pilot.press("down")
        assert "Significant degradation" in plain(modal.query_one("#severity-definition", Static))
        await pilot.press("up", "enter", "n")
        assert isinstance(app.screen, DrillScreen)
        assert drill.state.severity == "SEV-1"
        assert app.screen.query_one(DrillHeader).severity == "SEV-1 Critical"


async def test_severity_cancel_declares_nothing(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "s", "escape", "n")
        assert isinstance(app.screen, DrillScreen)
        assert not started(drill, "declare")


async def test_roles_assign_me_or_someone_from_the_cast(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "r")
        assert isinstance(app.screen, RoleModal)
        await pilot.press("enter", "enter", "n")  # Incident Commander -> me
        assert drill.state.roles == {"ic": "Alex"}
        await pilot.press("r")
        modal = app.screen
        assert isinstance(modal, RoleModal)
        # The first unassigned role is offered first; pick the second person on the list (after "me").
        await pilot.press("enter", "down", "enter", "n")
        second = modal.people[0].name
        assert drill.state.roles == {"ic": "Alex", "tech_lead": second}
        assert app.screen.query_one(Feed).items[-1].text.endswith(f"{second} is Technical Lead")


async def test_investigate_offers_targets_and_shows_what_was_found(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "i")
        modal = app.screen
        assert isinstance(modal, InvestigateModal)
        assert plain(modal.query_one(".finding", Static)) == "Nothing yet."
        await pilot.press("down", "down", "enter")  # recent deploys
        await pilot.press("n", "n", "n", "n")  # it takes 3m; effects at the slice's end land in the next one
        assert any("upstream_timeout" in clue for clue in drill.state.clues)
        await pilot.press("i")
        findings = [plain(s) for s in app.screen.query(".finding").results(Static)]
        assert findings == [f"• deploys: {drill.state.clues[0]}"]
        options = app.screen.query_one("#target-list", OptionList)
        assert "(looked)" in options.get_option("deploys").prompt.plain  # type: ignore[union-attr]


async def test_page_someone_from_the_escalation_list(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "p")
        assert isinstance(app.screen, PageModal)
        await pilot.press("down", "down", "enter", "n")  # the DBA
        assert [e.contact for e in drill.events if isinstance(e, PageSent)] == ["dba"]


def menu_rows(modal: ActionsModal) -> list[str]:
    options = modal.query_one("#action-list", OptionList)
    return [str(options.get_option_at_index(i).prompt).strip() for i in range(options.option_count)]


async def test_the_actions_menu_groups_actions_and_never_puts_the_fix_first(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "x")
        modal = app.screen
        assert isinstance(modal, ActionsModal)
        rows = menu_rows(modal)
        assert [r for r in rows if r in ("Investigate", "Mitigate", "Communicate", "Coordinate")] == [
            "Investigate",
            "Mitigate",
            "Communicate",
            "Coordinate",
        ]
        # The scenario's actions sit under Mitigate by label, in plain words: the rollback is not singled out.
        mitigate = rows.index("Mitigate")
        assert rows[mitigate + 1 : mitigate + 3] == [
            "Restart all gateway pods  2m",
            "Roll back api-gateway to v2.4.0  3m",
        ]
        assert not any("destructive" in r for r in rows)
        options = modal.query_one("#action-list", OptionList)
        assert options.highlighted_option is not None and options.highlighted_option.id == "investigate"
        await pilot.press("down", "down", "enter")
        assert started(drill, "rollback")


async def test_a_running_action_stays_in_place_with_its_countdown(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "x")
        assert isinstance(app.screen, ActionsModal)
        before = menu_rows(app.screen)
        await pilot.press("escape", "p", "enter", "x")  # page the first contact; it takes 30s
        modal = app.screen
        assert isinstance(modal, ActionsModal)
        rows = menu_rows(modal)
        row = before.index("Page / escalate to someone  30s")
        assert rows[row] == "▸ Page / escalate to someone  running, 00:30 left"
        assert len(rows) == len(before)
        options = modal.query_one("#action-list", OptionList)
        assert options.get_option_at_index(row).disabled
        screen = app.screen_stack[-2]
        assert isinstance(screen, DrillScreen)
        screen.advance(20)  # the clock runs on while the menu is open
        await pilot.pause()
        assert menu_rows(modal)[row] == "▸ Page / escalate to someone  running, 00:10 left"
        screen.advance(20)
        await pilot.pause()
        assert menu_rows(modal)[row] == "✓ Page / escalate to someone  30s · done before"
        assert not options.get_option_at_index(row).disabled


async def test_running_a_done_action_again_asks_first(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n")
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        screen.act("open_channel")
        screen.advance(40)
        await pilot.press("ctrl+p", *"open the incident")
        await pilot.pause(0.3)  # the palette searches in a worker
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmModal)
        assert "done before" in plain(app.screen.query_one("#confirm-body", Static))
        await pilot.press("n")
        assert len(started(drill, "open_channel")) == 1
        await pilot.press("x")
        modal = app.screen
        assert isinstance(modal, ActionsModal)
        options = modal.query_one("#action-list", OptionList)
        options.highlighted = options.get_option_index("open_channel")
        await pilot.press("enter", "y")
        assert len(started(drill, "open_channel")) == 2


async def test_roles_are_refused_before_the_dialog_while_an_assignment_runs(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "r", "enter", "enter")  # Incident Commander: me, 20 seconds
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("r")
        assert isinstance(app.screen, DrillScreen)  # no dialog to fill in for nothing
        (notice,) = [n for n in app._notifications if n.title == "Not now"]
        assert notice.message == drill.state.refusals["assign_role"]
        assert notice.message.startswith("Assign a role is already under way (done at T+00:02:20)")


async def test_resolve_says_there_is_nothing_to_resolve_before_asking(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("R")
        assert isinstance(app.screen, DrillScreen)
        notices = [n.message for n in app._notifications if n.title == "Not now"]
        assert notices == ["there is no incident to resolve yet"]
        assert not started(drill, "resolve")


async def test_destructive_actions_ask_for_confirmation(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "x", "down", "enter")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        assert not started(drill, "restart")
        await pilot.press("x", "down", "enter", "y")
        assert started(drill, "restart")


async def test_resolve_is_confirmed_first(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "R")
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")
        assert not started(drill, "resolve")
        await pilot.press("R", "y")
        assert started(drill, "resolve")


async def test_filter_hides_a_kind_of_line(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "n")
        feed = app.screen.query_one(Feed)
        assert any(line.startswith("Error rate critical") for line in feed.visible_text())
        await pilot.press("f")
        assert isinstance(app.screen, FilterModal)
        assert app.screen.query_one(SelectionList).highlighted == 0  # Alerts
        await pilot.press("space", "tab", "enter")
        assert "alert" not in feed.filter.categories
        assert not any(line.startswith("Error rate") for line in feed.visible_text())
        assert feed.border_subtitle == "hiding alert"
        await pilot.press("f", "tab", *"firing", "enter")
        assert feed.visible_text() == ["pagerduty: HighErrorRate firing on api-gateway [bold]x[/]"]


async def test_help_lists_the_drill_bindings(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        described = {(row.key, row.description) for row in app.screen.rows}
        # The drill opens paused: space says what it does now.
        assert {("space", "Resume"), ("n", "Step 1m"), ("R", "Resolve"), ("s", "Severity")} <= described
        await pilot.press("escape")
        assert isinstance(app.screen, DrillScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_finds_actions_by_fuzzy_search(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "ctrl+p", *"roll back")
        await pilot.pause(0.3)  # the palette searches in a worker; let it answer
        await pilot.press("enter")
        assert started(drill, "rollback")
