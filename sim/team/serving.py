"""The host's side of each connection: the handshake (version, code, name, seat), the catch-up, and the
reading loop that turns lines into intents, with every limit on what a seat may send. `Conn` is one
connection and its bounded outgoing queue."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import TYPE_CHECKING

from sim.team.protocol import (
    PROTOCOL,
    Bye,
    ErrorMsg,
    EventMsg,
    Hello,
    Notice,
    ProtocolError,
    StateMsg,
    UnknownType,
    WelcomeMsg,
    decode_client,
    encode,
)
from sim.team.seats import Seat, TokenBucket, new_token, same_code, same_token
from sim.team.streams import read_message_line

if TYPE_CHECKING:
    from sim.team.host import Host

SEND_BUFFER = 64 * 1024  # bytes the kernel buffers for one seat
HIGH_WATER = 64 * 1024  # bytes asyncio's transport holds for one seat before further messages queue
HELLO_WITHIN = 10.0  # seconds a new connection has to say hello
MAX_SEATS = 64
MAX_CONNECTIONS = 128
MAX_BAD = 10  # invalid lines before a connection is closed
MAX_DROPPED = 200  # intents dropped for rate before a connection is closed


class Conn:
    """One connection: its streams, its bounded outgoing queue and the task that writes it."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, peer: str, limit: int) -> None:
        self.reader, self.writer, self.peer = reader, writer, peer
        self.queue: asyncio.Queue[bytes | None] = asyncio.Queue(limit)
        self.seat: Seat | None = None
        self.bucket = TokenBucket()
        self.bad = self.dropped = 0
        self.closed = False
        self.draining = False  # the pump waits for the socket: what comes next must queue behind it
        self.task: asyncio.Task[None] | None = None

    def send(self, data: bytes) -> bool:
        """Hand `data` to the transport at once when nothing waits before it and the transport is not backed
        up (the usual case: no task switch per seat); else queue it. False when the queue is full."""
        transport = self.writer.transport
        if not self.draining and self.queue.empty() and transport.get_write_buffer_size() < HIGH_WATER:
            self.writer.write(data)
            return True
        try:
            self.queue.put_nowait(data)
        except asyncio.QueueFull:
            return False
        return True

    async def pump(self) -> None:
        """Write what is queued, in order, waiting on the socket: only this task ever waits for a slow client."""
        try:
            while (data := await self.queue.get()) is not None:
                self.writer.write(data)
                if self.writer.transport.get_write_buffer_size() >= HIGH_WATER:
                    self.draining = True
                    await self.writer.drain()
                    self.draining = False
        except (ConnectionError, OSError):
            pass
        finally:
            self.closed = True
            with contextlib.suppress(Exception):
                self.writer.close()


