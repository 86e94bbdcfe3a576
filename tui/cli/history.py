"""`warroom history`: who trained on what, and whether the team is getting faster."""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from scoring.history import DrillRow, Filters, History, HistoryError, target
from scoring.trends import ProgrammeRow, first_to_last, trends
from sim.format.durations import format_duration

BARS = "▁▂▃▄▅▆▇█"


def open_history(db: str | None, create: bool = False) -> History:
    """The history to read: one that does not exist is an error, and is not created. An older SQLite file is
    migrated on opening, after a backup, which is named on stderr."""
    try:
        h = History(target(db), create=create)
    except HistoryError as exc:
        raise click.ClickException(str(exc)) from None
    if h.backup is not None:
        click.echo(f"warroom: {h.where}: upgraded to the new schema; the old file is kept as {h.backup}", err=True)
    return h


def read_drills(h: History, filters: Filters, with_journal: bool = False) -> list[DrillRow]:
    """The matching drills; a damaged row is one line on stderr, and skipped."""
    try:
        rows = h.drills(filters, with_journal=with_journal)
    except HistoryError as exc:
        raise click.ClickException(str(exc)) from None
    for problem in h.damaged:
        click.echo(f"warroom: {h.where}: {problem}", err=True)
    return rows


def to_filters(options: dict[str, str | None]) -> Filters:
    return Filters(trainee=options.get("trainee"), team=options.get("team"), scenario=options.get("scenario"),
                   since=options.get("since"))  # fmt: skip


def spark(values: list[float], lo: float = 0.0, hi: float = 100.0) -> str:
    span = (hi - lo) or 1.0
    return "".join(BARS[min(len(BARS) - 1, max(0, int((v - lo) / span * (len(BARS) - 1) + 0.5)))] for v in values)


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


db_option = click.option(
    "--db",
    envvar="WARROOM_DB",
    metavar="PATH|URL",
    help="History database: a file, or a postgresql:// URL (env WARROOM_DB).",
)


def filter_options(f: click.decorators.FC) -> click.decorators.FC:
    for opt in reversed((
        click.option("--trainee", help="Only this trainee."),
        click.option("--team", help="Only this team."),
        click.option("--scenario", help="Only this scenario id."),
        click.option("--since", metavar="DATE", help="Only drills started on or after DATE (YYYY-MM-DD)."),
    )):  # fmt: skip
        f = opt(f)
    return f


