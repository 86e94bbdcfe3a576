"""Calibration: Monte Carlo runs of simulated trainees over a scenario, spread over worker processes."""

from __future__ import annotations

import multiprocessing
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoring.grade import grade
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.training.bots import PROFILES, play

# Difficulty from the median score of typical trainees: what most of a team will get on a first try.
RATINGS = ((85.0, "easy"), (70.0, "medium"), (50.0, "hard"), (0.0, "brutal"))


@dataclass(frozen=True, slots=True)
class Run:
    index: int
    profile: str
    bot_seed: int
    score: float
    passed: bool
    failed: tuple[str, ...]  # ids of criteria failed in this run


@dataclass(frozen=True, slots=True)
class ProfileStats:
    profile: str
    runs: int
    mean: float
    median: float
    p10: float
    p90: float
    pass_rate: float


@dataclass(frozen=True, slots=True)
class Calibration:
    scenario: str
    seed: int
    runs: tuple[Run, ...]

    @property
    def pass_rate(self) -> float:
        return sum(r.passed for r in self.runs) / len(self.runs) if self.runs else 0.0

    def histogram(self, width: int = 10) -> list[tuple[int, int]]:
        """(bin start, count) for scores in bins of `width` points; 100 falls in the last bin."""
        counts = Counter(min(int(r.score // width) * width, 100 - width) for r in self.runs)
        return [(start, counts.get(start, 0)) for start in range(0, 100, width)]

    def by_profile(self) -> list[ProfileStats]:
        out = []
        for name in PROFILES:
            scores = sorted(r.score for r in self.runs if r.profile == name)
            if not scores:
                continue
            deciles = statistics.quantiles(scores, n=10, method="inclusive") if len(scores) > 1 else scores * 9
            passed = sum(r.passed for r in self.runs if r.profile == name)
            out.append(ProfileStats(name, len(scores), round(statistics.fmean(scores), 1),
                                    round(statistics.median(scores), 1), round(deciles[0], 1), round(deciles[-1], 1),
                                    round(passed / len(scores), 3)))  # fmt: skip
        return out

    def most_failed(self, top: int = 8) -> list[tuple[str, int]]:
        counts = Counter(c for r in self.runs for c in r.failed)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]

    @property
    def difficulty(self) -> str:
        stats = {s.profile: s for s in self.by_profile()}
        median = stats["typical"].median if "typical" in stats else statistics.median(r.score for r in self.runs)
        return next(label for floor, label in RATINGS if median >= floor)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "runs": len(self.runs),
            "pass_rate": round(self.pass_rate, 3),
            "difficulty": self.difficulty,
            "histogram": [{"from": start, "count": n} for start, n in self.histogram()],
            "profiles": [vars_of(s) for s in self.by_profile()],
            "most_failed": [{"criterion": c, "runs": n} for c, n in self.most_failed()],
            "scores": [{"profile": r.profile, "bot_seed": r.bot_seed, "score": r.score} for r in self.runs],
        }


def vars_of(obj: object) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]


def bot_seed(seed: int, index: int) -> int:
    """Independent, reproducible seeds per run (a large odd multiplier keeps neighbouring seeds apart)."""
    return (seed * 1_000_003 + index * 7_919) % (2**31)


# Each worker loads the scenario once, in its initializer, rather than once per run.
_loaded: tuple[Scenario, Playbook] | None = None


def _init(path: str) -> None:
    global _loaded
    opened = Library().load_scenario(Path(path))
    _loaded = (opened.scenario, opened.playbook)


def _one(job: tuple[int, str, int]) -> Run:
    index, profile, seed = job
    assert _loaded is not None, "worker not initialised"
    scenario, playbook = _loaded
    drill = play(Drill(scenario, playbook), profile, seed)
    card = grade(drill.record, scenario, playbook)
    failed = tuple(c.id for c in card.criteria if c.result == "fail")
    return Run(index, profile, seed, card.score, card.passed, failed)


def calibrate(
    path: str | Path,
    runs: int,
    *,
    seed: int = 0,
    profiles: Sequence[str] = ("novice", "typical", "expert"),
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> Calibration:
    """Play `runs` bot drills (profiles in turn), spread over `workers` processes (default: one per core).

    The result depends only on the scenario, `runs`, `seed` and `profiles`, never on the number of workers.
    """
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise ValueError(f"unknown bot profile {unknown[0]!r}; known: {', '.join(PROFILES)}")
    path = str(path)
    _init(path)  # fail here, with the loader's message, rather than in every worker
    assert _loaded is not None
    jobs = [(i, profiles[i % len(profiles)], bot_seed(seed, i)) for i in range(runs)]
    workers = max(1, min(workers or multiprocessing.cpu_count(), runs))
    results: list[Run] = []
    if workers == 1:
        for job in jobs:
            results.append(_one(job))
            if progress:
                progress(1)
    else:
        # Small chunks: a drill takes milliseconds, and the last chunk is work one worker does alone.
        chunk = max(1, runs // (workers * 64))
        # fork starts workers in milliseconds where the platform has it, with the scenario loaded above
        # already in them; spawn (elsewhere) starts fresh interpreters, which load it once each.
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        with context.Pool(workers, None if forking else _init, () if forking else (path,)) as pool:
            for run in pool.imap(_one, jobs, chunksize=chunk):
                results.append(run)
                if progress:
                    progress(1)
    return Calibration(_loaded[0].id, seed, tuple(results))
