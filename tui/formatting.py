"""Pure formatting for the drill screen: clocks, values, time left, and one feed line per event.

Scenario text reaches the screen only as plain `Content(...)` built here, never as markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from textual.content import Content

from sim.durations import format_clock, format_duration
from sim.events import Event
from sim.playbook import Playbook
from sim.scenario import Scenario

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


def number(value: float) -> str:
    """Enough precision to see movement, never more than a trainee can read at a glance."""
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 100:
        return f"{value:.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def quantity(value: float, unit: str) -> str:
    """A value with its unit: `12.3%`, `450 ms`, `$1,200`."""
    if not unit:
        return number(value)
    if unit == "%":
        return f"{number(value)}%"
    if unit in ("$", "€", "£"):
        return f"{unit}{number(value)}"
    return f"{number(value)} {unit}"


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
        from sim.catalogue import STANDARD

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
        return f"{sev_id} {label}" if label else sev_id

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

    def content(self) -> Content:
        """The line as styled Content; the message part stays literal text."""
        tag = _TAG_TEXT[self.category]
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


def describe(event: Event, names: Names) -> FeedItem | None:
    """One feed line for an event, or None for events the trainee must not see (hidden faults) or
    that only add noise (metric bookkeeping)."""
    d = event.data
    kind = event.kind
    category: str
    text: str
    if kind == "drill.started":
        channel = str(d.get("channel", "?"))
        channel = channel if channel.startswith("#") else f"#{channel}"
        category, text = "system", f"Drill started: incident {d.get('incident_id', '?')} in {channel}"
    elif kind.startswith("fault."):
        return None  # faults are the hidden truth; the trainee sees their symptoms, not their names
    elif kind == "alert":
        metric, level = str(d.get("metric", "")), str(d.get("level", ""))
        unit = names.unit(metric)
        value = quantity(float(d.get("value", 0.0)), unit)
        if level == "clear":
            category, text = "alert", f"{names.metric(metric)} back to normal: {value}"
        else:
            threshold = quantity(float(d.get("threshold", 0.0)), unit)
            category, text = "alert", f"{names.metric(metric)} {level}: {value} (threshold {threshold})"
    elif kind == "inject":
        inject_kind = str(d.get("kind", "chat"))
        category = _INJECT_CATEGORY.get(inject_kind, "message")
        sender = str(d.get("sender", ""))
        body = str(d.get("text", ""))
        text = f"{names.person(sender)}: {body}" if sender else body
    elif kind == "page.sent":
        who = str(d.get("contact", ""))
        title = str(d.get("title", "")) or names.person(who)
        category, text = "action", f"Paged {title}"
    elif kind == "pager.escalated":
        category = "page"
        text = f"Nobody acknowledged: pager escalated to level {d.get('level', '?')}, {d.get('name', '')}"
    elif kind == "action.started":
        label = str(d.get("label", "")) or names.action(str(d.get("action", "")))
        category, text = "action", f"Started: {label}{_params(d.get('params') or {}, names)}"
    elif kind == "action.finished" and d.get("action") == "investigate" and d.get("result"):
        target = str((d.get("params") or {}).get("target", ""))
        category, text = "clue", f"Looked at {target}: {d.get('result')}"
    elif kind == "action.finished":
        label = str(d.get("label", "")) or names.action(str(d.get("action", "")))
        category, text = "action", f"Done: {label}{_params(d.get('params') or {}, names)}"
    elif kind == "action.refused":
        category, text = "action", f"Refused: {names.action(str(d.get('action', '')))}: {d.get('reason', '')}"
    elif kind == "action.cancelled":
        category, text = "action", f"Cancelled: {names.action(str(d.get('action', '')))}"
    elif kind == "clue.revealed":
        if d.get("by") == "investigate":
            return None  # the investigation's own result line already quotes it
        category, text = "clue", f"Found: {d.get('text', '')}"
    elif kind == "status.changed":
        category, text = "system", f"Incident status: {d.get('previous', '?')} → {d.get('status', '?')}"
    elif kind == "severity.declared":
        previous = d.get("previous")
        change = f" (was {previous})" if previous else ""
        category, text = "action", f"Severity declared: {names.severity(str(d.get('severity')))}{change}"
    elif kind == "role.assigned":
        who = str(d.get("who", ""))
        category, text = "action", f"{names.person(who)} is {names.role(str(d.get('role', '')))}"
    elif kind == "comms.sent":
        channel = str(d.get("channel", "")).replace("_", " ")
        state = f" [{d['state']}]" if d.get("state") else ""
        category, text = "action", f"Sent {channel}{state}: {_first_line(str(d.get('text', '')))}"
    elif kind == "timer.started":
        category, text = "timer", f"{d.get('label', '')}: due {clock(float(d.get('deadline', 0.0)))}"
    elif kind == "timer.met":
        category, text = "timer", f"Met: {d.get('label', '')}"
    elif kind == "timer.expired":
        category, text = "timer", f"OVERDUE: {d.get('label', '')}"
    elif kind == "timer.cancelled":
        return None  # a timer that stops mattering is not news
    elif kind == "escalation":
        who = str(d.get("title", "")) or names.person(str(d.get("contact", "")))
        category, text = "page", f"{who} is stepping in: {d.get('reason', '')}"
    elif kind == "recovery.verified":
        held = float(d.get("held_for", 0.0))
        category, text = "system", f"Recovery verified: metrics held healthy for {time_left(held)}"
    elif kind == "pir.scheduled":
        category, text = "action", "Post-incident review scheduled"
    elif kind == "drill.ended":
        verified = " (recovery verified)" if d.get("verified") else ""
        category, text = "system", f"Drill ended: {d.get('reason', '')}{verified}"
    elif kind == "facilitator.jump":
        by = format_duration(float(d.get("dt", 0.0)))
        category, text = "system", f"The facilitator moved the clock on by {by}"
    elif kind.startswith("facilitator."):
        # A hint, a message or an early inject reaches the feed as the inject it makes; a note is for the
        # debrief alone. Their journal lines are the facilitator's record, not news for the trainee.
        return None
    else:
        return None
    return FeedItem(event.t, category, text)
