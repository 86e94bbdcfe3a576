"""Events: what happens in a drill, in sim-time order. The journal, the UI and the scorer read these.

An event is `Event(t, kind, data)`; `data` holds only JSON values. The kinds and their payloads:

| kind | data |
|---|---|
| `drill.started` | scenario, playbook, seed, trainee, incident_id, channel, duration |
| `fault.started` | fault, label; by (action id, when an action started it) |
| `fault.resolved` | fault, label, by (action id); prevented (true when fixed before it started) |
| `alert` | metric, level (`warn`/`critical`/`clear`), value, threshold, previous (the level before) |
| `inject` | id, kind (alert/page/chat/customer_report/log/exec_ping/vendor_notice/hint), sender, text, sender_title |
| `page.sent` | contact, title, team, actor, role, name (the trainee paged someone) |
| `pager.escalated` | level (1-based), name, contact, person (nobody acknowledged in time) |
| `action.started` | action, label, params, actor, role, finishes_at |
| `action.finished` | action, label, params, actor, role, started_at; result (investigate: what was found) |
| `action.refused` | action, params, reason, actor, role (no state changed) |
| `action.cancelled` | action, actor, role |
| `clue.revealed` | clue, text, root_cause (bool), by (action id) |
| `status.changed` | status (see STATUSES), previous; early (bool, on `resolved`: faults or metrics still bad) |
| `severity.declared` | severity, previous (None the first time), actor, role |
| `role.assigned` | role, who, actor |
| `comms.sent` | channel (see COMMS_CHANNELS), text, state (status page only), actor, role |
| `timer.started` | timer, label, deadline, category (`sla`/`cadence`/`pager`/`matrix`/`progress`) |
| `timer.met` | timer, label, deadline, late (bool); met_at (when met before the timer started) |
| `timer.expired` | timer, label, deadline |
| `timer.cancelled` | timer, label |
| `escalation` | timer, contact, title, reason, name (a stakeholder or matrix step pushes in) |
| `recovery.verified` | held_for (seconds metrics stayed healthy after resolving) |
| `pir.scheduled` | actor, role |
| `drill.ended` | reason (`resolved`/`timeout`/`ended`), verified (bool), resolved (bool); by (`facilitator`, if so) |
| `facilitator.*` | facilitator actions; `actor` is always `facilitator` |
| `debrief.answer` | question (index in debrief_questions), prompt, text; after `drill.ended`, not an input |

In a journal each event is one flat JSON line, `{"t": …, "kind": …, **data}`; an inject's own `kind` is written
there as `inject_kind`, so it does not overwrite the line's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ANSWER_KIND = "debrief.answer"  # a lessons-learned answer; recorded after the drill, never replayed as an input
STATUSES = ("quiet", "detected", "acknowledged", "investigating", "identified", "mitigated", "resolved")
COMMS_CHANNELS = ("internal", "status_page", "customers", "executives", "support")
STATUS_PAGE_STATES = ("investigating", "identified", "monitoring", "resolved")
_ON_DISK = "inject_kind"  # an inject's own `kind`, as a journal line holds it


@dataclass(frozen=True, slots=True)
class Event:
    t: float
    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """One flat journal line. An inject's own `kind` (chat, page…) is written as `inject_kind`, where
        it cannot overwrite the line's."""
        data = self.data
        if self.kind == "inject":
            data = {(_ON_DISK if k == "kind" else k): v for k, v in data.items()}
        return {"t": self.t, "kind": self.kind, **data}

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Event:
        data = dict(obj)
        t, kind = float(data.pop("t")), str(data.pop("kind"))
        if kind == "inject":
            data = {("kind" if k == _ON_DISK else k): v for k, v in data.items()}
        elif {"id", "sender", "text"} <= data.keys():
            # Written before `inject_kind` existed: the inject's kind took the line's, so put it back.
            data = {"id": data.pop("id"), "kind": kind, **data}
            kind = "inject"
        return cls(t=t, kind=kind, data=data)
