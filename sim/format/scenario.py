"""The scenario format: briefing, hidden truth, metrics, faults, injects, actions and expectations."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from sim.format.base import Id, Strict, Text
from sim.format.durations import Duration, format_duration
from sim.format.messages import Checklists
from sim.format.model import Convert, Field
from sim.format.refs import ActionName

Difficulty = Literal["tutorial", "easy", "medium", "hard"]

# The longest drill a scenario may set: a week of sim time. A drill runs to its end in memory, so a duration
# of years never ends (documented in scenarios/README.md).
MAX_DURATION = 7 * 86400.0
# Seeds are 0 … 2^63-1: the history stores them as SQLite integers, and Python's random gives -n the drill
# of n, so a negative seed would only be another name for a positive one.
SEED_MAX = 2**63 - 1

_DURATION: Convert = get_args(Duration)[1]


def _drill_seconds(value: object) -> float:
    seconds: float = _DURATION.parse(value)
    if seconds > MAX_DURATION:
        shown = value if len(str(value)) <= 24 else f"{str(value)[:24]}…"
        raise ValueError(f"{shown!r} is longer than a drill may run: at most {format_duration(MAX_DURATION)} (7 days)")
    return seconds


# The drill's own duration: a duration of at most MAX_DURATION.
DrillDuration = Annotated[float, Convert(parse=_drill_seconds, dump=_DURATION.dump, schema=_DURATION.schema)]


class Truth(Strict):
    """What really happened. Only the debrief and the facilitator see it."""

    severity: Id
    root_cause: Text
    category: Literal["outage", "degradation", "security", "cost", "data", "capacity"]
    fixed_by: list[Id] = Field(min_length=1, description="Actions that resolve the incident for good.")
    fix: Literal["all", "any"] = Field(
        default="all",
        description="Whether every action in fixed_by is needed (all, the default) or any one of them fixes it.",
    )
    must_involve: list[Id] = Field(
        default_factory=list, description="Contacts who must be paged/notified (security, DBA, finance…)."
    )
    root_cause_clues: list[Id] = Field(
        default_factory=list, description="Revealing any of these clues counts as identifying the cause."
    )


class Band(Strict):
    """Thresholds on the other side of the baseline, for a metric that is bad both too high and too low."""

    warn: float
    critical: float


class Metric(Strict):
    id: Id
    label: str
    unit: str = ""
    baseline: float
    noise: float = Field(default=0.0, ge=0, description="Standard deviation of the seeded gaussian noise.")
    warn: float
    critical: float
    # `up`: higher is worse (error rate). `down`: lower is worse (availability).
    bad_when: Literal["up", "down"] = "up"
    minimum: float | None = None
    maximum: float | None = None
    # `gauge` is sampled as is; `cumulative` adds value × time (money burned, users affected so far).
    kind: Literal["gauge", "cumulative"] = "gauge"
    sample_every: Duration = 10.0
    too_low: Band | None = Field(
        default=None, description="With bad_when up: also alert when the value falls this low (traffic collapsing)."
    )
    too_high: Band | None = Field(
        default=None, description="With bad_when down: also alert when the value climbs this high."
    )

    def __post_init__(self) -> None:
        """Warn comes before critical, in the direction that is worse; the other side mirrors it."""
        if self.bad_when == "up" and not self.warn < self.critical:
            raise ValueError(f"warn ({self.warn}) must be below critical ({self.critical}) when higher is worse")
        if self.bad_when == "down" and not self.warn > self.critical:
            raise ValueError(f"warn ({self.warn}) must be above critical ({self.critical}) when lower is worse")
        if (self.too_low is not None or self.too_high is not None) and self.kind == "cumulative":
            raise ValueError("'too_low' and 'too_high' go with gauges: a cumulative total only grows")
        if self.too_low is not None and self.too_high is not None:
            raise ValueError("give one of 'too_low' (with bad_when: up) or 'too_high' (with bad_when: down)")
        if self.too_low is not None:
            if self.bad_when != "up":
                raise ValueError("'too_low' goes with bad_when: up; with bad_when: down, lower is already worse")
            low = self.too_low
            if not low.critical < low.warn < self.warn:
                shown = f"critical ({low.critical:g}) below warn ({low.warn:g}), below warn ({self.warn:g})"
                raise ValueError(f"too_low needs {shown}")
        if self.too_high is not None:
            if self.bad_when != "down":
                raise ValueError("'too_high' goes with bad_when: down; with bad_when: up, higher is already worse")
            high = self.too_high
            if not high.critical > high.warn > self.warn:
                shown = f"critical ({high.critical:g}) above warn ({high.warn:g}), above warn ({self.warn:g})"
                raise ValueError(f"too_high needs {shown}")


class Effect(Strict):
    """How a fault (or an action) moves one metric.

    step: jump by `by` (or to `to`) at once. ramp: move there linearly over `over`.
    spike: jump, then decay back over `over`. drift: keep moving by `by` per `over`, unbounded.
    recover: move back to baseline over `over`.
    """

    metric: Id
    shape: Literal["step", "ramp", "spike", "drift", "recover"]
    by: float | None = None
    to: float | None = None
    over: Duration | None = None

    def __post_init__(self) -> None:
        """Each shape has the keys it needs."""
        if self.shape in ("step", "ramp", "spike") and (self.by is None) == (self.to is None):
            raise ValueError(f"a {self.shape} needs exactly one of 'by' or 'to'")
        if self.shape == "drift" and self.by is None:
            raise ValueError("a drift needs 'by' (the change per 'over')")
        if self.shape in ("ramp", "spike", "drift", "recover") and not self.over:
            raise ValueError(f"a {self.shape} needs 'over', a positive duration")


class Fault(Strict):
    id: Id
    label: str
    start: Duration = 0.0
    effects: list[Effect] = Field(min_length=1)
    # A fault the trainee does not yet know about stays hidden in the state until a clue names it.
    hidden: bool = True
    ends: Duration | None = Field(
        default=None, description="It ends by itself at this sim time (a vendor that recovers at 80m)."
    )
    lasts: Duration | None = Field(default=None, description="It ends by itself this long after it starts (a blip).")
    unless: list[ActionName] = Field(
        default_factory=list, description="It does not start if one of these actions has finished by then."
    )

    def __post_init__(self) -> None:
        """At most one way to end by itself, and never before it starts."""
        if self.ends is not None and self.lasts is not None:
            raise ValueError("give one of 'ends' (a sim time) or 'lasts' (a duration from its start)")
        if self.ends is not None and self.ends <= self.start:
            raise ValueError(
                f"it ends at {format_duration(self.ends)}, not after it starts ({format_duration(self.start)})"
            )


class MetricCondition(Strict):
    metric: Id
    above: float | None = None
    below: float | None = None
    for_: Duration = Field(default=0.0, alias="for")

    def __post_init__(self) -> None:
        """Exactly one of `above` and `below`."""
        if (self.above is None) == (self.below is None):
            raise ValueError("a metric condition needs exactly one of 'above' or 'below'")


class Trigger(Strict):
    """When an inject fires: exactly one of `at`, `metric`, `after_action`, `timer_expired`."""

    at: Duration | None = None
    metric: MetricCondition | None = None
    after_action: ActionName | None = Field(
        default=None, description="An action id, or {do: page, with: {contact: finance}} for one taken so."
    )
    timer_expired: str | None = Field(
        default=None, description="A timer id such as 'sla.status_page' or 'cadence.internal_update'."
    )
    delay: Duration = 0.0

    def __post_init__(self) -> None:
        """Exactly one of the keys."""
        set_ = [k for k in ("at", "metric", "after_action", "timer_expired") if getattr(self, k) is not None]
        if len(set_) != 1:
            raise ValueError("a trigger needs exactly one of 'at', 'metric', 'after_action', 'timer_expired'")


InjectKind = Literal["alert", "page", "chat", "customer_report", "log", "exec_ping", "vendor_notice", "hint"]


class Inject(Strict):
    id: Id
    kind: InjectKind
    # A cast slot (`cto`, `support_lead`, `customer`, a playbook contact id) or a literal name.
    sender: str = Field(default="", alias="from")
    text: Text
    trigger: Trigger
    # Stakeholders push harder unless the trainee has done one of these by then.
    unless: list[ActionName] = Field(default_factory=list)


class ActionEffect(Strict):
    """What an action does when it finishes: exactly one of the effect keys, and at most one condition."""

    resolve: Id | None = None
    move: Effect | None = None
    reveal: Id | None = None
    start_fault: Id | None = None
    if_active: Id | None = Field(default=None, description="The effect lands only while this fault is active.")
    if_not_active: Id | None = Field(
        default=None, description="The effect lands only while this fault is not active (not started, or ended)."
    )

    def __post_init__(self) -> None:
        """Exactly one of the keys."""
        if sum(v is not None for v in (self.resolve, self.move, self.reveal, self.start_fault)) != 1:
            raise ValueError("an effect needs exactly one of 'resolve', 'move', 'reveal', 'start_fault'")
        if self.if_active is not None and self.if_not_active is not None:
            raise ValueError("an effect takes one condition: 'if_active' or 'if_not_active'")


class Action(Strict):
    """A scenario's own action (rollback, scale, failover…), beside the standard catalogue."""

    id: Id
    label: str
    description: Text = ""
    duration: Duration = 60.0
    requires: list[Id] = Field(default_factory=list, description="Actions that must have finished first.")
    effects: list[ActionEffect] = Field(default_factory=list)
    destructive: bool = False
    harmful: bool = Field(default=False, description="Makes things worse; the scorer penalises it.")
    harmful_while: Id | None = Field(
        default=None, description="Harmful only when it lands while this fault is active (instead of 'harmful')."
    )

    def __post_init__(self) -> None:
        """Harmful always, or only while a fault runs: not both."""
        if self.harmful and self.harmful_while is not None:
            raise ValueError("give 'harmful: true' (always) or 'harmful_while: <fault>' (only then), not both")


