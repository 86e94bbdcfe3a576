"""Many writers at once: 8 processes storing 1,000 drills between them into PostgreSQL, and 2 into SQLite, lose
nothing and duplicate nothing, although every drill is offered twice (by two different processes), and the
weakness every drill shows opens one improvement item."""

from __future__ import annotations

import dataclasses
import multiprocessing
from pathlib import Path
from typing import Any

from sqlalchemy import text

from scoring.history import History
from tests.scoring.store.conftest import item
from tests.scoring.test_history import _row

DRILLS = 1000
# Every drill shows the same weakness: one item is opened, by whichever writer gets there first, and every
# drill links to it.
ITEM = item("detect.acknowledge")


def _journal(i: int) -> str:
    return f'{{"format": 1}}\n{{"t": {i}, "kind": "drill.started"}}\n'


def _writer(db: str, worker: int, workers: int, barrier: Any) -> None:
    # One precomputed row, varied only by its journal: the test measures the store, not grading.
    base = _row()
    mine = [i for i in range(DRILLS) if i % workers == worker]
    # Every drill is also offered by the next worker: duplicates that must not become rows.
    theirs = [i for i in range(DRILLS) if i % workers == (worker + 1) % workers]
    barrier.wait(60)
    with History(db if "://" in db else Path(db), timeout=60) as h:
        for i in (n for pair in zip(mine, theirs, strict=False) for n in pair):
            at = f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z"
            h.add_drill([dataclasses.replace(base, journal=_journal(i), started_at=at)], [ITEM])


def _store_from(db: str, workers: int) -> None:
    History(db if "://" in db else Path(db)).close()  # migrated once, before the race
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(workers)
    procs = [ctx.Process(target=_writer, args=(db, w, workers, barrier)) for w in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0


def _check(h: History) -> None:
    rows = h.drills(with_journal=True)
    assert len(rows) == DRILLS
    assert sorted(r.journal for r in rows) == sorted(_journal(i) for i in range(DRILLS))
    assert all(len(r.criteria) == 1 for r in rows)
    with h.store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM criteria")).scalar() == DRILLS
        assert conn.execute(text("SELECT count(*) FROM plan_items")).scalar() == 1
        assert conn.execute(text("SELECT count(DISTINCT drill_id) FROM plan_links")).scalar() == DRILLS


def test_eight_processes_into_postgresql(postgres_url: str) -> None:
    _store_from(postgres_url, 8)
    with History(postgres_url) as h:
        _check(h)


def test_two_processes_into_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    _store_from(str(db), 2)
    with History(db) as h:
        _check(h)
        with h.store.read() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
