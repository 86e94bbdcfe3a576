"""A scenario's injects as a Master Scenario Events List (MSEL): the CSV a spreadsheet opens cleanly, and
back. Every trigger the format has survives the trip, written in the Trigger column in a small grammar
(`scenarios/README.md`, "MSEL: injects as a spreadsheet"):

    time                                  at the Scenario time column (the default when Trigger is empty)
    at 15m                                at this sim time (written so only with a delay)
    metric error_rate above 5 for 30s     a metric condition (`below` too; `for` optional)
    after page (contact: dba)             an action finishing, with parameters if any
    timer sla.executives                  a playbook timer running out
    …, delay 2m                           any of them, waited on for this long

This module writes the list and reads its rows (the file's shape); `sim.authoring.msel_cells` reads each
cell; what the cells name (metrics, actions, timers) is checked by the scenario loader on the scenario written
from them (`sim.authoring.msel_scenario`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import NamedTuple, get_args

from sim.format.durations import format_clock, format_duration
from sim.format.loading import Problem
from sim.format.refs import ActionRef
from sim.format.scenario import Inject, InjectKind, Scenario, Trigger

# The columns warroom writes, in order. Spreadsheet users may rename within ALIASES, reorder, or add their own.
COLUMNS = (
    "Number",
    "Scenario time",
    "Trigger",
    "Event synopsis",
    "From",
    "To",
    "Delivery method",
    "Expected action",
    "Responsible controller",
    "Notes",
    "Inject ID",
)
# Header spellings accepted for each column, compared lower-case with everything but letters and digits removed.
ALIASES: dict[str, tuple[str, ...]] = {
    "Number": ("number", "no", "num", "eventnumber", "mselnumber", "#"),
    "Scenario time": ("scenariotime", "time", "eventtime"),
    "Trigger": ("trigger",),
    "Event synopsis": ("eventsynopsis", "synopsis", "event", "description", "message", "text"),
    "From": ("from", "sender"),
    "To": ("to", "recipient", "player", "players"),
    "Delivery method": ("deliverymethod", "method", "delivery", "kind"),
    "Expected action": ("expectedaction", "expectedplayeraction", "expectedactions", "expected"),
    "Responsible controller": ("responsiblecontroller", "controller"),
    "Notes": ("notes", "note", "remarks", "comments"),
    "Inject ID": ("injectid", "id"),
}
MAX_BYTES = 4_000_000  # a bundled scenario's MSEL is a few kB; anything near this is not an events list
MAX_ROWS = 2_000
MAX_CELL = 20_000  # as a scenario's longest text
MAX_COLUMNS = 200
# Cells a spreadsheet would run as a formula start with one of these; such a cell is written behind an
# apostrophe, and reading takes off an apostrophe followed by one of them. A spreadsheet that drops the
# apostrophe (Excel reads it as "this is text") leaves the text as it was; one that keeps it gets it taken off.
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")
TOKEN = re.compile(r"[A-Za-z0-9_.@/+\-]+")
ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
CLOCK = re.compile(r"(?:T\+)?(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)", re.IGNORECASE)
KINDS: tuple[str, ...] = get_args(InjectKind)
_RECIPIENT = {"alert": "On-call responder", "page": "On-call responder", "log": "On-call responder"}


class MselError(Exception):
    """The file cannot be read as an MSEL; `problems` says where and why, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


class Cell(NamedTuple):
    value: str
    line: int
    col: int


class Row(NamedTuple):
    """One event of the list: its cells by column name (COLUMNS), and where the row starts."""

    line: int
    cells: dict[str, Cell]

    def get(self, column: str) -> str:
        cell = self.cells.get(column)
        return cell.value if cell else ""

    def at(self, column: str) -> tuple[int, int]:
        cell = self.cells.get(column)
        return (cell.line, cell.col) if cell else (self.line, 1)


# -- writing -------------------------------------------------------------------------------------------