async def serve(host: Host, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:  # what the kernel may hold for a seat that does not read: the queue bounds the rest
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
    peer = _peer(writer)
    conn = Conn(reader, writer, peer, host.queue_limit)
    try:
        if len(host.conns) >= MAX_CONNECTIONS:
            return await _refuse(conn, "full", "the drill has as many connections as it takes")
        seat = await _handshake(host, conn)
        if seat is None:
            return
        await _read(host, conn)
    except (ConnectionError, OSError, asyncio.IncompleteReadError):
        pass
    finally:
        host._drop(conn)


async def _refuse(conn: Conn, code: str, text: str) -> None:
    conn.writer.write(encode(ErrorMsg(code, text)))
    with contextlib.suppress(Exception):
        await asyncio.wait_for(conn.writer.drain(), 2.0)
    conn.writer.close()


async def _handshake(host: Host, conn: Conn) -> Seat | None:
    try:
        line = await asyncio.wait_for(read_message_line(conn.reader), HELLO_WITHIN)
    except TimeoutError:
        await _refuse(conn, "timeout", "say hello first: no hello within 10 seconds")
        return None
    except ProtocolError as exc:
        await _refuse(conn, exc.code, str(exc))
        return None
    if line is None:
        return None
    try:
        hello = decode_client(line)
    except ProtocolError as exc:
        await _refuse(conn, exc.code if exc.code == "too_long" else "bad_message", str(exc))
        return None
    if not isinstance(hello, Hello):
        await _refuse(conn, "bad_message", "the first message must be a hello")
        return None
    if hello.protocol != PROTOCOL:
        await _refuse(conn, "version", f"this host speaks protocol {PROTOCOL}, not {hello.protocol}")
        return None
    loop = asyncio.get_running_loop()
    if host.limiter.blocked(conn.peer, loop.time()):
        await _refuse(conn, "rate_limited", "too many wrong codes from this address: wait and try again")
        return None
    if not same_code(hello.code, host.code):
        host.limiter.wrong(conn.peer, loop.time())
        await _refuse(conn, "bad_code", "wrong join code")
        return None
    host.limiter.right(conn.peer)
    seat = host.seats.get(hello.name)
    if seat is not None and (seat.bot or hello.seat is None or not same_token(hello.seat, seat.token)):
        await _refuse(conn, "name_taken", f"{hello.name!r} is taken in this drill: join with another --name")
        return None
    if seat is None:
        if sum(1 for s in host.seats.values() if not s.bot) >= MAX_SEATS:
            await _refuse(conn, "full", "the drill has as many people as it takes")
            return None
        seat = host.seats[hello.name] = Seat(hello.name, new_token())
    for old in [c for c in host.conns if c.seat is seat]:
        host._drop(old)  # the same seat again: the old connection is dead, or about to be
    conn.seat = seat
    await _welcome(host, conn, seat, hello)
    seat.connected = True
    if hello.role is not None and seat.role != hello.role:
        why = host.take_role(seat, hello.role)
        if why is not None:
            host._send(conn, Notice("refused", f"you have no role yet: {why}"))
    host._changed(lobby=True)
    host._autostart()
    return seat


async def _welcome(host: Host, conn: Conn, seat: Seat, hello: Hello) -> None:
    """Send the welcome and the catch-up straight to the socket, waiting on it as long as it takes (this
    connection's own task waits, never the drill); then join the broadcast with nothing missed."""
    events = host.drill.events
    start = hello.last_seen if hello.last_seen <= host.sent else 0
    welcome = WelcomeMsg(PROTOCOL, seat.name, seat.token, host.mode, host.drill.header, *host.texts, start)
    conn.writer.write(encode(welcome))
    conn.writer.write(encode(host.lobby))
    n = start
    while n < host.sent:
        upto = min(host.sent, n + 256)
        conn.writer.write(b"".join(encode(EventMsg(i, events[i])) for i in range(n, upto)))
        n = upto
        await conn.writer.drain()
    # No await between here and joining the broadcast: nothing can be sent in between.
    conn.writer.write(encode(host.clock_msg))
    if host.started:
        conn.writer.write(encode(StateMsg(host.drill.state)))
    host.conns.append(conn)
    conn.task = asyncio.create_task(conn.pump())


async def _read(host: Host, conn: Conn) -> None:
    loop = asyncio.get_running_loop()
    while not conn.closed:
        try:
            line = await read_message_line(conn.reader)
        except ProtocolError as exc:
            host._close(conn, ErrorMsg(exc.code, str(exc)))
            return
        if line is None:
            return
        if not conn.bucket.take(loop.time()):
            conn.dropped += 1
            if conn.dropped >= MAX_DROPPED:
                host._close(conn, ErrorMsg("rate", "too many messages: disconnected"))
                return
            if conn.dropped == 1 or conn.dropped % 20 == 0:
                host._send(conn, Notice("warning", "slow down: messages are being dropped"))
            continue
        try:
            msg = decode_client(line)
        except UnknownType as exc:
            host._send(conn, Notice("warning", f"{exc}; ignored"))
            continue
        except ProtocolError as exc:
            conn.bad += 1
            if conn.bad >= MAX_BAD:
                host._close(conn, ErrorMsg("bad_message", f"too many invalid messages; the last: {exc}"))
                return
            host._send(conn, Notice("warning", f"invalid message ignored: {exc}"))
            continue
        if isinstance(msg, Bye):
            return
        assert conn.seat is not None
        host.handle(conn, conn.seat, msg)


def _peer(writer: asyncio.StreamWriter) -> str:
    name = writer.get_extra_info("peername")
    if isinstance(name, tuple) and name:
        return str(name[0])
    return "unix"
