"""E1 engine throughput, E2 sim speed, E3 calibration parallel efficiency, M1 peak memory."""

from __future__ import annotations

import json
import resource
from pathlib import Path

import simpy
from simpy.events import ProcessGenerator

from scenarios import LIBRARY, SCRIPTS
from scoring.calibrate import _init, _one, bot_seed
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.loading import load_script
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.training.runner import play
from tests.bench.harness import (
    CLOCK,
    PYTHON,
    WARROOM,
    Figure,
    child_result,
    median_pair,
    median_time,
    peak_rss_kib,
    run_process,
)
from tests.bench.workloads import FOUR_HOURS, four_hour_drill, four_hour_parts


def processed(env: simpy.Environment) -> int:
    """How many events `env` has processed: every event ever scheduled (SimPy's event id counter) less those
    still waiting in its queue. The same count for the drill and the bare loop, so the rates compare."""
    return next(env._eid) - len(env._queue)


def _ideal(path: Path) -> tuple[Scenario, Playbook, Script]:
    scenario, playbook, _, _ = Library().load_scenario(path)
    return scenario, playbook, load_script(SCRIPTS / scenario.id / "ideal.yaml", scenario, playbook)


def _run(scenario: Scenario, playbook: Playbook, script: Script) -> Drill:
    drill = Drill(scenario, playbook)
    play(drill, script.root)
    return drill


def heaviest() -> Path:
    """The bundled scenario whose ideal script makes SimPy do the most work."""
    scored = [(processed(_run(*_ideal(p)).env), p) for p in sorted(LIBRARY.glob("*.yaml"))
              if (SCRIPTS / p.stem / "ideal.yaml").is_file()]  # fmt: skip
    return max(scored)[1]


def bare_simpy(events: int) -> simpy.Environment:
    """One process yielding `env.timeout` until the environment has processed `events` events (the
    process's start and end are events too, hence the two fewer timeouts)."""
    env = simpy.Environment()

    def loop() -> ProcessGenerator:
        for _ in range(events - 2):
            yield env.timeout(1)

    env.process(loop())
    env.run()
    return env


def e1_times(path: str, repeat: int = 201) -> dict[str, float]:
    """E1's measurement, in the process that calls it: (drill, bare) pairs of CPU times, and the events."""
    loaded = _ideal(Path(path))  # loading is L1's business; E1 times the engine alone
    events = processed(_run(*loaded).env)
    assert processed(bare_simpy(events)) == events
    # Each run is a few milliseconds, so many repeats cost little and steady the median.
    drill_s, bare_s, slower = median_pair(lambda: _run(*loaded), lambda: bare_simpy(events), repeat=repeat, warmup=5)
    return {"drill_s": drill_s, "bare_s": bare_s, "slower": slower, "events": events}


def e1(path: Path, repeat: int = 201) -> Figure:
    """Measured in a fresh process that loads only this scenario, as `warroom run` and calibration workers
    are: not in this runner, whose heap holds every scenario `heaviest` played and what that left behind."""
    code = "import json\nfrom tests.bench.bench_engine import e1_times\n"
    code += f"print(json.dumps(e1_times({str(path)!r}, {repeat})))"
    r = child_result([PYTHON, "-c", code])
    drill_s, bare_s, events = r["drill_s"], r["bare_s"], int(r["events"])
    ratio = 1 / r["slower"]  # (events / drill_s) / (events / bare_s), pair by pair
    return Figure("E1", f"engine throughput, {path.stem} ideal", f"{events / drill_s:,.0f} ev/s",
                  f"{events / bare_s:,.0f} ev/s bare SimPy", ratio, "≥ 0.4×", ratio >= 0.4, repeat,
                  f"{events} SimPy events per drill, building the Drill included, loading YAML not")  # fmt: skip


def e2(path: Path) -> Figure:
    parts = four_hour_parts(path)
    assert four_hour_drill(*parts).now == FOUR_HOURS
    wall = median_time(lambda: four_hour_drill(*parts), repeat=9)
    ratio = FOUR_HOURS / wall
    return Figure("E2", f"sim speed, headless 4 h drill ({path.stem})", f"{wall * 1000:.1f} ms per 4 h",
                  "real time (4 h)", ratio, "≥ 50,000×", ratio >= 50_000, 9)  # fmt: skip


