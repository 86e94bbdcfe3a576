"""`warroom serve`: the scenario picker in a browser. textual-serve starts one `warroom` per browser tab, on
Textual's web driver, so each tab is a drill of its own; with `--join`, each tab is a seat in a hosted team
drill instead. Why this way: docs/decisions/0007-browser-seat.md"""

from __future__ import annotations

import os
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


# The join code reaches each tab's `warroom join` in its environment, not on its command line, where any user
# of the machine could read it (`ps`).
CODE_ENV = "WARROOM_CODE"


def tab_command(scenario_dirs: tuple[Path, ...], facilitator: bool, join: str | None = None) -> str:
    """The shell command textual-serve runs for each tab: this Python's warroom, never another on the PATH. `-P`
    keeps the server's working directory off `sys.path`, so a `tui/` folder there cannot stand in for it. With
    `join`, each tab is `warroom join ADDRESS`, which asks the player's name and role."""
    argv = [sys.executable, "-P", "-m", "tui.cli"]
    if join is not None:
        return shlex.join([*argv, "join", join])
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
@click.option(
    "--join",
    "join",
    metavar="ADDR",
    default=None,
    help="Each tab joins the team drill hosted at ADDR (as `warroom host` prints it): it asks a name and a role.",
)
@click.option("--code", default=None, help="The team drill's join code (with --join).")
def serve(
    host: str,
    port: int,
    scenario_dirs: tuple[Path, ...],
    facilitator: bool,
    join: str | None = None,
    code: str | None = None,
) -> None:
    """Play in a browser: serve the scenario picker over HTTP, each browser tab its own drill.

    With --join ADDR --code CODE, each tab is a player in the team drill `warroom host` runs at ADDR instead.
    Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Ctrl+C stops the server and every
    drill in it; their journals are kept, and `warroom resume` continues them.
    """
    if (join is None) != (code is None):
        raise click.UsageError("--join ADDR and --code CODE go together")
    if join is not None and (scenario_dirs or facilitator):
        raise click.UsageError("--join serves seats in a hosted drill: --scenarios and --facilitator do not apply")
    if code is not None:
        os.environ[CODE_ENV] = code  # every tab inherits the server's environment
    command = tab_command(scenario_dirs, facilitator, join)
    server = WarroomServer(command, host=host, port=port, local=is_loopback(host))
    each = f"each tab joins the team drill at {join}" if join else "each tab is its own drill"

    def announce(bound_port: int) -> None:
        click.echo(f"Serving warroom at {url_for(host, bound_port)}: open it in a browser; {each}.")
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
