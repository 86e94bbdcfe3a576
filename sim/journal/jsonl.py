"""The drill journal: a JSONL file, the header on the first line, then one event per line, each written
and flushed as it happens. Reading tolerates a truncated last line (a crash mid-write)."""

from __future__ import annotations

import hashlib
import json
import os
import weakref
from pathlib import Path
from typing import IO, Any, NamedTuple

from sim.format.model import Model
from sim.format.text import printable_json
from sim.journal.drill_record import JOURNAL_FORMAT, DrillRecord, Header
from sim.journal.events import AnyEvent, from_json, to_json


class JournalError(Exception):
    """A journal that cannot be read or resumed; the message says which file and why."""


def dumps(obj: dict[str, Any]) -> str:
    # Compact and in insertion order: the same drill must give byte-identical journals.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def file_hash(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


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


def header_from_json(obj: Any, where: str) -> Header:
    if not isinstance(obj, dict) or "format" not in obj:
        raise JournalError(f"{where}: the first line is not a journal header")
    if obj["format"] != JOURNAL_FORMAT:
        raise JournalError(f"{where}: journal format {obj['format']!r} is not supported (this is {JOURNAL_FORMAT})")
    names = set(Header._fields)
    try:
        return Header(**{k: printable_json(v) for k, v in obj.items() if k in names})
    except TypeError as exc:
        raise JournalError(f"{where}: incomplete journal header ({exc})") from None


class JournalWriter:
    """Appends events to a journal file, one flushed line each."""

    def __init__(self, path: str | os.PathLike[str], header: Header | None = None, keep_bytes: int | None = None):
        self.path = Path(path)
        self._file: IO[str]
        if keep_bytes is None:
            if header is None:
                raise ValueError("a new journal needs its header")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 (held open)
            self._line(header_json(header))
        else:
            # Resuming: drop a half-written last line, then carry on after the last whole one.
            os.truncate(self.path, keep_bytes)
            self._file = open(self.path, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 (held open)
        # A drill dropped without close() (a crashed UI, a test) still closes its file: every line is
        # already flushed, so this only releases the handle.
        weakref.finalize(self, self._file.close)

    def _line(self, obj: dict[str, Any]) -> None:
        self._file.write(dumps(obj) + "\n")
        self._file.flush()

    def write(self, event: AnyEvent) -> None:
        self._line(to_json(event))

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


class Journal(NamedTuple):
    path: Path
    header: Header
    events: tuple[AnyEvent, ...]
    valid_bytes: int  # length of the whole lines; a resumed writer truncates to this
    truncated: bool  # the last line was cut short and has been ignored

    @property
    def record(self) -> DrillRecord:
        return DrillRecord(self.header, self.events)


def read_journal(path: str | os.PathLike[str]) -> Journal:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise JournalError(f"{p}: cannot read the journal ({exc.strerror or exc})") from None
    lines = data.split(b"\n")
    # Every line is written with its newline in one go, so text after the last newline is a cut-off write.
    tail = lines.pop()
    truncated = bool(tail.strip())
    valid = len(data) - len(tail)
    if not lines:
        raise JournalError(f"{p}: the journal is empty" + (" (its only line is cut short)" if truncated else ""))
    header = header_from_json(_parse(lines[0], p, 1), str(p))
    events: list[AnyEvent] = []
    for n, raw in enumerate(lines[1:], start=2):
        if not raw.strip():
            continue
        obj = _parse(raw, p, n)
        if not isinstance(obj, dict) or "t" not in obj or "kind" not in obj:
            raise JournalError(f"{p}:{n}: not a journal event")
        try:
            events.append(from_json(obj))
        except (ValueError, TypeError) as exc:
            raise JournalError(f"{p}:{n}: not a journal event ({exc})") from None
    return Journal(p, header, tuple(events), valid, truncated)


def _parse(raw: bytes, path: Path, line: int) -> Any:
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise JournalError(f"{path}:{line}: not valid JSON ({exc})") from None


def read_record(path: str | os.PathLike[str]) -> DrillRecord:
    """The header and events of a journal: all the scorer needs."""
    return read_journal(path).record