def write_msel(scenario: Scenario) -> str:
    """The injects as an MSEL: UTF-8 text starting with a BOM, every field quoted, CRLF line ends."""
    buf = io.StringIO()
    out = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    out.writerow(COLUMNS)
    for n, inj in enumerate(scenario.injects, 1):
        time, trigger = encode_trigger(inj.trigger)
        row = (
            str(n),
            time,
            trigger,
            inj.text,
            inj.sender,
            _RECIPIENT.get(inj.kind, "Incident team"),
            inj.kind,
            "; ".join(encode_action(a) for a in inj.unless),
            "Facilitator" if inj.kind == "hint" else "warroom (automatic)",
            _notes(inj, scenario),
            inj.id,
        )
        out.writerow([_guard(cell) for cell in row])
    return "\ufeff" + buf.getvalue()


def _guard(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA) else cell


def duration(seconds: float) -> str:
    """A duration the format reads back to the very same float: `1h30m`, or `90.5s` when not whole."""
    if float(seconds).is_integer():
        return format_duration(seconds)
    return f"{format(Decimal(repr(float(seconds))), 'f')}s"


def clock(seconds: float) -> str:
    """`T+00:15:00`, with the fraction when there is one (`T+00:00:30.5`)."""
    whole = format_clock(seconds)
    if float(seconds).is_integer():
        return whole
    frac = format(Decimal(repr(float(seconds))) % 1, "f").removeprefix("0")
    return whole + frac


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


def _word(value: str) -> str:
    """A bare word when it is one, else a JSON string, so commas, brackets and quotes stay text."""
    return value if TOKEN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


def encode_action(ref: ActionRef) -> str:
    """`page`, or `page (contact: dba)`."""
    if not ref.with_:
        return ref.do
    return f"{ref.do} ({', '.join(f'{k}: {_word(v)}' for k, v in ref.with_.items())})"


def encode_trigger(t: Trigger) -> tuple[str, str]:
    """The Scenario time and Trigger cells for a trigger. A time trigger shows when it fires in both."""
    delay = f", delay {duration(t.delay)}" if t.delay else ""
    if t.at is not None:
        return clock(t.at + t.delay), ("time" if not t.delay else f"at {duration(t.at)}{delay}")
    if t.metric is not None:
        m = t.metric
        side = f"above {number(m.above)}" if m.above is not None else f"below {number(m.below or 0.0)}"
        hold = f" for {duration(m.for_)}" if m.for_ else ""
        return "", f"metric {m.metric} {side}{hold}{delay}"
    if t.after_action is not None:
        return "", f"after {encode_action(t.after_action)}{delay}"
    assert t.timer_expired is not None  # a trigger has exactly one of its keys
    return "", f"timer {_word(t.timer_expired)}{delay}"


def _notes(inj: Inject, scenario: Scenario) -> str:
    """For the controllers reading the sheet: when it fires and when it is skipped, in words."""
    t = inj.trigger
    when = ""
    if t.metric is not None:
        label = next((m.label for m in scenario.metrics if m.id == t.metric.metric), t.metric.metric)
        side = "above" if t.metric.above is not None else "below"
        when = f"Fires when {label} goes {side} the threshold"
    elif t.after_action is not None:
        when = f"Fires after the players finish {t.after_action}"
    elif t.timer_expired is not None:
        when = f"Fires when the playbook timer {t.timer_expired} runs out"
    skip = f"Skipped if the players have already done: {', '.join(map(str, inj.unless))}" if inj.unless else ""
    return ". ".join(x for x in (when, skip) if x) + ("." if when or skip else "")


# -- reading -------------------------------------------------------------------------------------------


