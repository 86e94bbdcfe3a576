"""`warroom validate`, `warroom playbooks` and their exit codes, output formats and refusals."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tui.cli import main

FIXTURES = Path(__file__).parent / "sim" / "fixtures"


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    # Every outcome is a deliberate exit, never an exception escaping the command.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def drills(tmp_path: Path) -> Path:
    """The bundled layout in miniature: a playbook, a scenario, and a script in scripts/<scenario-id>/."""
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "library").mkdir()
    (tmp_path / "scripts" / "tiny-outage").mkdir(parents=True)
    shutil.copy(FIXTURES / "playbook.yaml", tmp_path / "playbooks" / "tiny.yaml")
    shutil.copy(FIXTURES / "scenario.yaml", tmp_path / "library" / "tiny-outage.yaml")
    shutil.copy(FIXTURES / "script.yaml", tmp_path / "scripts" / "tiny-outage" / "ideal.yaml")
    return tmp_path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user data dir, so user content never leaks in from the developer's machine."""
    path = tmp_path / "home"
    (path / "playbooks").mkdir(parents=True)
    monkeypatch.setenv("WARROOM_HOME", str(path))
    return path


def test_a_valid_folder_exits_0(drills: Path, home: Path) -> None:
    result = run("validate", str(drills))
    assert result.exit_code == 0, result.output
    assert result.output == "3 files checked: 3 valid, 0 invalid\n"


def test_an_invalid_file_exits_1_with_located_problems(drills: Path, home: Path) -> None:
    scenario = drills / "library" / "tiny-outage.yaml"
    scenario.write_text(scenario.read_text().replace("  severity: SEV1", "  severty: SEV1"))
    result = run("validate", str(drills))
    assert result.exit_code == 1
    script = drills / "scripts" / "tiny-outage" / "ideal.yaml"
    assert result.output.splitlines() == [
        f"{scenario}:11:3: unknown key 'severty' in truth — did you mean 'severity'?",
        f"{script}:1:1: warning: scenario 'tiny-outage' ({scenario}) does not load, so the steps could not be "
        "checked against it — its steps were checked against the standard actions only",
        # Without its scenario, nothing is known to offer the scenario's own action.
        f"{script}:5:16: action 'rollback' is not a standard action, and no scenario is known to offer it — "
        "put the script in scripts/<scenario-id>/, or name it: warroom validate --scenario ID FILE",
        "3 files checked: 1 valid, 2 invalid, 1 warning",
    ]


def test_scripts_are_checked_against_their_scenario(drills: Path, home: Path) -> None:
    script = drills / "scripts" / "tiny-outage" / "ideal.yaml"
    script.write_text(script.read_text().replace("do: rollback", "do: rolback"))
    result = run("validate", str(drills))
    assert result.exit_code == 1
    assert f"{script}:5:16: action 'rolback' is not defined" in result.output
    assert "did you mean 'rollback'?" in result.output


