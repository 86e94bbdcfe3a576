"""`warroom join ADDR --code CODE` takes a seat in a team drill hosted by `warroom host`: the drill screen as
that person, or, with `--headless`, the timeline as it comes (and an action script played as that person)."""

from __future__ import annotations

import asyncio
import getpass
import ssl
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

import click

if TYPE_CHECKING:
    from sim.team.client import TeamClient


class JoinSetup(NamedTuple):
    """What `warroom join` was asked for: what the seat (or the headless player) connects with."""

    address: str
    code: str
    name: str
    role: str | None
    ssl: ssl.SSLContext | None


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"warroom: {message}", err=True)
    sys.exit(code)


def _default_name() -> str:
    try:
        return getpass.getuser()[:40] or "player"
    except (KeyError, OSError):
        return "player"


@click.command()
@click.argument("address", metavar="ADDR")
@click.option(
    "--code",
    required=True,
    envvar="WARROOM_CODE",  # how `warroom serve --join` hands it to each browser tab, off the command line
    help="The join code `warroom host` printed (env WARROOM_CODE).",
)
@click.option("--name", help="Your name in the drill (asked if not given; headless: your login). Rejoin with it.")
@click.option("--role", help="The role to take, e.g. incident-commander (default: choose in the lobby).")
@click.option("--headless", is_flag=True, help="No TUI: print the timeline as it comes.")
@click.option(
    "--actions",
    "script",
    metavar="SCRIPT",
    help="With --headless: an action script to play as this person, or the scenario's own by name.",
)
@click.option("--tls", is_flag=True, help="The host uses TLS (--tls-cert): verify it against the system's CAs.")
@click.option(
    "--tls-ca",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The host uses TLS: trust this certificate (a self-signed host's --tls-cert).",
)
def join(
    address: str,
    code: str,
    name: str | None,
    role: str | None,
    headless: bool,
    script: str | None,
    tls: bool,
    tls_ca: Path | None,
) -> None:
    """Join the team drill hosted at ADDR (host:port, or unix:PATH) with the code its host printed."""
    if script is not None and not headless:
        raise click.UsageError("--actions plays a script headless: add --headless")
    context = None
    if tls or tls_ca is not None:
        context = ssl.create_default_context(cafile=str(tls_ca) if tls_ca else None)
    setup = JoinSetup(address, code, (name or _default_name()).strip() or "player", role, context)
    if headless:
        play_headless(setup, script)
    else:
        interactive(setup, ask_name=name is None)


def interactive(setup: JoinSetup, *, ask_name: bool = False) -> None:
    """The drill screen as this person (the TUI seat): the name (`ask_name`, when --name was not given), the
    lobby until the drill starts, the drill, then the debrief. A lost connection is rejoined."""
    from tui.cli import needs_terminal
    from tui.team.launch import join_seat

    needs_terminal()
    status = join_seat(setup.address, setup.code, name=None if ask_name else setup.name, role=setup.role,
                       ssl=setup.ssl)  # fmt: skip
    if status:
        sys.exit(status)


REJOIN_FOR = 120.0  # seconds a headless seat keeps trying to rejoin a host that went away
# Errors that end a seat for good: another try would be refused the same way.
FINAL = frozenset({"bad_code", "rate_limited", "name_taken", "version", "hash", "bad_files", "full"})


async def _rejoin(old: TeamClient, setup: JoinSetup) -> TeamClient | None:
    from sim.team.client import TeamError

    deadline = asyncio.get_running_loop().time() + REJOIN_FOR
    while asyncio.get_running_loop().time() < deadline:
        try:
            return await old.reconnect(setup.address, setup.code, ssl=setup.ssl)
        except TeamError as exc:
            if exc.code in FINAL:
                _fail(f"cannot rejoin {setup.address}: {exc.text}")
        except (TimeoutError, OSError, ValueError):
            pass
        await asyncio.sleep(0.5)
    return None


def play_headless(setup: JoinSetup, script: str | None) -> None:
    try:
        asyncio.run(_play(setup, script))
    except KeyboardInterrupt:
        _fail("left the drill")


async def _play(setup: JoinSetup, script: str | None) -> None:
    from sim.format.library import Library, NotFound
    from sim.format.loading import LoadError
    from sim.journal.events import DrillEnded
    from sim.team.client import TeamClient, TeamError, play_script
    from sim.training.runner import load_script_file
    from tui.cli.run import describe

    try:
        client = await TeamClient.connect(setup.address, setup.code, setup.name, role=setup.role, ssl=setup.ssl)
    except TeamError as exc:
        _fail(f"cannot join {setup.address}: {exc.text}")
    except (OSError, ValueError) as exc:
        _fail(f"cannot join {setup.address}: {getattr(exc, 'strerror', None) or exc}")
    w = client.welcome
    steps = []
    if script is not None:
        try:
            path = Library().script_named(script, w.scenario.id, None)
            steps = list(load_script_file(path, w.scenario, w.playbook).root)
        except (NotFound, LoadError) as exc:
            await client.close()
            _fail(str(exc))
    role = next((p.role for p in client.lobby.players if p.name == w.you), None) or setup.role
    click.echo(f"Joined {w.scenario.title} as {w.you}{f' ({role})' if role else ''}; {w.mode} roles.")
    shown, told = 0, 0

    def show() -> None:
        nonlocal shown, told
        for event in client.events[shown:]:
            click.echo(describe(event))
        shown = len(client.events)
        for notice in client.notices[told:]:
            click.echo(f"warroom: {notice.level}: {notice.text}", err=True)
        told = len(client.notices)

    client.add_listener(show)
    show()
    while True:
        if steps:
            await play_script(client, steps, until_end=False)  # skips what this seat already did
        await client.wait_for(lambda c: c.finished)
        await client.close()
        if client.finished or (client.error is not None and client.error.code in FINAL):
            break
        # The host went away (a crash, a restart with --resume): rejoin the same seat, catching up.
        click.echo(f"warroom: {client.closed}; rejoining {setup.address} for up to {REJOIN_FOR:g} s", err=True)
        again = await _rejoin(client, setup)
        if again is None:
            break
        client, told = again, 0
        shown = min(shown, len(client.events))
        client.add_listener(show)
        show()
    if not any(isinstance(e, DrillEnded) for e in client.events):
        _fail(f"the drill did not end: {client.closed}")
