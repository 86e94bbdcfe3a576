"""The journals directory: where drills are journaled, and the unfinished journals in it (listed, found by
short id, moved aside). Finished drills are stored in the history database (scoring/history.py)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sim.journal.events import DrillEnded, kind_of
from sim.journal.jsonl import JournalError, JournalInUse, lock, read_journal

# Where discarded journals go, inside the journals dir: moved aside, never deleted.
DISCARDED = "discarded"
# Bytes read from a journal's end to spot its `drill.ended` line: only debrief answers are written after it.
_TAIL = 65536
_ENDED = f'"kind":"{kind_of(DrillEnded)}"'.encode()


def journals_dir() -> Path:
    """Where drills are journaled: `journals` in the user data dir."""
    from sim.format.library import user_home  # the loader's imports: not needed to list journals

    return user_home() / "journals"


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
    problem = "in use: another warroom is playing it now" if _in_use(path) else ""
    return Unfinished(path, j.header.scenario, j.header.trainee, reached, modified, j.truncated, problem)


def _in_use(path: Path) -> bool:
    """Whether another warroom holds the journal's lock: a drill being played (another terminal, another
    browser tab of `warroom serve`) is not one to offer back, nor to move aside under its player."""
    try:
        lock(path).close()
    except JournalInUse:
        return True
    except JournalError:
        pass  # unreadable now: resuming says why
    return False


def unfinished(directory: Path | None = None) -> list[Unfinished]:
    """Journals in `directory` (default: the user's journals dir) without `drill.ended`, newest first."""
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
