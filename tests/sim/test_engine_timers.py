"""Escalating timers, one test per kind: the pager chain, SLA deadlines (and their re-basing), update
cadence with stakeholder pushes, the elapsed-time matrix and the no-progress escalation.

In every test the incident is detected by a page at T+1m, so deadlines read as T+1m + target.
"""

from __future__ import annotations

from typing import Any

import yaml

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.journal.events import Escalation, PagerEscalated, TimerCancelled, TimerExpired, TimerMet, TimerStarted
from tests.sim.engine_fixtures import PLAYBOOK_PATH, escalation_with, mini, of, playbook, times

PAGE = {"id": "page", "kind": "page", "text": "paged", "trigger": {"at": "1m"}}


def drill(pb: Playbook | None = None, **kw: Any) -> Drill:
    # The fault starts late so metrics stay quiet: only the page detects.
    return Drill(mini(start="3h", injects=[PAGE], **kw), pb or playbook())


def declared(severity: str, pb: Playbook | None = None, at: float = 120.0) -> Drill:
    d = drill(pb)
    d.advance_to(at)
    d.act("declare", severity=severity)  # 30 s
    return d


def test_pager_chain_escalates_level_by_level_at_the_playbooks_timeouts() -> None:
    d = drill()
    d.advance_to(7200)
    # Primary 5m -> Secondary 10m -> Engineering Manager 15m -> VP 30m, from the page at T+1m.
    assert [(e.t, e.level, e.name) for e in of(d.events, PagerEscalated)] == [
        (360.0, 2, "Secondary On-Call"),
        (960.0, 3, "Engineering Manager"),
        (1860.0, 4, "VP Engineering"),
    ]
    assert times(d.events, TimerExpired, timer="pager") == [3660.0]


def test_a_chain_of_fixed_five_minute_steps() -> None:
    chain = [
        {"name": "Monitor", "contact": "oncall", "timeout": "5m"},
        {"name": "Admin", "contact": "secondary", "timeout": "5m"},
        {"name": "Super Admin", "contact": "em", "timeout": "5m"},
    ]
    d = drill(escalation_with(chain=chain))
    d.advance_to(7200)
    assert [(e.t, e.name) for e in of(d.events, PagerEscalated)] == [
        (360.0, "Admin"),
        (660.0, "Super Admin"),
    ]
    assert times(d.events, TimerExpired, timer="pager") == [960.0]


def test_acknowledging_stops_the_pager() -> None:
    d = drill()
    d.advance_to(420)
    d.act("acknowledge")  # 10 s
    d.advance_to(7200)
    assert times(d.events, PagerEscalated) == [360.0]
    assert times(d.events, TimerMet, timer="pager") == [430.0]


def test_sla_deadlines_start_at_detection_at_the_most_severe_level() -> None:
    """Issue 19: the clocks run from detection, not from the declaration, at the most severe level until
    someone declares; declaring that level keeps the deadlines and drops the "until declared" label."""
    d = drill()
    d.advance_to(120)
    labels = {t.id: t.label for t in d.state.timers if t.category == "sla"}
    assert labels["sla.acknowledge"] == "Acknowledge (SEV1 until declared)"
    d.act("declare", severity="SEV1")  # 30 s
    d.advance_to(7200)
    started = {e.timer: e.deadline for e in of(d.events, TimerStarted, category="sla")}
    assert started == {
        "sla.acknowledge": 360.0,
        "sla.response": 660.0,
        "sla.status_page": 660.0,
        "sla.customers": 1260.0,
        "sla.executives": 960.0,
        "sla.support": 660.0,
        "sla.mitigation": 1860.0,
        "sla.resolution": 3660.0,
    }
    assert set(times(d.events, TimerStarted, category="sla")) == {60.0}
    assert {t.id: t.label for t in d.state.timers}["sla.acknowledge"] == "Acknowledge (SEV1)"
    # Declaring is itself a first response; nothing else was done, so the rest expire on time.
    assert times(d.events, TimerMet, timer="sla.response") == [150.0]
    expired = {e.timer: e.t for e in of(d.events, TimerExpired) if e.timer.startswith("sla.")}
    assert expired == {k: v for k, v in started.items() if k != "sla.response"}


def test_a_target_met_before_declaring_is_met_by_the_clock_running_since_detection() -> None:
    d = drill()
    d.advance_to(120)
    d.act("acknowledge")  # done at 130
    d.advance_to(200)
    d.act("declare", severity="SEV1")
    d.advance_to(600)
    met = of(d.events, TimerMet, timer="sla.acknowledge")
    assert [(e.t, e.met_at, e.late) for e in met] == [(130.0, None, False)]  # running since detection


