"""A drill record: the journal's header and its events, which is all the scorer needs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from sim.events import Event

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
    events: tuple[Event, ...]

    def of(self, kind: str) -> Iterator[Event]:
        return (e for e in self.events if e.kind == kind)

    def first(self, kind: str, **match: object) -> Event | None:
        """The first event of `kind` whose data has every `match` key equal."""
        return next(
            (e for e in self.events if e.kind == kind and all(e.data.get(k) == v for k, v in match.items())),
            None,
        )
