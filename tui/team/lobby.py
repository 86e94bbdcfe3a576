"""The lobby of a team drill: the playbook's roles and who holds each, the people here, live as they join.

A player takes a role (arrows and enter, or a click); the facilitator reads out the join line, may let
anyone do anything (loose roles), and starts the drill. Names come from players: plain text, never markup.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.format.playbook import Role
from sim.format.roles import FACILITATOR
from tui.messages import TeamDrillStarted
from tui.modals.base import Dialog, NameModal
from tui.team.port import Player, RemoteDrill
from tui.team.seat import role_name

if TYPE_CHECKING:
    from scoring.store.plan import PlanItem


def holders(players: tuple[Player, ...] | list[Player], role_id: str) -> list[Player]:
    return [p for p in players if p.role == role_id]


def role_option(port: RemoteDrill, role: Role, width: int, *, bots: bool = False) -> Option:
    """Two lines: `Incident Commander  Sam (you)` (who holds it: free, a bot, left; this seat's own marked), then
    what the role is for, dimmed, cut to one line of `width` cells."""
    held = holders(list(port.client.lobby.players), role.id)
    parts: list[tuple[str, str] | str] = [(role.name, "bold"), "  "]
    if not held:
        parts.append(("free", "$success"))
        if bots:
            parts.append((" (a bot plays it unless someone takes it)", "$text-muted"))
    for i, player in enumerate(held):
        if i:
            parts.append(", ")
        style = "$accent bold" if player.name == port.you else ""
        parts.append((player.name, style))
        if player.bot:
            parts.append((" (bot)", "$text-muted"))
        elif not player.connected:
            parts.append((" (left)", "$warning"))
        if player.name == port.you:
            parts.append((" (you)", "$accent"))
    about = "; ".join(role.responsibilities)
    if len(about) > width - 2:
        about = about[: max(0, width - 3)] + "…"
    if about:
        parts += ["\n", (f"  {about}", "$text-muted")]
    return Option(Content.assemble(*parts), id=role.id)


class SeatNameModal(NameModal):
    """The name a player goes by in a team drill (not remembered: the solo trainee's name is the default)."""

    TITLE_TEXT = "Who are you in this drill?"

    def __init__(self, current: str = "", *, problem: str = "") -> None:
        super().__init__(current)
        self.problem = problem

    def on_mount(self) -> None:
        hint = "The others see it in the lobby, in the feed beside what you do, and in the incident channel."
        self.query_one(".hint", Static).update(Content(f"{self.problem}\n{hint}" if self.problem else hint))


class LobbyScreen(Screen[None]):
    """Who plays which role, until the facilitator starts the drill."""

    BINDING_GROUP_TITLE = "Lobby"
    CSS_PATH = Path(__file__).parent.parent / "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "start", "Start the drill", id="lobby.start"),
        Binding("l", "loose", "Loose roles", id="lobby.loose"),
        Binding("j", "without_role", "Go in without a role", id="lobby.without_role"),
        Binding("q", "leave", "Leave", id="lobby.leave"),
        Binding("q", "stop_hosting", "Stop hosting", id="lobby.stop"),
    ]

    def __init__(self, port: RemoteDrill, *, join_line: str = "", bots: bool = False, team: str = "") -> None:
        super().__init__()
        self.port = port
        self.join_line = join_line
        self.team = team  # the host's team: its open improvement items are shown to the facilitator
        self.bots = bots  # the host plays the roles nobody takes
        self._started = False
        self._without_role = False  # the player chose to go in without a role (they may only write)

    @property
    def facilitating(self) -> bool:
        return self.port.is_facilitator

    def compose(self) -> ComposeResult:
        scenario = self.port.scenario
        with Vertical(id="lobby"):
            yield Label(Content.assemble(("Team drill: ", "bold"), scenario.title), id="lobby-title")
            if self.join_line:
                yield Static(
                    Content.assemble(("Read this out to join:  ", "$text-muted"), (self.join_line, "bold $accent")),
                    id="lobby-join",
                )
            yield Static(id="lobby-you")
            yield OptionList(id="lobby-roles")
            yield Static(id="lobby-people")
            yield Static(id="lobby-hint", classes="hint")
            if self.team and self.facilitating:  # filled in by a worker: reading the history never holds it up
                label = Label(Content(f"Open improvement items · {self.team}"), classes="section", id="plan-title")
                label.display = False
                yield label
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#lobby-roles", OptionList).border_title = "Roles"
        self.port.add_listener(self._changed)
        self.show()
        self.query_one("#lobby-roles", OptionList).focus()
        if self.team and self.facilitating:
            self._load_plan(self.team)

    @work(thread=True, exclusive=True, group="lobby-plan")
    def _load_plan(self, team: str) -> None:
        from scoring.history import HistoryError
        from tui.screens.briefing import open_items

        try:
            found = open_items(team)
        except HistoryError:
            return  # the history screen says why; the lobby never fails on it
        if found:
            self.app.call_from_thread(self._show_plan, found)

    def _show_plan(self, found: list[PlanItem]) -> None:
        from tui.screens.briefing import plan_table

        title = self.query_one("#plan-title")
        title.display = True
        self.query_one("#lobby").mount(plan_table(found), after=title)

    def on_resize(self) -> None:
        self.show()

    def _changed(self) -> None:
        if self.is_attached:
            self.call_later(self.show)

    def show(self) -> None:
        """Redraw from the client's lobby; the drill screen takes over once the drill has started."""
        if not self.is_attached or self._started:
            return
        lobby = self.port.client.lobby
        if self.port.client.closed:
            self.query_one("#lobby-hint", Static).update(Content(f"Disconnected: {self.port.client.closed}"))
            return
        if lobby.started and self.port.client.state is not None and (self.port.role or self._without_role):
            # A seat without a role stays to pick one (a late joiner, or a drill started as people joined).
            self._started = True
            self.post_message(TeamDrillStarted())
            return
        roles = self.query_one("#lobby-roles", OptionList)
        highlighted = roles.highlighted
        width = max(20, roles.scrollable_content_region.width or self.size.width - 8)
        roles.set_options(role_option(self.port, r, width, bots=self.bots) for r in self.port.playbook.roles)
        if roles.option_count:
            roles.highlighted = min(highlighted or 0, roles.option_count - 1)
        self.query_one("#lobby-you", Static).update(self._you())
        self.query_one("#lobby-people", Static).update(self._people())
        self.query_one("#lobby-hint", Static).update(Content(self._hint()))
        self.refresh_bindings()

    def _you(self) -> Content:
        role = self.port.role
        mode = "loose: anyone may take any action" if self.port.mode == "loose" else "strict: each role its actions"
        if self.facilitating:
            who: tuple[str, str] | str = "the facilitator: you start the drill and hold its clock"
        else:
            who = role_name(self.port, role) if role else ("pick a role below", "$warning")
        return Content.assemble(
            ("You: ", "$text-muted"),
            (self.port.you, "bold"),
            ("  ·  ", "$text-muted"),
            who,
            ("  ·  roles are ", "$text-muted"),
            mode,
        )

    def _people(self) -> Content:
        players = [p for p in self.port.client.lobby.players if not p.bot]
        parts: list[tuple[str, str] | str] = [("Here: ", "$text-muted")]
        if not players:
            parts.append(("nobody yet", "$text-muted"))
        for i, player in enumerate(players):
            if i:
                parts.append(", ")
            parts.append((player.name, "bold" if player.connected else "$text-muted"))
            if player.role == FACILITATOR:
                parts.append((" (facilitator)", "$text-muted"))
            elif player.role is None:
                parts.append((" (no role yet)", "$warning"))
            if not player.connected:
                parts.append((" (left)", "$warning"))
        return Content.assemble(*parts)

    def _hint(self) -> str:
        if self.port.client.lobby.started and not self.facilitating:
            return "The drill has started: take a role to play it (enter or a click), or j to go in without one."
        if self.facilitating:
            then = "a bot plays it" if self.bots else "it stays empty"
            return f"s starts the drill for everyone; l switches loose roles. A role nobody takes: {then}."
        return "Enter or a click takes the highlighted role. The facilitator starts the drill."

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "loose", "stop_hosting"):
            return self.facilitating
        if action == "leave":
            return not self.facilitating
        if action == "without_role":
            return self.port.client.lobby.started and not self.facilitating
        return True

    @on(OptionList.OptionSelected, "#lobby-roles")
    def _pick(self, event: OptionList.OptionSelected) -> None:
        role = event.option.id
        if role is None:
            return
        if self.facilitating:
            self.notify("The facilitator runs the drill and takes no role in it.", severity="warning")
            return
        if self.port.role == role:
            return
        self.port.client.take_role(role)

    def action_start(self) -> None:
        if self.facilitating:
            self.port.lever("start")

    def action_loose(self) -> None:
        if self.facilitating:
            self.port.lever("loose", on=self.port.mode != "loose")

    def action_without_role(self) -> None:
        self._without_role = True
        self.show()

    def action_leave(self) -> None:
        self.app.exit()

    def action_stop_hosting(self) -> None:
        from tui.modals.base import ConfirmModal

        def done(ok: bool | None) -> None:
            if ok:
                self.app.exit()

        body = "Everyone who joined is disconnected, and the drill does not start."
        self.app.push_screen(ConfirmModal("Stop hosting?", body, confirm="Stop"), done)


class TakeRoleModal(Dialog[str]):
    """During the drill: the roles and who holds each, to take one (a seat that went in without a role, or
    one handing its role over). Dismissed with the role id chosen."""

    TITLE_TEXT = "Take a role"

    def __init__(self, port: RemoteDrill) -> None:
        super().__init__()
        self.port = port

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            yield Static("Your role decides which actions the host lets you take.", classes="hint")
            yield OptionList(
                *(role_option(self.port, r, 90) for r in self.port.playbook.roles),
                id="take-role",
            )

    @on(OptionList.OptionSelected, "#take-role")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
