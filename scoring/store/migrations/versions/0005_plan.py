"""Schema 5: the improvement plan (HSEEP AAR/IP): items opened from debriefs, followed up until closed, and the
drills that showed each item's weakness.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("team", sa.Text, nullable=False),
        sa.Column("issue", sa.Text, nullable=False),
        sa.Column("corrective_action", sa.Text, nullable=False),
        sa.Column("element", sa.Text, nullable=False),
        sa.Column("criterion", sa.Text, nullable=False),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=False, server_default=""),
        sa.Column("due", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="open"),
        sa.Column("opened_at", sa.Text, nullable=False),
        sa.Column("closed_at", sa.Text),
        sa.Column("drill_id", sa.Integer, sa.ForeignKey("drills.id", ondelete="SET NULL")),
        sa.Column("scenario_id", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    # One open item per weakness and team, whatever the number of writers: a drill that shows it again links.
    where = sa.text("status = 'open'")
    op.create_index("plan_open_once", "plan_items", ["team", "key"], unique=True, sqlite_where=where,
                    postgresql_where=where)  # fmt: skip
    op.create_index("plan_team", "plan_items", ["team", "status"])
    op.create_table(
        "plan_links",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("plan_items.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("drill_id", sa.Integer, sa.ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
    )
