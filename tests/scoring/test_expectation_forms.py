"""Expectations four new scenarios needed: alternatives, windows that open on something happening, parameter
filters on `order`, a floor on the declared severity, and actions harmful only while a fault runs."""

from __future__ import annotations

from typing import Any

import pytest

from scoring.grade import ScoreCard, grade
from sim.format.scenario import Action, Expectation, Scenario
from tests.scoring.builder import IDEAL, build, load_playbook, load_scenario, moved, plus, step, without


def _with(*expectations: dict[str, Any], actions: list[dict[str, Any]] | None = None) -> Scenario:
    sc = load_scenario()
    update: dict[str, Any] = {
        "expectations": (*sc.expectations, *(Expectation.model_validate(x) for x in expectations))
    }
    if actions:
        update["actions"] = (*sc.actions, *(Action.model_validate(a) for a in actions))
    return sc.model_copy(update=update)


def card(sc: Scenario, steps: tuple[Any, ...] = IDEAL) -> ScoreCard:
    return grade(build(steps, sc), sc, load_playbook())


# -- alternatives --------------------------------------------------------------------------------------------


BREAKER = [
    {"id": "breaker", "label": "Open the circuit breaker", "duration": "1m"},
    {"id": "rate-limit", "label": "Rate-limit the callers", "duration": "1m"},
]
EITHER = {"id": "shed", "description": "Shed load: a circuit breaker or a rate limit", "any_of": ["breaker",
          "rate-limit"], "within": "15m"}  # fmt: skip


@pytest.mark.parametrize("which", ["breaker", "rate-limit"])
def test_any_of_the_alternatives_passes(which: str) -> None:
    sc = _with(EITHER, actions=BREAKER)
    crit = card(sc, plus(IDEAL, step(600, which))).criterion("expect.shed")
    assert crit.result == "pass", crit.explanation
    label = "Open the circuit breaker" if which == "breaker" else "Rate-limit the callers"
    assert crit.explanation.startswith(f"{label} finished at T+00:11:00")


def test_none_of_the_alternatives_fails_and_says_both() -> None:
    crit = card(_with(EITHER, actions=BREAKER)).criterion("expect.shed")
    assert crit.result == "fail"
    assert "Open the circuit breaker or Rate-limit the callers was never done" in crit.explanation


def test_alternatives_each_take_their_own_parameters() -> None:
    sc = _with({"id": "tell", "description": "Tell the DBA or the CTO", "any_of": [
        {"do": "page", "with": {"contact": "dba"}}, {"do": "page", "with": {"contact": "cto"}}]})  # fmt: skip
    assert card(sc).criterion("expect.tell").result == "pass"  # the ideal pages the DBA
    assert card(sc, without(IDEAL, "page", contact="dba")).criterion("expect.tell").result == "fail"


# -- windows that open when something happens ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "opens"),
    [
        ({"inject": "first_page"}, 150.0),
        ({"alert": "error_rate", "level": "critical"}, 170.0),
        ({"alert": "db_connections"}, 150.0),
        ({"fault": "pool_leak"}, 120.0),
        ({"action": "acknowledge"}, 190.0),
    ],
)
def test_within_counts_from_the_moment_from_names(since: dict[str, Any], opens: float) -> None:
    # The ideal snapshots at 11m40s (it finishes a minute after starting at 700 s).
    sc = _with({"id": "snap", "description": "Snapshot soon after", "done": "snapshot", "within": "10m",
                "from": since})  # fmt: skip
    crit = card(sc).criterion("expect.snap")
    on_time = opens + 600.0 >= 760.0  # a mix: the window of the critical alert or the acknowledgement holds it
    assert crit.result == ("pass" if on_time else "partial"), crit.explanation
    assert crit.deadline == opens + 600.0
    assert crit.evidence[0].t == opens


def test_a_late_action_in_a_window_is_partial_then_fails() -> None:
    sc = _with({"id": "fin", "description": "Tell the DBA within 2m of the page", "done": "page",
                "with": {"contact": "dba"}, "within": "2m", "from": {"inject": "first_page"}})  # fmt: skip
    # The ideal pages the DBA at 4m50s (done 5m20s): 2m50s after the window closed at 4m30s, under twice 2m.
    crit = card(sc).criterion("expect.fin")
    assert crit.result == "partial"
    assert "after T+00:04:30 (2m after inject 'first_page' firing)" in crit.explanation
    late = moved(IDEAL, "page", 900, contact="dba")
    assert card(sc, late).criterion("expect.fin").result == "fail"


def test_a_window_that_never_opened_is_not_evaluated() -> None:
    sc = _with({"id": "x", "description": "Snapshot after a failover", "done": "snapshot", "within": "5m",
                "from": {"action": "failover"}})  # fmt: skip
    crit = card(sc).criterion("expect.x")
    assert crit.result == "not_evaluated"
    assert "fail over the database finishing never happened" in crit.explanation


def test_done_before_the_window_opened_counts() -> None:
    sc = _with({"id": "x", "description": "Snapshot within 5m of the fix", "done": "snapshot", "within": "5m",
                "from": {"action": "kill_idle"}})  # fmt: skip
    crit = card(sc).criterion("expect.x")
    assert crit.result == "pass" and "before kill idle connections finishing" in crit.explanation


# -- parameter filters on order -----------------------------------------------------------------------------


def test_order_with_parameters_counts_only_that_action() -> None:
    sc = _with({"id": "dba-first", "description": "Page the DBA before killing connections",
                "order": {"first": {"do": "page", "with": {"contact": "dba"}}, "then": "kill_idle"}})  # fmt: skip
    assert card(sc).criterion("expect.dba-first").result == "pass"
    # Paging someone else first does not count.
    other = without(IDEAL, "page", contact="dba")
    crit = card(sc, other).criterion("expect.dba-first")
    assert crit.result == "fail"
    assert "page / escalate to someone (contact: dba) had not been done" in crit.explanation.lower()


# -- the top severity ---------------------------------------------------------------------------------------


def test_severity_at_least_fails_on_any_lower_declaration() -> None:
    sc = _with({"id": "top", "description": "This is a SEV1", "category": "classification",
                "severity_at_least": "SEV1"})  # fmt: skip
    assert card(sc).criterion("expect.top").result == "pass"
    low = plus(IDEAL, step(900, "declare", severity="SEV2"))
    crit = card(sc, low).criterion("expect.top")
    assert crit.result == "fail" and "Declared below SEV1: SEV2 at T+00:15:30" in crit.explanation
    assert card(sc, without(IDEAL, "declare")).criterion("expect.top").result == "fail"


# -- harmful only while a fault runs ------------------------------------------------------------------------


def test_harmful_while_counts_only_while_the_fault_is_active() -> None:
    sc = load_scenario()
    cap = Action.model_validate({"id": "cap", "label": "Cap the nodes", "duration": "1m",
                                 "harmful_while": "pool_leak"})  # fmt: skip
    sc = sc.model_copy(update={"actions": (*sc.actions, cap)})
    during = card(sc, plus(IDEAL, step(600, "cap"))).criterion("mitigate.harmful")
    assert during.result == "partial" and "Cap the nodes at T+00:11:00" in during.explanation
    after = card(sc, plus(IDEAL, step(1000, "cap"))).criterion("mitigate.harmful")
    assert after.result == "pass", after.explanation
