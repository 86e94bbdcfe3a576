"""The read-only view of a drill that the UI renders: built by `Drill.state`, never mutated."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal, NamedTuple

from sim.format.vocabulary import TimerCategory

Level = Literal["ok", "warn", "critical"]
TimerState = Literal["running", "warning", "overdue", "met", "cancelled"]


class MetricView(NamedTuple):
    id: str
    label: str
    unit: str
    value: float
    level: Level
    warn: float
    critical: float
    bad_when: Literal["up", "down"]
    history: tuple[float, ...]  # recent samples, oldest first (a ring buffer's contents)
    # What a chart needs to draw it on a fixed scale rather than one fitted to the recent samples.
    baseline: float = 0.0  # the healthy value (a cumulative metric's healthy rate)
    cumulative: bool = False  # the value is a running total that starts at zero
    minimum: float | None = None  # the value never goes below / above these
    maximum: float | None = None


class TimerView(NamedTuple):
    id: str  # e.g. `sla.resolution`, `cadence.internal_update`, `pager`, `matrix.SEV1.1`
    label: str
    category: TimerCategory
    started: float
    deadline: float
    state: TimerState

    def left(self, now: float) -> float:
        """Seconds until the deadline; negative once overdue."""
        return self.deadline - now


class RunningAction(NamedTuple):
    action: str
    label: str
    started: float
    finishes_at: float
    actor: str
    role: str | None


class DrillState(NamedTuple):
    now: float
    duration: float
    incident_id: str
    channel: str
    status: str  # one of sim.format.vocabulary.STATUSES
    severity: str | None
    roles: dict[str, str]  # role id -> who
    metrics: tuple[MetricView, ...]
    timers: tuple[TimerView, ...]
    known_faults: tuple[str, ...]  # labels of faults the trainee has uncovered
    clues: tuple[str, ...]  # texts of revealed clues, in order
    running: tuple[RunningAction, ...]
    done: frozenset[str]  # ids of actions that have finished at least once
    paged: frozenset[str]  # contact ids the trainee has paged
    status_page: str | None  # the state the last status page update gave, None before the first
    investigated: dict[str, Literal["running", "done"]]  # investigate target -> where that look stands
    findings: tuple[tuple[str, str], ...]  # (target, what it found), one per finished investigation, in order
    finished: bool
    end_reason: str | None
    # Why each action that cannot start now is refused, in the engine's words (parameters aside): a seat
    # asks before it opens a dialog or a confirmation, instead of after.
    refusals: Mapping[str, str] = MappingProxyType({})
    # The post-fix watch: since when every metric has been healthy (None while one is not), and how long
    # they must hold after a resolve for the recovery to count as verified.
    healthy_since: float | None = None
    monitoring_period: float = 0.0
