"""What happened when: the moments a drill is timed and graded by, with one definition each.

The engine keeps a live `FactTracker` as it emits events (its timers start and stop on these facts) and the
scorer reads the same tracker fed a finished record (`read_facts`), so they cannot disagree on detection,
acknowledgement, the start of the response, declarations, mitigation, root cause, verified recovery, or
when each fault started and ended. It reads events only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, get_args

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
    Escalation,
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
    TimerStarted,
)

__all__ = [
    "DETECTING_INJECTS",
    "FACILITATOR",
    "RESPONSE_ACTIONS",
    "TRAINEE_EVENTS",
    "FactTracker",
    "Facts",
    "acting_role",
    "actor_field",
    "is_detection",
    "read_facts",
]

# Injects that mean someone has noticed: the playbook measures its targets from the first of them (or from
# the first metric alert at critical, whichever comes first).
DETECTING_INJECTS = ("page", "customer_report")
# The standard actions that put a formal response under way (the seeds' "initial response" checklist):
# declaring a severity, assigning a role, opening the incident channel. A posted update is not one.
RESPONSE_ACTIONS = ("declare", "assign_role", "open_channel")
# The timers and escalations of playbook triggers are named `trigger.<trigger id>` (sim.journal.rules).
TRIGGER_TIMER = "trigger."
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
_ACTING_IN_ROLE = tuple(kind for kind in TRAINEE_EVENTS if kind is not RoleAssigned)
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
    detection_event: Alert | Inject | None  # None: nothing ever fired, so targets count from T+0
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
    fault_spans: tuple[tuple[str, float, float | None], ...]  # (fault, started, ended or None), by start
    mitigated: float | None  # every started fault resolved, or status `mitigated`, whichever came first
    mitigated_event: StatusChanged | FaultResolved | None
    resolved: ActionFinished | StatusChanged | None  # the first resolve, premature or not
    resolved_early: bool  # the engine said faults were active or metrics unhealthy when it was resolved
    resolutions: tuple[StatusChanged, ...]  # every `resolved` status, premature ones (early=true) included
    reopenings: tuple[StatusChanged, ...]  # each time a premature resolve was undone by the alarm firing again
    # The resolution that held: a resolve on a healthy system, or the verification that made a premature
    # one stand. The incident was really open from detection until then (or to the drill's end).
    closed: StatusChanged | RecoveryVerified | None
    verified: RecoveryVerified | None
    end_verified: bool  # drill.ended said the resolution held
    pir: PirScheduled | None
    pager_escalations: tuple[PagerEscalated, ...]
    first_page: Inject | None  # the page that started the pager chain (it reached the chain's first level)
    alerts: tuple[Alert, ...]
    # Playbook trigger id -> when the engine saw its metric condition hold (sim.journal.rules): the first
    # `trigger.<id>` timer it started or escalation it made.
    triggered: Mapping[str, float]
    injects: tuple[Inject, ...] = ()  # every inject that fired, in order

    @property
    def open_until(self) -> float:
        """When the incident really closed: its held resolution, or the drill's end."""
        return self.closed.t if self.closed is not None else self.end

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


def is_detection(event: AnyEvent) -> bool:
    """Detection: the first metric alert at critical, the first page, or the first customer report."""
    match event:
        case Alert(level="critical"):
            return True
        case Inject() if event.inject_kind in DETECTING_INJECTS:
            return True
    return False


_SIGNAL_INJECTS = frozenset((*DETECTING_INJECTS, "alert"))


def is_signal(event: AnyEvent) -> bool:
    """Something to acknowledge (not yet detection): any metric alert, or an alert, page or customer report."""
    match event:
        case Alert(level="warn" | "critical"):
            return True
        case Inject() if event.inject_kind in _SIGNAL_INJECTS:
            return True
    return False


