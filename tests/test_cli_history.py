"""`warroom history`: listing, filters, show, export round-trip and trends, on a real database."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.history import History
from tests.scoring.test_history import _row
from tui.cli import main


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "history.db"
    with History(path) as h:
        h.add(_row("ana", at="2026-01-05T10:00:00Z", score=55.0))
        h.add(_row("bo", team="dba", at="2026-02-05T10:00:00Z", score=71.0))
        h.add(_row("ana", scenario="ddos", at="2026-03-05T10:00:00Z", score=92.0))
    return path


ENDED_BY_TRAINEE = '{"format": 1}\n{"t": 0, "kind": "drill.started"}\n{"t": 60, "kind": "drill.ended"}\n'
ENDED_BY_FACILITATOR = ENDED_BY_TRAINEE.replace('"drill.ended"}', '"drill.ended", "by": "facilitator"}')


def run(*args: str) -> str:
    result = CliRunner().invoke(main, ["history", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_list_and_filter(db: Path) -> None:
    out = run("--db", str(db))
    assert out.count("\n") == 4  # header + three drills
    out = run("--db", str(db), "--trainee", "ana", "--since", "2026-02-01")
    assert "ddos" in out and "tutorial" not in out


def test_db_from_environment(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WARROOM_DB", str(db))
    assert "bo" in run()


def test_show(db: Path) -> None:
    out = run("--db", str(db), "show", "2")
    assert "Trainee bo (dba)" in out and "Acknowledged at T+00:01:05." in out
    result = CliRunner().invoke(main, ["history", "--db", str(db), "show", "99"])
    assert result.exit_code == 1 and "no drill with id 99" in result.output


def test_export_round_trips(db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run("--db", str(db), "export", "--format", "csv"))))
    assert [(r["trainee"], float(r["score"]), float(r["mtta"])) for r in rows] == [
        ("ana", 55.0, 65.0), ("bo", 71.0, 65.0), ("ana", 92.0, 65.0),
    ]  # fmt: skip
    data = json.loads(run("--db", str(db), "export", "--format", "json", "--journals"))
    with History(db) as h:
        stored = h.drills(with_journal=True)
    assert data == [r.to_json(with_journal=True) for r in stored]


def test_trends_show_improvement_per_scenario(db: Path) -> None:
    with History(db) as h:
        h.add(dataclasses.replace(_row("ana", at="2026-04-05T10:00:00Z", score=80.0), journal=ENDED_BY_TRAINEE))
    out = run("--db", str(db), "trends")
    assert "ana · tutorial: 2 drills, 2026-01-05 → 2026-04-05" in out
    assert "55 → 80 (+25)" in out
    assert "ana · ddos: 1 drill, 2026-03-05\n" in out  # another scenario: not mixed in
    out = run("--db", str(db), "trends", "--by", "team")
    assert "dba · tutorial: 1 drill," in out


def test_drills_the_facilitator_ended_are_listed_marked_and_not_trended(db: Path) -> None:
    with History(db) as h:
        cut = _row("ana", at="2026-04-05T10:00:00Z", score=19.0)
        h.add(dataclasses.replace(cut, end_reason="ended", ended_by="facilitator", journal=ENDED_BY_FACILITATOR))
    listing = run("--db", str(db)).splitlines()
    assert listing[-1].endswith("19.0   B    1m5s   25m     ended by the facilitator")
    assert not any(line.endswith("facilitator") for line in listing[:-1])
    assert "ended: ended by the facilitator" in run("--db", str(db), "show", "4")
    out = run("--db", str(db), "trends")
    assert "ana · tutorial: 1 drill," in out and "19" not in out.split("ended by")[0]
    assert "1 drill ended by the facilitator, not counted." in out
    rows = list(csv.DictReader(io.StringIO(run("--db", str(db), "export", "--format", "csv"))))
    assert [r["ended_by"] for r in rows] == ["", "", "", "facilitator"]


def test_newer_database_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "h.db"
    History(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    result = CliRunner().invoke(main, ["history", "--db", str(path)])
    assert result.exit_code == 1
    assert "newer warroom" in result.output and "Traceback" not in result.output
