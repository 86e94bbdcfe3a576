"""The playbook's triggers in a running drill (sim.format.playbook_rules.Trigger).

Automatic triggers are the playbook's own tooling ("no acknowledgement within the response SLA: escalate"):
they follow the true impact, like the rest of the world, and bring people in with an `escalation` event.
A trigger that asks something of the trainee shows a `trigger.<id>` clock once a metric condition holds
(the moment is journaled, so the scorer reads it back), met when the trainee has done what it asks. A
condition on the scenario's truth (a security incident, a customer-facing one) shows nothing: recognising
it is the trainee's part, and the scorer judges it. When each condition holds is `sim.journal.rules`'.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import TYPE_CHECKING

from simpy.events import ProcessGenerator

from sim.engine.metrics import Watch
from sim.format.durations import format_duration
from sim.format.playbook_rules import Trigger
from sim.journal import rules
from sim.journal.facts import Facts

if TYPE_CHECKING:
    from sim.engine.timers import TimerBoard


class TriggerBook:
    """Every trigger of the playbook: watches for metric conditions, and the checks that fire the rest."""

    def __init__(self, board: TimerBoard) -> None:
        self.board = board
        self.drill = board.drill
        self.playbook = board.playbook
        self.fired: set[str] = set()  # automatic triggers that have escalated, and trainee ones on the clock
        self.pending: dict[str, float] = {}  # trigger id -> when its metric held, before detection
        self.held: dict[str, float] = {}  # trainee trigger id -> when its clock started
        for trigger in self.playbook.escalation.triggers:
            for cond in trigger.when:
                rule = cond.metric
                metric = self.drill.metrics.get(rule.metric) if rule is not None else None
                if rule is None or metric is None:
                    continue  # a scenario without the metric never meets the condition
                above = rule.below is None
                if rule.above_baseline is not None:
                    limit = metric.baseline * rule.above_baseline
                else:
                    limit = rule.above if rule.above is not None else rule.below or 0.0
                metric.watches.append(Watch(above, float(limit), rule.for_, partial(self._metric_held, trigger)))

    # -- what the board tells the book ----------------------------------------------------------------

    def on_detected(self) -> None:
        """Clocks start at detection: a metric that held before it starts its trigger now. Automatic triggers
        are checked now, and again each time one of their conditions could come to hold."""
        for tid, _ in sorted(self.pending.items(), key=lambda kv: kv[1]):
            trigger = self.playbook.trigger(tid)
            if trigger is not None and trigger.automatic:
                self._escalate(trigger)
            elif trigger is not None:
                self._start_clock(trigger)
        self.pending.clear()
        self.check()
        detected = self.drill.detected_at or self.drill.now
        truth = self.board._truth()
        waits: set[float] = set()
        for trigger in self.playbook.escalation.triggers:
            if not trigger.automatic:
                continue
            for cond in trigger.when:
                for after in (cond.open_for, cond.unmitigated_for):
                    if after is not None:
                        waits.add(detected + after)
                target = getattr(truth.targets, cond.overdue) if truth is not None and cond.overdue else None
                if target is not None:
                    waits.add(detected + target)
        for at in sorted(waits):
            self.drill.env.process(self._check_at(at))

    def on_changed(self) -> None:
        """After a trainee's action (a resolve, a declaration, a page, a message): automatic triggers that
        count failed resolves or a raised severity, and trainee clocks that are now met."""
        self.check()
        if not self.held:
            return  # no clock running: no snapshot of the facts to take
        facts = self._facts()
        for tid, held in self.held.items():
            trigger = self.playbook.trigger(tid)
            if trigger is not None and rules.done(trigger, facts, self.playbook, held).at is not None:
                self.board.meet(rules.timer_id(trigger))

    # -- automatic triggers: the world escalates ------------------------------------------------------

    def _check_at(self, at: float) -> ProcessGenerator:
        wait = at - self.drill.env.now
        if wait > 0:
            yield self.drill.env.timeout(wait)
        self.check()

    def check(self) -> None:
        """Fire every automatic trigger whose condition holds now, once, while the incident is open."""
        if self.drill.detected_at is None or self.board._closed():
            return
        scenario, playbook = self.drill.scenario, self.playbook
        fresh = [t for t in playbook.escalation.triggers if t.automatic and t.id not in self.fired]
        if not fresh:
            return  # the facts are snapshotted only when a trigger is left to fire: most checks find none
        facts = self._facts()
        for trigger in fresh:
            if rules.held_at(trigger, facts, scenario, playbook) is not None:
                self._escalate(trigger)

    def _escalate(self, trigger: Trigger) -> None:
        self.fired.add(trigger.id)
        board = self.board
        contacts = list(trigger.notify)
        if trigger.next_level:
            involved = board.brought_in | self.drill.actions.paged | board.pager_reached()
            up = rules.next_level(self.playbook, involved)
            if up is not None:
                contacts.append(up)
        for contact in contacts:
            board._bring_in(rules.timer_id(trigger), contact, trigger.text)

    # -- metric conditions --------------------------------------------------------------------------

    def _metric_held(self, trigger: Trigger) -> None:
        if trigger.id in self.fired or self.board._closed():
            return
        if self.drill.detected_at is None:
            self.pending.setdefault(trigger.id, self.drill.now)  # its clock starts with the others
        elif trigger.automatic:
            self._escalate(trigger)
        else:
            self._start_clock(trigger)

    def _start_clock(self, trigger: Trigger) -> None:
        """A trainee trigger's clock: from now until its deadline (the drill's end when it has none)."""
        if trigger.id in self.fired:
            return
        self.fired.add(trigger.id)
        self.held[trigger.id] = self.drill.now
        self._clock(trigger)

    def _clock(self, trigger: Trigger) -> None:
        held, facts = self.held[trigger.id], self._facts()
        due = rules.due_at(trigger, held, self.board._level)
        deadline = due if due is not None else self.drill.duration
        label = _asked(trigger, rules.asked_contacts(trigger, facts, self.playbook, held), self.board)
        if due is None:
            label += " (before resolving)"
        self.board.start(rules.timer_id(trigger), label, "trigger", deadline)
        if rules.done(trigger, facts, self.playbook, held).at is not None:
            self.board.meet(rules.timer_id(trigger))

    def rebase(self) -> None:
        """A declaration changes the response target an `at_once` clock runs to, as it does the SLA clocks."""
        for tid in self.held:
            trigger = self.playbook.trigger(tid)
            timer = self.board.timers.get(rules.timer_id(trigger)) if trigger is not None else None
            if trigger is None or not trigger.at_once or timer is None or timer.state not in ("running", "overdue"):
                continue
            due = rules.due_at(trigger, self.held[tid], self.board._level)
            if due is not None and due != timer.deadline:
                self._clock(trigger)

    def _facts(self) -> Facts:
        """The facts so far, as of now (a live tracker's last event may be earlier than now)."""
        return dataclasses.replace(self.drill.facts.facts(), end=self.drill.now)


def _asked(trigger: Trigger, contacts: tuple[str, ...], board: TimerBoard) -> str:
    """What a trigger's clock asks for, in a few words: `Page Finance team`, `Declare SEV-1`."""
    parts = []
    if contacts:
        parts.append("Page " + ", ".join(board._title(c) for c in contacts))
    if trigger.declare:
        parts.append(f"Declare {trigger.declare}")
    if trigger.send:
        parts.append(", ".join(a.replace("_", " ") for a in trigger.send).capitalize())
    words = "; ".join(parts)
    if trigger.within is not None:
        words += f" within {format_duration(trigger.within)}"
    return words
