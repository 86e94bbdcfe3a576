"""The four response KPIs (MTTA, MTTI, MTTM, MTTR), each measured from detection beside its playbook target."""

from __future__ import annotations

from dataclasses import dataclass

from sim.format.playbook import Severity
from sim.journal.facts import Facts


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str  # mtta, mtti, mttm, mttr
    name: str  # "MTTA"
    label: str  # "Time to acknowledge"
    at: float | None  # sim time it happened; None if it never did
    value: float | None  # seconds from detection
    target: float | None  # the playbook's target for the true severity, None if it sets none
    target_name: str  # which playbook target it is compared with

    @property
    def met(self) -> bool | None:
        """True/False against the target; None when there is no target. Never reached counts as missed."""
        if self.target is None:
            return None
        return self.value is not None and self.value <= self.target


def kpis(facts: Facts, severity: Severity) -> tuple[Kpi, ...]:
    """Each KPI is compared with its own playbook target only; with none it has no target (never a borrowed one)."""
    targets = severity.targets

    def kpi(kid: str, label: str, at: float | None, target: float | None, target_name: str) -> Kpi:
        value = None if at is None else max(0.0, at - facts.detection)
        return Kpi(kid, kid.upper(), label, at, value, target, target_name)

    return (
        kpi("mtta", "Time to acknowledge", _t(facts.acknowledged), targets.acknowledge, "acknowledge"),
        kpi("mtti", "Time to identify the root cause", _t(facts.root_cause), targets.identify, "identify"),
        kpi("mttm", "Time to mitigate", facts.mitigated, targets.mitigation, "mitigation"),
        kpi("mttr", "Time to resolve", _t(facts.closed), targets.resolution, "resolution"),
    )


def _t(event: object) -> float | None:
    return getattr(event, "t", None)
