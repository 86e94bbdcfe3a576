"""An in-memory stand-in for a team host and its clients, for snapshots that must not depend on a socket or a
wall clock: the same shapes `sim.team.client.TeamClient` offers, over one local `Drill` the test moves by hand.
The real host and client are exercised by tests/tui/test_team_seats.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sim.engine.drill import ActionRefused, Drill
from sim.engine.state import DrillState
from sim.format.playbook import Playbook
from sim.format.roles import FACILITATOR, refusal
from sim.format.scenario import Scenario
from sim.journal.drill_record import Header
from sim.journal.events import AnyEvent


class Player(NamedTuple):
    name: str
    role: str | None
    connected: bool = True
    bot: bool = False


class Lobby(NamedTuple):
    players: tuple[Player, ...]
    started: bool
    facilitator: str | None
    mode: str


class Welcome(NamedTuple):
    scenario: Scenario
    playbook: Playbook
    header: Header
    you: str
    mode: str


class Clock(NamedTuple):
    now: float
    speed: float
    paused: bool


class Notice(NamedTuple):
    level: str
    text: str
    ref: int | None


class FakeHost:
    """One drill, its lobby and clock; `advance` is the test's hand on the clock."""

    def __init__(self, drill: Drill, *, bots: tuple[Player, ...] = (), console: str | None = None) -> None:
        self.drill = drill
        self.console = console  # the host's own terminal: the facilitator, and not a seat (as Host(facilitator=…))
        self.players: list[Player] = list(bots)
        self.started = False
        self.mode = "strict"
        self.paused = True
        self.speed = 1.0
        self.clients: list[FakeClient] = []
        self.levers: list[tuple[str, str, dict[str, object]]] = []  # (who, lever, data), for tests to read

    def join(self, name: str, role: str | None = None) -> FakeClient:
        client = FakeClient(self, name)
        self.clients.append(client)
        if name != self.console:
            self.players.append(Player(name, role))
        self._changed()
        return client

    @property
    def lobby(self) -> Lobby:
        facilitator = self.console or next((p.name for p in self.players if p.role == FACILITATOR), None)
        return Lobby(tuple(self.players), self.started, facilitator, self.mode)

    def role_of(self, name: str) -> str | None:
        return next((p.role for p in self.players if p.name == name), None)

    def take_role(self, name: str, role: str | None) -> None:
        self.players = [p._replace(role=role) if p.name == name else p for p in self.players]
        self._changed()

    def act(self, client: FakeClient, action_id: str, params: dict[str, Any]) -> None:
        role = self.role_of(client.name)
        scenario_action = any(a.id == action_id for a in self.drill.scenario.actions)
        holders = {p.role: p.name for p in self.players if p.role}
        reason = None
        if self.mode == "strict":
            reason = refusal(
                self.drill.playbook,
                role,
                action_id,
                scenario_action=scenario_action,
                label=action_id,
                holders=holders,
            )
        try:
            if reason is not None:
                self.drill.refuse(action_id, params, reason, actor=client.name, role=role)
            self.drill.act_with(action_id, params, actor=client.name, role=role)
        except ActionRefused as exc:
            client.notices.append(Notice("refused", str(exc), None))
        self._changed()

    def lever(self, client: FakeClient, name: str, data: dict[str, object]) -> None:
        self.levers.append((client.name, name, data))
        if name == "start":
            self.started = True
        elif name == "pause":
            self.paused = True
        elif name == "resume":
            self.paused = False
        elif name == "speed":
            self.speed = float(data["speed"])  # type: ignore[arg-type]
        elif name == "step":
            self.drill.advance(float(data["dt"]))  # type: ignore[arg-type]
        elif name == "loose":
            self.mode = "loose" if data.get("on") else "strict"
        elif name == "end":
            self.drill.end(by="facilitator")
        self._changed()

    def advance(self, dt: float) -> None:
        self.drill.advance(dt)
        self._changed()

    def _changed(self) -> None:
        for client in self.clients:
            for listener in client.listeners:
                listener()


class FakeClient:
    """One seat's connection: reads the host's drill directly, sends intents as calls."""

    def __init__(self, host: FakeHost, name: str) -> None:
        self.host = host
        self.name = name
        self.notices: list[Notice] = []
        self.listeners: list[Callable[[], None]] = []
        self.closed: str | None = None
        self.said: list[str] = []
        self._ids = 0

    @property
    def welcome(self) -> Welcome:
        d = self.host.drill
        return Welcome(d.scenario, d.playbook, d.header, self.name, self.host.mode)

    @property
    def lobby(self) -> Lobby:
        return self.host.lobby

    @property
    def events(self) -> list[AnyEvent]:
        return self.host.drill.events

    @property
    def state(self) -> DrillState | None:
        return self.host.drill.state if self.host.started else None

    @property
    def clock(self) -> Clock:
        return Clock(self.host.drill.env.now, self.host.speed, self.host.paused)

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def take_role(self, role: str) -> int:
        self.host.take_role(self.name, role)
        return self._id()

    def act(self, action_id: str, params: dict[str, object]) -> int:
        self.host.act(self, action_id, dict(params))
        return self._id()

    def cancel(self, action_id: str) -> int:
        self.host.drill.cancel(action_id, actor=self.name, role=self.host.role_of(self.name))
        self.host._changed()
        return self._id()

    def say(self, text: str) -> int:
        self.said.append(text)
        self.host.drill.say(text, actor=self.name, role=self.host.role_of(self.name))
        self.host._changed()
        return self._id()

    def lever(self, name: str, **data: object) -> int:
        self.host.lever(self, name, data)
        return self._id()

    def add_listener(self, callback: Callable[[], None]) -> None:
        self.listeners.append(callback)

    async def close(self) -> None:
        self.closed = "closed"
