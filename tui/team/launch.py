"""The interactive ends of `warroom host` and `warroom join`: the host's console (lobby → facilitator's screen →
debrief, with the host serving in the same event loop) and a player's seat (name → lobby → drill → debrief)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl as ssl_module
from typing import TYPE_CHECKING

from tui.team.app import TeamApp
from tui.team.port import Client

if TYPE_CHECKING:
    from sim.team.host import Host

STOP_WAIT = 10.0  # seconds the host may take to say goodbye to every seat once the console closes


def host_console(host: Host, address: str, *, ssl: ssl_module.SSLContext | None = None) -> int:
    """Serve `host` on `address` and run its console until the facilitator quits; the exit status.

    The host and the app share one event loop, so the console's levers are plain calls on the host and its
    panel reads the host's own drill. Quitting the console stops the host (every seat is told)."""
    from tui.team.console import ConsoleClient

    async def main() -> int:
        await host.listen(address, ssl=ssl)
        serving = asyncio.create_task(host.run())

        async def console(name: str, role: str | None) -> Client:
            return ConsoleClient(host)

        app = TeamApp(
            console,
            name=host.facilitator or "facilitator",
            join_line=host.join_line,
            engine=host.drill,
            bots=bool(host.bots_profile),
        )
        try:
            await app.run_async()
        finally:
            host.stop()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(serving, STOP_WAIT)
        return app.return_code or 0

    return asyncio.run(main())


def join_seat(
    address: str,
    code: str,
    *,
    name: str | None,
    role: str | None,
    ssl: ssl_module.SSLContext | None = None,
) -> int:
    """Join the drill at `address` as a player, asking the name when `name` is None and showing the lobby until
    the drill starts; the exit status. A connection lost mid-drill is rejoined (the seat's token)."""
    from sim.team.client import TeamClient

    async def connect(who: str, wanted: str | None) -> Client:
        return await TeamClient.connect(address, code, who, role=wanted, ssl=ssl)

    async def rejoin(old: Client) -> Client:
        assert isinstance(old, TeamClient)
        return await old.reconnect(address, code, ssl=ssl)

    app = TeamApp(connect, name=name, role=role, rejoin=rejoin)
    app.run()
    return app.return_code or 0
