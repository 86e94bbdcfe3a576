"""Reviewing a recorded drill: the drill as it stood at any sim time T, rebuilt by replaying its recorded
inputs up to T (no journal is written), and the ideal script's steps for comparison."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Step
from sim.journal.drill_record import DrillRecord
from sim.journal.events import ActionCancelled, ActionRefusal, ActionStarted, AnyEvent
from sim.journal.jsonl import parse_journal
from sim.rerun.resume import Unreplayable, apply_input, is_input


def record_from_text(text: str, where: str) -> DrillRecord:
    """A record from JSONL journal text (as the history database keeps it), checked as a journal file is
    (`sim.journal.parse_journal`); a cut-off last line is ignored."""
    header, events, *_ = parse_journal(text.encode("utf-8", "surrogatepass"), where)
    return DrillRecord(header, events)


def ideal_script(scenario: Scenario, playbook: Playbook, scenario_path: str | Path | None = None) -> list[Step]:
    """The ideal solution's steps (`scripts/<scenario-id>/ideal.yaml`), or none when it is absent or broken."""
    from sim.format.library import Library
    from sim.format.loading import LoadError, load_script

    # A user's scenario keeps its scripts beside its library folder, as the bundled ones do.
    path = Library().script_file(scenario.id, "ideal", scenario_path)
    if path is None:
        return []
    try:
        return list(load_script(path, scenario, playbook).root)
    except LoadError:
        return []


class Review:
    """A recorded drill that can be shown as it stood at any sim time.

    Moving forward continues the same rebuilt drill; moving back rebuilds it from T+0. Both give the same
    state, since slicing sim time never changes what happens (and a two-hour drill rebuilds in milliseconds).
    """

    def __init__(self, record: DrillRecord, scenario: Scenario, playbook: Playbook) -> None:
        self.record = record
        self.scenario = scenario
        self.playbook = playbook
        self.inputs: tuple[AnyEvent, ...] = tuple(e for e in record.events if is_input(e))
        self.end: float = record.events[-1].t if record.events else 0.0
        self._drill: Drill | None = None
        self._next = 0  # index of the first input not yet applied to `_drill`

    def _fresh(self) -> Drill:
        h = self.record.header
        self._next = 0
        return Drill(self.scenario, self.playbook, h.seed, trainee=h.trainee, team=h.team)

    def at(self, t: float) -> Drill:
        """The drill at sim time `t` (clamped to the recording): every input up to `t` applied."""
        t = round(min(max(0.0, t), self.end), 3)
        drill = self._drill
        if drill is None or drill.now > t:
            drill = self._drill = self._fresh()
        while self._next < len(self.inputs) and self.inputs[self._next].t <= t:
            event = self.inputs[self._next]
            drill.advance_to(event.t)
            # An input no drill would take (a hand-edited record) changes nothing: the review shows the rest.
            with contextlib.suppress(Unreplayable):
                apply_input(drill, event)
            self._next += 1
        drill.advance_to(t)
        if t >= self.end:
            # Events due at the recording's last instant run only in the next slice: take them too.
            drill.catch_up(len(self.record.events), self.end)
        return drill

    def actions(self) -> list[ActionStarted | ActionRefusal | ActionCancelled]:
        """What the trainee did (started, refused or cancelled), in time order: the timeline's marks."""
        return [e for e in self.inputs if isinstance(e, ActionStarted | ActionRefusal | ActionCancelled)]


def steps_by(steps: Sequence[Step], t: float) -> list[Step]:
    """The scripted steps due by sim time `t`."""
    return [s for s in steps if s.at <= t]
