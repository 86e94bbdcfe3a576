"""The `warroom` command line: this group, and one module per subcommand beside it (tui/cli/<command>.py),
each imported only when it is called, so `warroom --help` and the TUI start fast."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import click

from sim import __version__

# A drill's seed on the command line: 0 … 2^63-1, as sim.format.scenario.SEED_MAX (a negative seed is refused:
# Python's random gives -n the same drill as n; and the history stores seeds as SQLite integers).
SEED = click.IntRange(0, 2**63 - 1)

# name -> "module:attribute". Add a subcommand here and write it in tui/cli/<module>.py.
COMMANDS: dict[str, str] = {
    "play": "tui.cli.play:play",
    "calibrate": "tui.cli.calibrate:calibrate_cmd",
    "history": "tui.cli.history:history",
    "plan": "tui.cli.plan:plan",
    "lint": "tui.cli.lint:lint",
    "new": "tui.cli.new:new",
    "validate": "tui.cli.validate:validate",
    "playbooks": "tui.cli.playbooks:playbooks",
    "schema": "tui.cli.schema:schema",
    "run": "tui.cli.run:run",
    "resume": "tui.cli.run:resume",
    "review": "tui.cli.review:review",
    "score": "tui.cli.score:score",
    "report": "tui.cli.report:report",
    "serve": "tui.cli.serve:serve",
    "host": "tui.cli.host:host",
    "join": "tui.cli.join:join",
    "export": "tui.cli.msel:export",
    "import": "tui.cli.msel:import_",
}


# Old names that still work, left out of the help: `replay` opened the review before it was named so.
ALIASES: dict[str, str] = {"replay": "review"}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(ALIASES.get(cmd_name, cmd_name))
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


def under_web_driver() -> bool:
    """Whether Textual will run the app on its web driver: textual-serve (`warroom serve`) names it in
    TEXTUAL_DRIVER for each browser tab, whose stdin and stdout are pipes to the server, not a terminal."""
    name = os.environ.get("TEXTUAL_DRIVER")
    if not name:
        return False
    from textual.drivers.web_driver import WebDriver

    module, _, attr = name.partition(":")
    try:
        driver = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return False  # not a driver of ours to vouch for: the terminal check stands
    return isinstance(driver, type) and issubclass(driver, WebDriver)


def needs_terminal() -> None:
    """The TUI cannot run without a terminal (CI, pipes): say so in one line and exit 2."""
    if under_web_driver():
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        click.echo(
            "warroom: the drill needs an interactive terminal; use `warroom run SCENARIO` for a headless drill.",
            err=True,
        )
        sys.exit(2)


@click.group(cls=LazyGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="warroom")
@click.option(
    "--scenarios",
    "scenario_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With no command: the picker also offers the scenarios in this directory (repeatable).",
)
@click.option(
    "--facilitator",
    is_flag=True,
    help="With no command: run drills in facilitator mode (the hidden truth, upcoming injects and levers).",
)
@click.pass_context
def main(ctx: click.Context, scenario_dirs: tuple[Path, ...], facilitator: bool) -> None:
    """warroom: incident-response tabletop drills in the terminal.

    With no command, opens the scenario picker.
    """
    if ctx.invoked_subcommand is None:
        play = main.get_command(ctx, "play")
        assert play is not None  # "play" is in COMMANDS
        ctx.invoke(play, scenario_dirs=scenario_dirs, facilitator=facilitator)
