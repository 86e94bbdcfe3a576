"""The playbook's rules beyond its severity table: the product's metrics and alert thresholds, procedures
stated in words (which scenario expectations cite), and triggers (when this holds, page, declare or send
that; or, automatic ones, the playbook's tooling escalates by itself)."""

from __future__ import annotations

from typing import Literal

from sim.format.base import Id, Strict, Text
from sim.format.durations import Duration
from sim.format.model import Field

# A scenario's `truth.category` (sim.format.scenario.Truth), which a trigger may test.
IncidentCategory = Literal["outage", "degradation", "security", "cost", "data", "capacity"]
# The targets an `overdue` condition may name (sim.format.playbook.Targets).
TargetName = Literal["acknowledge", "response", "identify", "mitigation", "resolution"]
# The standard communicate actions a trigger may require (sim.format.catalogue).
SendAction = Literal["post_update", "status_page", "notify_customers", "brief_executives", "brief_support"]


class ProductMetric(Strict):
    """One metric of the product as the playbook names it: the id scenarios on this playbook give it, and the
    alert thresholds where the playbook states them. A scenario metric of this id must use these thresholds."""

    id: Id
    label: str
    unit: str = ""
    warn: float | None = None
    critical: float | None = None
    bad_when: Literal["up", "down"] = "up"

    def __post_init__(self) -> None:
        """Warn comes before critical, in the direction that is worse."""
        if self.warn is None or self.critical is None:
            return
        if self.bad_when == "up" and not self.warn < self.critical:
            raise ValueError(f"warn ({self.warn}) must be below critical ({self.critical}) when higher is worse")
        if self.bad_when == "down" and not self.warn > self.critical:
            raise ValueError(f"warn ({self.warn}) must be above critical ({self.critical}) when lower is worse")


class Procedure(Strict):
    """A rule the playbook states in words about the responders' own actions ("copy the logs before
    isolating anything"). Its steps are a scenario's own actions, so a scenario applies it by citing it from
    an expectation (`cites: <id>`); the trainee reads it as the playbook's, under `section`."""

    id: Id
    section: str = Field(
        description="Where the playbook states it, as trainees read it: 'Phase 2 › Gather information'."
    )
    text: Text = Field(description="The rule, in the playbook's words.")


class MetricRule(Strict):
    """A metric condition, written as a scenario's inject trigger writes one, or as a multiple of the
    metric's baseline (`above_baseline: 1.5` is above 150% of it)."""

    metric: Id = Field(description="One of the playbook's `metrics`.")
    above: float | None = None
    below: float | None = None
    above_baseline: float | None = Field(default=None, description="Above this multiple of the metric's baseline.")
    for_: Duration = Field(default=0.0, alias="for")

    def __post_init__(self) -> None:
        """Exactly one of `above`, `below` and `above_baseline`."""
        if sum(v is not None for v in (self.above, self.below, self.above_baseline)) != 1:
            raise ValueError("a metric condition needs exactly one of 'above', 'below' or 'above_baseline'")
        if self.above_baseline is not None and self.above_baseline <= 0:
            raise ValueError("'above_baseline' is a multiple of the baseline, above 0 (1.5 means 150%)")


class Condition(Strict):
    """When a trigger holds: every key given must hold, from the first moment they all do.

    `severity`, `category` and `tags` read the scenario's truth (its true severity, its incident category,
    its tags): facts of the incident the trainee must work out, so they raise no timer on screen. The other
    keys are things anyone can see: a metric, the time the incident has been open, a missed target."""

    severity: list[Id] = Field(default_factory=list, description="The true severity is one of these.")
    category: list[IncidentCategory] = Field(default_factory=list, description="The incident is of one of these.")
    tags: list[Id] = Field(default_factory=list, description="The scenario carries every one of these tags.")
    metric: MetricRule | None = None
    open_for: Duration | None = Field(default=None, description="Still not resolved this long after detection.")
    unmitigated_for: Duration | None = Field(default=None, description="Still not mitigated this long after detection.")
    overdue: TargetName | None = Field(
        default=None, description="The true severity's target of this name passed without being met."
    )
    failed_resolutions: int | None = Field(
        default=None, ge=1, description="This many resolves while a fault was active or a metric unhealthy."
    )
    severity_raised: bool = Field(default=False, description="A severity was declared above an earlier one.")

    def __post_init__(self) -> None:
        """At least one key; a metric never together with the hidden truth (the engine sees the one and
        must not show the other)."""
        if not any(v not in (None, [], False) for _, v in self):
            raise ValueError("a condition needs at least one key")
        if self.metric is not None and (self.severity or self.category or self.tags):
            raise ValueError(
                "a metric condition cannot also test the scenario's truth (severity, category, tags); "
                "give them as two conditions of the same trigger"
            )

    @property
    def hidden(self) -> bool:
        """It reads the scenario's truth, which the trainee has to work out."""
        return bool(self.severity or self.category or self.tags)


class Trigger(Strict):
    """When any of its conditions holds, the playbook asks for something: contacts paged (`notify`, or the
    next of `escalation.levels`), a severity declared, messages sent; or, when `automatic`, its tooling
    escalates by itself and asks nothing of the trainee.

    What is asked is due `within` this long of the condition holding; with `at_once`, within the true
    severity's response target ("immediately"); with neither, before the incident is resolved."""

    id: Id
    section: str = Field(description="Where the playbook states it, as trainees read it: 'Escalation triggers'.")
    text: Text = Field(description="The rule, in the playbook's words.")
    when: list[Condition] = Field(min_length=1, description="Any one of these holding fires the trigger.")
    notify: list[Id] = Field(default_factory=list, description="Contacts to page.")
    next_level: bool = Field(
        default=False, description="Page (or, automatic, bring in) the first of `escalation.levels` not yet involved."
    )
    declare: Id | None = Field(default=None, description="Declare this severity (or a more severe one).")
    send: list[SendAction] = Field(default_factory=list, description="Communicate actions to take.")
    within: Duration | None = None
    at_once: bool = False
    automatic: bool = Field(
        default=False, description="The playbook's tooling escalates by itself: nothing is asked of the trainee."
    )

    def __post_init__(self) -> None:
        """Something to do, a single due time, and an automatic trigger only ever brings people in."""
        if not (self.notify or self.next_level or self.declare or self.send):
            raise ValueError("a trigger needs something to do: 'notify', 'next_level', 'declare' or 'send'")
        if self.within is not None and self.at_once:
            raise ValueError("give 'within' or 'at_once', not both")
        if self.automatic and (self.declare or self.send or self.within is not None or self.at_once):
            raise ValueError("an automatic trigger only brings people in: 'notify' or 'next_level', nothing else")


class FollowUp(Strict):
    """A step the playbook sets after the incident is resolved ("initial documentation within 4 hours"). The
    drill ends at resolution, so no drill can judge it: the scorecard lists it, not evaluated."""

    id: Id
    text: str
    within: Duration = Field(description="After resolution.")
