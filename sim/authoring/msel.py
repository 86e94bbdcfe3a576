"""A scenario's injects as a Master Scenario Events List (MSEL): the CSV a spreadsheet opens cleanly, and
back. Every trigger the format has survives the trip, written in the Trigger column in a small grammar
(`scenarios/README.md`, "MSEL: injects as a spreadsheet"):

    time                                  at the Scenario time column (the default when Trigger is empty)
    at 15m                                at this sim time (written so only with a delay)
    metric error_rate above 5 for 30s     a metric condition (`below` too; `for` optional)
    after page (contact: dba)             an action finishing, with parameters if any
    timer sla.executives                  a playbook timer running out
    …, delay 2m                           any of them, waited on for this long

The reader checks the file's shape and each cell's syntax; what the cells name (metrics, actions, timers)
is checked by the scenario loader on the scenario written from them (`sim.authoring.msel_scenario`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any, NamedTuple, get_args

from sim.format.checks import did_you_mean
from sim.format.durations import format_clock, format_duration, parse_duration
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
# Cells a spreadsheet would run as a formula start with one of these; such a cell is written behind an
# apostrophe, and a leading apostrophe is always taken off when reading, so text round-trips exactly.
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "'")
_TOKEN = re.compile(r"[A-Za-z0-9_.@/+\-]+")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_CLOCK = re.compile(r"(?:T\+)?(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)", re.IGNORECASE)
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
    return value if _TOKEN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


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
                cells[name] = Cell(value[1:] if value.startswith("'") else value, line, col)
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


# -- cells to injects ----------------------------------------------------------------------------------

_TRIGGER_HINT = (
    "write time, at 15m, metric ID above N [for 30s], metric ID below N, after ACTION [(param: value)], "
    "or timer ID; add ', delay 2m' to wait after it"
)
_DELAY = re.compile(r",\s*delay\s+([0-9.hms ]+?)\s*$", re.IGNORECASE)
_METRIC = re.compile(rf"({_ID.pattern})\s+(above|below)\s+(\S+)(?:\s+for\s+(.+))?", re.IGNORECASE)


class CellError(ValueError):
    """One cell that does not say what its column needs."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _seconds(text: str, what: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise CellError(f"{what}: {exc}", "durations have units: 90s, 5m, 1h30m") from None


def parse_time(text: str) -> float:
    """`T+00:15:00` (or `00:15:00`, or a duration such as `15m`) -> seconds."""
    s = text.strip()
    m = _CLOCK.fullmatch(s)
    if m:
        return int(m[1]) * 3600 + int(m[2]) * 60 + float(m[3])
    if s[:2].upper() == "T-" or s.startswith("-"):
        raise CellError(f"scenario time {s!r} is before the drill starts", "times count from T+00:00:00")
    try:
        return parse_duration(s)
    except ValueError:
        raise CellError(f"{s!r} is not a scenario time", "write it as T+00:15:00 (hours:minutes:seconds)") from None


def parse_trigger(trigger: str, time: str) -> dict[str, Any]:
    """The Trigger and Scenario time cells -> the trigger as the scenario format writes it. Raises CellError;
    `CellError.args[1:]` never says which cell: the caller knows (the time cell only for time triggers)."""
    text = trigger.strip()
    out: dict[str, Any] = {}
    d = _DELAY.search(text)
    delay = 0.0
    if d:
        delay = _seconds(d[1], "delay")
        text = text[: d.start()].rstrip()
    word, _, rest = text.partition(" ")
    word, rest = word.lower(), rest.strip()
    if word in ("", "time"):
        if rest:
            raise CellError(f"{trigger.strip()!r} is not a trigger", _TRIGGER_HINT)
        if delay:
            raise CellError("a 'time' trigger takes no delay", "write 'at 15m, delay 2m' with the time it fires")
        if not time.strip():
            raise CellError("no scenario time and no trigger", "fill in Scenario time (T+00:15:00) or the Trigger")
        out["at"] = duration(parse_time(time))
    elif word == "at":
        at = _seconds(rest, "at")
        if time.strip() and abs(parse_time(time) - (at + delay)) > 1e-6:
            raise CellError(
                f"the trigger fires at {clock(at + delay)} but Scenario time says {time.strip()}",
                "make them agree, or write 'time' in Trigger to use the Scenario time",
            )
        out["at"] = duration(at)
    else:
        if time.strip():
            raise _TimeGiven()
        if word == "metric":
            out["metric"] = _metric(rest)
        elif word == "after":
            out["after_action"] = parse_action(rest)
        elif word == "timer":
            out["timer_expired"] = _one_word(rest, "timer id")
        else:
            raise CellError(f"{trigger.strip()!r} is not a trigger", _TRIGGER_HINT)
    if delay:
        out["delay"] = duration(delay)
    return out


class _TimeGiven(CellError):
    def __init__(self) -> None:
        super().__init__(
            "this inject fires on a condition, so it has no scenario time",
            "leave Scenario time empty, or write 'time' in Trigger to fire it at that time",
        )