def test_doing_the_thing_meets_the_timer() -> None:
    d = declared("SEV1")
    d.advance_to(300)
    d.act("status_page", state="investigating")  # 120 s
    d.act("brief_executives")  # 120 s
    d.advance_to(7200)
    assert times(d.events, TimerMet, timer="sla.status_page") == [420.0]
    assert times(d.events, TimerMet, timer="sla.executives") == [420.0]
    assert times(d.events, TimerExpired, timer="sla.status_page") == []


def test_changing_severity_rebases_the_timers() -> None:
    d = declared("SEV1")
    d.advance_to(300)
    d.act("declare", severity="SEV2")  # done at 330
    d.advance_to(7200)
    at_330 = [e for e in d.events if e.t == 330.0]
    cancelled = {e.timer for e in of(at_330, TimerCancelled)}
    restarted = {e.timer: e.deadline for e in of(at_330, TimerStarted)}
    # SEV2 has no customer, support or mitigation target; executives stays 15m and is left running.
    assert {"sla.customers", "sla.support", "sla.mitigation", "sla.acknowledge"} <= cancelled
    assert "sla.executives" not in cancelled
    assert restarted["sla.acknowledge"] == 960.0  # T+1m + 15m
    assert restarted["sla.resolution"] == 60.0 + 4 * 3600
    assert times(d.events, TimerExpired, timer="sla.acknowledge") == [960.0]
    assert times(d.events, TimerExpired, timer="sla.customers") == []


def test_update_cadence_re_arms_after_each_update() -> None:
    d = declared("SEV1")
    d.advance_to(600)
    d.act("post_update", text="investigating")  # 90 s
    d.advance_to(3000)
    cadence = [(e.t, e.deadline) for e in of(d.events, TimerStarted, timer="cadence.internal_update")]
    assert cadence == [(60.0, 960.0), (690.0, 1590.0)]  # from detection
    assert times(d.events, TimerMet, timer="cadence.internal_update") == [690.0]
    assert times(d.events, TimerExpired, timer="cadence.internal_update") == [1590.0]


def test_status_page_cadence_starts_after_the_first_status_update() -> None:
    d = declared("SEV1")
    d.advance_to(300)
    d.act("status_page", state="investigating")  # done at 420
    d.advance_to(3000)
    assert [(e.t, e.deadline) for e in of(d.events, TimerStarted, timer="cadence.status_page")] == [(420.0, 2220.0)]


def test_overdue_updates_bring_stakeholders_in_one_after_another() -> None:
    d = declared("SEV1")
    d.advance_to(7200)
    # The update was due at T+16m; support lead at +5m, engineering manager at +10m, CTO at +20m.
    pushes = [(e.t, e.contact) for e in of(d.events, Escalation, timer="cadence.internal_update")]
    assert pushes == [(1260.0, "support_lead"), (1560.0, "em"), (2160.0, "cto")]


def test_posting_an_update_stops_the_stakeholder_pushes() -> None:
    d = declared("SEV1")
    d.advance_to(1300)
    d.act("post_update")  # done at 1390
    d.advance_to(2000)
    assert [e.contact for e in of(d.events, Escalation, timer="cadence.internal_update")] == ["support_lead"]
    assert times(d.events, TimerMet, timer="cadence.internal_update") == [1390.0]


def test_elapsed_time_matrix_brings_people_in_per_severity() -> None:
    d = declared("SEV1")
    d.advance_to(7200)
    assert [(e.t, e.timer, e.contact) for e in of(d.events, Escalation) if "matrix" in e.timer] == [
        (1860.0, "matrix.SEV1.1", "cto"),
        (3660.0, "matrix.SEV1.2", "ceo"),
        (3660.0, "world.matrix", "em"),  # the true severity (SEV2) brings its own people in too
    ]


def test_under_declaring_does_not_keep_the_true_severitys_people_away() -> None:
    """Issue 19: the world follows the scenario's true severity (SEV2 here), whatever was declared."""
    d = declared("SEV3")
    d.advance_to(7200)
    matrix = [(e.t, e.timer, e.contact) for e in of(d.events, Escalation) if "matrix" in e.timer]
    assert (3660.0, "world.matrix", "em") in matrix