def e3(path: Path, runs: int = 1000, workers: int = 2, repeat: int = 5) -> Figure:
    """`warroom calibrate --runs 333 --workers 2` (999 drills) as a user runs it (a process, start-up included,
    timed on the wall clock), against the same bot drills played one after another in this process, each alone:
    their CPU time, which is what they would take on a machine with nothing else to do.

    This VM's CPU speed drifts over seconds (one pair of runs was seen to give 0.64 and another 1.21), so
    serial runs and commands alternate, S C S C … S, and each command is set against the mean of the two
    serial runs either side of it, which cancels a steady drift; the median of the `repeat` ratios is
    reported."""
    _init(str(path))
    profiles = ("novice", "typical", "expert")
    per = runs // len(profiles)  # `--runs` counts drills per profile
    jobs = [(k * 3 + j, p, bot_seed(0, k)) for k in range(per) for j, p in enumerate(profiles)]
    expected = [_one(job) for job in jobs[:30]]  # warm-up, and a check that the command plays the same drills
    cmd = [*WARROOM, "calibrate", str(path), "--runs", str(per), "--workers", str(workers), "--format", "json"]

    def serial() -> float:
        t0 = CLOCK()
        for job in jobs:
            _one(job)
        return CLOCK() - t0

    before = serial()
    pairs = []
    for _ in range(repeat):
        cpu_before = _children_cpu()
        cli_s, out = run_process(cmd)
        cli_cpu = _children_cpu() - cpu_before  # the command and its workers
        scores = [s["score"] for s in json.loads(out)["scores"][:30]]
        assert scores == [r.score for r in expected], "the command played different drills"
        after = serial()
        serial_s = (before + after) / 2
        pairs.append((serial_s / (workers * cli_s), serial_s, cli_s, cli_cpu))
        before = after
    efficiency, serial_s, cli_s, cli_cpu = sorted(pairs)[repeat // 2]
    spread = f"{min(p[0] for p in pairs):.2f}–{max(p[0] for p in pairs):.2f}"
    # CPU spent by the command against the serial work: what parallelism itself costs, whatever else runs.
    note = (f"efficiency = serial / ({workers} × wall), the command's start-up included, {spread} over the "
            f"{repeat} commands, each against the serial runs either side; the median one used {cli_cpu:.2f} CPU s "
            f"in all ({serial_s / cli_cpu:.0%} of it the drills' own work)")  # fmt: skip
    return Figure("E3", f"calibrate --runs {runs}, {workers} workers", f"{cli_s:.2f} s", f"{serial_s:.2f} s serial",
                  efficiency, "≥ 0.8", efficiency >= 0.8, repeat, note)  # fmt: skip


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def m1(path: Path, repeat: int = 3) -> Figure:
    """Against a process that imports only what any drill must (tests/bench/dependencies.py). The drill names
    its cast, so it has loaded Faker too: the child checks that, or the baseline would not be fair."""
    drill = ("from pathlib import Path\nfrom tests.bench.workloads import four_hour_drill, four_hour_parts\n"
             f"four_hour_drill(*four_hour_parts(Path({str(path)!r})))\n"
             "assert 'faker' in sys.modules, 'the drill named nobody: drop Faker from the baseline'")  # fmt: skip
    peaks, bases, bares = [], [], []
    for _ in range(repeat):
        peaks.append(peak_rss_kib(drill))
        bases.append(peak_rss_kib("import tests.bench.dependencies"))
        bares.append(peak_rss_kib("import simpy, yaml"))
    peak, base, bare = (sorted(x)[repeat // 2] for x in (peaks, bases, bares))
    ratio = peak / base
    return Figure("M1", f"peak RSS, headless 4 h drill ({path.stem})", f"{peak / 1024:.1f} MiB",
                  f"{base / 1024:.1f} MiB imports only", ratio, "≤ 1.5×", ratio <= 1.5, repeat,
                  f"VmHWM of a fresh process: loading, the drill and its interpreter. The baseline imports SimPy, "
                  f"PyYAML and Faker's generator and the cast's providers; without Faker it peaks at "
                  f"{bare / 1024:.1f} MiB, so Faker is {(base - bare) / 1024:.1f} MiB of it")  # fmt: skip
