"""H1: `history trends --programme` over 100,000 stored drills, on SQLite and on PostgreSQL, against the same
aggregate as one hand-written SQL query run with the driver. H2: storing drills into PostgreSQL from 8
processes at once, against the same inserts made directly with psycopg from 8 processes.

Both time wall clock (perf_counter), not this process's CPU: the database does the work, in its own process
for PostgreSQL. The server is tests/postgres.py's, durability off (fsync, synchronous_commit), the same for
both sides of each figure."""

from __future__ import annotations

import json
import multiprocessing
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.bench.harness import Figure, paired_ratio

DRILLS = 100_000
TEAMS = [f"team-{i:02d}" for i in range(12)]
SCENARIOS = ["tutorial", "api-outage", "ddos", "db-failover", "cert-expiry"]
MONTHS = [f"{2025 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]
WRITERS = 8
PER_WRITER = 150

# The hand-written query: what `warroom history trends --programme` computes for the drills, in one statement.
HAND_SQL = """
SELECT team, substr(started_at, 1, 7) AS month, scenario_id, count(*), avg(score), avg(mtta), avg(mttm), avg(mttr),
       avg(CAST(mtta_met AS FLOAT)), avg(CAST(mttm_met AS FLOAT)), avg(CAST(mttr_met AS FLOAT))
FROM drills WHERE kind IN ('solo', 'team') AND ended_by <> 'facilitator'
GROUP BY team, substr(started_at, 1, 7), scenario_id
"""


def _seed_drills(db: Path | str) -> None:
    """100,000 drills (and an improvement item for one in fifty) written in bulk: only the reads are timed."""
    from scoring.history import History
    from scoring.store.tables import drills, plan_items

    rng = random.Random(24)
    rows = []
    for i in range(DRILLS):
        met = [rng.random() < 0.6 for _ in range(3)]
        rows.append({
            "trainee": f"p{i % 300}", "team": rng.choice(TEAMS), "scenario_id": rng.choice(SCENARIOS),
            "scenario_hash": "", "playbook": "samplemind", "seed": i,
            "started_at": f"{rng.choice(MONTHS)}-{rng.randint(1, 28):02d}T10:00:00Z", "sim_duration": 1800.0,
            "score": rng.uniform(20, 100), "grade": "B", "passed": 1, "end_reason": "resolved",
            "ended_by": "facilitator" if i % 97 == 0 else "", "kpis": "{}", "answers": "[]", "journal": "",
            "journal_sha256": f"{i:064x}", "drill_key": f"{i:064x}", "kind": "solo", "role": "",
            "mtta": rng.uniform(30, 900), "mtti": None, "mttm": rng.uniform(300, 3600), "mttr": rng.uniform(900, 7200),
            "mtta_met": int(met[0]), "mtti_met": None, "mttm_met": int(met[1]), "mttr_met": int(met[2]),
        })  # fmt: skip
    with History(db) as h, h.store.write() as conn:
        for start in range(0, DRILLS, 10_000):
            conn.execute(drills.insert(), rows[start : start + 10_000])
        conn.execute(plan_items.insert(), [
            {"key": f"k{i % 40}-{i}", "team": rng.choice(TEAMS), "issue": "x", "corrective_action": "y",
             "element": "training", "criterion": "c", "priority": "P1", "status": "closed" if i % 3 else "open",
             "opened_at": f"{rng.choice(MONTHS)}-05T10:00:00Z", "closed_at": f"{rng.choice(MONTHS)}-20T10:00:00Z"
             if i % 3 else None, "scenario_id": rng.choice(SCENARIOS)}
            for i in range(DRILLS // 50)
        ])  # fmt: skip


def _paired(fn: Callable[[], object], base: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Median wall seconds of each, run alternately, and the median of the pairs' ratios."""
    fn(), base()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        for f, out in ((fn, ours), (base, theirs)):
            t0 = time.perf_counter()
            f()
            out.append(time.perf_counter() - t0)
    return statistics.median(ours), statistics.median(theirs), paired_ratio(ours, theirs)


def _h1(engine: str, db: Path | str, raw: Callable[[], Any], repeat: int) -> Figure:
    from scoring.history import History
    from scoring.store.queries import programme

    _seed_drills(db)
    with History(db) as h:
        expected = len(programme(h.store))

        def ours() -> None:
            assert len(programme(h.store)) == expected

        conn = raw()
        try:

            def hand() -> None:
                cur = conn.cursor()
                cur.execute(HAND_SQL)
                assert len(cur.fetchall()) == expected

            mine, base, ratio = _paired(ours, hand, repeat)
        finally:
            conn.close()
    return Figure(
        "H1" + engine[0].upper(), f"history trends, {DRILLS:,} drills, {engine}", f"{mine * 1000:.1f} ms",
        f"{base * 1000:.1f} ms one SQL query", ratio, "≤ 3×", ratio <= 3.0, repeat,
        f"{expected} rows (team × month × scenario); ours also counts improvement items opened and closed "
        "(two GROUP BYs over 2,000 items) and builds a ProgrammeRow per row; in process, connection open",
    )  # fmt: skip


def h1_sqlite(repeat: int = 9) -> Figure:
    import sqlite3

    with tempfile.TemporaryDirectory(prefix="warroom-h1-") as tmp:
        db = Path(tmp) / "h.db"
        return _h1("SQLite", db, lambda: sqlite3.connect(db), repeat)


def h1_postgres(repeat: int = 9) -> Figure:
    import psycopg

    from tests import postgres

    with _server() as admin:
        url = postgres.new_database(admin)
        return _h1("PostgreSQL", url, lambda: psycopg.connect(url), repeat)


@contextmanager
def _server() -> Iterator[str]:
    from tests import postgres

    with postgres.server() as url:
        yield url


# -- H2 -----------------------------------------------------------------------------------------------


def _row_json() -> str:
    """One real drill's history row (the tutorial, its ideal script), as JSON for the writer processes."""
    from dataclasses import asdict

    from scenarios import LIBRARY, SCRIPTS
    from scoring.grade import grade
    from scoring.history import row_for
    from sim.format.library import Library
    from sim.format.loading import load_script
    from sim.training.runner import run_script

    path = LIBRARY / "tutorial.yaml"
    scenario, playbook, _, _ = Library().load_scenario(path)
    script = load_script(SCRIPTS / "tutorial" / "ideal.yaml", scenario, playbook)
    with tempfile.TemporaryDirectory() as tmp:
        journal = Path(tmp) / "j.jsonl"
        drill = run_script(scenario, playbook, script, journal=journal, trainee="ana", team="sre", scenario_path=path)
        row = row_for(grade(drill.record, scenario, playbook), journal.read_text(), "2026-01-05T10:00:00Z", "resolved")
    return json.dumps(asdict(row))


def _writer(kind: str, url: str, row_json: str, worker: int, barrier: Any, out: Any) -> None:
    from scoring.history import CriterionRow, DrillRow

    data = json.loads(row_json)
    data["criteria"] = tuple(CriterionRow(**c) for c in data["criteria"])
    data["answers"] = tuple(data["answers"])
    base = DrillRow(**data)
    rows = [base.__class__(**{**data, "seed": worker * 100_000 + i}) for i in range(PER_WRITER)]
    store = _ours if kind == "ours" else _direct
    with store(url) as add:
        barrier.wait(120)
        t0 = time.time()
        for row in rows:
            add(row)
        out.put((t0, time.time()))


@contextmanager
def _ours(url: str) -> Iterator[Callable[[Any], int]]:
    from scoring.history import History

    with History(url) as h:
        yield h.add


@contextmanager
def _direct(url: str) -> Iterator[Callable[[Any], int]]:
    """The same rows with psycopg alone: one transaction per drill, INSERT … ON CONFLICT DO NOTHING RETURNING
    id, then its criteria with executemany."""
    import psycopg

    from scoring.history import journal_sha256

    conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    columns = ("trainee, team, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration, score, grade,"
               " passed, end_reason, ended_by, kpis, answers, journal, journal_sha256, drill_key, kind, role,"
               " mtta, mtti, mttm, mttr, mtta_met, mtti_met, mttm_met, mttr_met")  # fmt: skip
    marks = ", ".join(["%s"] * len(columns.split(",")))

    def add(row: Any) -> int:
        sha = journal_sha256(row.journal)
        k = row.kpis
        met = [None if row.met.get(x) is None else int(row.met[x]) for x in ("mtta", "mtti", "mttm", "mttr")]
        with conn.transaction():
            drill_id = conn.execute(
                f"INSERT INTO drills ({columns}) VALUES ({marks}) ON CONFLICT DO NOTHING RETURNING id",
                (row.trainee, row.team, row.scenario_id, row.scenario_hash, row.playbook, row.seed, row.started_at,
                 row.sim_duration, row.score, row.grade, int(row.passed), row.end_reason, row.ended_by,
                 json.dumps(row.kpis, sort_keys=True), json.dumps(list(row.answers)), row.journal, sha, sha, row.kind,
                 row.role, k.get("mtta"), k.get("mtti"), k.get("mttm"), k.get("mttr"), *met),
            ).fetchone()  # fmt: skip
            assert drill_id is not None, "every drill is new here"
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO criteria (drill_id, criterion, category, result, points, max_points, explanation,"
                    " seq) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    [(drill_id[0], c.criterion, c.category, c.result, c.points, c.max_points, c.explanation, i)
                     for i, c in enumerate(row.criteria)],
                )  # fmt: skip
        return int(drill_id[0])

    try:
        yield add
    finally:
        conn.close()


def _throughput(kind: str, url: str, row_json: str) -> float:
    """Drills per second stored by WRITERS processes at once, from the first start to the last finish."""
    from scoring.history import History

    History(url).close()  # migrated before the race, for both sides
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(kind, url, row_json, w, barrier, out)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    spans = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    with History(url) as h, h.store.read() as conn:
        from sqlalchemy import text

        assert conn.execute(text("SELECT count(*) FROM drills")).scalar() == WRITERS * PER_WRITER
    return WRITERS * PER_WRITER / (max(e for _, e in spans) - min(s for s, _ in spans))


def h2(repeat: int = 3) -> Figure:
    from tests import postgres

    row_json = _row_json()
    ours, theirs = [], []
    with _server() as admin:
        for _ in range(repeat):
            ours.append(_throughput("ours", postgres.new_database(admin), row_json))
            theirs.append(_throughput("direct", postgres.new_database(admin), row_json))
    ratio = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
    criteria = len(json.loads(row_json)["criteria"])
    return Figure(
        "H2", f"store drills into PostgreSQL, {WRITERS} processes", f"{statistics.median(ours):.0f} drills/s",
        f"{statistics.median(theirs):.0f} drills/s psycopg", ratio, "≥ 0.5×", ratio >= 0.5, repeat,
        f"{WRITERS} × {PER_WRITER} drills each side, a transaction per drill (its row and {criteria} criteria); "
        "ratio of throughputs, ours over direct, median of alternating runs on fresh databases",
    )  # fmt: skip


def benchmarks() -> dict[str, Callable[[], Figure]]:
    return {"H1S": h1_sqlite, "H1P": h1_postgres, "H2": h2}
