"""What four new scenarios needed from the engine: faults that end on their own or are averted, effects that
depend on the state of a fault, metrics bad on both sides of their baseline, money that escalates, parameter
filters on what injects wait for, and a step that starts at the very instant its predecessor finishes."""

from __future__ import annotations

from typing import Any

from sim.engine.drill import Drill
from sim.engine.faults import RESOLVE_FADE
from sim.format.script import Script
from sim.journal.events import ActionFinished, ActionRefusal, ActionStarted, Alert, FaultResolved, FaultStarted, Inject
from sim.training.runner import play
from tests.sim.engine_fixtures import QUIET, mini, of, playbook, times


def drill(**kw: Any) -> Drill:
    return Drill(mini(**kw), playbook())


def value_at(d: Drill, metric: str, t: float) -> float:
    return dict(d.series(metric))[t]


# -- faults that end on their own ---------------------------------------------------------------------------


def test_a_fault_ends_at_its_time_and_fades_like_a_resolve() -> None:
    f = {"id": "f", "label": "Vendor down", "start": "10m", "ends": "80m",
         "effects": [{"metric": "m", "shape": "step", "by": 15}]}  # fmt: skip
    d = drill(faults=[f])
    d.advance_to(3 * 3600)
    (ended,) = of(d.events, FaultResolved, fault="f")
    assert (ended.t, ended.by, ended.prevented) == (4800.0, None, None)
    # Its pull fades out over RESOLVE_FADE, as when an action resolves it.
    assert value_at(d, "m", 4800.0) == 25.0
    assert value_at(d, "m", 4800.0 + RESOLVE_FADE / 2) == 17.5
    assert value_at(d, "m", 4800.0 + RESOLVE_FADE) == 10.0


def test_a_blip_lasts_its_time_from_whenever_it_starts() -> None:
    blip = {"id": "blip", "label": "Blip", "lasts": "40s", "effects": [{"metric": "m", "shape": "step", "by": 50}]}
    actions = [
        {"id": "fix", "label": "Fix", "duration": "1m", "effects": [{"resolve": "f"}]},
        {"id": "poke", "label": "Poke", "duration": "30s", "effects": [{"start_fault": "blip"}]},
    ]
    base = {"id": "f", "label": "F", "start": "1m", "effects": [{"metric": "m", "shape": "step", "by": 1}]}
    d = drill(faults=[base, blip], actions=actions)
    d.advance_to(600.0)
    d.act("poke")
    d.advance_to(1200.0)
    assert times(d.events, FaultStarted, fault="blip") == [630.0]
    assert times(d.events, FaultResolved, fault="blip") == [670.0]
    assert of(d.events, FaultResolved, fault="blip")[0].by is None


def test_a_fault_that_never_started_is_not_ended_by_its_time() -> None:
    f = {"id": "f", "label": "F", "start": "10m", "ends": "20m", "effects": [{"metric": "m", "shape": "step", "by": 1}]}
    d = drill(faults=[f], actions=[{"id": "fix", "label": "Fix", "duration": "1m", "effects": [{"resolve": "f"}]}])
    d.advance_to(60.0)
    d.act("fix")  # resolving it before it starts prevents it
    d.advance_to(3600.0)
    (prevented,) = of(d.events, FaultResolved, fault="f")
    assert (prevented.t, prevented.by, prevented.prevented) == (120.0, "fix", True)
    assert times(d.events, FaultStarted, fault="f") == []


# -- averted faults -------------------------------------------------------------------------------------------


def _sync(unless: list[Any]) -> Drill:
    faults = [
        {"id": "f", "label": "F", "start": "1m", "effects": [{"metric": "m", "shape": "step", "by": 1}]},
        {"id": "resync", "label": "Next sync re-breaks the record", "start": "20m", "unless": unless,
         "effects": [{"metric": "m", "shape": "step", "by": 30}]},
    ]  # fmt: skip
    actions = [
        {"id": "fix", "label": "Fix", "duration": "1m", "effects": [{"resolve": "f"}]},
        {"id": "pause-sync", "label": "Pause the sync", "duration": "1m"},
    ]
    return drill(faults=faults, actions=actions)


def test_a_fault_with_unless_does_not_start_once_the_action_is_done() -> None:
    d = _sync(["pause-sync"])
    d.advance_to(300.0)
    d.act("pause-sync")
    d.advance_to(1500.0)
    assert times(d.events, FaultStarted, fault="resync") == []
    (averted,) = of(d.events, FaultResolved, fault="resync")
    assert (averted.t, averted.by, averted.prevented) == (1200.0, "pause-sync", True)


def test_a_fault_with_unless_starts_when_nobody_acted() -> None:
    d = _sync(["pause-sync"])
    d.advance_to(1500.0)
    assert times(d.events, FaultStarted, fault="resync") == [1200.0]


