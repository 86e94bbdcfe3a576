"""The client side of the team protocol: `TeamClient` joins a host, keeps what it sent (events, the lobby,
the clock, the latest state, notices) and sends intents. The TUI seats wrap it; `play_script` plays an
action script through it, headless."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import ssl as ssl_module
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

from sim.engine.state import DrillState
from sim.format.loading import LoadError, Result, check_source, read_source
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Step
from sim.journal.drill_record import DrillRecord, Header
from sim.journal.events import ActionRefusal, ActionStarted, AnyEvent, DrillEnded
from sim.journal.jsonl import model_hash
from sim.team.protocol import (
    PROTOCOL,
    Act,
    Bye,
    Cancel,
    ClientMessage,
    Clock,
    ErrorMsg,
    EventMsg,
    Hello,
    HostMessage,
    Lever,
    Lobby,
    Notice,
    ProtocolError,
    Say,
    StateMsg,
    TakeRole,
    UnknownType,
    WelcomeMsg,
    decode_host,
    encode,
)
from sim.team.streams import open_stream, read_message_line

__all__ = ["Clock", "Lobby", "Notice", "TeamClient", "TeamError", "Welcome", "play_script"]

MAX_NOTICES = 500  # the oldest are dropped past this


class TeamError(Exception):
    """Joining failed, or the host ended the connection: `code` is the protocol's error code."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(text)
        self.code, self.text = code, text


class Welcome(NamedTuple):
    scenario: Scenario
    playbook: Playbook
    header: Header
    you: str
    mode: str  # strict or loose
    seat: str  # the token that takes this seat back on a reconnect


