"""The history store against concurrency, tampering and odd files: one row per drill, damaged rows skipped,
private permissions, nothing created by a listing, foreign files named as such."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scoring.history import SCHEMA_VERSION, History, HistoryError
from tests.scoring.test_history import _row, raw
from tui.cli import main


def _store_once(path: str, barrier: Any) -> None:
    barrier.wait(30)
    with History(Path(path), timeout=60) as h:
        h.add(_row())


def test_twelve_concurrent_stores_of_one_drill_make_one_row(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    History(path).close()
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(12)
    procs = [ctx.Process(target=_store_once, args=(str(path), barrier)) for _ in range(12)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with History(path) as h:
        assert len(h.drills()) == 1
        assert raw(h).execute("SELECT count(*) FROM criteria").fetchone()[0] == 1


def test_storing_a_drill_again_returns_its_id(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        first = h.add(_row())
        assert h.add(_row(at="2027-01-01T00:00:00Z")) == first
        assert len(h.drills()) == 1
        other = h.add(_row(trainee="bo"))
        assert other != first and len(h.drills()) == 2


def test_answers_saved_later_keep_the_row_findable(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        drill_id = h.add(_row())
        journal = _row().journal + '{"t": 9, "kind": "debrief.answer"}\n'
        h.set_answers(drill_id, ("Page sooner.",), journal)
        assert h.add(dataclasses.replace(_row(), answers=("Page sooner.",), journal=journal)) == drill_id
        assert len(h.drills()) == 1


def _v1_database(path: Path, duplicates: int) -> None:
    """A database as the first schema wrote it, with the duplicate rows the old read-then-write made."""
    from scoring.history import MIGRATIONS

    conn = sqlite3.connect(path, isolation_level=None)
    for statement in filter(str.strip, MIGRATIONS[0].split(";")):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    for i in range(duplicates):
        conn.execute(
            "INSERT INTO drills (trainee, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration,"
            " score, grade, passed, kpis, journal) VALUES ('ana', 'tutorial', '', 'p', 7, ?, 60, 80, 'B', 1,"
            " '{}', 'the same journal')",
            (f"2026-01-0{i + 1}",),
        )
        conn.execute("INSERT INTO criteria VALUES (?, 'ack', 'detection', 'pass', 1, 1, '')", (i + 1,))
    conn.execute(
        "INSERT INTO drills (trainee, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration,"
        " score, grade, passed, kpis, journal) VALUES ('bo', 'tutorial', '', 'p', 7, '2026-02-01', 60, 80, 'B', 1,"
        " '{}', 'another journal')"
    )
    conn.close()


def test_an_old_database_is_migrated_and_its_duplicates_merged(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    _v1_database(path, duplicates=3)
    with History(path) as h:
        assert h.version() == SCHEMA_VERSION
        rows = h.drills()
        assert [(r.id, r.trainee) for r in rows] == [(1, "ana"), (4, "bo")]
        assert raw(h).execute("SELECT count(*) FROM criteria").fetchone()[0] == 1


# -- damaged rows -------------------------------------------------------------------------------------


def _damage(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE drills SET kpis = 'not json' WHERE trainee = 'bo'",
        "UPDATE drills SET score = 'x' WHERE trainee = 'bo'",
        "UPDATE drills SET kpis = '[1, 2]' WHERE trainee = 'bo'",
        "UPDATE drills SET kpis = '{\"mtta\": \"soon\"}' WHERE trainee = 'bo'",
        "UPDATE drills SET answers = '{\"a\": 1}' WHERE trainee = 'bo'",
        "UPDATE drills SET seed = 'x' WHERE trainee = 'bo'",
        "UPDATE drills SET trainee = x'00ff' WHERE trainee = 'bo'",
        "UPDATE drills SET score = 1e999 WHERE trainee = 'bo'",
        "UPDATE criteria SET points = 'many' WHERE drill_id = 2",
    ],
)
def test_a_damaged_row_is_reported_and_skipped(tmp_path: Path, sql: str) -> None:
    path = tmp_path / "h.db"
    with History(path) as h:
        h.add(_row("ana"))
        h.add(_row("bo"))
        h.add(_row("cy"))
    _damage(path, sql)
    with History(path) as h:
        assert [r.trainee for r in h.drills()] == ["ana", "cy"]
        assert len(h.damaged) == 1 and h.damaged[0].startswith("drill 2:")
        with pytest.raises(HistoryError, match="drill 2 is damaged"):
            h.get(2)
    runner = CliRunner()
    for args in ([], ["trends"], ["export"], ["export", "--format", "json"]):
        result = runner.invoke(main, ["history", "--db", str(path), *args])
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert "ana" in result.stdout and "cy" in result.stdout
        assert result.stderr.count("drill 2") == 1 and "skipped" in result.stderr
    result = runner.invoke(main, ["history", "--db", str(path), "show", "2"])
    assert result.exit_code == 1 and "drill 2 is damaged" in result.output


# -- files --------------------------------------------------------------------------------------------


def test_a_new_database_and_its_wal_are_private(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    old = os.umask(0o022)
    try:
        with History(path) as h:
            h.add(_row())
            files = [p for p in tmp_path.iterdir() if p.name.startswith("h.db")]
            assert {p.name for p in files} >= {"h.db", "h.db-wal", "h.db-shm"}
            for p in files:
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    finally:
        os.umask(old)


def test_listing_a_database_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "h.db"
    for args in ([], ["trends"], ["export"], ["show", "1"]):
        result = CliRunner().invoke(main, ["history", "--db", str(missing), *args])
        assert result.exit_code == 1, result.output
        assert "no history database" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "nonexistent").exists()
    with pytest.raises(HistoryError, match="no history database"):
        History(missing, create=False)
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize(
    "setup",
    [
        ["CREATE TABLE drills (x)"],  # what used to say "table drills already exists"
        ["CREATE TABLE photos (id INTEGER PRIMARY KEY, blob BLOB)"],
        ["CREATE TABLE photos (id)", "PRAGMA user_version = 1"],
        ["CREATE TABLE photos (id)", "PRAGMA user_version = 7"],
        ["CREATE TABLE photos (id)", "PRAGMA application_id = 1234"],
    ],
)
def test_a_foreign_sqlite_file_is_named_as_such_and_left_alone(tmp_path: Path, setup: list[str]) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        for sql in setup:
            conn.execute(sql)
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="not a warroom history database"):
        History(path)
    result = CliRunner().invoke(main, ["history", "--db", str(path)])
    assert result.exit_code == 1 and "not a warroom history database" in result.output
    assert "already exists" not in result.output and "newer warroom" not in result.output
    assert path.read_bytes() == before


def test_a_seed_sqlite_cannot_hold_is_a_clear_error(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        with pytest.raises(HistoryError, match=r"seed \d+ is outside the range"):
            h.add(dataclasses.replace(_row(), seed=2**63))
        assert h.drills() == []
