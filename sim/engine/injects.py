"""The inject scheduler: alerts, pages, chat, customer reports, logs, executive pings and vendor notices,
fired at a time, on a metric condition, after an action or when a timer expires (each at most once)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

from sim.engine.metrics import Watch
from sim.format.scenario import Inject
from sim.journal.events import Inject as InjectEvent

if TYPE_CHECKING:
    from simpy.events import ProcessGenerator

    from sim.engine.drill import Drill


class InjectBook:
    def __init__(self, drill: Drill) -> None:
        self.drill = drill
        self.injects = {i.id: i for i in drill.scenario.injects}
        self.fired: set[str] = set()
        self.after_action: dict[str, list[Inject]] = {}
        self.after_timer: dict[str, list[Inject]] = {}
        for inj in drill.scenario.injects:
            trig = inj.trigger
            if trig.after_action is not None:
                self.after_action.setdefault(trig.after_action.do, []).append(inj)
            elif trig.timer_expired is not None:
                self.after_timer.setdefault(trig.timer_expired, []).append(inj)

    def start_processes(self) -> None:
        """One scheduler process for the timed injects; metric conditions watch the metric samples."""
        drill = self.drill
        timed = [i for i in drill.scenario.injects if i.trigger.at is not None]
        if timed:
            # Equal times keep the order the scenario lists them in (sorted is stable).
            timed.sort(key=lambda i: (i.trigger.at or 0.0) + i.trigger.delay)
            drill.env.process(self._timed(timed))
        for inj in drill.scenario.injects:
            cond = inj.trigger.metric
            if cond is None:
                continue
            metric = drill.metric(cond.metric, f"inject {inj.id!r}")
            above = cond.above is not None
            limit = cond.above if above else cond.below
            metric.watches.append(Watch(above, float(limit or 0.0), cond.for_, partial(self.schedule, inj)))

    def _timed(self, timed: list[Inject]) -> ProcessGenerator:
        env = self.drill.env
        for inj in timed:
            at = (inj.trigger.at or 0.0) + inj.trigger.delay
            if at > env.now:
                yield env.timeout(at - env.now)
            self.fire(inj)

    def schedule(self, inj: Inject) -> None:
        """Fire now, or after the trigger's delay."""
        if inj.trigger.delay > 0:
            self.drill.env.process(self._later(inj))
        else:
            self.fire(inj)

    def _later(self, inj: Inject) -> ProcessGenerator:
        yield self.drill.env.timeout(inj.trigger.delay)
        self.fire(inj)

    def action_finished(self, action_id: str, params: Mapping[str, Any]) -> None:
        for inj in self.after_action.get(action_id, ()):
            ref = inj.trigger.after_action
            if ref is not None and ref.matches(action_id, params):
                self.schedule(inj)

    def timer_expired(self, timer_id: str) -> None:
        for inj in self.after_timer.get(timer_id, ()):
            self.schedule(inj)

    def fire(self, inj: Inject, forced: bool = False) -> None:
        """Emit the inject once; `unless` lets a trainee who already did the right thing skip it."""
        drill = self.drill
        if drill.finished or (inj.id in self.fired and not forced):
            return
        self.fired.add(inj.id)
        if not forced and any(drill.actions.taken(ref) for ref in inj.unless):
            return
        self.emit(inj.id, inj.kind, inj.sender, inj.text)

    def emit(self, inject_id: str, kind: str, sender: str, text: str) -> None:
        drill = self.drill
        cast = drill.cast
        person = cast.person(sender) if sender in cast.slots else None
        drill.emit(
            InjectEvent(
                t=drill.now,
                id=inject_id,
                inject_kind=kind,
                sender=cast.name(sender),
                text=cast.fill(text),
                sender_title=person.title if person else "",
            )
        )
        drill.detect()
        if kind == "page":
            drill.timers.on_page()
