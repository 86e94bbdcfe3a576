"""The host's one clock: sim time is `speed` times the monotonic wall time since the last change (a start,
pause, resume, speed change, step or jump), added to the sim time of that change, so it never drifts."""

from __future__ import annotations

import time
from collections.abc import Callable

MIN_SPEED, MAX_SPEED = 0.1, 10_000.0


class SimClock:
    def __init__(self, speed: float = 1.0, *, now: float = 0.0, wall: Callable[[], float] = time.monotonic) -> None:
        self.wall = wall
        self.speed = clamp_speed(speed)
        self.paused = True
        self._base_sim = now
        self._base_wall = wall()

    def target(self) -> float:
        """Where sim time should be now."""
        if self.paused:
            return self._base_sim
        return self._base_sim + self.speed * (self.wall() - self._base_wall)

    def rebase(self, sim: float) -> None:
        """A change happens now, at sim time `sim`: count from here."""
        self._base_sim = sim
        self._base_wall = self.wall()

    def pause(self, sim: float) -> None:
        self.rebase(sim)
        self.paused = True

    def resume(self, sim: float) -> None:
        self.rebase(sim)
        self.paused = False

    def set_speed(self, speed: float, sim: float) -> None:
        self.rebase(sim)
        self.speed = clamp_speed(speed)


def clamp_speed(speed: float) -> float:
    return min(max(float(speed), MIN_SPEED), MAX_SPEED)
