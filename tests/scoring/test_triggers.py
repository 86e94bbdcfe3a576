"""The scorer's side of the playbook's rules: a trigger that held asks the trainee to page, declare or send,
in time; the review in business days; follow-up steps listed; cited procedures read as the playbook's.

The drills are the engine tests' tiny ones: detected by a page at T+1m, true severity SEV2 (response 15m),
metric `m` stepping from 10 to 25 at T+5m."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from scoring.grade import ScoreCard, grade
from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from tests.sim.engine_fixtures import PLAYBOOK_PATH, mini

PAGE = {"id": "page", "kind": "page", "text": "paged", "trigger": {"at": "1m"}}
TRUTH = {"severity": "SEV2", "root_cause": "f", "category": "outage", "fixed_by": ["fix"]}


def book(*triggers: dict[str, Any], **top: Any) -> Playbook:
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data["metrics"] = [{"id": "m", "label": "M"}]
    data["escalation"]["triggers"] = [
        {"section": "Escalation › When", "text": f"rule {t['id']}", **t} for t in triggers
    ]
    data["escalation"]["levels"] = ["em", "cto", "ceo"]
    data["escalation"]["chain"] = []
    data.update(top)
    return Playbook.model_validate(data)


def played(
    pb: Playbook, steps: Sequence[tuple[float, str, dict[str, str]]], *, until: float = 3000, **kw: Any
) -> ScoreCard:
    sc = mini(start="5m", injects=[PAGE], truth=TRUTH, **kw)
    d = Drill(sc, pb)
    for at, action, params in steps:
        d.advance_to(at)
        d.act(action, **params)
    d.advance_to(until)
    d.end()
    return grade(d.record, sc, pb)


OUTAGE_DBA = {"id": "outage-dba", "when": [{"category": ["outage"]}], "notify": ["dba"], "at_once": True}


def test_a_held_trigger_done_in_time_passes_and_cites_the_playbook_section() -> None:
    c = played(book(OUTAGE_DBA), [(300, "page", {"contact": "dba"})]).criterion("rule.outage-dba")
    assert (c.result, c.points, c.max_points, c.category, c.source) == ("pass", 10, 10, "escalation", "playbook")
    assert c.rule == "Drill test playbook › Escalation › When"
    assert c.title == "rule outage-dba"
    assert c.deadline == 960.0  # from detection at T+1m, within SEV2's 15m response target
    assert "outage incident from T+00:01:00" in c.explanation


def test_the_explanation_names_the_condition_that_held() -> None:
    either = {"id": "either", "when": [{"tags": ["legal"]}, {"category": ["outage"]}], "notify": ["cto"]}
    c = played(book(either), [(300, "page", {"contact": "cto"})]).criterion("rule.either")
    assert c.explanation.startswith("outage incident from T+00:01:00; done at T+00:05:30")
    assert "legal" not in c.explanation
    assert [e.what for e in c.evidence] == ["held: outage incident", "paged CTO"]


def test_late_credit_decays_and_never_fails() -> None:
    late = played(book(OUTAGE_DBA), [(1200, "page", {"contact": "dba"})]).criterion("rule.outage-dba")
    # Paged at 1230, 270 s past 960; credit falls to nothing 900 s after the deadline.
    assert (late.result, late.points) == ("partial", 7)
    never = played(book(OUTAGE_DBA), []).criterion("rule.outage-dba")
    assert (never.result, never.points) == ("fail", 0)
    assert "not done: page Database Administrator" in never.explanation


def test_triggers_that_never_held_are_listed_once_not_evaluated() -> None:
    security = {"id": "security", "when": [{"category": ["security"]}], "notify": ["cto"]}
    card = played(book(security, OUTAGE_DBA), [(300, "page", {"contact": "dba"})])
    idle = card.criterion("rule.not_held")
    assert not idle.evaluated and "security (security incident)" in idle.explanation
    assert "rule.security" not in {c.id for c in card.criteria}


PAGE_DBA = {
    "id": "dba-on-spike",
    "when": [{"metric": {"metric": "m", "above": 22}}],
    "notify": ["dba"],
    "within": "10m",
}


def test_a_metric_trigger_counts_from_the_moment_the_engine_journaled() -> None:
    c = played(book(PAGE_DBA), [(1000, "page", {"contact": "dba"})]).criterion("rule.dba-on-spike")
    # Held at T+5m (the fault), due 10 minutes later at 900; paged at 1030.
    assert (c.result, c.deadline, c.points) == ("partial", 900.0, 7)


def test_a_declare_trigger_wants_the_severity_or_higher() -> None:
    raise_it = {"id": "to-sev1", "when": [{"metric": {"metric": "m", "above": 22}}], "declare": "SEV1", "at_once": True}
    steps = [(120, "declare", {"severity": "SEV2"}), (400, "declare", {"severity": "SEV1"})]
    c = played(book(raise_it), steps).criterion("rule.to-sev1")
    assert (c.result, c.category) == ("pass", "classification")
    kept = played(book(raise_it), steps[:1]).criterion("rule.to-sev1")
    assert kept.result == "fail" and "declare SEV1 or higher" in kept.explanation


def test_a_send_trigger_without_a_deadline_is_due_while_the_incident_is_open() -> None:
    tell = {"id": "tell", "when": [{"category": ["outage"]}], "send": ["notify_customers"]}
    c = played(book(tell), [(600, "notify_customers", {})]).criterion("rule.tell")
    assert (c.result, c.category, c.deadline) == ("pass", "communication", None)
    assert "while the incident was open" in c.explanation


def test_next_level_asks_for_the_first_level_the_trainee_had_not_paged() -> None:
    up = {"id": "up", "when": [{"unmitigated_for": "10m"}], "next_level": True, "at_once": True}
    card = played(book(up), [(120, "page", {"contact": "em"}), (900, "page", {"contact": "cto"})])
    c = card.criterion("rule.up")
    # Still not mitigated at T+11m; the Engineering Manager was paged already, so the CTO is next.
    assert c.result == "pass" and "unmitigated after 10m from T+00:11:00" in c.explanation
    assert "paged CTO" in [e.what for e in c.evidence]


def test_a_contact_a_held_trigger_asked_for_is_no_noise() -> None:
    def noise(pb: Playbook) -> list[str]:
        card = played(pb, [(300, "page", {"contact": "dba"})])
        return [e.what for e in card.criterion("conduct.noise").evidence]

    assert noise(book(OUTAGE_DBA)) == []
    assert noise(book()) == ["needless page: Database Administrator"]


def test_a_review_in_business_days() -> None:
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data["severities"][1]["pir_within_business_days"] = 5
    pb = Playbook.model_validate(data)
    c = played(pb, [(300, "schedule_pir", {})]).criterion("close.pir")
    assert c.result == "pass" and "within 5 business days of resolution for SEV2" in c.explanation
    assert c.rule == "Drill test playbook › SEV2 › Post-incident review"


def test_follow_up_steps_are_listed_not_evaluated() -> None:
    pb = book(follow_up=[{"id": "docs", "text": "Initial documentation", "within": "4h"}])
    c = played(pb, []).criterion("close.follow_up")
    assert not c.evaluated and "Initial documentation within 4h of resolution" in c.explanation
    assert c.rule == "Drill test playbook › Follow-up"


def test_an_expectation_citing_a_procedure_reads_as_the_playbooks_rule() -> None:
    pb = book(procedures=[{"id": "look", "section": "Response › Look first", "text": "Look before you fix."}])
    expectations = [
        {"id": "cited", "description": "Investigate first", "done": "investigate", "cites": "look"},
        {"id": "own", "description": "Fix it", "done": "fix"},
    ]
    card = played(pb, [(120, "investigate", {"target": "logs"})], expectations=expectations)
    cited, own = card.criterion("expect.cited"), card.criterion("expect.own")
    assert (cited.rule, cited.source) == ("Drill test playbook › Response › Look first", "playbook")
    assert (own.rule, own.source) == ("Scenario 'Mini' › its own rule", "scenario")
    assert "the playbook's procedure requires: Investigate first" in cited.explanation
    assert "the scenario expects: Fix it" in own.explanation
