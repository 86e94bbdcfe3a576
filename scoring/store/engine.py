"""Where a history lives: a file (SQLite) or a `postgresql://` URL, the engine for each, and the one place that
turns a driver's error into a sentence fit to show a trainee (never a traceback, never a password)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from scoring.store.records import HistoryError, ended_by, journal_sha256, shown

POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_url(db: str | Path) -> bool:
    """A PostgreSQL URL, as opposed to a path (a path never has `://`)."""
    return isinstance(db, str) and db.startswith(POSTGRES_SCHEMES)


def postgres_engine(url: str, timeout: float) -> Engine:
    """psycopg 3 whatever driver the URL names (`postgresql://` means psycopg2 to SQLAlchemy)."""
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1)).set(drivername="postgresql+psycopg")
    except ArgumentError:
        raise HistoryError(f"{shown(url)}: not a PostgreSQL URL (postgresql://USER@HOST/DATABASE)") from None
    # NullPool: a command holds one connection for its life; a pool would only keep idle sessions on the server.
    return create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": max(1, int(timeout))})


def sqlite_engine(path: Path, timeout: float) -> Engine:
    """SQLite on an existing file, opened read-write (SQLite never creates it, so never with the umask's
    permissions), with the functions the old migrations call, foreign keys on, and transactions that SQLAlchemy
    begins itself: `BEGIN IMMEDIATE` when `conn.info["write"]` is set, so writers queue instead of failing."""
    uri = path.resolve().as_uri() + "?mode=rw"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.create_function("warroom_sha256", 1, journal_sha256, deterministic=True)
        conn.create_function("warroom_ended_by", 1, ended_by, deterministic=True)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    engine = create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)
    event.listen(engine, "begin", _begin)
    return engine


def _begin(conn: object) -> None:
    # SQLAlchemy's recipe for pysqlite: the driver is in autocommit mode and we say when a transaction starts.
    write = conn.info.get("write")  # type: ignore[attr-defined]
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")  # type: ignore[attr-defined]


def create_private(path: Path) -> None:
    """An empty file only its owner can read: trainees' answers are not for everyone on the machine. SQLite
    gives the -wal and -shm files the database file's permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):  # another process created it meanwhile, with the same permissions
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def explain(where: str, exc: BaseException) -> str:
    """A driver's error as one sentence about the history at `where`."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    low = text.lower()
    for needles, say in _SAYINGS:
        if any(n in low for n in needles):
            return say(where)
    if isinstance(exc, SQLAlchemyError) and not isinstance(exc, DBAPIError):
        text = str(exc).splitlines()[0]
    return f"{where}: history database error: {text}"


_SAYINGS: tuple[tuple[tuple[str, ...], Callable[[str], str]], ...] = (
    (("locked", "busy", "could not obtain lock", "lock timeout"),
     lambda w: f"{w}: the history database is locked by another process; try again when it has finished"),
    (("readonly", "read-only", "read only"),
     lambda w: f"{w}: the history database is read-only; pass --db PATH or set WARROOM_DB to a writable one"),
    (("not a database", "malformed", "file is not a database"),
     lambda w: f"{w}: this file is not a warroom history database (or it is damaged)"),
    (("unique constraint", "duplicate key"), lambda w: f"{w}: that drill is already in the history as another row"),
    (("unable to open",),
     lambda w: f"{w}: cannot open the history database (does the folder exist and is it writable?)"),
    (("password authentication", "no password supplied", "role \"", "authentication failed"),
     lambda w: f"{w}: PostgreSQL refused the login; check the user and password in the URL (or ~/.pgpass)"),
    (("database \"", "does not exist"), lambda w: f"{w}: no such PostgreSQL database; create it first (createdb)"),
    (("permission denied",), lambda w: f"{w}: PostgreSQL denies this user access to warroom's tables"),
    (("connection refused", "could not connect", "connection failed", "timeout expired", "could not translate",
      "name or service not known", "no such file or directory"),
     lambda w: f"{w}: cannot reach the PostgreSQL server; is it running, and is the host and port right?"),
)  # fmt: skip
