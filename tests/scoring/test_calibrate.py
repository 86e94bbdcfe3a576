"""Calibration: bots of each profile rank as they should on every bundled scenario, reproducibly."""

from __future__ import annotations

import json
import multiprocessing
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from scenarios import LIBRARY
from scoring.calibrate import BANDS, calibrate, disagreement, measure, rated
from tui.cli import main

BUNDLED = sorted(LIBRARY.glob("*.yaml"))


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_experts_outscore_novices(path: Path) -> None:
    cal = calibrate(path, 6, seed=3, workers=1)  # 6 per profile
    stats = {s.profile: s for s in cal.by_profile()}
    assert stats["expert"].mean > stats["typical"].mean > stats["novice"].mean, stats
    assert stats["expert"].median > stats["novice"].median


def test_same_seed_same_result_whatever_the_workers() -> None:
    path = LIBRARY / "tutorial.yaml"
    one = calibrate(path, 8, seed=11, workers=1)
    two = calibrate(path, 8, seed=11, workers=2)
    assert one == two
    assert calibrate(path, 8, seed=12, workers=1) != one


def test_spawned_workers_load_the_scenario_themselves(monkeypatch: pytest.MonkeyPatch) -> None:
    # Where there is no fork (Windows, macOS's default), workers start empty and need the initializer.
    path = LIBRARY / "tutorial.yaml"
    forked = calibrate(path, 2, seed=5, workers=2)
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert calibrate(path, 2, seed=5, workers=2) == forked


def test_summary_figures_follow_the_runs() -> None:
    cal = calibrate(LIBRARY / "tutorial.yaml", 10, seed=1, workers=1)  # --runs is per profile: 30 drills
    assert sum(n for _, n in cal.histogram()) == 30
    assert cal.pass_rate == sum(r.passed for r in cal.runs) / 30
    assert {s.profile: s.runs for s in cal.by_profile()} == {"novice": 10, "typical": 10, "expert": 10}
    novice = [r.score for r in cal.runs if r.profile == "novice"]
    assert next(s for s in cal.by_profile() if s.profile == "novice").median == round(statistics.median(novice), 1)
    assert cal.difficulty == rated(cal.typical_pass_rate) and cal.declared == "tutorial"
    counts = dict(cal.most_failed(50))
    assert counts == {c: sum(c in r.failed for r in cal.runs) for c in counts}


def test_cli_writes_json_and_refuses_unknown_bots(tmp_path: Path) -> None:
    out = tmp_path / "cal.json"
    result = CliRunner().invoke(main, ["calibrate", "tutorial", "--runs", "6", "--workers", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "Score distribution" in result.stdout and "difficulty" in result.stdout
    data = json.loads(out.read_text())
    assert data["runs"] == 18 and data["runs_per_profile"] == 6
    assert {p["profile"] for p in data["profiles"]} == {"novice", "typical", "expert"}
    assert data["difficulty"] in BANDS and data["declared_difficulty"] == "tutorial"
    assert "6 runs per profile, 18 in all" in result.stdout and "Measured difficulty:" in result.stdout
    bad = CliRunner().invoke(main, ["calibrate", "tutorial", "--bots", "wizard"])
    assert bad.exit_code == 2 and "unknown bot profile 'wizard'" in bad.output


def test_difficulty_is_the_typical_pass_rate_in_bands() -> None:
    assert [rated(r) for r in (1.0, 0.75, 0.749, 0.4, 0.399, 0.0)] == [
        "easy",
        "easy",
        "medium",
        "medium",
        "hard",
        "hard",
    ]
    # Lint allows ten points either side of the declared band: a sample of drills is not exact.
    assert disagreement("medium", 0.84) == "" and disagreement("hard", 0.49) == ""
    assert disagreement("hard", 0.77) == "declared hard, but it measures easy: typical simulated trainees pass 77%"
    assert disagreement("tutorial", 0.0) == ""


def test_measure_plays_the_very_typical_runs_calibrate_does() -> None:
    from sim.format.library import Library

    opened = Library().open("queue-backlog")
    cal = calibrate(opened.path, 5, seed=4, profiles=("typical",), workers=1)
    assert measure(opened.scenario, opened.playbook, 5, seed=4) == cal.typical_pass_rate
