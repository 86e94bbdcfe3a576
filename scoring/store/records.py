"""The history's records, light on purpose (no SQLAlchemy): what a stored drill is, how listings are filtered,
the error every store operation raises, and the keys that make two drills the same drill. `scoring.history`
re-exports them; the store's modules import them from here."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

# The newest schema: Alembic's head revision (scoring/store/migrations/versions, named by number), which an
# SQLite file also keeps in `PRAGMA user_version`.
SCHEMA_VERSION = 5
FACILITATOR = "facilitator"  # `ended_by` of a drill the facilitator ended (sim.journal.events.FACILITATOR)
KINDS = ("solo", "team", "person")  # one trainee's drill; a team drill's team row; each person's row of it


class HistoryError(Exception):
    """A history that cannot be used: newer schema, read-only, locked, not a database, missing, unreachable."""


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
    trainee: str  # the person; on a team drill's team row, the team
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
    journal: str  # "" on a person's row of a team drill: the team row holds it
    criteria: tuple[CriterionRow, ...] = ()
    answers: tuple[str, ...] = ()
    id: int | None = None
    ended_by: str = ""  # `facilitator` when they ended the drill
    kind: str = "solo"  # solo, team or person (KINDS)
    role: str = ""  # a person's role in a team drill
    drill_key: str = ""  # shared by the rows of one drill (the journal's sha256 when first stored)
    met: dict[str, bool | None] = field(default_factory=dict)  # per KPI: met its playbook target; None: no target

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
    kinds: tuple[str, ...] | None = None  # only rows of these kinds; None: every row


class ItemLike(Protocol):
    """An improvement item from a debrief, as `scoring.improvement.ImprovementItem` (branch `programme`) has it;
    what the store reads of one."""

    @property
    def key(self) -> str: ...
    @property
    def issue(self) -> str: ...
    @property
    def corrective_action(self) -> str: ...
    @property
    def element(self) -> str: ...
    @property
    def criterion(self) -> str: ...
    @property
    def priority(self) -> str: ...
    @property
    def due_days(self) -> int: ...
    @property
    def owner(self) -> str: ...


def shown(db: Path | str) -> str:
    """How a history is named in messages and on screen: its path, or its URL with the password hidden."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", str(db))
