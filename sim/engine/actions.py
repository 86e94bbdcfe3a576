"""Actions: the standard catalogue plus the scenario's own, validated against the drill as it is now, run
as SimPy processes whose effects land when they finish, cancellable, each recording who took it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import simpy
from simpy.events import Initialize, ProcessGenerator

from sim.format.catalogue import COMMS_ACTIONS, STANDARD, ActionSpec, Param
from sim.format.durations import format_clock
from sim.format.refs import ActionRef
from sim.format.scenario import Action, ActionEffect
from sim.journal.events import ActionCancelled, ActionFinished, ActionStarted, CommsSent, PageSent, PirScheduled

if TYPE_CHECKING:
    from sim.engine.drill import Drill


class ActionRefused(Exception):
    """The action cannot be taken now; `reason` says why in one sentence. Nothing changed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Running:
    action: str
    label: str
    params: dict[str, Any]
    actor: str
    role: str | None
    started: float
    finishes_at: float
    proc: simpy.Process | None = None
    cancelled: bool = False
    finished: bool = False  # finished early, by an action of its kind starting at the instant it was due


# The standard actions' parameter names, worked out once: checking an action reads them every time.
_PARAM_NAMES = {spec.id: frozenset(p.name for p in spec.params) for spec in STANDARD}
_TAKES_ROLE = frozenset(action_id for action_id, names in _PARAM_NAMES.items() if "role" in names)


def scenario_spec(action: Action) -> ActionSpec:
    return ActionSpec(
        action.id,
        action.label,
        action.duration,
        "mitigate",
        (),
        action.description,
        action.destructive,
        scenario=True,
    )


