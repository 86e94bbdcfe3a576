"""`warroom calibrate SCENARIO --runs N`: how hard a scenario is, before any human plays it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from scoring.calibrate import Calibration, calibrate
from sim.format.library import Library, NotFound
from sim.format.loading import LoadError
from sim.training.bots import PROFILES
from tui.cli import SEED

BAR_WIDTH = 40


def render(cal: Calibration) -> str:
    per = max((s.runs for s in cal.by_profile()), default=0)
    declared = f" (declared {cal.declared})" if cal.declared and cal.declared != cal.difficulty else ""
    lines = [f"{cal.scenario}: {per} runs per profile, {len(cal.runs)} in all (seed {cal.seed}), "
             f"pass rate {cal.pass_rate:.0%}",
             f"Measured difficulty: {cal.difficulty}{declared}: typical trainees pass {cal.typical_pass_rate:.0%} "
             f"(easy 75% or more, medium 40–75%, hard under 40%)", "", "Score distribution"]  # fmt: skip
    top = max((n for _, n in cal.histogram()), default=0) or 1
    for start, n in cal.histogram():
        lines.append(f"  {start:>3}-{start + 9:<3} {'█' * round(n / top * BAR_WIDTH):<{BAR_WIDTH}} {n}")
    lines += ["", f"  {'bots':8} {'runs':>5} {'mean':>6} {'median':>7} {'p10':>6} {'p90':>6} {'pass':>6}"]
    for s in cal.by_profile():
        lines.append(f"  {s.profile:8} {s.runs:>5} {s.mean:>6.1f} {s.median:>7.1f} {s.p10:>6.1f} {s.p90:>6.1f} "
                     f"{s.pass_rate:>6.0%}")  # fmt: skip
    failed = cal.most_failed()
    if failed:
        lines += ["", "Most often failed"]
        lines += [f"  {n / len(cal.runs):>4.0%}  {criterion}" for criterion, n in failed]
    return "\n".join(lines) + "\n"


@click.command("calibrate")
@click.argument("scenario")
@click.option("--runs", default=100, show_default=True, type=click.IntRange(1, 100_000), help="Drills per bot profile.")
@click.option("--seed", type=SEED, default=0, show_default=True, help="Seeds the bots; the same seed, the same result.")
@click.option("--bots", default="novice,typical,expert", show_default=True, help="Profiles to play, in turn.")
@click.option("--workers", type=click.IntRange(1, 256), help="Worker processes (default: one per core).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), help="Also write the results as JSON here.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calibrate_cmd(scenario: str, runs: int, seed: int, bots: str, workers: int | None, json_out: str | None,
                  fmt: str) -> None:  # fmt: skip
    """Play SCENARIO with simulated novice, typical and expert trainees (--runs drills each) and report the
    score distribution and the measured difficulty: how often the typical trainee passes."""
    profiles = [b.strip() for b in bots.split(",") if b.strip()]
    bad = [b for b in profiles if b not in PROFILES]
    if bad or not profiles:
        raise click.UsageError(f"unknown bot profile {bad[0] if bad else '(none)'!r}; known: {', '.join(PROFILES)}")
    try:
        path = Library().find_scenario(scenario)
    except NotFound as exc:
        raise click.UsageError(str(exc)) from None
    try:
        with click.progressbar(length=runs * len(profiles), label="calibrating", file=sys.stderr) as bar:
            cal = calibrate(path, runs, seed=seed, profiles=profiles, workers=workers, progress=bar.update)
    except LoadError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    data = json.dumps(cal.to_json(), indent=2) + "\n"
    if json_out:
        Path(json_out).write_text(data, encoding="utf-8")
    sys.stdout.write(data if fmt == "json" else render(cal))
