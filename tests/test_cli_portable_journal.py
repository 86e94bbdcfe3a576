"""A journal made under another install (another venv, a moved folder) finds its scenario and playbook by id
and content wherever they now live, and falls back to the recorded paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios import LIBRARY
from tui.cli import main


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def recorded_elsewhere(tmp_path: Path) -> Path:
    """A tutorial journal whose header names files of an install that is gone."""
    journal = tmp_path / "part.jsonl"
    assert warroom("run", "tutorial", "--actions", "ideal", "--until", "15m", "--journal", journal)[0] == 0
    lines = journal.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    for key in ("scenario_path", "playbook_path"):
        header[key] = str(Path("/gone/venv/site-packages") / Path(header[key]).name)
    journal.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    return journal


def test_score_and_resume_find_the_same_files_by_id_and_content(tmp_path: Path) -> None:
    journal = recorded_elsewhere(tmp_path)
    code, out, err = warroom("score", journal)
    assert code == 0 and err == "" and "Score" in out
    code, out, _ = warroom("resume", journal, "--actions", "ideal")
    assert code == 0 and "drill.ended" in out


def test_a_changed_library_file_is_not_taken_for_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = recorded_elsewhere(tmp_path)
    # A user scenario with the tutorial's id shadows the bundled one, but its bytes differ: no match.
    home = tmp_path / "home"
    (home / "scenarios").mkdir(parents=True)
    text = (LIBRARY / "tutorial.yaml").read_text(encoding="utf-8")
    (home / "scenarios" / "tutorial.yaml").write_text(text.replace("Tutorial: a bad config push", "Changed"))
    monkeypatch.setenv("WARROOM_HOME", str(home))
    code, _, err = warroom("resume", journal, "--actions", "ideal")
    assert code == 1 and "no longer exists" in err
    shutil.rmtree(home / "scenarios")
    assert warroom("resume", journal, "--actions", "ideal")[0] == 0