class TeamClient:
    """One seat's connection. Build it with `await TeamClient.connect(...)`; intents return at once."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, welcome: Welcome) -> None:
        self._reader, self._writer = reader, writer
        self.welcome = welcome
        self.lobby = Lobby()
        self.events: list[AnyEvent] = []
        self.state: DrillState | None = None
        self.clock = Clock()
        self._clock_at = time.monotonic()
        self.notices: list[Notice] = []
        self.closed: str | None = None
        self.error: TeamError | None = None
        self._listeners: list[Callable[[], None]] = []
        self._next_id = 0
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._changed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._ended = False

    # -- joining ---------------------------------------------------------------------------------------

    @classmethod
    async def connect(
        cls,
        address: str,
        code: str,
        name: str,
        *,
        role: str | None = None,
        last_seen: int = 0,
        ssl: ssl_module.SSLContext | None = None,
        seat: str | None = None,
        events: Sequence[AnyEvent] = (),
    ) -> TeamClient:
        """Join the host at `address`. `seat` is the token of a seat this name held before (a reconnect), and
        `events` what it had received (`last_seen` is then their number). Raises TeamError when the host
        refuses, OSError when nobody answers."""
        reader, writer = await open_stream(address, ssl=ssl)
        try:
            last_seen = max(last_seen, len(events))
            writer.write(encode(Hello(PROTOCOL, code, name, role, last_seen, seat)))
            await writer.drain()
            first = await _first(reader)
            welcome = _load(first)
            lobby = await _lobby(reader)
        except BaseException:
            writer.close()
            raise
        client = cls(reader, writer, welcome)
        client.lobby = lobby
        client.events = list(events[: first.from_])
        client._ended = any(isinstance(e, DrillEnded) for e in client.events)
        client._tasks = [asyncio.create_task(client._read()), asyncio.create_task(client._write())]
        return client

    async def reconnect(self, address: str, code: str, *, ssl: ssl_module.SSLContext | None = None) -> TeamClient:
        """A new connection to the same seat, catching up from the last event this one saw."""
        await self.close()
        return await TeamClient.connect(address, code, self.welcome.you, ssl=ssl, seat=self.welcome.seat,
                                        events=self.events)  # fmt: skip

    # -- intents ---------------------------------------------------------------------------------------

    def _intent(self, make: Callable[[int], ClientMessage]) -> int:
        self._next_id += 1
        if self.closed is None:
            self._outbox.put_nowait(encode(make(self._next_id)))
        return self._next_id

    def take_role(self, role: str | None) -> int:
        return self._intent(lambda i: TakeRole(i, role))

    def act(self, action_id: str, params: dict[str, Any] | None = None, *, at: float | None = None) -> int:
        """Take an action now, or, with `at`, when the shared clock reaches that sim time."""
        return self._intent(lambda i: Act(i, action_id, dict(params or {}), at))

    def cancel(self, action_id: str) -> int:
        return self._intent(lambda i: Cancel(i, action_id))

    def say(self, text: str, *, update: bool = False) -> int:
        """Write in the incident channel; with `update`, post it as the internal update as well."""
        return self._intent(lambda i: Say(i, text, update))

    def lever(self, name: str, **data: Any) -> int:
        """A facilitator lever: start, pause, resume, speed, step, end, inject_now, hint, note, say_as, jump,
        loose (docs/protocol.md)."""
        return self._intent(lambda i: Lever(i, name, data))

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Called after each message from the host is applied (and once when the connection ends)."""
        self._listeners.append(callback)

    # -- what it holds ---------------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The shared sim time, moved on from the last clock message at its speed."""
        c = self.clock
        if c.paused:
            return c.now
        return c.now + c.speed * (time.monotonic() - self._clock_at)

    @property
    def finished(self) -> bool:
        return any(isinstance(e, DrillEnded) for e in self.events[-3:]) or (
            self.state is not None and self.state.finished
        )

    @property
    def record(self) -> DrillRecord:
        """What the scorer reads: the header and every event received."""
        return DrillRecord(self.welcome.header, tuple(self.events))

    async def wait_for(self, done: Callable[[TeamClient], bool], timeout: float | None = None) -> bool:
        """Wait until `done(self)` holds (checked after each message), the connection ends or `timeout` seconds
        pass; returns whether it holds."""

        async def loop() -> bool:
            while not done(self):
                if self.closed is not None:
                    return False
                self._changed.clear()
                await self._changed.wait()
            return True

        try:
            return await asyncio.wait_for(loop(), timeout)
        except TimeoutError:
            return False

    async def close(self) -> None:
        if self.closed is None:
            with contextlib.suppress(Exception):
                self._writer.write(encode(Bye("leaving")))
            self._end("you left")
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):
            self._writer.close()
            await asyncio.wait_for(self._writer.wait_closed(), 1.0)

    # -- the streams -----------------------------------------------------------------------------------

    async def _write(self) -> None:
        try:
            while (data := await self._outbox.get()) is not None:
                self._writer.write(data)
                await self._writer.drain()
        except (ConnectionError, OSError):
            self._end("the connection to the host was lost")

    async def _read(self) -> None:
        try:
            while self.closed is None:
                line = await read_message_line(self._reader)
                if line is None:
                    self._end("the host closed the connection")
                    break
                try:
                    msg = decode_host(line)
                except UnknownType:
                    continue  # a later host's addition
                self._apply(msg)
        except ProtocolError as exc:
            self._end(f"the host sent something this client cannot read: {exc}")
        except (ConnectionError, OSError):
            self._end("the connection to the host was lost")

    def _apply(self, msg: HostMessage) -> None:
        match msg:
            case EventMsg():
                if msg.seq < len(self.events):
                    pass  # had it already
                elif msg.seq == len(self.events):
                    self.events.append(msg.event)
                    self._ended = self._ended or isinstance(msg.event, DrillEnded)
                else:
                    raise ProtocolError(f"event {msg.seq} came after event {len(self.events) - 1}")
            case StateMsg():
                self.state = msg.state
            case Clock():
                self.clock, self._clock_at = msg, time.monotonic()
            case Lobby():
                self.lobby = msg
            case Notice():
                self.notices = [*self.notices[-MAX_NOTICES + 1 :], msg]
            case ErrorMsg():
                self.error = TeamError(msg.code, msg.text)
                self._end(msg.text)
            case Bye():
                self._end(msg.reason or "the host said goodbye")
            case WelcomeMsg():
                pass
        self._notify()

    def _end(self, why: str) -> None:
        if self.closed is None:
            self.closed = why
            self._outbox.put_nowait(None)
            self._notify()

    def _notify(self) -> None:
        self._changed.set()
        for callback in self._listeners:
            callback()