def test_a_playbook_elsewhere_in_the_validated_set_resolves(tmp_path: Path, home: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(FIXTURES / "scenario.yaml", tmp_path / "a" / "s.yaml")
    shutil.copy(FIXTURES / "playbook.yaml", tmp_path / "b" / "p.yaml")
    assert run("validate", str(tmp_path / "a")).exit_code == 1  # alone, 'tiny' is nowhere to be found
    assert run("validate", str(tmp_path / "a"), str(tmp_path / "b")).exit_code == 0


def test_a_user_playbook_resolves(tmp_path: Path, home: Path) -> None:
    shutil.copy(FIXTURES / "scenario.yaml", tmp_path / "s.yaml")
    assert run("validate", str(tmp_path / "s.yaml")).exit_code == 1
    shutil.copy(FIXTURES / "playbook.yaml", home / "playbooks" / "tiny.yaml")
    assert run("validate", str(tmp_path / "s.yaml")).exit_code == 0


def test_json_output(drills: Path, home: Path) -> None:
    bad = drills / "library" / "broken.yaml"
    bad.write_text("id: x\ntruth: {}\n")
    result = run("validate", "--format", "json", str(drills))
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert (out["valid"], out["invalid"]) == (3, 1)
    by_path = {f["path"]: f for f in out["files"]}
    entry = by_path[str(bad)]
    assert (entry["kind"], entry["valid"], entry["id"]) == ("scenario", False, None)
    assert entry["problems"][0] == {
        "path": str(bad),
        "line": 1,
        "col": 1,
        "severity": "error",
        "message": "missing required key 'title'",
        "hint": "",
    }
    good = by_path[str(drills / "playbooks" / "tiny.yaml")]
    assert (good["kind"], good["valid"], good["id"], good["problems"]) == ("playbook", True, "tiny", [])


def test_usage_errors_exit_2(tmp_path: Path, home: Path) -> None:
    result = run("validate", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "missing.yaml" in result.output
    assert run("validate").exit_code == 2
    assert run("validate", str(tmp_path)).exit_code == 2  # a folder with nothing to check


HOSTILE = {
    "empty.yaml": b"",
    "binary.yaml": bytes(range(256)),
    "tags.yaml": b"id: !!python/object/apply:os.system ['true']\n",
    "deep.yaml": b"[" * 20_000,
    "bomb.yaml": b"a: &a [x,x,x,x,x,x,x,x,x]\n"
    + b"".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n".encode() for p, c in pairwise("abcdefghi")),
}


def test_hostile_files_are_each_one_clear_line(tmp_path: Path, home: Path) -> None:
    for name, data in HOSTILE.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "dir.yaml").mkdir()  # a directory named like a file: searched, and empty
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[-1] == f"{len(HOSTILE)} files checked: 0 valid, {len(HOSTILE)} invalid"
    assert len(lines) == len(HOSTILE) + 1
    located = re.compile(rf"^{re.escape(str(tmp_path))}/\w+\.yaml:\d+:\d+: \S")
    assert all(located.match(line) for line in lines[:-1]), lines


def test_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    proc = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert proc.stdout.startswith(f"{bad}:1:1: the file is not valid UTF-8 (byte 0xff)")


def test_playbooks_lists_bundled_and_user(home: Path) -> None:
    shutil.copy(FIXTURES / "playbook.yaml", home / "playbooks" / "tiny.yaml")
    (home / "playbooks" / "broken.yaml").write_text("id: broken\nname: B\nseverities: []\n")
    result = run("playbooks")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SEVERITIES", "FROM"]
    assert any(line.split()[:3] == ["tiny", "Tiny", "playbook"] and line.endswith("user") for line in lines)
    broken = next(line for line in lines if line.startswith("broken"))
    assert "does not load: 1 problem(s)" in broken
    listed = json.loads(run("playbooks", "--format", "json").output)
    tiny = next(e for e in listed if e["id"] == "tiny")
    assert (tiny["severities"], tiny["origin"], tiny["valid"]) == (["SEV1", "SEV2"], "user", True)


def test_playbooks_show_prints_the_sla_table(home: Path) -> None:
    shutil.copy(FIXTURES / "playbook.yaml", home / "playbooks" / "tiny.yaml")
    result = run("playbooks", "show", "tiny")
    assert result.exit_code == 0
    rows = {line.split("  ")[0]: line.split() for line in result.output.splitlines() if line and line[0] != " "}
    assert rows["label"][1:] == ["Critical", "Major"]
    assert rows["acknowledge"][1:] == ["5m", "15m"]
    assert rows["resolution"][1:] == ["1h", "—"]  # SEV2 states no resolution target
    assert rows["mitigation"][1:] == ["—", "—"]
    assert rows["internal update every"][3:] == ["30m", "—"]
    assert rows["pir within"][2:] == ["48h", "—"]
    assert "  SEV1: pages oncall; roles ic" in result.output
    assert "  SEV2: pages —; roles —" in result.output
    assert "  1. Primary: oncall (On-call engineer), 5m" in result.output
    assert "No-progress escalation (root cause still unknown): —" in result.output
    assert "  SEV1 after 30m: cto (CTO)" in result.output


def test_playbooks_show_json_is_the_model(home: Path) -> None:
    shutil.copy(FIXTURES / "playbook.yaml", home / "playbooks" / "tiny.yaml")
    data = json.loads(run("playbooks", "show", "tiny", "--format", "json").output)
    assert data["id"] == "tiny"
    assert data["severities"][0]["targets"]["acknowledge"] == "5m"
    assert data["escalation"]["chain"][1] == {"name": "Executive", "contact": "cto", "timeout": "15m"}


def test_playbooks_show_an_unknown_id(home: Path) -> None:
    shutil.copy(FIXTURES / "playbook.yaml", home / "playbooks" / "tiny.yaml")
    result = run("playbooks", "show", "tinny")
    assert result.exit_code == 2
    assert "playbook 'tinny' is not defined" in result.output
    assert "did you mean 'tiny'?" in result.output


def test_playbook_text_never_reaches_the_terminal_raw(home: Path) -> None:
    text = (FIXTURES / "playbook.yaml").read_text().replace("name: Tiny playbook", 'name: "Tiny \\e[2J"')
    path = home / "playbooks" / "tiny.yaml"
    path.write_text(text)
    for args in (("playbooks",), ("playbooks", "show", "tiny"), ("validate", str(path))):
        output = run(*args).output
        assert "\x1b" not in output
    # Text may not carry control codes at all: the file is refused, at the name's position.
    assert "tiny          (does not load: 1 problem(s)" in run("playbooks").output
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if text.startswith("name:"))
    assert f"{path}:{line}:7: name: control character \\x1b is not allowed in text" in run("validate", str(path)).output


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("duration: 99999999999h", "duration: '99999999999h' is longer than a drill may run: at most 168h (7 days)"),
        ("duration: 168h1s", "at most 168h"),
        ("seed: -1", "seed: should be greater than or equal to 0"),
        ("seed: 1e308", "seed: should be less than or equal to 9223372036854775807"),
        ("seed: 0xFFFFFFFFFFFFFFFFFFFF", "seed: should be less than or equal to 9223372036854775807"),
    ],
)
def test_duration_and_seed_are_bounded(tmp_path: Path, home: Path, line: str, problem: str) -> None:
    from scenarios import LIBRARY

    key = line.split(":")[0]
    text = (LIBRARY / "tutorial.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    at = next(i for i, text_line in enumerate(lines) if text_line.startswith(f"{key}:"))
    lines[at] = line
    path = tmp_path / "long.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:{at + 1}:{len(key) + 3}: " in result.output and problem in result.output


def test_the_longest_drill_and_largest_seed_are_valid(tmp_path: Path, home: Path) -> None:
    from scenarios import LIBRARY

    text = (LIBRARY / "tutorial.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^duration: .*$", "duration: 168h", text)
    text = re.sub(r"(?m)^seed: .*$", "seed: 9223372036854775807", text)
    path = tmp_path / "week.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", [["run", "tutorial"], ["play", "tutorial"], ["calibrate", "tutorial"]])
