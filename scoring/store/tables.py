"""The store's tables as they are at the newest migration (migrations/versions): what the queries are written
against. A migration never imports this module: each describes its own step."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer, MetaData, Table, Text, text

metadata = MetaData()
OPEN = text("status = 'open'")

drills = Table(
    "drills",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("trainee", Text, nullable=False),
    Column("team", Text, nullable=False, server_default=""),
    Column("scenario_id", Text, nullable=False),
    Column("scenario_hash", Text, nullable=False),
    Column("playbook", Text, nullable=False),
    Column("seed", BigInteger, nullable=False),
    Column("started_at", Text, nullable=False),  # wall clock, ISO 8601 UTC: compared and cut as text
    Column("sim_duration", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("grade", Text, nullable=False),
    Column("passed", Integer, nullable=False),
    Column("end_reason", Text, nullable=False, server_default=""),
    Column("kpis", Text, nullable=False),  # JSON object
    Column("answers", Text, nullable=False, server_default="[]"),  # JSON list
    Column("journal", Text, nullable=False),  # the JSONL journal; "" on a person's row of a team drill
    Column("journal_sha256", Text, nullable=False, server_default=""),
    Column("ended_by", Text, nullable=False, server_default=""),
    # schema 4: the rows of one drill (a team's and each person's) share a key; KPIs as columns for the trends
    Column("drill_key", Text, nullable=False, server_default=""),
    Column("kind", Text, nullable=False, server_default="solo"),  # solo, team or person
    Column("role", Text, nullable=False, server_default=""),
    *(Column(k, Float) for k in ("mtta", "mtti", "mttm", "mttr")),
    # 1 met, 0 missed, NULL: no playbook target (or stored before targets were kept)
    *(Column(f"{k}_met", Integer) for k in ("mtta", "mtti", "mttm", "mttr")),
    sqlite_autoincrement=True,
)

criteria = Table(
    "criteria",
    metadata,
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
    Column("criterion", Text, primary_key=True),
    Column("category", Text, nullable=False),
    Column("result", Text, nullable=False),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("seq", Integer, nullable=False, server_default="0"),  # schema 4: the scorecard's order
)

# schema 5: the improvement plan (HSEEP AAR/IP): one item per weakness a team showed, followed up until closed.
plan_items = Table(
    "plan_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False),  # the weakness, the same from one drill to the next
    Column("team", Text, nullable=False),
    Column("issue", Text, nullable=False),
    Column("corrective_action", Text, nullable=False),
    Column("element", Text, nullable=False),  # planning, organisation, equipment, training, exercise
    Column("criterion", Text, nullable=False),
    Column("priority", Text, nullable=False),
    Column("owner", Text, nullable=False, server_default=""),
    Column("due", Text, nullable=False, server_default=""),  # YYYY-MM-DD
    Column("status", Text, nullable=False, server_default="open"),  # open, closed
    Column("opened_at", Text, nullable=False),
    Column("closed_at", Text),
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="SET NULL")),  # the drill that opened it
    Column("scenario_id", Text, nullable=False),
    Index(
        "plan_open_once",
        "team",
        "key",
        unique=True,
        sqlite_where=text("status = 'open'"),
        postgresql_where=text("status = 'open'"),
    ),
    sqlite_autoincrement=True,
)

# Every drill that showed an item's weakness: the one that opened it and those that showed it again.
plan_links = Table(
    "plan_links",
    metadata,
    Column("item_id", Integer, ForeignKey("plan_items.id", ondelete="CASCADE"), primary_key=True),
    Column("drill_id", Integer, ForeignKey("drills.id", ondelete="CASCADE"), primary_key=True),
)
