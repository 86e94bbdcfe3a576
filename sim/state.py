"""The read-only view of a drill that the UI renders: built by `Drill.state`, never mutated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["ok", "warn", "critical"]
TimerState = Literal["running", "warning", "overdue", "met", "cancelled"]


@dataclass(frozen=True, slots=True)
class MetricView:
    id: str
    label: str
    unit: str
    value: float
    level: Level
    warn: float
    critical: float
    bad_when: Literal["up", "down"]
    history: tuple[float, ...]  # recent samples, oldest first (a ring buffer's contents)


@dataclass(frozen=True, slots=True)
class TimerView:
    id: str  # e.g. `sla.resolution`, `cadence.internal_update`, `pager`, `matrix.SEV1.1`
    label: str
    category: Literal["sla", "cadence", "pager", "matrix", "progress"]
    started: float
    deadline: float
    state: TimerState

    def left(self, now: float) -> float:
        """Seconds until the deadline; negative once overdue."""
        return self.deadline - now


@dataclass(frozen=True, slots=True)
class RunningAction:
    action: str
    label: str
    started: float
    finishes_at: float
    actor: str
    role: str | None


@dataclass(frozen=True, slots=True)
class DrillState:
    now: float
    duration: float
    incident_id: str
    channel: str
    status: str  # one of sim.events.STATUSES
    severity: str | None
    roles: dict[str, str]  # role id -> who
    metrics: tuple[MetricView, ...]
    timers: tuple[TimerView, ...]
    known_faults: tuple[str, ...]  # labels of faults the trainee has uncovered
    clues: tuple[str, ...]  # texts of revealed clues, in order
    running: tuple[RunningAction, ...]
    done: frozenset[str]  # ids of actions that have finished at least once
    finished: bool
    end_reason: str | None
