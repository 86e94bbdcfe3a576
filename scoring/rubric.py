"""The rubric's vocabulary: criteria, evidence, categories and weights, and the judging helpers they share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sim.format.catalogue import STANDARD_IDS, standard
from sim.format.durations import format_clock, format_duration
from sim.format.playbook import Playbook, Severity
from sim.format.scenario import Scenario
from sim.journal.events import AnyEvent
from sim.journal.facts import Facts, acting_role

Category = Literal[
    "detection", "classification", "roles", "communication", "escalation", "mitigation", "closure", "conduct"
]
Result = Literal["pass", "partial", "fail", "not_evaluated"]

# Report order and wording of the categories (the list).
CATEGORIES: tuple[tuple[Category, str], ...] = (
    ("detection", "Detection & acknowledgement"),
    ("classification", "Classification"),
    ("roles", "Roles"),
    ("communication", "Communication cadence and deadlines"),
    ("escalation", "Escalation"),
    ("mitigation", "Mitigation"),
    ("closure", "Closure"),
    ("conduct", "Conduct (noise)"),
)
RESULT_LABEL: dict[str, str] = {"pass": "pass", "partial": "partial", "fail": "fail", "not_evaluated": "not evaluated"}

# Maximum points per playbook criterion. Weights follow what the seeds stress most: severity, the fix,
# doing no harm and the customer-facing deadlines outweigh the bookkeeping.
POINTS: dict[str, int] = {
    "detect.acknowledge": 10,
    "detect.response": 10,
    "classify.severity": 15,
    "role": 5,  # per required role
    "comms.internal_cadence": 10,
    "comms.status_page_first": 10,
    "comms.status_page_cadence": 5,
    "comms.customers": 10,
    "comms.executives": 10,
    "comms.support": 5,
    "escalate.contact": 10,  # per contact the scenario says must be involved
    "escalate.paging": 5,
    "escalate.no_progress": 5,
    "mitigate.fix": 15,
    "mitigate.diagnosis": 5,
    "mitigate.time": 10,
    "mitigate.resolution": 10,
    "mitigate.harmful": 15,
    "close.verified": 10,
    "close.pir": 5,
    "mitigate.speed": 10,
    "conduct.noise": 10,
}

# Costs, in points of the 100-point score, taken on top of a criterion's own points (its points may go
# below zero; the score never does). Documented in scenarios/README.md, "How a drill is scored".
COSTS: dict[str, float] = {
    "severity.under": 15.0,  # per level declared below the true severity
    "severity.over": 6.0,  # per level declared above it
    "severity.undeclared": 15.0,  # no severity declared after detection
    "acknowledge.never": 12.0,  # the page never acknowledged by the trainee
    "resolve.unhealthy": 7.0,  # resolving while unhealthy, or before the metrics held for the monitoring period
    "speed.per_minute": 1.0,  # per minute of avoidable delay to mitigation past the allowance
    "speed.allowance": 9 * 60.0,
    "speed.max": 25.0,
    "noise.max": 40.0,
    "noise.before_detection": 2.0,  # per action taken before anything alerted
    "noise.page": 2.0,  # per page of someone the playbook does not call for
    "noise.comms": 1.0,  # per message sent too early or far more often than the cadence asks
    "noise.severity": 2.0,  # per re-declaration of the same level, or a reversal
    "noise.resolve": 5.0,  # per resolve attempt on an unhealthy system
}
# A deadline missed: credit falls linearly from full at the deadline to nothing one allowance later.


@dataclass(frozen=True, slots=True)
class Evidence:
    """One moment a criterion was judged on: a sim time, what happened, and who did it (if anyone)."""

    t: float
    what: str
    actor: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Criterion:
    """One graded line of the scorecard."""

    id: str
    category: Category
    title: str
    max_points: int
    points: int
    result: Result
    explanation: str  # one line, citing the playbook or scenario rule
    advice: str = ""  # what to do next time: becomes an action item when the criterion is not passed
    evidence: tuple[Evidence, ...] = ()
    deadline: float | None = None
    source: Literal["playbook", "scenario", "warroom"] = "playbook"
    cost: float = 0.0  # score points taken off beyond the criterion's own points (see COSTS)
    rule: str = ""  # the playbook or scenario rule it checks (file and section), or "warroom's own judgement"

    @property
    def evaluated(self) -> bool:
        return self.result != "not_evaluated"

    @property
    def actors(self) -> tuple[str, ...]:
        return tuple(sorted({e.actor for e in self.evidence if e.actor}))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(sorted({e.role for e in self.evidence if e.role}))


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a check may look at. Checks are pure functions of this."""

    facts: Facts
    scenario: Scenario
    playbook: Playbook
    severity: Severity  # the playbook's entry for the scenario's true severity

    @property
    def sev(self) -> str:
        return self.severity.id

    def action_label(self, action_id: str) -> str:
        """A scenario action's label, or the catalogue's for a standard action."""
        for action in self.scenario.actions:
            if action.id == action_id:
                return action.label
        if action_id in STANDARD_IDS:
            return standard(action_id).label
        return action_id.replace("_", " ")

    def contact_label(self, contact_id: str) -> str:
        for contact in self.playbook.contacts:
            if contact.id == contact_id:
                return contact.title
        return contact_id

    def role_label(self, role_id: str) -> str:
        for role in self.playbook.roles:
            if role.id == role_id:
                return role.name
        return role_id


