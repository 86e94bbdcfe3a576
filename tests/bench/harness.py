"""Timing helpers, the results table and its JSON file."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    what: str
    measured: str  # the thing itself, in its own unit
    baseline: str  # what it is compared with, measured in the same run
    ratio: float
    goal: str
    met: bool


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall seconds of `fn()` over `repeat` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_process(args: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a child process to its end; return (wall seconds, stdout). Fails loudly if the child fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return wall, proc.stdout


# A child that prints its own peak RSS (KiB on Linux) as its last line, after running `code`.
PEAK_RSS = "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))  # fmt: skip
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}  # fmt: skip


def report(figures: list[Figure], path: Path) -> str:
    lines = [f"{'id':3} {'what':44} {'measured':>22} {'baseline':>22} {'ratio':>9}  goal         met"]
    for f in figures:
        lines.append(f"{f.id:3} {f.what[:44]:44} {f.measured:>22} {f.baseline:>22} {f.ratio:>8.2f}×  "
                     f"{f.goal:12} {'yes' if f.met else 'NO'}")  # fmt: skip
    path.write_text(json.dumps({"machine": machine(), "figures": [asdict(f) for f in figures]}, indent=2) + "\n")
    return "\n".join(lines)
