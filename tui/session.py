"""The TUI's adapter to the engine: what a screen needs from a drill, and how the app builds one.

Screens talk to a `DrillPort`; `Session` bundles it with the scenario, playbook and journal the
screens also show. This is the one module that knows the engine's constructor and its cast.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sim.engine.cast import Person
from sim.engine.state import DrillState
from sim.format.catalogue import ActionSpec
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import AnyEvent


class DrillPort(Protocol):
    """The part of `sim.engine.drill.Drill` the TUI uses."""

    scenario: Scenario
    playbook: Playbook

    def advance(self, dt: float) -> list[AnyEvent]: ...
    def act(self, action_id: str, *, actor: str | None = None, role: str | None = None, **params: Any) -> Any: ...
    def end(self) -> Any: ...
    def available_actions(self) -> list[ActionSpec]: ...
    def series(self, metric_id: str) -> list[tuple[float, float]]: ...
    def close(self) -> None: ...

    @property
    def record(self) -> DrillRecord: ...

    @property
    def state(self) -> DrillState: ...

    @property
    def events(self) -> Sequence[AnyEvent]: ...


def people_of(drill: object) -> list[Person]:
    """The drill's cast as the role and page dialogs show it, without teams (empty when the engine has no cast)."""
    cast = getattr(drill, "cast", None)
    found = getattr(cast, "people", None) or {}
    return [Person(slot, p.name, getattr(p, "title", "")) for slot, p in found.items()]


def utc_now() -> str:
    """The wall clock now, as the drill history stamps a drill's start."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Session:
    """One drill and everything the screens show beside it."""

    drill: DrillPort
    scenario: Scenario
    playbook: Playbook
    seed: int
    trainee: str = ""
    journal: Path | None = None
    scenario_path: Path | None = None
    people: list[Person] = field(default_factory=list)
    team: str = ""
    started_at: str = field(default_factory=utc_now)  # wall clock, for the drill history
    speed: int = 1  # sim seconds per wall second the trainee last chose; a resumed drill keeps it
    # Whether the debrief stores the drill in the history: a team drill is stored once, by its host, never by
    # each seat (with a shared database every seat would store it again).
    history: bool = True
    # False for a seat of a team drill: its debrief offers no solo "try again" and no scenario picker, which
    # would start a drill of one's own.
    solo: bool = True

    @classmethod
    def of(cls, drill: DrillPort, *, trainee: str = "", journal: Path | None = None) -> Session:
        """Wrap a drill built elsewhere (tests, the `resume` command)."""
        return cls(
            drill=drill,
            scenario=drill.scenario,
            playbook=drill.playbook,
            seed=int(getattr(drill, "seed", drill.scenario.seed)),
            # The drill's own trainee wins: a resumed drill belongs to whoever started it.
            trainee=str(getattr(drill, "trainee", "") or trainee),
            journal=journal or getattr(drill, "journal_path", None),
            scenario_path=_scenario_path(drill),
            people=people_of(drill),
            team=str(getattr(drill, "team", "") or ""),
            speed=saved_speed(journal or getattr(drill, "journal_path", None)),
        )

    @property
    def names_by_slot(self) -> dict[str, str]:
        return {p.slot: p.name for p in self.people}


def _scenario_path(drill: object) -> Path | None:
    path = getattr(getattr(drill, "header", None), "scenario_path", "")
    return Path(path) if path else None


# -- the seat's own state beside the journal ------------------------------------------------------------
# The speed is the seat's choice, not the drill's: it stays out of the journal (replay never needs it) and goes
# in a small file beside it, so a drill resumed after a crash runs at the speed it was left at.

SEAT_SUFFIX = ".seat.json"


def seat_file(journal: Path) -> Path:
    """`tutorial-s7-001.jsonl` -> `tutorial-s7-001.seat.json` (not `*.jsonl`, so never listed as a drill)."""
    return journal.with_suffix(SEAT_SUFFIX)


def saved_speed(journal: Path | None) -> int:
    """The speed last chosen for the drill journaled at `journal`; 1 when none was saved or it is unreadable."""
    if journal is None:
        return 1
    try:
        speed = json.loads(seat_file(Path(journal)).read_text(encoding="utf-8")).get("speed")
    except (OSError, ValueError, AttributeError):
        return 1
    # bool is an int too; a hand-edited or damaged file must not set the clock racing.
    return speed if type(speed) is int and 1 <= speed <= 3600 else 1


def save_speed(journal: Path | None, speed: int) -> None:
    """Remember the drill's speed beside its journal (written whole, then renamed: never half a file)."""
    if journal is None:
        return
    path = seat_file(journal)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps({"speed": speed}) + "\n", encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a speed is not worth an error: the drill itself is in the journal


def forget_seat(journal: Path | None) -> None:
    """Drop the seat file of a drill that cannot be resumed any more (finished, discarded)."""
    if journal is None:
        return
    with contextlib.suppress(OSError):  # left behind, it is only read when that very journal is resumed
        seat_file(journal).unlink(missing_ok=True)


def next_journal_path(directory: Path, scenario_id: str, seed: int) -> Path:
    """`<scenario>-s<seed>-<n>.jsonl`, the first n not yet taken: no wall clock in names, no overwrites."""
    directory.mkdir(parents=True, exist_ok=True)
    n = 1
    while (path := directory / f"{scenario_id}-s{seed}-{n:03d}.jsonl").exists():
        n += 1
    return path


def new_session(
    scenario: Scenario,
    playbook: Playbook,
    *,
    seed: int | None = None,
    trainee: str = "",
    team: str = "",
    scenario_path: Path | None = None,
    journal_dir: Path | None = None,
) -> Session:
    """A fresh drill of `scenario`, journalled under the user data dir."""
    from sim.engine.drill import Drill
    from sim.format.library import Library
    from sim.journal.directory import journals_dir

    seed = scenario.seed if seed is None else seed
    journal = next_journal_path(journal_dir or journals_dir(), scenario.id, seed)
    # The files go in the journal header, so `warroom resume` finds the very same scenario and playbook.
    playbook_path = Library().playbook_file(playbook.id, beside=scenario_path) if scenario_path else None
    drill = Drill(
        scenario,
        playbook,
        seed,
        trainee=trainee or "trainee",  # the engine's own default when the trainee stayed anonymous
        team=team,
        journal=journal,
        scenario_path=scenario_path,
        playbook_path=playbook_path,
    )
    return Session(drill, scenario, playbook, seed, trainee, journal, scenario_path, people_of(drill), team=team)


def resume_drill(journal: Path) -> DrillPort:
    """The drill a journal records, rebuilt by replaying its inputs, journaling on to the same file."""
    from sim.rerun.resume import resume

    return resume(journal)
