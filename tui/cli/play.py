"""`warroom play`: open the TUI, on the picker, straight on one scenario's briefing, or on a resumed drill."""

from __future__ import annotations

import os
from pathlib import Path

import click

from tui.cli import SEED, needs_terminal


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--scenarios",
    "scenario_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also offer the scenarios in this directory (repeatable).",
)
@click.option("--seed", type=SEED, default=None, help="Seed for the drill, 0 to 2^63-1 (default: the scenario's own).")
@click.option("--trainee", default=None, help="Your name on the journal and debrief (remembered).")
@click.option(
    "--resume",
    "journal",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Continue the drill this journal records, in the TUI (paused, so you can get your bearings, and at "
    "the speed it was left at).",
)
@click.option(
    "--facilitator",
    is_flag=True,
    help="Facilitator mode: the hidden truth and upcoming injects beside the drill; fire injects, write "
    "messages as anyone, jump the clock, give hints, annotate the timeline (F2-F8, all journaled).",
)
@click.option("--team", default="", help="Your team, on the journal and in the drill history.")
@click.option(
    "--db",
    envvar="WARROOM_DB",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="History database finished drills are stored in (env WARROOM_DB; default: history.db in the data dir).",
)
def play(
    scenario: str | None,
    scenario_dirs: tuple[Path, ...],
    seed: int | None,
    trainee: str | None,
    journal: Path | None,
    facilitator: bool = False,
    team: str = "",
    db: Path | None = None,
) -> None:
    """Run a drill in the TUI (the scenario picker when SCENARIO is omitted).

    SCENARIO is a scenario id (e.g. `tutorial`) or a path to a scenario file. One that cannot be
    found or loaded opens the picker with the reason instead.
    """
    if journal is not None and scenario is not None:
        raise click.UsageError("give a SCENARIO or --resume JOURNAL, not both")
    needs_terminal()
    if db is not None:
        # The debrief stores each drill where `scoring.history.default_db` points: the environment carries it there.
        os.environ["WARROOM_DB"] = str(db)
    from tui.startup import defer_collection, resume_collection

    defer_collection()  # until the first frame: see tui.startup
    try:
        from tui.app import WarroomApp, run_app

        if journal is not None:
            from tui.session import resume_drill

            try:
                drill = resume_drill(journal)
            except Exception as exc:  # the journal's own errors say what is wrong with it
                raise click.ClickException(f"cannot resume {journal}: {exc}") from exc
            app = WarroomApp(drill=drill, autostart=False, trainee=trainee, facilitator=facilitator)
        else:
            app = WarroomApp(
                scenario_id=scenario,
                scenario_dirs=scenario_dirs,
                seed=seed,
                trainee=trainee,
                facilitator=facilitator,
                team=team,
            )
        run_app(app)
    finally:
        resume_collection()  # the app does it on its first refresh; this covers an app that never got there
