"""The headless runner: scripted steps at their times, refusals journaled and skipped, `until`, and
continuing a script after a resume."""

from __future__ import annotations

from pathlib import Path

from sim.engine.drill import Drill
from sim.format.script import Script
from sim.journal.events import ActionRefusal, ActionStarted, DrillEnded, to_json
from sim.rerun.resume import resume
from sim.training.runner import advance_to, load_script_file, play, run_script, steps_left
from tests.sim.engine_fixtures import IDEAL_PATH, ideal, of, playbook, scenario, times


def steps(*raw: dict[str, object]) -> Script:
    return Script.model_validate(list(raw))


def test_steps_are_taken_at_their_times() -> None:
    drill = run_script(scenario(), playbook(), ideal())
    started = [(e.t, e.action) for e in of(drill.events, ActionStarted)]
    assert started[:3] == [(420.0, "acknowledge"), (480.0, "declare"), (480.0, "assign_role")]
    assert len(started) == len(ideal().root)
    assert drill.finished and drill.verified_at is not None


def test_a_refused_step_is_journaled_and_the_script_goes_on() -> None:
    script = steps({"at": "1m", "do": "acknowledge"}, {"at": "7m", "do": "acknowledge"})
    drill = run_script(scenario(), playbook(), script, until=900)
    assert times(drill.events, ActionRefusal, action="acknowledge") == [60.0]
    assert times(drill.events, ActionStarted, action="acknowledge") == [420.0]


def test_until_stops_the_drill_still_running() -> None:
    drill = run_script(scenario(), playbook(), ideal(), until=600)
    assert drill.now == 600.0
    assert not drill.finished
    assert max(e.t for e in drill.events) < 600.0
    assert [e.action for e in of(drill.events, ActionStarted)][-1] == "investigate"


def test_without_steps_it_runs_to_the_duration_limit() -> None:
    drill = run_script(scenario(), playbook(), [])
    assert drill.now == scenario().duration
    assert of(drill.events, DrillEnded)[0].reason == "timeout"


def test_ticking_changes_nothing_but_calls_back() -> None:
    ticks: list[float] = []
    plain = run_script(scenario(), playbook(), ideal())
    ticked = Drill(scenario(), playbook())
    play(ticked, ideal().root, tick=60.0, on_tick=lambda d: ticks.append(d.now))
    assert [to_json(e) for e in ticked.events] == [to_json(e) for e in plain.events]
    assert ticks[:3] == [60.0, 120.0, 180.0]


def test_advance_to_is_a_no_op_when_already_there() -> None:
    drill = Drill(scenario(), playbook())
    advance_to(drill, 300.0)
    advance_to(drill, 200.0)
    assert drill.now == 300.0


def test_steps_left_skips_what_the_journal_shows_was_done(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    run_script(scenario(), playbook(), ideal(), until=600, journal=path)
    resumed = resume(path, scenario=scenario(), playbook=playbook())
    left = steps_left(resumed, ideal())
    assert left == ideal().root[5:]
    assert left[0].do == "page"


def test_load_script_file_checks_steps_against_the_scenario() -> None:
    script = load_script_file(IDEAL_PATH, scenario(), playbook())
    assert script.root[1].params == {"severity": "SEV2"}
