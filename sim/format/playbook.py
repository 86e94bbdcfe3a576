"""The playbook format: severity scale with SLA targets, escalation, roles, classification, PIR, and the rules
in `sim.format.playbook_rules` (metrics, procedures, triggers)."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from sim.format.base import Id, Strict, Text
from sim.format.durations import Duration, format_duration
from sim.format.messages import Checklists
from sim.format.model import Constraints, Field
from sim.format.playbook_rules import FollowUp, Procedure, ProductMetric, Trigger


class Targets(Strict):
    """Time targets for one severity, each measured from detection (the first page or alert).

    Every field is optional: a playbook states only what its seed document states.
    """

    acknowledge: Duration | None = None
    response: Duration | None = None
    identify: Duration | None = Field(default=None, description="Root cause identified (e.g. an MTTI target).")
    mitigation: Duration | None = None
    resolution: Duration | None = None


class Communication(Strict):
    """Update cadence and notification deadlines for one severity (from detection)."""

    internal_update_every: Duration | None = None
    status_page_within: Duration | None = None
    status_page_every: Duration | None = None
    customers_within: Duration | None = None
    executives_within: Duration | None = None
    support_within: Duration | None = None


class Severity(Strict):
    id: Id
    label: str
    description: Text = ""
    examples: list[str] = Field(default_factory=list)
    targets: Targets = Field(default_factory=Targets)
    communication: Communication = Field(default_factory=Communication)
    page: list[Id] = Field(default_factory=list, description="Contacts paged at this severity.")
    roles_required: list[Id] = Field(default_factory=list, description="Roles to assign at this severity.")
    pir_within: Duration | None = Field(default=None, description="Post-incident review deadline after resolution.")
    pir_within_business_days: int | None = Field(
        default=None, ge=1, description="The review deadline in business days after resolution, instead of pir_within."
    )
    no_progress_after: Duration | None = Field(
        default=None,
        description="Per-severity override of escalation.no_progress_after, for seeds that set it per level.",
    )

    def __post_init__(self) -> None:
        """One review deadline, in hours or in business days."""
        if self.pir_within is not None and self.pir_within_business_days is not None:
            raise ValueError("give 'pir_within' or 'pir_within_business_days', not both")

    def pir_deadline(self) -> tuple[float, str] | None:
        """The review deadline after resolution: (the least it may be, in seconds; as the playbook says it).
        Business days are whole days, so n of them are never less than n × 24 hours."""
        if self.pir_within is not None:
            return self.pir_within, format_duration(self.pir_within)
        if self.pir_within_business_days is not None:
            n = self.pir_within_business_days
            return n * 86400.0, f"{n} business day{'s' if n != 1 else ''}"
        return None


class Contact(Strict):
    """Someone the trainee can page or notify: a person-shaped slot the cast fills with a name."""

    id: Id
    title: str
    team: str = Field(default="", description="e.g. security, database, finance, platform, executive")


class ChainLevel(Strict):
    """One step of the pager chain: who is paged, and how long before the next level is."""

    name: str
    contact: Id
    timeout: Duration


class MatrixStep(Strict):
    """Elapsed-time escalation: after this long at a severity, these contacts are brought in."""

    after: Duration
    notify: list[Id]


class StakeholderStep(Strict):
    """When an internal update is overdue by `overdue`, this contact starts pushing."""

    overdue: Duration
    contact: Id


class Escalation(Strict):
    chain: list[ChainLevel] = Field(default_factory=list)
    matrix: dict[Id, list[MatrixStep]] = Field(
        default_factory=dict, description="Per severity id: elapsed-time escalation steps."
    )
    stakeholders: list[StakeholderStep] = Field(default_factory=list)
    no_progress_after: Duration | None = Field(
        default=None, description="Escalate when the root cause is not identified this long after acknowledging."
    )
    no_progress_contact: Id | None = None
    levels: list[Id] = Field(
        default_factory=list,
        description="Escalation contacts in order, lowest first: a trigger's `next_level` is the first not involved.",
    )
    triggers: list[Trigger] = Field(
        default_factory=list, description="When a condition holds: page, declare, send, or escalate automatically."
    )

    def __post_init__(self) -> None:
        """Escalation steps never go back in time."""
        for name, times in (
            ("escalation chain timeouts", [lvl.timeout for lvl in self.chain]),
            ("stakeholder escalation", [s.overdue for s in self.stakeholders]),
            *((f"escalation matrix for {sev}", [s.after for s in steps]) for sev, steps in self.matrix.items()),
        ):
            for a, b in pairwise(times):
                if b < a:
                    raise ValueError(f"{name} must not decrease: {format_duration(b)} comes after {format_duration(a)}")


# An entry of a role's `may`: an action id, a group, `scenario`, or `*` (sim.format.roles).
Permission = Annotated[str, Constraints(pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.\-]*)$", max_length=64)]


class Role(Strict):
    id: Id
    name: str
    responsibilities: list[str] = Field(default_factory=list)
    may: list[Permission] = Field(
        default_factory=list,
        description="What this role may do in a team drill: action ids, groups (respond, communicate, investigate, "
        "mitigate, close), `scenario` (the scenario's own actions) or `*`. Empty: the defaults for its id "
        "(sim/format/roles.py); every role may write in the incident channel.",
    )


class ClassificationRule(Strict):
    """One question of the decision tree, asked in order: the first `yes` decides the severity."""

    question: str
    yes: Id


class Classification(Strict):
    rules: list[ClassificationRule] = Field(default_factory=list)
    otherwise: Id | None = None
    when_unsure: Literal["higher", "lower"] | None = Field(
        default=None, description="What the playbook says to do when unsure between two levels."
    )


class Templates(Strict):
    """Communication templates, verbatim from the seed, to pre-fill the comms composer."""

    internal_update: Text = ""
    status_page: Text = ""
    customers: Text = ""
    executives: Text = ""
    support: Text = ""


class Playbook(Strict):
    id: Id
    name: str
    short_name: str = Field(
        default="", description="How trainees see it named beside a rule: 'SampleMind' reads 'SampleMind playbook'."
    )
    source: str = Field(default="", description="The seed document this playbook encodes.")
    severities: list[Severity] = Field(min_length=1, description="Most severe first.")
    contacts: list[Contact] = Field(default_factory=list)
    escalation: Escalation = Field(default_factory=Escalation)
    roles: list[Role] = Field(default_factory=list)
    classification: Classification = Field(default_factory=Classification)
    monitoring_period: Duration | None = Field(
        default=None, description="How long metrics must hold healthy before a resolution counts as verified."
    )
    templates: Templates = Field(default_factory=Templates)
    checklists: Checklists = Field(default_factory=Checklists, description="What each kind of message must say.")
    metrics: list[ProductMetric] = Field(
        default_factory=list, description="The product's metrics: ids scenarios use, alert thresholds where stated."
    )
    procedures: list[Procedure] = Field(
        default_factory=list, description="Rules stated in words that scenario expectations cite (`cites`)."
    )
    follow_up: list[FollowUp] = Field(
        default_factory=list, description="Steps due after resolution, beyond the review (after any drill ends)."
    )

    @property
    def title(self) -> str:
        """The playbook as a trainee reads it beside a rule: 'SampleMind playbook'."""
        if self.short_name:
            return f"{self.short_name} playbook"
        return self.name if "playbook" in self.name.lower() else f"{self.name} playbook"

    def severity(self, sev_id: str) -> Severity:
        return next(s for s in self.severities if s.id == sev_id)

    def rank(self, sev_id: str) -> int:
        """0 is the most severe level."""
        return [s.id for s in self.severities].index(sev_id)

    def contact(self, contact_id: str) -> Contact:
        return next(c for c in self.contacts if c.id == contact_id)

    def procedure(self, procedure_id: str) -> Procedure | None:
        return next((p for p in self.procedures if p.id == procedure_id), None)

    def trigger(self, trigger_id: str) -> Trigger | None:
        return next((t for t in self.escalation.triggers if t.id == trigger_id), None)