def _metric(rest: str) -> dict[str, Any]:
    m = _METRIC.fullmatch(rest)
    if not m or not _NUMBER.fullmatch(m[3]):
        raise CellError(f"'metric {rest}' is not a metric condition", "write e.g. 'metric error_rate above 5 for 30s'")
    value = float(m[3])
    if value != value or value in (float("inf"), float("-inf")):
        raise CellError(f"{m[3]!r} is not a finite number")
    out: dict[str, Any] = {"metric": m[1], m[2].lower(): value}
    if m[4]:
        out["for"] = duration(_seconds(m[4].strip(), "for"))
    return out


def _one_word(text: str, what: str) -> str:
    value, end = _word_at(text, 0, what)
    if text[end:].strip():
        raise CellError(f"{text!r} is more than one {what}", 'quote it as a JSON string: "…"')
    return value


def _word_at(text: str, i: int, what: str) -> tuple[str, int]:
    """A bare word or a JSON string starting at `i` (spaces skipped): its value and where it ends."""
    while i < len(text) and text[i] == " ":
        i += 1
    if text[i : i + 1] == '"':
        try:
            value, end = json.JSONDecoder().raw_decode(text, i)
        except ValueError:
            raise CellError(f"{what}: an unfinished quoted string", 'close it with " (write \\" for a quote)') from None
        return str(value), end
    m = _TOKEN.match(text, i)
    if not m:
        raise CellError(f"no {what} in {text!r}", 'write it bare (finance) or quoted ("two words")')
    return m[0], m.end()


def parse_action(text: str) -> Any:
    """`page` or `page (contact: dba, …)` -> the action as the format writes it."""
    text = text.strip()
    m = _ID.match(text)
    if not m:
        raise CellError(f"{text!r} does not name an action", "name it by id: page, or page (contact: dba)")
    rest = text[m.end() :].strip()
    if not rest:
        return m[0]
    if not (rest.startswith("(") and rest.endswith(")")):
        raise CellError(f"{text!r}: parameters go in brackets", "write e.g. page (contact: dba)")
    body, params, i = rest[1:-1], {}, 0
    while i < len(body):
        key = _ID.match(body, len(body) - len(body[i:].lstrip()))
        if not key or body[key.end() : key.end() + 1] != ":":
            raise CellError(f"{text!r}: expected 'parameter: value'", "write e.g. page (contact: dba)")
        params[key[0]], i = _word_at(body, key.end() + 1, f"the value of {key[0]}")
        tail = body[i:].lstrip()
        if tail and not tail.startswith(","):
            raise CellError(f"{text!r}: separate parameters with commas", 'quote a value with spaces: "two words"')
        i = len(body) - len(tail) + (1 if tail else 0)
    return {"do": m[0], "with": params}


def parse_actions(text: str) -> list[Any]:
    """`brief_executives; page (contact: cto)` -> the actions, split on semicolons outside quotes."""
    out, start, quoted, escaped = [], 0, False, False
    for i, ch in enumerate(text + ";"):
        if quoted:
            escaped = ch == "\\" and not escaped
            quoted = not (ch == '"' and not escaped)
        elif ch == '"':
            quoted = True
        elif ch == ";":
            part = text[start:i].strip()
            if part:
                out.append(parse_action(part))
            start = i + 1
    return out


def kind_of(method: str) -> str:
    """The inject kind a Delivery method names: `Customer report` is `customer_report`."""
    return re.sub(r"[\s\-]+", "_", method.strip().lower())


def inject_data(row: Row, n: int, path: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """One row -> the inject as the scenario format writes it, and for each of its keys the cell it came
    from. Raises MselError listing each cell that is wrong."""
    problems: list[Problem] = []
    where: dict[str, tuple[int, int]] = {}
    data: dict[str, Any] = {}

    def take(key: str, column: str, value: Any) -> None:
        data[key], where[key] = value, row.at(column)

    number = row.get("Number").strip()
    take("id", "Inject ID", row.get("Inject ID").strip() or f"event-{number if number.isdigit() else n}")
    method = kind_of(row.get("Delivery method"))
    if method not in KINDS:
        said = f"{row.get('Delivery method').strip()!r} is not a delivery method" if method else "no delivery method"
        near = did_you_mean(method, KINDS) if method else ""
        problems.append(Problem(path, *row.at("Delivery method"), said, near or f"one of {', '.join(KINDS)}"))
    take("kind", "Delivery method", method)
    if row.get("From"):
        take("from", "From", row.get("From"))
    if not row.get("Event synopsis").strip():
        problems.append(Problem(path, *row.at("Event synopsis"), "no event synopsis", "the text the players receive"))
    take("text", "Event synopsis", row.get("Event synopsis"))
    trigger_column = "Trigger" if row.get("Trigger").strip() else "Scenario time"
    try:
        take("trigger", trigger_column, parse_trigger(row.get("Trigger"), row.get("Scenario time")))
    except _TimeGiven as exc:
        problems.append(Problem(path, *row.at("Scenario time"), exc.message, exc.hint))
    except CellError as exc:
        problems.append(Problem(path, *row.at(trigger_column), exc.message, exc.hint))
    try:
        unless = parse_actions(row.get("Expected action"))
    except CellError as exc:
        problems.append(Problem(path, *row.at("Expected action"), exc.message, exc.hint))
    else:
        if unless:
            take("unless", "Expected action", unless)
    if problems:
        raise MselError(problems)
    return data, where
