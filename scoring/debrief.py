"""What every debrief format shares: the timeline, the impact, what went well or not, and the action items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, assert_never

from scoring.grade import ScoreCard
from scoring.kpi import Kpi
from scoring.rubric import Criterion
from sim.format.catalogue import COMMS_ACTIONS, STANDARD_IDS, standard
from sim.format.durations import format_clock, format_duration
from sim.format.numbers import quantity
from sim.format.playbook import Playbook
from sim.format.scenario import Metric, Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import (
    ActionCancelled,
    ActionFinished,
    ActionRefusal,
    ActionStarted,
    Alert,
    AnyEvent,
    ChannelMessage,
    ClueRevealed,
    CommsSent,
    DebriefAnswer,
    DrillEnded,
    DrillStarted,
    Escalation,
    FacilitatorHint,
    FacilitatorInjectNow,
    FacilitatorInput,
    FacilitatorJump,
    FacilitatorNote,
    FacilitatorSay,
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
    TimerCancelled,
    TimerExpired,
    TimerMet,
    TimerStarted,
)
from sim.journal.facts import FACILITATOR, TRAINEE_EVENTS, acting_role, actor_field

if TYPE_CHECKING:
    from scoring.series import Series

# Actions whose finishing already shows as their own event (severity.declared, comms.sent…): listing the
# action.finished too would say everything twice.
_SAID_ELSEWHERE = frozenset({"declare", "assign_role", "page", "schedule_pir", *COMMS_ACTIONS})
_CHANNEL = {
    "internal": "Internal update",
    "status_page": "Status page",
    "customers": "Customers notified",
    "executives": "Executives briefed",
    "support": "Support briefed",
}


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    t: float
    kind: str  # the event kind it comes from
    text: str
    actor: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class ActionItem:
    priority: str  # P0 (lost 10 points or more), P1 (5 or more), P2
    action: str
    owner: str
    criterion: str


@dataclass(frozen=True, slots=True)
class MetricImpact:
    metric: str
    label: str
    unit: str
    worst: str  # "critical", "warn" or "ok"
    first_at: float | None  # when it first reached `worst`
    value: float | None  # the value reported when it did (the threshold crossing)
    cleared_at: float | None  # the last time it went back to normal, if it did
    # The worst value it took (the highest, or the lowest when lower is worse) and when it first did; None for
    # a metric that never alerted. From the samples when the report has them, else from the alerts' values.
    peak: float | None = None
    peak_at: float | None = None


def clock(t: float | None) -> str:
    return "—" if t is None else format_clock(t)


def duration(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def kpi_target(k: Kpi) -> str:
    """A KPI's target as the debriefs write it: `5m (SEV1 respond)`, or `no target`."""
    return f"{duration(k.target)} ({k.target_name})" if k.target is not None else "no target in the playbook"


def kpi_row(k: Kpi) -> tuple[str, str, str, str]:
    """A KPI as the report tables show it: what, measured (and when), target, met."""
    measured = f"{duration(k.value)} ({clock(k.at)})" if k.value is not None else "never"
    return f"{k.name} ({k.label.lower()})", measured, kpi_target(k), {True: "yes", False: "no", None: "—"}[k.met]


def incident_id(record: DrillRecord) -> str:
    started = record.first(DrillStarted)
    return started.incident_id if started else ""


def _action_label(scenario: Scenario, action_id: str) -> str:
    for action in scenario.actions:
        if action.id == action_id:
            return action.label
    return standard(action_id).label if action_id in STANDARD_IDS else action_id


def _params(params: Mapping[str, object]) -> str:
    """The short parameters of an action (a target, a state), never free text."""
    shown = [str(v) for k, v in params.items() if k != "text" and isinstance(v, str | int | float) and v != ""]
    return f" ({', '.join(shown)})" if shown else ""


def _metric(scenario: Scenario, metric_id: str) -> tuple[str, str]:
    """A metric's label and unit (its id, unitless, if the scenario no longer has it)."""
    return next(((m.label, m.unit) for m in scenario.metrics if m.id == metric_id), (metric_id, ""))


