"""What happened when: the moments a grade is built from, read once from a drill record's events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar, get_args

from sim.format.vocabulary import COMMS_CHANNELS
from sim.journal.drill_record import DrillRecord
from sim.journal.events import (
    FACILITATOR,
    ActionCancelled,
    ActionFinished,
    ActionRefusal,
    ActionStarted,
    Alert,
    AnyEvent,
    ClueRevealed,
    CommsSent,
    DrillEnded,
    FacilitatorInput,
    FaultResolved,
    FaultStarted,
    Inject,
    PagerEscalated,
    PageSent,
    PirScheduled,
    RecoveryVerified,
    RoleAssigned,
    SeverityDeclared,
    StatusChanged,
)

__all__ = ["FACILITATOR", "TRAINEE_EVENTS", "Facts", "acting_role", "actor_field", "read_facts"]

# Events that mean "someone could have noticed": the playbook measures its targets from the first of them.
_DETECTING_INJECTS = ("alert", "page")
# What a trainee causes, each with its `actor`; the rest are the simulation's own doing.
TRAINEE_EVENTS = (
    ActionStarted,
    ActionFinished,
    ActionRefusal,
    ActionCancelled,
    PageSent,
    SeverityDeclared,
    RoleAssigned,
    CommsSent,
    PirScheduled,
)
# The same but role.assigned, whose `role` is the role handed out: each also has the role its actor acted in.
_ACTING_IN_ROLE = (
    ActionStarted,
    ActionFinished,
    ActionRefusal,
    ActionCancelled,
    PageSent,
    SeverityDeclared,
    CommsSent,
    PirScheduled,
)
_WITH_ACTOR = (*TRAINEE_EVENTS, *get_args(FacilitatorInput))
E = TypeVar("E", bound=AnyEvent)
F = TypeVar("F", bound=AnyEvent)


def actor_field(event: AnyEvent) -> str | None:
    """The `actor` the event records (trainee events and facilitator inputs have one), or None."""
    if isinstance(event, _WITH_ACTOR):
        return event.actor
    return None


def acting_role(event: AnyEvent) -> str | None:
    """The role the event's actor acted in, if the event records one."""
    return event.role if isinstance(event, _ACTING_IN_ROLE) else None


@dataclass(frozen=True, slots=True)
class Facts:
    """The moments of one drill, in sim seconds from T+0. `None` means it never happened."""

    detection: float
    detection_event: StatusChanged | Alert | Inject | PagerEscalated | None  # None: nothing ever fired, so
    # targets count from T+0
    end: float
    trainee: str
    acknowledged: ActionFinished | StatusChanged | None
    response: SeverityDeclared | RoleAssigned | ActionFinished | None  # first declaration, role or channel
    declarations: tuple[SeverityDeclared, ...]
    roles: tuple[RoleAssigned, ...]
    comms: dict[str, tuple[CommsSent, ...]]  # channel -> comms.sent events, in order
    pages: tuple[PageSent, ...]
    started: tuple[ActionStarted, ...]  # action.started by trainees
    finished: tuple[ActionFinished, ...]  # action.finished by trainees
    cancelled: tuple[ActionCancelled, ...]
    root_cause: ClueRevealed | None  # first clue.revealed with root_cause true
    faults_started: tuple[FaultStarted, ...]
    faults_resolved: tuple[FaultResolved, ...]
    mitigated: float | None  # every started fault resolved, or status `mitigated`, whichever came first
    mitigated_event: StatusChanged | FaultResolved | None
    resolved: ActionFinished | StatusChanged | None
    resolved_early: bool  # the engine said faults were active or metrics unhealthy when it was resolved
    verified: RecoveryVerified | None
    end_verified: bool  # drill.ended said the resolution held
    pir: PirScheduled | None
    pager_escalations: tuple[PagerEscalated, ...]
    first_page: Inject | None  # the page that started the pager chain (it reached the chain's first level)
    alerts: tuple[Alert, ...]

    def finished_action(self, action_id: str, params: Mapping[str, str] | None = None) -> ActionFinished | None:
        """The first finish of the action, taken with `params` when given."""
        return next((e for e in self.finished if _matches(e, action_id, params)), None)

    def started_action(self, action_id: str, params: Mapping[str, str] | None = None) -> ActionStarted | None:
        return next((e for e in self.started if _matches(e, action_id, params)), None)

    def page_of(self, contact: str) -> PageSent | None:
        return next((e for e in self.pages if e.contact == contact), None)

    def actor_of(self, event: AnyEvent) -> str | None:
        """Who did it. A trainee's event without an actor is the trainee's own (single-player drills);
        what the simulation did by itself (alerts, faults, timers) has no actor."""
        return actor_field(event) or (self.trainee if isinstance(event, TRAINEE_EVENTS) else None)


