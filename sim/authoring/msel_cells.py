"""The cells of an MSEL row read as an inject, in the scenario format's own terms: the Trigger column's grammar
(`sim.authoring.msel`), the Scenario time, the Expected action's action names, the Delivery method."""

from __future__ import annotations

import json
import re
from typing import Any

from sim.authoring.msel import CLOCK, ID, KINDS, NUMBER, TOKEN, MselError, Row, clock, duration
from sim.format.checks import did_you_mean
from sim.format.durations import parse_duration
from sim.format.loading import Problem

_TRIGGER_HINT = (
    "write time, at 15m, metric ID above N [for 30s], metric ID below N, after ACTION [(param: value)], "
    "or timer ID; add ', delay 2m' to wait after it"
)
_DELAY = re.compile(r",\s*delay\s+([0-9.hms ]+?)\s*$", re.IGNORECASE)
_METRIC = re.compile(rf"({ID.pattern})\s+(above|below)\s+(\S+)(?:\s+for\s+(.+))?", re.IGNORECASE)


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
    m = CLOCK.fullmatch(s)
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
    if not m or not NUMBER.fullmatch(m[3]):
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
    m = TOKEN.match(text, i)
    if not m:
        raise CellError(f"no {what} in {text!r}", 'write it bare (finance) or quoted ("two words")')
    return m[0], m.end()


def parse_action(text: str) -> Any:
    """`page` or `page (contact: dba, …)` -> the action as the format writes it."""
    text = text.strip()
    m = ID.match(text)
    if not m:
        raise CellError(f"{text!r} does not name an action", "name it by id: page, or page (contact: dba)")
    rest = text[m.end() :].strip()
    if not rest:
        return m[0]
    if not (rest.startswith("(") and rest.endswith(")")):
        raise CellError(f"{text!r}: parameters go in brackets", "write e.g. page (contact: dba)")
    body, params, i = rest[1:-1], {}, 0
    while i < len(body):
        key = ID.match(body, len(body) - len(body[i:].lstrip()))
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
