"""Events: what happens in a drill, in sim-time order, one typed record per kind. The journal, the UI and the
scorer read these; team drills will send them over the wire, so each must round-trip through plain JSON.

A record is a NamedTuple (no dataclass: some thirty of them load before a drill's first frame, see
`sim/__init__`): `t`, its payload fields in the journal line's order, and `kind`, a constant that keeps
records of different kinds unequal. `to_json` writes the flat line `{"t": …, "kind": …, **fields}`, leaving
out the keys `_record` names while they are None; `from_json` reads it back equal, so a line written again is
byte-identical.

Readers narrow with `match` or `isinstance`; a renderer ends its `match` with `assert_never`, so a kind added
to `AnyEvent` and forgotten there fails type checking.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple, TypeVar

from sim.format.text import printable, printable_json

FACILITATOR = "facilitator"  # the actor of every facilitator input

# Action parameters as journaled: JSON scalars (the engine keeps anything else as its repr).
Params = Mapping[str, str | int | float | bool | None]

# Bounds on what a journal line may hold; a line beyond them is damaged, not a drill (docs/architecture.md).
MAX_TIME = 366 * 24 * 3600.0  # no event happens later than a year after T+0
MAX_NUMBER = 1e15  # no number in an event is larger, either way (times, metric values, thresholds)
MAX_INT = 2**63  # no integer (a seed, a level, a question) is larger, either way

# A field's check: what is wrong with a value (to follow the field's name), or None when it fits.
Check = Callable[[Any], str | None]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"is {_shown(value)}, not a number"
    if not math.isfinite(value):
        return f"is {value!r}, not a finite number"
    if abs(value) > MAX_NUMBER:
        return f"is {_shown(value)}, beyond the {MAX_NUMBER:g} limit"
    return None


def _integer(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"is {_shown(value)}, not an integer"
    return f"is {_shown(value)}, beyond the 2**63 limit" if abs(value) > MAX_INT else None


def _of(kind: type, name: str) -> Check:
    return lambda value: None if isinstance(value, kind) else f"is {_shown(value)}, not {name}"


def _params(value: Any) -> str | None:
    if not isinstance(value, dict):
        return f"is {_shown(value)}, not an object of parameters"
    for key, v in value.items():
        if v is None or isinstance(v, str | bool):
            continue
        problem = _number(v)
        if problem:
            return f"has {key!r}, which {problem}"
    return None


_CHECKS: dict[str, Check] = {
    "str": _of(str, "a string"),
    "bool": _of(bool, "true or false"),
    "float": _number,
    "int": _integer,
    "Params": _params,
}


def field_check(annotation: Any) -> Check:
    """The check for a record field's annotation (`float`, `str | None`, `Params`…); raises TypeError for an
    annotation no journal line can be checked against, so a new field type fails at import."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__forward_arg__", None)
    if text is None:
        text = getattr(annotation, "__name__", repr(annotation))
    base, none_too = text, False
    if text.endswith(" | None"):
        base, none_too = text.removesuffix(" | None"), True
    check = _CHECKS.get(base)
    if check is None:
        raise TypeError(f"no journal check for the annotation {text!r}")
    if not none_too:
        return check
    return lambda value: None if value is None else check(value)


def field_checks(record: type) -> dict[str, Check]:
    """Each field's check, by name, but `kind`'s (a record's constant)."""
    nt: Any = record
    return {name: field_check(ann) for name, ann in nt.__annotations__.items() if name != "kind"}


class _Line(NamedTuple):
    """How a kind's record maps to its journal line."""

    keys: tuple[str, ...]  # the payload keys, in order (after `t` and `kind`)
    optional: frozenset[str]  # left out while None
    required: frozenset[str]  # the keys every line holds
    checks: dict[str, Check]  # each payload key's value check


KINDS: dict[str, type[AnyEvent]] = {}
_LINES: dict[type, _Line] = {}
R = TypeVar("R")


