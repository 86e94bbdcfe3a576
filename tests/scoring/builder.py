"""Synthetic drill records for the scorer's tests: a list of timed steps turned into contract events.

`grade` is pure, so its tests build records event by event instead of running the engine. The builder
emits what sim/journal/events.py promises for each action (start, finish, and the dedicated event at finish)
plus the few consequences the test scenario defines (the fix resolves the fault, the logs reveal the
root cause, a clean resolution is verified after the monitoring period).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.format import loading
from sim.format.catalogue import COMMS_ACTIONS, STANDARD_IDS, standard
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import JOURNAL_FORMAT, DrillRecord, Header
from sim.journal.events import (
    ActionFinished,
    ActionStarted,
    Alert,
    AnyEvent,
    ClueRevealed,
    CommsSent,
    DrillEnded,
    DrillStarted,
    FaultResolved,
    FaultStarted,
    Inject,
    PageSent,
    PirScheduled,
    RecoveryVerified,
    RoleAssigned,
    SeverityDeclared,
    StatusChanged,
)

DATA = Path(__file__).parent / "data"
DETECTED = 150.0  # the first page fires at 2m30s


def load_playbook() -> Playbook:
    return loading.load_playbook(DATA / "playbook.yaml")


def load_scenario() -> Scenario:
    return loading.load_scenario(DATA / "scenario.yaml", {"drillbook": load_playbook()})


@dataclass(frozen=True)
class Step:
    at: float
    do: str
    params: dict[str, Any] = field(default_factory=dict)
    actor: str = "dana"
    role: str | None = "ic"


def step(at: float, do: str, actor: str = "dana", as_: str | None = "ic", **params: Any) -> Step:
    """A step by `actor` acting as `as_` (a role id); `params` are the action's own (role, who, severity…)."""
    return Step(float(at), do, params, actor, as_)


def m(minutes: float) -> float:
    return minutes * 60.0


# The model answer: acknowledge fast, declare SEV1, staff the roles, page the DBA, communicate on every
# channel on time, find the leak in the logs, snapshot then kill idle connections, schedule the PIR, and
# resolve once the metrics have held healthy for the playbook's 10 minutes.
IDEAL: tuple[Step, ...] = (
    step(180, "acknowledge"),
    step(200, "declare", severity="SEV1"),
    step(240, "assign_role", role="ic", who="dana"),
    step(262, "assign_role", role="comms", who="erin"),
    step(290, "page", contact="dba"),
    step(330, "page", contact="eng_lead"),  # one page at a time: the engine refuses a second under way
    step(320, "post_update", actor="erin", as_="comms", text="Investigating API errors."),
    step(330, "status_page", actor="erin", as_="comms", state="investigating"),
    step(400, "brief_executives", actor="erin", as_="comms"),
    step(420, "notify_customers", actor="erin", as_="comms"),
    step(450, "brief_support", actor="erin", as_="comms"),
    step(500, "investigate", target="logs"),
    step(700, "snapshot"),
    step(760, "kill_idle"),
    step(1200, "post_update", actor="erin", as_="comms", text="Mitigated; monitoring."),
    step(1300, "status_page", actor="erin", as_="comms", state="monitoring"),
    step(1400, "schedule_pir"),  # before resolving: the drill ends once the recovery is verified
    step(1500, "resolve"),
)


def without(steps: tuple[Step, ...], do: str, **match: Any) -> tuple[Step, ...]:
    """Drop every step doing `do` whose params include `match`."""
    return tuple(s for s in steps if not (s.do == do and all(s.params.get(k) == v for k, v in match.items())))


def moved(steps: tuple[Step, ...], do: str, to: float, **match: Any) -> tuple[Step, ...]:
    """Move the steps doing `do` (and matching) to time `to`, keeping the list in time order."""
    hit = [s.do == do and all(s.params.get(k) == v for k, v in match.items()) for s in steps]
    out = [replace(s, at=float(to)) if h else s for s, h in zip(steps, hit, strict=True)]
    return tuple(sorted(out, key=lambda s: s.at))


def plus(steps: tuple[Step, ...], *more: Step) -> tuple[Step, ...]:
    return tuple(sorted((*steps, *more), key=lambda s: s.at))


