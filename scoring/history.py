"""The drill history store: every finished drill in SQLite (WAL), with versioned migrations."""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.format.text import printable_json
from sim.journal.drill_record import DrillRecord
from sim.journal.events import DrillEnded, to_json
from sim.journal.jsonl import dumps, header_json

if TYPE_CHECKING:
    from scoring.grade import ScoreCard

# Each entry upgrades the schema by one version; never edit a shipped entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE drills (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        trainee TEXT NOT NULL,
        team TEXT NOT NULL DEFAULT '',
        scenario_id TEXT NOT NULL,
        scenario_hash TEXT NOT NULL,
        playbook TEXT NOT NULL,
        seed INTEGER NOT NULL,
        started_at TEXT NOT NULL,          -- wall clock, ISO 8601 UTC
        sim_duration REAL NOT NULL,        -- seconds of sim time
        score REAL NOT NULL,
        grade TEXT NOT NULL,
        passed INTEGER NOT NULL,
        end_reason TEXT NOT NULL DEFAULT '',
        kpis TEXT NOT NULL,                -- JSON object
        answers TEXT NOT NULL DEFAULT '[]',-- JSON list of debrief answers
        journal TEXT NOT NULL              -- the full JSONL journal
    );
    CREATE INDEX drills_trainee ON drills (trainee, started_at);
    CREATE INDEX drills_team ON drills (team, started_at);
    CREATE INDEX drills_scenario ON drills (scenario_id, started_at);
    CREATE TABLE criteria (
        drill_id INTEGER NOT NULL REFERENCES drills (id) ON DELETE CASCADE,
        criterion TEXT NOT NULL,
        category TEXT NOT NULL,
        result TEXT NOT NULL,              -- pass / partial / fail / not evaluated
        points REAL NOT NULL,
        max_points REAL NOT NULL,
        explanation TEXT NOT NULL,
        PRIMARY KEY (drill_id, criterion)
    );
    """,
    # 2: a drill is stored once. The key is what `store` always compared (trainee, scenario, seed, journal),
    # with the journal as its sha256. Rows the old read-then-write stored twice are exact duplicates: the
    # first is kept. The application id tells warroom's databases from any other SQLite file.
    """
    ALTER TABLE drills ADD COLUMN journal_sha256 TEXT NOT NULL DEFAULT '';
    UPDATE drills SET journal_sha256 = warroom_sha256(journal);
    DELETE FROM drills WHERE id NOT IN (
        SELECT min(id) FROM drills GROUP BY trainee, scenario_id, seed, journal_sha256
    );
    CREATE UNIQUE INDEX drills_once ON drills (trainee, scenario_id, seed, journal_sha256);
    PRAGMA application_id = 1465011528
    """,
    # 3: who ended a drill that was ended by hand (`facilitator`), read from each stored journal's
    # `drill.ended`: the trends leave out drills the facilitator cut short.
    """
    ALTER TABLE drills ADD COLUMN ended_by TEXT NOT NULL DEFAULT '';
    UPDATE drills SET ended_by = warroom_ended_by(journal)
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
# `PRAGMA application_id` of a warroom history ("WRMH"), set from schema 2 on.
APPLICATION_ID = 0x57524D48
# SQLite's INTEGER range: seeds outside it cannot be stored.
SQLITE_INT_MIN, SQLITE_INT_MAX = -(2**63), 2**63 - 1
_KEY = ("trainee", "scenario_id", "seed", "journal_sha256")
_LISTED = (
    "id, trainee, team, scenario_id, scenario_hash, playbook, seed, started_at, sim_duration, score, grade,"
    " passed, end_reason, ended_by, kpis, answers"
)
FACILITATOR = "facilitator"  # `ended_by` of a drill the facilitator ended (sim.journal.events.FACILITATOR)


class HistoryError(Exception):
    """A history database that cannot be used: newer schema, read-only, locked, not a database, missing."""


class _Damaged(ValueError):
    """A stored row whose values are not what warroom writes (the file was edited or damaged)."""


def ended_by(journal: object) -> str:
    """Who ended the drill a journal records by hand (`facilitator`), from its `drill.ended` line; "" when
    the trainee or the engine ended it, or the journal says nothing readable. Never raises: SQLite runs it."""
    if not isinstance(journal, str):
        return ""
    for line in reversed(journal.splitlines()):
        if '"drill.ended"' not in line:
            continue
        try:
            data = json.loads(line)
        except ValueError:
            return ""
        by = data.get("by") if isinstance(data, dict) and data.get("kind") == "drill.ended" else None
        return by if isinstance(by, str) else ""
    return ""


