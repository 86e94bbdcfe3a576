"""One open history: its engine and the one connection a command holds, checked to be warroom's (a foreign
file or database is refused and left alone) and migrated to the newest schema on opening."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Table, TextClause, text
from sqlalchemy.exc import SQLAlchemyError

from scoring.store.engine import create_private, explain, is_url, postgres_engine, shown, sqlite_engine
from scoring.store.migrate import APPLICATION_ID, alembic_version, backup_sqlite, has_table, upgrade
from scoring.store.records import SCHEMA_VERSION, HistoryError


class Store:
    """A history database, SQLite or PostgreSQL. `create=False`: one that does not exist is an error, and
    nothing is created. Raises HistoryError, with a sentence fit to show, for anything that stops its use."""

    def __init__(self, db: Path | str, *, timeout: float = 10.0, create: bool = True) -> None:
        self.where = shown(db)
        self.backup: Path | None = None  # the copy made before migrating an older SQLite file
        self._engine: Engine | None = None
        self._conn: Connection | None = None
        try:
            if isinstance(db, str) and "://" in db and not is_url(db):
                raise HistoryError(f"{self.where}: a history is a file or a postgresql:// URL; no other database")
            if is_url(db):
                self._open_postgres(str(db), timeout, create)
            else:
                self._open_sqlite(Path(db), timeout, create)
        except HistoryError:
            self.close()
            raise
        except (SQLAlchemyError, sqlite3.DatabaseError) as exc:
            self.close()
            raise HistoryError(explain(self.where, exc)) from None
        except OSError as exc:
            self.close()
            raise HistoryError(f"{self.where}: cannot open the history database: {exc.strerror or exc}") from None

    @property
    def conn(self) -> Connection:
        assert self._conn is not None, "history is closed"
        return self._conn

    @property
    def dialect(self) -> str:
        return self.conn.dialect.name

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One transaction that reads a consistent snapshot."""
        try:
            with self.conn.begin():
                yield self.conn
        except SQLAlchemyError as exc:
            raise HistoryError(explain(self.where, exc)) from None

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that writes; on SQLite it takes the write lock up front (BEGIN IMMEDIATE), so
        concurrent writers queue instead of failing mid-way."""
        self.conn.info["write"] = True
        try:
            with self.conn.begin():
                yield self.conn
        except SQLAlchemyError as exc:
            raise HistoryError(explain(self.where, exc)) from None
        finally:
            self.conn.info["write"] = False

    def version(self) -> int:
        with self.read() as conn:
            return self._version(conn)

    def _version(self, conn: Connection) -> int:
        if conn.dialect.name == "sqlite":
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
        return alembic_version(conn) or 0

    # -- SQLite -----------------------------------------------------------------------------------------

    def _open_sqlite(self, path: Path, timeout: float, create: bool) -> None:
        if not path.exists():
            if not create:
                raise HistoryError(
                    f"{path}: no history database here (no drill has been stored at this path); "
                    "check --db or WARROOM_DB. Nothing was created."
                )
            create_private(path)
        self._engine = sqlite_engine(path, timeout)
        self._conn = self._engine.connect()
        raw = self._conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        version = raw.execute("PRAGMA user_version").fetchone()[0]
        self._check_sqlite_is_ours(raw, version)  # before WAL mode, which would change another program's file
        self._refuse_newer(version)
        if 0 < version < SCHEMA_VERSION:
            self.backup = backup_sqlite(path, version)  # the file exactly as it was, before even WAL mode
        raw.execute("PRAGMA journal_mode = WAL")
        if version == SCHEMA_VERSION:
            return
        with self.write() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = self._version(conn)
            self._check_sqlite_is_ours(raw, version)
            if version < SCHEMA_VERSION:
                upgrade(conn, version)

    def _check_sqlite_is_ours(self, raw: sqlite3.Connection, version: int) -> None:
        """Refuse (and leave untouched) an SQLite file some other program made."""
        app = raw.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            name
            for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        }
        # Schema 1 set no application id; from schema 2 on, every warroom history has it.
        ours = app == APPLICATION_ID or (
            app == 0 and ((version == 0 and not tables) or (version == 1 and {"drills", "criteria"} <= tables))
        )
        if not ours:
            raise HistoryError(
                f"{self.where}: this SQLite file is not a warroom history database, so it is left alone; "
                "pass --db PATH (or set WARROOM_DB) to a history database or a new file"
            )

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.where}: this history database was written by a newer warroom "
                f"(schema {version}; this version understands up to {SCHEMA_VERSION}). Upgrade warroom to read it."
            )

    # -- PostgreSQL -------------------------------------------------------------------------------------

    def _open_postgres(self, url: str, timeout: float, create: bool) -> None:
        self._engine = postgres_engine(url, timeout)
        self._conn = self._engine.connect()
        with self.read() as conn:
            version = alembic_version(conn)
            foreign = version is None and has_table(conn, "drills")
        if foreign:
            raise HistoryError(
                f"{self.where}: this PostgreSQL database has a `drills` table that is not warroom's, so it is left "
                "alone; give warroom a database of its own"
            )
        if version is None and not create:
            raise HistoryError(
                f"{self.where}: no warroom history in this database yet (no drill has been stored in it); "
                "check --db or WARROOM_DB. Nothing was created."
            )
        self._refuse_newer(version or 0)
        if version == SCHEMA_VERSION:
            return
        with self.write() as conn:
            # One process migrates; the others wait here, then find the work done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLICATION_ID})
            version = alembic_version(conn) or 0
            if version < SCHEMA_VERSION:
                upgrade(conn, version)


def insert_ignoring_duplicates(
    conn: Connection, table: Table, values: dict[str, Any], returning: bool = True
) -> CursorResult[Any]:
    """INSERT … ON CONFLICT DO NOTHING [RETURNING id]: the unique indexes decide what is a duplicate, atomically,
    even between writers that check at the same moment. The same SQL on SQLite (3.35+) and PostgreSQL."""
    return conn.execute(_ignoring(table.name, tuple(values), returning), values)


@functools.cache
def _ignoring(table: str, columns: tuple[str, ...], returning: bool) -> TextClause:
    # Written out, not built with the dialects' insert().on_conflict_do_nothing(): SQLAlchemy 2.0 cannot cache
    # those, and compiling the statement again for every drill halved the throughput of 8 writers (H2).
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"
    return text(sql + " ON CONFLICT DO NOTHING" + (" RETURNING id" if returning else ""))
