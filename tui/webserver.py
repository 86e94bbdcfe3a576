"""The web server behind `warroom serve`: textual-serve's, which starts one app process per browser tab, told to
serve pages that connect back to the address the browser used, to refuse drills to other sites' pages, and to
report its address only once it listens."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import signal
import socket
from collections.abc import Callable

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int
from yarl import URL

log = logging.getLogger("warroom.serve")


class BindError(Exception):
    """The server could not listen where it was asked to (a port in use, a host this machine does not have)."""


def is_loopback(host: str) -> bool:
    """Whether `host` (to bind, or as a browser named it) is this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere: treat it as the network


def may_open_drill(origin: str | None, host: str | None, local: bool) -> bool:
    """Whether a browser may start a drill here. Any web page can open a WebSocket to any address, so the page
    must be one this server sent (its Origin names the Host it asked): another site's script cannot run drills
    on your machine. On a loopback bind the Host must be a loopback name too, so a site whose name was made to
    resolve to 127.0.0.1 (DNS rebinding) is refused. A client that is not a browser sends no Origin: on a
    loopback bind it is a program of this machine, and on the network it could send any Origin it liked."""
    try:
        asked = URL(f"http://{host}") if host else None
        page = URL(origin) if origin is not None else None
    except ValueError:
        return False  # not an address
    if asked is None or not asked.host or (local and not is_loopback(asked.host)):
        return False
    return page is None or (page.host, page.explicit_port) == (asked.host, asked.explicit_port)


def _reason(exc: OSError) -> str:
    """'address already in use', without aiohttp's wrapping around it."""
    if isinstance(exc, socket.gaierror) or not exc.errno:  # a host name that does not resolve
        return (exc.strerror or str(exc)).lower()
    return os.strerror(exc.errno).lower()


class WarroomServer(Server):
    """textual-serve's server, with `command` run for each browser tab; `local` is whether it listens on
    loopback only."""

    def __init__(self, command: str, *, host: str, port: int, local: bool) -> None:
        super().__init__(command, host=host, port=port, title="warroom")
        self.local = local
        self._tabs: set[asyncio.Task[object]] = set()  # the handlers of the tabs connected now

    def initialize_logging(self) -> None:
        super().initialize_logging()
        # One line per HTTP request is noise for someone running drills; problems are still logged.
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Say nothing yet: `run` reports the address once the server listens on it."""

    async def on_shutdown(self, app: web.Application) -> None:
        """End every tab's drill now rather than wait for the browsers to leave: cancelled, textual-serve tells
        each app to quit (so its journal is closed as after `q`) and closes the tab's connection."""
        for task in self._tabs:
            task.cancel()

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, pointing at this server by the address the browser reached it at (textual-serve's own page
        points at the bound host, and 0.0.0.0 or 127.0.0.1 mean nothing to a browser on another machine)."""
        origin = request.url.origin()
        router = request.app.router
        ws = origin.with_scheme("wss" if origin.scheme == "https" else "ws").join(router["websocket"].url_for())
        static = origin.join(router["static"].url_for(filename="/"))
        context = {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": str(ws),
            "config": {"static": {"url": str(static).rstrip("/") + "/"}},
            "application": {"name": self.title},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not may_open_drill(request.headers.get("Origin"), request.headers.get("Host"), self.local):
            log.warning("refused a drill to a page from %s", request.headers.get("Origin", "?"))
            raise web.HTTPForbidden(text="warroom: this page did not come from this server")
        task = asyncio.current_task()
        assert task is not None  # aiohttp runs each request in a task
        self._tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._tabs.discard(task)

    def run(self, announce: Callable[[int], None]) -> None:
        """Serve until SIGINT or SIGTERM; `announce(port)` once listening. Raises BindError if it cannot listen."""
        self.initialize_logging()
        asyncio.run(self._serve(announce))

    async def _serve(self, announce: Callable[[int], None]) -> None:
        runner = web.AppRunner(await self._make_app(), handle_signals=False, shutdown_timeout=5.0)
        await runner.setup()
        try:
            try:
                await web.TCPSite(runner, self.host, self.port).start()
            except OSError as exc:
                raise BindError(_reason(exc)) from None
            announce(runner.addresses[0][1])
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, stop.set)
            await stop.wait()
        finally:
            await runner.cleanup()
