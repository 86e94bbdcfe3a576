"""The programme's trends, aggregated by the database: per team, month and scenario, the drills, mean score and
response times, the share that met each playbook target, and the improvement items opened and closed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Select, cast, func, select

from scoring.store.db import Store
from scoring.store.drills import where
from scoring.store.records import FACILITATOR, Filters
from scoring.store.tables import drills, plan_items
from scoring.trends import ProgrammeRow

# One row per drill: a team drill counts once (its team's row), not once per person.
COUNTED = ("solo", "team")


def month_of(column: Any) -> Any:
    return func.substr(column, 1, 7)  # ISO 8601: YYYY-MM


def drills_query(filters: Filters) -> Select[Any]:
    """The drill aggregates: one SELECT … GROUP BY team, month, scenario."""
    month = month_of(drills.c.started_at).label("month")
    return (
        select(
            drills.c.team, month, drills.c.scenario_id, func.count().label("drills"),
            func.avg(drills.c.score).label("score"),
            *(func.avg(drills.c[k]).label(k) for k in ("mtta", "mttm", "mttr")),
            *(func.avg(cast(drills.c[f"{k}_met"], Float)).label(f"met_{k}") for k in ("mtta", "mttm", "mttr")),
        )
        .where(*where(filters), drills.c.kind.in_(COUNTED), drills.c.ended_by != FACILITATOR)
        .group_by(drills.c.team, month, drills.c.scenario_id)
    )  # fmt: skip


def _items_query(column: Any, filters: Filters) -> Select[Any]:
    month = month_of(column).label("month")
    clauses = [column.is_not(None)]
    if filters.team is not None:
        clauses.append(plan_items.c.team == filters.team)
    if filters.scenario is not None:
        clauses.append(plan_items.c.scenario_id == filters.scenario)
    if filters.since is not None:
        clauses.append(column >= filters.since)
    return (
        select(plan_items.c.team, month, plan_items.c.scenario_id, func.count())
        .where(*clauses)
        .group_by(plan_items.c.team, month, plan_items.c.scenario_id)
    )


def programme(store: Store, filters: Filters | None = None) -> list[ProgrammeRow]:
    """Rows sorted by team, month and scenario (`Filters.trainee` is not a programme filter and is ignored)."""
    f = filters or Filters()
    filters = Filters(team=f.team, scenario=f.scenario, since=f.since)
    out: dict[tuple[str, str, str], ProgrammeRow] = {}
    with store.read() as conn:
        for r in conn.execute(drills_query(filters)):
            out[r.team, r.month, r.scenario_id] = ProgrammeRow(
                team=r.team, month=r.month, scenario=r.scenario_id, drills=r.drills, score=_f(r.score),
                mtta=_f(r.mtta), mttm=_f(r.mttm), mttr=_f(r.mttr),
                met_mtta=_f(r.met_mtta), met_mttm=_f(r.met_mttm), met_mttr=_f(r.met_mttr),
            )  # fmt: skip
        for opened, column in ((True, plan_items.c.opened_at), (False, plan_items.c.closed_at)):
            for team, month, scenario, n in conn.execute(_items_query(column, filters)):
                key = (team, month, scenario)
                row = out.get(key) or ProgrammeRow(team=team, month=month, scenario=scenario)
                out[key] = row._replace(items_opened=int(n)) if opened else row._replace(items_closed=int(n))
    return [out[k] for k in sorted(out)]


def _f(value: Any) -> float | None:
    return None if value is None else float(value)
