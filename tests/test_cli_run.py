"""`warroom run` and `warroom resume`: scripted headless drills, their output, their errors, and a run
killed with SIGKILL mid-drill that resumes from its journal to the very same journal."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.kill import kill_when
from tests.sim.engine_fixtures import HERE, IDEAL_PATH, PLAYBOOK_PATH, SCENARIO_PATH
from tui.cli import main

ROOT = Path(__file__).resolve().parents[1]


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_run_prints_the_timeline_and_the_final_state() -> None:
    code, out, _ = warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("T+00:00:00  drill.started     pool-leak starts: INC-")
    assert any(line == "T+00:07:00  action.started    trainee starts acknowledge" for line in lines)
    assert "Final state at T+00:35:00: resolved (verified), severity SEV2" in out
    # Scenario text goes out as written: the brackets in the page text are not markup.
    assert "[INC-" in out


def test_run_json_holds_header_events_and_state(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    code, out, _ = warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--format", "json", "--journal", journal)
    assert code == 0
    data = json.loads(out)
    assert data["header"]["scenario"] == "pool-leak"
    assert data["state"]["status"] == "resolved"
    assert data["state"]["end_reason"] == "resolved"
    recorded = [json.loads(line) for line in journal.read_text().splitlines()[1:]]
    assert data["events"] == recorded


def test_the_journal_records_the_playbook_file_the_scenario_was_checked_against(tmp_path: Path) -> None:
    """Beside the scenario beats a `playbooks/` folder beside its folder, for the loader and for the file the
    journal records (which resume reads); before, the recorded file was looked for in the opposite order."""
    home = tmp_path / "drills"
    (home / "playbooks").mkdir(parents=True)
    (home / "ops").mkdir()
    playbook = PLAYBOOK_PATH.read_text()
    (home / "playbooks" / "drillbook.yaml").write_text(playbook.replace("name: ", "name: Far ", 1))
    (home / "ops" / "drillbook.yaml").write_text(playbook.replace("name: ", "name: Near ", 1))
    scenario = home / "ops" / "pool-leak.yaml"
    scenario.write_text(SCENARIO_PATH.read_text())
    journal = tmp_path / "j.jsonl"
    code, out, err = warroom("run", scenario, "--until", "1m", "--format", "json", "--journal", journal)
    assert code == 0, err
    header = json.loads(out)["header"]
    assert header["playbook_path"] == str(home / "ops" / "drillbook.yaml")
    assert header["playbook_hash"] == hashlib.sha256((home / "ops" / "drillbook.yaml").read_bytes()).hexdigest()


def test_run_by_id_with_seed_and_until() -> None:
    code, out, _ = warroom("run", "pool-leak", "--scenarios", HERE / "library", "--seed", "5", "--until", "20m")
    assert code == 0
    assert "(seed 5)" in out
    assert "Final state at T+00:20:00: detected" in out


def test_run_refuses_what_it_cannot_find_or_read(tmp_path: Path) -> None:
    code, _, err = warroom("run", "no-such-scenario")
    assert code == 2
    assert "no-such-scenario" in err
    code, _, err = warroom("run", SCENARIO_PATH, "--until", "soon")
    assert code == 2
    assert "--until" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {at: 1m, do: levitate}\n")
    code, _, err = warroom("run", SCENARIO_PATH, "--actions", bad)
    assert code == 1
    assert f"{bad}:1:" in err
    assert "Traceback" not in err


def test_resume_refuses_a_damaged_journal(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text("not json\n")
    code, _, err = warroom("resume", journal)
    assert code == 1
    assert "not valid JSON" in err


def test_a_run_killed_mid_drill_resumes_to_the_same_journal(tmp_path: Path) -> None:
    reference, killed = tmp_path / "reference.jsonl", tmp_path / "killed.jsonl"
    code, _, _ = warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--journal", reference)
    assert code == 0
    # --pace sleeps 50 ms of wall time per sim minute, so the run is still going when it is killed.
    args = ["run", str(SCENARIO_PATH), "--actions", str(IDEAL_PATH), "--journal", str(killed), "--pace", "0.05"]
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    kill_when(proc, lambda: b'"t":720.0' in (killed.read_bytes() if killed.exists() else b""), "paced run", "T+12m")
    assert proc.returncode == -signal.SIGKILL
    assert b"drill.ended" not in killed.read_bytes()
    code, out, _ = warroom("resume", killed, "--actions", IDEAL_PATH)
    assert code == 0
    assert "Final state at T+00:35:00: resolved (verified)" in out
    assert killed.read_bytes() == reference.read_bytes()


def test_resume_without_a_terminal_says_to_add_headless(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    assert warroom("run", SCENARIO_PATH, "--until", "10m", "--journal", journal)[0] == 0
    code, _, err = warroom("resume", journal)
    assert code == 2
    assert "--headless" in err
    code, out, _ = warroom("resume", journal, "--headless")
    assert code == 0
    assert "drill ended (timeout)" in out


def test_a_refused_step_is_reported_on_stderr_and_strict_exits_1(tmp_path: Path) -> None:
    script = tmp_path / "s.yaml"
    # Two looks at once: the second is refused. A third at the instant the first finishes starts.
    script.write_text(
        "- {at: 11m, do: investigate, target: logs}\n- {at: 12m, do: investigate, target: deploys}\n"
        "- {at: 14m, do: investigate, target: dashboards}\n"
    )
    code, out, err = warroom("run", SCENARIO_PATH, "--actions", script, "--until", "20m")
    assert code == 0
    assert err.splitlines() == [
        "warroom: the step at T+00:12:00 (investigate) was refused: Investigate is already under way (done at "
        "T+00:14:00)"
    ]
    assert "T+00:14:00  action.started    trainee starts investigate target=dashboards" in out.splitlines()
    code, _, err = warroom("run", SCENARIO_PATH, "--actions", script, "--until", "20m", "--strict")
    assert code == 1 and err.splitlines()[-1] == "warroom: 1 step was refused (--strict)"
    assert warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--strict")[0] == 0
