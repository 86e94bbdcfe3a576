"""Timing helpers (interleaved medians, child processes, CPU and peak memory), the results table and its JSON."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
# The `warroom` command as installed next to this interpreter (what `make bench` sets up), else its module.
_SCRIPT = Path(PYTHON).with_name("warroom")
WARROOM = [str(_SCRIPT)] if _SCRIPT.is_file() else [PYTHON, "-c", "from tui.cli import main; main()"]
# Children import the project from the checkout they are run in, whatever the caller's working directory.
CHILD_ENV = {"PYTHONPATH": str(ROOT), "TEXTUAL_ANIMATIONS": "none"}


@dataclass(frozen=True, slots=True)
class Figure:
    id: str
    what: str
    measured: str  # the thing itself, in its own unit
    baseline: str  # what it is compared with, measured in the same run
    ratio: float
    goal: str
    met: bool
    runs: int = 1  # how many measured repeats the median is over (each side)
    note: str = ""  # what a reader needs to trust or reproduce the figure


# In-process timings count this process's CPU time, not wall time: both sides of a comparison run on one
# thread without waiting on anything, so the two agree on a quiet machine, and on a shared one the time
# spent descheduled while someone else's job runs does not count against either side.
CLOCK = time.process_time


def median_time(fn: Callable[[], object], repeat: int = 9, warmup: int = 1) -> float:
    """Median CPU seconds of `fn()` over `repeat` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return statistics.median(times)


def median_pair(
    fn: Callable[[], object], base: Callable[[], object], repeat: int = 9, warmup: int = 1
) -> tuple[float, float, float]:
    """Median CPU seconds of `fn()` and of `base()`, run alternately so that both see the same machine
    (a burst of load elsewhere touches a run of each rather than all of whichever went second), and the
    median of `fn / base` over the pairs: the ratio to report, as this machine's speed drifts by up to a
    fifth over seconds and the two runs of a pair see the same speed. (With an odd `repeat`, the median
    of the inverse ratios is the inverse of this one.)"""
    for _ in range(warmup):
        fn()
        base()
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(repeat):
        for f, out in ((fn, ours), (base, theirs)):
            t0 = CLOCK()
            f()
            out.append(CLOCK() - t0)
    return statistics.median(ours), statistics.median(theirs), paired_ratio(ours, theirs)


def paired_ratio(ours: Sequence[float], base: Sequence[float]) -> float:
    """The median of `ours[i] / base[i]`: runs made back to back see one speed of this drifting machine."""
    return statistics.median(a / b for a, b in zip(ours, base, strict=True))


def run_process(args: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> tuple[float, str]:
    """Run a child process to its end; return (wall seconds, stdout). Fails loudly if the child fails."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        args, capture_output=True, text=True, cwd=ROOT, env={**os.environ, **CHILD_ENV, **(env or {})}, timeout=timeout
    )
    wall = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, proc.stdout


def child_result(args: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> dict[str, float]:
    """Run a child process; its last stdout line is a JSON object of figures, returned."""
    _, out = run_process(args, env, timeout)
    return json.loads(out.strip().splitlines()[-1])


# Appended to a child's code: print its own peak resident memory (KiB) as JSON.
#
# Why VmHWM and not `resource.getrusage(RUSAGE_SELF).ru_maxrss`: on Linux, ru_maxrss survives exec. The
# kernel folds the high-water mark of the memory image that exec replaces into the new program's figure,
# and subprocess starts children with vfork, whose image *is* the parent's. So every child reported at
# least the benchmark runner's own RSS (35 MiB and growing), and the import-only baseline came out as big
# as the drill. VmHWM belongs to the child's own address space, which exec creates fresh.
PEAK_RSS = """
import json as _json, resource as _resource
try:
    with open("/proc/self/status") as _f:
        _kib = next(int(_l.split()[1]) for _l in _f if _l.startswith("VmHWM:"))
except OSError:  # not Linux: ru_maxrss (KiB here, bytes on macOS) is the best there is
    _kib = _resource.getrusage(_resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
print(_json.dumps({"peak_kib": _kib}))
"""


def peak_rss_kib(code: str) -> int:
    """Peak resident memory (KiB) of a fresh interpreter that runs `code` and nothing else."""
    return int(child_result([PYTHON, "-c", "import sys\n" + code + "\n" + PEAK_RSS])["peak_kib"])


def machine() -> dict[str, str]:
    cpu = ""
    try:
        cpu = next(ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                   if ln.startswith("model name"))  # fmt: skip
    except (OSError, StopIteration):
        cpu = platform.processor()
    return {"cpu": cpu, "cores": str(os.cpu_count()), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}  # fmt: skip


def busy_elsewhere(seconds: float = 1.0) -> float:
    """How many CPUs other processes kept busy over the last `seconds` (Linux; 0.0 where unknown).

    Printed with the results: parallel efficiency and CPU-per-refresh figures are only as good as the
    machine was quiet, and a reader should be able to tell a slow result from a busy machine.
    """

    def sample() -> tuple[float, float]:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        ticks = [float(x) for x in fields]
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0.0)
        return sum(ticks), idle

    try:
        total0, idle0 = sample()
        own0 = time.process_time()
        time.sleep(seconds)
        total1, idle1 = sample()
        own = time.process_time() - own0
    except (OSError, IndexError, ValueError):
        return 0.0
    cpus = os.cpu_count() or 1
    busy_share = 1.0 - (idle1 - idle0) / max(total1 - total0, 1.0)
    return max(0.0, busy_share * cpus - own / seconds)


def report(figures: list[Figure], path: Path | None, load: float = 0.0) -> str:
    """The table as text; with `path`, the figures and the machine as JSON there too."""
    lines = [f"{'id':3} {'what':46} {'measured':>22} {'baseline':>26} {'ratio':>9}  {'goal':11} met  runs"]
    for f in figures:
        lines.append(f"{f.id:3} {f.what[:46]:46} {f.measured:>22} {f.baseline:>26} {f.ratio:>8.3g}×  "
                     f"{f.goal:11} {'yes' if f.met else 'NO ':3}  {f.runs}")  # fmt: skip
    notes = [f"  {f.id}: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "notes:", *notes]
    info = machine()
    lines += ["", f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['system']}"]
    lines.append(f"other processes kept {load:.2f} CPUs busy when the run began")
    data = {"machine": info, "busy_elsewhere": round(load, 2), "figures": [asdict(f) for f in figures]}
    if path is not None:
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return "\n".join(lines)
