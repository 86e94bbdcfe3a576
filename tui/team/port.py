"""A team seat's drill: the `DrillPort` the drill screens use, over a connection to the host that owns the drill.

The host runs the only `Drill` and its clock; this seat renders what arrives (events, state snapshots, the
clock) and sends intents. Nothing here blocks: intents are queued by the client and answered by events, and a
refusal comes back as a notice the screen toasts.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sim.engine.actions import scenario_spec
from sim.engine.cast import Cast
from sim.engine.drill import ActionRefused
from sim.engine.state import DrillState
from sim.format.catalogue import STANDARD, ActionSpec
from sim.format.playbook import Playbook
from sim.format.roles import FACILITATOR, refusal
from sim.format.scenario import Scenario
from sim.format.text import printable
from sim.journal.drill_record import DrillRecord, Header
from sim.journal.events import AnyEvent, DebriefAnswer, DrillEnded

INCIDENT_COMMANDER = "incident-commander"  # the role that holds the clock when no facilitator is present


class Player(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def connected(self) -> bool: ...
    @property
    def bot(self) -> bool: ...


class Lobby(Protocol):
    @property
    def players(self) -> Sequence[Player]: ...
    @property
    def started(self) -> bool: ...
    @property
    def facilitator(self) -> str | None: ...
    @property
    def mode(self) -> str: ...


class Welcome(Protocol):
    @property
    def scenario(self) -> Scenario: ...
    @property
    def playbook(self) -> Playbook: ...
    @property
    def header(self) -> Header: ...
    @property
    def you(self) -> str: ...
    @property
    def mode(self) -> str: ...


class Clock(Protocol):
    @property
    def now(self) -> float: ...
    @property
    def speed(self) -> float: ...
    @property
    def paused(self) -> bool: ...


class Client(Protocol):
    """What a seat needs of `sim.team.client.TeamClient` (and of the host console's own connection)."""

    @property
    def welcome(self) -> Welcome: ...
    @property
    def lobby(self) -> Lobby: ...
    @property
    def events(self) -> Sequence[AnyEvent]: ...
    @property
    def state(self) -> DrillState | None: ...
    @property
    def clock(self) -> Clock: ...
    @property
    def notices(self) -> Sequence[Any]: ...
    @property
    def closed(self) -> str | None: ...

    def take_role(self, role: str) -> int: ...
    def act(self, action_id: str, params: dict[str, object]) -> int: ...
    def cancel(self, action_id: str) -> int: ...
    def say(self, text: str) -> int: ...
    def lever(self, name: str, **data: object) -> int: ...
    def add_listener(self, callback: Callable[[], None]) -> None: ...
    async def close(self) -> None: ...


def notice_text(notice: object) -> tuple[str, str]:
    """A notice as (title, text) for a toast: a refusal's reason, or a word from the host."""
    text = str(getattr(notice, "text", None) or notice)
    level = str(getattr(notice, "level", "") or "")
    return ("Not now" if level == "refused" else "From the host"), text


class RemoteDrill:
    """The drill as one seat of a team drill sees it. `advance(dt)` moves nothing: it hands over what arrived."""

    remote = True  # the screens ask this: the clock is the host's, dialogs never hold it

    def __init__(self, client: Client) -> None:
        self.client = client
        welcome = client.welcome
        self.scenario: Scenario = welcome.scenario
        self.playbook: Playbook = welcome.playbook
        self.header: Header = welcome.header
        self.seed = self.header.seed
        self.trainee = welcome.you  # this seat's person: the debrief and history are theirs
        self.team = self.header.team
        # The cast is drawn first from the drill's own random stream, so the same seed and trainee give the
        # host's very names: the role and page dialogs and the feed need them, and they never cross the wire.
        self.cast = Cast(self.scenario, self.playbook, random.Random(self.seed), self.header.trainee)
        self._pulled = 0  # events handed to the screen by `advance`
        self._noticed = 0  # notices handed to the screen
        self._last_notice: tuple[object, str] | None = None
        self._state: DrillState | None = client.state
        specs = {spec.id: spec for spec in STANDARD}
        specs.update((a.id, scenario_spec(a)) for a in self.scenario.actions)
        self._specs = specs
        self._series: tuple[int, dict[str, list[tuple[float, float]]]] | None = None
        self._listeners: list[Callable[[], None]] = []
        self._answers: list[DebriefAnswer] = []
        client.add_listener(self._arrived)

    # -- the connection ----------------------------------------------------------------------------------

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Called after each message from the host, on whichever connection this seat has then."""
        self._listeners.append(callback)

    def _arrived(self) -> None:
        for callback in list(self._listeners):
            callback()

    def news(self) -> tuple[object, ...]:
        """What a repaint depends on besides the clock: it changes with each event, snapshot, notice, lobby or
        hang-up, and not with the clock messages that come ten times a second (the ticker shows those)."""
        c = self.client
        return (len(c.events), id(c.state), len(c.notices), id(c.lobby), c.closed, id(c))

    def swap(self, client: Client) -> None:
        """Carry on over a new connection to the same seat (a reconnect): it holds every event the old one
        had, and the host sends only what was missed."""
        self.client = client
        client.add_listener(self._arrived)
        self._arrived()

    # -- who this seat is ------------------------------------------------------------------------

    @property
    def you(self) -> str:
        return self.client.welcome.you

    @property
    def role(self) -> str | None:
        """The role this seat holds now: None before one is taken; `facilitator` for the host's console."""
        if self.client.lobby.facilitator == self.you:
            return FACILITATOR
        return next((p.role for p in self.client.lobby.players if p.name == self.you), None)

    @property
    def mode(self) -> str:
        """`strict` (roles hold) or `loose` (anyone may do anything); the facilitator may switch it."""
        return str(getattr(self.client.lobby, "mode", None) or self.client.welcome.mode)

    @property
    def is_facilitator(self) -> bool:
        return self.client.lobby.facilitator == self.you

    @property
    def clock_holder(self) -> str:
        """Who pauses and sets the speed, as the host decides it (sim.team.intents.may_pull): the facilitator;
        without one, the incident commander; when no person holds either, anyone. "" for anyone."""
        lobby = self.client.lobby
        if lobby.facilitator:
            return lobby.facilitator
        people = [p for p in lobby.players if p.connected and not p.bot]
        for role in (FACILITATOR, INCIDENT_COMMANDER):
            holder = next((p.name for p in people if p.role == role), None)
            if holder:
                return holder
        return ""

    @property
    def may_steer(self) -> bool:
        """Whether this seat may pause, resume, change the speed, step and end the drill."""
        holder = self.clock_holder
        return holder == self.you or not holder

    # -- DrillPort ------------------------------------------------------------------------------------

    def advance(self, dt: float) -> list[AnyEvent]:
        """What arrived since the last call; `dt` is ignored (the host owns the clock)."""
        events = list(self.client.events[self._pulled :])
        self._pulled += len(events)
        if self.client.state is not None:
            self._state = self.client.state
        return events

    def act(self, action_id: str, *, actor: str | None = None, role: str | None = None, **params: Any) -> int:
        """Send the action; the host acts as this seat's person in their role, or refuses with a notice. Who
        acts, and in which role, is the host's to say: `role` here can only be a parameter (`assign_role`'s
        role to hand out, as the screens pass it), and `actor` is ignored."""
        if role is not None:
            params["role"] = role
        return self.client.act(action_id, dict(params))

    def cancel(self, action_id: str) -> int:
        return self.client.cancel(action_id)

    def say(self, text: str) -> int:
        return self.client.say(text)

    def lever(self, name: str, **data: object) -> int:
        return self.client.lever(name, **data)

    def end(self) -> int:
        return self.client.lever("end")

    def available_actions(self) -> list[ActionSpec]:
        """Every action the last state does not refuse (the host may still refuse one for this seat's role)."""
        state = self.state
        if state.finished:
            return []
        return [spec for spec in self._specs.values() if spec.id not in state.refusals]

    def series(self, metric_id: str) -> list[tuple[float, float]]:
        """The debrief charts: samples never cross the wire, so the record is replayed (deterministic) once."""
        from scoring.series import replay_series

        count = len(self.client.events)
        if self._series is None or self._series[0] != count:
            replayed = replay_series(self.record, self.scenario, self.playbook)
            self._series = (count, replayed.series)
        return self._series[1].get(metric_id, [])

    def close(self) -> None:
        """Hang up; the drill goes on at the host for everyone else."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self.client.close())
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    @property
    def record(self) -> DrillRecord:
        """What the debrief grades: the host's events, then this seat's own lessons-learned answers."""
        return DrillRecord(self.header, (*self.client.events, *self._answers))

    def answer(self, question: int, text: str) -> None:
        """A lessons-learned answer, as `Drill.answer` takes one: kept with this seat's record (its history
        row and reports), since the host's journal is the host's."""
        questions = self.scenario.debrief_questions
        if not self.ended:
            raise ActionRefused("lessons learned are asked after the drill")
        if not 0 <= question < len(questions):
            raise ValueError(f"the scenario has no debrief question {question} (it has {len(questions)})")
        t = self.client.events[-1].t if self.client.events else 0.0
        self._answers.append(DebriefAnswer(t=t, question=question, prompt=questions[question], text=printable(text)))

    @property
    def state(self) -> DrillState:
        """The last snapshot, at the shared clock's time: snapshots come a few times a second, the clock moves
        on between them (and the timers' time left with it)."""
        state = self.client.state or self._state
        if state is None:
            raise RuntimeError("no state from the host yet: open the drill screen once the drill started")
        self._state = state
        now = self.now
        return state if state.finished or now <= state.now else state._replace(now=min(now, state.duration))

    @property
    def now(self) -> float:
        """The shared sim time: the client's estimate between clock messages, where it makes one."""
        return float(getattr(self.client, "now", None) or self.client.clock.now)

    @property
    def events(self) -> Sequence[AnyEvent]:
        return self.client.events

    # -- what else a seat shows ------------------------------------------------------------------------

    def new_notices(self) -> list[object]:
        """Notices (refusals, host messages) not shown yet, oldest first; one intent's refusal once, even when
        the host says it twice."""
        notices = self.client.notices
        if len(notices) < self._noticed:  # the client dropped its oldest: count from its end
            self._noticed = max(0, len(notices) - 1)
        fresh = []
        for notice in notices[self._noticed :]:
            key = (getattr(notice, "ref", None), getattr(notice, "text", ""))
            if key[0] is None or key != self._last_notice:
                fresh.append(notice)
            self._last_notice = key
        self._noticed = len(notices)
        return fresh

    def role_refusal(self, action_id: str) -> str | None:
        """Why this seat's role may not take the action, in the host's words (None: it may, or the drill is
        loose). Asked before a dialog opens, so nobody fills in a form the host would refuse."""
        if self.mode == "loose":
            return None
        spec = self._specs.get(action_id)
        if spec is None:
            return None
        holders = {p.role: p.name for p in self.client.lobby.players if p.role}
        return refusal(
            self.playbook, self.role, action_id, scenario_action=spec.scenario, label=spec.label, holders=holders
        )

    @property
    def ended(self) -> bool:
        """Whether the drill-ended event has arrived (the end of the journal: nothing but answers follow it)."""
        return any(isinstance(e, DrillEnded) for e in self.client.events[-3:])

    @property
    def paused(self) -> bool:
        return self.client.clock.paused

    @property
    def speed(self) -> float:
        return self.client.clock.speed


_closing: set[asyncio.Task[None]] = set()  # hang-ups under way: a task nobody holds may be collected mid-way
