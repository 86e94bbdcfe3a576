"""`warroom serve`: the scenario picker in a browser. textual-serve starts one `warroom` per browser tab, on
Textual's web driver, so each tab is a drill of its own. Why this way: docs/decisions/0007-browser-seat.md"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from tui.webserver import BindError, WarroomServer, is_loopback

# Hosts that mean "every interface": the URL to print for them is this machine's own.
_WILDCARD = {"", "0.0.0.0", "::"}


def url_for(host: str, port: int) -> str:
    """The address to open in a browser for a server bound to `host`:`port`."""
    if host in _WILDCARD:
        host = "localhost"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


def tab_command(scenario_dirs: tuple[Path, ...], facilitator: bool) -> str:
    """The shell command textual-serve runs for each tab: this Python's warroom, never another on the PATH. `-P`
    keeps the server's working directory off `sys.path`, so a `tui/` folder there cannot stand in for it."""
    argv = [sys.executable, "-P", "-m", "tui.cli"]
    for directory in scenario_dirs:
        argv += ["--scenarios", str(directory.resolve())]
    if facilitator:
        argv.append("--facilitator")
    return shlex.join(argv)


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; 0.0.0.0 opens it to the network."
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port; the address is printed).",
)
@click.option(
    "--scenarios",
    "scenario_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The picker also offers the scenarios in this directory (repeatable).",
)
@click.option("--facilitator", is_flag=True, help="Every tab runs its drills in facilitator mode.")
def serve(host: str, port: int, scenario_dirs: tuple[Path, ...], facilitator: bool) -> None:
    """Play in a browser: serve the scenario picker over HTTP, each browser tab its own drill.

    Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Ctrl+C stops the server and every
    drill in it; their journals are kept, and `warroom resume` continues them.
    """
    server = WarroomServer(tab_command(scenario_dirs, facilitator), host=host, port=port, local=is_loopback(host))

    def announce(bound_port: int) -> None:
        click.echo(f"Serving warroom at {url_for(host, bound_port)}: open it in a browser; each tab is its own drill.")
        if not is_loopback(host):
            click.echo(
                f"warroom: warning: listening on {host}, beyond this machine: anyone who can reach port "
                f"{bound_port} on your network can play drills here.",
                err=True,
            )
        click.echo("Press Ctrl+C to stop.")

    try:
        server.run(announce)
    except BindError as exc:
        click.echo(f"warroom: cannot listen on {url_for(host, port)}: {exc}", err=True)
        sys.exit(1)
