"""The app of a team seat: name → connect → lobby → the team drill screen → debrief.

`warroom join` connects to a host elsewhere; `warroom host` runs the host inside this app's own event loop and
joins it as the facilitator, so its console is a seat like the others and every lever goes through the host.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.screen import Screen

from tui.app import WarroomApp
from tui.messages import TeamDrillStarted
from tui.session import Session
from tui.team.lobby import LobbyScreen
from tui.team.port import Client, RemoteDrill

if TYPE_CHECKING:
    from sim.engine.drill import Drill

Connect = Callable[[str, str | None], Awaitable[Client]]
"""Connect as (name, role): the seat's client, once the host welcomed it."""
Rejoin = Callable[[Client], Awaitable[Client]]
"""A new connection to the seat a lost client held, catching up from the last event it saw."""

REJOIN_FOR = 180.0  # seconds of retrying a lost host: long enough for `warroom host --resume` after a crash


class TeamApp(WarroomApp):
    """One seat of a team drill. `connect` joins the host; `engine` is the host's own drill when this app is
    the host's console (the facilitator's panel reads it, and the debrief grades and keeps answers on it)."""

    CSS_PATH = str(Path(__file__).parent.parent / "warroom.tcss")  # a relative path is read beside the subclass

    def __init__(
        self,
        connect: Connect,
        *,
        name: str | None = None,
        role: str | None = None,
        join_line: str = "",
        engine: Drill | None = None,
        before: Callable[[], Awaitable[None]] | None = None,
        rejoin: Rejoin | None = None,
        bots: bool = False,
    ) -> None:
        super().__init__(autostart=False)  # a team name is not remembered as the solo trainee's
        self.connect = connect
        self.name_given = name
        self.role = role
        self.join_line = join_line
        self.engine = engine
        self.before = before  # the host's console starts its host here, inside the app's loop
        self.rejoin = rejoin
        self.bots = bots  # the host plays the roles nobody takes (the lobby says so)
        self.port: RemoteDrill | None = None

    def open_first(self) -> None:
        if self.name_given:
            self.join(self.name_given)
        else:
            self.ask_name()

    def ask_name(self, problem: str = "") -> None:
        from tui.team.lobby import SeatNameModal

        def named(name: str | None) -> None:
            if name:
                self.join(name)
            else:
                self.exit(return_code=1, message="warroom: a team drill needs your name")

        self.push_screen(SeatNameModal(self.settings.trainee, problem=problem), named)

    @work(exclusive=True, group="join")
    async def join(self, name: str) -> None:
        if self.before is not None:
            await self.before()
        try:
            client = await self.connect(name, self.role)
        except Exception as exc:  # the client's own errors say what went wrong (a wrong code, a taken name)
            if getattr(exc, "code", None) == "name_taken":
                self.ask_name(f"{exc}: choose another.")  # the one thing the player can put right here
            else:
                self.exit(return_code=1, message=f"warroom: cannot join: {exc}")
            return
        self.port = RemoteDrill(client)
        # The console's lobby lists the team's open improvement items, as a solo drill's briefing does.
        team = self.engine.team if self.engine is not None else ""
        self.push_screen(LobbyScreen(self.port, join_line=self.join_line, bots=self.bots, team=team))

    def lost(self, why: str) -> bool:
        """The connection ended before the drill did: rejoin if this seat knows how. False if it does not."""
        if self.rejoin is None or self.port is None:
            return False
        self._rejoin(why)
        return True

    @work(exclusive=True, group="rejoin")
    async def _rejoin(self, why: str) -> None:
        port = self.port
        assert port is not None and self.rejoin is not None
        self.notify(f"{why}. Reconnecting…", title="Lost the host", severity="warning", markup=False)
        loop = asyncio.get_running_loop()
        deadline, delay = loop.time() + REJOIN_FOR, 0.5
        problem = ""
        while loop.time() < deadline:
            try:
                client = await self.rejoin(port.client)
            except OSError as exc:  # nobody answers yet: a host restarting
                problem = str(exc)
            except Exception as exc:  # refused (a wrong code, a new drill): trying again will not help
                problem = str(exc)
                break
            else:
                port.swap(client)
                self.notify("Back in the drill: caught up on what you missed.", title="Reconnected")
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
        self.notify(
            f"Could not rejoin the drill: {problem}", title="Disconnected", severity="error", markup=False, timeout=60
        )

    @on(TeamDrillStarted)
    def _team_started(self) -> None:
        from tui.team.screens import TeamDrillScreen, TeamFacilitatorScreen

        port = self.port
        assert port is not None
        session = Session.of(port, trainee=port.you)
        if self.engine is not None:
            session.journal = self.engine.journal_path
        self.session = session
        screen: TeamDrillScreen
        if port.is_facilitator and self.engine is not None:
            screen = TeamFacilitatorScreen(session, port, engine=self.engine)
        else:
            screen = TeamDrillScreen(session, port)
        self.switch_screen(screen)

    def debrief_screen(self, session: Session) -> Screen[None]:
        from tui.screens.debrief import DebriefScreen

        if self.engine is not None:
            # The host's console debriefs the drill itself: lessons learned go in the host's journal, and the
            # drill in the history.
            session = dataclasses.replace(session, drill=self.engine, solo=False)
        else:
            session = dataclasses.replace(session, history=False, solo=False)  # the host stores it, once
        self.session = session
        return DebriefScreen(session)

    def _close(self, session: Session) -> None:
        if self.engine is None or session.drill is not self.engine:
            session.drill.close()
        # the host's own drill is closed by the host, which owns it


def run_team_app(app: TeamApp, **kwargs: Any) -> None:
    from tui.app import run_app

    run_app(app, **kwargs)