@pytest.mark.parametrize("seed", ["-1", "9223372036854775808"])
def test_seed_options_are_bounded(command: list[str], seed: str) -> None:
    result = CliRunner().invoke(main, [*command, "--seed", seed])
    assert result.exit_code == 2
    assert "Invalid value for '--seed'" in result.output and "0<=x<=9223372036854775807" in result.output


def test_the_seed_range_is_the_formats() -> None:
    from sim.format.scenario import SEED_MAX
    from tui.cli import SEED

    assert (SEED.min, SEED.max) == (0, SEED_MAX)


def test_a_script_is_checked_against_the_scenario_named(tmp_path: Path, home: Path) -> None:
    script = tmp_path / "mine.yaml"
    script.write_text("- {at: 1m, do: acknowledge}\n- {at: 5m, do: revert-config}\n- {at: 6m, do: rm-rf-everything}\n")
    alone = run("validate", str(script))
    assert alone.exit_code == 1
    # Outside scripts/<scenario-id>/, only the standard actions are known: both others are errors.
    assert sum("is not a standard action, and no scenario is known to offer it" in ln
               for ln in alone.output.splitlines()) == 2  # fmt: skip
    named = run("validate", "--scenario", "tutorial", str(script))
    assert named.exit_code == 1
    assert [ln.split(": ", 1)[1] for ln in named.output.splitlines()[:-1]] == [
        "action 'rm-rf-everything' is not defined; defined actions: acknowledge, assign_role, brief_executives, "
        "brief_support, declare, investigate, notify_customers, open_channel, page, post_update, resolve, "
        "schedule_pir, status_page, revert-config, restart-redis"
    ]
    assert run("validate", "--scenario", "nope", str(script)).exit_code == 2


def test_a_misspelt_timer_gets_a_did_you_mean(tmp_path: Path, home: Path) -> None:
    from scenarios import LIBRARY

    text = (LIBRARY / "tutorial.yaml").read_text()
    assert "at: " in text
    bad = text.replace(
        "injects:\n", "injects:\n  - {id: late, kind: chat, text: hi, trigger: {timer_expired: sla.statuspage}}\n", 1
    )
    path = tmp_path / "tutorial.yaml"
    path.write_text(bad)
    result = run("validate", str(path))
    assert (
        "warning: no drill runs a timer 'sla.statuspage', so this inject never fires — did you mean 'sla.status_page'?"
        in result.output
    )


def test_playbooks_show_states_its_triggers_procedures_and_follow_up() -> None:
    out = run("playbooks", "show", "samplemind").output
    triggers = out.split("Triggers (when this holds -> what the playbook asks)\n")[1]
    assert "  executive (Escalation triggers › Escalate to Executive): Escalate to the executive" in triggers
    assert "    -> page cto (CTO), within 15m" in triggers
    assert "    -> page security-lead (Security Lead), at once" in triggers
    # The whole procedure, `#incident-response` included: a YAML comment once cut it short.
    assert "post to #incident-response and create the incident channel." in out
    assert "  weekly-review: Review action items in the weekly engineering meeting, within 168h" in out
