"""`warroom new` then `warroom lint`: a scaffold validates at once, and lint points at what is left to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_new_from_flags_validates_and_lints_to_todos(home: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(main, ["new", "--playbook", "samplemind", "--type", "cost-spike", "--title", "GPU bill"])
    assert made.exit_code == 0, made.output
    path = home / "scenarios" / "gpu-bill.yaml"
    assert path.is_file()
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    linted = runner.invoke(main, ["lint", str(path)])
    assert linted.exit_code == 0  # warnings alone pass without --strict
    lines = [ln for ln in linted.stdout.splitlines() if ln]
    assert lines and all(
        re.match(rf"{re.escape(str(path))}:\d+:\d+: warning: placeholder left unfilled", ln) for ln in lines
    )
    assert runner.invoke(main, ["lint", "--strict", str(path)]).exit_code == 1


def test_new_refuses_to_overwrite(home: Path) -> None:
    args = ["new", "--playbook", "samia", "--type", "outage", "--title", "Twice"]
    assert CliRunner().invoke(main, args).exit_code == 0
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 2 and "--force" in again.output


def test_new_unknown_playbook_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(main, ["new", "--playbook", "nope", "--type", "outage", "--title", "x"])
    assert result.exit_code == 2 and "no playbook 'nope'" in result.output


def test_new_asks_what_the_flags_do_not_say(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tui.cli.new._interactive", lambda: True)
    result = CliRunner().invoke(main, ["new"], input="mindweave\nbreach\nStolen keys\nhard\n")
    assert result.exit_code == 0, result.output
    text = (home / "scenarios" / "stolen-keys.yaml").read_text()
    assert "playbook: mindweave" in text and "difficulty: hard" in text and "category: security" in text


def test_lint_reports_positions_as_json(home: Path, tmp_path: Path) -> None:
    CliRunner().invoke(main, ["new", "--playbook", "samia", "--type", "data", "--title", "Bad rows", "-o",
                              str(tmp_path / "d.yaml")])  # fmt: skip
    text = (tmp_path / "d.yaml").read_text().replace("critical: 5}", "critical: 50}", 1)
    (tmp_path / "d.yaml").write_text(text)
    result = CliRunner().invoke(main, ["lint", "--format", "json", str(tmp_path / "d.yaml")])
    [entry] = json.loads(result.stdout)
    messages = [p["message"] for p in entry["problems"]]
    assert any(m.startswith("no fault ever takes bad_rows past its critical threshold (50)") for m in messages)
    line = next(p["line"] for p in entry["problems"] if "bad_rows past" in p["message"])
    assert "critical: 50" in text.splitlines()[line - 1]


def test_lint_reports_load_errors_and_fails(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntruth: {severity: SEV1}\n")
    result = CliRunner().invoke(main, ["lint", str(bad)])
    assert result.exit_code == 1 and f"{bad}:" in result.stdout


def test_lint_places_a_fix_warning_on_the_fix_line(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "o.yaml"
    CliRunner().invoke(main, ["new", "--playbook", "samia", "--type", "outage", "--title", "Down", "-o", str(path)])
    text = path.read_text().replace("  fix: all\n", "  fix: any\n")
    path.write_text(text)
    line = text.splitlines().index("  fix: any") + 1
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert (
        f"{path}:{line}:8: warning: fix: any, but fixed_by lists one action ('rollback'): there is nothing to "
        "choose between — list the other actions that fix it too, or drop fix"
    ) in result.stdout.splitlines()


def test_lint_warns_when_the_declared_difficulty_disagrees_with_the_bots(tmp_path: Path) -> None:
    from scenarios import LIBRARY

    text = (LIBRARY / "queue-backlog.yaml").read_text()  # easy: typical trainees pass about 80%
    path = tmp_path / "queue-backlog.yaml"
    path.write_text(text.replace("difficulty: easy", "difficulty: hard"))
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "samplemind.yaml").write_text(
        (LIBRARY.parent / "playbooks" / "samplemind.yaml").read_text()
    )
    line = text.splitlines().index("difficulty: easy") + 1
    result = CliRunner().invoke(main, ["lint", str(path)])
    warning = next(ln for ln in result.stdout.splitlines() if "declared hard" in ln)
    assert warning.startswith(f"{path}:{line}:13: warning: declared hard, but it measures easy: typical simulated")
    assert "set difficulty: easy" in warning
    quiet = CliRunner().invoke(main, ["lint", "--no-difficulty", str(path)])
    assert "declared" not in quiet.stdout
    path.write_text(text)
    assert "declared" not in CliRunner().invoke(main, ["lint", str(path)]).stdout