def clock(t: float) -> str:
    return format_clock(t)


def evidence(facts: Facts, event: AnyEvent, what: str) -> Evidence:
    """Evidence from a trainee's event: carries who did it and in which role."""
    actor = facts.actor_of(event)
    role = acting_role(event) if actor else None
    return Evidence(event.t, what, actor, role or None)


def system_evidence(t: float, what: str) -> Evidence:
    return Evidence(t, what)


def detection_evidence(facts: Facts) -> Evidence:
    if facts.detection_event is None:
        return Evidence(facts.detection, "no alert or page fired; targets count from T+0")
    return Evidence(facts.detection, "detection (first alert or page)")


def partial_points(max_points: int) -> int:
    return max_points // 2


def scored(
    cid: str,
    category: Category,
    title: str,
    max_points: int,
    result: Result,
    explanation: str,
    advice: str,
    evidence_: tuple[Evidence, ...] = (),
    deadline: float | None = None,
    *,
    points: int | None = None,
    source: Literal["playbook", "scenario", "warroom"] = "playbook",
) -> Criterion:
    """A criterion with points following from its result unless given."""
    if points is None:
        points = {"pass": max_points, "partial": partial_points(max_points)}.get(result, 0)
    return Criterion(cid, category, title, max_points, points, result, explanation, advice, evidence_, deadline, source)


@dataclass(frozen=True, slots=True)
class Verdicts:
    """A criterion's fixed parts, so each check states only its verdict: `v.fail("text", evidence)`."""

    id: str
    category: Category
    title: str
    max_points: int
    advice: str = ""
    source: Literal["playbook", "scenario", "warroom"] = "playbook"

    def judge(
        self,
        result: Result,
        text: str,
        evidence_: tuple[Evidence, ...] = (),
        deadline: float | None = None,
        *,
        points: int | None = None,
    ) -> Criterion:
        return scored(
            self.id,
            self.category,
            self.title,
            self.max_points,
            result,
            text,
            self.advice,
            evidence_,
            deadline,
            points=points,
            source=self.source,
        )

    def ok(self, text: str, evidence_: tuple[Evidence, ...] = (), deadline: float | None = None) -> Criterion:
        return self.judge("pass", text, evidence_, deadline)

    def partial(
        self,
        text: str,
        evidence_: tuple[Evidence, ...] = (),
        deadline: float | None = None,
        *,
        points: int | None = None,
    ) -> Criterion:
        return self.judge("partial", text, evidence_, deadline, points=points)

    def fail(self, text: str, evidence_: tuple[Evidence, ...] = (), deadline: float | None = None) -> Criterion:
        return self.judge("fail", text, evidence_, deadline)

    def skip(self, why: str, evidence_: tuple[Evidence, ...] = ()) -> Criterion:
        return not_evaluated(self.id, self.category, self.title, self.max_points, why, evidence_, source=self.source)


def not_evaluated(
    cid: str,
    category: Category,
    title: str,
    max_points: int,
    why: str,
    evidence_: tuple[Evidence, ...] = (),
    *,
    source: Literal["playbook", "scenario", "warroom"] = "playbook",
) -> Criterion:
    """A criterion this drill cannot judge: listed, excluded from the maximum, and said why."""
    return Criterion(
        cid, category, title, max_points, 0, "not_evaluated", f"not evaluated: {why}", "", evidence_, None, source
    )


