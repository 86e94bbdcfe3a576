"""The playbook's triggers in a running drill: a metric condition starts the trainee's clock (journaled, so the
scorer reads the same moment), a condition on the scenario's truth shows nothing, and automatic triggers
escalate to the next level by themselves.

The incident is detected by a page at T+1m; metric `m` sits at 10 until the fault steps it up.
"""

from __future__ import annotations

from typing import Any

import yaml

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.journal.events import Escalation, TimerMet, TimerStarted
from sim.journal.facts import read_facts
from tests.sim.engine_fixtures import PLAYBOOK_PATH, mini, of, times

PAGE = {"id": "page", "kind": "page", "text": "paged", "trigger": {"at": "1m"}}
SEV2 = {"severity": "SEV2", "root_cause": "f", "category": "outage", "fixed_by": ["fix"]}


def book(*triggers: dict[str, Any], levels: list[str] | None = None, chain: bool = False) -> Playbook:
    """The drillbook with these triggers, metric `m`, and (unless asked) no pager chain to muddle who is
    involved."""
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data["metrics"] = [{"id": "m", "label": "M"}]
    esc = data["escalation"]
    esc["triggers"] = [{"section": "S", "text": f"rule {t['id']}", **t} for t in triggers]
    esc["levels"] = levels or ["em", "cto", "ceo"]
    if not chain:
        esc["chain"] = []
    return Playbook.model_validate(data)


def drill(pb: Playbook, *, start: str = "5m", truth: dict[str, Any] | None = None, **kw: Any) -> Drill:
    return Drill(mini(start=start, injects=[PAGE], truth=truth or SEV2, **kw), pb)


PAGE_DBA = {
    "id": "dba-on-spike",
    "when": [{"metric": {"metric": "m", "above": 22}}],
    "notify": ["dba"],
    "within": "10m",
}


def test_a_metric_condition_starts_the_trainees_clock_and_doing_it_meets_it() -> None:
    d = drill(book(PAGE_DBA))
    d.advance_to(400)
    (started,) = of(d.events, TimerStarted, timer="trigger.dba-on-spike")
    assert (started.t, started.deadline, started.category) == (300.0, 900.0, "trigger")
    assert started.label == "Page Database Administrator within 10m"
    d.act("page", contact="dba")  # 30 s
    d.advance_to(600)
    assert times(d.events, TimerMet, timer="trigger.dba-on-spike") == [430.0]
    assert read_facts(d.record).triggered == {"dba-on-spike": 300.0}  # the moment, for the scorer


def test_a_metric_that_held_before_detection_starts_the_clock_at_detection() -> None:
    d = drill(book(PAGE_DBA), start="20s")
    d.advance_to(600)
    assert times(d.events, TimerStarted, timer="trigger.dba-on-spike") == [60.0]


def test_a_multiple_of_the_baseline() -> None:
    twice = {"id": "twice", "when": [{"metric": {"metric": "m", "above_baseline": 2}}], "notify": ["dba"]}
    thrice = {"id": "thrice", "when": [{"metric": {"metric": "m", "above_baseline": 3}}], "notify": ["dba"]}
    d = drill(book(twice, thrice))  # m goes from 10 to 25
    d.advance_to(900)
    assert times(d.events, TimerStarted, timer="trigger.twice") == [300.0]
    assert of(d.events, TimerStarted, timer="trigger.thrice") == []
    # With no deadline, its clock runs to the drill's end and says so.
    (started,) = of(d.events, TimerStarted, timer="trigger.twice")
    assert started.deadline == 7200.0 and started.label.endswith("(before resolving)")


