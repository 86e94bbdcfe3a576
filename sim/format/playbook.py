"""The playbook format: severity scale with SLA targets, escalation, roles, classification, PIR."""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from sim.format.base import Id, Strict, Text
from sim.format.durations import Duration, format_duration
from sim.format.messages import Checklists
from sim.format.model import Field


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
    no_progress_after: Duration | None = Field(
        default=None,
        description="Per-severity override of escalation.no_progress_after, for seeds that set it per level.",
    )


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


class Role(Strict):
    id: Id
    name: str
    responsibilities: list[str] = Field(default_factory=list)


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

    def severity(self, sev_id: str) -> Severity:
        return next(s for s in self.severities if s.id == sev_id)

    def rank(self, sev_id: str) -> int:
        """0 is the most severe level."""
        return [s.id for s in self.severities].index(sev_id)

    def contact(self, contact_id: str) -> Contact:
        return next(c for c in self.contacts if c.id == contact_id)