def _text(e: AnyEvent, scenario: Scenario, playbook: Playbook) -> str | None:
    """The timeline's words for an event, or None when it is not notable."""
    match e:
        case FaultStarted():
            return f"Fault began: {e.label or e.fault}"
        case FaultResolved():
            return f"Fault {'resolved' if e.by else 'faded out by itself'}: {e.label or e.fault}"
        case Alert(level="clear"):
            label, unit = _metric(scenario, e.metric)
            return f"Alert cleared: {label} back to {quantity(float(e.value), unit, trim=True)}"
        case Alert():
            label, unit = _metric(scenario, e.metric)
            value, threshold = quantity(float(e.value), unit, trim=True), quantity(float(e.threshold), unit, trim=True)
            return f"Alert ({e.level}): {label} at {value} (threshold {threshold})"
        case Inject():
            sender = f"{_contact(playbook, e.sender)}: " if e.sender else ""
            return f"{e.inject_kind.replace('_', ' ').capitalize()} — {sender}{e.text}"
        case PageSent():
            return f"Paged {e.title or _contact(playbook, e.contact)}"
        case PagerEscalated():
            return f"Pager escalated to level {e.level}: {e.name or e.contact}"
        case ActionFinished() if e.action not in _SAID_ELSEWHERE:
            return _action_label(scenario, e.action) + _params(e.params)
        case ClueRevealed():
            return ("Root cause found: " if e.root_cause else "Clue: ") + e.text
        case StatusChanged():
            return f"Status: {e.status}"
        case SeverityDeclared():
            was = f" (was {e.previous})" if e.previous else ""
            return f"Severity declared: {e.severity}{was}"
        case RoleAssigned():
            return f"Role assigned: {_role(playbook, e.role)} → {e.who}"
        case CommsSent():
            state = f" ({e.state})" if e.state else ""
            return f"{_CHANNEL.get(e.channel, e.channel)}{state}"
        case TimerExpired():
            return f"Missed: {e.label or e.timer}"
        case Escalation():
            return f"Escalation: {e.title or e.contact} — {e.reason}".rstrip(" —")
        case RecoveryVerified():
            return f"Recovery verified (held {duration(float(e.held_for))})"
        case PirScheduled():
            return "Post-incident review scheduled"
        case ChannelMessage():
            return f"{e.actor} in the channel: {e.text}"
        case DrillEnded():
            return f"Drill ended ({e.reason})"
        case (
            DrillStarted()
            | ActionStarted()
            | ActionFinished()
            | ActionRefusal()
            | ActionCancelled()
            | TimerStarted()
            | TimerMet()
            | TimerCancelled()
            | FacilitatorInjectNow()
            | FacilitatorSay()
            | FacilitatorHint()
            | FacilitatorNote()
            | FacilitatorJump()
            | DebriefAnswer()
        ):
            return None
        case _:
            assert_never(e)


def _entry(e: AnyEvent, scenario: Scenario, playbook: Playbook, trainee: str) -> TimelineEntry | None:
    text = _text(e, scenario, playbook)
    if text is None:
        return None
    actor = (actor_field(e) or trainee) if isinstance(e, TRAINEE_EVENTS) else None
    role = acting_role(e) if actor else None
    return TimelineEntry(e.t, e.kind, text, actor, role or None)


def _contact(playbook: Playbook, contact_id: str) -> str:
    return next((c.title for c in playbook.contacts if c.id == contact_id), contact_id)


def _role(playbook: Playbook, role_id: str) -> str:
    return next((r.name for r in playbook.roles if r.id == role_id), role_id)


def who(entry: TimelineEntry, playbook: Playbook) -> str:
    """The timeline's "Who": the actor, with the name of the role they acted in (`dana (Incident Commander)`)."""
    if not entry.actor:
        return ""
    return entry.actor + (f" ({_role(playbook, entry.role)})" if entry.role else "")


def timeline(record: DrillRecord, scenario: Scenario, playbook: Playbook) -> tuple[TimelineEntry, ...]:
    """The notable events in time order, as the PIR timeline lists them (timers starting are not notable)."""
    out = []
    for e in record.events:
        if actor_field(e) == FACILITATOR or isinstance(e, FacilitatorInput):
            continue
        entry = _entry(e, scenario, playbook, record.header.trainee)
        if entry is not None:
            out.append(entry)
    return tuple(out)


