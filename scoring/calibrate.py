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
from sim.format.checks import Finding
from sim.format.library import Library
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.training.bots import PROFILES, play

# A scenario's measured difficulty is how often the typical simulated trainee passes it (scores 70 or more):
# what most of a team will manage on a first try. Bands of the typical pass rate, documented in
# scenarios/README.md ("Honest difficulty").
BANDS: dict[str, tuple[float, float]] = {"easy": (0.75, 1.0), "medium": (0.40, 0.75), "hard": (0.0, 0.40)}
# `warroom lint` warns only when the rate is this far outside the declared band: a few dozen runs are a
# sample, and a scenario near a boundary should not flip its warning with every edit.
MARGIN = 0.10
LINT_RUNS = 60  # typical trainees `warroom lint` plays per scenario


def rated(pass_rate: float) -> str:
    """The difficulty a typical pass rate makes."""
    return next(name for name, (low, _) in BANDS.items() if pass_rate >= low)


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
    declared: str = ""  # the difficulty the scenario states

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
    def typical_pass_rate(self) -> float:
        """How often the typical trainee passed (every run's rate when no typical trainee played)."""
        typical = [r for r in self.runs if r.profile == "typical"] or list(self.runs)
        return sum(r.passed for r in typical) / len(typical) if typical else 0.0

    @property
    def difficulty(self) -> str:
        """The measured difficulty (`rated` from the typical pass rate)."""
        return rated(self.typical_pass_rate)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "seed": self.seed,
            "runs": len(self.runs),
            "runs_per_profile": max((s.runs for s in self.by_profile()), default=0),
            "pass_rate": round(self.pass_rate, 3),
            "typical_pass_rate": round(self.typical_pass_rate, 3),
            "difficulty": self.difficulty,
            "declared_difficulty": self.declared,
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
    """Play `runs` bot drills per profile (profiles in turn), spread over `workers` processes (default: one
    per core). The k-th run of every profile uses the same bot seed, so the typical runs are the very ones
    `measure` plays.

    The result depends only on the scenario, `runs`, `seed` and `profiles`, never on the number of workers.
    """
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise ValueError(f"unknown bot profile {unknown[0]!r}; known: {', '.join(PROFILES)}")
    path = str(path)
    _init(path)  # fail here, with the loader's message, rather than in every worker
    assert _loaded is not None
    jobs = [(k * len(profiles) + j, p, bot_seed(seed, k)) for k in range(runs) for j, p in enumerate(profiles)]
    total = len(jobs)
    workers = max(1, min(workers or multiprocessing.cpu_count(), total))
    results: list[Run] = []
    if workers == 1:
        for job in jobs:
            results.append(_one(job))
            if progress:
                progress(1)
    else:
        # Small chunks: a drill takes milliseconds, and the last chunk is work one worker does alone.
        chunk = max(1, total // (workers * 64))
        # fork starts workers in milliseconds where the platform has it, with the scenario loaded above
        # already in them; spawn (elsewhere) starts fresh interpreters, which load it once each.
        forking = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if forking else "spawn")
        with context.Pool(workers, None if forking else _init, () if forking else (path,)) as pool:
            for run in pool.imap(_one, jobs, chunksize=chunk):
                results.append(run)
                if progress:
                    progress(1)
    return Calibration(_loaded[0].id, seed, tuple(results), _loaded[0].difficulty)


def measure(scenario: Scenario, playbook: Playbook, runs: int = LINT_RUNS, seed: int = 0) -> float:
    """The typical trainee's pass rate over `runs` drills, in this process: `calibrate`'s typical runs."""
    passed = 0
    for k in range(runs):
        drill = play(Drill(scenario, playbook), "typical", bot_seed(seed, k))
        passed += grade(drill.record, scenario, playbook).passed
    return passed / runs if runs else 0.0


def disagreement(declared: str, pass_rate: float) -> str:
    """Why a declared difficulty does not fit a typical pass rate (more than MARGIN outside its band), or ''."""
    if declared not in BANDS:
        return ""  # a tutorial is for learning the tool, not a measure of anyone
    low, high = BANDS[declared]
    if low - MARGIN <= pass_rate <= high + MARGIN:
        return ""
    return f"declared {declared}, but it measures {rated(pass_rate)}: typical simulated trainees pass {pass_rate:.0%}"


def difficulty_finding(scenario: Scenario, playbook: Playbook, runs: int = LINT_RUNS) -> Finding | None:
    """`warroom lint`'s warning, at the scenario's `difficulty`, when the measure disagrees with it."""
    if scenario.difficulty not in BANDS:
        return None
    rate = measure(scenario, playbook, runs)
    why = disagreement(scenario.difficulty, rate)
    if not why:
        return None
    bands = ", ".join(f"{name} {low:.0%}–{high:.0%}" for name, (low, high) in BANDS.items())
    hint = f"set difficulty: {rated(rate)}, or make it honestly harder or easier (typical pass rates: {bands})"
    return Finding(("difficulty",), why, hint, "warning")
