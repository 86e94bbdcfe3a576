"""Stored drills: storing one (its rows, criteria and improvement items in one transaction, once whatever the
number of writers), reading them back checked, and putting answers on a stored drill."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, literal, select, update

from scoring.store.db import Store, insert_ignoring_duplicates
from scoring.store.plan import record_items
from scoring.store.records import CriterionRow, DrillRow, Filters, HistoryError, ItemLike, journal_sha256
from scoring.store.tables import criteria, drills
from sim.format.text import printable_json

KPIS = ("mtta", "mtti", "mttm", "mttr")
# SQLite's INTEGER range (PostgreSQL's BIGINT is the same): seeds outside it cannot be stored.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
_LISTED = [c for c in drills.c if c.name != "journal"]


class Damaged(ValueError):
    """A stored row whose values are not what warroom writes (the file was edited or damaged)."""


def _values(row: DrillRow, sha: str, key: str) -> dict[str, Any]:
    return {
        "trainee": row.trainee, "team": row.team, "scenario_id": row.scenario_id, "scenario_hash": row.scenario_hash,
        "playbook": row.playbook, "seed": row.seed, "started_at": row.started_at, "sim_duration": row.sim_duration,
        "score": row.score, "grade": row.grade, "passed": int(row.passed), "end_reason": row.end_reason,
        "ended_by": row.ended_by, "kpis": json.dumps(row.kpis, sort_keys=True),
        "answers": json.dumps(list(row.answers)), "journal": row.journal, "journal_sha256": sha, "drill_key": key,
        "kind": row.kind, "role": row.role,
        **{k: _finite(row.kpis.get(k)) for k in KPIS},
        **{f"{k}_met": None if row.met.get(k) is None else int(bool(row.met[k])) for k in KPIS},
    }  # fmt: skip


def _finite(value: object) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None  # type: ignore[arg-type]


def add_drill(store: Store, rows: Sequence[DrillRow], items: Sequence[ItemLike] = ()) -> int:
    """Store one drill: its rows (a solo drill's one, or a team's and each person's; the first row is the one
    whose id is returned and which holds the journal), their criteria, and the improvement items its debrief
    raised. A drill already stored (the same first row: trainee, scenario, seed, journal and kind) is not
    stored again, and its id is returned."""
    first = rows[0]
    sha = journal_sha256(first.journal)
    key = first.drill_key or sha
    for row in rows:
        if not INT_MIN <= row.seed <= INT_MAX:
            raise HistoryError(f"{store.where}: seed {row.seed} is outside the range a history can store")
    with store.write() as conn:
        first_id = None
        for row in rows:
            got = insert_ignoring_duplicates(conn, drills, _values(row, sha, key)).scalar()
            if got is None:
                if first_id is None:  # the drill is stored already: every row of it went in together
                    return _existing(conn, first, sha)
                raise HistoryError(f"{store.where}: two people of one drill share the name {row.trainee!r}")
            first_id = first_id or got
            if row.criteria:
                conn.execute(
                    criteria.insert(),
                    [{"drill_id": got, "criterion": c.criterion, "category": c.category, "result": c.result,
                      "points": c.points, "max_points": c.max_points, "explanation": c.explanation, "seq": i}
                     for i, c in enumerate(row.criteria)],
                )  # fmt: skip
        assert first_id is not None
        if items:
            record_items(conn, first, first_id, items)
    return first_id


def _existing(conn: Connection, row: DrillRow, sha: str) -> int:
    found = conn.execute(
        select(drills.c.id).where(
            drills.c.trainee == row.trainee, drills.c.scenario_id == row.scenario_id, drills.c.seed == row.seed,
            drills.c.journal_sha256 == sha, drills.c.kind == row.kind,
        )
    ).scalar()  # fmt: skip
    return int(found)  # type: ignore[arg-type]


def set_answers(store: Store, drill_id: int, answers: tuple[str, ...], journal: str) -> None:
    """Answers and the journal that now ends with them on a stored drill; every row of the drill takes the new
    journal's key, so storing the drill again finds it."""
    with store.write() as conn:
        key = conn.execute(select(drills.c.drill_key).where(drills.c.id == drill_id)).scalar()
        if key:
            conn.execute(update(drills).where(drills.c.drill_key == key).values(journal_sha256=journal_sha256(journal)))
        conn.execute(
            update(drills)
            .where(drills.c.id == drill_id)
            .values(answers=json.dumps(list(answers)), journal=journal, journal_sha256=journal_sha256(journal))
        )


def where(filters: Filters) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for column, value in ((drills.c.trainee, filters.trainee), (drills.c.team, filters.team),
                          (drills.c.scenario_id, filters.scenario)):  # fmt: skip
        if value is not None:
            clauses.append(column == value)
    if filters.since is not None:
        clauses.append(drills.c.started_at >= filters.since)  # ISO 8601 compares as text
    if filters.kinds is not None:
        clauses.append(drills.c.kind.in_(filters.kinds))
    return clauses


