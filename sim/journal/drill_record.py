"""A drill record: the journal's header and its events, which is all the scorer needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple, TypeVar

from sim.journal.events import AnyEvent

E = TypeVar("E", bound=AnyEvent)

JOURNAL_FORMAT = 1


class Header(NamedTuple):
    format: int
    scenario: str
    scenario_hash: str  # sha256 of the scenario file's bytes
    playbook: str
    playbook_hash: str
    seed: int
    trainee: str
    team: str = ""
    scenario_path: str = ""  # where the scenario was loaded from, so a journal can be resumed
    playbook_path: str = ""


class DrillRecord(NamedTuple):
    header: Header
    events: tuple[AnyEvent, ...]

    def of(self, kind: type[E]) -> Iterator[E]:
        """The events of one kind (a record class), in order."""
        return (e for e in self.events if isinstance(e, kind))

    def first(self, kind: type[E]) -> E | None:
        return next(self.of(kind), None)
