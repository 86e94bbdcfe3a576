"""E1 engine throughput, E2 sim speed, E3 calibration parallel efficiency, M1 peak memory."""

from __future__ import annotations

import time
from pathlib import Path

import simpy

from scenarios import LIBRARY, SCRIPTS
from scoring.calibrate import _init, _one, bot_seed, calibrate
from sim.engine import Drill
from sim.library import playbooks_for
from sim.loading import load_scenario, load_script
from sim.playbook import Playbook
from sim.runner import play
from sim.scenario import Scenario
from sim.script import Script
from tests.bench.harness import PEAK_RSS, PYTHON, Figure, median_time, run_process
from tests.bench.workloads import FOUR_HOURS, four_hour_drill


def simpy_events(drill: Drill) -> int:
    """How many events SimPy has scheduled for this drill (its event id counter)."""
    return next(drill.env._eid)  # type: ignore[attr-defined]


def _ideal(path: Path) -> tuple[Scenario, Playbook, Script]:
    scenario = load_scenario(path)
    playbook = playbooks_for(path)[scenario.playbook]
    return scenario, playbook, load_script(SCRIPTS / scenario.id / "ideal.yaml", scenario, playbook)


def _run(scenario: Scenario, playbook: Playbook, script: Script) -> Drill:
    drill = Drill(scenario, playbook)
    play(drill, script.root)
    return drill


def heaviest() -> Path:
    """The bundled scenario whose ideal script makes SimPy do the most work."""
    scored = [(simpy_events(_run(*_ideal(p))), p) for p in sorted(LIBRARY.glob("*.yaml"))
              if (SCRIPTS / p.stem / "ideal.yaml").is_file()]  # fmt: skip
    return max(scored)[1]


def bare_simpy(n: int) -> None:
    env = simpy.Environment()

    def loop() -> object:
        for _ in range(n):
            yield env.timeout(1)

    env.process(loop())
    env.run()


def e1(path: Path) -> Figure:
    loaded = _ideal(path)  # loading is L1's business; E1 times the engine alone
    events = simpy_events(_run(*loaded))
    drill_s = median_time(lambda: _run(*loaded))
    bare_s = median_time(lambda: bare_simpy(events))
    ratio = (events / drill_s) / (events / bare_s)
    return Figure("E1", f"engine throughput, {path.stem} ideal", f"{events / drill_s:,.0f} ev/s",
                  f"{events / bare_s:,.0f} ev/s", ratio, "≥ 0.4×", ratio >= 0.4)  # fmt: skip


def e2(path: Path) -> Figure:
    assert four_hour_drill(path).now == FOUR_HOURS
    wall = median_time(lambda: four_hour_drill(path))
    ratio = FOUR_HOURS / wall
    return Figure("E2", f"headless 4 h drill ({path.stem})", f"{wall * 1000:.0f} ms", "real time (4 h)", ratio,
                  "≥ 50,000×", ratio >= 50_000)  # fmt: skip


def e3(path: Path, runs: int = 1000) -> Figure:
    _init(str(path))
    profiles = ("novice", "typical", "expert")
    t0 = time.perf_counter()
    for i in range(runs):
        _one((i, profiles[i % 3], bot_seed(0, i)))
    alone = time.perf_counter() - t0
    t0 = time.perf_counter()
    calibrate(path, runs, workers=2)
    parallel = time.perf_counter() - t0
    efficiency = alone / (2 * parallel)
    return Figure("E3", f"calibrate --runs {runs}, 2 workers", f"{parallel:.2f} s", f"{alone:.2f} s alone",
                  efficiency, "≥ 0.8", efficiency >= 0.8)  # fmt: skip


def m1(path: Path) -> Figure:
    drill = "from pathlib import Path\nfrom tests.bench.workloads import four_hour_drill\n"
    drill += f"four_hour_drill(Path({str(path)!r}))"
    peaks = [int(run_process([PYTHON, "-c", drill + PEAK_RSS])[1].split()[-1]) for _ in range(3)]
    bases = [int(run_process([PYTHON, "-c", "import simpy, yaml, pydantic" + PEAK_RSS])[1].split()[-1])
             for _ in range(3)]  # fmt: skip
    peak, base = sorted(peaks)[1], sorted(bases)[1]
    ratio = peak / base
    return Figure("M1", "peak RSS, headless 4 h drill", f"{peak / 1024:.1f} MiB", f"{base / 1024:.1f} MiB imports",
                  ratio, "≤ 1.5×", ratio <= 1.5)  # fmt: skip
