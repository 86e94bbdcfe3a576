"""The drill journal: a JSONL file, the header on the first line, then one event per line, each written
and flushed as it happens. Reading tolerates a truncated last line (a crash mid-write).

A journal can be edited by hand, so reading it trusts nothing: the file and each line are bounded in size,
each line must be a known event whose every value fits its field (`sim.events.from_json`), and the times
must run forward from 0. Anything else is a `JournalError` naming `file:line: what is wrong`.

A drill writing or resuming a journal holds an exclusive lock on it (`flock`, where the system has it), so
two warrooms never write one journal at once; the second is told the drill is in use."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import weakref
from pathlib import Path
from typing import IO, Any, NamedTuple

from sim.format.model import Model
from sim.format.text import printable, printable_json
from sim.journal.drill_record import JOURNAL_FORMAT, DrillRecord, Header
from sim.journal.events import AnyEvent, field_checks, from_json, to_json

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: journals go unlocked
    fcntl = None  # type: ignore[assignment]

MAX_JOURNAL_BYTES = 256 * 1024 * 1024  # a day-long drill's journal is a few MiB; a million events fit
MAX_LINE_BYTES = 1024 * 1024  # as large as a whole scenario file may be
# A scenario or playbook file larger than this cannot be one the loader read: its hash is of a prefix only.
MAX_HASHED_BYTES = 8 * 1024 * 1024


class JournalError(Exception):
    """A journal that cannot be read or resumed; the message says which file and why."""


class JournalInUse(JournalError):
    """Another warroom holds the journal's lock: it is playing or resuming the drill now."""


def dumps(obj: dict[str, Any]) -> str:
    # Compact and in insertion order: the same drill must give byte-identical journals.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def file_hash(path: str | os.PathLike[str]) -> str:
    """sha256 of the file's bytes. Bounded: of the first MAX_HASHED_BYTES + 1 only (a file that large is no
    scenario the loader read, so no recorded hash can match it), and of nothing for what is not a regular
    file (a FIFO, a device), which is never opened."""
    digest = hashlib.sha256()
    if not stat.S_ISREG(os.stat(path).st_mode):
        return digest.hexdigest()
    with open(path, "rb") as fh:
        left = MAX_HASHED_BYTES + 1
        while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


_HASHES: dict[int, tuple[weakref.ref[Model], str]] = {}


def model_hash(model: Model) -> str:
    """The content hash of a model that did not come from a file: its canonical JSON.

    Models are frozen, so the hash is kept per live object (calibration builds thousands of drills from
    one scenario); the weak reference tells a reused id from the same model.
    """
    key = id(model)
    hit = _HASHES.get(key)
    if hit is not None and hit[0]() is model:
        return hit[1]
    digest = hashlib.sha256(model.model_dump_json(by_alias=True).encode()).hexdigest()

    def forget(_ref: weakref.ref[Model]) -> None:
        _HASHES.pop(key, None)

    _HASHES[key] = (weakref.ref(model, forget), digest)
    return digest


def header_json(header: Header) -> dict[str, Any]:
    return header._asdict()


_HEADER_CHECKS = field_checks(Header)


def header_from_json(obj: Any, where: str) -> Header:
    if not isinstance(obj, dict) or "format" not in obj:
        raise JournalError(f"{where}: the first line is not a journal header")
    if obj["format"] != JOURNAL_FORMAT or isinstance(obj["format"], bool):
        shown = printable(repr(obj["format"])[:40])
        raise JournalError(f"{where}: journal format {shown} is not supported (this is {JOURNAL_FORMAT})")
    # Keys a later version may add are left out; each known one must fit its field.
    fields = {k: printable_json(v) for k, v in obj.items() if k in _HEADER_CHECKS}
    for key, value in fields.items():
        problem = _HEADER_CHECKS[key](value)
        if problem:
            raise JournalError(f"{where}:1: the journal header's {key!r} {problem}")
    try:
        return Header(**fields)
    except TypeError as exc:
        raise JournalError(f"{where}: incomplete journal header ({exc})") from None