def build(steps: tuple[Step, ...], scenario: Scenario | None = None, end: float | None = None) -> DrillRecord:
    """Turn steps into a record the way the engine would journal them."""
    scenario = scenario or load_scenario()
    durations = {a.id: a.duration for a in scenario.actions}
    events: list[AnyEvent] = [
        DrillStarted(t=0.0, scenario=scenario.id, playbook=scenario.playbook, seed=scenario.seed, trainee="dana",
                     incident_id="", channel="", duration=scenario.duration),
        FaultStarted(t=120.0, fault="pool_leak", label="Connection pool leak"),
        Alert(t=DETECTED, metric="db_connections", level="warn", value=81.0, threshold=80.0, previous="ok"),
        Inject(t=DETECTED, id="first_page", inject_kind="page", sender="pagerduty", text="db pool", sender_title=""),
        Alert(t=170.0, metric="error_rate", level="critical", value=6.1, threshold=5.0, previous="ok"),
    ]  # fmt: skip
    active = True
    healthy_since: float | None = None
    severity: str | None = None
    resolved_at: float | None = None
    for s in steps:
        dur = standard(s.do).duration if s.do in STANDARD_IDS else durations[s.do]
        # A step without an actor is the trainee's own, as in a single-player journal.
        actor, role = s.actor or "", s.role
        label = s.do.replace("_", " ")
        done = s.at + dur
        events.append(ActionStarted(t=s.at, action=s.do, label=label, params=s.params, actor=actor, role=role,
                                    finishes_at=done))  # fmt: skip
        events.append(ActionFinished(t=done, action=s.do, label=label, params=s.params, actor=actor, role=role,
                                     started_at=s.at))  # fmt: skip
        if s.do == "acknowledge":
            events.append(StatusChanged(t=done, status="acknowledged", previous="detected"))
        elif s.do == "declare":
            # Declarations are the trainee's (no actor recorded), whoever took the step.
            events.append(
                SeverityDeclared(t=done, severity=s.params["severity"], previous=severity, actor="", role=None)
            )
            severity = s.params["severity"]
        elif s.do == "assign_role":
            events.append(RoleAssigned(t=done, role=s.params["role"], who=s.params["who"], actor=actor))
        elif s.do == "page":
            contact = next(c for c in load_playbook().contacts if c.id == s.params["contact"])
            events.append(PageSent(t=done, contact=contact.id, title=contact.title, team=contact.team, actor=actor,
                                   role=role, name=contact.id))  # fmt: skip
        elif s.do in COMMS_ACTIONS:
            events.append(CommsSent(t=done, channel=COMMS_ACTIONS[s.do], text=s.params.get("text", ""),
                                    state=s.params.get("state"), actor=actor, role=role))  # fmt: skip
        elif s.do == "investigate" and s.params["target"] == "logs":
            text = "Logs: connections opened by /search are never returned to the pool."
            events.append(ClueRevealed(t=done, clue="leak_in_logs", text=text, root_cause=True, by="investigate"))
        elif s.do == "kill_idle" and active:
            active = False
            healthy_since = done + 120.0  # the metrics take two minutes to recover
            events.append(FaultResolved(t=done, fault="pool_leak", label="Connection pool leak", by="kill_idle"))
            events.append(StatusChanged(t=done, status="mitigated", previous="identified"))
        elif s.do == "resolve":
            resolved_at = done
            early = active or healthy_since is None or done < healthy_since
            events.append(StatusChanged(t=done, status="resolved", previous="mitigated", early=early))
        elif s.do == "schedule_pir":
            events.append(PirScheduled(t=done, actor=actor, role=role))
    # As the engine does: verified once the metrics have held healthy for the monitoring period (10m).
    verified = resolved_at is not None and healthy_since is not None
    last = max(e.t for e in events) + 1.0
    if resolved_at is not None and healthy_since is not None:
        # ...and the drill ends right there, as the engine ends it.
        last = max(resolved_at, healthy_since + 600.0)
        events.append(RecoveryVerified(t=last, held_for=last - healthy_since))
    finish = end if end is not None else last
    reason = "resolved" if resolved_at is not None else "timeout"
    events.append(DrillEnded(t=finish, reason=reason, verified=verified, resolved=resolved_at is not None))
    events.sort(key=lambda e: e.t)  # stable: same-time events keep their emission order
    header = Header(JOURNAL_FORMAT, scenario.id, "0" * 64, scenario.playbook, "1" * 64, scenario.seed, "dana", "blue")
    return DrillRecord(header, tuple(events))