class FactTracker:
    """The facts of a drill, kept up to date one event at a time.

    The engine feeds it every event as it emits it, and the scorer feeds it a finished record: both read
    the same definitions, so the timers the trainee sees and the grade they get measure the same moments.
    """

    def __init__(self, trainee: str = "trainee") -> None:
        self.trainee = trainee
        self.detection: Alert | Inject | None = None
        self.first_signal: Alert | Inject | None = None  # anything a trainee could act on: a warning will do
        self.acknowledged: ActionFinished | StatusChanged | None = None
        self.response: SeverityDeclared | RoleAssigned | ActionFinished | None = None
        self.declarations: list[SeverityDeclared] = []
        self.roles: list[RoleAssigned] = []
        self.sent: list[CommsSent] = []
        self.pages: list[PageSent] = []
        self.started: list[ActionStarted] = []
        self.finished: list[ActionFinished] = []
        self.cancelled: list[ActionCancelled] = []
        self.root_cause: ClueRevealed | None = None
        self.faults_started: list[FaultStarted] = []
        self.faults_resolved: list[FaultResolved] = []
        self.active_faults: dict[str, FaultStarted] = {}  # fault id -> the start of its current run
        self.fault_spans: list[tuple[str, float, float | None]] = []  # (fault, start, end or None), by start
        self._seen_fault = False
        self.mitigated: StatusChanged | FaultResolved | None = None
        self.resolve_action: ActionFinished | None = None
        self.resolved_status: StatusChanged | None = None
        self.resolutions: list[StatusChanged] = []
        self.reopenings: list[StatusChanged] = []
        self.closed: StatusChanged | RecoveryVerified | None = None
        self.verified: RecoveryVerified | None = None
        self.ended: DrillEnded | None = None
        self.pir: PirScheduled | None = None
        self.pager_escalations: list[PagerEscalated] = []
        self.first_page: Inject | None = None
        self.alerts: list[Alert] = []
        self.injects: list[Inject] = []
        self.triggered: dict[str, float] = {}
        self.last_t = 0.0

    def feed(self, e: AnyEvent) -> None:
        self.last_t = e.t
        # The engine feeds every event it emits: one lookup by kind, then a reader that does little or none.
        read = _READERS.get(type(e))
        if read is not None:
            read(self, e)

    # -- one reader per kind of event; a trainee's event counts only when the facilitator did not cause it --

    def _action_finished(self, e: ActionFinished) -> None:
        if e.actor == FACILITATOR:
            return
        self.finished.append(e)
        if e.action == "acknowledge" and self.acknowledged is None:
            self.acknowledged = e
        elif e.action == "open_channel" and self.response is None:
            self.response = e  # declare and assign_role count by the events they emit
        elif e.action == "resolve" and self.resolve_action is None:
            self.resolve_action = e

    def _declared(self, e: SeverityDeclared) -> None:
        if e.actor != FACILITATOR:
            self.declarations.append(e)
            self.response = self.response or e

    def _role(self, e: RoleAssigned) -> None:
        if e.actor != FACILITATOR:
            self.roles.append(e)
            self.response = self.response or e

    def _comms(self, e: CommsSent) -> None:
        if e.actor != FACILITATOR:
            self.sent.append(e)

    def _page_sent(self, e: PageSent) -> None:
        if e.actor != FACILITATOR:
            self.pages.append(e)

    def _action_started(self, e: ActionStarted) -> None:
        if e.actor != FACILITATOR:
            self.started.append(e)

    def _action_cancelled(self, e: ActionCancelled) -> None:
        if e.actor != FACILITATOR:
            self.cancelled.append(e)

    def _pir(self, e: PirScheduled) -> None:
        if e.actor != FACILITATOR:
            self.pir = self.pir or e

    def _clue(self, e: ClueRevealed) -> None:
        if e.root_cause:
            self.root_cause = self.root_cause or e

    def _fault_started(self, e: FaultStarted) -> None:
        self.faults_started.append(e)
        self.active_faults[e.fault] = e
        self.fault_spans.append((e.fault, e.t, None))
        self._seen_fault = True
        self.mitigated = None

    def _fault_resolved(self, e: FaultResolved) -> None:
        self.faults_resolved.append(e)
        if self.active_faults.pop(e.fault, None) is not None:
            i = max(i for i, s in enumerate(self.fault_spans) if s[0] == e.fault)
            self.fault_spans[i] = (e.fault, self.fault_spans[i][1], e.t)
        if self._seen_fault and not self.active_faults:
            self.mitigated = self.mitigated or e

    def _recovery(self, e: RecoveryVerified) -> None:
        self.verified = self.verified or e
        self.closed = self.closed or e  # a premature resolve stands once recovery is verified

    def _ended(self, e: DrillEnded) -> None:
        self.ended = self.ended or e

    def _pager_escalated(self, e: PagerEscalated) -> None:
        self.pager_escalations.append(e)

    def _signal(self, e: Alert | Inject) -> None:
        """Detection and the first signal are made of alerts and injects only; each is looked for until found."""
        if self.detection is None and is_detection(e):
            self.detection = e
        if self.first_signal is None and is_signal(e):
            self.first_signal = e

    def _inject(self, e: Inject) -> None:
        self._signal(e)
        self.injects.append(e)
        if e.inject_kind == "page":
            self.first_page = self.first_page or e

    def _alert(self, e: Alert) -> None:
        self._signal(e)
        self.alerts.append(e)

    def _timer(self, e: TimerStarted | Escalation) -> None:
        if e.timer.startswith(TRIGGER_TIMER):
            self.triggered.setdefault(e.timer.removeprefix(TRIGGER_TIMER), e.t)

    def _status(self, e: StatusChanged) -> None:
        if e.status == "acknowledged" and self.acknowledged is None:
            self.acknowledged = e
        elif e.status == "mitigated":
            self.mitigated = self.mitigated or e
        elif e.status == "resolved":
            self.resolved_status = self.resolved_status or e
            self.resolutions.append(e)
            if not e.early:
                self.closed = self.closed or e
        if e.previous == "mitigated" and e.status != "resolved":
            self.mitigated = None  # fell back to investigating: the mitigation that counts is one that held
        elif e.previous == "resolved":
            self.reopenings.append(e)

    def facts(self) -> Facts:
        detection = self.detection
        ended = self.ended
        resolved = self.resolved_status
        comms = {ch: tuple(e for e in self.sent if e.channel == ch) for ch in COMMS_CHANNELS}
        return Facts(
            detection=detection.t if detection else 0.0,
            detection_event=detection,
            end=ended.t if ended else self.last_t,
            trainee=self.trainee,
            acknowledged=self.acknowledged,
            response=self.response,
            declarations=tuple(self.declarations),
            roles=tuple(self.roles),
            comms=comms,
            pages=tuple(self.pages),
            started=tuple(self.started),
            finished=tuple(self.finished),
            cancelled=tuple(self.cancelled),
            root_cause=self.root_cause,
            faults_started=tuple(self.faults_started),
            faults_resolved=tuple(self.faults_resolved),
            fault_spans=tuple(self.fault_spans),
            mitigated=self.mitigated.t if self.mitigated else None,
            mitigated_event=self.mitigated,
            resolved=_earliest(self.resolve_action, resolved),
            resolved_early=bool(resolved and resolved.early),
            resolutions=tuple(self.resolutions),
            reopenings=tuple(self.reopenings),
            closed=self.closed,
            verified=self.verified,
            end_verified=bool(ended and ended.verified),
            pir=self.pir,
            pager_escalations=tuple(self.pager_escalations),
            first_page=self.first_page,
            alerts=tuple(self.alerts),
            injects=tuple(self.injects),
            triggered=dict(self.triggered),
        )


