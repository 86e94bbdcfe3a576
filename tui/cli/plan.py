"""`warroom plan`: the improvement plan (HSEEP AAR/IP) that debriefs feed: list, assign and close its items."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from tui.cli.history import db_option, open_history

T = TypeVar("T")
STATUS = click.Choice(["open", "closed", "all"])


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter("a date is YYYY-MM-DD") from None


@click.group(invoke_without_command=True)
@db_option
@click.option("--team", help="Only this team's items (a drill without a team files them under the trainee).")
@click.option("--status", type=STATUS, default="open", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def plan(ctx: click.Context, db: str | None, team: str | None, status: str, fmt: str) -> None:
    """The improvement plan: one item per weakness a team showed in a drill (the debrief's action items), with
    its corrective action, capability element, owner and due date. A drill that shows the same weakness again
    is linked to the open item. Subcommands assign and close items."""
    ctx.obj = db
    if ctx.invoked_subcommand is not None:
        return
    from scoring.store import plan as store_plan

    with open_history(db) as h:
        found = _call(lambda: store_plan.items(h.store, team=team, status=None if status == "all" else status))
    if fmt == "json":
        sys.stdout.write(json.dumps({"schema": 1, "items": [i.to_json() for i in found]}, indent=2) + "\n")
        return
    if not found:
        click.echo("No improvement items." if status != "open" else "No open improvement items.")
        return
    click.echo(f"{'ID':>4}  {'TEAM':12} {'STATUS':6} {'PRI':3} {'ELEMENT':12} {'OWNER':12} {'DUE':10}  ISSUE")
    for i in found:
        click.echo(
            f"{i.id:>4}  {i.team[:12]:12} {i.status:6} {i.priority:3} {i.element[:12]:12} {(i.owner or '—')[:12]:12} "
            f"{i.due or '—':10}  {i.issue}"
        )
        seen = ", ".join(str(d) for d in i.drills)
        click.echo(f"{'':6}→ {i.corrective_action}  (drill{'s' if len(i.drills) != 1 else ''} {seen or '—'})")


@plan.command()
@click.argument("item_id", type=int)
@click.option("--owner", help="Who is responsible for the corrective action.")
@click.option("--due", callback=_date, metavar="DATE", help="When it is due (YYYY-MM-DD).")
@click.pass_obj
def assign(db: str | None, item_id: int, owner: str | None, due: str | None) -> None:
    """Give an item an owner and a due date."""
    from scoring.store import plan as store_plan

    if owner is None and due is None:
        raise click.UsageError("give --owner, --due or both")
    with open_history(db) as h:
        if not _call(lambda: store_plan.assign(h.store, item_id, owner=owner, due=due)):
            raise click.ClickException(f"no improvement item {item_id}; `warroom plan --status all` lists them")
    click.echo(f"Item {item_id}: " + ", ".join(f"{k} {v}" for k, v in (("owner", owner), ("due", due)) if v))


@plan.command()
@click.argument("item_id", type=int)
@click.pass_obj
def close(db: str | None, item_id: int) -> None:
    """Close an item whose corrective action is done. The same weakness in a later drill opens a new item."""
    from scoring.store import plan as store_plan

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with open_history(db) as h:
        if not _call(lambda: store_plan.close(h.store, item_id, now)):
            raise click.ClickException(f"no open improvement item {item_id}; `warroom plan` lists them")
    click.echo(f"Item {item_id} closed.")


def _call(do: Callable[[], T]) -> T:
    from scoring.history import HistoryError

    try:
        return do()
    except HistoryError as exc:
        raise click.ClickException(str(exc)) from None
