"""`warroom review ID_OR_JOURNAL` (once `warroom replay`): a recorded drill, from history or a journal, in review."""

from __future__ import annotations

from pathlib import Path

import click

from sim.journal.jsonl import Journal
from tui.cli import needs_terminal
from tui.cli.history import db_option


def load_record(target: str, db: str | None) -> tuple[Journal, Path]:
    """The journal `target` names: a journal file, else a drill id in the history database. The path is
    where the record came from (for resolving the scenario)."""
    from scoring.history import History, HistoryError, origin_of
    from scoring.history import target as history_target
    from sim.journal.jsonl import JournalError, parse_journal, read_journal

    path = Path(target)
    if path.is_file():
        try:
            return read_journal(path), path
        except JournalError as exc:
            raise click.ClickException(str(exc)) from None
    if not target.isdigit():
        raise click.ClickException(f"{target}: no such journal file, and not a drill id (`warroom history` lists them)")
    where = history_target(db)
    try:
        with History(where) as h:
            row = h.get(int(target))
            shown = h.where
    except HistoryError as exc:
        raise click.ClickException(str(exc)) from None
    if row is None:
        raise click.ClickException(f"no drill with id {target} in {shown}; `warroom history` lists them")
    named = f"{shown} drill {target}"
    try:
        journal = Journal(Path(named), *parse_journal(row.journal.encode("utf-8", "surrogatepass"), named))
    except JournalError as exc:
        raise click.ClickException(str(exc)) from None
    return journal, origin_of(where)


@click.command("review")
@click.argument("target", metavar="ID_OR_JOURNAL")
@db_option
def review(target: str, db: str | None) -> None:
    """Review a finished drill: scrub its timeline and see metrics, feed and timers as they were at any
    moment, beside what the ideal script had done by then.

    ID_OR_JOURNAL is a drill id from `warroom history` or a journal file.
    """
    from sim.engine.drill import Drill, DrillError
    from sim.format.loading import LoadError
    from sim.journal.jsonl import JournalError
    from sim.journal.resolve import resolve
    from sim.rerun.resume import replay_exactly

    journal, where = load_record(target, db)
    record = journal.record
    try:
        scenario, playbook, *_ = resolve(record.header, where, "strict")
        # The review is a replay: it shows the recorded drill only if the replay gives it again.
        h = record.header
        replay_exactly(Drill(scenario, playbook, h.seed, trainee=h.trainee, team=h.team), journal)
    except (JournalError, LoadError) as exc:
        raise click.ClickException(str(exc)) from None
    except DrillError as exc:
        raise click.ClickException(f"{where}: the drill cannot be rebuilt: {exc}") from None
    needs_terminal()
    from tui.app import run_app
    from tui.screens.review import ReviewApp, ReviewScreen

    try:
        screen = ReviewScreen.of_record(record, scenario, playbook)
    except DrillError as exc:
        raise click.ClickException(f"{where}: the drill cannot be rebuilt: {exc}") from None
    run_app(ReviewApp(screen))
