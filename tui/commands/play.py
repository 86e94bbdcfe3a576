"""`warroom play`: open the TUI, on the picker or straight on one scenario's briefing."""

from __future__ import annotations

import click

from tui.cli import needs_terminal


@click.command()
@click.argument("scenario", required=False)
def play(scenario: str | None) -> None:
    """Run a drill in the TUI (the scenario picker when SCENARIO is omitted)."""
    needs_terminal()
    from tui.app import WarroomApp

    WarroomApp(scenario_id=scenario).run()
