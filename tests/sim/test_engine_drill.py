"""The drill as a whole: how it ends (verified resolution, duration limit, ended by hand), errors inside
the simulation, determinism, slicing, the facilitator's hooks and the read-only state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sim.engine.actions import ActionRefused
from sim.engine.drill import DEFAULT_MONITORING_PERIOD, Drill, DrillError
from sim.journal.events import (
    Alert,
    DrillEnded,
    FacilitatorInput,
    FaultResolved,
    Inject,
    RecoveryVerified,
    StatusChanged,
    TimerCancelled,
    payload,
    to_json,
)
from sim.training.runner import run_script
from tests.sim.engine_fixtures import ideal, mini, of, playbook, playbook_with, scenario, times

# m steps to 25 at T+10m; `fix` (1 min) resolves it, and the fault fades over 2 minutes.


def fixed_and_resolved(pb=None, fix_at: float = 1200.0, resolve_at: float = 1300.0) -> Drill:
    d = Drill(mini(), pb or playbook())
    d.advance_to(fix_at)
    d.act("fix")  # done at fix_at + 60
    d.advance_to(resolve_at)
    d.act("resolve")  # 30 s
    d.advance_to(7300)
    return d


def test_resolution_is_verified_once_metrics_hold_for_the_monitoring_period() -> None:
    d = fixed_and_resolved()
    # The fade brings m under 18 60 s after the fix, at T+22:00, and the clear is announced once it has stayed
    # there for 20 s (CLEAR_AFTER), at T+22:20; the drillbook asks 10 minutes from then.
    assert times(d.events, Alert, level="clear") == [1340.0]
    assert times(d.events, RecoveryVerified) == [1940.0]
    assert payload(of(d.events, RecoveryVerified)[0]) == {"held_for": 600.0}
    assert payload(of(d.events, DrillEnded)[0]) == {"reason": "resolved", "verified": True, "resolved": True}
    assert d.state.finished and d.state.end_reason == "resolved"
    assert d.now == 1940.0


def test_the_default_monitoring_period_is_five_minutes() -> None:
    assert DEFAULT_MONITORING_PERIOD == 300.0
    d = fixed_and_resolved(playbook_with(monitoring_period=None))
    assert times(d.events, RecoveryVerified) == [1640.0]


def test_resolving_early_is_recorded_and_waits_for_healthy_metrics() -> None:
    d = fixed_and_resolved(fix_at=1500.0, resolve_at=1200.0)
    assert of(d.events, StatusChanged, status="resolved")[0].early is True
    # The fix lands at 1560 and m clears at 1640 (under 18 from 1620, for 20 s); verification counts from there.
    assert times(d.events, RecoveryVerified) == [2240.0]


def test_a_resolution_that_never_holds_ends_at_the_duration_limit_unverified() -> None:
    d = Drill(mini(), playbook())
    d.advance_to(900)
    d.act("resolve")
    d.advance_to(99999)
    # Resolved while the fault was active: premature, so it never counted as a resolution (issue 19).
    assert payload(of(d.events, DrillEnded)[0]) == {"reason": "timeout", "verified": False, "resolved": False}
    assert d.now == 7200.0


def test_a_premature_resolve_stops_no_clock_and_refuses_a_second_resolve() -> None:
    d = Drill(mini([{"metric": "m", "shape": "step", "by": 35}]), playbook())  # critical: detected at 10m
    d.advance_to(900)
    d.act("resolve")
    d.advance_to(1200)
    resolved = [e for e in of(d.events, StatusChanged) if e.status == "resolved"]
    assert [e.early for e in resolved] == [True]
    assert d.resolved_at is None and d.premature_at is not None
    assert not of(d.events, TimerCancelled), "a premature resolve cancels nothing"
    assert {t.state for t in d.state.timers if t.category in ("pager", "matrix", "cadence")} - {"met"}
    with pytest.raises(ActionRefused, match="too early"):
        d.act("resolve")


def test_the_incident_reopens_when_the_alarm_fires_again_after_a_premature_resolve() -> None:
    faults = [
        {
            "id": "f",
            "label": "Blip",
            "start": "10m",
            "effects": [{"metric": "m", "shape": "spike", "by": 35, "over": "3m"}],
        },
        {"id": "g", "label": "Again", "start": "20m", "effects": [{"metric": "m", "shape": "step", "by": 35}]},
    ]
    d = Drill(mini(faults=faults), playbook())
    d.advance_to(660)
    d.act("resolve")  # a fault is active: premature
    d.advance_to(1500)
    back = [e for e in of(d.events, StatusChanged) if e.previous == "resolved"]
    assert [(e.t, e.status) for e in back] == [(1200.0, "investigating")]
    assert d.premature_at is None and d.resolved_at is None and not d.finished
    assert d.facts.facts().reopenings == tuple(back)
    d.act("resolve")  # allowed again once reopened (premature again: g is active)


def test_the_duration_limit_ends_the_drill() -> None:
    d = Drill(mini(), playbook())
    new = d.advance(3 * 3600)
    assert new[-1].kind == "drill.ended"
    assert new[-1].t == 7200.0
    assert d.state.finished and d.state.end_reason == "timeout"
    assert d.advance(60) == []
    assert d.now == 7200.0


def test_the_trainee_can_end_the_drill() -> None:
    d = Drill(mini(), playbook())
    d.advance(300)
    d.end()
    assert payload(d.advance(0)[-1]) == {"reason": "ended", "verified": False, "resolved": False}
    assert d.advance(600) == []
    assert d.now == 300.0


def test_advance_returns_each_event_once_including_those_from_act() -> None:
    d = Drill(scenario(), playbook())
    first = d.advance(420)
    d.act("acknowledge")
    second = d.advance(0)
    third = d.advance(600)
    assert first[0].kind == "drill.started"
    assert [e.kind for e in second] == ["action.started"]
    assert first + second + third == d.events


def test_an_error_inside_a_scenario_process_is_a_drill_error_with_the_sim_time() -> None:
    broken = mini([{"metric": "nope", "shape": "step", "by": 1}])  # the loader would refuse this
    d = Drill(broken, playbook())
    d.advance(300)
    with pytest.raises(DrillError, match=r"metric 'nope'.*T\+00:10:00") as info:
        d.advance(600)
    assert info.value.t == 600.0
    with pytest.raises(DrillError):  # it stays broken, and says so again
        d.advance(60)


def test_a_scenario_that_cannot_even_start_is_a_drill_error_at_zero() -> None:
    watch = {"id": "w", "kind": "chat", "text": "x", "trigger": {"metric": {"metric": "nope", "above": 1}}}
    with pytest.raises(DrillError, match="nope") as info:
        Drill(mini(injects=[watch]), playbook())
    assert info.value.t == 0.0


def test_a_scenario_for_another_playbook_is_refused() -> None:
    with pytest.raises(ValueError, match="written for playbook"):
        Drill(mini(playbook="other"), playbook())


def test_same_inputs_give_byte_identical_journals(tmp_path: Path) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run_script(scenario(), playbook(), ideal(), journal=a)
    run_script(scenario(), playbook(), ideal(), journal=b)
    assert a.read_bytes() == b.read_bytes()
    assert len(a.read_bytes().splitlines()) > 50


def test_a_different_seed_changes_the_noise_and_the_names() -> None:
    one = run_script(scenario(), playbook(), ideal(), seed=1)
    two = run_script(scenario(), playbook(), ideal(), seed=2)
    assert one.series("error_rate")[:30] != two.series("error_rate")[:30]
    assert one.cast.person("cto") != two.cast.person("cto")
    assert one.cast.incident_id != two.cast.incident_id


def test_slicing_time_differently_changes_nothing() -> None:
    whole = Drill(scenario(), playbook())
    whole.advance_to(420)
    whole.act("acknowledge")
    whole.advance_to(3600)
    sliced = Drill(scenario(), playbook())
    while sliced.now < 420:
        sliced.advance(min(7.3, 420 - sliced.now))
    sliced.act("acknowledge")
    while sliced.now < 3600:
        sliced.advance(min(61.7, 3600 - sliced.now))
    assert [to_json(e) for e in sliced.events] == [to_json(e) for e in whole.events]
    assert sliced.series("latency_ms") == whole.series("latency_ms")


def test_facilitator_hooks_are_journaled_events() -> None:
    d = Drill(scenario(), playbook())
    d.advance(60)
    d.facilitate("say", sender="cto", text="Status?")
    d.facilitate("hint", text="Look at the dashboards.")
    d.facilitate("note", text="Trainee hesitates.")
    d.facilitate("inject_now", inject="vendor")
    d.facilitate("jump", dt="5m")
    kinds = [e.kind for e in d.advance(0)]
    assert kinds[:8] == [
        "facilitator.say",
        "inject",
        "facilitator.hint",
        "inject",
        "facilitator.note",
        "facilitator.inject_now",
        "inject",
        "facilitator.jump",
    ]
    assert d.now == 360.0
    assert all(e.actor == "facilitator" for e in d.events if isinstance(e, FacilitatorInput))
    said = payload(of(d.events, Inject, id="facilitator")[0])
    assert said["sender"] == d.cast.name("cto")
    # Firing an inject early uses it up: its own trigger (T+25m) does not repeat it.
    d.advance_to(1600)
    assert times(d.events, Inject, id="vendor") == [60.0]
    d.facilitate("inject_now", inject="vendor")  # but the facilitator may repeat it on purpose
    assert times(d.events, Inject, id="vendor") == [60.0, 1600.0]
    with pytest.raises(ValueError, match="unknown facilitator action"):
        d.facilitate("teleport")
    with pytest.raises(ValueError, match="unknown inject"):
        d.facilitate("inject_now", inject="nope")


def test_state_is_a_snapshot() -> None:
    d = Drill(scenario(), playbook())
    d.advance(900)
    before = d.state
    d.act("declare", severity="SEV2")
    d.advance(60)
    assert before.severity is None and before.now == 900.0
    assert d.state.severity == "SEV2"
    assert before.incident_id == d.state.incident_id
    with pytest.raises(AttributeError):
        before.severity = "SEV1"  # type: ignore[misc]


def test_a_drill_imports_faker_only_when_it_first_names_someone() -> None:
    """Importing Faker costs a process about 12 MiB and 60 ms: a drill that names nobody never pays for it."""
    code = (
        "import sys; from tests.sim.engine_fixtures import mini, playbook; from sim.engine.drill import Drill;"
        "d = Drill(mini(), playbook()); d.advance(3600); print('faker' in sys.modules);"
        "d.cast.name('cto'); print('faker' in sys.modules)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.split() == ["False", "True"]


def test_resolving_while_a_fault_still_pulls_under_the_thresholds_is_not_verified() -> None:
    # m drifts up slowly from T+10m and stays under warn for 20 minutes, but the fault is still there.
    page = {"id": "p", "kind": "page", "text": "m is creeping", "trigger": {"at": "11m"}}
    d = Drill(mini([{"metric": "m", "shape": "drift", "by": 1, "over": "2m"}], injects=[page]), playbook())
    d.advance_to(700)
    d.act("resolve")
    d.advance_to(1500)
    assert of(d.events, RecoveryVerified) == []
    d.act("fix")  # done at 1560: the metrics never left their thresholds, so that is enough
    d.advance_to(7300)
    assert times(d.events, RecoveryVerified) == [1560.0]


def test_the_journal_path_is_public(tmp_path: Path) -> None:
    assert Drill(mini(), playbook()).journal_path is None
    assert Drill(mini(), playbook(), journal=tmp_path / "j.jsonl").journal_path == tmp_path / "j.jsonl"


def _two_step_fix(fix: str) -> Drill:
    sc = mini(
        [{"metric": "m", "shape": "step", "by": 35}],
        truth={"severity": "SEV2", "root_cause": "f", "category": "outage", "fixed_by": ["drain", "fix"], "fix": fix},
        actions=[
            {"id": "drain", "label": "Drain", "duration": "1m", "effects": [{"resolve": "f"}]},
            {"id": "fix", "label": "Fix it", "duration": "1m", "effects": []},
        ],
    )
    d = Drill(sc, playbook())
    d.advance_to(700)
    d.act("drain")  # done at 760
    d.advance_to(900)
    return d


def test_with_fix_all_a_partial_fix_does_not_end_the_fault() -> None:
    d = _two_step_fix("all")
    assert not of(d.events, FaultResolved)
    d.act("fix")  # done at 960: the condition is met, the drain's resolution lands
    d.advance_to(1000)
    assert [(e.t, e.fault, e.by) for e in of(d.events, FaultResolved)] == [(960.0, "f", "drain")]


def test_with_fix_any_one_action_ends_the_fault() -> None:
    d = _two_step_fix("any")
    assert [(e.t, e.fault) for e in of(d.events, FaultResolved)] == [(760.0, "f")]
