"""The host's own console as a seat: the same `Client` surface a networked seat has, over the `Host` running
in this very process. The facilitator's levers are the host's methods, called directly (the host gives them to
its console alone: `Host(facilitator=NAME)`); what they change reaches every seat as the host broadcasts it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from sim.engine.drill import ActionRefused
from sim.engine.state import DrillState
from sim.format.playbook import Playbook
from sim.format.roles import FACILITATOR
from sim.format.scenario import Scenario
from sim.journal.drill_record import Header
from sim.journal.events import AnyEvent

if TYPE_CHECKING:
    from sim.team.host import Host
    from sim.team.protocol import Clock, Lobby


class ConsoleWelcome(NamedTuple):
    scenario: Scenario
    playbook: Playbook
    header: Header
    you: str
    mode: str


class ConsoleNotice(NamedTuple):
    level: str
    text: str
    ref: int | None = None


class ConsoleClient:
    """The facilitator at the host's terminal."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.name = host.facilitator or "facilitator"
        self.notices: list[ConsoleNotice] = []
        self.closed: str | None = None
        self._ids = 0
        self._listeners: list[Callable[[], None]] = []

    @property
    def welcome(self) -> ConsoleWelcome:
        drill = self.host.drill
        return ConsoleWelcome(drill.scenario, drill.playbook, drill.header, self.name, self.host.mode)

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
        return self.host.clock_msg

    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def _refused(self, text: str) -> int:
        self.notices.append(ConsoleNotice("refused", text))
        for callback in self._listeners:  # news for this console's screen alone
            callback()
        return self._id()

    def take_role(self, role: str) -> int:
        return self._refused("the facilitator runs the drill and takes no role in it")

    def act(self, action_id: str, params: dict[str, object]) -> int:
        return self._refused("the facilitator runs the drill and takes no actions; players do")

    def cancel(self, action_id: str) -> int:
        return self.act(action_id, {})

    def say(self, text: str) -> int:
        """The facilitator writes in the incident channel, as themselves."""
        try:
            self.host.drill.say(text, actor=self.name, role=FACILITATOR)
        except (ActionRefused, ValueError) as exc:
            return self._refused(str(exc))
        self.host.advance()  # broadcasts it
        return self._id()

    def lever(self, name: str, **data: object) -> int:
        host = self.host
        levers: dict[str, Callable[[], object]] = {
            "start": host.start,
            "pause": host.pause,
            "resume": host.resume,
            "speed": lambda: host.set_speed(float(data["speed"])),  # type: ignore[arg-type]
            "step": lambda: host.step(float(data.get("dt", 60.0))),  # type: ignore[arg-type]
            "end": lambda: host.end(by=FACILITATOR),
            "loose": lambda: host.set_loose(bool(data.get("on", True))),
        }
        facilitate: dict[str, str] = {"inject_now": "inject_now", "hint": "hint", "note": "note", "jump": "jump"}
        try:
            if name in levers:
                levers[name]()
            elif name == "say_as":
                host.facilitate("say", **_given(data))
            elif name in facilitate:
                host.facilitate(facilitate[name], **_given(data))
            else:
                return self._refused(f"no lever called {name!r}")
        except (ActionRefused, ValueError, TypeError, KeyError) as exc:
            return self._refused(f"{name}: {exc}")
        return self._id()

    def add_listener(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)
        self.host.add_listener(callback)

    async def close(self) -> None:
        self.host.stop()


def _given(data: dict[str, object]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}