async def _first(reader: asyncio.StreamReader) -> WelcomeMsg:
    line = await asyncio.wait_for(read_message_line(reader), 30.0)
    if line is None:
        raise TeamError("closed", "the host closed the connection before welcoming this seat")
    msg = decode_host(line)
    if isinstance(msg, ErrorMsg):
        raise TeamError(msg.code, msg.text)
    if not isinstance(msg, WelcomeMsg):
        raise TeamError("bad_message", f"the host answered with {type(msg).__name__}, not a welcome")
    if msg.protocol != PROTOCOL:
        raise TeamError("version", f"the host speaks protocol {msg.protocol}; this client speaks {PROTOCOL}")
    return msg


async def _lobby(reader: asyncio.StreamReader) -> Lobby:
    """The lobby the host sends right after its welcome: a seat knows who is here before it returns."""
    line = await asyncio.wait_for(read_message_line(reader), 30.0)
    msg = decode_host(line) if line is not None else None
    if not isinstance(msg, Lobby):
        raise TeamError("bad_message", "the host did not send the lobby after its welcome")
    return msg


def _load(msg: WelcomeMsg) -> Welcome:
    """Load the scenario and playbook the welcome carries, as files are loaded, and check them against the
    journal header's hashes (of the file's bytes, or of the model for one built in memory)."""
    h = msg.header
    try:
        playbook = _loaded(Path(f"<host>/{h.playbook}.yaml"), msg.playbook_yaml, "playbook", {})
        scenario = _loaded(Path(f"<host>/{h.scenario}.yaml"), msg.scenario_yaml, "scenario", {h.playbook: playbook})
    except LoadError as exc:
        raise TeamError("bad_files", f"the host's scenario or playbook does not load here: {exc}") from None
    assert isinstance(playbook, Playbook) and isinstance(scenario, Scenario)
    for what, text, model, want in (
        ("scenario", msg.scenario_yaml, scenario, h.scenario_hash),
        ("playbook", msg.playbook_yaml, playbook, h.playbook_hash),
    ):
        if want not in (hashlib.sha256(text.encode()).hexdigest(), model_hash(model)):
            raise TeamError("hash", f"the {what} the host sent is not the one its journal names (content hash differs)")
    return Welcome(scenario, playbook, h, msg.you, msg.mode, msg.seat)


def _loaded(path: Path, text: str, kind: Literal["playbook", "scenario"], playbooks: dict[str, Any]) -> Any:
    src = read_source(path, text)
    result = src if isinstance(src, Result) else check_source(src, kind, playbooks=playbooks)
    model = result.unwrap()
    if (kind == "playbook" and not isinstance(model, Playbook)) or (
        kind == "scenario" and not isinstance(model, Scenario)
    ):
        raise TeamError("bad_files", f"the host sent something other than a {kind}")
    return model


async def play_script(
    client: TeamClient, steps: Sequence[Step], *, lookahead: float | None = None, until_end: bool = True
) -> None:
    """Play an action script as this seat: each step is sent with its `at` once the shared clock is within
    `lookahead` sim seconds of it (default: a second of wall time at the clock's speed), and the host takes
    it when the clock reaches `at` exactly; a step this seat already took (before a reconnect) is skipped.
    A step's `actor` is this seat; its `role` is the role handed
    out for `assign_role`, and ignored otherwise (the seat acts in its own role)."""
    # What this seat already did (a reconnect, a resumed host): each step taken left an input at its time.
    taken = Counter(
        (e.t, e.action)
        for e in client.events
        if isinstance(e, ActionStarted | ActionRefusal) and e.actor == client.welcome.you
    )
    for step in steps:
        at = float(step.at)
        if taken[(at, step.do)] > 0:
            taken[(at, step.do)] -= 1
            continue

        def near(c: TeamClient, at: float = at) -> bool:
            ahead = lookahead if lookahead is not None else c.clock.speed * 1.0 + 1.0
            return c.finished or (c.lobby.started and c.now >= at - ahead)  # nothing is taken before the start

        if not await client.wait_for(near) or client.finished:
            return
        params = dict(step.params)
        params.pop("as_role", None)
        if step.do == "assign_role" and step.role is not None and "role" not in params:
            params["role"] = step.role
        client.act(step.do, params, at=at)
    if until_end:
        await client.wait_for(lambda c: c.finished)
