"""The history store: migrations, round-trips, filters, concurrent writers and unusable databases."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from scoring.history import SCHEMA_VERSION, CriterionRow, DrillRow, Filters, History, HistoryError


def raw(h: History) -> sqlite3.Connection:
    """The SQLite connection under an open file history, for PRAGMAs and checks the store does not offer."""
    conn = h.conn.connection.driver_connection
    assert isinstance(conn, sqlite3.Connection)
    return conn


def _row(trainee: str = "ana", team: str = "sre", scenario: str = "tutorial", at: str = "2026-01-05T10:00:00Z",
         score: float = 80.0) -> DrillRow:  # fmt: skip
    return DrillRow(
        trainee=trainee, team=team, scenario_id=scenario, scenario_hash="ab" * 32, playbook="samplemind", seed=7,
        started_at=at, sim_duration=1800.0, score=score, grade="B", passed=score >= 70, end_reason="resolved",
        kpis={"mtta": 65.0, "mttr": 1500.0}, journal='{"format": 1}\n{"t": 0, "kind": "drill.started"}\n',
        criteria=(CriterionRow("ack", "detection", "pass", 10, 10, "Acknowledged at T+00:01:05."),),
        answers=("Page the DBA earlier.",),
    )  # fmt: skip


def test_migrates_an_empty_database(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        assert h.version() == SCHEMA_VERSION
        assert h.drills() == []
        assert raw(h).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_round_trip_with_criteria_and_journal(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        drill_id = h.add(_row())
        got = h.get(drill_id)
    assert got is not None
    assert got.criteria == _row().criteria
    assert got.journal == _row().journal
    assert got.kpis == {"mtta": 65.0, "mttr": 1500.0}
    assert got.answers == ("Page the DBA earlier.",)


def test_listing_leaves_journals_out_and_filters(tmp_path: Path) -> None:
    with History(tmp_path / "h.db") as h:
        h.add(_row("ana", at="2026-01-05T10:00:00Z"))
        h.add(_row("bo", team="dba", at="2026-02-05T10:00:00Z"))
        h.add(_row("ana", scenario="ddos", at="2026-03-05T10:00:00Z"))
        assert [r.trainee for r in h.drills()] == ["ana", "bo", "ana"]
        assert all(r.journal == "" for r in h.drills())
        assert len(h.drills(Filters(trainee="ana"))) == 2
        assert [r.trainee for r in h.drills(Filters(team="dba"))] == ["bo"]
        assert [r.scenario_id for r in h.drills(Filters(scenario="ddos"))] == ["ddos"]
        assert len(h.drills(Filters(since="2026-02-01"))) == 2


def _journal(i: int) -> str:
    return f'{{"format": 1}}\n{{"t": {i}, "kind": "drill.started"}}\n'


def _writer(path: str, name: str, n: int) -> None:
    # Each a different drill (its own journal): a drill stored again is not a new row.
    with History(Path(path)) as h:
        for i in range(n):
            row = _row(trainee=name, at=f"2026-01-01T00:00:{i:02d}Z")
            h.add(dataclasses.replace(row, journal=_journal(i)))


def test_concurrent_writers_all_land_intact(tmp_path: Path) -> None:
    path = str(tmp_path / "h.db")
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, name, 15)) for name in ("ana", "bo", "cy")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with History(Path(path)) as h:
        rows = h.drills(with_journal=True)
        assert len(rows) == 45
        assert {r.trainee for r in rows} == {"ana", "bo", "cy"}
        assert {r.journal for r in rows} == {_journal(i) for i in range(15)}
        assert all(len(r.criteria) == 1 for r in rows)
        assert raw(h).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    History(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    with pytest.raises(HistoryError, match="newer warroom"):
        History(path)


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(HistoryError, match="not a warroom history database"):
        History(path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_database(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    History(path).close()
    path.chmod(stat.S_IRUSR)
    with pytest.raises(HistoryError, match="read-only"), History(path) as h:
        h.add(_row())


def test_locked_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    History(path).close()
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with History(path, timeout=0.1) as h, pytest.raises(HistoryError, match="locked"):
            h.add(_row())
        assert blocker.execute("SELECT count(*) FROM drills").fetchone()[0] == 0
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_read_only_connection_gives_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    # Works as root too (CI), where file permissions do not stop writes.
    with History(tmp_path / "h.db") as h:
        raw(h).execute("PRAGMA query_only = ON")
        with pytest.raises(HistoryError, match="read-only"):
            h.add(_row())
        raw(h).execute("PRAGMA query_only = OFF")
        assert h.drills() == []


def test_a_graded_drill_is_stored_whole(tmp_path: Path) -> None:
    from scenarios import LIBRARY, SCRIPTS
    from scoring.grade import grade
    from scoring.history import row_for
    from sim.format.library import Library
    from sim.format.loading import load_script
    from sim.training.runner import run_script

    path = LIBRARY / "tutorial.yaml"
    scenario, playbook, _, _ = Library().load_scenario(path)
    script = load_script(SCRIPTS / "tutorial" / "ideal.yaml", scenario, playbook)
    journal = tmp_path / "j.jsonl"
    drill = run_script(scenario, playbook, script, journal=journal, trainee="ana", team="sre", scenario_path=path)
    card = grade(drill.record, scenario, playbook)
    row = row_for(card, journal.read_text(), "2026-11-23T10:00:00Z", drill.end_reason or "", ("Page sooner.",))
    with History(tmp_path / "h.db") as h:
        stored = h.get(h.add(row))
    assert stored is not None
    assert (stored.trainee, stored.team, stored.scenario_id, stored.score) == ("ana", "sre", "tutorial", card.score)
    assert stored.scenario_hash == drill.header.scenario_hash
    assert [c.criterion for c in stored.criteria] == [c.id for c in card.criteria]
    assert stored.kpis["mtta"] == next(k.value for k in card.kpis if k.id == "mtta")
    assert stored.journal == journal.read_text() and stored.answers == ("Page sooner.",)