def test_an_at_once_clock_follows_the_declared_levels_response_target() -> None:
    spike = {"id": "spike-dba", "when": [{"metric": {"metric": "m", "above": 22}}], "notify": ["dba"], "at_once": True}
    d = drill(book(spike))
    d.advance_to(400)
    # Undeclared, the clocks follow SEV1 (respond in 10m); declaring SEV2 (15m) moves the deadline.
    assert [e.deadline for e in of(d.events, TimerStarted, timer="trigger.spike-dba")] == [900.0]
    d.act("declare", severity="SEV2")
    d.advance_to(600)
    assert [e.deadline for e in of(d.events, TimerStarted, timer="trigger.spike-dba")] == [900.0, 1200.0]
    assert read_facts(d.record).triggered == {"spike-dba": 300.0}  # still held from the metric's moment


def test_a_condition_on_the_scenarios_truth_starts_no_clock() -> None:
    outage = {"id": "outage-dba", "when": [{"category": ["outage"]}], "notify": ["dba"], "at_once": True}
    d = drill(book(outage))
    d.advance_to(1200)
    assert [e for e in of(d.events, TimerStarted) if e.timer.startswith("trigger.")] == []
    assert not any(t.id.startswith("trigger.") for t in d.state.timers)


AUTO_ACK = {"id": "no-ack", "when": [{"overdue": "acknowledge"}], "next_level": True, "automatic": True}


def test_no_acknowledgement_within_the_target_escalates_to_the_next_level() -> None:
    d = drill(book(AUTO_ACK), start="3h")
    d.advance_to(3000)
    # SEV2 (the truth) acknowledges within 15m: due at T+16m, from the page at T+1m.
    assert [(e.t, e.contact, e.reason) for e in of(d.events, Escalation, timer="trigger.no-ack")] == [
        (960.0, "em", "rule no-ack")
    ]


def test_acknowledging_in_time_escalates_no_one() -> None:
    d = drill(book(AUTO_ACK), start="3h")
    d.advance_to(120)
    d.act("acknowledge")
    d.advance_to(3000)
    assert of(d.events, Escalation, timer="trigger.no-ack") == []


def test_the_next_level_skips_whoever_is_already_involved() -> None:
    d = drill(book(AUTO_ACK), start="3h")
    d.advance_to(120)
    d.act("page", contact="em")
    d.advance_to(3000)
    assert [e.contact for e in of(d.events, Escalation, timer="trigger.no-ack")] == ["cto"]


def test_running_past_the_resolution_target_escalates_once() -> None:
    late = {"id": "late", "when": [{"overdue": "resolution"}], "next_level": True, "automatic": True}
    truth = {**SEV2, "severity": "SEV1"}  # resolution within 1h
    d = drill(book(late, levels=["vp", "ceo"]), start="3h", truth=truth)
    d.advance_to(7100)
    assert [(e.t, e.contact) for e in of(d.events, Escalation, timer="trigger.late")] == [(3660.0, "vp")]


def test_raising_the_severity_escalates_at_the_declaration() -> None:
    raised = {"id": "raised", "when": [{"severity_raised": True}], "next_level": True, "automatic": True}
    d = drill(book(raised), start="3h")
    d.advance_to(120)
    d.act("declare", severity="SEV3")
    d.advance_to(200)
    d.act("declare", severity="SEV2")  # done at 230
    d.advance_to(600)
    assert [(e.t, e.contact) for e in of(d.events, Escalation, timer="trigger.raised")] == [(230.0, "em")]


AUTO_SPIKE = {"id": "spike", "when": [{"metric": {"metric": "m", "above": 22}}], "notify": ["cto"], "automatic": True}


def test_an_automatic_metric_trigger_escalates_when_the_metric_passes() -> None:
    d = drill(book(AUTO_SPIKE))
    d.advance_to(900)
    assert [(e.t, e.contact) for e in of(d.events, Escalation, timer="trigger.spike")] == [(300.0, "cto")]


def test_an_automatic_trigger_stops_once_the_incident_is_resolved() -> None:
    d = drill(book(AUTO_SPIKE))
    d.advance_to(120)
    d.act("resolve")  # on a healthy system: the resolution holds, before the fault at T+5m
    d.advance_to(900)
    assert of(d.events, Escalation, timer="trigger.spike") == []
