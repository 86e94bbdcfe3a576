"""`sim.journal.resolve`: a journal's scenario and playbook under each policy, as the TUI's resume and review (strict)
and the grading commands (lenient) get them; no command-line flags needed to see it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sim.engine.drill import Drill
from sim.format.library import Library
from sim.journal.drill_record import Header
from sim.journal.jsonl import read_journal
from sim.journal.resolve import Policy, Unresolved, resolve
from tests.sim.engine_fixtures import HERE, playbook, scenario


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    shutil.copytree(HERE, tmp_path / "fx", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    sc, pb = tmp_path / "fx" / "library" / "pool-leak.yaml", tmp_path / "fx" / "playbooks" / "drillbook.yaml"
    journal = tmp_path / "j.jsonl"
    Drill(scenario(), playbook(), journal=journal, scenario_path=sc, playbook_path=pb).close()
    return journal, sc, pb


POLICIES: tuple[Policy, ...] = ("strict", "lenient")


def header(journal: Path) -> Header:
    return read_journal(journal).header


def test_both_policies_agree_on_unchanged_files(files: tuple[Path, Path, Path]) -> None:
    journal = files[0]
    for policy in POLICIES:
        got = resolve(header(journal), journal, policy)
        assert (got.scenario, got.playbook, got.warnings) == (scenario(), playbook(), ())


@pytest.mark.parametrize("what", ["scenario", "playbook"])
def test_a_changed_file_is_refused_strictly_and_warned_about_leniently(
    files: tuple[Path, Path, Path], what: str
) -> None:
    journal, sc, pb = files
    changed = sc if what == "scenario" else pb
    changed.write_text(changed.read_text() + "# edited\n")
    with pytest.raises(Unresolved) as exc:
        resolve(header(journal), journal, "strict")
    assert (exc.value.journal, exc.value.what) == (journal, what)
    assert str(exc.value).startswith(f"{journal}: the {what} {changed} has changed since this drill was recorded")
    assert exc.value.hint == "restore the file as it was when the drill was recorded"
    with pytest.raises(Unresolved) as exc:
        resolve(header(journal), journal, "strict", override="--{what} FILE")
    assert exc.value.hint.endswith(f", or pass --{what} FILE")
    got = resolve(header(journal), journal, "lenient")
    assert got.scenario == scenario() and got.playbook == playbook()
    assert got.warnings == (
        f"{journal}: the {what} {changed} has changed since this drill was recorded; using it as it is now",
    )


def test_models_given_for_a_journal_without_files_are_checked_by_their_hash(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    Drill(scenario(), playbook(), journal=journal).close()
    h = header(journal)
    assert resolve(h, journal, "strict", scenario=scenario(), playbook=playbook()).warnings == ()
    other = scenario().model_copy(update={"duration": 60.0})
    with pytest.raises(Unresolved, match="the scenario 'pool-leak' is not the one the drill was recorded with"):
        resolve(h, journal, "strict", scenario=other, playbook=playbook())
    lenient = resolve(h, journal, "lenient", scenario=other, playbook=playbook())
    assert lenient.scenario is other and len(lenient.warnings) == 1
    # Neither model given, and the library has no 'drillbook': nothing to fall back on, whatever the policy.
    for policy in POLICIES:
        with pytest.raises(Unresolved, match="does not say where its playbook 'drillbook' is"):
            resolve(h, journal, policy, library=Library.bundled())
