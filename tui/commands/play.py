"""`warroom play`: open the TUI, on the picker or straight on one scenario's briefing."""

from __future__ import annotations

from pathlib import Path

import click

from tui.cli import needs_terminal


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--scenarios",
    "scenario_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also offer the scenarios in this directory (repeatable).",
)
@click.option("--seed", type=int, default=None, help="Seed for the drill (default: the scenario's own).")
@click.option("--trainee", default=None, help="Your name on the journal and debrief (remembered).")
def play(scenario: str | None, scenario_dirs: tuple[Path, ...], seed: int | None, trainee: str | None) -> None:
    """Run a drill in the TUI (the scenario picker when SCENARIO is omitted).

    SCENARIO is a scenario id (e.g. `tutorial`) or a path to a scenario file. One that cannot be
    found or loaded opens the picker with the reason instead.
    """
    needs_terminal()
    from tui.app import WarroomApp

    WarroomApp(scenario_id=scenario, scenario_dirs=scenario_dirs, seed=seed, trainee=trainee).run()
