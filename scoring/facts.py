"""What happened when: the moments a grade is built from, read once from a drill record's events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.events import COMMS_CHANNELS, Event
from sim.record import DrillRecord

# Events that mean "someone could have noticed": the playbook measures its targets from the first of them.
_DETECTING_INJECTS = ("alert", "page")
# Standard actions that put a formal response under way (the seeds' "initial response" checklist).
_RESPONSE_KINDS = ("severity.declared", "role.assigned")
FACILITATOR = "facilitator"
# Kinds a trainee causes; the rest are the simulation's own doing.
TRAINEE_KINDS = frozenset(
    {
        "action.started",
        "action.finished",
        "action.refused",
        "action.cancelled",
        "page.sent",
        "severity.declared",
        "role.assigned",
        "comms.sent",
        "pir.scheduled",
    }
)


@dataclass(frozen=True, slots=True)
class Facts:
    """The moments of one drill, in sim seconds from T+0. `None` means it never happened."""

    detection: float
    detection_event: Event | None  # None: nothing ever fired, so targets count from T+0
    end: float
    trainee: str
    acknowledged: Event | None
    response: Event | None  # first severity declaration, role assignment or incident channel
    declarations: tuple[Event, ...]
    roles: tuple[Event, ...]
    comms: dict[str, tuple[Event, ...]]  # channel -> comms.sent events, in order
    pages: tuple[Event, ...]
    started: tuple[Event, ...]  # action.started by trainees
    finished: tuple[Event, ...]  # action.finished by trainees
    cancelled: tuple[Event, ...]
    root_cause: Event | None  # first clue.revealed with root_cause true
    faults_started: tuple[Event, ...]
    faults_resolved: tuple[Event, ...]
    mitigated: float | None  # every started fault resolved, or status `mitigated`, whichever came first
    mitigated_event: Event | None
    resolved: Event | None
    resolved_early: bool  # the engine said faults were active or metrics unhealthy when it was resolved
    verified: Event | None  # recovery.verified
    end_verified: bool  # drill.ended said the resolution held
    pir: Event | None
    pager_escalations: tuple[Event, ...]
    first_page: Event | None  # the page that started the pager chain (it reached the chain's first level)
    alerts: tuple[Event, ...]

    def finished_action(self, action_id: str, params: Mapping[str, str] | None = None) -> Event | None:
        """The first finish of the action, taken with `params` when given."""
        return next((e for e in self.finished if _matches(e, action_id, params)), None)

    def started_action(self, action_id: str, params: Mapping[str, str] | None = None) -> Event | None:
        return next((e for e in self.started if _matches(e, action_id, params)), None)

    def page_of(self, contact: str) -> Event | None:
        return next((e for e in self.pages if e.data.get("contact") == contact), None)

    def actor_of(self, event: Event) -> str | None:
        """Who did it. A trainee's event without an actor is the trainee's own (single-player drills);
        what the simulation did by itself (alerts, faults, timers) has no actor."""
        if event.data.get("actor"):
            return str(event.data["actor"])
        return self.trainee if event.kind in TRAINEE_KINDS else None


def _by_trainee(event: Event) -> bool:
    return event.data.get("actor") != FACILITATOR


def _first(events: list[Event]) -> Event | None:
    return events[0] if events else None


def _detection(events: tuple[Event, ...]) -> Event | None:
    for e in events:
        if e.kind == "status.changed" and e.data.get("status") == "detected":
            return e
        if e.kind == "alert" and e.data.get("level") in ("warn", "critical"):
            return e
        if e.kind == "inject" and e.data.get("kind") in _DETECTING_INJECTS:
            return e
        if e.kind == "pager.escalated":
            return e
    return None


def _mitigation(events: tuple[Event, ...]) -> Event | None:
    """The moment every active fault was resolved (or the engine said `mitigated`), for good.

    A fault that starts again, or a status falling back from mitigated, undoes it: the mitigation that
    counts is the one that held.
    """
    active: set[str] = set()
    seen_fault = False
    held: Event | None = None
    for e in events:
        if e.kind == "status.changed":
            if e.data.get("status") == "mitigated":
                held = held or e
            elif e.data.get("back"):
                held = None
        elif e.kind == "fault.started":
            active.add(str(e.data.get("fault")))
            seen_fault = True
            held = None
        elif e.kind == "fault.resolved":
            active.discard(str(e.data.get("fault")))
            if seen_fault and not active:
                held = held or e
    return held


def _status(events: tuple[Event, ...], status: str) -> Event | None:
    return next((e for e in events if e.kind == "status.changed" and e.data.get("status") == status), None)


def _earliest(*events: Event | None) -> Event | None:
    present = [e for e in events if e is not None]
    return min(present, key=lambda e: e.t) if present else None


def read_facts(record: DrillRecord) -> Facts:
    """Index one record. Events are taken in journal order, which is sim-time order."""
    events = record.events
    mine = [e for e in events if _by_trainee(e)]

    def kind(k: str) -> list[Event]:
        return [e for e in mine if e.kind == k]

    finished = kind("action.finished")
    ack_action = next((e for e in finished if e.data.get("action") == "acknowledge"), None)
    channel = next((e for e in finished if e.data.get("action") == "open_channel"), None)
    resolve_action = next((e for e in finished if e.data.get("action") == "resolve"), None)
    response_events = [e for e in mine if e.kind in _RESPONSE_KINDS]
    detection = _detection(events)
    ended = next((e for e in events if e.kind == "drill.ended"), None)
    mitigated = _mitigation(events)
    resolved = _status(events, "resolved")
    comms = {ch: tuple(e for e in kind("comms.sent") if e.data.get("channel") == ch) for ch in COMMS_CHANNELS}
    return Facts(
        detection=detection.t if detection else 0.0,
        detection_event=detection,
        end=ended.t if ended else (events[-1].t if events else 0.0),
        trainee=record.header.trainee,
        acknowledged=_earliest(ack_action, _status(events, "acknowledged")),
        response=_earliest(_first(response_events), channel),
        declarations=tuple(kind("severity.declared")),
        roles=tuple(kind("role.assigned")),
        comms=comms,
        pages=tuple(kind("page.sent")),
        started=tuple(kind("action.started")),
        finished=tuple(finished),
        cancelled=tuple(kind("action.cancelled")),
        root_cause=next((e for e in events if e.kind == "clue.revealed" and e.data.get("root_cause")), None),
        faults_started=tuple(e for e in events if e.kind == "fault.started"),
        faults_resolved=tuple(e for e in events if e.kind == "fault.resolved"),
        mitigated=mitigated.t if mitigated else None,
        mitigated_event=mitigated,
        resolved=_earliest(resolve_action, resolved),
        resolved_early=bool(resolved and resolved.data.get("early")),
        verified=next((e for e in events if e.kind == "recovery.verified"), None),
        end_verified=bool(ended and ended.data.get("verified")),
        pir=next(iter(kind("pir.scheduled")), None),
        pager_escalations=tuple(e for e in events if e.kind == "pager.escalated"),
        first_page=next((e for e in events if e.kind == "inject" and e.data.get("kind") == "page"), None),
        alerts=tuple(e for e in events if e.kind == "alert"),
    )


def _matches(event: Event, action_id: str, params: Mapping[str, str] | None) -> bool:
    taken = event.data.get("params") or {}
    return event.data.get("action") == action_id and all(taken.get(k) == v for k, v in (params or {}).items())