class ActionBook:
    """What the trainee can do, what is under way, and what has been done."""

    def __init__(self, drill: Drill) -> None:
        self.drill = drill
        self.scenario_actions = {a.id: a for a in drill.scenario.actions}
        self.specs: dict[str, ActionSpec] = {a.id: a for a in STANDARD}
        for action in drill.scenario.actions:
            self.specs[action.id] = scenario_spec(action)
        self.running: dict[str, Running] = {}
        self.done: set[str] = set()
        self.held_fixes: list[tuple[str, str]] = []  # (fault, action): resolutions waiting for the full fix
        # What the drill screen shows beside the actions: who was paged, the status page's state, and where
        # the trainee has looked (target -> `running` or `done`) with what each finished look found.
        self.paged: set[str] = set()
        self.status_page: str | None = None
        self.investigated: dict[str, Literal["running", "done"]] = {}
        self.findings: list[tuple[str, str]] = []
        # What parameters are checked against, worked out once per drill rather than on every action.
        pb = drill.playbook
        self._ids = {
            "severity": [s.id for s in pb.severities],
            "role": [r.id for r in pb.roles],
            "contact": [c.id for c in pb.contacts],
        }
        self.takes_role = _TAKES_ROLE.difference(self.scenario_actions)  # a scenario's own actions take none

    # -- validation -------------------------------------------------------------------------------

    def available(self) -> list[ActionSpec]:
        if self.drill.finished:
            return []
        return [s for s in self.specs.values() if self._state_reason(s) is None]

    def refusals(self) -> dict[str, str]:
        """Why each action that cannot start now would be refused, parameters aside: `check`'s own words."""
        if self.drill.finished:
            return dict.fromkeys(self.specs, "the drill is over")
        return {s.id: reason for s in self.specs.values() if (reason := self._state_reason(s)) is not None}

    def check(self, action_id: str, params: Mapping[str, Any], role: str | None) -> str | None:
        """Why the action cannot be taken now with these parameters, or None when it can."""
        drill = self.drill
        if drill.finished:
            return "the drill is over"
        spec = self.specs.get(action_id)
        if spec is None:
            return f"unknown action {action_id!r}; this drill offers: {', '.join(self.specs)}"
        reason = self._state_reason(spec) or self._param_reason(spec, params)
        if reason:
            return reason
        roles = self._ids["role"]
        if role is not None and role not in roles:
            return f"unknown role {role!r}; the playbook's roles are: {', '.join(roles) or 'none'}"
        return None

    def _state_reason(self, spec: ActionSpec) -> str | None:
        drill = self.drill
        running = self.running.get(spec.id)
        # One due this very instant is as good as done: the step after it may start (see `start`).
        if running is not None and running.finishes_at > drill.env.now:
            return f"{spec.label} is already under way (done at {format_clock(running.finishes_at)})"
        action = self.scenario_actions.get(spec.id)
        if action is not None:
            missing = [r for r in action.requires if r not in self.done and not self._due(r)]
            if missing:
                labels = ", ".join(self.specs[r].label if r in self.specs else r for r in missing)
                return f"{spec.label} needs {labels} done first"
        if spec.id == "acknowledge":
            if drill.facts.first_signal is None:
                return "nothing has alerted or paged yet: there is nothing to acknowledge"
            if drill.acknowledged_at is not None:
                return "the page is already acknowledged"
        elif spec.id == "resolve":
            if drill.facts.first_signal is None:
                return "there is no incident to resolve yet"
            if drill.resolved_at is not None:
                return "the incident is already resolved"
            if drill.premature_at is not None:
                return "the incident is already marked resolved (too early: it reopens if the alarm fires again)"
        elif spec.id == "schedule_pir" and "schedule_pir" in self.done:
            return "the post-incident review is already scheduled"
        return None

    def _param_reason(self, spec: ActionSpec, params: Mapping[str, Any]) -> str | None:
        known = _PARAM_NAMES.get(spec.id, frozenset()) if not spec.scenario else frozenset()
        for name in params:
            if name not in known:
                takes = ", ".join(sorted(known)) or "no parameters"
                return f"{spec.label} does not take {name!r} (it takes: {takes})"
        for p in spec.params:
            value = params.get(p.name)
            if value is None:
                if p.required:
                    return f"{spec.label} needs {p.name!r}"
                continue
            reason = self._value_reason(spec, p, value)
            if reason:
                return reason
        return None

    def _value_reason(self, spec: ActionSpec, p: Param, value: Any) -> str | None:
        drill = self.drill
        if not isinstance(value, str):
            return f"{p.name!r} must be text, not {value!r}"
        if p.kind == "severity":
            ids = self._ids["severity"]
            if value not in ids:
                return f"unknown severity {value!r}; the playbook's levels are: {', '.join(ids)}"
            if value == drill.severity:
                return f"the incident is already {value}"
        elif p.kind == "role":
            ids = self._ids["role"]
            if value not in ids:
                return f"unknown role {value!r}; the playbook's roles are: {', '.join(ids) or 'none'}"
        elif p.kind == "contact":
            ids = self._ids["contact"]
            if value not in ids:
                return f"unknown contact {value!r}; the playbook lists: {', '.join(ids) or 'nobody'}"
        elif p.kind == "choice" and value not in p.choices:
            return f"{p.name} must be one of {', '.join(p.choices)}, not {value!r}"
        elif p.kind == "who" and not value.strip():
            return "say who takes the role (a name, or 'me')"
        return None

    # -- running ----------------------------------------------------------------------------------

    def _due(self, action_id: str) -> bool:
        """Under way and due to finish this very instant: its process has simply not run yet."""
        r = self.running.get(action_id)
        return r is not None and r.finishes_at <= self.drill.env.now

    def _settle(self, action_ids: list[str]) -> None:
        """Finish now what is due now, before an action that follows it starts: a step taken at the instant
        the previous action of its kind (or a requirement) finishes starts, rather than being refused."""
        for action_id in action_ids:
            if self._due(action_id):
                r = self.running[action_id]
                r.finished = True
                self._finish(r)

    def taken(self, ref: ActionRef) -> bool:
        """Whether the trainee has finished this action (with the parameters it names)."""
        return any(ref.matches(e.action, e.params) for e in self.drill.facts.finished)

    def start(self, action_id: str, actor: str, role: str | None, params: dict[str, Any]) -> None:
        drill = self.drill
        spec = self.specs[action_id]
        action = self.scenario_actions.get(action_id)
        self._settle([*(action.requires if action is not None else ()), action_id])
        now = drill.env.now
        r = Running(action_id, spec.label, params, actor, role, now, now + spec.duration)
        self.running[action_id] = r
        if action_id == "investigate":
            self.investigated[str(params.get("target", ""))] = "running"
        drill.emit(
            ActionStarted(
                t=drill.now,
                action=action_id,
                label=spec.label,
                params=params,
                actor=actor,
                role=role,
                finishes_at=r.finishes_at,
            )
        )
        r.proc = drill.env.process(self._run(r, spec.duration))

    def _run(self, r: Running, duration: float) -> ProcessGenerator:
        if r.cancelled:
            return
        try:
            yield self.drill.env.timeout(duration)
        except simpy.Interrupt:
            return
        if r.cancelled or r.finished:
            return
        self._finish(r)

    def cancel(self, action_id: str, actor: str, role: str | None) -> None:
        r = self.running.get(action_id)
        if r is None:
            label = self.specs[action_id].label if action_id in self.specs else repr(action_id)
            raise ActionRefused(f"{label} is not under way")
        r.cancelled = True
        del self.running[action_id]
        if action_id == "investigate":
            target = str(r.params.get("target", ""))
            if any(t == target for t, _ in self.findings):
                self.investigated[target] = "done"
            else:
                self.investigated.pop(target, None)
        proc = r.proc
        # A process that has not begun yet cannot take an interrupt; the flag stops it when it begins.
        if proc is not None and proc.is_alive and not isinstance(proc.target, Initialize):
            proc.interrupt(f"cancelled by {actor}")
        self.drill.emit(ActionCancelled(t=self.drill.now, action=action_id, actor=actor, role=role))

    def _finish(self, r: Running) -> None:
        drill = self.drill
        r.finished = True
        if self.running.get(r.action) is r:
            del self.running[r.action]
        self.done.add(r.action)
        found: list[str] = []
        result = None
        if r.action == "investigate":
            target = r.params["target"]
            found = [c.id for c in drill.scenario.clues if target in c.found_by and c.id not in drill.clues]
            result = self._finding(target, found)
            self.investigated[target] = "done"
            self.findings.append((target, result))
        drill.emit(
            ActionFinished(
                t=drill.now,
                action=r.action,
                label=r.label,
                params=r.params,
                actor=r.actor,
                role=r.role,
                started_at=r.started,
                result=result,
            )
        )
        for clue in found:
            drill.reveal(clue, by=r.action)
        if r.action in self.scenario_actions:
            self._scenario_effects(self.scenario_actions[r.action])
        else:
            self._standard_effects(r)
        drill.timers.on_action_finished(r.action)
        drill.injects.action_finished(r.action, r.params)

    def _finding(self, target: str, found: list[str]) -> str:
        drill = self.drill
        if found:
            clues = {c.id: c for c in drill.scenario.clues}
            return "\n".join(drill.cast.fill(clues[c].text) for c in found)
        text = drill.scenario.investigations.get(target)  # type: ignore[call-overload]
        return drill.cast.fill(text) if text else f"Nothing unusual in the {target}."

    def _standard_effects(self, r: Running) -> None:
        drill = self.drill
        p = r.params
        action = r.action
        if action == "acknowledge":
            drill.acknowledge()
        elif action == "declare":
            drill.declare(p["severity"], r.actor, r.role)
        elif action == "assign_role":
            who = p["who"]
            drill.assign_role(p["role"], r.actor if who.strip().lower() == "me" else who, r.actor)
        elif action == "page":
            contact = drill.playbook.contact(p["contact"])
            person = drill.cast.person(contact.id)
            self.paged.add(contact.id)
            drill.emit(
                PageSent(
                    t=drill.now,
                    contact=contact.id,
                    title=contact.title,
                    team=contact.team,
                    actor=r.actor,
                    role=r.role,
                    name=person.name if person else contact.id,
                )
            )
        elif action in COMMS_ACTIONS:
            if action == "status_page":
                self.status_page = p["state"]
            drill.emit(
                CommsSent(
                    t=drill.now,
                    channel=COMMS_ACTIONS[action],
                    text=p.get("text") or "",
                    state=p["state"] if action == "status_page" else None,
                    actor=r.actor,
                    role=r.role,
                )
            )
        elif action == "investigate":
            drill.investigated()
        elif action == "resolve":
            drill.resolve()
        elif action == "schedule_pir":
            drill.emit(PirScheduled(t=drill.now, actor=r.actor, role=r.role))
        # open_channel needs no effect beyond its own `action.finished`.

    def fix_done(self) -> bool:
        """The scenario's fix condition (truth.fixed_by with truth.fix): every listed action done, or any."""
        truth = self.drill.scenario.truth
        done = [a in self.done for a in truth.fixed_by]
        return all(done) if truth.fix == "all" else any(done)

    def _scenario_effects(self, action: Action) -> None:
        drill = self.drill
        truth = drill.scenario.truth
        fixing = action.id in truth.fixed_by
        for effect in action.effects:
            if not self._holds(effect):
                continue
            if effect.resolve is not None:
                if fixing and not self.fix_done():
                    # A partial fix: the fault ends only when the fix condition is met.
                    self.held_fixes.append((effect.resolve, action.id))
                else:
                    drill.faults.resolve(effect.resolve, by=action.id)
            elif effect.move is not None:
                metric = drill.metric(effect.move.metric, f"action {action.id!r}")
                metric.apply(effect.move, f"action:{action.id}", drill.env.now)
            elif effect.reveal is not None:
                drill.reveal(effect.reveal, by=action.id)
            elif effect.start_fault is not None:
                drill.faults.start(effect.start_fault, by=action.id)
        if fixing and self.held_fixes and self.fix_done():
            held, self.held_fixes = self.held_fixes, []
            for fault_id, by in held:
                drill.faults.resolve(fault_id, by=by)

    def _holds(self, effect: ActionEffect) -> bool:
        """Whether an effect's condition holds as the action lands (`if_active` / `if_not_active` a fault)."""
        faults = self.drill.faults
        if effect.if_active is not None:
            return faults.is_active(effect.if_active)
        if effect.if_not_active is not None:
            return not faults.is_active(effect.if_not_active)
        return True