def _by_trainee(event: AnyEvent) -> bool:
    return actor_field(event) != FACILITATOR


def _detection(events: tuple[AnyEvent, ...]) -> StatusChanged | Alert | Inject | PagerEscalated | None:
    for e in events:
        match e:
            case StatusChanged(status="detected"):
                return e
            case Alert(level="warn" | "critical"):
                return e
            case Inject() if e.inject_kind in _DETECTING_INJECTS:
                return e
            case PagerEscalated():
                return e
    return None


def _mitigation(events: tuple[AnyEvent, ...]) -> StatusChanged | FaultResolved | None:
    """The moment every active fault was resolved (or the engine said `mitigated`), for good.

    A fault that starts again, or a status falling back from mitigated, undoes it: the mitigation that
    counts is the one that held.
    """
    active: set[str] = set()
    seen_fault = False
    held: StatusChanged | FaultResolved | None = None
    for e in events:
        match e:
            case StatusChanged(status="mitigated"):
                held = held or e
            case StatusChanged(previous="mitigated") if e.status != "resolved":
                held = None  # fell back to investigating
            case FaultStarted():
                active.add(e.fault)
                seen_fault = True
                held = None
            case FaultResolved():
                active.discard(e.fault)
                if seen_fault and not active:
                    held = held or e
    return held


def _of(events: Iterable[AnyEvent], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]


def _status(events: tuple[AnyEvent, ...], status: str) -> StatusChanged | None:
    return next((e for e in _of(events, StatusChanged) if e.status == status), None)


def _earliest(a: E | None, b: F | None) -> E | F | None:
    """The earlier of two events that may not have happened (the first on a tie)."""
    if a is None or (b is not None and b.t < a.t):
        return b
    return a


def read_facts(record: DrillRecord) -> Facts:
    """Index one record. Events are taken in journal order, which is sim-time order."""
    events = record.events
    mine = [e for e in events if _by_trainee(e)]
    finished = _of(mine, ActionFinished)
    ack_action = next((e for e in finished if e.action == "acknowledge"), None)
    channel = next((e for e in finished if e.action == "open_channel"), None)
    resolve_action = next((e for e in finished if e.action == "resolve"), None)
    # Standard actions that put a formal response under way (the seeds' "initial response" checklist).
    response: SeverityDeclared | RoleAssigned | ActionFinished | None
    response = next((e for e in mine if isinstance(e, SeverityDeclared | RoleAssigned)), None)
    if channel is not None and (response is None or channel.t < response.t):
        response = channel
    detection = _detection(events)
    ended = next(iter(_of(events, DrillEnded)), None)
    mitigated = _mitigation(events)
    resolved = _status(events, "resolved")
    sent = _of(mine, CommsSent)
    comms = {ch: tuple(e for e in sent if e.channel == ch) for ch in COMMS_CHANNELS}
    return Facts(
        detection=detection.t if detection else 0.0,
        detection_event=detection,
        end=ended.t if ended else (events[-1].t if events else 0.0),
        trainee=record.header.trainee,
        acknowledged=_earliest(ack_action, _status(events, "acknowledged")),
        response=response,
        declarations=tuple(_of(mine, SeverityDeclared)),
        roles=tuple(_of(mine, RoleAssigned)),
        comms=comms,
        pages=tuple(_of(mine, PageSent)),
        started=tuple(_of(mine, ActionStarted)),
        finished=tuple(finished),
        cancelled=tuple(_of(mine, ActionCancelled)),
        root_cause=next((e for e in _of(events, ClueRevealed) if e.root_cause), None),
        faults_started=tuple(_of(events, FaultStarted)),
        faults_resolved=tuple(_of(events, FaultResolved)),
        mitigated=mitigated.t if mitigated else None,
        mitigated_event=mitigated,
        resolved=_earliest(resolve_action, resolved),
        resolved_early=bool(resolved and resolved.early),
        verified=next(iter(_of(events, RecoveryVerified)), None),
        end_verified=bool(ended and ended.verified),
        pir=next(iter(_of(mine, PirScheduled)), None),
        pager_escalations=tuple(_of(events, PagerEscalated)),
        first_page=next((e for e in _of(events, Inject) if e.inject_kind == "page"), None),
        alerts=tuple(_of(events, Alert)),
    )


def _matches(event: ActionStarted | ActionFinished, action_id: str, params: Mapping[str, str] | None) -> bool:
    taken = event.params
    return event.action == action_id and all(taken.get(k) == v for k, v in (params or {}).items())
