"""Events: what happens in a drill, in sim-time order, one typed record per kind. The journal, the UI and the
scorer read these; team drills will send them over the wire, so each must round-trip through plain JSON.

A record's fields are its journal line's keys, in the line's order: `{"t": …, "kind": …, **fields}`. A field
made with `optional()` is left out of the line while it is None; every other field is always written (None
as null). `to_json` and `from_json` are the only way between the two, so a journal written today reads back
equal, and byte-identical once written again.

Readers narrow with `match` or `isinstance`; a renderer ends its `match` with `assert_never`, so a kind added
to `AnyEvent` and forgotten there fails type checking.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

STATUSES = ("quiet", "detected", "acknowledged", "investigating", "identified", "mitigated", "resolved")
COMMS_CHANNELS = ("internal", "status_page", "customers", "executives", "support")
STATUS_PAGE_STATES = ("investigating", "identified", "monitoring", "resolved")
FACILITATOR = "facilitator"  # the actor of every facilitator input

# Action parameters as journaled: JSON scalars (the engine keeps anything else as its repr).
Params = Mapping[str, str | int | float | bool | None]

_OPTIONAL = {"optional": True}


def optional() -> Any:
    """A field left out of the journal line while it is None (keys the engine writes only sometimes)."""
    return dataclasses.field(default=None, metadata=_OPTIONAL)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """What every event has: its sim time, and (on the class) its kind."""

    kind: ClassVar[str]
    _keys: ClassVar[tuple[tuple[str, bool], ...]]  # (field, optional), in line order, after t and kind
    _required: ClassVar[frozenset[str]]  # the fields without a default

    t: float

    def to_json(self) -> dict[str, Any]:
        """The flat journal line."""
        out: dict[str, Any] = {"t": self.t, "kind": self.kind}
        for name, opt in self._keys:
            value = getattr(self, name)
            if value is not None or not opt:
                out[name] = value
        return out

    def payload(self) -> dict[str, Any]:
        """The line's keys but `t` and `kind`."""
        out = self.to_json()
        del out["t"], out["kind"]
        return out


E = TypeVar("E", bound=Event)
KINDS: dict[str, type[AnyEvent]] = {}


def _kind(kind: str) -> Callable[[type[E]], type[E]]:
    def register(cls: type[E]) -> type[E]:
        fields = [f for f in dataclasses.fields(cls) if f.name != "t"]
        cls.kind = kind
        cls._keys = tuple((f.name, bool(f.metadata.get("optional"))) for f in fields)
        cls._required = frozenset(f.name for f in fields if f.default is dataclasses.MISSING)
        KINDS[kind] = cls  # type: ignore[assignment]
        return cls

    return register


# -- the drill ------------------------------------------------------------------------------------


@_kind("drill.started")
@dataclass(frozen=True, slots=True, kw_only=True)
class DrillStarted(Event):
    scenario: str
    playbook: str
    seed: int
    trainee: str
    incident_id: str
    channel: str
    duration: float


@_kind("drill.ended")
@dataclass(frozen=True, slots=True, kw_only=True)
class DrillEnded(Event):
    reason: str  # `resolved`, `timeout` or `ended`
    verified: bool
    resolved: bool
    by: str | None = optional()  # `facilitator`, when they ended it


@_kind("recovery.verified")
@dataclass(frozen=True, slots=True, kw_only=True)
class RecoveryVerified(Event):
    held_for: float  # seconds the metrics had stayed healthy after resolving


# -- the hidden truth and what it shows -----------------------------------------------------------


@_kind("fault.started")
@dataclass(frozen=True, slots=True, kw_only=True)
class FaultStarted(Event):
    fault: str
    label: str
    by: str | None = optional()  # the action that started it, if one did


@_kind("fault.resolved")
@dataclass(frozen=True, slots=True, kw_only=True)
class FaultResolved(Event):
    fault: str
    label: str
    by: str  # the action that resolved it
    prevented: bool | None = optional()  # True when fixed before it started


@_kind("alert")
@dataclass(frozen=True, slots=True, kw_only=True)
class Alert(Event):
    metric: str
    level: str  # `warn`, `critical` or `clear`
    value: float
    threshold: float
    previous: str  # the level before: `ok`, `warn` or `critical`


@_kind("inject")
@dataclass(frozen=True, slots=True, kw_only=True)
class Inject(Event):
    id: str
    inject_kind: str  # alert, page, chat, customer_report, log, exec_ping, vendor_notice, hint
    sender: str
    text: str
    sender_title: str


@_kind("pager.escalated")
@dataclass(frozen=True, slots=True, kw_only=True)
class PagerEscalated(Event):
    """Nobody acknowledged in time: the pager went to the chain's next level."""

    level: int  # 1-based
    name: str
    contact: str
    person: str


@_kind("escalation")
@dataclass(frozen=True, slots=True, kw_only=True)
class Escalation(Event):
    """A stakeholder or a matrix step pushes in."""

    timer: str
    contact: str
    title: str
    reason: str
    name: str


# -- what the trainee does ------------------------------------------------------------------------


@_kind("action.started")
@dataclass(frozen=True, slots=True, kw_only=True)
class ActionStarted(Event):
    action: str
    label: str
    params: Params
    actor: str
    role: str | None
    finishes_at: float


@_kind("action.finished")
@dataclass(frozen=True, slots=True, kw_only=True)
class ActionFinished(Event):
    action: str
    label: str
    params: Params
    actor: str
    role: str | None
    started_at: float
    result: str | None = optional()  # investigate: what was found


