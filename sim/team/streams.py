"""The team protocol's streams: addresses (`host:port`, `unix:PATH`), connecting, and reading one bounded line."""

from __future__ import annotations

import asyncio
import ssl as ssl_module

from sim.team.protocol import MAX_WELCOME, ProtocolError


async def read_message_line(reader: asyncio.StreamReader) -> bytes | None:
    """The next line (None at the end of the stream); raises ProtocolError `too_long` past the reader's
    limit, which is MAX_LINE as the host opens its streams (the client allows a welcome up to MAX_WELCOME)."""
    try:
        line = await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError as exc:
        if exc.partial:
            raise ProtocolError("the connection ended in the middle of a line") from None
        return None
    except asyncio.LimitOverrunError:
        raise ProtocolError("a line longer than the limit", "too_long") from None
    return line


def parse_address(address: str) -> tuple[str, str | int]:
    """`host:port`, `[v6]:port` or `unix:PATH` as ("tcp", host, port) parts: ("unix", path) or (host, port)."""
    if address.startswith("unix:"):
        path = address.removeprefix("unix:")
        if not path:
            raise ValueError("unix: needs a socket path, e.g. unix:/tmp/warroom.sock")
        return "unix", path
    host, sep, port = address.rpartition(":")
    if not sep:
        host, port = address, "7788"
    host = host.strip("[]") or "127.0.0.1"
    try:
        number = int(port)
    except ValueError:
        raise ValueError(f"{address!r}: the port must be a number, as in 127.0.0.1:7788") from None
    if not 0 <= number <= 65535:
        raise ValueError(f"{address!r}: the port must be from 0 to 65535")
    return host, number


async def open_stream(
    address: str, *, ssl: ssl_module.SSLContext | None = None, limit: int = MAX_WELCOME
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to a host at `address` (see parse_address)."""
    host, port = parse_address(address)
    if host == "unix":
        return await asyncio.open_unix_connection(str(port), ssl=ssl, limit=limit)
    return await asyncio.open_connection(host, int(port), ssl=ssl, limit=limit)
