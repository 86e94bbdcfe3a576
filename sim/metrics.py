"""Metric models: baseline + seeded noise + fault shapes, sampled by one SimPy process each, with
threshold alerts (with hysteresis), a recent-history ring buffer and the full series for the charts.

A `cumulative` metric (money burned, users affected) models a *rate per hour*: its baseline, noise and
effects move the rate, and its value is the running total, rate × hours elapsed.
"""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from sim.faults import Contribution, contribution
from sim.scenario import Effect, Metric

if TYPE_CHECKING:
    from sim.engine import Drill

HISTORY = 120  # samples kept for sparklines: 20 minutes at the default 10 s sampling
LEVELS = ("ok", "warn", "critical")
# Clearing an alert needs the value back inside by this share of the warn-critical gap (or one noise sd,
# whichever is larger), so a value hovering at a threshold does not flap between levels.
HYSTERESIS = 0.1


class Watch:
    """A metric condition an inject waits on: above/below a value, continuously for `hold` seconds."""

    __slots__ = ("above", "fire", "hold", "limit", "since")

    def __init__(self, above: bool, limit: float, hold: float, fire: Callable[[], None]) -> None:
        self.above = above
        self.limit = limit
        self.hold = hold
        self.fire = fire
        self.since: float | None = None


class MetricModel:
    """One metric's live model; `sample()` runs at each tick of its process."""

    def __init__(self, spec: Metric, drill: Drill) -> None:
        self.spec = spec
        self.id = spec.id
        self.drill = drill
        self.baseline = spec.baseline
        self.noise = spec.noise
        self.sign = 1.0 if spec.bad_when == "up" else -1.0
        self.cumulative = spec.kind == "cumulative"
        low = spec.minimum
        if low is None and self.cumulative:
            low = 0.0  # a rate of money or users never runs backwards
        self.low = low
        self.high = spec.maximum
        self.every = spec.sample_every
        self.band = max(HYSTERESIS * abs(spec.critical - spec.warn), spec.noise)
        self.contributions: list[Contribution] = []
        self.value = 0.0 if self.cumulative else spec.baseline
        self.rate = spec.baseline
        self.level = 0
        self.healthy = True
        self.history: deque[float] = deque(maxlen=HISTORY)
        self.times = array("d")
        self.values = array("d")
        self.watches: list[Watch] = []
        self._gauss = drill.rng.gauss
        self._warn_x = self.sign * spec.warn
        self._crit_x = self.sign * spec.critical

    def apply(self, effect: Effect, source: str, t: float) -> Contribution | None:
        """Start an effect now; `recover` fades every current pull on this metric over `over`."""
        if effect.shape == "recover":
            for c in self.contributions:
                c.fade(t, effect.over or 0.0)
            return None
        c = contribution(effect, self.baseline, source, t)
        if c is not None:
            self.contributions.append(c)
        return c

    def fade_sources(self, prefix: str, t: float, over: float) -> None:
        for c in self.contributions:
            if c.source.startswith(prefix):
                c.fade(t, over)

    def offset(self, t: float) -> float:
        total = 0.0
        prune = False
        for c in self.contributions:
            total += c.at(t)
            if c.gone(t):
                prune = True
        if prune:
            self.contributions = [c for c in self.contributions if not c.gone(t)]
        return total

    def run(self) -> Iterator[object]:
        env = self.drill.env
        timeout = env.timeout
        every = self.every
        sample = self.sample
        while True:
            sample(env.now)
            yield timeout(every)

    def sample(self, t: float) -> None:
        # The hot path of every drill (one call per metric per sample): attribute lookups are kept to a
        # minimum, and a quiet metric below its warn threshold skips the level and health checks.
        offset = self.offset(t) if self.contributions else 0.0
        v = self.baseline + offset
        if self.noise:
            v += self._gauss(0.0, self.noise)
        low = self.low
        if low is not None and v < low:
            v = low
        high = self.high
        if high is not None and v > high:
            v = high
        if self.cumulative:
            v = self._accumulate(t, v, offset)
        else:
            self.value = v
        self.history.append(v)
        self.times.append(t)
        self.values.append(v)
        x = self.sign * v
        if self.level or x >= self._warn_x:
            level = self._level(x)
            if level != self.level:
                previous, self.level = self.level, level
                self.drill.metric_level(self, previous, level, v)
            if not self.cumulative and self.healthy != (level == 0):
                self.healthy = level == 0
                self.drill.metric_health(self, self.healthy)
        if self.watches:
            self._check_watches(t, v)

    def _accumulate(self, t: float, rate: float, offset: float) -> float:
        """Add to the running total; returns it. Money burns at the previous sample's rate until this one
        (a left Riemann sum), so a fault starting now adds nothing to the total yet."""
        if self.times:
            self.value += self.rate * (t - self.times[-1]) / 3600.0
        self.rate = rate
        # The total never comes back down, so health follows the rate: back near its baseline.
        healthy = self.sign * offset <= max(abs(self.baseline) * 0.05, self.noise)
        if healthy != self.healthy:
            self.healthy = healthy
            self.drill.metric_health(self, healthy)
        return self.value

    def _level(self, x: float) -> int:
        """The alert level for a value already multiplied by `sign` (so higher is always worse)."""
        warn = self._warn_x
        crit = self._crit_x
        raw = 2 if x >= crit else 1 if x >= warn else 0
        current = self.level
        if raw >= current:
            return raw
        # Falling: keep each level until the value is clearly back under its threshold.
        if current == 2 and x >= crit - self.band:
            return 2
        if x >= warn - self.band:
            return 1
        return 0

    def threshold(self, level: int) -> float:
        return self.spec.critical if level == 2 else self.spec.warn

    def _check_watches(self, t: float, v: float) -> None:
        fired = False
        for w in self.watches:
            if (v > w.limit) if w.above else (v < w.limit):
                if w.since is None:
                    w.since = t
                if t - w.since >= w.hold:
                    w.fire()
                    w.since = -1.0  # marks it spent; removed below
                    fired = True
            else:
                w.since = None
        if fired:
            self.watches = [w for w in self.watches if w.since != -1.0]

    def series(self) -> list[tuple[float, float]]:
        return list(zip(self.times, self.values, strict=True))
