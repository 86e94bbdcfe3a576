"""The after-action report's substance (HSEEP AAR/IP): the exercise's objectives with their core capabilities,
each rated P/S/M/U from the scorecard by one documented rule, their strengths and areas for improvement, and
the improvement plan. `scoring.report_aar` writes it as Markdown and HTML."""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

from scoring.grade import ScoreCard
from scoring.improvement import ELEMENTS, ImprovementItem, improvement_items
from scoring.rubric import CATEGORIES, Category, Criterion
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

Rating = Literal["P", "S", "M", "U", "-"]
RATINGS: dict[Rating, str] = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
    "-": "Not evaluated",
}
# The share of an objective's points at or above which challenges count as "some" rather than "major".
SOME = 0.75

# One objective per rubric category: what the drill asked of the team, and the FEMA core capability it
# exercises. Mitigation is Cybersecurity for a security incident.
OBJECTIVES: dict[Category, tuple[str, str]] = {
    "detection": (
        "Detect the incident and acknowledge the page within the playbook's targets",
        "Situational Assessment",
    ),
    "classification": ("Classify the incident at its true severity", "Situational Assessment"),
    "roles": ("Staff the response with the roles the playbook requires", "Operational Coordination"),
    "communication": (
        "Keep responders, customers, executives and support informed on the playbook's deadlines and cadences",
        "Public Information and Warning",
    ),
    "escalation": ("Escalate to and involve the right people in time", "Operational Coordination"),
    "mitigation": ("Find the cause and mitigate the impact without doing harm", "Infrastructure Systems"),
    "closure": ("Verify the recovery and close the incident with a review", "Infrastructure Systems"),
    "conduct": ("Work without noise: no needless pages, messages or reversals", "Operational Coordination"),
}


class Objective(NamedTuple):
    number: int
    category: Category
    label: str  # the rubric category's name
    text: str
    capability: str
    rating: Rating
    points: int
    max_points: int
    strengths: tuple[Criterion, ...]  # passed
    improvements: tuple[Criterion, ...]  # failed, then partial


class PlanRow(NamedTuple):
    """One line of the improvement-plan matrix."""

    capability: str
    item: ImprovementItem
    element_label: str
    owner: str  # the item's suggested owner, or "to be assigned"
    due: str  # a date when the exercise date is known, else "N days after the exercise"


class Aar(NamedTuple):
    card: ScoreCard
    objectives: tuple[Objective, ...]
    plan: tuple[PlanRow, ...]
    participants: tuple[str, ...]  # "name (role, role)"
    exercise_date: str  # YYYY-MM-DD, or "" when not given


def rate(criteria: tuple[Criterion, ...]) -> Rating:
    """The rule, over an objective's evaluated criteria: P when every one passed; S when not, but the objective
    kept at least SOME of its points (a criterion's points may go below zero: the total counts from zero);
    M when under that but at least one criterion earned credit (passed or partial); U when every one failed;
    "-" when none was evaluated."""
    evaluated = [c for c in criteria if c.evaluated]
    if not evaluated:
        return "-"
    if all(c.result == "pass" for c in evaluated):
        return "P"
    most = sum(c.max_points for c in evaluated)
    kept = max(0, sum(c.points for c in evaluated))
    if most and kept / most >= SOME:
        return "S"
    if any(c.result in ("pass", "partial") for c in evaluated):
        return "M"
    return "U"


def objectives(card: ScoreCard, scenario: Scenario) -> tuple[Objective, ...]:
    out: list[Objective] = []
    for category, label in CATEGORIES:
        mine = tuple(c for c in card.criteria if c.category == category)
        if not mine:
            continue
        text, capability = OBJECTIVES[category]
        if category == "mitigation" and scenario.truth.category == "security":
            capability = "Cybersecurity"
        evaluated = tuple(c for c in mine if c.evaluated)
        out.append(
            Objective(
                number=len(out) + 1,
                category=category,
                label=label,
                text=text,
                capability=capability,
                rating=rate(mine),
                points=max(0, sum(c.points for c in evaluated)),  # costs beyond its points: counted from zero
                max_points=sum(c.max_points for c in evaluated),
                strengths=tuple(c for c in evaluated if c.result == "pass"),
                improvements=tuple(c for c in evaluated if c.result == "fail")
                + tuple(c for c in evaluated if c.result == "partial"),
            )
        )
    return tuple(out)


def build(
    card: ScoreCard,
    scenario: Scenario,
    playbook: Playbook,
    *,
    exercise_date: dt.date | None = None,
    items: list[ImprovementItem] | None = None,
) -> Aar:
    """The report's content. Deterministic: the same card (and date) gives the same report. `items` defaults to
    `improvement_items(card, …)`; `exercise_date` turns each item's due days into a date."""
    objs = objectives(card, scenario)
    by_criterion = {c.id: o.capability for o in objs for c in o.improvements}
    labels = dict(ELEMENTS)
    plan = []
    for item in items if items is not None else improvement_items(card, scenario, playbook):
        if exercise_date is not None:
            due = (exercise_date + dt.timedelta(days=item.due_days)).isoformat()
        else:
            due = f"{item.due_days} days after the exercise"
        plan.append(
            PlanRow(
                capability=by_criterion.get(item.criterion, "—"),  # an item about the exercise itself
                item=item,
                element_label=labels[item.element],
                owner=item.owner or "to be assigned",
                due=due,
            )
        )
    roles = {r.id: r.name for r in playbook.roles}
    people = []
    for person in card.by_actor:
        acted = sorted(
            {roles.get(e.role, e.role) for c in card.criteria for e in c.evidence if e.actor == person.who and e.role}
        )
        people.append(person.who + (f" ({', '.join(acted)})" if acted else ""))
    if not people:
        people = [card.trainee]
    return Aar(card, objs, tuple(plan), tuple(people), exercise_date.isoformat() if exercise_date else "")
