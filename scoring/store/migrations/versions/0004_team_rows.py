"""Schema 4: one row per participant of a team drill (kind, role, a key the drill's rows share), the KPIs
with whether each met its playbook target as columns, so trends are computed in SQL, and criteria in order.

Revision ID: 0004
Revises: 0003
"""

import json
import math

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KPIS = ("mtta", "mtti", "mttm", "mttr")


def upgrade() -> None:
    op.add_column("drills", sa.Column("drill_key", sa.Text, nullable=False, server_default=""))
    op.add_column("drills", sa.Column("kind", sa.Text, nullable=False, server_default="solo"))
    op.add_column("drills", sa.Column("role", sa.Text, nullable=False, server_default=""))
    for k in KPIS:
        op.add_column("drills", sa.Column(k, sa.Float))
    for k in KPIS:
        op.add_column("drills", sa.Column(f"{k}_met", sa.Integer))
    # A drill is one row per kind and person: the team's row and a person's may share a name.
    op.drop_index("drills_once", "drills")
    op.create_index("drills_once", "drills", ["trainee", "scenario_id", "seed", "journal_sha256", "kind"], unique=True)
    op.create_index("drills_key", "drills", ["drill_key"])
    op.create_index("drills_programme", "drills", ["kind", "team", "started_at"])
    # The scorecard's order of a drill's criteria, which SQLite kept as rowids and PostgreSQL keeps nowhere.
    op.add_column("criteria", sa.Column("seq", sa.Integer, nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("UPDATE criteria SET seq = rowid")
    _backfill()


def _backfill() -> None:
    """Rows stored before: each is a solo drill keyed by its journal; KPI values from its JSON (targets were not
    kept, so whether they were met stays unknown). A value that is not a number stays NULL."""
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE drills SET drill_key = journal_sha256"))
    drills = sa.table("drills", sa.column("id"), *(sa.column(k) for k in KPIS))
    updates = []
    for drill_id, kpis in conn.execute(sa.text("SELECT id, kpis FROM drills")):
        try:
            data = json.loads(kpis)
        except (TypeError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        values = {k: _number(data.get(k)) for k in KPIS}
        if any(v is not None for v in values.values()):
            updates.append({"drill": drill_id, **values})
    if updates:
        stmt = drills.update().where(drills.c.id == sa.bindparam("drill"))
        conn.execute(stmt.values({k: sa.bindparam(k) for k in KPIS}), updates)


def _number(value: object) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return float(value) if ok else None  # type: ignore[arg-type]
