"""Bringing a history to the newest schema: Alembic's revisions (migrations/versions) on both engines, after the
raw steps that take an old SQLite file to schema 3 (legacy.py), and a backup of such a file first.

Revision ids are schema numbers ("0003" is schema 3): an SQLite file also keeps the number in `user_version`,
so a warroom from before Alembic still sees that a newer one wrote the file, and refuses it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import Connection, text

from scoring.store.engine import create_private
from scoring.store.legacy import LEGACY_VERSION, MIGRATIONS, statements
from scoring.store.records import SCHEMA_VERSION

VERSION_TABLE = "warroom_version"  # not Alembic's default: another application's alembic_version is not ours

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# `PRAGMA application_id` of a warroom history ("WRMH"), set from schema 2 on; also PostgreSQL's advisory lock
# key while one process migrates.
APPLICATION_ID = 0x57524D48


def has_table(conn: Connection, name: str) -> bool:
    if conn.dialect.name == "sqlite":
        found = conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :n"), {"n": name})
    else:
        found = conn.execute(text("SELECT to_regclass(:n)"), {"n": f"public.{name}"})
        return found.scalar() is not None
    return found.first() is not None


def alembic_version(conn: Connection) -> int | None:
    """The schema number Alembic recorded; None when it has recorded none (a new or a pre-Alembic database)."""
    if not has_table(conn, VERSION_TABLE):
        return None
    rev = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    return int(rev) if isinstance(rev, str) and rev.isdigit() else None


def backup_sqlite(path: Path, version: int) -> Path:
    """A copy of the file as it is, made with SQLite's online backup (consistent while others write), beside
    it and as private as it: `history.db.schema3.bak` (a number added when that name is taken)."""
    n, target = 0, path.with_name(f"{path.name}.schema{version}.bak")
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.schema{version}.{n}.bak")
    create_private(target)
    src = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    return target


def upgrade(conn: Connection, current: int) -> None:
    """From schema `current` (0: nothing yet) to SCHEMA_VERSION, in the caller's transaction, which holds the
    database's write lock (SQLite) or the advisory lock (PostgreSQL)."""
    from alembic import command  # only a database that needs migrating pays for importing Alembic
    from alembic.config import Config

    stamp = None
    if conn.dialect.name == "sqlite" and 0 < current <= LEGACY_VERSION and alembic_version(conn) is None:
        for step in MIGRATIONS[current:]:
            for statement in statements(step):
                conn.exec_driver_sql(statement)
        stamp = f"{LEGACY_VERSION:04d}"
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    if stamp is not None:
        command.stamp(cfg, stamp)
    command.upgrade(cfg, "head")
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
