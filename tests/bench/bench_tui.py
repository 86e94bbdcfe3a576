"""T1 start-up to the first drill frame, T2 CPU per drill-screen refresh, T3 the sim clock's pace at 60x.

Each figure runs its apps headless in child processes (tests/bench/tui_child.py), one app per process,
with the user's data directory pointed at a scratch folder.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable

from tests.bench.harness import PYTHON, Figure, child_result, paired_ratio

CHILD = [PYTHON, "-m", "tests.bench.tui_child"]


def _child(mode: str, *args: float, home: str) -> dict[str, float]:
    env = {"WARROOM_HOME": home, "BENCH_SPAWNED": repr(time.time())}
    return child_result([*CHILD, mode, *map(str, args)], env)


def t1(repeat: int = 15) -> Figure:
    """Start-up latency, as CPU seconds from the process's start to the first frame (its wall-clock time on
    an idle machine: start-up reads only cached files), with the wall-clock medians in the note. The baseline
    is the bare app that first imports what any drill must (SimPy, PyYAML, Faker: tests/bench/dependencies.py),
    so the ratio is warroom's own start-up; the plain bare app is in the note. The ratios are of runs made
    back to back (`paired_ratio`)."""
    with tempfile.TemporaryDirectory() as home:
        ours, base, bare = [], [], []
        _child("first-frame-warroom", home=home)  # warm the page cache for all before timing any
        _child("first-frame-bare", 1, home=home)
        _child("first-frame-bare", home=home)
        for _ in range(repeat):  # alternately, so all see the same machine
            ours.append(_child("first-frame-warroom", home=home))
            base.append(_child("first-frame-bare", 1, home=home))
            bare.append(_child("first-frame-bare", home=home))
    assert all(r["faker_loaded"] for r in ours), (
        "warroom's first frame no longer loads Faker: drop it from the baseline"
    )
    ours_cpu, base_cpu, bare_cpu = ([r["first_frame_cpu_s"] for r in runs] for runs in (ours, base, bare))
    a, b = statistics.median(ours_cpu), statistics.median(base_cpu)
    wall_a, wall_b = (statistics.median(r["first_frame_s"] for r in runs) for runs in (ours, base))
    ratio, plain = paired_ratio(ours_cpu, base_cpu), paired_ratio(bare_cpu, base_cpu)
    wall = f"{wall_a * 1000:.0f} vs {wall_b * 1000:.0f} ms"
    return Figure("T1", "process start to first drill frame (tutorial)", f"{a * 1000:.0f} ms CPU",
                  f"{b * 1000:.0f} ms CPU bare app + deps", ratio, "≤ 1.6×", ratio <= 1.6, repeat,
                  f"headless, to the first composited frame (wall clock {wall}); the warroom child finds and "
                  f"loads the scenario and starts a journaled drill. The baseline is the bare app that first "
                  f"imports SimPy, PyYAML and Faker's generator and the cast's providers, as any drill must; the "
                  f"bare app alone ({statistics.median(bare_cpu) * 1000:.0f} ms CPU) takes {plain:.2f}× "
                  f"the baseline")  # fmt: skip


def t2(seconds: float = 5.0, warmup: float = 1.5, repeat: int = 3) -> Figure:
    with tempfile.TemporaryDirectory() as home:
        ours, ref, hz = [], [], []
        for _ in range(repeat):
            r = _child("refresh-warroom", seconds, warmup, home=home)
            ours.append(r["cpu_per_tick_s"])
            hz.append(r["hz"])
            ref.append(_child("refresh-sparklines", seconds, warmup, home=home)["cpu_per_tick_s"])
    a, b = statistics.median(ours), statistics.median(ref)
    ratio = a / b
    rate = statistics.median(hz)
    return Figure("T2", "CPU per drill-screen refresh, 10 Hz, 8 metrics", f"{a * 1000:.2f} ms",
                  f"{b * 1000:.2f} ms 8 Sparklines", ratio, "≤ 1.3×", ratio <= 1.3, repeat,
                  f"process CPU over {seconds:g} s of ticks after {warmup:g} s of warm-up; the drill at 60x, so "
                  f"each tick brings every metric a new sample (it ticked at {rate:.1f} Hz)")  # fmt: skip


def t3(seconds: float = 60.0, warmup: float = 2.0) -> Figure:
    with tempfile.TemporaryDirectory() as home:
        r = _child("pace-warroom", seconds, warmup, home=home)
    assert not r["finished"], "the drill ended inside the window; the bench scenario must last longer"
    expected = 60.0 * r["wall_s"]
    ratio = r["sim_s"] / expected
    return Figure("T3", "sim clock at 60x for 60 s of wall time", f"{r['sim_s']:.0f} sim s",
                  f"{expected:.0f} s = 60 × {r['wall_s']:.2f} s", ratio, "within 1%", abs(ratio - 1) <= 0.01, 1,
                  f"{r['ticks']:.0f} ticks, the longest gap between two {r['longest_gap_s'] * 1000:.0f} ms; "
                  f"{r['cpu_s'] / r['wall_s']:.0%} of a CPU")  # fmt: skip


def benchmarks() -> dict[str, Callable[[], Figure]]:
    return {"T1": t1, "T2": t2, "T3": t3}
