"""`warroom host SCENARIO` runs a team drill: the only drill and journal, the clock, and the seats that join it
(`warroom join`). `--headless` serves it without a console; otherwise the host's terminal is the
facilitator's console (the TUI seat)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import ssl
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, NoReturn

import click

from sim.team.host import Host
from tui.cli import SEED

if TYPE_CHECKING:
    from sim.engine.drill import Drill

LOCAL = ("127.0.0.1", "localhost", "::1", "[::1]")


class HostSetup(NamedTuple):
    """Everything `warroom host` prepared: what the console (or the headless loop) runs."""

    host: Host
    listen: str
    ssl: ssl.SSLContext | None
    resumed: bool


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"warroom: {message}", err=True)
    sys.exit(code)


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--listen",
    "listen",
    default="127.0.0.1:7788",
    show_default=True,
    metavar="ADDR",
    help="host:port (port 0 picks a free one), or unix:PATH for a Unix socket.",
)
@click.option("--seed", type=SEED, help="Override the scenario's seed (0 to 2^63-1).")
@click.option(
    "--bots",
    type=click.Choice(["novice", "typical", "expert"]),
    help="Simulated trainees of this profile play the roles nobody took.",
)
@click.option(
    "--resume",
    "resume_from",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="JOURNAL",
    help="Continue a team drill after a crash: the same code and seats (from JOURNAL.host.json).",
)
@click.option(
    "--journal",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the journal here (default: warroom's journals directory).",
)
@click.option("--headless", is_flag=True, help="Serve the drill without a console; exit when it ends.")
@click.option(
    "--players",
    type=click.IntRange(0, 64),
    default=None,
    help="Start once this many people have joined (headless default 1; 0: wait for a `start` lever).",
)
@click.option("--loose", is_flag=True, help="Anyone may take any action (each is journaled with its role).")
@click.option(
    "--team",
    default="",
    help="The team's name: the drill history, trends and improvement plan file the drill under it.",
)
@click.option(
    "--speed", type=click.FloatRange(0.1, 10_000), default=1.0, show_default=True, help="Sim seconds per wall second."
)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS certificate.")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="TLS private key.")
@click.option("--scenarios", "extra_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
def host(
    scenario: str | None,
    listen: str,
    seed: int | None,
    bots: str | None,
    resume_from: Path | None,
    journal: Path | None,
    headless: bool,
    players: int | None,
    loose: bool,
    team: str,
    speed: float,
    tls_cert: Path | None,
    tls_key: Path | None,
    extra_dirs: tuple[Path, ...],
) -> None:
    """Host a team drill of SCENARIO (an id or a path) and print the line others join with.

    People join with `warroom join ADDR --code CODE`, take roles, and the facilitator starts the drill.
    """
    if (scenario is None) == (resume_from is None):
        raise click.UsageError("give a SCENARIO, or --resume JOURNAL (not both)")
    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together")
    context = None
    if tls_cert is not None and tls_key is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(tls_cert, tls_key)
        except (ssl.SSLError, OSError) as exc:
            _fail(f"cannot use the TLS certificate and key: {exc}")
    if not headless:
        from tui.cli import needs_terminal

        needs_terminal()  # before the drill and its journal are made
    setup = prepare(scenario, resume_from, journal, listen=listen, seed=seed, bots=bots, loose=loose, speed=speed,
                    players=players if players is not None else (1 if headless else 0), extra_dirs=extra_dirs,
                    context=context, team=team)  # fmt: skip
    if headless:
        serve_headless(setup)
    else:
        interactive(setup)


def interactive(setup: HostSetup) -> None:
    """The facilitator's console (the TUI seat): the lobby, then the drill with the facilitator's panel, then
    the debrief; the host serves in the same event loop, and quitting the console stops it."""
    from tui import settings as user_settings
    from tui.team.launch import host_console

    host = setup.host
    # The console holds the levers under the name the players see in the lobby and the channel.
    host.facilitator = user_settings.load().trainee or "facilitator"
    try:
        status = host_console(host, setup.listen, ssl=setup.ssl)
    except OSError as exc:
        _fail(f"cannot listen on {setup.listen}: {exc.strerror or exc}")
    finally:
        host.drill.close()
    drill = host.drill
    if drill.finished:
        click.echo(f"The drill ended ({drill.end_reason}) at {_clock(drill.now)}. Journal: {drill.journal_path}")
    elif host.started:
        click.echo(f"Stopped at {_clock(drill.now)}; continue with `warroom host --resume {drill.journal_path}`.")
    if status:
        sys.exit(status)


def prepare(
    scenario: str | None,
    resume_from: Path | None,
    journal: Path | None,
    *,
    listen: str,
    seed: int | None,
    bots: str | None,
    loose: bool,
    speed: float,
    players: int,
    extra_dirs: tuple[Path, ...] = (),
    context: ssl.SSLContext | None = None,
    team: str = "",
) -> HostSetup:
    """Build the drill (new, or resumed from its journal) and its host; exits with one line on a problem."""
    from sim.engine.drill import Drill, DrillError
    from sim.format.loading import LoadError
    from sim.journal.jsonl import JournalError
    from sim.team.seats import load_seats, seat_file
    from sim.team.streams import parse_address

    try:
        where, _ = parse_address(listen)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--listen") from None
    if where != "unix" and where not in LOCAL and context is None:
        click.echo(f"warroom: listening on {where}: a team drill is unencrypted without --tls-cert/--tls-key, "
                   "so anyone who can reach it and learns the code can join and read it", err=True)  # fmt: skip
    if resume_from is not None:
        from sim.rerun.resume import resume

        try:
            drill = resume(resume_from)
        except (JournalError, LoadError, DrillError) as exc:
            _fail(str(exc))
        seats_path = seat_file(resume_from)
        try:
            saved = load_seats(seats_path)
        except ValueError as exc:
            drill.close()
            _fail(f"{exc}; without it the seats and the join code are lost")
        host = Host(drill, code=saved.code, seats=saved.seats, seats_path=seats_path, started=saved.started,
                    loose=saved.mode == "loose", speed=saved.speed, bots=bots, players=players)  # fmt: skip
        return HostSetup(host, listen, context, True)
    from tui.cli.run import load_target
    from tui.session import next_journal_path

    assert scenario is not None
    model, playbook, path, playbook_path = load_target(scenario, extra_dirs)
    seed = model.seed if seed is None else seed
    if journal is None:
        from sim.journal.directory import journals_dir

        journal = next_journal_path(journals_dir(), f"team-{model.id}", seed)
    try:
        drill = Drill(model, playbook, seed, trainee=team or "team", team=team, journal=journal, scenario_path=path,
                      playbook_path=playbook_path)  # fmt: skip
    except (OSError, JournalError) as exc:
        _fail(f"{journal}: cannot write the journal ({getattr(exc, 'strerror', None) or exc})")
    host = Host(drill, bots=bots, loose=loose, speed=speed, players=players, seats_path=seat_file(journal))
    return HostSetup(host, listen, context, False)


def serve_headless(setup: HostSetup) -> None:
    """Serve until the drill ends (or SIGINT/SIGTERM), printing the join line first; a drill that ended goes in
    the drill history (the console's debrief stores it for an interactive host; seats never do)."""
    from tui.session import utc_now

    host = setup.host
    started_at = utc_now()
    try:
        asyncio.run(_serve(setup))
    except OSError as exc:
        _fail(f"cannot listen on {setup.listen}: {exc.strerror or exc}")
    finally:
        host.drill.close()
    drill = host.drill
    journal = drill.journal_path
    if drill.finished:
        click.echo(f"The drill ended ({drill.end_reason}) at {_clock(drill.now)}. Journal: {journal}")
        _store(drill, started_at)
    else:
        click.echo(f"Stopped at {_clock(drill.now)}; continue with `warroom host --resume {journal}`.")


def _store(drill: Drill, started_at: str) -> None:
    """The team's row and one per person in the drill history; a history that cannot take it costs a warning."""
    from dataclasses import replace

    from scoring.grade import grade
    from scoring.history import HistoryError, store
    from scoring.team import participants

    card = grade(drill.record, drill.scenario, drill.playbook)
    people = participants(drill.record)
    if len(people) == 1:
        card = replace(card, trainee=people[0])  # one person played: their drill, on their team
    try:
        drill_id = store(card, drill.record, drill.journal_path, started_at=started_at, scenario=drill.scenario,
                         playbook=drill.playbook)  # fmt: skip
    except HistoryError as exc:
        click.echo(f"warroom: not stored in the drill history: {exc}", err=True)
        return
    click.echo(f"Stored in the drill history as #{drill_id}: warroom history show {drill_id}")


async def _serve(setup: HostSetup) -> None:
    host = setup.host
    await host.listen(setup.listen, ssl=setup.ssl)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, host.stop)
    tls = " --tls" if setup.ssl is not None else ""
    resumed = " (resumed: rejoin with the same code and name)" if setup.resumed else ""
    click.echo(f"{host.join_line}{tls}{resumed}")
    waiting = host.players if not host.started or setup.resumed else 0
    people = f"{waiting} {'person has' if waiting == 1 else 'people have'}"
    if waiting and setup.resumed:
        click.echo(f"The clock restarts once {people} rejoined.")
    elif waiting:
        click.echo(f"The drill starts once {people} joined.")
    sys.stdout.flush()
    await host.run()


def _clock(t: float) -> str:
    from sim.format.durations import format_clock

    return format_clock(t)
