"""A host killed with SIGKILL part-way through a team drill is resumed with `warroom host --resume`; the seats
rejoin with the same code and their own names, and the drill goes on to the score the ideal script earns."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from scoring.grade import grade
from sim.journal.jsonl import read_journal
from sim.rerun.resume import resume
from sim.team.client import TeamClient, play_script
from sim.training.runner import run_script
from tests.team.helpers import NAMES, ROLES, ideal, opened, part

ROOT = Path(__file__).resolve().parents[2]
LOOKAHEAD = 3600.0  # every step reaches the host well before its time (see test_team_drill.py)


def _by_role(seats: list[TeamClient]) -> zip[tuple[TeamClient, str]]:
    return zip(seats, ROLES, strict=True)


def _host(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "host", "--headless", "--players", "3", *args],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


async def _join_line(proc: subprocess.Popen[str]) -> list[str]:
    assert proc.stdout is not None
    line = await asyncio.to_thread(proc.stdout.readline)
    assert line.startswith("warroom join "), (line, proc.stderr.read() if proc.poll() is not None else "")  # type: ignore[union-attr]
    return line.split()


async def test_a_host_killed_mid_drill_is_resumed_and_the_seats_rejoin(tmp_path: Path) -> None:
    o = opened()
    journal, sock = tmp_path / "team.jsonl", tmp_path / "host.sock"
    first = _host(o.scenario.id, "--listen", f"unix:{sock}", "--journal", str(journal), "--speed", "200")
    try:
        words = await _join_line(first)
        address, code = words[2], words[4]
        seats = [await TeamClient.connect(address, code, NAMES[r], role=r) for r in ROLES]
        plays = [asyncio.create_task(play_script(c, part(o, r), lookahead=LOOKAHEAD)) for c, r in _by_role(seats)]
        # Kill it once the tech lead's fix has been asked for but before the drill is over.
        assert await seats[0].wait_for(lambda c: c.now >= 11 * 60, 120)
        os.kill(first.pid, signal.SIGKILL)
        await asyncio.to_thread(first.wait, 60)
    finally:
        first.kill()
    assert first.returncode == -signal.SIGKILL
    for task in plays:
        await asyncio.wait_for(task, 30)  # each play ends when its connection does
    assert all(c.closed is not None and not c.finished for c in seats)
    assert b"drill.ended" not in journal.read_bytes()
    assert Path(f"{journal}.host.json").stat().st_mode & 0o077 == 0  # the code and tokens are the owner's alone

    second = _host("--resume", str(journal), "--listen", f"unix:{sock}")
    try:
        words = await _join_line(second)
        assert words[4] == code  # the same code
        again = [await c.reconnect(address, code) for c in seats]
        assert [c.welcome.you for c in again] == [NAMES[r] for r in ROLES]
        assert [p.role for p in again[0].lobby.players] == list(ROLES)  # the seats kept their roles
        await asyncio.gather(*(play_script(c, part(o, r), lookahead=LOOKAHEAD) for c, r in _by_role(again)))
        out, err = await asyncio.to_thread(second.communicate, timeout=120)
    finally:
        second.kill()
    assert second.returncode == 0, err
    assert "The drill ended (resolved)" in out
    for c in again:
        assert c.finished and c.notices == []
        await c.close()
    # One journal, whole: it replays exactly (resume proves every event), and it scores as the ideal script.
    resume(journal).close()
    team = grade(read_journal(journal).record, o.scenario, o.playbook)
    assert team.score == grade(run_script(o.scenario, o.playbook, ideal(o)).record, o.scenario, o.playbook).score
