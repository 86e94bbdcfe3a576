"""The team host: the only `Drill` of a team drill, its journal and its clock, and the seats connected to it
over the team protocol (docs/protocol.md). Seats send intents; the host checks each (the code, the sender's
role, the catalogue, the rate) and broadcasts what the drill did. Nothing a seat sends is executed beyond
the catalogued actions, the channel and the levers its seat holds; no seat can slow the drill."""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl as ssl_module
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.format.roles import FACILITATOR
from sim.journal.events import ChannelMessage
from sim.journal.jsonl import model_hash
from sim.team import intents, serving
from sim.team.bots import TeamBot
from sim.team.clock import SimClock
from sim.team.protocol import (
    MAX_LINE,
    Act,
    Bye,
    ClientMessage,
    Clock,
    ErrorMsg,
    EventMsg,
    HostMessage,
    Lobby,
    Notice,
    Player,
    StateMsg,
    encode,
)
from sim.team.seats import PeerLimiter, Seat, new_code, new_token, save_seats
from sim.team.serving import Conn
from sim.team.streams import parse_address

QUEUE = 1024  # messages waiting for one client; past this it is too slow and is disconnected
MAX_HELD = 64  # actions one seat may have waiting for their `at`
TICK = 0.05  # wall seconds between the clock's slices
CLOCK_EVERY = 2  # ticks between clock messages while it runs (ten a second)
STATE_EVERY = 5  # ticks between state snapshots while it runs (four a second)


