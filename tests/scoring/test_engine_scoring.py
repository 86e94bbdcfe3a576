"""The scorer on real drills: scripts played through the engine, journals read back, and the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import scenarios
from scoring.grade import grade
from scoring.report_html import render_html
from scoring.report_md import render_markdown
from scoring.series import replay_series
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.script import Step
from sim.journal.jsonl import read_record
from sim.training import bots
from sim.training.runner import load_script_file, run_script
from tests.scoring.builder import DATA, IDEAL, load_playbook
from tests.scoring.builder import Step as SyntheticStep
from tests.scoring.builder import load_scenario as load_test_scenario
from tests.scoring.test_grade import NEGLIGENT
from tui.cli import main


def script(steps: tuple[SyntheticStep, ...]) -> list[Step]:
    """The synthetic steps as an action script (assign_role's `role` is the role handed out)."""
    out = []
    for s in steps:
        params, role = dict(s.params), s.role
        if s.do == "assign_role":
            role = params.pop("role")
            params["as_role"] = s.role
        # `at` is given as a file writes it: the record holds float seconds, but its constructor checks values
        # as a file's, and a Duration there is text with units; the synthesized signature only knows the float.
        out.append(Step(at=f"{s.at:g}s", do=s.do, actor=s.actor, role=role, **params))  # type: ignore[arg-type]
    return out


def play(steps: tuple[SyntheticStep, ...], journal: Path | None = None) -> Drill:
    return run_script(
        load_test_scenario(),
        load_playbook(),
        script(steps),
        journal=journal,
        trainee="dana",
        team="blue",
        scenario_path=DATA / "scenario.yaml",
        playbook_path=DATA / "playbook.yaml",
    )


def test_ideal_script_through_the_engine_scores_at_least_90() -> None:
    drill = play(IDEAL)
    card = grade(drill.record, drill.scenario, drill.playbook)
    assert card.score >= 90, [c.explanation for c in card.evaluated if c.result != "pass"]
    assert not any(e.kind == "action.refused" for e in drill.record.events)


def test_negligent_script_through_the_engine_scores_below_50() -> None:
    drill = play(NEGLIGENT)
    card = grade(drill.record, drill.scenario, drill.playbook)
    assert card.score < 50
    assert card.criterion("mitigate.harmful").result != "pass"  # one harmful action: half its points
    for cid in ("detect.acknowledge", "classify.severity", "comms.internal_cadence"):
        assert card.criterion(cid).result == "fail", cid


def _bundled() -> list[str]:
    return sorted(d.name for d in scenarios.SCRIPTS.iterdir() if (d / "ideal.yaml").is_file())


@pytest.mark.parametrize("scenario_id", _bundled())
def test_bundled_scripts_grade_in_order(scenario_id: str) -> None:
    """Each bundled scenario's ideal script passes with an A, its negligent one fails, mistakes land between."""
    sc, pb, _, _ = Library().open(scenario_id)
    scores = {}
    for kind in ("ideal", "mistakes", "negligent"):
        path = scenarios.SCRIPTS / scenario_id / f"{kind}.yaml"
        if path.is_file():
            drill = run_script(sc, pb, load_script_file(path, sc, pb))
            scores[kind] = grade(drill.record, sc, pb).score
    assert scores["ideal"] >= 90, scores
    assert scores.get("negligent", 0.0) < 50, scores
    if "mistakes" in scores:
        assert scores["negligent"] < scores["mistakes"] < scores["ideal"], scores


def test_journal_grades_like_the_live_drill_and_replays_its_series(tmp_path: Path) -> None:
    journal = tmp_path / "drill.jsonl"
    drill = play(IDEAL, journal)
    record = read_record(journal)
    assert grade(record, drill.scenario, drill.playbook) == grade(drill.record, drill.scenario, drill.playbook)
    replayed = replay_series(record, drill.scenario, drill.playbook)
    assert replayed.matches
    for metric in drill.scenario.metrics:
        assert replayed.series[metric.id] == drill.series(metric.id)


def test_same_script_gives_byte_identical_reports(tmp_path: Path) -> None:
    pages = []
    for n in (1, 2):
        journal = tmp_path / f"drill{n}.jsonl"
        drill = play(NEGLIGENT, journal)
        record = read_record(journal)
        card = grade(record, drill.scenario, drill.playbook)
        series = replay_series(record, drill.scenario, drill.playbook).series
        pages.append(
            render_markdown(card, record, drill.scenario, drill.playbook)
            + render_html(card, record, drill.scenario, drill.playbook, series)
        )
    assert pages[0].encode() == pages[1].encode()


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "drill.jsonl"
    play(NEGLIGENT, path)
    return path


def test_cli_score_prints_the_scorecard(journal: Path) -> None:
    result = CliRunner().invoke(main, ["score", str(journal)])
    assert result.exit_code == 0, result.output
    assert "Score 0.0 / 100   F   not passed (pass mark 70)" in result.output
    # Declared two levels under the truth: 15 score points a level, on top of the criterion's own 15.
    assert "  fail    -68 / 15  Severity classified correctly" in result.output
    assert "  MTTA  17m40s at T+00:20:10   target 5m (acknowledge)      missed" in result.output
    strict = CliRunner().invoke(main, ["score", str(journal), "--pass-mark", "0"])
    assert "F   passed (pass mark 0)" in strict.output


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_cli_report_writes_each_format(fmt: str, journal: Path, tmp_path: Path) -> None:
    out = tmp_path / f"debrief.{fmt}"
    result = CliRunner().invoke(main, ["report", str(journal), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    text = out.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(text)["score"]["score"] == 0.0
    elif fmt == "html":
        assert text.count('<polyline class="series"') == 3  # every metric charted from the replayed samples
    else:
        assert text.startswith("# Post-Incident Review:")
    # Standard output gives the same bytes as the file.
    assert CliRunner().invoke(main, ["report", str(journal), "--format", fmt]).output == text


def test_cli_grades_a_scenario_changed_since_the_drill_with_a_warning(journal: Path, tmp_path: Path) -> None:
    # Grading is lenient (`sim.journal.resolve`): the file as it is now, and a warning; resuming would refuse it.
    header = json.loads(journal.read_text(encoding="utf-8").splitlines()[0])
    changed = tmp_path / "scenario.yaml"
    changed.write_text((DATA / "scenario.yaml").read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    header["scenario_path"] = str(changed)
    lines = journal.read_text(encoding="utf-8").splitlines()
    journal.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(journal)])
    assert result.exit_code == 0 and "Score 0.0 / 100" in result.stdout
    assert "has changed since this drill was recorded; using it as it is now" in result.stderr
    forced = CliRunner().invoke(main, ["score", str(journal), "--scenario", str(changed)])
    assert forced.exit_code == 0 and "differs from the one this drill was recorded with" in forced.output


def test_cli_unreadable_journal_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(bad)])
    assert result.exit_code == 1  # a bad input: 1, as resume and replay say it
    assert result.output.strip().startswith("warroom: ") and "Traceback" not in result.output