def test_clocks_before_declaring_follow_the_most_severe_level() -> None:
    d = drill()
    d.advance_to(600)
    labels = [t.label for t in d.state.timers]
    assert any(label.startswith("SEV1 open") and label.endswith("(until declared)") for label in labels), labels
    assert all(len(label) <= 60 for label in labels), labels  # room for the deadline in an 80-column panel


def test_matrix_rebases_to_the_new_severity() -> None:
    d = declared("SEV1")
    d.advance_to(600)
    d.act("declare", severity="SEV2")
    d.advance_to(7200)
    matrix = [(e.t, e.contact) for e in of(d.events, Escalation) if "matrix" in e.timer]
    assert matrix == [(3660.0, "em")]
    assert "matrix.SEV1.1" in {e.timer for e in of(d.events, TimerCancelled)}


def test_no_progress_escalates_when_the_root_cause_stays_hidden() -> None:
    d = drill()
    d.advance_to(120)
    d.act("acknowledge")  # done at 130: 15 minutes to find the cause
    d.advance_to(3600)
    assert times(d.events, TimerExpired, timer="progress") == [1030.0]
    assert [(e.t, e.contact) for e in of(d.events, Escalation, timer="progress")] == [(1030.0, "em")]


def test_finding_the_root_cause_meets_the_progress_timer() -> None:
    clue = {"id": "c", "text": "the cause", "found_by": ["logs"]}
    truth = {
        "severity": "SEV2",
        "root_cause": "f",
        "category": "outage",
        "fixed_by": ["fix"],
        "root_cause_clues": ["c"],
    }
    d = Drill(mini(start="3h", injects=[PAGE], clues=[clue], truth=truth), playbook())
    d.advance_to(120)
    d.act("acknowledge")
    d.advance_to(130)
    d.act("investigate", target="logs")  # 180 s
    d.advance_to(3600)
    assert times(d.events, TimerMet, timer="progress") == [310.0]
    assert of(d.events, Escalation, timer="progress") == []


def test_timer_states_in_the_drill_state() -> None:
    d = declared("SEV1")

    def state_of(tid: str) -> str:
        return next(t.state for t in d.state.timers if t.id == tid)

    d.advance_to(151)
    assert state_of("sla.acknowledge") == "running"  # due 360, started 150: warning from 318
    d.advance_to(330)
    assert state_of("sla.acknowledge") == "warning"
    d.advance_to(361)
    assert state_of("sla.acknowledge") == "overdue"
    d.act("acknowledge")
    d.advance_to(400)
    assert state_of("sla.acknowledge") == "met"
    assert next(t for t in d.state.timers if t.id == "sla.acknowledge").left(400) == -40


def test_resolving_stops_the_escalation_timers() -> None:
    d = declared("SEV1")
    d.advance_to(200)
    d.act("resolve")  # done at 230
    d.advance_to(7200)
    cancelled = {e.timer for e in of(d.events, TimerCancelled) if e.t == 230.0}
    assert {"pager", "cadence.internal_update", "matrix.SEV1.1", "matrix.SEV1.2"} <= cancelled
    assert of(d.events, Escalation) == []
    assert of(d.events, PagerEscalated) == []


def test_an_identify_target_runs_from_detection_and_is_met_by_the_root_cause() -> None:
    """A playbook's MTTI target is a clock the trainee can see, met when the root cause is revealed."""
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data["severities"][0]["targets"]["identify"] = "15m"
    pb = Playbook.model_validate(data)
    sc = mini(
        start="3h",
        injects=[PAGE],
        clues=[{"id": "cause", "text": "It was f."}],
        truth={
            "severity": "SEV1",
            "root_cause": "f",
            "category": "outage",
            "fixed_by": ["fix"],
            "root_cause_clues": ["cause"],
        },
        actions=[
            {"id": "fix", "label": "Fix it", "duration": "1m", "effects": [{"resolve": "f"}]},
            {"id": "look", "label": "Look", "duration": "1m", "effects": [{"reveal": "cause"}]},
        ],
    )
    d = Drill(sc, pb)
    d.advance_to(120)
    assert {t.id: t.label for t in d.state.timers}["sla.identify"] == "Identify the root cause (SEV1 until declared)"
    assert [e.deadline for e in of(d.events, TimerStarted, timer="sla.identify")] == [60.0 + 900.0]
    d.act("look")
    d.advance_to(600)
    assert [(e.t, e.late) for e in of(d.events, TimerMet, timer="sla.identify")] == [(180.0, False)]
