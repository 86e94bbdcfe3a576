"""Improvement items from a debrief: each criterion a drill did not pass, in the shape of an HSEEP improvement
plan (issue, corrective action, capability element), with a key that stays the same from one drill to the next
so the same weakness again links to the item still open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, NamedTuple

from scoring import debrief
from scoring.grade import ScoreCard
from scoring.rubric import Category, Criterion
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

Element = Literal["planning", "organisation", "equipment", "training", "exercise"]
# HSEEP's capability elements (POETE), in its order, with the words the reports use.
ELEMENTS: tuple[tuple[Element, str], ...] = (
    ("planning", "Planning"),
    ("organisation", "Organisation"),
    ("equipment", "Equipment"),
    ("training", "Training"),
    ("exercise", "Exercise"),
)

# Which element a weakness points at, by criterion id (a prefix ending in "." matches a family), then by category.
# The question asked of each: what would a team change so it does not happen again?
#  - planning: the playbook asks for it and the team did not follow it: deadlines, cadences, message checklists,
#    escalation rules, the review and its follow-up. Fixed by making the plan known and usable.
#  - organisation: who does what: roles assigned, the right people paged and involved.
#  - equipment: the tools that bring an incident to someone and show its state: paging (acknowledging),
#    dashboards and logs (finding the cause), monitoring that shows a recovery holding.
#  - training: judgement and skill in the moment: classifying, fixing, doing no harm, avoiding noise, and a
#    scenario's own expectations (unless they cite a playbook procedure: then planning).
#  - exercise: the exercise itself: a drill cut off before its end.
# A facilitator may file an item under another element; this is the default, one rule for everyone.
BY_CRITERION: dict[str, Element] = {
    "detect.acknowledge": "equipment",
    "detect.response": "training",
    "mitigate.diagnosis": "equipment",
    "close.verified": "equipment",
    "close.pir": "planning",
    "close.follow_up": "planning",
    "role.": "organisation",
    "escalate.paging": "organisation",
    "escalate.no_progress": "planning",
    "escalate.": "organisation",  # escalate.<contact>: who the scenario says must be involved
    "rule.": "planning",
    "comms.": "planning",
}
BY_CATEGORY: dict[Category, Element] = {
    "detection": "training",
    "classification": "training",
    "roles": "organisation",
    "communication": "planning",
    "escalation": "organisation",
    "mitigation": "training",
    "closure": "planning",
    "conduct": "training",
}
# Days from the drill to an item's due date, by priority (P0 lost 10 points or more, P1 5 or more, P2 fewer).
DUE_DAYS: dict[str, int] = {"P0": 14, "P1": 30, "P2": 60}
UNFINISHED = "exercise.unfinished"


class ImprovementItem(NamedTuple):
    key: str  # stable across drills: the criterion id; a scenario's own expectation is qualified by the scenario
    issue: str  # what went wrong, one line: the criterion's title and its explanation
    corrective_action: str  # what to do about it (the criterion's advice)
    element: Element
    criterion: str  # the criterion id it came from ("" for an item about the exercise itself)
    evidence: str  # the times and events it was judged on, one line
    priority: str  # P0, P1 or P2, as the debrief's action items
    due_days: int  # suggested: days from the drill to the due date
    owner: str  # suggested: the playbook roles whose actions were the evidence; "" when no one acted


def element_for(c: Criterion, scenario: Scenario, elements: Mapping[str, Element] | None = None) -> Element:
    """The capability element a criterion's weakness belongs to: `elements` (same form as BY_CRITERION) first,
    then BY_CRITERION, then a scenario expectation's citation, then BY_CATEGORY."""
    for table in (elements or {}, BY_CRITERION):
        hit = table.get(c.id) or next(
            (table[k] for k in sorted(table, key=len, reverse=True) if k.endswith(".") and c.id.startswith(k)), None
        )
        if hit is not None:
            return hit
    if c.id.startswith("expect."):
        x = next((x for x in scenario.expectations if x.id == c.id.removeprefix("expect.")), None)
        if x is not None and x.cites:
            return "planning"
    return BY_CATEGORY[c.category]


def item_key(c: Criterion, scenario: Scenario) -> str:
    """A criterion's key across drills: its id names the same rule in every drill on the playbook, except a
    scenario's own expectations, whose ids are the scenario's to choose."""
    return f"{scenario.id}:{c.id}" if c.id.startswith("expect.") else c.id


def improvement_items(
    card: ScoreCard,
    scenario: Scenario,
    playbook: Playbook,
    *,
    elements: Mapping[str, Element] | None = None,
) -> list[ImprovementItem]:
    """One item per criterion not passed, most points lost first (as the debrief's action items), then one for
    a drill that did not finish. Pure: the same card gives the same items."""
    roles = {r.id: r.name for r in playbook.roles}
    by_id = {c.id: c for c in card.criteria}
    out = []
    for a in debrief.action_items(card):
        c = by_id[a.criterion]
        out.append(
            ImprovementItem(
                key=item_key(c, scenario),
                issue=f"{c.title}: {c.explanation}" if c.explanation else c.title,
                corrective_action=c.advice or f"Meet the rule next time: {c.title}.",
                element=element_for(c, scenario, elements),
                criterion=c.id,
                evidence=_evidence(c),
                priority=a.priority,
                due_days=DUE_DAYS[a.priority],
                owner=", ".join(roles.get(r, r) for r in c.roles),
            )
        )
    if not card.finished:
        out.append(
            ImprovementItem(
                key=UNFINISHED,
                issue=card.unfinished_note,
                corrective_action="Run the exercise to its end (resume the journal), so every objective is rated.",
                element="exercise",
                criterion="",
                evidence=f"the record stops at {debrief.clock(card.ended)}",
                priority="P1",
                due_days=DUE_DAYS["P1"],
                owner="",
            )
        )
    return out


def _evidence(c: Criterion) -> str:
    """`T+00:20:10 acknowledged (dana, ic); …`, or the criterion's result when nothing happened to cite."""
    if not c.evidence:
        return "never done: no event in the record"
    parts = []
    for e in c.evidence:
        who = ", ".join(x for x in (e.actor, e.role) if x)
        parts.append(f"{debrief.clock(e.t)} {e.what}" + (f" ({who})" if who else ""))
    return "; ".join(parts)
