"""The standard actions every drill offers, beside the scenario's own (rollback, failover…)."""

from __future__ import annotations

from typing import NamedTuple

from sim.format.vocabulary import COMMS_CHANNELS, STATUS_PAGE_STATES


class Param(NamedTuple):
    name: str
    # `severity`, `role`, `contact`, `who`, `choice`, `text`: what the UI offers to fill it.
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = True


class ActionSpec(NamedTuple):
    id: str
    label: str
    duration: float  # sim seconds until its effects land
    group: str  # respond, communicate, investigate, mitigate, close
    params: tuple[Param, ...] = ()
    description: str = ""
    destructive: bool = False
    scenario: bool = False  # True for the scenario's own actions


INVESTIGATE_TARGETS = ("dashboards", "logs", "deploys", "dependencies")

STANDARD: tuple[ActionSpec, ...] = (
    ActionSpec(
        "acknowledge",
        "Acknowledge the page",
        10,
        "respond",
        description="Stop the pager escalation: someone owns this now.",
    ),
    ActionSpec(
        "declare",
        "Declare / change severity",
        30,
        "respond",
        (Param("severity", "severity"),),
        "Classify the incident against the playbook's scale.",
    ),
    ActionSpec(
        "assign_role",
        "Assign a role",
        20,
        "respond",
        (Param("role", "role"), Param("who", "who")),
        "Incident commander, tech lead, comms lead…",
    ),
    ActionSpec(
        "open_channel",
        "Open the incident channel",
        30,
        "respond",
        description="Create the incident channel and bridge.",
    ),
    ActionSpec(
        "page",
        "Page / escalate to someone",
        30,
        "respond",
        (Param("contact", "contact"),),
        "Bring in a person or team from the escalation list.",
    ),
    ActionSpec(
        "post_update",
        "Post an internal update",
        90,
        "communicate",
        (Param("text", "text", required=False),),
        "Status, current action, impact, next update.",
    ),
    ActionSpec(
        "status_page",
        "Update the status page",
        120,
        "communicate",
        (Param("state", "choice", STATUS_PAGE_STATES), Param("text", "text", required=False)),
        "Public status: investigating, identified, monitoring, resolved.",
    ),
    ActionSpec("notify_customers", "Notify customers", 180, "communicate", (Param("text", "text", required=False),)),
    ActionSpec("brief_executives", "Brief executives", 120, "communicate", (Param("text", "text", required=False),)),
    ActionSpec("brief_support", "Brief support", 90, "communicate", (Param("text", "text", required=False),)),
    ActionSpec(
        "investigate",
        "Investigate",
        180,
        "investigate",
        (Param("target", "choice", INVESTIGATE_TARGETS),),
        "Look at dashboards, logs, recent deploys or dependencies.",
    ),
    ActionSpec(
        "resolve",
        "Resolve the incident",
        30,
        "close",
        description="Declare it over. It counts as verified once metrics hold healthy long enough.",
    ),
    ActionSpec("schedule_pir", "Schedule the post-incident review", 60, "close"),
)

# Which comms channel each communicate action writes to.
COMMS_ACTIONS = dict(
    zip(
        ("post_update", "status_page", "notify_customers", "brief_executives", "brief_support"),
        COMMS_CHANNELS,
        strict=True,
    )
)

STANDARD_IDS = frozenset(a.id for a in STANDARD)


def standard(action_id: str) -> ActionSpec:
    return next(a for a in STANDARD if a.id == action_id)
