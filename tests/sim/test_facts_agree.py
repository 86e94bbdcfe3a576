"""Issue 19, item 2: one set of facts. The engine's clocks and the scorer read each fact through the same
definition (sim.journal.facts), so on every bundled scenario's ideal script the moment the engine acted on
equals the moment the scorer reads from the finished record."""

from __future__ import annotations

from functools import cache

import pytest

from sim.engine.drill import Drill
from sim.journal.events import StatusChanged
from sim.journal.facts import Facts, read_facts
from sim.training.runner import run_script
from tests.scenarios import adversarial
from tests.scenarios.test_library_scripts import IDS, playbooks, played, scenario, script


@cache
def run(sid: str) -> tuple[Drill, Facts]:
    drill = played(sid, "ideal")
    return drill, read_facts(drill.record)


def _t(event: object) -> float | None:
    return getattr(event, "t", None)


@pytest.mark.parametrize("sid", IDS)
def test_detection(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.detection_event is not None, "every bundled scenario pages someone"
    assert drill.detected_at == facts.detection


@pytest.mark.parametrize("sid", IDS)
def test_acknowledgement(sid: str) -> None:
    drill, facts = run(sid)
    assert drill.acknowledged_at == _t(facts.acknowledged)
    assert drill.timers.satisfied.get("sla.acknowledge") == _t(facts.acknowledged)


@pytest.mark.parametrize("sid", IDS)
def test_response_started(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.response is not None
    assert drill.timers.satisfied.get("sla.response") == facts.response.t


@pytest.mark.parametrize("sid", IDS)
def test_severity_declared(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.declarations, "every ideal script declares"
    assert drill.severity == facts.declarations[-1].severity
    assert drill.timers.severity == facts.declarations[-1].severity


@pytest.mark.parametrize("sid", IDS)
def test_mitigated(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.mitigated is not None
    assert drill.mitigated_at == facts.mitigated
    assert drill.timers.satisfied.get("sla.mitigation") == facts.mitigated


@pytest.mark.parametrize("sid", IDS)
def test_root_cause_identified(sid: str) -> None:
    drill, facts = run(sid)
    assert drill.root_cause_at == _t(facts.root_cause)
    assert drill.timers.satisfied.get("sla.identify") == _t(facts.root_cause)


@pytest.mark.parametrize("sid", IDS)
def test_recovery_verified(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.verified is not None and facts.end_verified
    assert drill.verified_at == facts.verified.t


@pytest.mark.parametrize("sid", IDS)
def test_fault_spans(sid: str) -> None:
    drill, facts = run(sid)
    last = {fault: (start, end) for fault, start, end in facts.fault_spans}
    engine = {f: (s.started, s.resolved) for f, s in drill.faults.faults.items() if s.started is not None}
    assert engine == last


@pytest.mark.parametrize("sid", IDS)
def test_the_live_tracker_is_the_record_read(sid: str) -> None:
    drill, facts = run(sid)
    assert drill.facts.facts() == facts


def test_no_progress_follows_the_declared_levels_own_setting() -> None:
    """Find Contacts sets no_progress_after per severity (30m Critical, 2h High): the engine now reads the
    level's own setting, as the scorer does, and runs the Critical one from detection until declared."""
    pb = playbooks()["findcontacts"]
    crit, high = pb.severity("Critical"), pb.severity("High")
    assert crit.no_progress_after == 1800 and high.no_progress_after == 7200
    sid = next(s for s in IDS if run(s)[0].playbook.id == "findcontacts")
    drill, facts = run(sid)
    level = pb.severity(facts.declarations[-1].severity)
    progress = [t for t in drill.timers.timers.values() if t.id == "progress"]
    assert progress and progress[0].deadline - (facts.acknowledged or facts.detection_event).t == (  # type: ignore[union-attr]
        level.no_progress_after
    )


@pytest.mark.parametrize("sid", IDS)
def test_the_resolution_that_held(sid: str) -> None:
    drill, facts = run(sid)
    assert facts.closed is not None and not facts.reopenings
    assert drill.resolved_at == facts.closed.t == facts.open_until - (facts.end - facts.closed.t)
    assert [r.early for r in facts.resolutions] == [False]


@pytest.mark.parametrize("sid", IDS)
def test_a_premature_resolve_is_not_the_resolution(sid: str) -> None:
    """Resolving a minute after the fix lands, before recovery is verified: the engine and the scorer take
    the same resolution (the one recovery made stand, or none), never a premature one."""
    sc = scenario(sid)
    steps = adversarial.early_resolve(sc, script(sid, "ideal"))
    assert steps is not None
    drill = run_script(sc, playbooks()[sc.playbook], steps, seed=sc.seed)
    facts = read_facts(drill.record)
    assert drill.facts.facts() == facts
    assert drill.resolved_at == (facts.closed.t if facts.closed else None)
    first = facts.resolutions[0]
    if first.early:
        assert facts.closed is None or facts.closed.t > first.t
    else:  # metrics were already healthy: it stands, though it came before they had held (a scorer matter)
        assert facts.closed == first
    reopened = [e for e in drill.record.events if isinstance(e, StatusChanged) and e.previous == "resolved"]
    assert list(facts.reopenings) == reopened


def test_a_burst_that_decays_by_itself_is_over_for_both() -> None:
    """A fault made only of spikes ends when its last spike has decayed (fault.resolved with no `by`): the
    engine verifies recovery and the scorer finds no fault still active when it was resolved."""
    from scoring.grade import grade
    from sim.journal.events import FaultResolved
    from tests.sim.engine_fixtures import mini, playbook

    burst = mini([{"metric": "m", "shape": "spike", "by": 35, "over": "3m"}])  # critical at 10m, gone by 13m
    drill = Drill(burst, playbook())
    drill.advance_to(14 * 60)
    assert [(e.t, e.by) for e in drill.record.events if isinstance(e, FaultResolved)] == [(780.0, None)]
    drill.act("acknowledge")
    drill.advance_to(25 * 60)  # the drillbook's 10 minutes of healthy metrics have passed
    drill.act("resolve")
    drill.advance_to(99999)
    facts = read_facts(drill.record)
    assert facts.fault_spans == (("f", 600.0, 780.0),) and facts.mitigated == 780.0
    assert drill.mitigated_at == facts.mitigated and drill.resolved_at == facts.closed.t  # type: ignore[union-attr]
    card = grade(drill.record, burst, playbook())
    assert card.criterion("close.verified").result == "pass", card.criterion("close.verified").explanation
    assert next(k for k in card.kpis if k.id == "mttm").at == 780.0
