"""The playbook's rules in the format: what the models refuse, what `validate` checks across a playbook and
the scenarios that use it, and the pure answers the engine and scorer share (sim.journal.rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from sim.engine.drill import Drill
from sim.format.loading import check_file
from sim.format.model import ValidationError
from sim.format.playbook import Playbook, Severity
from sim.format.playbook_rules import Condition, IncidentCategory, Trigger
from sim.format.rule_checks import check_playbook_rules, check_scenario_rules
from sim.format.scenario import Truth
from sim.journal import rules
from sim.journal.drill_record import DrillRecord
from sim.journal.events import StatusChanged
from sim.journal.facts import read_facts
from tests.sim.engine_fixtures import PLAYBOOK_PATH, mini

T = {"id": "t", "section": "S", "text": "T"}


def test_the_categories_a_condition_tests_are_the_scenarios() -> None:
    assert get_args(IncidentCategory) == get_args(Truth.model_fields["category"].annotation)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({**T, "when": [{}], "notify": ["x"]}, "a condition needs at least one key"),
        ({**T, "when": [{"category": ["data"]}]}, "a trigger needs something to do"),
        ({**T, "when": [{"tags": ["a"]}], "notify": ["x"], "within": "5m", "at_once": True}, "not both"),
        ({**T, "when": [{"tags": ["a"]}], "declare": "SEV1", "automatic": True}, "only brings people in"),
        ({**T, "when": [{"metric": {"metric": "m", "above": 1}, "tags": ["a"]}], "notify": ["x"]}, "two conditions"),
        ({**T, "when": [{"metric": {"metric": "m"}}], "notify": ["x"]}, "exactly one of 'above'"),
        ({**T, "when": [{"metric": {"metric": "m", "above_baseline": 0}}], "notify": ["x"]}, "above 0"),
        ({**T, "when": [], "notify": ["x"]}, "at least 1 item"),
    ],
)
def test_a_trigger_the_model_refuses(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Trigger.model_validate(data)


def test_one_review_deadline() -> None:
    with pytest.raises(ValidationError, match="not both"):
        Severity.model_validate({"id": "S", "label": "S", "pir_within": "48h", "pir_within_business_days": 5})
    sev = Severity.model_validate({"id": "S", "label": "S", "pir_within_business_days": 1})
    assert sev.pir_deadline() == (86400.0, "1 business day")
    assert Condition.model_validate({"tags": ["legal"]}).hidden
    assert not Condition.model_validate({"open_for": "1h"}).hidden


def drillbook(**changes: Any) -> dict[str, Any]:
    data = yaml.safe_load(PLAYBOOK_PATH.read_text())
    data.update(changes)
    return data


def test_validate_checks_a_playbooks_rules() -> None:
    data = drillbook(
        metrics=[{"id": "m", "label": "M"}, {"id": "m", "label": "M again"}],
        procedures=[{"id": "p", "section": "S", "text": "T"}],
        follow_up=[{"id": "f", "text": "Docs", "within": "4h"}],
    )
    data["escalation"]["levels"] = ["em", "nobody"]
    data["escalation"]["triggers"] = [
        {**T, "when": [{"metric": {"metric": "spend", "above": 1}}, {"severity": ["SEV9"]}], "notify": ["ghost"]},
        {**T, "id": "u", "when": [{"tags": ["x"]}], "declare": "SEV7"},
    ]
    found = [(f.loc, f.message) for f in check_playbook_rules(Playbook.model_validate(data))]
    assert [loc for loc, _ in found] == [
        ("metrics", 1, "id"),
        ("escalation", "levels", 1),
        ("escalation", "triggers", 0, "notify", 0),
        ("escalation", "triggers", 0, "when", 0, "metric", "metric"),
        ("escalation", "triggers", 0, "when", 1, "severity", 0),
        ("escalation", "triggers", 1, "declare"),
    ]
    assert "contact 'ghost' is not defined" in found[2][1]
    data["escalation"]["levels"], data["metrics"] = [], []
    data["escalation"]["triggers"] = [{**T, "when": [{"tags": ["x"]}], "next_level": True}]
    (finding,) = check_playbook_rules(Playbook.model_validate(data))
    assert finding.message == "'next_level' needs escalation.levels"


def test_a_scenario_cites_its_own_playbooks_procedures_and_uses_its_thresholds() -> None:
    pb = Playbook.model_validate(
        drillbook(
            procedures=[{"id": "look", "section": "S", "text": "T"}],
            metrics=[{"id": "m", "label": "The M", "warn": 20, "critical": 30}],
        )
    )
    expectations = [
        {"id": "a", "description": "A", "done": "fix", "cites": "look"},
        {"id": "b", "description": "B", "done": "fix", "cites": "evidence-first"},
    ]
    found = check_scenario_rules(mini(expectations=expectations), pb)  # its `m` has critical 40
    assert [(f.loc, f.message) for f in found] == [
        (("expectations", 1, "cites"), "procedure 'evidence-first' is not defined; defined procedures: look"),
        (("metrics", 0, "critical"), "metric 'm' has critical 40, but playbook 'drillbook' sets 30"),
    ]
    assert "own playbook" in found[0].hint


def test_the_loader_reports_what_a_scenario_takes_from_its_playbook(tmp_path: Path) -> None:
    pb = Playbook.model_validate(drillbook(metrics=[{"id": "m", "label": "M", "critical": 30}]))
    data = mini().model_dump(mode="json", by_alias=True)
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data))
    result = check_file(path, "scenario", playbooks={"drillbook": pb})
    assert not result.ok and "playbook 'drillbook' sets 30" in str(result.problems[0])


def record(*events: Any) -> DrillRecord:
    """A minute of a quiet drill, with these events added after it."""
    d = Drill(mini(), Playbook.model_validate(drillbook()))
    d.advance_to(60)
    return DrillRecord(d.record.header, (*d.record.events, *events))


def test_failed_resolutions_hold_at_the_nth_resolve_that_did_not_hold() -> None:
    pb = Playbook.model_validate(drillbook())
    sc = mini(truth={"severity": "SEV2", "root_cause": "f", "category": "outage", "fixed_by": ["fix"]})
    trigger = Trigger.model_validate({**T, "when": [{"failed_resolutions": 2}], "notify": ["em"]})
    early = [StatusChanged(t=t, status="resolved", previous="investigating", early=True) for t in (100.0, 200.0)]
    assert rules.held_at(trigger, read_facts(record(early[0])), sc, pb) is None
    assert rules.held_at(trigger, read_facts(record(*early)), sc, pb) == 200.0