def test_unless_with_parameters_counts_only_that_action() -> None:
    d = _sync([{"do": "page", "with": {"contact": "dba"}}])
    d.advance_to(400.0)
    d.act("page", contact="em")
    d.advance_to(1500.0)
    assert times(d.events, FaultStarted, fault="resync") == [1200.0]
    d = _sync([{"do": "page", "with": {"contact": "dba"}}])
    d.advance_to(400.0)
    d.act("page", contact="dba")
    d.advance_to(1500.0)
    assert times(d.events, FaultStarted, fault="resync") == []


# -- effects that depend on state ----------------------------------------------------------------------------


def _cap(**condition: str) -> Drill:
    storm = {
        "id": "storm",
        "label": "Retry storm",
        "start": "1m",
        "effects": [{"metric": "m", "shape": "step", "by": 5}],
    }
    actions = [
        {"id": "fix", "label": "Fix", "duration": "1m", "effects": [{"resolve": "storm"}]},
        {"id": "cap", "label": "Cap the nodes", "duration": "1m",
         "effects": [{"move": {"metric": "m", "shape": "step", "by": 100}, **condition}]},
    ]  # fmt: skip
    return drill(faults=[storm], actions=actions, truth={"severity": "SEV2", "root_cause": "storm",
                 "category": "cost", "fixed_by": ["fix"]})  # fmt: skip


def test_an_effect_if_active_lands_only_while_the_fault_runs() -> None:
    d = _cap(if_active="storm")
    d.advance_to(120.0)
    d.act("cap")
    d.advance_to(300.0)
    assert value_at(d, "m", 290.0) == 115.0  # 10 + 5 (storm) + 100 (capping during the storm)
    d = _cap(if_active="storm")
    d.advance_to(120.0)
    d.act("fix")
    d.advance_to(400.0)
    d.act("cap")
    d.advance_to(600.0)
    assert value_at(d, "m", 590.0) == 10.0  # after the storm, capping changes nothing


def test_an_effect_if_not_active_lands_only_once_the_fault_is_over() -> None:
    d = _cap(if_not_active="storm")
    d.advance_to(120.0)
    d.act("cap")
    d.advance_to(300.0)
    assert value_at(d, "m", 290.0) == 15.0


def test_a_move_fades_with_the_last_fault_on_its_metric_and_stays_on_a_metric_no_fault_moves() -> None:
    other = {**QUIET, "id": "n"}
    storm = {"id": "storm", "label": "S", "start": "1m", "effects": [{"metric": "m", "shape": "step", "by": 50}]}
    actions = [
        {"id": "fix", "label": "Fix", "duration": "1m", "effects": [{"resolve": "storm"}]},
        {"id": "ease", "label": "Ease", "duration": "1m", "effects": [
            {"move": {"metric": "m", "shape": "step", "by": -20}},
            {"move": {"metric": "n", "shape": "step", "by": 7}}]},
    ]  # fmt: skip
    d = drill(metrics=[QUIET, other], faults=[storm], actions=actions)
    d.advance_to(120.0)
    d.act("ease")
    d.advance_to(240.0)
    assert (value_at(d, "m", 230.0), value_at(d, "n", 230.0)) == (40.0, 17.0)
    d.act("fix")
    d.advance_to(300.0 + RESOLVE_FADE + 60)
    t = 300.0 + RESOLVE_FADE + 50
    # The mitigation held the storm back; with the storm gone it fades out with it, back to the baseline.
    assert (value_at(d, "m", t), value_at(d, "n", t)) == (10.0, 17.0)


# -- thresholds in both directions ---------------------------------------------------------------------------


TRAFFIC = {"id": "traffic", "label": "Traffic", "unit": "req/s", "baseline": 1200, "noise": 0, "warn": 1800,
           "critical": 2500, "too_low": {"warn": 600, "critical": 300}}  # fmt: skip


def test_a_metric_bad_on_both_sides_alerts_when_it_collapses() -> None:
    collapse = {"id": "f", "label": "Traffic collapse", "start": "1m", "lasts": "10m",
                "effects": [{"metric": "traffic", "shape": "step", "to": 200}]}  # fmt: skip
    d = drill(metrics=[TRAFFIC], faults=[collapse])
    d.advance_to(1800.0)
    alerts = [(a.t, a.level, a.value, a.threshold) for a in of(d.events, Alert, metric="traffic")]
    # It ends at 11m and fades back over RESOLVE_FADE: each alert names the low side's thresholds. A fall is
    # announced once it has held for 20 s (sim.engine.metrics), at the level of the latest sample.
    assert [a[:2] for a in alerts] == [(60.0, "critical"), (710.0, "warn"), (740.0, "clear")]
    assert all(a[3] in (300.0, 600.0) for a in alerts) and alerts[0][2] == 200.0
    assert d.state.metrics[0].level == "ok" and "traffic" not in d.unhealthy