class Clue(Strict):
    id: Id
    text: Text
    # Investigation targets that reveal it (dashboards, logs, deploys, dependencies).
    found_by: list[Literal["dashboards", "logs", "deploys", "dependencies"]] = Field(default_factory=list)
    names_fault: Id | None = Field(default=None, description="Revealing this clue makes that fault known.")


class Ordering(Strict):
    first: ActionName
    then: ActionName


class Since(Strict):
    """Where an expectation's `within` counts from: exactly one of the keys (without `from`, T+0)."""

    inject: Id | None = Field(default=None, description="When this inject fired.")
    alert: Id | None = Field(default=None, description="When this metric first alerted at `level`.")
    level: Literal["warn", "critical"] = Field(default="warn", description="With `alert`: the level reached.")
    fault: Id | None = Field(default=None, description="When this fault (first) started.")
    action: ActionName | None = Field(default=None, description="When this action first finished.")

    def __post_init__(self) -> None:
        """Exactly one moment."""
        if sum(v is not None for v in (self.inject, self.alert, self.fault, self.action)) != 1:
            raise ValueError("'from' needs exactly one of 'inject', 'alert', 'fault', 'action'")


class Expectation(Strict):
    """A scenario rule added to the playbook's rubric. Exactly one of the rule keys."""

    id: Id
    description: str
    category: Literal[
        "detection", "classification", "roles", "communication", "escalation", "mitigation", "closure"
    ] = "mitigation"
    points: Annotated[int, Field(ge=1, le=50)] = 10
    done: Id | None = Field(default=None, description="This action must be taken.")
    any_of: list[ActionName] | None = Field(
        default=None, min_length=2, description="One of these actions must be taken (alternatives)."
    )
    within: Duration | None = Field(
        default=None, description="With `done` or `any_of`: by this sim time, or this long after `from`."
    )
    from_: Since | None = Field(default=None, alias="from", description="With `within`: the moment it counts from.")
    never: Id | None = Field(default=None, description="This action must not be taken.")
    order: Ordering | None = Field(default=None, description="`first` must finish before `then` starts.")
    severity_at_least: Id | None = Field(
        default=None, description="Every severity declared after detection is this level or a more severe one."
    )
    with_: dict[Id, str] = Field(
        default_factory=dict,
        alias="with",
        description="With `done` or `never`: only the action taken with these parameters counts, "
        "e.g. `{done: page, with: {contact: finance}}`.",
    )
    cites: Id | None = Field(
        default=None,
        description="The playbook procedure it applies (one of the playbook's `procedures`); "
        "without it, the rule is the scenario's own.",
    )

    def __post_init__(self) -> None:
        """Exactly one rule, with only the keys that go with it."""
        rules = (self.done, self.any_of, self.never, self.order, self.severity_at_least)
        if sum(v is not None for v in rules) != 1:
            raise ValueError(
                "an expectation needs exactly one of 'done', 'any_of', 'never', 'order', 'severity_at_least'"
            )
        if self.within is not None and self.done is None and self.any_of is None:
            raise ValueError("'within' goes with 'done' or 'any_of'")
        if self.from_ is not None and self.within is None:
            raise ValueError("'from' goes with 'within': it says where the window starts")
        if self.with_ and self.done is None and self.never is None:
            raise ValueError("'with' goes with 'done' or 'never' (give each of 'any_of' its own 'with')")


class Scenario(Strict):
    id: Id
    title: str
    summary: Text
    playbook: Id
    difficulty: Difficulty
    duration: DrillDuration = Field(
        description="The drill ends when this much sim time has passed: at most 168h (7 days)."
    )
    seed: int = Field(
        default=0, ge=0, le=SEED_MAX, description="Seeds everything random: a whole number from 0 to 2^63-1."
    )
    tags: list[Id] = Field(default_factory=list)
    briefing: Text
    truth: Truth
    metrics: list[Metric] = Field(min_length=1)
    faults: list[Fault] = Field(min_length=1)
    injects: list[Inject] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    clues: list[Clue] = Field(default_factory=list)
    investigations: dict[Literal["dashboards", "logs", "deploys", "dependencies"], Text] = Field(
        default_factory=dict, description="What each investigation shows when it finds no clue."
    )
    expectations: list[Expectation] = Field(default_factory=list)
    checklists: Checklists = Field(
        default_factory=Checklists, description="What each kind of message must say, beside the playbook's."
    )
    debrief_questions: list[str] = Field(default_factory=list)
