"""Escalating timers, all driven by the playbook: SLA deadlines per declared severity, update cadences with
stakeholder pushes, the pager chain, the elapsed-time matrix and the "no progress" escalation.

Every clock runs from the moment its condition holds. SLA deadlines, cadences, the matrix and the
no-progress escalation start at detection (sim.journal.facts: the first critical alert, page or customer
report); until a severity is declared they follow the playbook's most severe level, labelled so ("SEV-1
until declared": when unsure, treat it as the higher one), and they re-base when one is declared or changed.
A timer never interrupts its process: it checks its own state after each wait, so meeting or cancelling it
at any instant is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import simpy
from simpy.events import ProcessGenerator

from sim.engine.state import TimerState, TimerView
from sim.engine.triggers import TriggerBook
from sim.format.durations import format_duration
from sim.format.vocabulary import TimerCategory
from sim.journal.events import Escalation, PagerEscalated, TimerCancelled, TimerExpired, TimerMet, TimerStarted

if TYPE_CHECKING:
    from sim.engine.drill import Drill
    from sim.format.playbook import Severity

Category = TimerCategory
WARNING_SHARE = 0.2  # a running timer shows as `warning` in the last 20% of its span
LIVE = ("running", "overdue")

# Timer id, label, and where the target lives on the playbook's Severity.
SLAS: tuple[tuple[str, str, str, str], ...] = (
    ("sla.acknowledge", "Acknowledge", "targets", "acknowledge"),
    ("sla.response", "First response", "targets", "response"),
    ("sla.identify", "Identify the root cause", "targets", "identify"),
    ("sla.status_page", "Status page", "communication", "status_page_within"),
    ("sla.customers", "Notify customers", "communication", "customers_within"),
    ("sla.executives", "Brief executives", "communication", "executives_within"),
    ("sla.support", "Brief support", "communication", "support_within"),
    ("sla.mitigation", "Mitigate", "targets", "mitigation"),
    ("sla.resolution", "Resolve", "targets", "resolution"),
)
# `sla.acknowledge` and `sla.response` are met by the facts (sim.journal.facts), as the scorer reads them.
MET_BY: dict[str, tuple[str, ...]] = {
    "status_page": ("sla.status_page",),
    "notify_customers": ("sla.customers",),
    "brief_executives": ("sla.executives",),
    "brief_support": ("sla.support",),
}


@dataclass
class Timer:
    id: str
    label: str
    category: Category
    started: float
    deadline: float
    state: Literal["running", "overdue", "met", "cancelled"] = "running"

    def view(self, now: float) -> TimerView:
        state: TimerState = self.state
        if state == "running" and now >= self.deadline - WARNING_SHARE * (self.deadline - self.started):
            state = "warning"
        return TimerView(self.id, self.label, self.category, self.started, self.deadline, state)


OnExpire = Callable[[Timer], ProcessGenerator | None]


class TimerBoard:
    """Every timer of the drill, and the playbook rules that start, meet, re-base and expire them."""

    def __init__(self, drill: Drill) -> None:
        self.drill = drill
        self.env = drill.env
        self.playbook = drill.playbook
        self.timers: dict[str, Timer] = {}  # the latest timer per id, in start order
        self.satisfied: dict[str, float] = {}  # SLA id -> when its condition was first met
        self.last_update: dict[str, float] = {}  # `internal` / `status_page` -> last update time
        self.severity: str | None = None  # the declared severity
        self._level: Severity | None = None  # the rules the clocks follow: declared, or the most severe
        self.pager_started = False
        self.brought_in: set[str] = set()  # contacts the elapsed-time matrix has brought in: each comes once
        self.pushed: set[tuple[str, float]] = set()  # (stakeholder, since which update) already pushing
        self._updated: simpy.Event | None = None  # succeeds at the next internal update
        self.pager_level = 0  # the chain level the page has reached, counted from 1 (0: not paged)
        self.triggers = TriggerBook(self)  # the playbook's triggers (sim.engine.triggers)

    # -- the generic machinery --------------------------------------------------------------------

    def start(
        self,
        tid: str,
        label: str,
        category: Category,
        deadline: float,
        on_expire: OnExpire | None = None,
        body: Callable[[Timer], ProcessGenerator] | None = None,
    ) -> Timer:
        self.cancel(tid)
        self.timers.pop(tid, None)
        t = Timer(tid, label, category, self.env.now, deadline)
        self.timers[tid] = t
        self.drill.emit(TimerStarted(t=self.drill.now, timer=tid, label=label, deadline=deadline, category=category))
        self.env.process(body(t) if body else self._run(t, on_expire))
        return t

    def _run(self, t: Timer, on_expire: OnExpire | None) -> ProcessGenerator:
        yield self.env.timeout(max(0.0, t.deadline - self.env.now))
        if t.state != "running":
            return
        self._expire(t)
        follow = on_expire(t) if on_expire else None
        if follow is not None:
            yield from follow

    def _expire(self, t: Timer) -> None:
        t.state = "overdue"
        self.drill.emit(TimerExpired(t=self.drill.now, timer=t.id, label=t.label, deadline=t.deadline))
        self.drill.injects.timer_expired(t.id)

    def meet(self, tid: str, met_at: float | None = None) -> None:
        t = self.timers.get(tid)
        if t is None or t.state not in LIVE:
            return
        late = t.state == "overdue"
        t.state = "met"
        self.drill.emit(
            TimerMet(t=self.drill.now, timer=tid, label=t.label, deadline=t.deadline, late=late, met_at=met_at)
        )

    def cancel(self, tid: str) -> None:
        t = self.timers.get(tid)
        if t is not None and t.state in LIVE:
            t.state = "cancelled"
            self.drill.emit(TimerCancelled(t=self.drill.now, timer=tid, label=t.label))

    def views(self, now: float) -> tuple[TimerView, ...]:
        return tuple(t.view(now) for t in self.timers.values() if t.state != "cancelled")

    def _escalate(self, tid: str, contact_id: str, reason: str) -> None:
        drill = self.drill
        title = next((c.title for c in self.playbook.contacts if c.id == contact_id), contact_id)
        person = drill.cast.person(contact_id)
        drill.emit(
            Escalation(
                t=drill.now,
                timer=tid,
                contact=contact_id,
                title=title,
                reason=reason,
                name=person.name if person else contact_id,
            )
        )

    # -- what the drill tells the board -----------------------------------------------------------

    def on_action_finished(self, action_id: str) -> None:
        facts = self.drill.facts
        if facts.acknowledged is not None:
            self.satisfy("sla.acknowledge", facts.acknowledged.t)
        if facts.response is not None:
            self.satisfy("sla.response", facts.response.t)
        for tid in MET_BY.get(action_id, ()):
            self.satisfy(tid)
        if action_id == "resolve" and self.drill.resolved_at is not None:
            self.satisfy("sla.resolution")  # a premature resolve meets nothing
        resolved = self.drill.resolved_at is not None
        if action_id == "post_update":
            self.last_update["internal"] = self.env.now
            waiter, self._updated = self._updated, None
            if waiter is not None and not waiter.triggered:
                waiter.succeed()
            self.meet("cadence.internal_update")
            if not resolved:
                self._arm_cadence()
        elif action_id == "status_page":
            self.last_update["status_page"] = self.env.now
            self.meet("cadence.status_page")
            if not resolved:
                self._arm_cadence()
        self.triggers.on_changed()

    def satisfy(self, tid: str, at: float | None = None) -> None:
        if tid not in self.satisfied:
            self.satisfied[tid] = self.env.now if at is None else at
        self.meet(tid)

    def on_detected(self) -> None:
        """Detection starts the clocks at the most severe level until someone declares one, and the pager."""
        if self.severity is None:
            self._arm(self.playbook.severities[0].id, provisional=True)
        self.on_page()
        self.env.process(self._world_matrix())
        self.env.process(self._world_updates())
        self.triggers.on_detected()

    def on_declared(self, sev_id: str) -> None:
        """Start (or re-base) the SLA, cadence, matrix and no-progress timers for the new severity."""
        self.severity = sev_id
        self._arm(sev_id, provisional=False)

    def _arm(self, sev_id: str, *, provisional: bool) -> None:
        sev = self._level = self.playbook.severity(sev_id)
        tag = f"{sev_id} until declared" if provisional else sev_id
        base = self._base()
        for tid, label, section, name in SLAS:
            target = getattr(getattr(sev, section), name)
            current = self.timers.get(tid)
            if target is None:
                self.cancel(tid)
                continue
            deadline = base + target
            if tid in self.satisfied:
                if current is None:
                    self._already_met(tid, f"{label} ({tag})", deadline, self.satisfied[tid])
                continue
            if current is not None and current.state in LIVE and current.deadline == deadline:
                current.label = f"{label} ({tag})"
                continue
            self.start(tid, f"{label} ({tag})", "sla", deadline)
        if self.drill.resolved_at is None:
            self._arm_cadence()
            self._arm_matrix(sev_id, tag)
            self._arm_progress()
            self.triggers.rebase()

    def on_page(self) -> None:
        """The first page starts the pager chain, unless someone has already acknowledged."""
        chain = self.playbook.escalation.chain
        if self.pager_started or not chain or self.drill.acknowledged_at is not None:
            return
        self.pager_started = True
        self.pager_level = 1
        first = chain[0]
        self.start("pager", f"Page unanswered: {first.name}", "pager", self.env.now + first.timeout, body=self._pager)

    def pager_reached(self) -> set[str]:
        """The contacts the page has reached so far, level by level."""
        return {lvl.contact for lvl in self.playbook.escalation.chain[: self.pager_level]}

    def on_acknowledged(self) -> None:
        self.meet("pager")
        self._arm_progress()

    def _no_progress_after(self) -> float | None:
        """The level's own no_progress_after where the playbook sets it per severity, else the playbook's."""
        sev = self._level
        if sev is not None and sev.no_progress_after is not None:
            return sev.no_progress_after
        return self.playbook.escalation.no_progress_after

    def _arm_progress(self) -> None:
        """No progress: the root cause not identified this long after acknowledging (or after detection,
        while nobody has acknowledged), as the scorer measures it."""
        after = self._no_progress_after()
        if self.drill.root_cause_at is not None or self.drill.detected_at is None:
            return
        if not after:
            self.cancel("progress")
            return
        ack = self.drill.facts.acknowledged
        deadline = (ack.t if ack is not None else self._base()) + after
        current = self.timers.get("progress")
        if current is not None and (current.state in ("met", "overdue") or current.deadline == deadline):
            return  # it has already fired (or been met), or it is running to this very deadline
        self.start("progress", "Root cause not identified", "progress", deadline, self._no_progress)

    def on_root_cause(self) -> None:
        self.meet("progress")
        self.satisfy("sla.identify", self.drill.root_cause_at)

    def on_mitigated(self) -> None:
        self.satisfy("sla.mitigation")

    def on_resolved(self) -> None:
        """Resolving stops the pressure to escalate; notification deadlines keep running (final comms)."""
        for t in list(self.timers.values()):
            if t.category in ("cadence", "matrix", "pager", "progress"):
                self.cancel(t.id)

    # -- the rules --------------------------------------------------------------------------------

    def _base(self) -> float:
        detected = self.drill.detected_at
        return detected if detected is not None else self.env.now

    def _already_met(self, tid: str, label: str, deadline: float, met_at: float) -> None:
        """A target already satisfied when the severity was declared shows as met, without a process."""
        self.timers[tid] = Timer(tid, label, "sla", self.env.now, deadline, "met")
        now = self.drill.now
        self.drill.emit(TimerStarted(t=now, timer=tid, label=label, deadline=deadline, category="sla"))
        self.drill.emit(
            TimerMet(t=now, timer=tid, label=label, deadline=deadline, late=met_at > deadline, met_at=met_at)
        )

    def _severity(self) -> Severity | None:
        """The declared severity's rules (kept from `on_declared`: every cadence check reads them)."""
        return self._level

    def _keep_or_start(self, tid: str, label: str, deadline: float, on_expire: OnExpire | None = None) -> None:
        current = self.timers.get(tid)
        if current is not None and current.state in LIVE and current.deadline == deadline:
            return
        self.start(tid, label, "cadence", deadline, on_expire)

    def _arm_cadence(self) -> None:
        sev = self._severity()
        if sev is None:
            return
        comm = sev.communication
        base = self._base()
        if comm.internal_update_every is None:
            self.cancel("cadence.internal_update")
        else:
            deadline = self.last_update.get("internal", base) + comm.internal_update_every
            self._keep_or_start("cadence.internal_update", "Internal update due", deadline, self._stakeholders)
        last = self.last_update.get("status_page")
        if comm.status_page_every is None:
            self.cancel("cadence.status_page")
        elif last is not None or comm.status_page_within is None:
            # Until the first status page update, `sla.status_page` is the deadline that matters.
            deadline = (last if last is not None else base) + comm.status_page_every
            self._keep_or_start("cadence.status_page", "Status page update due", deadline)

    def _stakeholders(self, t: Timer) -> ProcessGenerator:
        for step in self.playbook.escalation.stakeholders:
            wait = t.deadline + step.overdue - self.env.now
            if wait > 0:
                yield self.env.timeout(wait)
            if t.state != "overdue":
                return
            self._push(t.id, step.contact, f"internal update overdue by {format_duration(step.overdue)}")

    def _push(self, tid: str, contact: str, reason: str) -> None:
        """A stakeholder pushes once per missed update, whichever clock (declared or true) noticed first."""
        key = (contact, self.last_update.get("internal", -1.0))
        if key not in self.pushed:
            self.pushed.add(key)
            self._escalate(tid, contact, reason)

    # -- the world: it reacts to the real impact (the scenario's true severity), whatever was declared --

    def _closed(self) -> bool:
        return self.drill.finished or self.drill.resolved_at is not None

    def _truth(self) -> Severity | None:
        sev_id = self.drill.scenario.truth.severity
        return next((s for s in self.playbook.severities if s.id == sev_id), None)

    def _world_matrix(self) -> ProcessGenerator:
        """The true severity's elapsed-time matrix: under-declaring does not keep the executives away."""
        truth = self._truth()
        if truth is None:
            return
        base = self._base()
        for step in self.playbook.escalation.matrix.get(truth.id, []):
            wait = base + step.after - self.env.now
            if wait > 0:
                yield self.env.timeout(wait)
            if self._closed():
                return
            for contact in step.notify:
                self._bring_in(
                    "world.matrix", contact, f"the incident is still open after {format_duration(step.after)}"
                )

    def _bring_in(self, tid: str, contact: str, reason: str) -> None:
        if contact not in self.brought_in:
            self.brought_in.add(contact)
            self._escalate(tid, contact, reason)

    def _world_updates(self) -> ProcessGenerator:
        """Stakeholders expect updates at the true severity's cadence and push when they do not get them."""
        truth = self._truth()
        steps = self.playbook.escalation.stakeholders
        every = truth.communication.internal_update_every if truth is not None else None
        if every is None or not steps:
            return
        while not self._closed():
            since = self.last_update.get("internal", self._base())
            for step in steps:
                wait = since + every + step.overdue - self.env.now
                if wait > 0:
                    self._updated = self._updated or self.env.event()
                    yield self.env.timeout(wait) | self._updated
                if self._closed():
                    return
                if self.last_update.get("internal", self._base()) != since:
                    break  # an update came: count again from it
                self._push("cadence.internal_update", step.contact, f"no internal update in {format_duration(every)}")
            else:
                self._updated = self._updated or self.env.event()
                yield self._updated

    def _arm_matrix(self, sev_id: str, tag: str) -> None:
        prefix = f"matrix.{sev_id}."
        for t in list(self.timers.values()):
            if t.category == "matrix" and not t.id.startswith(prefix):
                self.cancel(t.id)
        base = self._base()
        for n, step in enumerate(self.playbook.escalation.matrix.get(sev_id, []), 1):
            tid = f"{prefix}{n}"
            current = self.timers.get(tid)
            if current is not None and current.state != "cancelled":
                continue  # already running, or it has already brought its people in

            def fire(t: Timer, notify: list[str] = step.notify, after: float = step.after) -> None:
                for contact in notify:
                    self._bring_in(t.id, contact, f"{sev_id} still open after {format_duration(after)}")

            who = ", ".join(self._title(c) for c in step.notify)
            label = f"{sev_id} open {format_duration(step.after)}: {who}"
            if tag != sev_id:
                label += " (until declared)"
            self.start(tid, label, "matrix", base + step.after, fire)

    def _title(self, contact_id: str) -> str:
        return next((c.title for c in self.playbook.contacts if c.id == contact_id), contact_id)

    def _pager(self, t: Timer) -> ProcessGenerator:
        chain = self.playbook.escalation.chain
        for i in range(len(chain)):
            yield self.env.timeout(max(0.0, t.deadline - self.env.now))
            if t.state != "running":
                return
            if i + 1 == len(chain):
                self._expire(t)
                return
            nxt = chain[i + 1]
            self.pager_level = i + 2
            person = self.drill.cast.person(nxt.contact)
            self.drill.emit(
                PagerEscalated(
                    t=self.drill.now,
                    level=i + 2,
                    name=nxt.name,
                    contact=nxt.contact,
                    person=person.name if person else nxt.contact,
                )
            )
            t.started, t.deadline, t.label = self.env.now, self.env.now + nxt.timeout, f"Page unanswered: {nxt.name}"

    def _no_progress(self, t: Timer) -> None:
        esc = self.playbook.escalation
        if esc.no_progress_contact:
            after = format_duration(self._no_progress_after() or 0.0)
            self._escalate(t.id, esc.no_progress_contact, f"root cause not identified {after} after acknowledging")
