"""The incident's own state machine, mixed into the Drill: status, detection, severity, roles, clues,
metric health, and the verification that a resolution held."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import simpy
from simpy.events import ProcessGenerator

from sim.engine.metrics import LEVELS, MetricModel
from sim.format.vocabulary import STATUSES
from sim.journal.events import (
    Alert,
    AnyEvent,
    ClueRevealed,
    RecoveryVerified,
    RoleAssigned,
    SeverityDeclared,
    StatusChanged,
)
from sim.journal.facts import FactTracker

if TYPE_CHECKING:
    from sim.engine.cast import Cast
    from sim.engine.faults import FaultBook
    from sim.engine.injects import InjectBook
    from sim.engine.timers import TimerBoard
    from sim.format.scenario import Scenario

_RANK = {s: i for i, s in enumerate(STATUSES)}


class Incident:
    """Status moves forward only (quiet → detected → … → resolved), except that a fault starting again
    after mitigation sends a mitigated incident back to investigating."""

    env: simpy.Environment
    rng: random.Random
    scenario: Scenario
    cast: Cast
    timers: TimerBoard
    faults: FaultBook
    injects: InjectBook
    metrics: dict[str, MetricModel]
    facts: FactTracker
    monitoring_period: float

    @property
    def now(self) -> float:
        return float(self.env.now)

    def emit(self, event: AnyEvent) -> None:  # pragma: no cover - the Drill defines it
        raise NotImplementedError

    def finish(self, reason: str) -> None:  # pragma: no cover - the Drill defines it
        raise NotImplementedError

    def init_state(self) -> None:
        self.status = "quiet"
        self.severity: str | None = None
        self.roles: dict[str, str] = {}
        self.clues: list[str] = []  # revealed clue ids, in order
        self.detected_at: float | None = None
        self.acknowledged_at: float | None = None
        self.root_cause_at: float | None = None
        self.mitigated_at: float | None = None
        self.premature_at: float | None = None  # the open premature resolve, while the status says resolved
        self._verifying = 0  # which resolve the verification process belongs to; a reopening retires it
        self.verified_at: float | None = None
        self.finished = False
        self.end_reason: str | None = None
        self.unhealthy: set[str] = set()
        self.healthy_since: float | None = 0.0
        self._health_waiter: simpy.Event | None = None

    @property
    def resolved_at(self) -> float | None:
        """The resolution that held (the facts'): not premature, or made to stand by verified recovery."""
        closed = self.facts.closed
        return closed.t if closed is not None else None

    def set_status(self, status: str, *, back: bool = False, early: bool | None = None) -> None:
        if status == self.status or (not back and _RANK[status] < _RANK[self.status]):
            return
        previous, self.status = self.status, status
        self.emit(StatusChanged(t=self.now, status=status, previous=previous, early=early))

    def detect(self) -> None:
        """Called after every alert and inject: detection is the facts' (the first critical alert, page or
        customer report), so the clocks start when the scorer's do."""
        detection = self.facts.detection
        if self.detected_at is None and detection is not None:
            self.detected_at = detection.t
            self.set_status("detected")
            self.timers.on_detected()

    def acknowledge(self) -> None:
        self.set_status("acknowledged")
        ack = self.facts.acknowledged
        self.acknowledged_at = ack.t if ack is not None else self.env.now
        self.timers.on_acknowledged()

    def investigated(self) -> None:
        self.set_status("investigating")

    def declare(self, severity: str, actor: str, role: str | None) -> None:
        previous, self.severity = self.severity, severity
        self.emit(SeverityDeclared(t=self.now, severity=severity, previous=previous, actor=actor, role=role))
        self.timers.on_declared(severity)

    def assign_role(self, role: str, who: str, actor: str) -> None:
        self.roles[role] = who
        self.emit(RoleAssigned(t=self.now, role=role, who=who, actor=actor))

    def reveal(self, clue_id: str, by: str) -> None:
        clue = next((c for c in self.scenario.clues if c.id == clue_id), None)
        if clue is None:
            raise ValueError(f"action {by!r} reveals clue {clue_id!r}, which the scenario does not define")
        if clue_id in self.clues:
            return
        self.clues.append(clue_id)
        root = clue_id in self.scenario.truth.root_cause_clues
        self.emit(ClueRevealed(t=self.now, clue=clue_id, text=self.cast.fill(clue.text), root_cause=root, by=by))
        if clue.names_fault:
            self.faults.make_known(clue.names_fault)
        if root and self.root_cause_at is None:
            self.root_cause_at = self.env.now
            self.set_status("identified")
            self.timers.on_root_cause()

    def faults_changed(self) -> None:
        """Mitigation is the facts': every fault that started has ended (sim.journal.facts)."""
        active = self.facts.active_faults
        if self.detected_at is None:
            return  # nobody knows of an incident yet: a fault that came and went before is no mitigation
        if not active and self.facts.mitigated is not None and _RANK[self.status] < _RANK["mitigated"]:
            if self.mitigated_at is None:
                self.mitigated_at = self.env.now
            self.set_status("mitigated")
            self.timers.on_mitigated()
        elif not active and self.facts.mitigated is not None and self.premature_at is not None:
            if self.mitigated_at is None:
                self.mitigated_at = self.env.now
            self.timers.on_mitigated()  # fixed after a premature resolve: the target is met all the same
        elif active and self.status == "mitigated":
            self.set_status("investigating", back=True)
        elif active and self.premature_at is not None:
            self.reopen()

    def resolve(self) -> None:
        """Resolving while a fault is active or a metric unhealthy is premature: the status says resolved
        (`status.changed` with early=true) but it stops nothing (every clock keeps running), and the incident
        reopens when the alarm fires again. Only verified recovery ends the drill."""
        early = bool(self.faults.active()) or bool(self.unhealthy)
        self.set_status("resolved", early=early)
        if early:
            self.premature_at = self.env.now
        else:
            self.timers.on_resolved()
        self._verifying += 1
        self.env.process(self._verify(self._verifying))

    def reopen(self) -> None:
        """The alarm fired again (or a fault started) after a premature resolve: back to investigating."""
        if self.premature_at is None or self.status != "resolved":
            return
        self.premature_at = None
        self._verifying += 1  # the old verification stands down
        self.set_status("investigating", back=True)

    # -- metrics ----------------------------------------------------------------------------------

    def metric_level(self, metric: MetricModel, previous: int, level: int, value: float) -> None:
        self.emit(
            Alert(
                t=self.now,
                metric=metric.id,
                level=LEVELS[level] if level else "clear",
                value=round(value, 4),
                threshold=metric.threshold(level or previous),
                previous=LEVELS[previous],
            )
        )
        self.detect()
        if level > previous and LEVELS[level] == "critical":
            self.reopen()

    def metric_health(self, metric: MetricModel, healthy: bool) -> None:
        if healthy:
            self.unhealthy.discard(metric.id)
            if not self.unhealthy:
                self.healthy_since = self.env.now
                waiter, self._health_waiter = self._health_waiter, None
                if waiter is not None and not waiter.triggered:
                    waiter.succeed()
        else:
            self.unhealthy.add(metric.id)
            self.healthy_since = None

    def _poll_every(self) -> float:
        return min(m.every for m in self.metrics.values())

    def _verify(self, generation: int) -> ProcessGenerator:
        """After `resolve`: wait until every metric has held healthy for the monitoring period, with no fault
        still moving a metric. A premature resolve that recovery then verifies counts from then."""
        env = self.env
        while True:
            if generation != self._verifying:
                return  # reopened: a later resolve verifies, if any
            since = self.healthy_since
            if since is None:
                self._health_waiter = env.event()
                yield self._health_waiter
                continue
            due = since + self.monitoring_period
            if env.now >= due:
                if self.faults.lingering(env.now):
                    # Metrics can sit under their thresholds while a fault still pulls on them: resolving
                    # before it is fixed (or has faded) must not count, so look again a sample later.
                    yield env.timeout(self._poll_every())
                    continue
                self.verified_at = env.now
                self.premature_at = None
                self.emit(RecoveryVerified(t=self.now, held_for=env.now - since))  # the facts: resolved_at
                self.finish("resolved")
                return
            yield env.timeout(due - env.now)