def _record(*optional: str) -> Callable[[type[R]], type[R]]:
    """Register a record under its kind; `optional` names the keys a line holds only when they are set."""

    def register(cls: type[R]) -> type[R]:
        nt: Any = cls
        keys = tuple(f for f in nt._fields if f not in ("t", "kind"))
        assert set(optional) <= set(keys), (cls, optional)
        required = frozenset(keys) - nt._field_defaults.keys() - set(optional)
        checks = field_checks(nt)
        _LINES[cls] = _Line(keys, frozenset(optional), required, {k: checks[k] for k in keys})
        KINDS[nt._field_defaults["kind"]] = nt
        return cls

    return register


# -- the drill ------------------------------------------------------------------------------------


@_record()
class DrillStarted(NamedTuple):
    t: float
    scenario: str
    playbook: str
    seed: int
    trainee: str
    incident_id: str
    channel: str
    duration: float
    kind: Literal["drill.started"] = "drill.started"


@_record("by")
class DrillEnded(NamedTuple):
    t: float
    reason: str  # `resolved`, `timeout` or `ended`
    verified: bool
    resolved: bool
    by: str | None = None  # `facilitator`, when they ended it
    kind: Literal["drill.ended"] = "drill.ended"


@_record()
class RecoveryVerified(NamedTuple):
    t: float
    held_for: float  # seconds the metrics had stayed healthy after resolving
    kind: Literal["recovery.verified"] = "recovery.verified"


# -- the hidden truth and what it shows -----------------------------------------------------------


@_record("by")
class FaultStarted(NamedTuple):
    t: float
    fault: str
    label: str
    by: str | None = None  # the action that started it, if one did
    kind: Literal["fault.started"] = "fault.started"


@_record("by", "prevented")
class FaultResolved(NamedTuple):
    t: float
    fault: str
    label: str
    by: str | None = None  # the action that resolved it; None when it faded out by itself
    prevented: bool | None = None  # True when fixed before it started
    kind: Literal["fault.resolved"] = "fault.resolved"


@_record()
class Alert(NamedTuple):
    t: float
    metric: str
    level: str  # `warn`, `critical` or `clear`
    value: float
    threshold: float
    previous: str  # the level before: `ok`, `warn` or `critical`
    kind: Literal["alert"] = "alert"


@_record()
class Inject(NamedTuple):
    t: float
    id: str
    inject_kind: str  # alert, page, chat, customer_report, log, exec_ping, vendor_notice, hint
    sender: str
    text: str
    sender_title: str
    kind: Literal["inject"] = "inject"


@_record()
class PagerEscalated(NamedTuple):
    """Nobody acknowledged in time: the pager went to the chain's next level."""

    t: float
    level: int  # 1-based
    name: str
    contact: str
    person: str
    kind: Literal["pager.escalated"] = "pager.escalated"


@_record()
class Escalation(NamedTuple):
    """A stakeholder or a matrix step pushes in."""

    t: float
    timer: str
    contact: str
    title: str
    reason: str
    name: str
    kind: Literal["escalation"] = "escalation"


# -- what the trainee does ------------------------------------------------------------------------


@_record()
class ActionStarted(NamedTuple):
    t: float
    action: str
    label: str
    params: Params
    actor: str
    role: str | None
    finishes_at: float
    kind: Literal["action.started"] = "action.started"


@_record("result")
class ActionFinished(NamedTuple):
    t: float
    action: str
    label: str
    params: Params
    actor: str
    role: str | None
    started_at: float
    result: str | None = None  # investigate: what was found
    kind: Literal["action.finished"] = "action.finished"


@_record()
class ActionRefusal(NamedTuple):
    """An action the engine refused; nothing changed. (Not `ActionRefused`: that is the exception.)"""

    t: float
    action: str
    params: Params
    reason: str
    actor: str
    role: str | None
    kind: Literal["action.refused"] = "action.refused"


@_record()
class ActionCancelled(NamedTuple):
    t: float
    action: str
    actor: str
    role: str | None
    kind: Literal["action.cancelled"] = "action.cancelled"


@_record()
class PageSent(NamedTuple):
    t: float
    contact: str
    title: str
    team: str
    actor: str
    role: str | None
    name: str
    kind: Literal["page.sent"] = "page.sent"