@click.group(invoke_without_command=True)
@db_option
@filter_options
@click.pass_context
def history(ctx: click.Context, db: str | None, **filters: str | None) -> None:
    """List finished drills (newest last); subcommands show, export and trend them."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    with open_history(db) as h:
        rows = read_drills(h, to_filters(filters))
    if not rows:
        click.echo("No drills recorded yet." if not any(filters.values()) else "No drills match those filters.")
        return
    click.echo(f"{'ID':>4}  {'DATE':10}  {'TRAINEE':14} {'TEAM':10} {'SCENARIO':22} {'SCORE':>5} GRADE  MTTA   MTTR")
    for r in rows:
        mark = "  ended by the facilitator" if r.facilitator_ended else ""
        if r.kind != "solo":
            mark = f"  {r.kind}{f' ({r.role})' if r.role else ''}{mark}"
        line = (
            f"{r.id:>4}  {r.started_at[:10]:10}  {r.trainee[:14]:14} {r.team[:10]:10} {r.scenario_id[:22]:22} "
            f"{r.score:5.1f} {r.grade:^5}  {_minutes(r.kpis.get('mtta')):6} {_minutes(r.kpis.get('mttr')):6}{mark}"
        )
        click.echo(line.rstrip())


@history.command()
@click.argument("drill_id", type=int)
@click.option("--journal", is_flag=True, help="Print the full journal as well.")
@click.pass_obj
def show(db: str | None, drill_id: int, journal: bool) -> None:
    """One drill: its score, every criterion and its KPIs."""
    with open_history(db) as h:
        try:
            row = h.get(drill_id)
        except HistoryError as exc:
            raise click.ClickException(str(exc)) from None
    if row is None:
        raise click.ClickException(f"no drill with id {drill_id}; `warroom history` lists them")
    click.echo(f"Drill {row.id}: {row.scenario_id} ({row.playbook}), seed {row.seed}")
    click.echo(f"Trainee {row.trainee}{f' ({row.team})' if row.team else ''}, started {row.started_at}")
    ended = f"{row.end_reason} by the facilitator" if row.facilitator_ended else row.end_reason
    click.echo(f"Score {row.score:.1f} ({row.grade}, {'pass' if row.passed else 'fail'}), ended: {ended}")
    click.echo("KPIs: " + ", ".join(f"{k.upper()} {_minutes(v)}" for k, v in sorted(row.kpis.items())))
    for c in row.criteria:
        click.echo(f"  [{c.result:^13}] {c.points:g}/{c.max_points:g}  {c.criterion}: {c.explanation}")
    for answer in row.answers:
        click.echo(f"  lesson: {answer}")
    if journal:
        click.echo(row.journal, nl=False)


CSV_COLUMNS = ("id", "started_at", "trainee", "team", "scenario_id", "scenario_hash", "playbook", "seed",
               "sim_duration", "score", "grade", "passed", "end_reason", "ended_by", "mtta", "mtti", "mttm",
               "mttr", "kind", "role", "drill_key")  # fmt: skip


def to_csv(rows: list[DrillRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        data = r.to_json() | {k: r.kpis.get(k) for k in ("mtta", "mtti", "mttm", "mttr")}
        writer.writerow(["" if data.get(c) is None else data[c] for c in CSV_COLUMNS])
    return out.getvalue()


@history.command()
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (default stdout).")
@click.option("--journals", is_flag=True, help="JSON only: include each drill's full journal.")
@filter_options
@click.pass_obj
def export(db: str | None, fmt: str, output: str | None, journals: bool, **filters: str | None) -> None:
    """Export drills for spreadsheets (CSV) or other tools (JSON, with criteria)."""
    with open_history(db) as h:
        rows = read_drills(h, to_filters(filters), with_journal=journals)
    text = to_csv(rows) if fmt == "csv" else json.dumps([r.to_json(journals) for r in rows], indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(rows)} drills to {output}", err=True)
    else:
        sys.stdout.write(text)


@history.command("trends")
@click.option("--by", type=click.Choice(["trainee", "team"]), default="trainee", show_default=True)
@click.option("--programme", is_flag=True, help="Across teams and months: per team, month and scenario.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="With --programme: also write the programme report, a self-contained HTML page with charts, here.",
)
@filter_options
@click.pass_obj
def trends_cmd(
    db: str | None, by: str, programme: bool, fmt: str, html_file: Path | None, **filters: str | None
) -> None:
    """Score and MTTA/MTTR over time, per trainee or team and scenario; with --programme, the organisation's
    view: per team, month and scenario, the drills, mean score and response times, the share that met each
    playbook target, and improvement items opened and closed. Drills the facilitator ended are left out."""
    if html_file is not None and not programme:
        raise click.UsageError("--html writes the programme report: give --programme too")
    if programme:
        _programme(db, to_filters(filters), fmt, html_file)
        return
    with open_history(db) as h:
        rows = read_drills(h, to_filters(filters))
    found = trends(rows, by)
    if fmt == "json":
        sys.stdout.write(json.dumps({"schema": 1, "trends": [asdict(t) for t in found]}, indent=2) + "\n")
        return
    left_out = sum(r.facilitator_ended for r in rows)
    if not found:
        click.echo("No drills recorded yet." if not rows else "Only drills ended by the facilitator: no trends.")
        return
    for t in found:
        click.echo(f"{t.who} · {t.scenario}: {t.span}")
        click.echo(f"  score  {spark(list(t.scores))}  {t.score_change}")
        for name, values in (("MTTA", t.mtta), ("MTTR", t.mttr)):
            known = [v for v in values if v is not None]
            if known:
                click.echo(f"  {name}   {spark(known, 0, max(known))}  {first_to_last(known, _minutes)}")
    if left_out:
        click.echo(f"\n{left_out} drill{'s' if left_out != 1 else ''} ended by the facilitator, not counted.")


def _programme(db: str | None, filters: Filters, fmt: str, html_file: Path | None = None) -> None:
    from scoring.store.queries import programme

    with open_history(db) as h:
        try:
            rows = programme(h.store, filters)
        except HistoryError as exc:
            raise click.ClickException(str(exc)) from None
    if html_file is not None:
        from scoring.report_programme import render_programme

        named = (("trainee", filters.trainee), ("team", filters.team), ("scenario", filters.scenario))
        note = "; ".join([f"{k} {v}" for k, v in named if v] + ([f"since {filters.since}"] if filters.since else []))
        note = f"Only {note}." if note else ""
        try:
            html_file.write_text(render_programme(rows, note=note), encoding="utf-8", newline="\n")
        except OSError as exc:
            raise click.ClickException(f"cannot write {html_file}: {exc.strerror or exc}") from None
        click.echo(f"wrote {html_file}", err=True)
    if fmt == "json":
        data = {"schema": 1, "rows": [r.to_json() for r in rows]}
        sys.stdout.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    if not rows:
        click.echo("No drills recorded yet." if not any(vars_of(filters)) else "No drills match those filters.")
        return
    click.echo(programme_table(rows))


def vars_of(filters: Filters) -> list[object]:
    return [filters.trainee, filters.team, filters.scenario, filters.since]


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def programme_table(rows: list[ProgrammeRow]) -> str:
    """One line per team, month and scenario; `met` is the share of drills that met the MTTA, MTTM and MTTR
    targets; items are those opened (+) and closed (-) that month."""
    head = (f"{'TEAM':12} {'MONTH':7}  {'SCENARIO':22} {'DRILLS':>6} {'SCORE':>5}  {'MTTA':6} {'MTTM':6} {'MTTR':6}"
            f"  {'MET A/M/R':14} ITEMS")  # fmt: skip
    lines = [head]
    for r in rows:
        score = "—" if r.score is None else f"{r.score:.1f}"
        met = "/".join(_share(v) for v in (r.met_mtta, r.met_mttm, r.met_mttr))
        lines.append(
            f"{(r.team or '(none)')[:12]:12} {r.month:7}  {r.scenario[:22]:22} {r.drills:>6} {score:>5}  "
            f"{_minutes(r.mtta):6} {_minutes(r.mttm):6} {_minutes(r.mttr):6}  {met:14} "
            f"+{r.items_opened} -{r.items_closed}"
        )
    return "\n".join(lines)
