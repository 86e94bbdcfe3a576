"""`warroom score JOURNAL`: grade a recorded drill and print its scorecard."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from scoring.grade import DEFAULT_PASS_MARK
from sim.journal import JournalError, file_hash, model_hash, read_record
from sim.library import NotFound, find_playbook, find_scenario
from sim.loading import LoadError, load_playbook, load_scenario
from sim.playbook import Playbook
from sim.record import DrillRecord
from sim.scenario import Scenario


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


def _pick(what: str, given: Path | None, recorded: str, recorded_hash: str) -> Path | None:
    """The file to load: the one given, else the recorded one if it is still there and unchanged."""
    if given is not None:
        if recorded and Path(recorded).is_file() and file_hash(given) != recorded_hash:
            warn(f"the {what} {given} differs from the one this drill was recorded with; grading against it anyway")
        return given
    if not recorded:
        return None
    path = Path(recorded)
    if not path.is_file():
        fail(f"the {what} this drill was recorded with, {path}, no longer exists; pass --{what} FILE")
    if file_hash(path) != recorded_hash:
        fail(f"the {what} {path} has changed since this drill was recorded; pass --{what} FILE to grade against it")
    return path


def load_graded(journal: Path, scenario_file: Path | None, playbook_file: Path | None) -> Graded:
    """Read the journal and find what it was played against: the files the header names, unless overridden.

    A journal recorded without file paths (an in-memory drill) is matched by id against the library, and
    its content hash must agree.
    """
    try:
        record = read_record(journal)
    except JournalError as exc:
        fail(str(exc), 2)
    h = record.header
    try:
        pb_path = _pick("playbook", playbook_file, h.playbook_path, h.playbook_hash)
        playbook = load_playbook(pb_path) if pb_path else find_playbook(h.playbook)
        if pb_path is None and model_hash(playbook) != h.playbook_hash:
            warn(f"playbook {h.playbook!r} is not byte-for-byte the one the drill was recorded with")
        sc_path = _pick("scenario", scenario_file, h.scenario_path, h.scenario_hash)
        if sc_path is None:
            sc_path = find_scenario(h.scenario)
            if file_hash(sc_path) != h.scenario_hash:
                warn(f"scenario {h.scenario!r} ({sc_path}) is not the one the drill was recorded with")
        scenario = load_scenario(sc_path, {playbook.id: playbook})
    except (LoadError, NotFound) as exc:
        fail(str(exc))
    if scenario.id != h.scenario:
        fail(f"{journal} records scenario {h.scenario!r}, but {sc_path} holds {scenario.id!r}")
    return Graded(record, scenario, playbook)


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
    """Grade the drill recorded in JOURNAL and print its scorecard."""
    from scoring.grade import grade
    from scoring.report_text import render_text

    g = load_graded(journal, scenario_file, playbook_file)
    try:
        card = grade(g.record, g.scenario, g.playbook, pass_mark=pass_mark)
    except ValueError as exc:
        fail(str(exc))
    click.echo(render_text(card), nl=False)
