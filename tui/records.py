"""Drill records on disk: unfinished journals (listed, found by short id, moved aside) and finished drills
stored in the history database."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sim.events import DrillEnded, kind_of, to_json
from sim.journal import JournalError, read_journal
from sim.record import DrillRecord

if TYPE_CHECKING:
    from scoring.grade import ScoreCard

# Where discarded journals go, inside the journals dir: moved aside, never deleted.
DISCARDED = "discarded"
# Bytes read from a journal's end to spot its `drill.ended` line: only debrief answers are written after it.
_TAIL = 65536
_ENDED = f'"kind":"{kind_of(DrillEnded)}"'.encode()


def default_db() -> Path:
    """`$WARROOM_DB`, else `history.db` in the user data dir."""
    from tui.settings import home

    return Path(os.environ.get("WARROOM_DB") or home() / "history.db")


# -- unfinished journals ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A journal whose drill never reached `drill.ended`; `problem` says why it cannot be resumed as is."""

    path: Path
    scenario: str
    trainee: str
    reached: float  # the sim time of its last whole event
    modified: float  # file mtime, seconds since the epoch
    truncated: bool = False  # its last line was cut short (a crash mid-write); resuming drops it
    problem: str = ""

    @property
    def id(self) -> str:
        return self.path.stem

    @property
    def modified_text(self) -> str:
        return datetime.fromtimestamp(self.modified).strftime("%Y-%m-%d %H:%M")


def is_finished(path: Path) -> bool:
    """Whether the journal records the drill's end (cheap: reads only the file's tail, where it is)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _TAIL))
            tail = f.read()
    except OSError:
        return False
    # Lessons-learned answers may follow `drill.ended`, so look through the tail, not at the last line only.
    # The marker cannot occur inside a text value: JSON escapes the quotes there.
    return _ENDED in tail


def describe_journal(path: Path) -> Unfinished:
    """What the resume list shows about one journal; a damaged one is described, never raised."""
    try:
        modified = path.stat().st_mtime
    except OSError:
        modified = 0.0
    try:
        j = read_journal(path)
    except JournalError as exc:
        return Unfinished(path, "?", "?", 0.0, modified, problem=str(exc))
    reached = j.events[-1].t if j.events else 0.0
    return Unfinished(path, j.header.scenario, j.header.trainee, reached, modified, j.truncated)


def unfinished(directory: Path | None = None) -> list[Unfinished]:
    """Journals in `directory` (default: the user's journals dir) without `drill.ended`, newest first."""
    from tui.settings import journals_dir

    directory = directory or journals_dir()
    if not directory.is_dir():
        return []
    found = [describe_journal(p) for p in sorted(directory.glob("*.jsonl")) if not is_finished(p)]
    # Newest first; the name breaks ties so the order never depends on the file system's listing.
    return sorted(found, key=lambda u: (-u.modified, u.path.name))


def find_journal(id_or_path: str, directory: Path | None = None) -> Path:
    """A journal by path, by its short id (the file name without `.jsonl`), or by a unique prefix of one."""
    as_path = Path(id_or_path)
    if as_path.is_file():
        return as_path
    candidates = unfinished(directory)
    exact = [u.path for u in candidates if u.id == id_or_path]
    if exact:
        return exact[0]
    matches = [u.path for u in candidates if u.id.startswith(id_or_path)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        names = ", ".join(sorted(p.stem for p in matches))
        raise LookupError(f"{id_or_path!r} matches several unfinished drills ({names}); give more of the id")
    raise LookupError(f"no unfinished drill or journal file {id_or_path!r}; `warroom resume` lists them")


def discard(path: Path) -> Path:
    """Move a journal aside into `discarded/` next to it (numbered, never overwriting); return where it went."""
    target_dir = path.parent / DISCARDED
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), target)
    return target


# -- the history store --------------------------------------------------------------------------------


def journal_text(record: DrillRecord, journal: Path | None) -> str:
    """The JSONL text of a drill: its journal file when it has one, else rebuilt from the record."""
    if journal is not None:
        try:
            return journal.read_text(encoding="utf-8")
        except OSError:
            pass  # fall back to the record, which holds the same lines
    from sim.journal import dumps, header_json

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
    from scoring.history import History, row_for  # the debrief's business, not a drill's start

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
    from scoring.history import History

    text = journal_text(record, journal)
    with History(db or default_db()) as h:
        h.set_answers(drill_id, answers, text)
