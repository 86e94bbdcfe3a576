"""Fault shapes as offsets from a metric's baseline, and the book of faults: started, resolved, known."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.format.scenario import Effect, Fault
from sim.journal.events import FaultResolved, FaultStarted

if TYPE_CHECKING:
    from simpy.events import ProcessGenerator

    from sim.engine.drill import Drill

STEP, RAMP, SPIKE, DRIFT = 0, 1, 2, 3
_SHAPES = {"step": STEP, "ramp": RAMP, "spike": SPIKE, "drift": DRIFT}

# When a fault is resolved its pull on the metrics fades out over this long, rather than vanishing in one
# sample: real systems take a moment to drain queues and warm caches, and a cliff would look fake.
RESOLVE_FADE = 120.0


class Contribution:
    """One shape pulling one metric away from its baseline from `t0` on; it can be faded out later."""

    __slots__ = ("delta", "fade_over", "fade_t0", "over", "shape", "source", "t0")

    def __init__(self, source: str, t0: float, shape: int, delta: float, over: float) -> None:
        self.source = source  # "fault:<id>" or "action:<id>", so resolving knows what to fade
        self.t0 = t0
        self.shape = shape
        self.delta = delta
        self.over = over
        self.fade_t0: float | None = None
        self.fade_over = 0.0

    def at(self, t: float) -> float:
        # Called for every sample of every metric a changing shape pulls on: drifts first, as they never
        # settle, and a fade checked only when there is one.
        dt = t - self.t0
        shape = self.shape
        if shape == DRIFT:
            v = self.delta * dt / self.over
        elif shape == RAMP:
            v = self.delta if dt >= self.over else self.delta * dt / self.over
        elif shape == SPIKE:
            v = 0.0 if dt >= self.over else self.delta * (1.0 - dt / self.over)
        else:
            v = self.delta
        fade_t0 = self.fade_t0
        if fade_t0 is not None:
            f = (t - fade_t0) / self.fade_over
            if f >= 1.0:
                return 0.0
            if f > 0.0:
                v *= 1.0 - f
        return v

    def line(self) -> tuple[float, float] | None:
        """(slope, intercept) of a pull that is not `settled`, until `changes_at()`: a drift, a rising ramp
        and a decaying spike are straight lines; a fade curves (None)."""
        if self.fade_t0 is not None:
            return None
        slope = self.delta / self.over
        if self.shape == SPIKE:
            return -slope, self.delta + slope * self.t0
        return slope, -slope * self.t0  # a drift, or a ramp still rising

    def changes_at(self) -> float:
        """When it next stops changing shape: a ramp settles, a spike or a fade ends (drifts never do)."""
        if self.fade_t0 is not None:
            return self.fade_t0 + self.fade_over
        if self.shape in (RAMP, SPIKE):
            return self.t0 + self.over
        return math.inf

    def settled(self, t: float) -> bool:
        """True once its pull is constant: a step, or a finished ramp, that is not fading."""
        if self.fade_t0 is not None:
            return False
        return self.shape == STEP or (self.shape == RAMP and t >= self.t0 + self.over)

    def gone(self, t: float) -> bool:
        """True once it can no longer move the metric (faded out, or a spike that has decayed)."""
        if self.fade_t0 is not None and t >= self.fade_t0 + self.fade_over:
            return True
        return self.shape == SPIKE and t >= self.t0 + self.over

    def fade(self, t0: float, over: float) -> None:
        """Fade out linearly from t0; an earlier-ending fade already under way wins."""
        if self.fade_t0 is not None and self.fade_t0 + self.fade_over <= t0 + over:
            return
        self.fade_t0, self.fade_over = t0, max(over, 1e-9)


def contribution(effect: Effect, baseline: float, source: str, t0: float) -> Contribution | None:
    """The contribution an effect adds; None for `recover`, which fades the others instead.

    `to` is measured from the metric's baseline: `to: 50` on a baseline of 5 is a move of +45.
    """
    if effect.shape == "recover":
        return None
    delta = effect.by if effect.by is not None else (effect.to or 0.0) - baseline
    return Contribution(source, t0, _SHAPES[effect.shape], delta, effect.over or 0.0)


@dataclass
class FaultState:
    spec: Fault
    started: float | None = None
    resolved: float | None = None
    prevented: bool = False  # resolved before it ever started: it never will
    known: bool = False
    by_action: bool = False  # started only by an action's `start_fault`, never on its own
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.started is not None and self.resolved is None


class FaultBook:
    """Every fault of the scenario: its process, what it does to metrics, and what the trainee knows."""

    def __init__(self, drill: Drill) -> None:
        self.drill = drill
        triggered = {e.start_fault for a in drill.scenario.actions for e in a.effects if e.start_fault}
        # A fault named by an action's `start_fault` waits for that action: it is the "make things worse" lever.
        self.faults = {f.id: FaultState(f, by_action=f.id in triggered) for f in drill.scenario.faults}

    def start_processes(self) -> None:
        env = self.drill.env
        for state in self.faults.values():
            if not state.by_action:
                env.process(self._run(state))

    def _run(self, state: FaultState) -> ProcessGenerator:
        yield self.drill.env.timeout(state.spec.start)
        if state.prevented:
            return
        actions = self.drill.actions
        taken = next((ref for ref in state.spec.unless if actions.taken(ref)), None)
        if taken is not None:
            # Prevented as a resolve before it starts is: the action that averted it is on the record.
            state.prevented = True
            spec, now = state.spec, self.drill.now
            self.drill.emit(FaultResolved(t=now, fault=spec.id, label=spec.label, by=taken.do, prevented=True))
            return
        self.start(state.spec.id)

    def get(self, fault_id: str, why: str) -> FaultState:
        try:
            return self.faults[fault_id]
        except KeyError:
            raise ValueError(f"{why} names fault {fault_id!r}, which the scenario does not define") from None

    def start(self, fault_id: str, by: str | None = None) -> None:
        drill = self.drill
        state = self.get(fault_id, f"action {by!r}" if by else "the scenario")
        if state.active:
            return
        now = drill.env.now
        state.started, state.resolved, state.prevented = now, None, False
        state.contributions = []
        for effect in state.spec.effects:
            metric = drill.metric(effect.metric, f"fault {fault_id!r}")
            c = metric.apply(effect, f"fault:{fault_id}", now)
            if c is not None:
                state.contributions.append(c)
        if not state.spec.hidden:
            state.known = True
        drill.emit(FaultStarted(t=drill.now, fault=fault_id, label=state.spec.label, by=by or None))
        drill.faults_changed()
        for ends in self._ends(state, now):
            drill.env.process(self._fade_out(state, now, ends))

    @staticmethod
    def _ends(state: FaultState, now: float) -> list[float]:
        """When a fault just started ends by itself: at `ends`, `lasts` after its start, and (for a fault made
        only of spikes) when its last spike has decayed, so the engine (verifying recovery) and the scorer
        (judging what was still active) agree that it is over. The earliest wins; none: only an action ends it."""
        spec, out = state.spec, []
        if spec.ends is not None:
            out.append(spec.ends)
        if spec.lasts is not None:
            out.append(now + spec.lasts)
        if state.contributions and all(c.shape == SPIKE for c in state.contributions):
            out.append(max(c.t0 + c.over for c in state.contributions))
        return [min(out)] if out else []

    def _fade_out(self, state: FaultState, started: float, ends: float) -> ProcessGenerator:
        yield self.drill.env.timeout(max(0.0, ends - self.drill.env.now))
        if state.active and state.started == started:
            self.resolve(state.spec.id, by=None)

    def resolve(self, fault_id: str, by: str | None) -> None:
        """End the fault: `by` the action that fixed it, or None when it ended by itself. Resolving one that
        has not started yet prevents it: it never will (journaled as `fault.resolved` with `prevented`)."""
        drill = self.drill
        state = self.get(fault_id, f"action {by!r}")
        now = drill.env.now
        if state.started is None:
            if not state.prevented:
                state.prevented = True
                drill.emit(FaultResolved(t=drill.now, fault=fault_id, label=state.spec.label, by=by, prevented=True))
            return
        if state.resolved is not None:
            return
        state.resolved = now
        source = f"fault:{fault_id}"
        touched = {e.metric for e in state.spec.effects}
        still = {e.metric for f in self.faults.values() if f.active for e in f.spec.effects}
        for metric_id in sorted(touched):
            metric = drill.metric(metric_id, f"fault {fault_id!r}")
            if metric_id in still:
                metric.fade_where(lambda c: c.source == source, now, RESOLVE_FADE)
            else:
                # Mitigations applied by actions were holding this fault back; with no fault left on the
                # metric they would push it past its baseline, so they fade out with it.
                metric.fade_where(lambda c: c.source == source or c.source.startswith("action:"), now, RESOLVE_FADE)
        drill.emit(FaultResolved(t=drill.now, fault=fault_id, label=state.spec.label, by=by))
        drill.faults_changed()

    def make_known(self, fault_id: str) -> None:
        self.get(fault_id, "a clue").known = True

    def active(self) -> list[FaultState]:
        return [f for f in self.faults.values() if f.active]

    def is_active(self, fault_id: str) -> bool:
        return self.get(fault_id, "a condition").active

    def lingering(self, t: float) -> list[FaultState]:
        """Faults still running and still moving a metric (a spike that has decayed no longer counts)."""
        return [f for f in self.faults.values() if f.active and any(not c.gone(t) for c in f.contributions)]

    def known_labels(self) -> tuple[str, ...]:
        return tuple(f.spec.label for f in self.faults.values() if f.active and f.known)

    def any_resolved(self) -> bool:
        return any(f.resolved is not None for f in self.faults.values())
