"""Pure formatting for the drill screen: clocks, values, time left, and one feed line per event.

Scenario text reaches the screen only as plain `Content(...)` built here, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, assert_never

from textual.content import Content

from sim.format.durations import format_clock, format_duration
from sim.format.numbers import number as number  # one number format for the TUI and the reports (re-exported)
from sim.format.numbers import quantity
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
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

# Feed categories, in the order the filter offers them.
CATEGORIES: tuple[str, ...] = ("alert", "page", "message", "clue", "action", "timer", "hint", "system")
CATEGORY_LABELS: Mapping[str, str] = {
    "alert": "Alerts",
    "page": "Pages & escalations",
    "message": "Messages",
    "clue": "Clues",
    "action": "My actions",
    "timer": "Timers",
    "hint": "Hints",
    "system": "Drill",
}

# Theme variables, so the feed follows the Textual theme instead of fixed colours.
_TAG_STYLE: Mapping[str, str] = {
    "alert": "bold $error",
    "page": "bold $warning",
    "message": "bold $accent",
    "clue": "bold $success",
    "action": "bold $primary",
    "timer": "bold $secondary",
    "hint": "bold italic $accent",
    "system": "bold $foreground-muted",
}
_TAG_TEXT: Mapping[str, str] = {
    "alert": "ALERT",
    "page": "PAGE",
    "message": "MSG",
    "clue": "CLUE",
    "action": "YOU",
    "timer": "TIMER",
    "hint": "HINT",
    "system": "DRILL",
}
_INJECT_CATEGORY: Mapping[str, str] = {
    "alert": "alert",
    "page": "page",
    "exec_ping": "page",
    "hint": "hint",
}


def clock(seconds: float) -> str:
    return format_clock(seconds)


def time_left(seconds: float) -> str:
    """`12:05` left, `1:02:03` for long ones, `-03:10` once overdue (whole seconds, rounded towards due)."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds)) if seconds < 0 else int(seconds + 0.999)
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h}:{m:02d}:{s:02d}" if h else f"{sign}{m:02d}:{s:02d}"


class Names(NamedTuple):
    """Readable names for ids that events carry: metrics, roles, contacts, severities, actions, people."""

    metrics: Mapping[str, tuple[str, str]]  # id -> (label, unit)
    roles: Mapping[str, str]
    contacts: Mapping[str, str]
    severities: Mapping[str, str]
    actions: Mapping[str, str]
    people: Mapping[str, str]  # cast slot -> person's name

    @classmethod
    def build(cls, scenario: Scenario, playbook: Playbook, people: Mapping[str, str] | None = None) -> Names:
        from sim.format.catalogue import STANDARD

        return cls(
            metrics={m.id: (m.label, m.unit) for m in scenario.metrics},
            roles={r.id: r.name for r in playbook.roles},
            contacts={c.id: c.title for c in playbook.contacts},
            severities={s.id: s.label for s in playbook.severities},
            actions={**{a.id: a.label for a in STANDARD}, **{a.id: a.label for a in scenario.actions}},
            people=dict(people or {}),
        )

    def metric(self, metric_id: str) -> str:
        return self.metrics.get(metric_id, (metric_id, ""))[0]

    def unit(self, metric_id: str) -> str:
        return self.metrics.get(metric_id, ("", ""))[1]

    def role(self, role_id: str) -> str:
        return self.roles.get(role_id, role_id)

    def severity(self, sev_id: str | None) -> str:
        if not sev_id:
            return "undeclared"
        label = self.severities.get(sev_id)
        return f"{sev_id} {label}" if label and label != sev_id else sev_id  # "High", not "High High"

    def person(self, who: str) -> str:
        """A cast slot or contact id as a name ('me' stays 'me')."""
        if who in self.people:
            return self.people[who]
        return self.contacts.get(who, who)

    def action(self, action_id: str) -> str:
        return self.actions.get(action_id, action_id)


class FeedItem(NamedTuple):
    t: float
    category: str
    text: str  # the plain line, for the text filter and for tests
    tag: str = ""  # the tag shown instead of the category's own (a team drill's TEAM and CHAN lines)

    def content(self) -> Content:
        """The line as styled Content; the message part stays literal text."""
        tag = self.tag or _TAG_TEXT[self.category]
        return Content.assemble(
            (clock(self.t), "$text-muted"),
            " ",
            (f"{tag:<5}", _TAG_STYLE[self.category]),
            " ",
            self.text,
        )


def _params(params: Mapping[str, object], names: Names) -> str:
    shown = []
    for key, value in params.items():
        if key == "text":
            continue  # comms text is shown by comms.sent; repeating it here floods the feed
        if key == "role":
            value = names.role(str(value))
        elif key in ("who", "contact"):
            value = names.person(str(value))
        shown.append(str(value))
    return f" ({', '.join(shown)})" if shown else ""