@pytest.mark.parametrize("profile", ["novice", "typical"])
def test_a_journal_grades_as_the_live_drill_did(tmp_path: Path, profile: str) -> None:
    # Bots see pages and customer reports (injects) arrive and answer them: the journal must give the
    # scorer the same injects, or `warroom score` grades a different drill than the debrief did.
    scenario, playbook, _, _ = Library().open("replication-lag-disk")
    drill = Drill(scenario, playbook, journal=tmp_path / "j.jsonl")
    bots.play(drill, profile, 0)
    drill.close()
    assert any(e.kind == "inject" for e in drill.events)
    assert grade(read_record(tmp_path / "j.jsonl"), scenario, playbook) == grade(drill.record, scenario, playbook)


def test_the_right_fix_counts_only_when_the_fault_ends_because_of_it() -> None:
    from tests.sim.test_engine_drill import _two_step_fix

    half = _two_step_fix("all")  # drained, but the fault needs the fix too: it is still there
    half.end()
    crit = grade(half.record, half.scenario, half.playbook).criterion("mitigate.fix")
    assert crit.result == "partial" and "did not end because of it; still needed: Fix it" in crit.explanation
    whole = _two_step_fix("all")
    whole.act("fix")
    whole.advance_to(1000)
    whole.end()
    assert grade(whole.record, whole.scenario, whole.playbook).criterion("mitigate.fix").result == "pass"
