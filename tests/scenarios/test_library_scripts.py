"""The bundled library: every scenario validates, ships its three solution scripts, and those scripts land in
their score bands when played headless through the engine and the scorer (ideal >= 90, 50 <= mistakes <= 85,
negligent < 50, in that order)."""

from __future__ import annotations

from functools import cache

import pytest

from scenarios import LIBRARY, SCRIPTS
from scoring.grade import ScoreCard, grade
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.loading import Result, check_file
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.journal.events import ActionRefusal
from sim.training.runner import run_script

KINDS = ("ideal", "mistakes", "negligent")
# (lowest, highest) score each script must reach, both inclusive; the bands.
BANDS = {"ideal": (90.0, 100.0), "mistakes": (50.0, 85.0), "negligent": (0.0, 49.9)}
SCHEMA_LINE = {
    "scenario": "# yaml-language-server: $schema=../schema/scenario.schema.json",
    "script": "# yaml-language-server: $schema=../../schema/actions.schema.json",
}
# Discovered, not listed: a scenario added to the folder is tested without touching this file.
SCENARIO_FILES = sorted(LIBRARY.glob("*.yaml"))
IDS = [p.stem for p in SCENARIO_FILES]


def _problems(result: Result) -> list[str]:
    return [str(p) for p in result.problems if p.severity == "error"]


@cache
def playbooks() -> dict[str, Playbook]:
    # Bundled only: a developer's own playbooks (WARROOM_HOME) must not change what the library is graded on.
    return dict(Library.bundled().playbooks())


@cache
def scenario(sid: str) -> Scenario:
    result = check_file(LIBRARY / f"{sid}.yaml", "scenario", playbooks=playbooks())
    assert result.ok and isinstance(result.model, Scenario), _problems(result)
    return result.model


@cache
def script(sid: str, kind: str) -> Script:
    sc = scenario(sid)
    path = SCRIPTS / sid / f"{kind}.yaml"
    result = check_file(path, "script", scenario=sc, playbook=playbooks()[sc.playbook])
    assert result.ok and isinstance(result.model, Script), _problems(result)
    return result.model


@cache
def played(sid: str, kind: str) -> Drill:
    """One headless run per script, with the scenario's own seed; every test of that script reads this run."""
    sc = scenario(sid)
    drill = run_script(sc, playbooks()[sc.playbook], script(sid, kind), seed=sc.seed)
    assert drill.finished, f"{sid}/{kind}: the drill did not end"
    return drill


@cache
def card(sid: str, kind: str) -> ScoreCard:
    sc = scenario(sid)
    return grade(played(sid, kind).record, sc, playbooks()[sc.playbook])


def test_the_library_is_not_empty() -> None:
    # The issue asks for at least 13 scenarios; the guard is that discovery finds the folder at all.
    assert len(SCENARIO_FILES) >= 13, IDS


@pytest.mark.parametrize("sid", IDS)
def test_scenario_validates_with_schema_line(sid: str) -> None:
    path = LIBRARY / f"{sid}.yaml"
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE["scenario"]
    sc = scenario(sid)
    assert sc.id == sid, "the file name and the scenario id must agree: scripts are found by id"
    assert sc.playbook in playbooks(), f"{sid} follows {sc.playbook!r}, which is not a bundled playbook"


def test_the_guide_lists_every_scenario() -> None:
    """The facilitator's guide's library table names each drill once, with its playbook and difficulty."""
    text = (LIBRARY.parent / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in text[text.index("## The bundled library") :].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("`"):
            rows[cells[0].split("`")[1]] = (cells[1], cells[3])
    assert sorted(rows) == IDS
    for sid, (playbook, difficulty) in rows.items():
        assert (playbook, difficulty) == (scenario(sid).playbook, scenario(sid).difficulty), sid


@pytest.mark.parametrize("sid", IDS)
def test_scenario_ships_three_valid_scripts(sid: str) -> None:
    folder = SCRIPTS / sid
    assert sorted(p.stem for p in folder.glob("*.yaml")) == sorted(KINDS), f"{folder} needs {', '.join(KINDS)}"
    for kind in KINDS:
        assert (folder / f"{kind}.yaml").read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE["script"]
        assert script(sid, kind).root, f"{sid}/{kind} has no steps"


def test_every_script_folder_belongs_to_a_scenario() -> None:
    orphans = sorted(p.name for p in SCRIPTS.iterdir() if p.is_dir() and p.name not in IDS)
    assert not orphans, f"script folders with no scenario in {LIBRARY}: {orphans}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sid", IDS)
def test_script_lands_in_its_band(sid: str, kind: str) -> None:
    low, high = BANDS[kind]
    c = card(sid, kind)
    failed = [f"{x.id}: {x.result} {x.points}/{x.max_points}" for x in c.criteria if x.evaluated and x.result != "pass"]
    assert low <= c.score <= high, f"{sid}/{kind} scored {c.score}, outside [{low}, {high}]; not passed: {failed}"


@pytest.mark.parametrize("sid", IDS)
def test_scores_are_ordered(sid: str) -> None:
    ideal, mistakes, negligent = (card(sid, k).score for k in KINDS)
    assert ideal > mistakes > negligent, f"{sid}: ideal {ideal}, mistakes {mistakes}, negligent {negligent}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sid", IDS)
def test_script_refuses_nothing(sid: str, kind: str) -> None:
    """A refused step is silently skipped by the runner, so the score would no longer follow the script as written."""
    events = played(sid, kind).events
    refused = [(e.t, e.action, e.reason) for e in events if isinstance(e, ActionRefusal)]
    assert not refused, f"{sid}/{kind}: {refused}"