# What each kind of event tells the tracker (`FactTracker.feed`); kinds not listed tell it only the time.
_READERS: dict[type[AnyEvent], Callable[[FactTracker, Any], None]] = {
    ActionFinished: FactTracker._action_finished,
    StatusChanged: FactTracker._status,
    SeverityDeclared: FactTracker._declared,
    RoleAssigned: FactTracker._role,
    CommsSent: FactTracker._comms,
    PageSent: FactTracker._page_sent,
    ActionStarted: FactTracker._action_started,
    ActionCancelled: FactTracker._action_cancelled,
    PirScheduled: FactTracker._pir,
    ClueRevealed: FactTracker._clue,
    FaultStarted: FactTracker._fault_started,
    FaultResolved: FactTracker._fault_resolved,
    RecoveryVerified: FactTracker._recovery,
    DrillEnded: FactTracker._ended,
    PagerEscalated: FactTracker._pager_escalated,
    Inject: FactTracker._inject,
    Alert: FactTracker._alert,
    TimerStarted: FactTracker._timer,
    Escalation: FactTracker._timer,
}


def _earliest(a: E | None, b: F | None) -> E | F | None:
    """The earlier of two events that may not have happened (the first on a tie)."""
    if a is None or (b is not None and b.t < a.t):
        return b
    return a


def read_facts(record: DrillRecord) -> Facts:
    """Index one record. Events are taken in journal order, which is sim-time order."""
    tracker = FactTracker(record.header.trainee)
    for e in record.events:
        tracker.feed(e)
    return tracker.facts()


def _matches(event: ActionStarted | ActionFinished, action_id: str, params: Mapping[str, str] | None) -> bool:
    taken = event.params
    return event.action == action_id and all(taken.get(k) == v for k, v in (params or {}).items())
