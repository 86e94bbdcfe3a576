"""The TUI's view of the scenario library: entries with their playbooks, and lookup by id or path."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from sim.library import find_scenario, list_scenarios, playbooks_for
from sim.loading import LoadError, load_scenario
from sim.playbook import Playbook
from sim.scenario import Scenario


class Listing(NamedTuple):
    """One scenario file as the picker shows it: loaded with its playbook, or with what stops it."""

    path: Path
    origin: str
    scenario: Scenario | None
    playbook: Playbook | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and self.playbook is not None

    @property
    def id(self) -> str:
        return self.scenario.id if self.scenario is not None else self.path.stem


def listings(dirs: Iterable[Path] = ()) -> list[Listing]:
    """Every scenario the picker offers (bundled, the user's, `--scenarios` dirs); never raises for a bad file."""
    out: list[Listing] = []
    cache: dict[Path, Mapping[str, Playbook]] = {}
    for entry in list_scenarios(list(dirs)):
        scenario, playbook = entry.scenario, None
        # Positions without the directory: the picker shows which file beside them already.
        problems = tuple(
            f"line {p.line}:{p.col}: {p.message}" + (f" — {p.hint}" if p.hint else "")
            for p in entry.problems
            if p.severity == "error"
        )
        if scenario is not None:
            try:  # the playbooks are read as they are looked up
                playbook = cache.setdefault(entry.path.parent, playbooks_for(entry.path)).get(scenario.playbook)
            except Exception as exc:  # a broken playbook beside a scenario must not take the picker down
                playbook = None
                problems += (f"cannot read the playbooks beside it: {exc}",)
            else:
                if playbook is None:
                    problems += (f"playbook {scenario.playbook!r} not found",)
        out.append(Listing(entry.path, entry.origin, scenario, playbook, problems))
    return out


def find(id_or_path: str, dirs: Iterable[Path] = ()) -> tuple[Scenario, Playbook, Path]:
    """The scenario, its playbook and its file; raises LookupError saying what is wrong."""
    path = find_scenario(id_or_path, list(dirs))  # raises NotFound, a LookupError
    playbooks = playbooks_for(path)  # read once: the scenario's check and its playbook both need them
    try:
        scenario = load_scenario(path, playbooks)
    except LoadError as exc:
        raise LookupError(f"{path} does not load:\n{exc}") from exc
    playbook = playbooks.get(scenario.playbook)
    if playbook is None:
        raise LookupError(f"{path}: playbook {scenario.playbook!r} not found")
    return scenario, playbook, path
