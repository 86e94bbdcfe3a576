"""Killing a drill part-way, as a crash or a closed terminal would: what the kill-and-resume tests share."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable


def kill_when(proc: subprocess.Popen[bytes], reached: Callable[[], bool], run: str, point: str) -> None:
    """SIGKILL `proc`, a drill paced through sim time, once `reached()` holds, and reap it. `run` and `point`
    name the drill and where it had to get, for the failure messages."""
    try:
        deadline = time.monotonic() + 120
        while not reached():
            assert proc.poll() is None, f"the {run} finished before it could be killed"
            assert time.monotonic() < deadline, f"the {run} never got to {point}"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
