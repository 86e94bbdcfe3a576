"""Metric models: baseline + seeded noise + fault shapes, sampled by one recurring SimPy event each, with
threshold alerts (with hysteresis) and the full series in compact arrays (its tail is the recent history
the sparklines show; samples never become events).

A `cumulative` metric (money burned, users affected) models a *rate per hour*: its baseline, noise and
effects move the rate, and its value is the running total, rate × hours elapsed.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from statistics import NormalDist
from typing import TYPE_CHECKING, NamedTuple

from simpy import Environment, Event
from simpy.events import NORMAL, URGENT

from sim.engine.faults import Contribution, contribution
from sim.format.scenario import Effect, Metric

if TYPE_CHECKING:
    from sim.engine.drill import Drill

# Standard normal quantiles at the midpoints of 4096 equal slices: a sample's noise is `noise` times one of
# them, picked by 12 random bits (one draw per sample, against Box-Muller's logarithm, root and cosine).
# The tails stop at ±3.6 sd, which a dashboard never misses.
_NOISE_BITS = 12
_NORMAL = tuple(NormalDist().inv_cdf((i + 0.5) / (1 << _NOISE_BITS)) for i in range(1 << _NOISE_BITS))
HISTORY = 120  # samples kept for sparklines: 20 minutes at the default 10 s sampling
LEVELS = ("ok", "warn", "critical")
# Clearing an alert needs the value back inside by this share of the warn-critical gap (or NOISE_BAND noise
# sds, whichever is larger), so a value hovering at a threshold does not flap between levels.
HYSTERESIS = 0.1
NOISE_BAND = 2.0
# ...and it needs that in every sample for this many seconds (at least two samples): one sample in a noisy
# tail is not a recovery.
CLEAR_AFTER = 20.0
# The line of a metric nothing pulls on (`_regroup`), one object so a sample tells it by identity.
_FLAT: tuple[float, float, list[Contribution], float] = (0.0, 0.0, [], math.inf)


class Watch:
    """A metric condition an inject waits on: above/below a value, continuously for `hold` seconds."""

    __slots__ = ("above", "fire", "hold", "limit", "since")

    def __init__(self, above: bool, limit: float, hold: float, fire: Callable[[], None]) -> None:
        self.above = above
        self.limit = limit
        self.hold = hold
        self.fire = fire
        self.since: float | None = None


class _Tick(Event):
    """A sampler's clock: one event, scheduled again each time it fires, so a sample costs SimPy one heap
    entry and no new object, where a `Timeout` per sample was much of a drill's work.

    It is first scheduled as SimPy schedules a new process's start (urgent, in creation order), and then
    `every` seconds after each firing at normal priority, as `yield env.timeout(every)` would be: the queue
    sees the same (time, priority, id) entries either way, so events keep their order."""

    def __init__(self, env: Environment, callback: Callable[[Event], None]) -> None:
        super().__init__(env)
        self._ok = True
        self._value = None
        self._fire = [callback]
        self.callbacks = self._fire
        env.schedule(self, URGENT)

    def again(self, delay: float) -> None:
        """Fire once more, `delay` seconds from now. SimPy empties an event's callbacks as it processes
        it; they are put back so the same callback runs. (The metric sampler does these two lines itself:
        a call per sample was about 3% of a drill's instructions.)"""
        self.callbacks = self._fire
        self.env.schedule(self, NORMAL, delay)


class MetricModel:
    """One metric's live model; its sampler (`start_sampling`) takes a sample at each tick."""

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
        self.band = max(HYSTERESIS * abs(spec.critical - spec.warn), NOISE_BAND * spec.noise)
        self.contributions: list[Contribution] = []
        self._total = 0.0  # a cumulative metric's running total
        self.rate = spec.baseline
        self.level = 0
        # A fall waits for this many samples in a row (see `_threshold`): CLEAR_AFTER seconds, at least two.
        self._clear_samples = 1 + max(1, math.ceil(CLEAR_AFTER / spec.sample_every - 1e-9))
        # For ok and warn: the samples in a row that were at or below that level while the level was higher.
        self._below = [0, 0]
        self.healthy = True
        # The pulls folded by `_regroup`, read once per sample: (static, slope, curved, next_change). The
        # offset is `static + slope × t` plus each curved one (fading out), until `next_change`, when one
        # of them changes shape.
        self._line: tuple[float, float, list[Contribution], float] = _FLAT
        # Samples are taken every `every` seconds from `start`, so only the values are stored; `series`
        # rebuilds the times (see `start_sampling` for why they come out as the very same floats).
        self.start = 0.0
        self.values = array("d")
        self._last_t: float | None = None  # the previous sample's time, for cumulative totals
        self.watches: list[Watch] = []
        self._warn_x = self.sign * spec.warn
        self._crit_x = self.sign * spec.critical
        self._other = _other_side(spec, self.sign, self.band)
        self._on_other = False

    def apply(self, effect: Effect, source: str, t: float) -> Contribution | None:
        """Start an effect now; `recover` fades every current pull on this metric over `over`."""
        if effect.shape == "recover":
            self.fade_where(lambda c: True, t, effect.over or 0.0)
            return None
        c = contribution(effect, self.baseline, source, t)
        if c is not None:
            self.contributions.append(c)
            self._regroup(t)
        return c

    def fade_where(self, which: Callable[[Contribution], bool], t: float, over: float) -> None:
        for c in self.contributions:
            if which(c):
                c.fade(t, over)
        self._regroup(t)

    def _regroup(self, t: float) -> None:
        """Fold the pulls into a line, `static + slope × t`, valid until the next one changes shape, and a
        list of the few that curve (fades): a metric held off its baseline by steps, ramps and drifts costs
        one multiply-add per sample, not a walk over every contribution."""
        self.contributions = [c for c in self.contributions if not c.gone(t)]
        static = slope = 0.0
        curved: list[Contribution] = []
        next_change = math.inf
        for c in self.contributions:
            if c.settled(t):
                static += c.delta
                continue
            next_change = min(next_change, c.changes_at())
            line = c.line()
            if line is None:
                curved.append(c)
            else:
                slope += line[0]
                static += line[1]
        flat = static == 0.0 and slope == 0.0 and not curved and next_change == math.inf
        self._line = _FLAT if flat else (static, slope, curved, next_change)

    def offset(self, t: float) -> float:
        if t >= self._line[3]:
            # A pull changed shape since the last sample (a ramp settled, a spike or fade ended): its old
            # line would carry on past the change, so fold the pulls again before reading them.
            self._regroup(t)
        static, slope, curved, _ = self._line
        total = static + slope * t
        for c in curved:
            total += c.at(t)
        return total

    @property
    def value(self) -> float:
        """The latest sample (a cumulative metric's running total): the series' last value, so the sampling
        loop stores each value once."""
        if self.values:
            return self.values[-1]
        return 0.0 if self.cumulative else self.baseline

    @property
    def history(self) -> tuple[float, ...]:
        """The recent samples, oldest first: the tail of the full series, which is kept anyway for the
        debrief charts (a separate ring buffer would cost every sample a second append)."""
        return tuple(self.values[-HISTORY:])

    def start_sampling(self) -> None:
        """Sample now and every `sample_every` seconds after, forever (the drill stops the clock).

        The hot path of every drill, one pass per metric per sample, so it is written for speed. The sampler
        is a callback on its own `_Tick` rather than a process: each sample is then one SimPy event with no
        generator to resume and no object to build, scheduled exactly where a process's `yield
        env.timeout(every)` puts it, so events keep their order. Settings live in the closure, the gaussian
        noise is one table lookup by 12 bits of the drill's generator, the pulls on the metric are one
        multiply-add (see `_regroup`), and levels and inject conditions are re-checked only when the value
        leaves the band in which they cannot change.
        """
        env = self.drill.env
        bits, n_bits, normal = self.drill.rng.getrandbits, _NOISE_BITS, _NORMAL
        every, baseline, noise = self.every, self.baseline, self.noise
        level_v = baseline + 0.0  # the value with no pull, as `baseline + offset` gives it (-0.0 becomes 0.0)
        bounded = self.low is not None or self.high is not None  # most metrics have no hard floor or ceiling
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        sign, cumulative = self.sign, self.cumulative
        keep = self.values.append
        # An empty calm band: the first sample checks levels and watches (the drill adds its watches after
        # this and before any sample), and sets the band.
        calm_lo, calm_hi = math.inf, -math.inf
        # SimPy fires the tick at `now + every`, computed when it was scheduled, so adding `every` here gives
        # exactly the float `env.now` would, without a property call per sample.
        t = self.start = env.now

        def sample(_: Event) -> None:
            nonlocal t, calm_lo, calm_hi
            line = self._line
            if line is _FLAT:  # nothing pulls on the metric: most samples of most metrics
                offset = 0.0
                v = level_v
            else:
                offset = self.offset(t)
                v = baseline + offset
            if noise:
                v += normal[bits(n_bits)] * noise
            if bounded:
                if v < low:
                    v = low
                if v > high:
                    v = high
            if cumulative:
                v = self._accumulate(t, v, offset)
            keep(v)
            if not calm_lo <= sign * v < calm_hi:
                calm_lo, calm_hi = self._changed(t, v)
            tick.callbacks = fire  # `tick.again(every)`, written out
            env.schedule(tick, NORMAL, every)
            t += every

        tick = _Tick(env, sample)
        fire = tick._fire

    def _calm(self) -> tuple[float, float]:
        """The values (times `sign`) for which a sample changes nothing: no alert level moves and no inject
        condition starts. Half-open, so a value on its closed edge costs a check that finds nothing."""
        lo, hi = self._bounds()
        if self._other is not None and self.level == 0:
            lo = max(lo, math.nextafter(self._other.warn_x, math.inf))  # falling that far alerts too
        quiet_lo, quiet_hi = self._quiet()
        if self.sign < 0:
            quiet_lo, quiet_hi = -quiet_hi, -quiet_lo
        return max(lo, quiet_lo), min(hi, quiet_hi)

    def _changed(self, t: float, v: float) -> tuple[float, float]:
        """A sample outside the calm band: move the level, start or fire watches; the new calm band. Either
        check finds nothing to do when only the other's band was left."""
        self._threshold(v)
        if self.watches:
            self._check_watches(t, v)
        return self._calm()

    def _bounds(self) -> tuple[float, float]:
        """The values (times `sign`) inside which the current level cannot change, so need no check; none
        while a fall is pending, as every sample then counts towards it or calls it off."""
        if self._below[0] or self._below[1]:
            return math.inf, -math.inf
        if self.level == 2:
            return self._crit_x, math.inf
        if self.level == 1:
            return self._warn_x, self._crit_x
        return -math.inf, min(self._warn_x, self._crit_x)

    def _threshold(self, v: float) -> None:
        """Move the alert level (and health) for a value outside the current level's band. A rise is announced
        at once. A fall, to the level of this sample, only once every sample for CLEAR_AFTER seconds was at or
        below that level: a noisy metric parked at a threshold does not flap, and the value announced with a
        level is always one at that level."""
        level = self._level(self.sign * v)
        below = self._below
        if level < self.level:
            for lower in range(self.level):
                below[lower] = below[lower] + 1 if level <= lower else 0
            if below[level] < self._clear_samples:
                return
        below[0] = below[1] = 0
        if level != self.level:
            previous, self.level = self.level, level
            self.drill.metric_level(self, previous, level, v)
        if not self.cumulative and self.healthy != (level == 0):
            self.healthy = level == 0
            self.drill.metric_health(self, self.healthy)

    def _accumulate(self, t: float, rate: float, offset: float) -> float:
        """Add to the running total; returns it. Money burns at the previous sample's rate until this one
        (a left Riemann sum), so a fault starting now adds nothing to the total yet."""
        if self._last_t is not None:
            self._total += self.rate * (t - self._last_t) / 3600.0
        self._last_t = t
        self.rate = rate
        # The total never comes back down, so health follows the rate: back near its baseline.
        healthy = self.sign * offset <= max(abs(self.baseline) * 0.05, self.noise)
        if healthy != self.healthy:
            self.healthy = healthy
            self.drill.metric_health(self, healthy)
        return self._total

    def _level(self, x: float) -> int:
        """The alert level for a value already multiplied by `sign` (so higher is always worse), or for a
        metric also bad on the other side of its baseline (`too_low`, `too_high`), by the side it is on."""
        other = self._other
        if other is None:
            return self._main_level(x)
        on_other = x < other.mid_x
        level = other.level(x, self.level) if on_other else self._main_level(x)
        if level:
            self._on_other = on_other  # which thresholds an alert (and its clearing) names
        return level

    def _main_level(self, x: float) -> int:
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
        """The threshold an alert at `level` crossed (or cleared), on the side of the baseline it was on."""
        other, spec = self._other, self.spec
        if other is not None and self._on_other:
            return other.critical if level == 2 else other.warn
        return spec.critical if level == 2 else spec.warn

    def _quiet(self) -> tuple[float, float]:
        """The values for which no watch can change: every condition false and none holding (the band is
        empty while a condition is holding, as every sample then counts)."""
        lo, hi = -math.inf, math.inf
        for w in self.watches:
            if w.since is not None:
                return math.inf, -math.inf  # holding: every sample counts towards `hold`
            if w.above:
                hi = min(hi, w.limit)
            else:
                lo = max(lo, w.limit)
        return lo, hi

    def _check_watches(self, t: float, v: float) -> None:
        """Start, reset or fire each watch for a sample."""
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
        """(time, value) of every sample so far; the times are added up as SimPy added them."""
        out = []
        t, every = self.start, self.every
        for v in self.values:
            out.append((t, v))
            t += every
        return out


class _OtherSide(NamedTuple):
    """A metric's thresholds on the far side of its baseline (`too_low` / `too_high`), as values times `sign`,
    where the far side is always the low one: alert levels rise as the value falls."""

    warn: float  # as the scenario writes them
    critical: float
    warn_x: float
    crit_x: float
    mid_x: float  # the baseline: values below it are judged by this side
    band: float

    def level(self, x: float, current: int) -> int:
        """The level for `x` (times `sign`), with the same hysteresis as the main side, mirrored."""
        raw = 2 if x <= self.crit_x else 1 if x <= self.warn_x else 0
        if raw >= current:
            return raw
        if current == 2 and x <= self.crit_x + self.band:
            return 2
        if x <= self.warn_x + self.band:
            return 1
        return 0


def _other_side(spec: Metric, sign: float, band: float) -> _OtherSide | None:
    side = spec.too_low if spec.too_low is not None else spec.too_high
    if side is None:
        return None
    gap = abs(side.critical - side.warn)
    return _OtherSide(side.warn, side.critical, sign * side.warn, sign * side.critical, sign * spec.baseline,
                      max(HYSTERESIS * gap, band))  # fmt: skip
