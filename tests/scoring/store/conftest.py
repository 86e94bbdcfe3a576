"""The store's tests run on both engines: SQLite in the test's folder, and a fresh database on the session's
PostgreSQL server (which skips, saying how to enable it, where there is none)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from scoring.grade import ScoreCard, grade
from scoring.rubric import Criterion
from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    if request.param == "sqlite":
        return tmp_path / "h.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


class Played(NamedTuple):
    card: ScoreCard
    journal: str
    record: DrillRecord
    scenario: Scenario
    playbook: Playbook


@pytest.fixture(scope="session")
def played(tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The tutorial played by its ideal script: its card, journal text, record, scenario and playbook."""
    drill, scenario, playbook, journal = _play(tmp_path_factory)
    return Played(grade(drill.record, scenario, playbook), journal.read_text(), drill.record, scenario, playbook)


@pytest.fixture(scope="session")
def tutorial_card(played: Played) -> tuple[ScoreCard, str]:
    """A graded drill (the tutorial played by its ideal script) and its journal text."""
    return played.card, played.journal


def _play(tmp_path_factory: pytest.TempPathFactory) -> tuple[Drill, Scenario, Playbook, Path]:
    from scenarios import LIBRARY, SCRIPTS
    from sim.format.library import Library
    from sim.format.loading import load_script
    from sim.training.runner import run_script

    path = LIBRARY / "tutorial.yaml"
    scenario, playbook, _, _ = Library().load_scenario(path)
    script = load_script(SCRIPTS / "tutorial" / "ideal.yaml", scenario, playbook)
    journal = tmp_path_factory.mktemp("card") / "j.jsonl"
    drill = run_script(scenario, playbook, script, journal=journal, trainee="ana", team="sre", scenario_path=path)
    return drill, scenario, playbook, journal


# The shapes of scoring.team and scoring.improvement, reduced to what the store reads through its Protocols
# (scoring.history.TeamLike, ItemLike): tests build exactly the team and items they need.
class PersonResult(NamedTuple):
    name: str
    role: str | None
    score: float
    grade: str
    actions: tuple[object, ...]
    criteria: tuple[Criterion, ...]
    messages: tuple[object, ...]


class TeamCard(NamedTuple):
    card: ScoreCard
    people: tuple[PersonResult, ...]


class ImprovementItem(NamedTuple):
    key: str
    issue: str
    corrective_action: str
    element: str
    criterion: str
    evidence: str
    priority: str
    due_days: int
    owner: str


def item(key: str, element: str = "training") -> ImprovementItem:
    return ImprovementItem(key, f"{key} was late", f"Practise {key}.", element, key, "T+00:05:00", "P1", 30, "")
