"""The improvement plan (HSEEP AAR/IP): items opened from a stored drill's debrief, one open item per team and
weakness (a drill that shows it again links to it), listed, assigned and closed by `warroom plan`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from sqlalchemy import Connection, select, update

from scoring.store.db import Store, insert_ignoring_duplicates
from scoring.store.records import DrillRow, ItemLike
from scoring.store.tables import plan_items, plan_links
from sim.format.text import printable_json

STATUSES = ("open", "closed")


class PlanItem(NamedTuple):
    id: int
    key: str  # the weakness, the same from one drill to the next (scoring.improvement.ImprovementItem.key)
    team: str  # the drill's team; a drill without one files its items under the trainee's name
    issue: str
    corrective_action: str
    element: str  # planning, organisation, equipment, training, exercise
    criterion: str
    priority: str  # P0, P1, P2
    owner: str
    due: str  # YYYY-MM-DD, or ""
    status: str  # open, closed
    opened_at: str
    closed_at: str | None
    drill_id: int | None  # the drill that opened it
    scenario: str
    drills: tuple[int, ...]  # every drill that showed the weakness, the first first

    def to_json(self) -> dict[str, Any]:
        return self._asdict() | {"drills": list(self.drills)}


def plan_team(row: DrillRow) -> str:
    return row.team or row.trainee


def record_items(conn: Connection, row: DrillRow, drill_id: int, items: Sequence[ItemLike]) -> None:
    """Open an item for each weakness the drill showed, or link the drill to the team's item already open for it.
    The partial unique index (one open item per team and key) settles two writers opening the same one."""
    team = plan_team(row)
    for item in items:
        got = insert_ignoring_duplicates(
            conn,
            plan_items,
            {"key": item.key, "team": team, "issue": item.issue, "corrective_action": item.corrective_action,
             "element": item.element, "criterion": item.criterion, "priority": item.priority, "owner": item.owner,
             "due": _due(row.started_at, item.due_days), "status": "open", "opened_at": row.started_at,
             "drill_id": drill_id, "scenario_id": row.scenario_id},
        ).scalar()  # fmt: skip
        if got is None:
            got = conn.execute(
                select(plan_items.c.id).where(
                    plan_items.c.team == team, plan_items.c.key == item.key, plan_items.c.status == "open"
                )
            ).scalar()
        if got is not None:
            insert_ignoring_duplicates(conn, plan_links, {"item_id": got, "drill_id": drill_id}, returning=False)


def _due(started_at: str, days: int) -> str:
    try:
        return (dt.date.fromisoformat(started_at[:10]) + dt.timedelta(days=days)).isoformat()
    except ValueError:
        return ""


def items(
    store: Store, *, team: str | None = None, status: str | None = "open", ids: Sequence[int] | None = None
) -> list[PlanItem]:
    """Items oldest first; `status` None for every item."""
    query = select(plan_items).order_by(plan_items.c.opened_at, plan_items.c.id)
    if ids is not None:
        query = query.where(plan_items.c.id.in_(ids))
    if team is not None:
        query = query.where(plan_items.c.team == team)
    if status is not None:
        query = query.where(plan_items.c.status == status)
    with store.read() as conn:
        found = [dict(r._mapping) for r in conn.execute(query)]
        links: dict[int, list[int]] = {}
        ids = [r["id"] for r in found]
        if ids:
            linked = select(plan_links).where(plan_links.c.item_id.in_(ids)).order_by(plan_links.c.drill_id)
            for item_id, drill_id in conn.execute(linked):
                links.setdefault(item_id, []).append(drill_id)
    return [_item(r, links.get(r["id"], [])) for r in found]


def _item(r: dict[str, Any], drills: list[int]) -> PlanItem:
    # The database can be edited by hand: its text is shown, never obeyed (sim.format.text).
    r = printable_json(dict(r))
    scenario = r.pop("scenario_id")
    return PlanItem(**r, scenario=scenario, drills=tuple(drills))


def get(store: Store, item_id: int) -> PlanItem | None:
    found = items(store, status=None, ids=(item_id,))
    return found[0] if found else None


def assign(store: Store, item_id: int, *, owner: str | None = None, due: str | None = None) -> bool:
    """Set an item's owner and due date (each only when given); False when there is no such item."""
    values = {k: v for k, v in (("owner", owner), ("due", due)) if v is not None}
    with store.write() as conn:
        query = update(plan_items).where(plan_items.c.id == item_id)
        return conn.execute(query.values(**values) if values else query.values(id=item_id)).rowcount == 1


def close(store: Store, item_id: int, at: str) -> bool:
    """Close an open item at `at` (ISO 8601 UTC); False when there is no open item with that id. A drill that
    shows the weakness again afterwards opens a new item."""
    with store.write() as conn:
        query = update(plan_items).where(plan_items.c.id == item_id, plan_items.c.status == "open")
        return conn.execute(query.values(status="closed", closed_at=at)).rowcount == 1