class Host:
    """`Host(drill, ...)`, then `await host.listen(address)` and `await host.run()` until the drill ends.

    `players`: start the drill (or, resumed, restart its clock) once that many people have joined; None or 0
    leaves it to the facilitator's `start`. `bots`: a `sim.training.bots` profile for the roles nobody took.
    `facilitator`: the name of the in-process console that holds the levers (the host's own terminal).
    `seats_path`: where to keep the code and seats (beside the journal) for `--resume`.
    """

    def __init__(
        self,
        drill: Drill,
        *,
        code: str | None = None,
        bots: str | None = None,
        loose: bool = False,
        players: int | None = 1,
        speed: float = 1.0,
        facilitator: str | None = None,
        seats: list[Seat] | None = None,
        seats_path: str | os.PathLike[str] | None = None,
        started: bool = False,
        scenario_text: str | None = None,
        playbook_text: str | None = None,
        queue_limit: int = QUEUE,
        tick: float = TICK,
    ) -> None:
        self.drill = drill
        self.code = code or new_code()
        self.bots_profile = bots
        self.mode = "loose" if loose else "strict"
        self.players = players or 0
        self.clock = SimClock(speed, now=drill.now)
        self.facilitator = facilitator
        self.seats: dict[str, Seat] = {s.name: s for s in seats or []}
        self.seats_path = Path(seats_path) if seats_path is not None else None
        self.started = started
        self.queue_limit, self.tick = queue_limit, tick
        self.texts = (scenario_text or _text_of(drill, 0), playbook_text or _text_of(drill, 1))
        self.conns: list[Conn] = []
        self.bots: dict[str, TeamBot] = {}
        self.held: list[tuple[float, int, Seat, Act]] = []  # (at, arrival, seat, intent)
        self._arrivals = 0
        self.sent = len(drill.events)  # events broadcast so far (a resumed drill's are in the journal)
        self.limiter = PeerLimiter()
        self.address = ""
        self.kicked_slow: list[str] = []  # who was disconnected for being slow, for the tests and the console
        self._server: asyncio.base_events.Server | None = None
        self._listeners: list[Callable[[], None]] = []
        self._ticks = 0
        self._stale = True  # a state snapshot is due on the next tick
        self._done = asyncio.Event()
        self._save()

    # -- what seats see -------------------------------------------------------------------------------

    @property
    def join_line(self) -> str:
        return f"warroom join {self.address} --code {self.code}"

    @property
    def lobby(self) -> Lobby:
        players = tuple(Player(s.name, s.role, s.connected or s.bot, s.bot) for s in self.seats.values())
        return Lobby(players, self.started, self.facilitator or self.holder(FACILITATOR), self.mode)

    @property
    def clock_msg(self) -> Clock:
        return Clock(round(self.drill.now, 3), self.clock.speed, self.clock.paused or self.drill.finished)

    def holder(self, role: str) -> str | None:
        """The name of whoever holds a role (a person or a bot)."""
        return next((s.name for s in self.seats.values() if s.role == role), None)

    def holders(self) -> dict[str, str]:
        return {s.role: s.name for s in self.seats.values() if s.role is not None}

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Called after every change the host broadcasts (for the facilitator's console in this process)."""
        self._listeners.append(callback)

    # -- serving ----------------------------------------------------------------------------------------

    async def listen(self, address: str = "127.0.0.1:0", *, ssl: ssl_module.SSLContext | None = None) -> str:
        """Start accepting seats on `address` (`host:port`, port 0 picks one, or `unix:PATH`); returns the
        address bound, also in `self.address`."""
        host, port = parse_address(address)
        if host == "unix":
            path = str(port)
            with contextlib.suppress(FileNotFoundError):
                if Path(path).is_socket():
                    os.unlink(path)  # a socket a crashed host left behind
            self._server = await asyncio.start_unix_server(self._serve, path, limit=MAX_LINE, ssl=ssl)
            os.chmod(path, 0o600)
            self.address = f"unix:{path}"
        else:
            self._server = await asyncio.start_server(self._serve, host, int(port), limit=MAX_LINE, ssl=ssl)
            bound = self._server.sockets[0].getsockname()
            shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
            self.address = f"{shown}:{bound[1]}"
        return self.address

    async def run(self) -> None:
        """Run the clock until the drill ends (or `stop`), then say goodbye to every seat and stop serving."""
        try:
            while not self.drill.finished and not self._done.is_set():
                self.advance()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._done.wait(), self.tick)
            self.advance()
        finally:
            await self.shutdown("the drill ended" if self.drill.finished else "the host stopped")

    def stop(self) -> None:
        self._done.set()

    async def shutdown(self, reason: str) -> None:
        """Say `bye`, let each queue drain (briefly), and close everything."""
        self._broadcast(Bye(reason))
        for conn in self.conns:
            with contextlib.suppress(asyncio.QueueFull):
                conn.queue.put_nowait(None)
        tasks = [c.task for c in self.conns if c.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)
        for conn in list(self.conns):
            self._drop(conn)
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
        self._save()

    # -- the clock ------------------------------------------------------------------------------------

    def advance(self) -> None:
        """Move the drill to where the clock says, stopping for each held action's `at` and each bot's look,
        then broadcast what happened. Called every tick by `run`, and by the levers."""
        drill = self.drill
        if self.started and not drill.finished:
            target = min(round(self.clock.target(), 3), drill.duration + 1.0)
            while not drill.finished and drill.now < target:
                stops = [target, *(b.next_look for b in self.bots.values())]
                if self.held:
                    stops.append(self.held[0][0])
                drill.advance_to(max(min(stops), drill.now))
                self._due()
            self._due()
        self._ticks += 1
        self._flush(periodic=True)

    def _due(self) -> None:
        """Take the held actions due now, then let the bots due now look, as a script's steps are taken."""
        drill = self.drill
        while self.held and self.held[0][0] <= drill.now and not drill.finished:
            _, _, seat, intent = self.held.pop(0)
            self._act(seat, intent.action, dict(intent.params), ref=intent.id)
        for bot in list(self.bots.values()):
            if bot.next_look <= drill.now and not drill.finished:
                bot.look()

    def _flush(self, *, periodic: bool = False, clock: bool = False) -> None:
        """Broadcast the events not yet sent at once; the clock on a change (`clock`) and ten times a second
        while it runs; a state snapshot on the next tick after anything happened, and four times a second
        while it runs (intents come faster than that: each sends its events, not a snapshot)."""
        drill = self.drill
        new = drill.events[self.sent :]
        for i, event in enumerate(new, start=self.sent):
            self._broadcast(EventMsg(i, event))
        self.sent = len(drill.events)
        # A channel message changes nothing a snapshot shows: the event itself is all a seat needs.
        self._stale = self._stale or clock or any(not isinstance(e, ChannelMessage) for e in new)
        running = self.started and not self.clock.paused and not drill.finished
        if clock or (periodic and (new or (running and self._ticks % CLOCK_EVERY == 0))):
            self._broadcast(self.clock_msg)
        if periodic and self.started and (self._stale or (running and self._ticks % STATE_EVERY == 0)):
            self._broadcast(StateMsg(drill.state))
            self._stale = False
        if new or clock:
            for callback in self._listeners:
                callback()

    # -- levers (the console calls these directly; seats through `lever`) --------------------------------

    def start(self) -> None:
        if self.drill.finished:
            return
        if not self.started:
            self.started = True
            self._seat_bots()
        else:
            self._wake_bots()  # a resumed drill's bots start their plans again (what is done stays done)
        self.clock.resume(self.drill.now)
        self._changed(lobby=True)

    def pause(self) -> None:
        self.advance()
        self.clock.pause(self.drill.now)
        self._changed()

    def resume(self) -> None:
        if not self.started:
            return self.start()
        self.clock.resume(self.drill.now)
        self._changed()

    def set_speed(self, speed: float) -> None:
        self.advance()
        self.clock.set_speed(speed, self.drill.now)
        self._changed()

    def step(self, dt: float = 60.0) -> None:
        """Move a paused drill on by `dt` sim seconds."""
        if not self.started or not self.clock.paused:
            raise ActionRefused("step works on a paused drill")
        self.clock.rebase(round(self.drill.now + dt, 3))
        self.advance()
        self.clock.pause(self.drill.now)
        self._changed()

    def facilitate(self, kind: str, **data: Any) -> None:
        """A facilitator input (`inject_now`, `say`, `hint`, `note`, `jump`), journaled by the drill."""
        self.advance()
        self.drill.facilitate(kind, **data)
        if kind == "jump":
            self.clock.rebase(self.drill.now)
            self._due()
        self._changed()

    def end(self, by: str | None = "facilitator") -> None:
        self.advance()
        self.drill.end(by=by)
        self._changed()

    def set_loose(self, on: bool) -> None:
        mode = "loose" if on else "strict"
        if mode == self.mode:
            return
        self.mode = mode
        if self.started and not self.drill.finished:
            said = "anyone may take any action" if on else "each role takes its own actions again"
            self.drill.facilitate("note", text=f"The facilitator made the drill {mode}: {said}.")
        self._changed(lobby=True)

    def _changed(self, *, lobby: bool = False) -> None:
        if lobby:
            self._save()
            self._broadcast(self.lobby)
        self._flush(clock=True)

    # -- seats -----------------------------------------------------------------------------------------

    def _seat_bots(self) -> None:
        """Give each role nobody took to a bot, when the host was given a profile."""
        if self.bots_profile is None:
            return
        for role in self.drill.playbook.roles:
            if self.holder(role.id) is None:
                name = f"bot-{role.id}"[:40]
                self.seats[name] = Seat(name, new_token(), role.id, bot=True)
        self._wake_bots()

    def _wake_bots(self) -> None:
        for seat in self.seats.values():
            if seat.bot and seat.role is not None and seat.name not in self.bots and self.bots_profile:
                self.bots[seat.name] = TeamBot(
                    self.drill,
                    self.bots_profile,
                    f"{self.drill.seed}:{seat.role}",
                    role=seat.role,
                    act=self._bot_act(seat),
                )

    def _bot_act(self, seat: Seat) -> Callable[[str, dict[str, str]], None]:
        def act(action: str, params: dict[str, str]) -> None:
            self._act(seat, action, dict(params))

        return act

    def take_role(self, seat: Seat, role: str | None) -> str | None:
        """Give `seat` the role (None gives its role up); returns why not, or None."""
        if role is not None:
            roles = {r.id for r in self.drill.playbook.roles} | {FACILITATOR}
            if role not in roles:
                return f"the playbook has no role {role!r}; its roles are: {', '.join(sorted(roles))}"
            if role == FACILITATOR and self.facilitator is not None:
                return f"{self.facilitator} is the facilitator, at the host's console"
            held = next((s for s in self.seats.values() if s.role == role and s is not seat), None)
            if held is not None and not held.bot:
                return f"{held.name} holds {role} already"
            if held is not None:  # a person takes over from a bot
                del self.seats[held.name]
                self.bots.pop(held.name, None)
        seat.role = role
        self._changed(lobby=True)
        return None

    def _save(self) -> None:
        if self.seats_path is not None:
            people = [s for s in self.seats.values()]
            save_seats(self.seats_path, self.code, people, mode=self.mode, started=self.started,
                       speed=self.clock.speed)  # fmt: skip

    def _autostart(self) -> None:
        """Start (or restart a resumed drill's clock) once `players` people are here."""
        if not self.players or self.drill.finished:
            return
        here = sum(1 for s in self.seats.values() if s.connected and not s.bot)
        if here >= self.players and (not self.started or self.clock.paused):
            self.start()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serving.serve(self, reader, writer)

    def handle(self, conn: Conn | None, seat: Seat, msg: ClientMessage) -> None:
        """Apply one intent from `seat`; refusals go back to `conn` as notices."""
        why = intents.handle(self, seat, msg)
        if why is not None and conn is not None:
            ref = getattr(msg, "id", None)
            self._send(conn, Notice("refused", why, ref if isinstance(ref, int) else None))

    def _act(self, seat: Seat, action: str, params: dict[str, Any], ref: int | None = None) -> str | None:
        why = intents.act(self, seat, action, params)
        if why is not None:
            self.tell(seat, Notice("refused", why, ref))
        self._flush()
        return why

    def hold(self, seat: Seat, intent: Act) -> str | None:
        if sum(1 for h in self.held if h[2] is seat) >= MAX_HELD:
            return f"at most {MAX_HELD} actions may wait for their time"
        assert intent.at is not None
        self._arrivals += 1
        self.held.append((intent.at, self._arrivals, seat, intent))
        self.held.sort(key=lambda h: (h[0], h[1]))
        return None

    # -- sending ---------------------------------------------------------------------------------------

    def tell(self, seat: Seat, msg: HostMessage) -> None:
        """Send one seat a message, on each of its connections."""
        for conn in [c for c in self.conns if c.seat is seat]:
            self._send(conn, msg)

    def _send(self, conn: Conn, msg: HostMessage) -> None:
        self._put(conn, encode(msg))

    def _broadcast(self, msg: HostMessage) -> None:
        data = encode(msg)
        for conn in list(self.conns):
            self._put(conn, data)

    def _put(self, conn: Conn, data: bytes) -> None:
        if conn.closed:
            return
        if not conn.send(data):
            name = conn.seat.name if conn.seat else conn.peer
            self.kicked_slow.append(name)
            self._close(conn, ErrorMsg("slow", f"{name} fell {self.queue_limit} messages behind: disconnected"))

    def _close(self, conn: Conn, error: ErrorMsg) -> None:
        """End a connection now, with a last message written past its queue (best effort)."""
        if not conn.closed:
            with contextlib.suppress(Exception):
                # What was queued goes first (handed to the transport, never waited for), then the reason.
                while not conn.queue.empty():
                    data = conn.queue.get_nowait()
                    if data is not None:
                        conn.writer.write(data)
                conn.writer.write(encode(error))
        self._drop(conn)

    def _drop(self, conn: Conn) -> None:
        conn.closed = True
        if conn.task is not None:
            conn.task.cancel()
        with contextlib.suppress(Exception):
            conn.writer.close()
        if conn in self.conns:
            self.conns.remove(conn)
            seat = conn.seat
            if seat is not None and not any(c.seat is seat for c in self.conns):
                seat.connected = False
                self._broadcast(self.lobby)
                for callback in self._listeners:
                    callback()


def _text_of(drill: Drill, which: int) -> str:
    """The file a drill was loaded from, as text, or, for a model built in memory, its canonical JSON (YAML
    reads JSON, and the client checks it against the header's model hash)."""
    header = drill.header
    path = header.scenario_path if which == 0 else header.playbook_path
    model = drill.scenario if which == 0 else drill.playbook
    if path:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            return Path(path).read_bytes().decode("utf-8")
    model_hash(model)
    return model.model_dump_json(by_alias=True)
