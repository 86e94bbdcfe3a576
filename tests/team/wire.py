"""A bare client for the fault tests: raw lines over a real socket, without TeamClient's manners."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

from sim.team.protocol import PROTOCOL, HostMessage, decode_host
from sim.team.streams import open_stream


class Wire:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, address: str, *, rcvbuf: int | None = None) -> Wire:
        if rcvbuf is None:
            return cls(*await open_stream(address))
        host, port = address.rsplit(":", 1)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # a client that barely reads
        sock.connect((host, int(port)))
        # A small limit: asyncio stops reading the socket once its buffer holds twice this much.
        return cls(*await asyncio.open_connection(sock=sock, limit=1024))

    def send(self, obj: dict[str, Any] | bytes) -> None:
        self.writer.write(obj if isinstance(obj, bytes) else json.dumps(obj).encode() + b"\n")

    def hello(self, code: str, name: str, **kw: Any) -> None:
        self.send({"type": "hello", "protocol": PROTOCOL, "code": code, "name": name, **kw})

    async def next(self) -> HostMessage | None:
        line = await self.reader.readline()
        return decode_host(line) if line else None

    async def until(self, kind: type, limit: int = 100_000) -> Any:
        """Read messages until one of `kind` (None if the stream ends first)."""
        for _ in range(limit):
            msg = await self.next()
            if msg is None or isinstance(msg, kind):
                return msg
        return None

    async def all(self) -> list[HostMessage]:
        """Everything until the host closes the connection (read in chunks: lines may pass the reader's limit)."""
        data = b""
        while chunk := await self.reader.read(1 << 16):
            data += chunk
        return [decode_host(line + b"\n") for line in data.split(b"\n") if line]

    def close(self) -> None:
        self.writer.close()
