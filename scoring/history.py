"""The drill history: the records it holds (a row per drill, or per participant of a team drill) and the front
door to the store. Light on purpose: SQLAlchemy and the database are imported (scoring.store) only when a
History is opened, so a command that never touches the history never pays for them."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from scoring.store.legacy import MIGRATIONS  # the raw steps before Alembic (light: no SQLAlchemy)
from scoring.store.records import (
    FACILITATOR,
    KINDS,
    SCHEMA_VERSION,
    CriterionRow,
    DrillRow,
    Filters,
    HistoryError,
    ItemLike,
    ended_by,
    journal_sha256,
    shown,
)
from sim.journal.drill_record import DrillRecord
from sim.journal.events import DrillEnded, to_json
from sim.journal.jsonl import dumps, header_json

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from scoring.grade import ScoreCard
    from scoring.rubric import Criterion
    from scoring.store.db import Store
    from sim.format.playbook import Playbook
    from sim.format.scenario import Scenario

__all__ = [
    "FACILITATOR", "KINDS", "MIGRATIONS", "SCHEMA_VERSION", "CriterionRow", "DrillRow", "Filters", "History",
    "HistoryError", "ItemLike", "ended_by", "journal_sha256", "shown", "store",
]  # fmt: skip


class PersonLike(Protocol):
    """A person's part in a team drill, as `scoring.team.PersonResult` (branch `team-score`) has it."""

    @property
    def name(self) -> str: ...
    @property
    def role(self) -> str | None: ...
    @property
    def score(self) -> float: ...
    @property
    def grade(self) -> str: ...
    @property
    def criteria(self) -> tuple[Criterion, ...]: ...


class TeamLike(Protocol):
    """A team drill's debrief, as `scoring.team.TeamCard` has it: the team's card and each person's part."""

    @property
    def card(self) -> ScoreCard: ...
    @property
    def people(self) -> Sequence[PersonLike]: ...


class History:
    """One history database: a file (SQLite, WAL) or a `postgresql://` URL. Safe with writers in other processes
    and on other hosts. `create=False`: one that does not exist is an error (listing), and nothing is created."""

    def __init__(self, path: Path | str, timeout: float = 10.0, create: bool = True) -> None:
        from scoring.store.db import Store

        self.path = path
        # What the last `drills()` skipped: one line per damaged row, "drill 4: kpis is not JSON; skipped".
        self.damaged: list[str] = []
        self.store: Store = Store(path, timeout=timeout, create=create)

    @property
    def where(self) -> str:
        """The history as messages name it: its path, or its URL without the password."""
        return self.store.where

    @property
    def backup(self) -> Path | None:
        """The copy of an older SQLite file made before it was migrated on opening, if it was."""
        return self.store.backup

    @property
    def conn(self) -> Connection:
        return self.store.conn

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def version(self) -> int:
        return self.store.version()

    def add(self, row: DrillRow) -> int:
        """Store a drill of one row and return its id (see `add_drill`)."""
        return self.add_drill([row])

    def add_drill(self, rows: Sequence[DrillRow], items: Sequence[ItemLike] = ()) -> int:
        """Store a drill (its rows: a solo drill's, or a team's then each person's) and the improvement items its
        debrief raised; return the first row's id. A drill already stored is not stored again: its id is
        returned. One transaction, and unique indexes, whatever the number of writers."""
        from scoring.store.drills import add_drill

        return add_drill(self.store, rows, items)

    def set_answers(self, drill_id: int, answers: tuple[str, ...], journal: str) -> None:
        """Put lessons-learned answers, and the journal that now ends with them, on a stored drill (which
        `add` then finds again by that journal)."""
        from scoring.store.drills import set_answers

        set_answers(self.store, drill_id, answers, journal)

    def drills(self, filters: Filters | None = None, with_journal: bool = False) -> list[DrillRow]:
        """The drills matching `filters`, oldest first. A damaged row is skipped and described in `damaged`."""
        from scoring.store.drills import list_drills

        rows, self.damaged = list_drills(self.store, filters or Filters(), with_journal)
        return rows

    def get(self, drill_id: int) -> DrillRow | None:
        """One drill with its journal; None when there is no such drill. Raises HistoryError if it is damaged."""
        from scoring.store.drills import get_drill

        return get_drill(self.store, drill_id)


def row_for(card: ScoreCard, journal: str, started_at: str, end_reason: str,
            answers: tuple[str, ...] = ()) -> DrillRow:  # fmt: skip
    """The history row of a graded drill: `journal` is the JSONL text, `started_at` wall-clock ISO 8601 UTC."""
    header = json.loads(journal.splitlines()[0]) if journal else {}
    return DrillRow(
        trainee=card.trainee, team=card.team, scenario_id=card.scenario,
        scenario_hash=str(header.get("scenario_hash", "")), playbook=card.playbook, seed=card.seed,
        started_at=started_at, sim_duration=card.ended, score=card.score, grade=card.letter, passed=card.passed,
        end_reason=end_reason, ended_by=ended_by(journal), kpis={k.id: k.value for k in card.kpis}, journal=journal,
        criteria=_criteria(card.criteria), answers=answers, met={k.id: k.met for k in card.kpis},
    )  # fmt: skip