@_record()
class SeverityDeclared(NamedTuple):
    t: float
    severity: str
    previous: str | None  # None the first time
    actor: str
    role: str | None
    kind: Literal["severity.declared"] = "severity.declared"


@_record()
class RoleAssigned(NamedTuple):
    t: float
    role: str  # the role handed out
    who: str
    actor: str
    kind: Literal["role.assigned"] = "role.assigned"


@_record("state")
class CommsSent(NamedTuple):
    t: float
    channel: str  # one of sim.format.vocabulary.COMMS_CHANNELS
    text: str
    state: str | None  # status page only (one of sim.format.vocabulary.STATUS_PAGE_STATES), else None
    actor: str
    role: str | None
    kind: Literal["comms.sent"] = "comms.sent"


@_record()
class PirScheduled(NamedTuple):
    t: float
    actor: str
    role: str | None
    kind: Literal["pir.scheduled"] = "pir.scheduled"


# -- the incident channel: what players write to each other in a team drill ------------------------

CHANNEL_MAX = 2000  # characters of one channel message; longer text is cut (sim.engine.drill.Drill.say)


@_record()
class ChannelMessage(NamedTuple):
    """A message in the incident channel: an input, journaled and replayed like an action."""

    t: float
    actor: str
    role: str | None
    text: str
    kind: Literal["channel.message"] = "channel.message"


# -- the incident ---------------------------------------------------------------------------------


@_record()
class ClueRevealed(NamedTuple):
    t: float
    clue: str
    text: str
    root_cause: bool
    by: str  # the action that revealed it
    kind: Literal["clue.revealed"] = "clue.revealed"


@_record("early")
class StatusChanged(NamedTuple):
    t: float
    status: str  # one of sim.format.vocabulary.STATUSES
    previous: str
    early: bool | None = None  # on `resolved`: whether faults or metrics were still bad
    kind: Literal["status.changed"] = "status.changed"


# -- timers ---------------------------------------------------------------------------------------


@_record()
class TimerStarted(NamedTuple):
    t: float
    timer: str
    label: str
    deadline: float
    category: str  # `sla`, `cadence`, `pager`, `matrix` or `progress`
    kind: Literal["timer.started"] = "timer.started"


@_record("met_at")
class TimerMet(NamedTuple):
    t: float
    timer: str
    label: str
    deadline: float
    late: bool
    met_at: float | None = None  # when it was met, if before the timer started
    kind: Literal["timer.met"] = "timer.met"


@_record()
class TimerExpired(NamedTuple):
    t: float
    timer: str
    label: str
    deadline: float
    kind: Literal["timer.expired"] = "timer.expired"


@_record()
class TimerCancelled(NamedTuple):
    t: float
    timer: str
    label: str
    kind: Literal["timer.cancelled"] = "timer.cancelled"


# -- the facilitator: inputs, journaled and replayed like the trainee's ---------------------------


@_record()
class FacilitatorInjectNow(NamedTuple):
    t: float
    actor: str  # always FACILITATOR
    inject: str
    kind: Literal["facilitator.inject_now"] = "facilitator.inject_now"


@_record("inject_kind")
class FacilitatorSay(NamedTuple):
    t: float
    actor: str  # always FACILITATOR
    sender: str
    text: str
    inject_kind: str | None = None  # the kind of inject it makes (chat when left out)
    kind: Literal["facilitator.say"] = "facilitator.say"


@_record()
class FacilitatorHint(NamedTuple):
    t: float
    actor: str  # always FACILITATOR
    text: str
    kind: Literal["facilitator.hint"] = "facilitator.hint"


@_record()
class FacilitatorNote(NamedTuple):
    t: float
    actor: str  # always FACILITATOR
    text: str
    kind: Literal["facilitator.note"] = "facilitator.note"


@_record()
class FacilitatorJump(NamedTuple):
    t: float
    actor: str  # always FACILITATOR
    dt: float  # seconds the clock was moved on
    kind: Literal["facilitator.jump"] = "facilitator.jump"


