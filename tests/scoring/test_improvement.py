"""Improvement items from a scorecard: one per weakness, keyed so the same weakness links across drills."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scoring import debrief
from scoring.grade import ScoreCard, grade
from scoring.improvement import (
    BY_CATEGORY,
    DUE_DAYS,
    ELEMENTS,
    UNFINISHED,
    element_for,
    improvement_items,
)
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tests.scoring.builder import IDEAL, build, load_playbook, load_scenario, m, moved, without
from tests.scoring.test_grade import NEGLIGENT


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario()


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture(scope="module")
def negligent(scenario: Scenario, playbook: Playbook) -> ScoreCard:
    return grade(build(NEGLIGENT, scenario), scenario, playbook)


def test_one_item_per_criterion_not_passed_in_action_item_order(
    negligent: ScoreCard, scenario: Scenario, playbook: Playbook
) -> None:
    items = improvement_items(negligent, scenario, playbook)
    assert [i.criterion for i in items] == [a.criterion for a in debrief.action_items(negligent)]
    assert [i.priority for i in items] == [a.priority for a in debrief.action_items(negligent)]
    assert all(i.due_days == DUE_DAYS[i.priority] for i in items)
    assert all(i.issue and i.corrective_action and i.evidence for i in items)


def test_only_weaknesses_become_items(scenario: Scenario, playbook: Playbook) -> None:
    card = grade(build(IDEAL, scenario), scenario, playbook)
    weak = {c.id for c in card.evaluated if c.result != "pass"}
    assert {i.criterion for i in improvement_items(card, scenario, playbook)} == weak
    assert len(weak) < 3  # the model answer: at most a nit or two


def test_the_same_weakness_keeps_its_key_in_another_drill(scenario: Scenario, playbook: Playbook) -> None:
    late = grade(build(moved(IDEAL, "acknowledge", m(12)), scenario), scenario, playbook)
    never = grade(build(without(IDEAL, "acknowledge"), scenario), scenario, playbook)
    keys_late = {i.key: i for i in improvement_items(late, scenario, playbook)}
    keys_never = {i.key: i for i in improvement_items(never, scenario, playbook)}
    assert "detect.acknowledge" in keys_late and "detect.acknowledge" in keys_never
    # Same key, different evidence: the later drill links to the open item and adds what it saw.
    assert keys_late["detect.acknowledge"].evidence != keys_never["detect.acknowledge"].evidence


def test_a_scenario_expectation_is_keyed_by_its_scenario(negligent: ScoreCard, scenario: Scenario) -> None:
    items = improvement_items(negligent, scenario, load_playbook())
    expect = [i for i in items if i.criterion.startswith("expect.")]
    assert expect, "the negligent drill misses the scenario's own expectations"
    assert all(i.key == f"{scenario.id}:{i.criterion}" for i in expect)
    assert all(i.key == i.criterion for i in items if not i.criterion.startswith("expect."))


def test_every_element_is_one_of_hseeps(negligent: ScoreCard, scenario: Scenario, playbook: Playbook) -> None:
    names = {e for e, _ in ELEMENTS}
    items = improvement_items(negligent, scenario, playbook)
    assert {i.element for i in items} <= names
    by_criterion = {i.criterion: i.element for i in items}
    assert by_criterion["role.ic"] == "organisation"
    assert by_criterion["escalate.dba"] == "organisation"
    assert by_criterion["comms.customers"] == "planning"
    assert by_criterion["classify.severity"] == "training"
    assert by_criterion["detect.acknowledge"] == "equipment"


def test_every_category_has_a_default_element() -> None:
    from scoring.rubric import CATEGORIES

    assert {c for c, _ in CATEGORIES} == set(BY_CATEGORY)


def test_the_mapping_can_be_overridden(negligent: ScoreCard, scenario: Scenario) -> None:
    c = negligent.criterion("role.ic")
    assert element_for(c, scenario) == "organisation"
    assert element_for(c, scenario, {"role.": "training"}) == "training"
    assert element_for(c, scenario, {"role.ic": "exercise", "role.": "training"}) == "exercise"


def test_an_unfinished_drill_adds_an_exercise_item(
    negligent: ScoreCard, scenario: Scenario, playbook: Playbook
) -> None:
    items = improvement_items(replace(negligent, finished=False), scenario, playbook)
    assert items[-1].key == UNFINISHED and items[-1].element == "exercise"


def test_owner_names_the_roles_that_acted(negligent: ScoreCard, scenario: Scenario, playbook: Playbook) -> None:
    by_criterion = {i.criterion: i for i in improvement_items(negligent, scenario, playbook)}
    assert by_criterion["mitigate.harmful"].owner == "Incident Commander"
    assert by_criterion["role.ic"].owner == ""  # never done: no one to name