def _criteria(criteria: Sequence[Criterion]) -> tuple[CriterionRow, ...]:
    return tuple(CriterionRow(c.id, c.category, c.result, c.points, c.max_points, c.explanation) for c in criteria)


def team_rows(team: TeamLike, journal: str, started_at: str, end_reason: str,
              answers: tuple[str, ...] = ()) -> list[DrillRow]:  # fmt: skip
    """A team drill's rows: the team's (named after the team, holding the journal and the team's card) then one
    per person (their score, grade, role and the criteria that fall to them; the team's KPIs)."""
    card = team.card
    solo = row_for(card, journal, started_at, end_reason, answers)
    head = DrillRow(**{**_fields(solo), "trainee": card.team or card.trainee or "team", "kind": "team"})
    rows = [head]
    for p in team.people:
        rows.append(
            DrillRow(
                **{**_fields(solo), "trainee": p.name, "kind": "person", "role": p.role or "", "score": p.score,
                   "grade": p.grade, "passed": card.finished and p.score >= card.pass_mark, "journal": "",
                   "answers": (), "criteria": _criteria(p.criteria)}
            )
        )  # fmt: skip
    return rows


def _fields(row: DrillRow) -> dict[str, Any]:
    return {f: getattr(row, f) for f in DrillRow.__dataclass_fields__}


# -- storing a finished drill ------------------------------------------------------------------------


def default_db() -> Path | str:
    """`$WARROOM_DB` (a path, or a `postgresql://` URL kept as text), else `history.db` in the user data dir."""
    from sim.format.library import user_home  # the loader's imports, which the store itself never needs

    env = os.environ.get("WARROOM_DB")
    if env and "://" in env:
        return env
    return Path(env or user_home() / "history.db")


def target(db: str | None) -> Path | str:
    """The history `--db` names (a path, or a `postgresql://` URL kept as text: a Path would fold its `//`),
    else `default_db()`."""
    if db:
        return db if "://" in db else Path(db)
    return default_db()


def origin_of(db: Path | str) -> Path:
    """Where a stored journal's relative paths are resolved from: the history file; for a database server, the
    working directory."""
    return Path.cwd() if isinstance(db, str) else db


def journal_text(record: DrillRecord, journal: Path | None) -> str:
    """The JSONL text of a drill: its journal file when it has one, else rebuilt from the record."""
    if journal is not None:
        try:
            return journal.read_text(encoding="utf-8")
        except OSError:
            pass  # fall back to the record, which holds the same lines
    lines = [dumps(header_json(record.header)), *(dumps(to_json(e)) for e in record.events)]
    return "\n".join(lines) + "\n"


def improvement_items(card: ScoreCard, scenario: Scenario, playbook: Playbook) -> list[ItemLike]:
    """The debrief's action items as improvement-plan items (`scoring.improvement`)."""
    from scoring.improvement import improvement_items as derive  # only a drill being stored needs it

    return list(derive(card, scenario, playbook))


def team_of(record: DrillRecord, card: ScoreCard, scenario: Scenario, playbook: Playbook) -> TeamLike | None:
    """The team debrief of a drill more than one person acted in (`scoring.team`); None for a solo drill."""
    from scoring.team import team_card  # only a drill being stored needs it

    return team_card(record, scenario, playbook, card=card)


def store(
    card: ScoreCard,
    record: DrillRecord,
    journal: Path | None,
    *,
    started_at: str,
    db: Path | str | None = None,
    answers: tuple[str, ...] = (),
    team: TeamLike | None = None,
    scenario: Scenario | None = None,
    playbook: Playbook | None = None,
) -> int:
    """Store one finished drill in the history and return its id (a team drill's: its team row's, with a row
    per person beside it). Given the scenario and playbook, a drill more than one person acted in is stored as
    a team drill (unless `team` is given already), and the debrief's action items go into the improvement plan.
    Idempotent: the same journal is stored once, so a debrief shown again (or a finished journal resumed) never
    makes a duplicate row. Raises `HistoryError` with a message fit to show the trainee."""
    text = journal_text(record, journal)
    ended = record.first(DrillEnded)
    end_reason = ended.reason if ended else ""
    if team is None and scenario is not None and playbook is not None:
        team = team_of(record, card, scenario, playbook)
    if team is not None:
        rows = team_rows(team, text, started_at, end_reason, answers)
    else:
        rows = [row_for(card, text, started_at, end_reason, answers)]
    items = improvement_items(card, scenario, playbook) if scenario is not None and playbook is not None else []
    with History(db or default_db()) as h:
        return h.add_drill(rows, items)


def save_answers(
    drill_id: int, answers: tuple[str, ...], record: DrillRecord, journal: Path | None, *, db: Path | None = None
) -> None:
    """Lessons-learned answers come after the debrief stored the drill: put them, and the journal that now
    ends with them, on the row already stored (so the row stays the one `store` finds again)."""
    text = journal_text(record, journal)
    with History(db or default_db()) as h:
        h.set_answers(drill_id, answers, text)