# -- after the drill ------------------------------------------------------------------------------


@_record()
class DebriefAnswer(NamedTuple):
    """A lessons-learned answer: recorded after `drill.ended`, never replayed as an input."""

    t: float
    question: int  # index in the scenario's debrief_questions
    prompt: str
    text: str
    kind: Literal["debrief.answer"] = "debrief.answer"


FacilitatorInput = FacilitatorInjectNow | FacilitatorSay | FacilitatorHint | FacilitatorNote | FacilitatorJump
AnyEvent = (
    DrillStarted
    | DrillEnded
    | RecoveryVerified
    | FaultStarted
    | FaultResolved
    | Alert
    | Inject
    | PagerEscalated
    | Escalation
    | ActionStarted
    | ActionFinished
    | ActionRefusal
    | ActionCancelled
    | PageSent
    | SeverityDeclared
    | RoleAssigned
    | CommsSent
    | PirScheduled
    | ChannelMessage
    | ClueRevealed
    | StatusChanged
    | TimerStarted
    | TimerMet
    | TimerExpired
    | TimerCancelled
    | FacilitatorInput
    | DebriefAnswer
)
# An inject line written before `inject_kind` existed: its own kind took the line's `kind`.
_LEGACY_INJECT = frozenset({"id", "sender", "text"})


def kind_of(record: type[AnyEvent]) -> str:
    """The kind a record class stands for (on the class, `kind` is the field, not its value)."""
    return str(record._field_defaults["kind"])


ANSWER_KIND = kind_of(DebriefAnswer)


def to_json(event: AnyEvent) -> dict[str, Any]:
    """The flat journal line."""
    line = _LINES[type(event)]
    out: dict[str, Any] = {"t": event.t, "kind": event.kind}
    for name in line.keys:
        value = getattr(event, name)
        if value is not None or name not in line.optional:
            out[name] = value
    return out


def payload(event: AnyEvent) -> dict[str, Any]:
    """The line's keys but `t` and `kind`."""
    out = to_json(event)
    del out["t"], out["kind"]
    return out


def from_json(obj: Mapping[str, Any]) -> AnyEvent:
    """The event a journal line holds; raises ValueError for an unknown kind, keys that do not fit it, or a
    value that does not fit its field (a string for a time, NaN, a list for `params`, a time out of bounds)."""
    # A journal can be edited by hand: its text is shown, never obeyed (sim.format.text). Keys are checked
    # against the kind's own below, so only an unknown one (named in the error) needs making printable.
    data: dict[str, Any] = {k: printable(v) if isinstance(v, str) else printable_json(v) for k, v in obj.items()}
    if "t" not in data or "kind" not in data:
        raise ValueError("a line without 't' and 'kind'")
    t, kind = data.pop("t"), data.pop("kind")
    if not isinstance(kind, str):
        raise ValueError(f"'kind' is {_shown(kind)}, not a string")
    problem = _number(t)
    if problem is None and not 0 <= t <= MAX_TIME:
        problem = f"is {t!r}, outside 0 to {MAX_TIME:g} seconds"
    if problem:
        raise ValueError(f"a {kind} event's time 't' {problem}")
    if kind != "inject" and data.keys() >= _LEGACY_INJECT:
        data["inject_kind"] = kind
        kind = "inject"
    cls = KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    line = _LINES[cls]
    unknown = [printable(str(k)) for k in data if k not in line.keys]
    missing = [k for k in line.keys if k in line.required and k not in data]
    if unknown or missing:
        says = [f"unknown key(s) {', '.join(map(repr, unknown))}" if unknown else "",
                f"missing key(s) {', '.join(map(repr, missing))}" if missing else ""]  # fmt: skip
        raise ValueError(f"a {kind} event with {' and '.join(s for s in says if s)}")
    for key, value in data.items():
        problem = line.checks[key](value)
        if problem:
            raise ValueError(f"a {kind} event's {key!r} {problem}")
    # An optional key the line leaves out is None (a comms.sent's `state` has no default to fall back on).
    return cls(t=float(t), **{**dict.fromkeys(line.optional), **data})
