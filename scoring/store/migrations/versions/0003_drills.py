"""Schema 3: the drills and their criteria, as warroom's SQLite history had them before Alembic (the raw
migrations in scoring.store.legacy reach the same point on an old file, which is then stamped 0003).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("trainee", sa.Text, nullable=False),
        sa.Column("team", sa.Text, nullable=False, server_default=""),
        sa.Column("scenario_id", sa.Text, nullable=False),
        sa.Column("scenario_hash", sa.Text, nullable=False),
        sa.Column("playbook", sa.Text, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("started_at", sa.Text, nullable=False),
        sa.Column("sim_duration", sa.Float, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("grade", sa.Text, nullable=False),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("end_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("kpis", sa.Text, nullable=False),
        sa.Column("answers", sa.Text, nullable=False, server_default="[]"),
        sa.Column("journal", sa.Text, nullable=False),
        sa.Column("journal_sha256", sa.Text, nullable=False, server_default=""),
        sa.Column("ended_by", sa.Text, nullable=False, server_default=""),
        sqlite_autoincrement=True,
    )
    op.create_index("drills_trainee", "drills", ["trainee", "started_at"])
    op.create_index("drills_team", "drills", ["team", "started_at"])
    op.create_index("drills_scenario", "drills", ["scenario_id", "started_at"])
    op.create_index("drills_once", "drills", ["trainee", "scenario_id", "seed", "journal_sha256"], unique=True)
    op.create_table(
        "criteria",
        sa.Column("drill_id", sa.Integer, sa.ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("criterion", sa.Text, primary_key=True),
        sa.Column("category", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("max_points", sa.Float, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
    )
