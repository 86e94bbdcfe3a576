"""`warroom score JOURNAL`: grade a recorded drill and print its scorecard."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from scoring.grade import DEFAULT_PASS_MARK, ScoreCard
from sim.format.loading import LoadError
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.jsonl import JournalError, read_journal
from sim.journal.resolve import resolve
from sim.rerun.resume import check_inputs

if TYPE_CHECKING:
    from scoring.team import TeamCard


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"warroom: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"warroom: warning: {message}", err=True)


@dataclass(frozen=True, slots=True)
class Graded:
    """A journal with the scenario and playbook it is graded against."""

    record: DrillRecord
    scenario: Scenario
    playbook: Playbook


def load_graded(journal: Path, scenario_file: Path | None, playbook_file: Path | None) -> Graded:
    """Read the journal and find what it was played against (`sim.journal.resolve`, leniently): the files the header
    names, unless overridden; a file changed since the drill is graded as it is now, with a warning."""
    try:
        j = read_journal(journal)
    except JournalError as exc:
        fail(str(exc))  # the input is bad: 1, as resume and replay say it
    record = j.record
    try:
        scenario, playbook, warnings, *_ = resolve(
            record.header,
            journal,
            "lenient",
            scenario_file=scenario_file,
            playbook_file=playbook_file,
            override="--{what} FILE",
        )
        check_inputs(j, scenario)
    except (JournalError, LoadError) as exc:
        fail(str(exc))
    for warning in warnings:
        warn(warning)
    return Graded(record, scenario, playbook)


def team_of(g: Graded, card: ScoreCard) -> TeamCard | None:
    """The team debrief of a journal more than one person acted in; None for one played alone."""
    from scoring.team import team_card

    return team_card(g.record, g.scenario, g.playbook, card=card)


journal_argument = click.argument("journal", type=click.Path(exists=True, dir_okay=False, path_type=Path))
scenario_option = click.option(
    "--scenario",
    "scenario_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Grade against this scenario file instead of the one the journal names.",
)
playbook_option = click.option(
    "--playbook",
    "playbook_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Grade against this playbook file instead of the one the journal names.",
)
pass_mark_option = click.option(
    "--pass-mark",
    type=click.FloatRange(0, 100),
    default=DEFAULT_PASS_MARK,
    show_default=True,
    help="The score (0-100) a drill needs to pass.",
)


@click.command()
@journal_argument
@scenario_option
@playbook_option
@pass_mark_option
def score(journal: Path, scenario_file: Path | None, playbook_file: Path | None, pass_mark: float) -> None:
    """Grade the drill recorded in JOURNAL and print its scorecard; for a team drill, each person's part too."""
    from scoring.grade import grade
    from scoring.report_text import render_text

    g = load_graded(journal, scenario_file, playbook_file)
    try:
        card = grade(g.record, g.scenario, g.playbook, pass_mark=pass_mark)
    except ValueError as exc:
        fail(str(exc))
    click.echo(render_text(card, team_of(g, card)), nl=False)
