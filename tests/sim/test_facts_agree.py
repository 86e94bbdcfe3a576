"""Issue 19, item 2: one set of facts. The engine's clocks and the scorer read each fact through the same
definition (sim.journal.facts), so on every bundled scenario's ideal script the moment the engine acted on
equals the moment the scorer reads from the finished record."""

from __future__ import annotations

from functools import cache

import pytest

from sim.engine.drill import Drill
from sim.journal.facts import Facts, read_facts
from tests.scenarios.test_library_scripts import IDS, played


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
    from tests.scenarios.test_library_scripts import playbooks

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