def impact(record: DrillRecord, scenario: Scenario, series: Series | None = None) -> tuple[MetricImpact, ...]:
    """For each metric, the worst level its alerts reached, when, the worst value it took, and when it cleared.
    `series` (metric id -> samples, e.g. `scoring.series.replay_series`) gives the true worst value; without it,
    the worst value any alert reported stands in."""
    end = record.events[-1].t if record.events else 0.0
    out = []
    for metric in scenario.metrics:
        alerts = [e for e in record.of(Alert) if e.metric == metric.id]
        worst = "critical" if any(e.level == "critical" for e in alerts) else None
        worst = worst or ("warn" if any(e.level == "warn" for e in alerts) else "ok")
        first = next((e for e in alerts if e.level == worst), None)
        clears = [e for e in alerts if e.level == "clear"]
        cleared = clears[-1].t if clears and alerts[-1].level == "clear" else None
        value = float(first.value) if first else None
        peak, peak_at = None, None
        if first is not None:
            samples = [(t, v) for t, v in (series or {}).get(metric.id, ()) if t <= end]
            peak, peak_at = _peak(metric, samples or [(e.t, float(e.value)) for e in alerts if e.level != "clear"])
        out.append(
            MetricImpact(
                metric.id, metric.label, metric.unit, worst, first.t if first else None, value, cleared, peak, peak_at
            )
        )
    return tuple(out)


def _peak(metric: Metric, points: Sequence[tuple[float, float]]) -> tuple[float | None, float | None]:
    """The worst of (time, value) points for this metric, and the first time it was reached."""
    if not points:
        return None, None
    worst = (max if metric.bad_when == "up" else min)(v for _, v in points)
    return worst, next(t for t, v in points if v == worst)


def worst_value(m: MetricImpact) -> tuple[str, str]:
    """The Impact table's worst value with its unit, and when it was reached (dashes when it never alerted)."""
    if m.peak is None:
        return "—", "—"
    return quantity(m.peak, m.unit, trim=True), clock(m.peak_at)


def went_well(card: ScoreCard) -> tuple[Criterion, ...]:
    return tuple(c for c in card.criteria if c.result == "pass")


def went_badly(card: ScoreCard) -> tuple[Criterion, ...]:
    """Failures first, then partials, each in scorecard order."""
    return tuple(c for c in card.criteria if c.result == "fail") + tuple(
        c for c in card.criteria if c.result == "partial"
    )


def action_items(card: ScoreCard) -> tuple[ActionItem, ...]:
    """One item per criterion not passed, most points lost first (ties keep scorecard order)."""
    items = []
    for c in went_badly(card):
        lost = c.max_points - c.points
        priority = "P0" if lost >= 10 else "P1" if lost >= 5 else "P2"
        owner = ", ".join(c.actors) or card.trainee
        items.append((-lost, ActionItem(priority, c.advice or c.title, owner, c.id)))
    # sorted() is stable, so equal losses keep the scorecard's order.
    return tuple(item for _, item in sorted(items, key=lambda pair: pair[0]))


def summary(card: ScoreCard, record: DrillRecord, scenario: Scenario) -> str:
    """One paragraph: what happened and how the response went, from the scenario and the KPIs."""
    k = {x.id: x for x in card.kpis}
    parts = [scenario.summary.strip()]
    parts.append(f"Detected at {clock(card.detection)}")
    ack, res = k["mtta"], k["mttr"]
    parts[-1] += f", acknowledged at {clock(ack.at)}" if ack.at is not None else ", never acknowledged"
    parts[-1] += f", resolved at {clock(res.at)}." if res.at is not None else ", never resolved."
    passed = sum(1 for c in card.evaluated if c.result == "pass")
    parts.append(
        f"{passed} of {len(card.evaluated)} evaluated criteria passed; score {card.score:.1f} ({card.letter})."
    )
    return " ".join(parts)
