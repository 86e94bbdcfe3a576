"""From a journal back to its scenario and playbook, one way for every command (`sim.journal.resolve`): strict for
`resume` and `replay` (a file changed since the drill is refused: `file: what is wrong — hint`), lenient for
`score` and `report` (graded as the file is now, with a one-line warning). Never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from sim.engine.drill import Drill
from sim.format.library import Library
from tests.sim.engine_fixtures import HERE
from tui.cli import main

NO_TERMINAL = "warroom: the drill needs an interactive terminal"


class Recorded(NamedTuple):
    journal: Path
    scenario: Path
    playbook: Path


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Recorded:
    """An unfinished pool-leak drill, recorded from copies of its scenario and playbook files."""
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    shutil.copytree(HERE, tmp_path / "fx", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    scenario = tmp_path / "fx" / "library" / "pool-leak.yaml"
    journal = tmp_path / "pool-leak.jsonl"
    code, _, err = warroom("run", scenario, "--journal", journal, "--until", "10m")
    assert code == 0, err
    return Recorded(journal, scenario, tmp_path / "fx" / "playbooks" / "drillbook.yaml")


def edit(path: Path) -> None:
    """A change that leaves the drill as it was but not the file's bytes (its content hash)."""
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited since\n", encoding="utf-8")


STRICT = {"resume": ("resume", "{journal}", "--headless"), "replay": ("replay", "{journal}")}
LENIENT = {"score": ("score", "{journal}"), "report": ("report", "{journal}", "--format", "md")}


def command(args: tuple[str, ...], journal: Path) -> list[str]:
    return [a.format(journal=journal) for a in args]


def test_unchanged_files_pass_every_command_without_a_warning(recorded: Recorded) -> None:
    code, _, err = warroom(*command(LENIENT["score"], recorded.journal))
    assert (code, err) == (0, "")
    code, out, err = warroom(*command(LENIENT["report"], recorded.journal))
    assert (code, err) == (0, "") and out.startswith("# Post-Incident Review:")
    code, _, err = warroom(*command(STRICT["replay"], recorded.journal))
    assert code == 2 and err.startswith(NO_TERMINAL)  # found its files, then stopped for want of a terminal
    code, _, err = warroom(*command(STRICT["resume"], recorded.journal))
    assert code == 0, err


@pytest.mark.parametrize("what", ["scenario", "playbook"])
@pytest.mark.parametrize("name", STRICT)
def test_strict_commands_refuse_a_file_changed_since_the_drill(recorded: Recorded, name: str, what: str) -> None:
    changed = getattr(recorded, what)
    edit(changed)
    before = recorded.journal.read_bytes()
    code, out, err = warroom(*command(STRICT[name], recorded.journal))
    assert code == 1 and out == ""
    assert err.count("\n") == 1, err
    assert err.endswith(
        f"{recorded.journal}: the {what} {changed} has changed since this drill was recorded; replaying it would not "
        "give the same drill — restore the file as it was when the drill was recorded\n"
    )
    assert recorded.journal.read_bytes() == before  # a refused resume leaves the journal as it was


@pytest.mark.parametrize("what", ["scenario", "playbook"])
@pytest.mark.parametrize("name", LENIENT)
def test_lenient_commands_grade_a_changed_file_with_a_warning(recorded: Recorded, name: str, what: str) -> None:
    code, reference, _ = warroom(*command(LENIENT[name], recorded.journal))
    assert code == 0
    changed = getattr(recorded, what)
    edit(changed)
    code, out, err = warroom(*command(LENIENT[name], recorded.journal))
    assert code == 0
    assert out == reference  # the edit changed no content: the same grade
    assert err == (
        f"warroom: warning: {recorded.journal}: the {what} {changed} has changed since this drill was recorded; "
        "using it as it is now\n"
    )


@pytest.mark.parametrize("what", ["scenario", "playbook"])
@pytest.mark.parametrize("name", [*STRICT, *LENIENT])
def test_a_file_that_is_gone_is_refused_by_every_command(recorded: Recorded, name: str, what: str) -> None:
    gone = getattr(recorded, what)
    gone.unlink()
    code, _, err = warroom(*command({**STRICT, **LENIENT}[name], recorded.journal))
    assert code == 1 and err.count("\n") == 1, err
    problem = f"{recorded.journal}: the {what} it was recorded with, {gone}, no longer exists — restore the file"
    # Only the grading commands let the user name another file, and say so.
    assert err.endswith(problem + (f", or pass --{what} FILE\n" if name in LENIENT else "\n")), err


def test_a_file_given_in_place_of_the_recorded_one_is_checked_against_it(recorded: Recorded, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    shutil.copy(recorded.scenario, other)
    code, _, err = warroom("score", recorded.journal, "--scenario", other)
    assert (code, err) == (0, "")  # the same bytes: nothing to say
    edit(other)
    code, _, err = warroom("score", recorded.journal, "--scenario", other)
    assert code == 0
    assert err == (
        f"warroom: warning: {recorded.journal}: the scenario {other} differs from the one this drill was recorded "
        "with; using it as it is now\n"
    )
    other.write_text(recorded.scenario.read_text().replace("id: pool-leak", "id: pool-leak-2", 1))
    code, _, err = warroom("score", recorded.journal, "--scenario", other)
    assert code == 1
    assert f"{recorded.journal}: the journal records scenario 'pool-leak', but {other} holds 'pool-leak-2'" in err


def test_a_journal_naming_no_files_is_graded_from_the_library_without_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A drill built from loaded models records ids and the models' own hashes; the library's files must be
    # compared by the model's hash, not the file's (which always differs).
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    tutorial, playbook, _, _ = Library().open("tutorial")
    journal = tmp_path / "j.jsonl"
    drill = Drill(tutorial, playbook, journal=journal)
    drill.advance(600)
    drill.close()
    for args in (("score", journal), ("report", journal, "--format", "json")):
        code, _, err = warroom(*args)
        assert (code, err) == (0, ""), args
