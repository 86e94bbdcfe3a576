"""A TUI drill killed with SIGKILL mid-drill resumes from its journal and finishes to the very same journal
an uninterrupted run writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.kill import kill_when
from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def child(journal: Path, pause: float, home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "WARROOM_HOME": str(home), "TEXTUAL_ANIMATIONS": "none"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tui.kill_child", str(journal), str(pause)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def reached(journal: Path) -> float:
    """The sim time of the journal's last whole line (0 before it has one)."""
    lines = journal.read_bytes().split(b"\n")[1:-1] if journal.exists() else []
    return float(json.loads(lines[-1])["t"]) if lines else 0.0


def test_a_tui_drill_killed_mid_drill_resumes_to_the_uninterrupted_journal(tmp_path: Path) -> None:
    reference, killed = tmp_path / "reference.jsonl", tmp_path / "killed.jsonl"
    done = child(reference, 0.0, tmp_path / "home-a")
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err.decode()
    assert b'"kind":"drill.ended","reason":"timeout"' in reference.read_bytes()

    proc = child(killed, 0.1, tmp_path / "home-b")
    kill_when(proc, lambda: reached(killed) >= 600.0, "paced TUI", "T+10m")
    assert proc.returncode == -signal.SIGKILL
    assert b"drill.ended" not in killed.read_bytes()

    result = CliRunner().invoke(main, ["resume", str(killed), "--headless"])
    assert result.exit_code == 0, result.output
    assert killed.read_bytes() == reference.read_bytes()
