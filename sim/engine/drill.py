"""The drill: one SimPy environment replaying a scenario against a playbook, driven in slices by the UI or
a script. It owns the incident's state and hands out a read-only `DrillState`; nothing here blocks.

Resolution counts as verified once every metric has held healthy for the playbook's `monitoring_period`,
or `DEFAULT_MONITORING_PERIOD` (5 minutes) when the playbook states none, and no unresolved fault still
moves a metric.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

import simpy
from simpy.core import StopSimulation
from simpy.events import ProcessGenerator

from sim.engine.actions import ActionBook, ActionRefused
from sim.engine.cast import Cast
from sim.engine.faults import FaultBook
from sim.engine.incident import Incident
from sim.engine.injects import InjectBook
from sim.engine.metrics import LEVELS, MetricModel
from sim.engine.state import DrillState, MetricView, RunningAction
from sim.engine.timers import TimerBoard
from sim.format.catalogue import ActionSpec
from sim.format.durations import format_clock, parse_duration
from sim.format.playbook import Playbook
from sim.format.scenario import InjectKind, Scenario
from sim.format.text import printable, printable_json
from sim.journal.drill_record import JOURNAL_FORMAT, DrillRecord, Header
from sim.journal.events import (
    CHANNEL_MAX,
    FACILITATOR,
    ActionRefusal,
    AnyEvent,
    ChannelMessage,
    DebriefAnswer,
    DrillEnded,
    DrillStarted,
    FacilitatorHint,
    FacilitatorInjectNow,
    FacilitatorInput,
    FacilitatorJump,
    FacilitatorNote,
    FacilitatorSay,
)
from sim.journal.facts import FactTracker
from sim.journal.jsonl import JournalWriter, file_hash, model_hash

__all__ = ["DEFAULT_MONITORING_PERIOD", "ActionRefused", "Drill", "DrillError"]

DEFAULT_MONITORING_PERIOD = 300.0
# Facilitator inputs by the name `facilitate` takes: each is journaled as `facilitator.<name>`.
FACILITATOR_INPUTS: dict[str, type[FacilitatorInput]] = {
    "inject_now": FacilitatorInjectNow,
    "say": FacilitatorSay,
    "hint": FacilitatorHint,
    "note": FacilitatorNote,
    "jump": FacilitatorJump,
}
_JSON_SCALARS = (str, int, float, bool)  # action parameters kept as they are; anything else as its repr


class DrillError(RuntimeError):
    """Something inside the simulation failed (usually a scenario the loader did not check); `t` is when."""

    def __init__(self, message: str, t: float) -> None:
        super().__init__(f"{message} (at {format_clock(t)})")
        self.t = t


INJECT_KINDS: tuple[str, ...] = get_args(InjectKind)  # what a facilitator's `say` may be


class Drill(Incident):
    """One drill. `advance(dt)` moves sim time, `act(...)` starts an action, `state` is what to render."""

    def __init__(
        self,
        scenario: Scenario,
        playbook: Playbook,
        seed: int | None = None,
        *,
        trainee: str = "trainee",
        team: str = "",
        journal: str | os.PathLike[str] | None = None,
        scenario_path: str | os.PathLike[str] | None = None,
        playbook_path: str | os.PathLike[str] | None = None,
    ) -> None:
        if scenario.playbook != playbook.id:
            raise ValueError(
                f"scenario {scenario.id!r} is written for playbook {scenario.playbook!r}, not {playbook.id!r}"
            )
        self.scenario = scenario
        self.playbook = playbook
        self.seed = scenario.seed if seed is None else seed
        # Names, parameters and messages people type are shown, never obeyed (sim.format.text).
        self.trainee = printable(trainee)
        self.team = printable(team)
        self.duration = scenario.duration
        self.monitoring_period = playbook.monitoring_period or DEFAULT_MONITORING_PERIOD
        self.env = simpy.Environment(initial_time=0.0)
        self.rng = random.Random(self.seed)
        self.cast = Cast(scenario, playbook, self.rng, self.trainee)
        self.events: list[AnyEvent] = []
        self.facts = FactTracker(self.trainee)  # the same facts the scorer reads, kept live
        self._delivered = 0
        self._journal: JournalWriter | None = None
        self._journal_skip = 0
        self.error: DrillError | None = None
        self.init_state()
        self.metrics = {m.id: MetricModel(m, self) for m in scenario.metrics}
        self.faults = FaultBook(self)
        self.injects = InjectBook(self)
        self.timers = TimerBoard(self)
        self.actions = ActionBook(self)
        # Files are hashed now, as they are when the drill starts; a model's own hash serialises the whole
        # model (a third of a MiB the first time), so it waits until a journal or the record needs the header.
        self._files = (
            (file_hash(scenario_path), str(Path(scenario_path).resolve())) if scenario_path else None,
            (file_hash(playbook_path), str(Path(playbook_path).resolve())) if playbook_path else None,
        )
        self._header: Header | None = None
        if journal is not None:
            self._journal = JournalWriter(journal, self.header)
        # Finishing succeeds this event; its callback stops `env.run` at that very instant.
        self._stop = self.env.event()
        self._stop.callbacks.append(StopSimulation.callback)
        self.emit(
            DrillStarted(
                t=self.now,
                scenario=scenario.id,
                playbook=playbook.id,
                seed=self.seed,
                trainee=self.trainee,
                incident_id=self.cast.incident_id,
                channel=self.cast.channel,
                duration=self.duration,
            )
        )
        try:
            for metric in self.metrics.values():
                metric.start_sampling()
            self.faults.start_processes()
            self.injects.start_processes()
        except Exception as exc:
            self.error = DrillError(f"the scenario cannot start: {exc}", 0.0)
            self.close()
            raise self.error from exc
        self.env.process(self._time_limit())

    @property
    def header(self) -> Header:
        """The journal header: what was played, by whom, and the content hashes that tell its versions apart."""
        if self._header is None:
            scenario_file, playbook_file = self._files
            self._header = Header(
                format=JOURNAL_FORMAT,
                scenario=self.scenario.id,
                scenario_hash=scenario_file[0] if scenario_file else model_hash(self.scenario),
                playbook=self.playbook.id,
                playbook_hash=playbook_file[0] if playbook_file else model_hash(self.playbook),
                seed=self.seed,
                trainee=self.trainee,
                team=self.team,
                scenario_path=scenario_file[1] if scenario_file else "",
                playbook_path=playbook_file[1] if playbook_file else "",
            )
        return self._header

    # -- driving it -------------------------------------------------------------------------------

    def advance(self, dt: float) -> list[AnyEvent]:
        """Run sim time forward by `dt` seconds (stopping early if the drill ends); return the new events.

        `advance(0)` moves nothing and returns what `act`, `cancel` or `facilitate` emitted since last time.
        """
        if dt < 0:
            raise ValueError(f"cannot advance by a negative time ({dt})")
        # Targets are kept to the millisecond, so journal times stay readable and replay exactly.
        return self.advance_to(round(self.env.now + dt, 3))

    def advance_to(self, t: float) -> list[AnyEvent]:
        """Run until sim time `t` exactly (events due at `t` itself run in the next slice)."""
        if self.error is not None:
            raise self.error
        if not self.finished and t > self.env.now:
            try:
                self.env.run(until=t)
            except Exception as exc:
                self.error = DrillError(f"the drill failed: {exc}", self.env.now)
                raise self.error from exc
        return self.take_new()

    def catch_up(self, count: int, until: float) -> None:
        """Process SimPy events one at a time until the drill has `count` events (none later than `until`).

        Replay needs this last stretch: a journal's final events may be only some of those due at its
        final instant, and running "until" that instant would process none of them.
        """
        env = self.env
        try:
            while len(self.events) < count and not self.finished and env.peek() <= until:
                env.step()
        except StopSimulation:
            pass  # the drill ended: its stop event fired
        except Exception as exc:
            self.error = DrillError(f"the drill failed: {exc}", env.now)
            raise self.error from exc

    def take_new(self) -> list[AnyEvent]:
        new = self.events[self._delivered :]
        self._delivered = len(self.events)
        return new

    def act(self, action_id: str, *, actor: str | None = None, role: str | None = None, **params: Any) -> None:
        """Start an action now, or raise `ActionRefused` (journaled as `action.refused`; nothing else changes).

        `actor` defaults to the trainee; `role` is the role they act in. One exception keeps scripts and
        callers natural: `assign_role` takes a parameter named `role` (the role being handed out), so for
        it `role=` is that parameter, and the acting role, if any, goes in `as_role=`. `act_with` takes
        the parameters as a dict and has no such ambiguity.
        """
        if action_id in self.actions.takes_role and "role" not in params:
            params["role"], role = role, params.pop("as_role", None)
            if params["role"] is None:
                del params["role"]
        self.act_with(action_id, params, actor=actor, role=role)

    def act_with(
        self, action_id: str, params: dict[str, Any], *, actor: str | None = None, role: str | None = None
    ) -> None:
        """`act` with the action's parameters as a dict (what replay and the UI's forms use)."""
        if self.error is not None:
            raise self.error
        actor = actor or self.trainee
        params = {k: v if v is None or isinstance(v, _JSON_SCALARS) else repr(v) for k, v in params.items()}
        params = printable_json(params)
        actor = printable(actor)
        reason = self.actions.check(action_id, params, role)
        if reason is not None:
            self.emit(ActionRefusal(t=self.now, action=action_id, params=params, reason=reason, actor=actor, role=role))
            raise ActionRefused(reason)
        self.actions.start(action_id, actor, role, params)

    def cancel(self, action_id: str, *, actor: str | None = None, role: str | None = None) -> None:
        """Stop an action under way; its effects never land."""
        if self.finished:
            raise ActionRefused("the drill is over")
        self.actions.cancel(action_id, actor or self.trainee, role)

    def say(self, text: str, *, actor: str | None = None, role: str | None = None) -> ChannelMessage:
        """Write in the incident channel (a team drill's conversation): journaled as `channel.message` and
        replayed on resume. The text is made printable and cut to CHANNEL_MAX characters; empty text is a
        ValueError, and after the end ActionRefused."""
        if self.error is not None:
            raise self.error
        if self.finished:
            raise ActionRefused("the drill is over")
        text = printable(text.strip())[:CHANNEL_MAX]
        if not text:
            raise ValueError("an empty message")
        message = ChannelMessage(t=self.now, actor=printable(actor or self.trainee), role=role, text=text)
        self.emit(message)
        return message

    def refuse(self, action_id: str, params: dict[str, Any], reason: str, *, actor: str, role: str | None) -> None:
        """Journal an action refused outside the engine (a team host's role rules) and raise ActionRefused:
        the engine would have taken it, so resume replays the refusal as recorded (sim.rerun.resume)."""
        params = printable_json(
            {k: v if v is None or isinstance(v, _JSON_SCALARS) else repr(v) for k, v in params.items()}
        )
        self.emit(ActionRefusal(t=self.now, action=action_id, params=params, reason=printable(reason),
                                actor=printable(actor), role=role))  # fmt: skip
        raise ActionRefused(reason)

    def end(self, by: str | None = None) -> None:
        """The trainee ends the drill now; `by="facilitator"` marks it as the facilitator's (in `drill.ended`)."""
        self.finish("ended", by=by)

    def facilitate(self, kind: str, **data: Any) -> None:
        """Facilitator inputs, journaled as `facilitator.<kind>` and replayed on resume:
        `inject_now(inject)`, `say(sender, text, inject_kind="chat")`, `hint(text)`, `note(text)`, `jump(dt)`."""
        if self.error is not None:
            raise self.error
        record = FACILITATOR_INPUTS.get(kind)
        if record is None:
            raise ValueError(f"unknown facilitator action {kind!r}; one of: {', '.join(FACILITATOR_INPUTS)}")
        if self.finished:
            raise ActionRefused("the drill is over")
        data = printable_json(data)
        if kind == "inject_now" and data.get("inject") not in self.injects.injects:
            raise ValueError(f"unknown inject {data.get('inject')!r}")
        if kind == "say" and data.get("inject_kind", "chat") not in INJECT_KINDS:
            raise ValueError(f"unknown inject kind {data.get('inject_kind')!r}; one of: {', '.join(INJECT_KINDS)}")
        if kind == "jump":
            dt = data.get("dt")
            data["dt"] = parse_duration(dt) if isinstance(dt, str) else float(dt or 0)
            if data["dt"] <= 0:
                raise ValueError("jump needs a positive time, e.g. dt='5m'")
        try:
            event = record(t=self.now, actor=FACILITATOR, **data)
        except TypeError as exc:
            raise ValueError(f"facilitator {kind}: {exc}") from None
        self.emit(event)
        if isinstance(event, FacilitatorInjectNow):
            self.injects.fire(self.injects.injects[event.inject], forced=True)
        elif isinstance(event, FacilitatorSay):
            # `inject_kind` (default chat) lets the facilitator write any kind of inject: a page, an exec ping…
            self.injects.emit("facilitator", event.inject_kind or "chat", event.sender, event.text)
        elif isinstance(event, FacilitatorHint):
            self.injects.emit("facilitator", "hint", "", event.text)
        elif isinstance(event, FacilitatorJump):
            before = self._delivered
            self.advance_to(round(self.env.now + event.dt, 3))
            self._delivered = before  # the caller's next advance returns what the jump produced

    def answer(self, question: int, text: str) -> None:
        """Record a lessons-learned answer to `scenario.debrief_questions[question]` once the drill is over.

        `emit` drops everything after the end (so nothing the simulation does can sneak in late); answers
        are records, not inputs, so they bypass it: a `debrief.answer` event at the end time, journaled,
        never replayed. Answering a question again records the new answer; the last one counts."""
        questions = self.scenario.debrief_questions
        if not self.finished:
            raise ActionRefused("lessons learned are asked after the drill")
        if not 0 <= question < len(questions):
            raise ValueError(f"the scenario has no debrief question {question} (it has {len(questions)})")
        event = DebriefAnswer(t=self.now, question=question, prompt=questions[question], text=printable(text))
        self.restore_records([event])

    def restore_records(self, events: Iterable[AnyEvent]) -> None:
        """Append post-drill records (answers) as they are: `answer` itself, and resume re-adding the ones a
        journal holds after the replayed drill, so the event count matches the file again."""
        for event in events:
            self.events.append(event)
            if self._journal is not None and len(self.events) > self._journal_skip:
                self._journal.write(event)

    # -- the journal ------------------------------------------------------------------------------

    def emit(self, event: AnyEvent) -> None:
        if self.finished:
            return  # nothing happens after the end, even at the same instant
        self.events.append(event)
        self.facts.feed(event)
        if self._journal is not None and len(self.events) > self._journal_skip:
            self._journal.write(event)

    def attach_journal(self, writer: JournalWriter, already_written: int) -> None:
        """Continue an existing journal: the first `already_written` events are in it already."""
        self._journal = writer
        self._journal_skip = already_written
        for event in self.events[already_written:]:
            writer.write(event)

    @property
    def journal_path(self) -> Path | None:
        """Where this drill is being journaled (None when it is not)."""
        return self._journal.path if self._journal is not None else None

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()

    @property
    def record(self) -> DrillRecord:
        return DrillRecord(self.header, tuple(self.events))

    # -- views ------------------------------------------------------------------------------------

    def available_actions(self) -> list[ActionSpec]:
        return self.actions.available()

    def series(self, metric_id: str) -> list[tuple[float, float]]:
        """Every sample of one metric over the whole run so far, for the debrief charts."""
        return self.metric(metric_id, "series()").series()

    @property
    def state(self) -> DrillState:
        now = self.env.now
        clues = {c.id: c for c in self.scenario.clues}
        return DrillState(
            now=now,
            duration=self.duration,
            incident_id=self.cast.incident_id,
            channel=self.cast.channel,
            status=self.status,
            severity=self.severity,
            roles=dict(self.roles),
            metrics=tuple(
                MetricView(
                    m.id,
                    m.spec.label,
                    m.spec.unit,
                    m.value,
                    LEVELS[m.level],  # type: ignore[arg-type]
                    m.spec.warn,
                    m.spec.critical,
                    m.spec.bad_when,
                    tuple(m.history),
                    m.spec.baseline,
                    m.cumulative,
                    m.low,
                    m.high,
                )
                for m in self.metrics.values()
            ),
            timers=self.timers.views(now),
            known_faults=self.faults.known_labels(),
            clues=tuple(self.cast.fill(clues[c].text) for c in self.clues),
            running=tuple(
                RunningAction(r.action, r.label, r.started, r.finishes_at, r.actor, r.role)
                for r in self.actions.running.values()
            ),
            done=frozenset(self.actions.done),
            paged=frozenset(self.actions.paged),
            status_page=self.actions.status_page,
            investigated=dict(self.actions.investigated),
            findings=tuple(self.actions.findings),
            finished=self.finished,
            end_reason=self.end_reason,
            refusals=self.actions.refusals(),
            healthy_since=self.healthy_since,
            monitoring_period=self.monitoring_period,
        )

    # -- processes --------------------------------------------------------------------------------

    def _time_limit(self) -> ProcessGenerator:
        yield self.env.timeout(self.duration)
        self.finish("timeout")

    def metric(self, metric_id: str, why: str) -> MetricModel:
        try:
            return self.metrics[metric_id]
        except KeyError:
            raise ValueError(f"{why} names metric {metric_id!r}, which the scenario does not define") from None

    def finish(self, reason: str, by: str | None = None) -> None:
        if self.finished:
            return
        # `by` only when someone other than the trainee ended it, so older journals replay unchanged.
        self.emit(
            DrillEnded(
                t=self.now,
                reason=reason,
                verified=self.verified_at is not None,
                resolved=self.resolved_at is not None,
                by=by or None,
            )
        )
        self.finished = True
        self.end_reason = reason
        self._stop.succeed()