def decode(data: bytes, path: str) -> str:
    """The file's text: UTF-8, with or without a BOM; bounded."""
    if len(data) > MAX_BYTES:
        raise MselError([Problem(path, 1, 1, f"the file is over {MAX_BYTES // 1_000_000} MB", "an MSEL is a few kB")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(data[: exc.start].decode("utf-8", "replace"))
        raise MselError(
            [Problem(path, line, col, "the file is not UTF-8 text", "save it from the spreadsheet as 'CSV UTF-8'")]
        ) from None


def _position(before: str) -> tuple[int, int]:
    lines = io.StringIO(before, newline="").readlines() or [""]
    last = lines[-1] if not lines[-1].endswith(("\n", "\r")) else ""
    return len(lines) + (last == "" and before != ""), len(last) + 1


def read_msel(text: str, path: str) -> list[Row]:
    """The rows of an MSEL, blank rows left out, cells unguarded; raises MselError for a file of the wrong
    shape (no header, a row too long, a broken quote, too many rows, a NUL)."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        line, col = _position(text[: text.index("\x00")])
        raise _fail(path, line, col, "the file holds a NUL character", "is it a spreadsheet's own format?")
    # Lines as the csv module counts them (\n, \r or \r\n end one; str.splitlines would also split on \x85…).
    lines = io.StringIO(text, newline="").readlines()
    delimiter = ";" if lines and "," not in lines[0] and ";" in lines[0] else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: dict[int, str] | None = None
    rows: list[Row] = []
    end = 0  # the physical line the previous record ended on
    while True:
        start = end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _fail(path, start, 1, f"not valid CSV: {exc}", "check the quotes in this row") from None
        end = reader.line_num
        if len(record) > MAX_COLUMNS:
            raise _fail(path, start, 1, f"a row of more than {MAX_COLUMNS} columns", "an MSEL has a dozen")
        starts = _field_starts(lines[start - 1 : end], start, delimiter)
        if not any(v.strip() for v in record):
            continue
        if header is None:
            header = _header(record, starts, path)
            continue
        if len(rows) >= MAX_ROWS:
            raise MselError([Problem(path, start, 1, f"more than {MAX_ROWS} events", "split the list")])
        cells: dict[str, Cell] = {}
        for i, value in enumerate(record):
            line, col = starts[i] if i < len(starts) else (start, 1)
            if len(value) > MAX_CELL:
                raise MselError([Problem(path, line, col, f"a cell longer than {MAX_CELL} characters")])
            name = header.get(i)
            if name is not None:
                # A line break inside a cell is \n in a scenario, whatever the spreadsheet wrote (\r\n, \r).
                value = value.replace("\r\n", "\n").replace("\r", "\n")
                guarded = value.startswith("'") and value[1:].startswith(_FORMULA)
                cells[name] = Cell(value[1:] if guarded else value, line, col)
        rows.append(Row(start, cells))
    if header is None:
        raise _fail(path, 1, 1, "the file is empty", "the first row names the columns: " + ", ".join(COLUMNS))
    return rows


def _fail(path: str, line: int, col: int, message: str, hint: str = "") -> MselError:
    return MselError([Problem(path, line, col, message, hint)])


def _field_starts(record: list[str], line: int, delimiter: str) -> list[tuple[int, int]]:
    """Where each field of one CSV record (its physical lines) starts, as (line, 1-based column): at the
    start, and after each delimiter outside quotes."""
    out, quoted = [(line, 1)], False
    for n, text in enumerate(record, line):
        for col, ch in enumerate(text, 1):
            if ch == '"':
                quoted = not quoted  # a doubled quote flips twice
            elif ch == delimiter and not quoted:
                out.append((n, col + 1))
    return out


def _header(record: list[str], starts: list[tuple[int, int]], path: str) -> dict[int, str]:
    """Column index -> column name, for the columns warroom knows; the others are left alone."""
    known = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
    out: dict[int, str] = {}
    for i, title in enumerate(record):
        key = re.sub(r"[^a-z0-9#]", "", title.lower())
        key = key if key == "#" else key.replace("#", "")
        name = known.get(key)
        if name is None:
            continue
        if name in out.values():
            line, col = starts[i] if i < len(starts) else starts[0]
            raise MselError([Problem(path, line, col, f"two columns are {name!r}", "keep one of them")])
        out[i] = name
    missing = [n for n in ("Event synopsis", "Delivery method") if n not in out.values()]
    if "Trigger" not in out.values() and "Scenario time" not in out.values():
        missing.append("Scenario time or Trigger")
    if missing:
        raise MselError(
            [
                Problem(
                    path,
                    *starts[0],
                    f"the header row has no {' and no '.join(repr(m) for m in missing)} column",
                    "the first row names the columns: " + ", ".join(COLUMNS),
                )
            ]
        )
    return out