def test_the_high_side_still_alerts_as_before() -> None:
    surge = {"id": "f", "label": "Surge", "start": "1m", "effects": [{"metric": "traffic", "shape": "step", "by": 700}]}
    d = drill(metrics=[TRAFFIC], faults=[surge])
    d.advance_to(300.0)
    (alert,) = of(d.events, Alert, metric="traffic")
    assert (alert.t, alert.level, alert.threshold) == (60.0, "warn", 1800.0)
    assert "traffic" in d.unhealthy


def test_too_high_mirrors_too_low_for_a_metric_where_lower_is_worse() -> None:
    avail = {"id": "hits", "label": "Cache hit rate", "baseline": 80, "noise": 0, "warn": 60, "critical": 40,
             "bad_when": "down", "too_high": {"warn": 98, "critical": 99.5}}  # fmt: skip
    stuck = {
        "id": "f",
        "label": "Stale cache",
        "start": "1m",
        "effects": [{"metric": "hits", "shape": "step", "to": 99}],
    }
    d = drill(metrics=[avail], faults=[stuck])
    d.advance_to(300.0)
    (alert,) = of(d.events, Alert, metric="hits")
    assert (alert.t, alert.level, alert.threshold) == (60.0, "warn", 98.0)


# -- money ------------------------------------------------------------------------------------------------


def test_an_inject_fires_when_a_cumulative_total_passes_an_amount() -> None:
    spend = {"id": "spend", "label": "Spend so far", "unit": "$", "baseline": 0, "noise": 0, "warn": 500,
             "critical": 2000, "kind": "cumulative"}  # fmt: skip
    burn = {
        "id": "f",
        "label": "Runaway retries",
        "start": "0s",
        "effects": [{"metric": "spend", "shape": "step", "by": 600}],
    }
    finance = {"id": "finance-asks", "kind": "exec_ping", "from": "cto", "text": "We just passed $1,000.",
               "trigger": {"metric": {"metric": "spend", "above": 1000}}}  # fmt: skip
    d = drill(metrics=[spend], faults=[burn], injects=[finance])
    d.advance_to(3 * 3600.0)
    # $600 an hour, added up to each sample from the one before (the first adds nothing): the total is
    # exactly $1,000 at T+1h40m10s and above it at the next sample.
    assert times(d.events, Inject, id="finance-asks") == [6020.0]


# -- filters on what injects wait for -------------------------------------------------------------------------


def test_after_action_with_parameters_waits_for_that_very_action() -> None:
    reply = {"id": "finance-reply", "kind": "chat", "from": "cto", "text": "Finance here.",
             "trigger": {"after_action": {"do": "page", "with": {"contact": "cto"}}}}  # fmt: skip
    d = drill(injects=[reply])
    d.advance_to(700.0)
    d.act("page", contact="em")
    d.advance_to(800.0)
    assert times(d.events, Inject, id="finance-reply") == []
    d.act("page", contact="cto")
    d.advance_to(900.0)
    assert times(d.events, Inject, id="finance-reply") == [830.0]


# -- scripts at the instant an action finishes -----------------------------------------------------------------


def test_a_step_at_the_instant_its_predecessor_finishes_starts() -> None:
    d = drill()
    steps = Script.model_validate(
        [{"at": "11m", "do": "investigate", "target": "logs"}, {"at": "14m", "do": "investigate", "target": "deploys"}]
    ).root
    play(d, steps, until=1200.0)
    assert of(d.events, ActionRefusal) == []
    assert times(d.events, ActionFinished, action="investigate") == [840.0, 1020.0]
    # The first finishes before the second starts, at the same instant.
    kinds = [e.kind for e in d.events if e.t == 840.0 and isinstance(e, ActionStarted | ActionFinished)]
    assert kinds == ["action.finished", "action.started"]


def test_a_step_at_the_instant_its_requirement_finishes_starts() -> None:
    actions = [
        {"id": "fix", "label": "Fix", "duration": "1m", "requires": ["drain"], "effects": [{"resolve": "f"}]},
        {"id": "drain", "label": "Drain", "duration": "2m"},
    ]
    d = drill(actions=actions)
    steps = Script.model_validate([{"at": "11m", "do": "drain"}, {"at": "13m", "do": "fix"}]).root
    play(d, steps, until=1200.0)
    assert of(d.events, ActionRefusal) == []
    assert times(d.events, FaultResolved, fault="f") == [840.0]


def test_same_seed_and_steps_give_the_same_journal() -> None:
    def once() -> list[str]:
        d = _sync([{"do": "page", "with": {"contact": "dba"}}])
        steps = Script.model_validate([{"at": "12m", "do": "page", "contact": "dba"}, {"at": "13m", "do": "fix"}])
        play(d, steps.root)
        return [repr(e) for e in d.events]

    assert once() == once()