def judge_deadline(
    ctx: Context,
    cid: str,
    category: Category,
    title: str,
    *,
    allowance: float | None,
    rule: str,
    done: AnyEvent | None,
    done_what: str,
    never: str,
    advice: str,
    start: float | None = None,
    start_what: str = "detection",
    max_points: int | None = None,
) -> Criterion:
    """Done by `start + allowance`: pass. Late by no more than the allowance again: partial. Else fail.

    `rule` names the playbook rule ("status-page deadline"); `done_what` says what happened ("Status page
    first updated"); `never` says what did not ("The status page was never updated").
    """
    pts = max_points if max_points is not None else POINTS[cid]
    if allowance is None:
        return not_evaluated(cid, category, title, pts, f"the playbook sets no {rule} for {ctx.sev}.")
    facts = ctx.facts
    origin = facts.detection if start is None else start
    deadline = origin + allowance
    since = "of detection" if start is None else f"of {start_what}"
    requirement = f"the playbook requires it within {format_duration(allowance)} {since} for {ctx.sev}"
    base = (detection_evidence(facts),) if start is None else (system_evidence(origin, start_what),)
    if done is None:
        if facts.end < deadline:
            return not_evaluated(
                cid,
                category,
                title,
                pts,
                f"the drill ended at {clock(facts.end)}, before the {rule} ({clock(deadline)}).",
                base,
            )
        return scored(cid, category, title, pts, "fail", f"{never}; {requirement}.", advice, base, deadline)
    ev = (*base, evidence(facts, done, done_what))
    if done.t <= deadline:
        return scored(
            cid, category, title, pts, "pass", f"{done_what} at {clock(done.t)}; {requirement}.", advice, ev, deadline
        )
    late = done.t - deadline
    earned = decayed(pts, late, allowance)
    result: Result = "partial" if earned > 0 else "fail"
    return scored(
        cid,
        category,
        title,
        pts,
        result,
        f"{done_what} at {clock(done.t)}, {format_duration(late)} late; {requirement} (by {clock(deadline)}); "
        f"credit falls to nothing {format_duration(allowance)} after it.",
        advice,
        ev,
        deadline,
        points=earned,
    )


def decayed(max_points: int, late: float, window: float) -> int:
    """Credit for something `late` seconds past its deadline: full on time, falling linearly to 0 over `window`.

    Rounded down, and never full once late, so any lateness costs at least a point.
    """
    if late <= 0:
        return max_points
    if window <= 0 or late >= window:
        return 0
    return min(max_points - 1, int(max_points * (1.0 - late / window)))


# --- Who answers for a criterion in a team drill (scoring.team; documented in scenarios/README.md, "The team
# debrief"). A criterion's duty follows its category, with the exceptions by id below; a playbook role carries
# a duty by its id, or failing that by a word in its name.
Duty = Literal["command", "comms", "tech", "own"]
DUTY_BY_CATEGORY: dict[Category, Duty] = {
    "detection": "command",  # owning the page and starting the response
    "classification": "command",
    "roles": "command",
    "communication": "comms",
    "escalation": "command",  # who is paged and when: coordination
    "mitigation": "tech",
    "closure": "command",  # resolving only once recovery held, the post-incident review, its follow-up
    "conduct": "own",  # noise falls to whoever made it
}
DUTY_BY_ID: dict[str, Duty] = {
    "mitigate.resolution": "command",  # resolving is the incident commander's call
}
ROLE_DUTY: dict[str, Duty] = {
    "incident-commander": "command",
    "ic": "command",
    "comms-lead": "comms",
    "comms_lead": "comms",
    "comms": "comms",
    "support-lead": "comms",
    "tech-lead": "tech",
    "tech_lead": "tech",
    "tech": "tech",
    "first-responder": "tech",
    "devops-engineer": "tech",
    "sme": "tech",
}
# For a role id not above: the first of these words its name holds.
ROLE_NAME_DUTY: tuple[tuple[str, Duty], ...] = (
    ("commander", "command"),
    ("communication", "comms"),
    ("comms", "comms"),
    ("support", "comms"),
    ("technical", "tech"),
    ("engineer", "tech"),
    ("responder", "tech"),
    ("specialist", "tech"),
)


def duty_of(c: Criterion) -> Duty:
    """The duty a criterion checks: by its id when listed, else by its category."""
    return DUTY_BY_ID.get(c.id, DUTY_BY_CATEGORY[c.category])


def role_duty(role_id: str, name: str = "") -> Duty | None:
    """The duty a playbook role carries, or None for a role none of the rules name."""
    if role_id in ROLE_DUTY:
        return ROLE_DUTY[role_id]
    lowered = name.lower()
    return next((duty for word, duty in ROLE_NAME_DUTY if word in lowered), None)
