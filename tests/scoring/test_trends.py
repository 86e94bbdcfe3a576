"""Trends and best scores: one line per trainee (or team) and scenario, and drills the facilitator ended are
stored and marked (`ended_by`, schema 3, backfilled from old journals) but never counted."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

from scoring.history import MIGRATIONS, SCHEMA_VERSION, DrillRow, History, ended_by, row_for
from scoring.trends import Played, played, trends
from tests.scoring.test_history import _row

STARTED = '{"format": 1}\n{"t": 0, "kind": "drill.started"}\n'
BY_TRAINEE = STARTED + '{"t": 60, "kind": "drill.ended", "reason": "ended"}\n'
BY_FACILITATOR = STARTED + '{"t": 60, "kind": "drill.ended", "reason": "ended", "by": "facilitator"}\n'


def drill(trainee: str, scenario: str, day: int, score: float, *, cut: bool = False, team: str = "sre") -> DrillRow:
    row = _row(trainee, team=team, scenario=scenario, at=f"2026-01-{day:02d}T10:00:00Z", score=score)
    if cut:
        return dataclasses.replace(row, end_reason="ended", ended_by="facilitator", journal=BY_FACILITATOR, id=day)
    return dataclasses.replace(row, journal=STARTED + f'{{"t": {day}, "kind": "x"}}\n', id=day)


def test_a_trend_per_scenario_never_across_scenarios() -> None:
    rows = [
        drill("ana", "tutorial", 1, 100.0),
        drill("ana", "ddos", 2, 19.0),
        drill("ana", "tutorial", 3, 90.0),
        drill("bo", "ddos", 4, 40.0, team="dba"),
        drill("ana", "ddos", 5, 60.0),
    ]
    found = {(t.who, t.scenario): t for t in trends(rows)}
    assert sorted(found) == [("ana", "ddos"), ("ana", "tutorial"), ("bo", "ddos")]
    assert found["ana", "ddos"].scores == (19.0, 60.0) and found["ana", "ddos"].change == 41.0
    assert found["ana", "tutorial"].scores == (100.0, 90.0)
    by_team = {(t.who, t.scenario): t.scores for t in trends(rows, "team")}
    assert by_team == {("dba", "ddos"): (40.0,), ("sre", "ddos"): (19.0, 60.0), ("sre", "tutorial"): (100.0, 90.0)}


def test_drills_the_facilitator_ended_are_left_out_of_trends() -> None:
    rows = [drill("ana", "tutorial", 1, 100.0), drill("ana", "tutorial", 2, 19.0, cut=True)]
    (trend,) = trends(rows)
    assert (trend.drills, trend.scores, trend.dates) == (1, (100.0,), ("2026-01-01",))
    assert trends([rows[1]]) == []


def test_played_gives_the_last_date_and_the_best_counted_score() -> None:
    rows = [
        drill("ana", "tutorial", 1, 72.0),
        drill("ana", "tutorial", 3, 95.0, cut=True),  # a cut drill is a play, not a score
        drill("ana", "tutorial", 2, 88.0),
        drill("ana", "ddos", 4, 30.0, cut=True),
    ]
    assert played(rows) == {"tutorial": Played("2026-01-03", 88.0), "ddos": Played("2026-01-04", None)}
    assert played([]) == {}


def test_ended_by_reads_the_journal_and_never_raises() -> None:
    assert ended_by(BY_FACILITATOR) == "facilitator"
    assert ended_by(BY_TRAINEE) == ""
    assert ended_by(STARTED) == ""
    assert ended_by(STARTED + '{"kind": "drill.ended", "by": 7}\n') == ""
    assert ended_by(STARTED + '{"kind": "drill.ended", "by":\n') == ""  # cut short
    assert ended_by(None) == ended_by(b"bytes") == ""


def test_the_facilitator_mark_round_trips_and_row_for_reads_it(tmp_path: Path) -> None:
    from scoring.grade import grade
    from sim.engine.drill import Drill
    from tests.sim.engine_fixtures import playbook, scenario

    journal = tmp_path / "cut.jsonl"
    d = Drill(scenario(), playbook(), journal=journal)
    d.advance_to(600.0)
    d.end(by="facilitator")
    d.close()
    card = grade(d.record, scenario(), playbook())
    row = row_for(card, journal.read_text(), "2026-01-05T10:00:00Z", "ended")
    assert row.ended_by == "facilitator" and row.facilitator_ended
    with History(tmp_path / "h.db") as h:
        stored = h.get(h.add(row))
        listed = h.drills()
    assert stored is not None and stored.facilitator_ended
    assert [r.ended_by for r in listed] == ["facilitator"]


def test_schema_3_marks_the_drills_already_stored(tmp_path: Path) -> None:
    """A schema-2 database: the migration reads who ended each stored drill from its journal."""
    path = tmp_path / "h.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("warroom_sha256", 1, lambda text: str(hash(text)))
    for step in MIGRATIONS[:2]:
        for statement in filter(str.strip, step.split(";")):
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 2")
    for i, journal in enumerate((BY_TRAINEE, BY_FACILITATOR, "not a journal")):
        conn.execute(
            "INSERT INTO drills (trainee, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration,"
            " score, grade, passed, end_reason, kpis, journal, journal_sha256) VALUES ('ana', 'tutorial', '', 'p',"
            " 7, ?, 60, 80, 'B', 1, 'ended', '{}', ?, ?)",
            (f"2026-01-0{i + 1}", journal, str(i)),
        )
    conn.close()
    with History(path) as h:
        assert h.version() == SCHEMA_VERSION == 5
        assert [r.ended_by for r in h.drills()] == ["", "facilitator", ""]