def _first_line(text: str, limit: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe(event: AnyEvent, names: Names) -> FeedItem | None:
    """One feed line for an event, or None for events the trainee must not see (hidden faults) or
    that only add noise (metric bookkeeping)."""
    line = _line(event, names)
    return FeedItem(event.t, *line) if line is not None else None


def _line(e: AnyEvent, names: Names) -> tuple[str, str] | None:
    """The feed's category and text for an event."""
    match e:
        case DrillStarted():
            channel = e.channel if e.channel.startswith("#") else f"#{e.channel}"
            return "system", f"Drill started: incident {e.incident_id} in {channel}"
        case FaultStarted() | FaultResolved():
            return None  # faults are the hidden truth; the trainee sees their symptoms, not their names
        case Alert():
            unit = names.unit(e.metric)
            value = quantity(float(e.value), unit)
            if e.level == "clear":
                return "alert", f"{names.metric(e.metric)} back to normal: {value}"
            threshold = quantity(float(e.threshold), unit)
            return "alert", f"{names.metric(e.metric)} {e.level}: {value} (threshold {threshold})"
        case Inject():
            text = f"{names.person(e.sender)}: {e.text}" if e.sender else e.text
            return _INJECT_CATEGORY.get(e.inject_kind, "message"), text
        case PageSent():
            return "action", f"Paged {e.title or names.person(e.contact)}"
        case PagerEscalated():
            return "page", f"Nobody acknowledged: pager escalated to level {e.level}, {e.name}"
        case ActionStarted():
            label = e.label or names.action(e.action)
            return "action", f"Started: {label}{_params(e.params, names)}"
        case ActionFinished(action="investigate") if e.result:
            return "clue", f"Looked at {e.params.get('target', '')}: {e.result}"
        case ActionFinished():
            label = e.label or names.action(e.action)
            return "action", f"Done: {label}{_params(e.params, names)}"
        case ActionRefusal():
            return "action", f"Refused: {names.action(e.action)}: {e.reason}"
        case ActionCancelled():
            return "action", f"Cancelled: {names.action(e.action)}"
        case ClueRevealed(by="investigate"):
            return None  # the investigation's own result line already quotes it
        case ClueRevealed():
            return "clue", f"Found: {e.text}"
        case StatusChanged(status="resolved", early=True):
            # Said at once, so the trainee learns it during the drill and not only in the debrief.
            return "system", (
                f"Incident status: {e.previous} → resolved, too early: a fault is still active or a metric "
                "unhealthy. Nothing stops, and it reopens if the alarm fires again."
            )
        case StatusChanged(previous="resolved"):
            return "system", f"Incident reopened: the alarm fired again (resolved → {e.status})"
        case StatusChanged():
            return "system", f"Incident status: {e.previous} → {e.status}"
        case SeverityDeclared():
            change = f" (was {e.previous})" if e.previous else ""
            return "action", f"Severity declared: {names.severity(e.severity)}{change}"
        case RoleAssigned():
            return "action", f"{names.person(e.who)} is {names.role(e.role)}"
        case CommsSent():
            state = f" [{e.state}]" if e.state else ""
            return "action", f"Sent {e.channel.replace('_', ' ')}{state}: {_first_line(e.text)}"
        case TimerStarted():
            return "timer", f"{e.label}: due {clock(float(e.deadline))}"
        case TimerMet():
            return "timer", f"Met: {e.label}"
        case TimerExpired():
            return "timer", f"OVERDUE: {e.label}"
        case TimerCancelled():
            return None  # a timer that stops mattering is not news
        case Escalation():
            return "page", f"{e.title or names.person(e.contact)} is stepping in: {e.reason}"
        case RecoveryVerified():
            return "system", f"Recovery verified: metrics held healthy for {time_left(float(e.held_for))}"
        case PirScheduled():
            return "action", "Post-incident review scheduled"
        case ChannelMessage():
            role = f" ({names.role(e.role)})" if e.role else ""
            return "message", f"{e.actor}{role}: {e.text}"
        case DrillEnded():
            verified = " (recovery verified)" if e.verified else ""
            return "system", f"Drill ended: {e.reason}{verified}"
        case FacilitatorJump():
            return "system", f"The facilitator moved the clock on by {format_duration(float(e.dt))}"
        case FacilitatorInjectNow() | FacilitatorSay() | FacilitatorHint() | FacilitatorNote():
            # A hint, a message or an early inject reaches the feed as the inject it makes; a note is for the
            # debrief alone. Their journal lines are the facilitator's record, not news for the trainee.
            return None
        case DebriefAnswer():
            return None
        case _:
            assert_never(e)