def list_drills(store: Store, filters: Filters, with_journal: bool) -> tuple[list[DrillRow], list[str]]:
    """The drills matching `filters`, oldest first, and one line per damaged row skipped."""
    clauses = where(filters)
    # Journals are large; listings leave them out unless asked for.
    journal = drills.c.journal if with_journal else literal("").label("journal")
    with store.read() as conn:
        found = conn.execute(select(*_LISTED, journal).where(*clauses).order_by(drills.c.started_at, drills.c.id))
        rows = [dict(r._mapping) for r in found]
        ids = select(drills.c.id).where(*clauses) if clauses else None
        crit = select(criteria).order_by(criteria.c.drill_id, criteria.c.seq)
        by_drill: dict[Any, list[list[Any]]] = {}
        for c in conn.execute(crit.where(criteria.c.drill_id.in_(ids)) if ids is not None else crit):
            by_drill.setdefault(c.drill_id, []).append(list(c[1:7]))
    out, damaged = [], []
    for data in rows:
        try:
            out.append(_row(data, by_drill.get(data["id"], []), with_journal))
        except Damaged as exc:
            damaged.append(f"drill {printable_json(data['id'])}: {exc}; skipped")
    return out, damaged


def get_drill(store: Store, drill_id: int) -> DrillRow | None:
    """One drill with its journal (a person's row of a team drill reads its team's); None when there is none."""
    with store.read() as conn:
        found = conn.execute(select(drills).where(drills.c.id == drill_id)).first()
        if found is None:
            return None
        data = dict(found._mapping)
        if data.get("kind") == "person" and data.get("journal") == "":
            team = select(drills.c.journal).where(
                and_(drills.c.drill_key == data["drill_key"], drills.c.kind == "team")
            )
            data["journal"] = conn.execute(team).scalar() or ""
        crit = conn.execute(select(criteria).where(criteria.c.drill_id == drill_id).order_by(criteria.c.seq)).fetchall()
    try:
        return _row(data, [list(c[1:7]) for c in crit], with_journal=True)
    except Damaged as exc:
        raise HistoryError(f"{store.where}: drill {drill_id} is damaged: {exc}") from None


def _row(r: dict[str, Any], crit: list[list[Any]], with_journal: bool) -> DrillRow:
    """A stored row as a DrillRow; raises Damaged when a value is not what warroom writes."""
    # The database can be edited by hand: its text is shown, never obeyed (sim.format.text).
    r = printable_json(r)
    crit = [printable_json(c) for c in crit]
    texts = ["trainee", "team", "scenario_id", "scenario_hash", "playbook", "started_at", "grade", "end_reason",
             "ended_by", "kind", "role", "drill_key"]  # fmt: skip
    for name in [*texts, "journal"] if with_journal else texts:
        _text(r[name], name)
    for name in ("score", "sim_duration"):
        _number(r[name], name)
    for name in ("seed", "passed"):
        if not isinstance(r[name], int) or isinstance(r[name], bool):
            raise Damaged(f"{name} is not a whole number")
    kpis = _json(r["kpis"], "kpis", dict)
    for name, value in kpis.items():
        if value is not None:
            _number(value, f"kpi {name}")
    answers = _json(r["answers"], "answers", list)
    for answer in answers:
        _text(answer, "an answer")
    for c in crit:
        for value, name in zip(c, ("criterion", "category", "result"), strict=False):
            _text(value, f"criterion {name}")
        _text(c[5], "criterion explanation")
        _number(c[3], "criterion points")
        _number(c[4], "criterion max_points")
    met = {k: None if r.get(f"{k}_met") is None else bool(r[f"{k}_met"]) for k in KPIS}
    return DrillRow(
        id=r["id"], trainee=r["trainee"], team=r["team"], scenario_id=r["scenario_id"],
        scenario_hash=r["scenario_hash"], playbook=r["playbook"], seed=r["seed"], started_at=r["started_at"],
        sim_duration=r["sim_duration"], score=r["score"], grade=r["grade"], passed=bool(r["passed"]),
        end_reason=r["end_reason"], ended_by=r["ended_by"], kpis=kpis, answers=tuple(answers),
        journal=r["journal"] if with_journal else "", criteria=tuple(CriterionRow(*c) for c in crit),
        kind=r["kind"], role=r["role"], drill_key=r["drill_key"], met=met,
    )  # fmt: skip


def _text(value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise Damaged(f"{name} is not text")


def _number(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Damaged(f"{name} is not a number")


def _json(value: Any, name: str, kind: type) -> Any:
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if not isinstance(data, kind):
        raise Damaged(f"{name} is not a JSON {'object' if kind is dict else 'list'}")
    return data