def lock(path: str | os.PathLike[str]) -> IO[bytes]:
    """An open handle holding an exclusive lock on the journal at `path` (never waiting for it): closing the
    handle releases it. Raises JournalInUse when another process (or handle) holds it, JournalError when
    the file cannot be opened (or is not a regular file: a FIFO is never opened)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise JournalError(f"{path}: not a regular file, so not a journal")
        fh = open(path, "rb")  # noqa: SIM115 (held open: it is the lock)
    except OSError as exc:
        raise JournalError(f"{path}: cannot read the journal ({exc.strerror or exc})") from None
    if fcntl is not None:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            raise JournalInUse(
                f"{path}: the drill is in use: another warroom is playing or resuming it; "
                "wait for it to finish or close it"
            ) from None
    return fh


class JournalWriter:
    """Appends events to a journal file, one flushed line each."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        header: Header | None = None,
        keep_bytes: int | None = None,
        locked: IO[bytes] | None = None,
    ):
        """A new journal (`header`), or, resuming, an existing one cut back to `keep_bytes`; `locked` is the
        handle holding its lock (`lock`), which the writer then holds until it is closed."""
        self.path = Path(path)
        self._file: IO[str]
        if keep_bytes is None:
            if header is None:
                raise ValueError("a new journal needs its header")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (held open)
            self._line(header_json(header))
            # Held from the first line, as when resuming: no other warroom offers back or resumes a drill
            # that is being played (another terminal, another tab of `warroom serve`).
            locked = locked or lock(self.path)
        else:
            # Resuming: drop a half-written last line, then carry on after the last whole one.
            os.truncate(self.path, keep_bytes)
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 (held open)
        # A drill dropped without close() (a crashed UI, a test) still closes its file: every line is
        # already flushed, so this only releases the handle (and the lock).
        weakref.finalize(self, self._file.close)
        self._lock = locked
        if locked is not None:
            weakref.finalize(self, locked.close)

    def _line(self, obj: dict[str, Any]) -> None:
        self._file.write(dumps(obj) + "\n")
        self._file.flush()

    def write(self, event: AnyEvent) -> None:
        self._line(to_json(event))

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()
        if self._lock is not None and not self._lock.closed:
            self._lock.close()


class Journal(NamedTuple):
    path: Path
    header: Header
    events: tuple[AnyEvent, ...]
    valid_bytes: int  # length of the whole lines; a resumed writer truncates to this
    truncated: bool  # the last line was cut short and has been ignored
    lines: tuple[int, ...] = ()  # the line number of each event, for messages

    @property
    def record(self) -> DrillRecord:
        return DrillRecord(self.header, self.events)

    def where(self, index: int) -> str:
        """`file:line` of the event at `index` (the file alone when it is not known)."""
        return f"{self.path}:{self.lines[index]}" if index < len(self.lines) else str(self.path)


def read_journal(path: str | os.PathLike[str]) -> Journal:
    p = Path(path)
    try:
        st = p.stat()
        if not stat.S_ISREG(st.st_mode):
            raise JournalError(f"{p}: not a regular file, so not a journal")
        if st.st_size > MAX_JOURNAL_BYTES:
            raise JournalError(f"{p}: the journal is larger than the {MAX_JOURNAL_BYTES // 2**20} MiB limit")
        with p.open("rb") as fh:
            data = fh.read(MAX_JOURNAL_BYTES + 1)  # one byte past: the file can grow between stat and read
    except OSError as exc:
        raise JournalError(f"{p}: cannot read the journal ({exc.strerror or exc})") from None
    if len(data) > MAX_JOURNAL_BYTES:
        raise JournalError(f"{p}: the journal is larger than the {MAX_JOURNAL_BYTES // 2**20} MiB limit")
    return Journal(p, *parse_journal(data, str(p)))


def parse_journal(data: bytes, where: str) -> tuple[Header, tuple[AnyEvent, ...], int, bool, tuple[int, ...]]:
    """A journal's bytes: its header, events, the length of its whole lines, whether its last line was cut
    short (and left out), and each event's line number. Raises JournalError `where:line: what is wrong`."""
    lines = data.split(b"\n")
    # Every line is written with its newline in one go, so text after the last newline is a cut-off write.
    tail = lines.pop()
    truncated = bool(tail.strip())
    valid = len(data) - len(tail)
    if not lines:
        raise JournalError(f"{where}: the journal is empty" + (" (its only line is cut short)" if truncated else ""))
    header = header_from_json(_parse(lines[0], where, 1), where)
    events: list[AnyEvent] = []
    numbers: list[int] = []
    last = 0.0
    for n, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        obj = _parse(raw, where, n)
        if not isinstance(obj, dict) or "t" not in obj or "kind" not in obj:
            raise JournalError(f"{where}:{n}: not a journal event")
        try:
            event = from_json(obj)
        except (ValueError, TypeError) as exc:
            raise JournalError(f"{where}:{n}: not a journal event ({exc})") from None
        if event.t < last:
            raise JournalError(
                f"{where}:{n}: the event at {event.t:g}s comes after one at {last:g}s; a journal's times never go back"
            )
        last = event.t
        events.append(event)
        numbers.append(n)
    return header, tuple(events), valid, truncated, tuple(numbers)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a journal holds")


def _parse(raw: bytes, where: str, line: int) -> Any:
    if len(raw) > MAX_LINE_BYTES:
        raise JournalError(f"{where}:{line}: the line is longer than the {MAX_LINE_BYTES // 1024} KiB limit")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except UnicodeDecodeError as exc:
        raise JournalError(f"{where}:{line}: not valid JSON ({exc})") from None
    except RecursionError:
        raise JournalError(f"{where}:{line}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # a JSONDecodeError, NaN or Infinity, an integer of thousands of digits
        raise JournalError(f"{where}:{line}: not valid JSON ({printable(str(exc))[:200]})") from None


def read_record(path: str | os.PathLike[str]) -> DrillRecord:
    """The header and events of a journal: all the scorer needs."""
    return read_journal(path).record
