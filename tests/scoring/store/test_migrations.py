"""Migrations: an old SQLite history is backed up then brought to the newest schema in place, ending with the
same tables as a new one (and as PostgreSQL's); foreign and newer databases are refused on both engines; the
store is imported only when a history is opened."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from scoring.history import SCHEMA_VERSION, History, HistoryError
from scoring.store.legacy import MIGRATIONS, statements
from tests.scoring.test_history import raw


def _legacy(path: Path, version: int) -> None:
    """A history as warroom wrote it at schema `version` (1 to 3), with one drill."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("warroom_sha256", 1, lambda s: "sha-" + str(len(s)))
    conn.create_function("warroom_ended_by", 1, lambda s: "")
    for step in MIGRATIONS[:version]:
        for statement in statements(step):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT INTO drills (trainee, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration, score,"
        " grade, passed, kpis, journal) VALUES ('ana', 'tutorial', '', 'p', 7, '2026-01-01', 60, 80, 'B', 1,"
        " '{\"mtta\": 65.0, \"mttr\": null}', 'a journal')"
    )
    conn.execute("INSERT INTO criteria VALUES (1, 'ack', 'detection', 'pass', 1, 1, '')")
    conn.execute("INSERT INTO criteria VALUES (1, 'aaa', 'detection', 'pass', 1, 1, '')")
    conn.close()


def _dump(path: Path) -> tuple[int, list[str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0], list(conn.iterdump())
    finally:
        conn.close()


def _schema(url: str) -> dict[str, object]:
    """Tables, their columns (name, nullable) and index names, as SQLAlchemy reads them back."""
    engine = create_engine(url)
    try:
        insp = inspect(engine)
        return {
            # A primary key is never NULL, whether or not its table's SQL says NOT NULL (schema 1's did not).
            t: (sorted((c["name"], c["nullable"] and not c.get("primary_key")) for c in insp.get_columns(t)),
                sorted(str(i["name"]) for i in insp.get_indexes(t)))
            for t in sorted(insp.get_table_names())
        }  # fmt: skip
    finally:
        engine.dispose()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_an_old_sqlite_history_is_backed_up_then_migrated_in_place(tmp_path: Path, version: int) -> None:
    path = tmp_path / "h.db"
    _legacy(path, version)
    before = _dump(path)
    with History(path) as h:
        assert h.version() == SCHEMA_VERSION
        assert h.backup == tmp_path / f"h.db.schema{version}.bak"
        (row,) = h.drills()
        assert (row.kind, [c.criterion for c in row.criteria]) == ("solo", ["ack", "aaa"])
        assert raw(h).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        with h.store.read() as conn:
            # The KPI columns are filled from the stored JSON; targets were not kept, so "met" stays unknown.
            assert conn.execute(text("SELECT mtta, mttr, mtta_met FROM drills")).one() == (65.0, None, None)
            assert conn.execute(text("SELECT drill_key = journal_sha256 FROM drills")).scalar()
    assert h.backup is not None and stat.S_IMODE(h.backup.stat().st_mode) == 0o600
    assert _dump(h.backup) == before
    with History(path) as h:  # migrated once: no second backup
        assert h.backup is None
    fresh = tmp_path / "fresh.db"
    History(fresh).close()
    assert _schema(f"sqlite:///{path}") == _schema(f"sqlite:///{fresh}")


def test_postgresql_gets_the_same_tables_as_sqlite(tmp_path: Path, postgres_url: str) -> None:
    History(postgres_url).close()
    History(tmp_path / "h.db").close()
    pg, lite = (
        _schema(postgres_url.replace("postgresql://", "postgresql+psycopg://")),
        _schema(f"sqlite:///{tmp_path / 'h.db'}"),
    )
    assert pg.keys() == lite.keys()
    for table in pg:
        assert pg[table][0] == lite[table][0], table  # type: ignore[index]


def test_a_newer_postgresql_history_is_refused(postgres_url: str) -> None:
    with History(postgres_url) as h, h.store.write() as conn:
        conn.execute(text(f"UPDATE warroom_version SET version_num = '{SCHEMA_VERSION + 2:04d}'"))
    with pytest.raises(HistoryError, match="newer warroom"):
        History(postgres_url)


def test_a_foreign_postgresql_database_is_left_alone(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE drills (x int)")
    with pytest.raises(HistoryError, match="not warroom's"):
        History(postgres_url)
    with psycopg.connect(postgres_url) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    assert tables == [("drills",)]


def test_an_unreachable_server_is_a_sentence_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://ana:s3cret@/warroom?host={tmp_path}&port=1"
    with pytest.raises(HistoryError) as caught:
        History(url, timeout=1)
    assert "s3cret" not in str(caught.value) and "cannot reach the PostgreSQL server" in str(caught.value)
    with pytest.raises(HistoryError, match="file or a postgresql:// URL"):
        History("mysql://ana@host/db")


def test_warroom_play_starts_without_the_store() -> None:
    """SQLAlchemy, Alembic and psycopg are imported by the commands that touch the history, not by the app."""
    code = (
        "import sys; from tui.cli import main; import tui.app, tui.cli.play, tui.screens.briefing, scoring.history;"
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'psycopg') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_cli_names_the_backup_it_made(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from tui.cli import main

    path = tmp_path / "h.db"
    _legacy(path, 2)
    result = CliRunner().invoke(main, ["history", "--db", str(path)])
    assert result.exit_code == 0 and "ana" in result.stdout
    assert f"the old file is kept as {tmp_path / 'h.db.schema2.bak'}" in result.stderr
    assert "kept as" not in CliRunner().invoke(main, ["history", "--db", str(path)]).stderr