def journal_sha256(journal: object) -> str:
    """The key of a drill's journal text (what makes two stored drills the same drill)."""
    data = journal if isinstance(journal, bytes) else str(journal).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class CriterionRow:
    criterion: str
    category: str
    result: str
    points: float
    max_points: float
    explanation: str


@dataclass(frozen=True, slots=True)
class DrillRow:
    trainee: str
    team: str
    scenario_id: str
    scenario_hash: str
    playbook: str
    seed: int
    started_at: str
    sim_duration: float
    score: float
    grade: str
    passed: bool
    end_reason: str
    kpis: dict[str, Any]
    journal: str
    criteria: tuple[CriterionRow, ...] = ()
    answers: tuple[str, ...] = ()
    id: int | None = None
    ended_by: str = ""  # `facilitator` when they ended the drill

    @property
    def facilitator_ended(self) -> bool:
        """Ended by the facilitator: the score says where the drill was stopped, not how the trainee does, so
        the trends and best scores leave it out."""
        return self.ended_by == FACILITATOR

    def to_json(self, with_journal: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["criteria"] = [asdict(c) for c in self.criteria]
        data["answers"] = list(self.answers)
        if not with_journal:
            data.pop("journal")
        return data


@dataclass(frozen=True, slots=True)
class Filters:
    trainee: str | None = None
    team: str | None = None
    scenario: str | None = None
    since: str | None = None  # ISO date or datetime; compared as text, which ISO 8601 allows

    def where(self) -> tuple[str, list[Any]]:
        clauses, args = [], []
        for column, value in (("trainee", self.trainee), ("team", self.team), ("scenario_id", self.scenario)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if self.since is not None:
            clauses.append("started_at >= ?")
            args.append(self.since)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


@dataclass
class History:
    """One history database. Writers in several processes are safe: WAL plus a busy timeout."""

    path: Path
    timeout: float = 10.0
    # False: a database that does not exist is an error (listing), and nothing is created.
    create: bool = True
    # What the last `drills()` skipped: one line per damaged row, "drill 4: kpis is not JSON".
    damaged: list[str] = field(default_factory=list, init=False)
    _conn: sqlite3.Connection | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        try:
            if not self.path.exists():
                if not self.create:
                    raise HistoryError(
                        f"{self.path}: no history database here (no drill has been stored at this path); "
                        "check --db or WARROOM_DB. Nothing was created."
                    )
                self.path.parent.mkdir(parents=True, exist_ok=True)
                _create_private(self.path)
            # mode=rw: SQLite never creates the file itself (and so never with the umask's permissions).
            uri = self.path.resolve().as_uri() + "?mode=rw"
            self._conn = sqlite3.connect(uri, uri=True, timeout=self.timeout, isolation_level=None)
            self._conn.create_function("warroom_sha256", 1, journal_sha256, deterministic=True)
            self._conn.create_function("warroom_ended_by", 1, ended_by, deterministic=True)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._check_is_ours(self.version())  # before WAL mode, which would change another program's file
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._migrate()
        except HistoryError:
            self.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.close()
            raise HistoryError(_explain(self.path, exc)) from None
        except OSError as exc:
            self.close()
            raise HistoryError(f"{self.path}: cannot open the history database: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        assert self._conn is not None, "history is closed"
        return self._conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so concurrent writers queue instead of failing mid-way.
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            raise HistoryError(_explain(self.path, exc)) from None

    def version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version()
        self._check_is_ours(current)
        if current > SCHEMA_VERSION:
            raise HistoryError(
                f"{self.path}: this history database was written by a newer warroom "
                f"(schema {current}; this version understands up to {SCHEMA_VERSION}). Upgrade warroom to read it."
            )
        if current == SCHEMA_VERSION:
            return
        with self._write() as conn:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            self._check_is_ours(current)
            for step in MIGRATIONS[current:]:
                for statement in filter(str.strip, step.split(";")):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check_is_ours(self, version: int) -> None:
        """Refuse (and leave untouched) an SQLite file some other program made."""
        app = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {
            name
            for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        }
        # Schema 1 set no application id; from schema 2 on, every warroom history has it.
        ours = app == APPLICATION_ID or (
            app == 0 and ((version == 0 and not tables) or (version == 1 and {"drills", "criteria"} <= tables))
        )
        if not ours:
            raise HistoryError(
                f"{self.path}: this SQLite file is not a warroom history database, so it is left alone; "
                "pass --db PATH (or set WARROOM_DB) to a history database or a new file"
            )

    def add(self, row: DrillRow) -> int:
        """Store a drill and return its id; a drill already stored (the same trainee, scenario, seed and
        journal) is not stored again, and its id is returned. Safe with writers in other processes: the check
        and the insert are one transaction, and a unique index holds whatever happens."""
        if not SQLITE_INT_MIN <= row.seed <= SQLITE_INT_MAX:
            raise HistoryError(f"{self.path}: seed {row.seed} is outside the range a history can store")
        key = (row.trainee, row.scenario_id, row.seed, journal_sha256(row.journal))
        where = " AND ".join(f"{k} = ?" for k in _KEY)
        with self._write() as conn:
            known = conn.execute(f"SELECT id FROM drills WHERE {where}", key).fetchone()
            if known is not None:
                return int(known[0])
            cur = conn.execute(
                "INSERT INTO drills (trainee, team, scenario_id, scenario_hash, playbook, seed, started_at,"
                " sim_duration, score, grade, passed, end_reason, ended_by, kpis, answers, journal, journal_sha256)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row.trainee, row.team, row.scenario_id, row.scenario_hash, row.playbook, row.seed,
                 row.started_at, row.sim_duration, row.score, row.grade, int(row.passed), row.end_reason,
                 row.ended_by, json.dumps(row.kpis, sort_keys=True), json.dumps(list(row.answers)), row.journal,
                 key[3]),
            )  # fmt: skip
            drill_id = int(cur.lastrowid or 0)
            conn.executemany(
                "INSERT INTO criteria VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(drill_id, c.criterion, c.category, c.result, c.points, c.max_points, c.explanation)
                 for c in row.criteria],
            )  # fmt: skip
        return drill_id

    def set_answers(self, drill_id: int, answers: tuple[str, ...], journal: str) -> None:
        """Put lessons-learned answers, and the journal that now ends with them, on a stored drill (which
        `add` then finds again by that journal)."""
        with self._write() as conn:
            conn.execute(
                "UPDATE drills SET answers = ?, journal = ?, journal_sha256 = ? WHERE id = ?",
                (json.dumps(list(answers)), journal, journal_sha256(journal), drill_id),
            )

    def drills(self, filters: Filters = Filters(), with_journal: bool = False) -> list[DrillRow]:
        """The drills matching `filters`, oldest first. A damaged row is skipped and described in `damaged`."""
        where, args = filters.where()
        # Journals are large; leave them out of listings unless asked for.
        journal = "journal" if with_journal else "'' AS journal"
        cur = self.conn.execute(f"SELECT {_LISTED}, {journal} FROM drills{where} ORDER BY started_at, id", args)
        names = [d[0] for d in cur.description]
        self.damaged = []
        rows = []
        for r in cur.fetchall():
            data = dict(zip(names, r, strict=True))
            try:
                rows.append(self._row(data, with_journal))
            except _Damaged as exc:
                self.damaged.append(f"drill {printable_json(data['id'])}: {exc}; skipped")
        return rows

    def get(self, drill_id: int) -> DrillRow | None:
        """One drill with its journal; None when there is no such drill. Raises HistoryError if it is damaged."""
        cur = self.conn.execute("SELECT * FROM drills WHERE id = ?", (drill_id,))
        r = cur.fetchone()
        if r is None:
            return None
        try:
            return self._row(dict(zip([d[0] for d in cur.description], r, strict=True)), with_journal=True)
        except _Damaged as exc:
            raise HistoryError(f"{self.path}: drill {drill_id} is damaged: {exc}") from None

    def _row(self, r: dict[str, Any], with_journal: bool) -> DrillRow:
        """A stored row as a DrillRow; raises _Damaged when a value is not what warroom writes."""
        crit = self.conn.execute(
            "SELECT criterion, category, result, points, max_points, explanation FROM criteria"
            " WHERE drill_id = ? ORDER BY rowid",
            (r["id"],),
        ).fetchall()
        # The database can be edited by hand: its text is shown, never obeyed (sim.format.text).
        r = printable_json(r)
        crit = [printable_json(list(c)) for c in crit]
        texts = ["trainee", "team", "scenario_id", "scenario_hash", "playbook", "started_at", "grade", "end_reason"]
        texts.append("ended_by")
        for name in [*texts, "journal"] if with_journal else texts:
            _text(r[name], name)
        for name in ("score", "sim_duration"):
            _number(r[name], name)
        for name in ("seed", "passed"):
            if not isinstance(r[name], int):
                raise _Damaged(f"{name} is not a whole number")
        kpis = _json(r["kpis"], "kpis", dict)
        for name, value in kpis.items():
            if value is not None:
                _number(value, f"kpi {name}")
        answers = _json(r["answers"], "answers", list)
        for answer in answers:
            _text(answer, "an answer")
        for c in crit:
            for value, name in zip(c, ("criterion", "category", "result"), strict=False):
                _text(value, f"criterion {name}")
            _text(c[5], "criterion explanation")
            _number(c[3], "criterion points")
            _number(c[4], "criterion max_points")
        return DrillRow(
            id=r["id"], trainee=r["trainee"], team=r["team"], scenario_id=r["scenario_id"],
            scenario_hash=r["scenario_hash"], playbook=r["playbook"], seed=r["seed"], started_at=r["started_at"],
            sim_duration=r["sim_duration"], score=r["score"], grade=r["grade"], passed=bool(r["passed"]),
            end_reason=r["end_reason"], ended_by=r["ended_by"], kpis=kpis, answers=tuple(answers),
            journal=r["journal"] if with_journal else "", criteria=tuple(CriterionRow(*c) for c in crit),
        )  # fmt: skip


def _create_private(path: Path) -> None:
    """An empty file only its owner can read: trainees' answers are not for everyone on the machine. SQLite
    gives the -wal and -shm files the database file's permissions."""
    with suppress(FileExistsError):  # another process created it meanwhile, with the same permissions
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _text(value: Any, name: str) -> None:
    if not isinstance(value, str):
        raise _Damaged(f"{name} is not text")


def _number(value: Any, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _Damaged(f"{name} is not a number")


def _json(value: Any, name: str, kind: type) -> Any:
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        data = None
    if not isinstance(data, kind):
        raise _Damaged(f"{name} is not a JSON {'object' if kind is dict else 'list'}")
    return data


def _explain(path: Path, exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{path}: the history database is locked by another process; try again when it has finished"
    if "readonly" in text or "read-only" in text:
        return f"{path}: the history database is read-only; pass --db PATH or set WARROOM_DB to a writable file"
    if "not a database" in text or "malformed" in text:
        return f"{path}: this file is not a warroom history database (or it is damaged)"
    if "UNIQUE constraint" in text:
        return f"{path}: that drill is already in the history as another row"
    if "unable to open" in text:
        return f"{path}: cannot open the history database (does the folder exist and is it writable?)"
    return f"{path}: history database error: {text}"


def row_for(card: ScoreCard, journal: str, started_at: str, end_reason: str,
            answers: tuple[str, ...] = ()) -> DrillRow:  # fmt: skip
    """The history row of a graded drill: `journal` is the JSONL text, `started_at` wall-clock ISO 8601 UTC."""
    header = json.loads(journal.splitlines()[0]) if journal else {}
    return DrillRow(
        trainee=card.trainee, team=card.team, scenario_id=card.scenario,
        scenario_hash=str(header.get("scenario_hash", "")), playbook=card.playbook, seed=card.seed,
        started_at=started_at, sim_duration=card.ended, score=card.score, grade=card.letter, passed=card.passed,
        end_reason=end_reason, ended_by=ended_by(journal), kpis={k.id: k.value for k in card.kpis}, journal=journal,
        criteria=tuple(CriterionRow(c.id, c.category, c.result, c.points, c.max_points, c.explanation)
                       for c in card.criteria),
        answers=answers,
    )  # fmt: skip


# -- storing a finished drill ------------------------------------------------------------------------


def default_db() -> Path:
    """`$WARROOM_DB`, else `history.db` in the user data dir."""
    from sim.format.library import user_home  # the loader's imports, which the store itself never needs

    return Path(os.environ.get("WARROOM_DB") or user_home() / "history.db")


def journal_text(record: DrillRecord, journal: Path | None) -> str:
    """The JSONL text of a drill: its journal file when it has one, else rebuilt from the record."""
    if journal is not None:
        try:
            return journal.read_text(encoding="utf-8")
        except OSError:
            pass  # fall back to the record, which holds the same lines
    lines = [dumps(header_json(record.header)), *(dumps(to_json(e)) for e in record.events)]
    return "\n".join(lines) + "\n"


def store(
    card: ScoreCard,
    record: DrillRecord,
    journal: Path | None,
    *,
    started_at: str,
    db: Path | None = None,
    answers: tuple[str, ...] = (),
) -> int:
    """Store one finished drill in the history database; return its id. Idempotent: the same journal is
    stored once, so a debrief shown again (or a finished journal resumed) never makes a duplicate row.
    Raises `HistoryError` with a message fit to show the trainee."""
    text = journal_text(record, journal)
    ended = record.first(DrillEnded)
    end_reason = ended.reason if ended else ""
    with History(db or default_db()) as h:
        # One transaction checks and stores: concurrent stores of one drill make one row (History.add).
        return h.add(row_for(card, text, started_at, end_reason, answers))


def save_answers(
    drill_id: int, answers: tuple[str, ...], record: DrillRecord, journal: Path | None, *, db: Path | None = None
) -> None:
    """Lessons-learned answers come after the debrief stored the drill: put them, and the journal that now
    ends with them, on the row already stored (so the row stays the one `store` finds again)."""
    text = journal_text(record, journal)
    with History(db or default_db()) as h:
        h.set_answers(drill_id, answers, text)
