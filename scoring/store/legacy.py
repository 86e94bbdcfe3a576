"""The SQLite history's migrations from before Alembic, kept to bring an old file (schema 1 or 2) to schema 3,
which Alembic's first revision (0003) describes; never edit a shipped entry."""

from __future__ import annotations

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
LEGACY_VERSION = len(MIGRATIONS)  # 3: the schema Alembic's first revision starts from


def statements(step: str) -> list[str]:
    return [s for s in step.split(";") if s.strip()]
