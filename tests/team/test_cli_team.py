"""`warroom host --headless` and `warroom join --headless`: the join line, a script played through both
commands, and one clear line (never a traceback) for each thing that can go wrong."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scoring.history import History, default_db
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def _host(*args: str) -> subprocess.Popen[str]:
    pipe = subprocess.PIPE
    return subprocess.Popen([sys.executable, "-m", "tui.cli", "host", "--headless", *args], cwd=ROOT,
                            stdin=subprocess.DEVNULL, stdout=pipe, stderr=pipe, text=True)  # fmt: skip


def _one_line(proc: subprocess.CompletedProcess[str], code: int) -> str:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    return proc.stderr


def test_a_script_played_through_host_and_join(tmp_path: Path) -> None:
    sock, journal = tmp_path / "h.sock", tmp_path / "team.jsonl"
    host = _host("tutorial", "--loose", "--speed", "400", "--listen", f"unix:{sock}", "--journal", str(journal),
                 "--team", "blue")  # fmt: skip
    try:
        assert host.stdout is not None
        line = host.stdout.readline().split()
        assert line[:3] == ["warroom", "join", f"unix:{sock}"] and line[3] == "--code"
        joined = _cli(*line[1:], "--name", "Sam", "--role", "incident-commander", "--headless", "--actions", "ideal")
        assert joined.returncode == 0, joined.stderr
        out, err = host.communicate(timeout=120)
    finally:
        host.kill()
    assert " as Sam (incident-commander); loose roles." in joined.stdout.splitlines()[0]
    assert "drill.ended" in joined.stdout
    assert host.returncode == 0, err
    assert "The drill ended (resolved) at" in out and str(journal) in out
    assert Path(f"{journal}.host.json").stat().st_mode & 0o077 == 0
    # The host stored it in the history, once; one person played, so it is Sam's drill, on team blue.
    assert "Stored in the drill history as #1" in out
    with History(default_db()) as history:
        rows = history.drills()
    assert [(r.kind, r.trainee, r.team) for r in rows] == [("solo", "Sam", "blue")]


def test_joining_nobody_is_one_line() -> None:
    err = _one_line(_cli("join", "127.0.0.1:1", "--code", "X", "--headless"), 1)
    assert err.startswith("warroom: cannot join 127.0.0.1:1:")


def test_a_wrong_code_is_one_line(tmp_path: Path) -> None:
    host = _host("tutorial", "--listen", f"unix:{tmp_path / 'h.sock'}", "--journal", str(tmp_path / "j.jsonl"))
    try:
        assert host.stdout is not None
        address = host.stdout.readline().split()[2]
        err = _one_line(_cli("join", address, "--code", "WRONG-CODE", "--headless"), 1)
        assert "wrong join code" in err
    finally:
        host.terminate()
        host.wait(30)


def test_a_network_address_without_tls_is_warned_about(tmp_path: Path) -> None:
    host = _host("tutorial", "--listen", "0.0.0.0:0", "--journal", str(tmp_path / "j.jsonl"))
    try:
        assert host.stderr is not None
        warning = host.stderr.readline()
        assert "unencrypted without --tls-cert/--tls-key" in warning
    finally:
        host.terminate()
        _, err = host.communicate(timeout=30)
    assert "Traceback" not in err


def test_usage_errors() -> None:
    runner = CliRunner()
    both = runner.invoke(main, ["host", "tutorial", "--resume", "x.jsonl", "--headless"])
    assert both.exit_code == 2 and "not both" in both.output
    assert runner.invoke(main, ["host", "--headless"]).exit_code == 2
    assert runner.invoke(main, ["host", "tutorial", "--tls-cert", __file__, "--headless"]).exit_code == 2
    script = runner.invoke(main, ["join", "127.0.0.1:1", "--code", "C", "--actions", "ideal"])
    assert script.exit_code == 2 and "--headless" in script.output
    _one_line(_cli("host", "no-such-scenario", "--headless"), 2)


def test_resume_without_a_seat_file_is_one_line(tmp_path: Path) -> None:
    journal = tmp_path / "solo.jsonl"
    assert _cli("run", "tutorial", "--until", "5m", "--journal", str(journal)).returncode == 0
    err = _one_line(_cli("host", "--resume", str(journal), "--headless"), 1)
    assert "seat file" in err