@_kind("action.refused")
@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRefusal(Event):
    """An action the engine refused; nothing changed. (Not `ActionRefused`: that is the exception.)"""

    action: str
    params: Params
    reason: str
    actor: str
    role: str | None


@_kind("action.cancelled")
@dataclass(frozen=True, slots=True, kw_only=True)
class ActionCancelled(Event):
    action: str
    actor: str
    role: str | None


@_kind("page.sent")
@dataclass(frozen=True, slots=True, kw_only=True)
class PageSent(Event):
    contact: str
    title: str
    team: str
    actor: str
    role: str | None
    name: str


@_kind("severity.declared")
@dataclass(frozen=True, slots=True, kw_only=True)
class SeverityDeclared(Event):
    severity: str
    previous: str | None  # None the first time
    actor: str
    role: str | None


@_kind("role.assigned")
@dataclass(frozen=True, slots=True, kw_only=True)
class RoleAssigned(Event):
    role: str  # the role handed out
    who: str
    actor: str


@_kind("comms.sent")
@dataclass(frozen=True, slots=True, kw_only=True)
class CommsSent(Event):
    channel: str  # one of COMMS_CHANNELS
    text: str
    state: str | None = optional()  # status page only: one of STATUS_PAGE_STATES
    actor: str
    role: str | None


@_kind("pir.scheduled")
@dataclass(frozen=True, slots=True, kw_only=True)
class PirScheduled(Event):
    actor: str
    role: str | None


# -- the incident ---------------------------------------------------------------------------------


@_kind("clue.revealed")
@dataclass(frozen=True, slots=True, kw_only=True)
class ClueRevealed(Event):
    clue: str
    text: str
    root_cause: bool
    by: str  # the action that revealed it


@_kind("status.changed")
@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChanged(Event):
    status: str  # one of STATUSES
    previous: str
    early: bool | None = optional()  # on `resolved`: whether faults or metrics were still bad


# -- timers ---------------------------------------------------------------------------------------


@_kind("timer.started")
@dataclass(frozen=True, slots=True, kw_only=True)
class TimerStarted(Event):
    timer: str
    label: str
    deadline: float
    category: str  # `sla`, `cadence`, `pager`, `matrix` or `progress`


@_kind("timer.met")
@dataclass(frozen=True, slots=True, kw_only=True)
class TimerMet(Event):
    timer: str
    label: str
    deadline: float
    late: bool
    met_at: float | None = optional()  # when it was met, if before the timer started


@_kind("timer.expired")
@dataclass(frozen=True, slots=True, kw_only=True)
class TimerExpired(Event):
    timer: str
    label: str
    deadline: float


@_kind("timer.cancelled")
@dataclass(frozen=True, slots=True, kw_only=True)
class TimerCancelled(Event):
    timer: str
    label: str


# -- the facilitator: inputs, journaled and replayed like the trainee's ---------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorEvent(Event):
    """The `facilitator.*` family: each kind is a facilitator input (see `Drill.facilitate`)."""

    actor: str = FACILITATOR


@_kind("facilitator.inject_now")
@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorInjectNow(FacilitatorEvent):
    inject: str


@_kind("facilitator.say")
@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorSay(FacilitatorEvent):
    sender: str
    text: str
    inject_kind: str | None = optional()  # the kind of inject it makes (chat when left out)


@_kind("facilitator.hint")
@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorHint(FacilitatorEvent):
    text: str


@_kind("facilitator.note")
@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorNote(FacilitatorEvent):
    text: str


@_kind("facilitator.jump")
@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorJump(FacilitatorEvent):
    dt: float  # seconds the clock was moved on


# -- after the drill ------------------------------------------------------------------------------


@_kind("debrief.answer")
@dataclass(frozen=True, slots=True, kw_only=True)
class DebriefAnswer(Event):
    """A lessons-learned answer: recorded after `drill.ended`, never replayed as an input."""

    question: int  # index in the scenario's debrief_questions
    prompt: str
    text: str


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
    | ClueRevealed
    | StatusChanged
    | TimerStarted
    | TimerMet
    | TimerExpired
    | TimerCancelled
    | FacilitatorInput
    | DebriefAnswer
)
ANSWER_KIND = DebriefAnswer.kind

# An inject line written before `inject_kind` existed: its own kind took the line's `kind`.
_LEGACY_INJECT = frozenset({"id", "sender", "text"})


def from_json(obj: Mapping[str, Any]) -> AnyEvent:
    """The event a journal line holds; raises ValueError for an unknown kind or keys that do not fit it."""
    data = dict(obj)
    t, kind = float(data.pop("t")), str(data.pop("kind"))
    if kind != Inject.kind and data.keys() >= _LEGACY_INJECT:
        data["inject_kind"] = kind
        kind = Inject.kind
    cls = KINDS.get(kind)
    if cls is None:
        raise ValueError(f"unknown event kind {kind!r}")
    keys = {name for name, _ in cls._keys}
    unknown = [k for k in data if k not in keys]
    missing = [n for n, _ in cls._keys if n in cls._required and n not in data]
    if unknown or missing:
        says = [f"unknown key(s) {', '.join(map(repr, unknown))}" if unknown else "",
                f"missing key(s) {', '.join(map(repr, missing))}" if missing else ""]  # fmt: skip
        raise ValueError(f"a {kind} event with {' and '.join(s for s in says if s)}")
    return cls(t=t, **data)
