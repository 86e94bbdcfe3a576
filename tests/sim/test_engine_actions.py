"""Actions: refused ones change nothing, valid ones take sim time and land their effects when they finish,
they can be cancelled, and every one records who took it and in which role."""

from __future__ import annotations

from typing import Any

import pytest

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.journal.events import (
    ActionCancelled,
    ActionFinished,
    ActionRefusal,
    ActionStarted,
    ClueRevealed,
    CommsSent,
    FaultResolved,
    FaultStarted,
    RoleAssigned,
    payload,
)
from tests.sim.engine_fixtures import of, playbook, scenario, times


def fresh(at: float = 420.0) -> Drill:
    """The pool-leak drill, paged at T+6m and running at `at`."""
    d = Drill(scenario(), playbook())
    d.advance_to(at)
    return d


REFUSALS: list[tuple[str, dict[str, Any], str]] = [
    ("rollback_everything", {}, "unknown action"),
    ("declare", {}, "needs 'severity'"),
    ("declare", {"severity": "SEV9"}, "unknown severity"),
    ("declare", {"severity": 1}, "must be text"),
    ("assign_role", {"role": "pope", "who": "me"}, "unknown role"),
    ("assign_role", {"role": "ic", "who": " "}, "say who"),
    ("page", {"contact": "santa"}, "unknown contact"),
    ("investigate", {"target": "tea-leaves"}, "must be one of"),
    ("status_page", {"state": "on-fire"}, "must be one of"),
    ("open_channel", {"topic": "x"}, "does not take"),
    ("restart_pool", {}, "needs Investigate done first"),
    ("post_update", {"role": "wizard"}, "unknown role"),  # the role acted in
]


@pytest.mark.parametrize(("action", "params", "reason"), REFUSALS, ids=[f"{a}-{r}" for a, _, r in REFUSALS])
def test_an_invalid_action_is_refused_and_changes_nothing(action: str, params: dict[str, Any], reason: str) -> None:
    d = fresh()
    before = d.state
    count = len(d.events)
    with pytest.raises(ActionRefused, match=reason):
        d.act(action, **params)
    assert d.state == before
    # The refusal is journaled (a log of what the trainee tried) and nothing else is.
    assert [e.kind for e in d.events[count:]] == ["action.refused"]
    refused = d.events[-1]
    assert isinstance(refused, ActionRefusal)
    assert refused.action == action
    assert reason in refused.reason


def test_an_action_already_under_way_is_refused() -> None:
    d = fresh()
    d.act("investigate", target="logs")
    before = d.state
    with pytest.raises(ActionRefused, match="already under way"):
        d.act("investigate", target="dashboards")
    assert d.state == before


def test_acknowledging_before_anything_paged_is_refused() -> None:
    d = fresh(at=60.0)
    with pytest.raises(ActionRefused, match="nothing to acknowledge"):
        d.act("acknowledge")
    with pytest.raises(ActionRefused, match="no incident to resolve"):
        d.act("resolve")


def test_nothing_can_be_done_once_the_drill_is_over() -> None:
    d = fresh()
    d.end()
    count = len(d.events)
    with pytest.raises(ActionRefused, match="the drill is over"):
        d.act("acknowledge")
    assert len(d.events) == count
    assert d.available_actions() == []


def test_effects_land_when_the_action_finishes() -> None:
    d = fresh()
    d.act("acknowledge")  # 10 s
    d.advance_to(425)
    assert d.status == "detected"
    assert [r.action for r in d.state.running] == ["acknowledge"]
    d.advance_to(431)
    assert d.status == "acknowledged"
    assert times(d.events, ActionFinished, action="acknowledge") == [430.0]
    assert "acknowledge" in d.state.done


def test_every_action_records_who_took_it_and_in_which_role() -> None:
    d = fresh()
    d.act("post_update", actor="Ana", role="comms", text="Looking into errors.")
    d.act("assign_role", role="ic", who="me", actor="Bo", as_role="ic")
    d.advance_to(600)
    started = payload(of(d.events, ActionStarted, action="post_update")[0])
    assert (started["actor"], started["role"]) == ("Ana", "comms")
    comms = payload(of(d.events, CommsSent)[0])
    assert comms == {"channel": "internal", "text": "Looking into errors.", "actor": "Ana", "role": "comms"}
    # `who: me` is whoever took the action; `role=` names the role handed out, `as_role=` the acting one.
    assert payload(of(d.events, RoleAssigned)[0]) == {"role": "ic", "who": "Bo", "actor": "Bo"}
    assert of(d.events, ActionStarted, action="assign_role")[0].role == "ic"
    assert d.state.roles == {"ic": "Bo"}


def test_actor_defaults_to_the_trainee() -> None:
    d = Drill(scenario(), playbook(), trainee="Robin")
    d.advance_to(420)
    d.act("acknowledge")
    assert of(d.events, ActionStarted)[-1].actor == "Robin"


def test_cancel_stops_an_action_before_its_effects_land() -> None:
    d = fresh()
    d.act("investigate", target="dashboards")  # 180 s
    d.advance_to(480)
    d.cancel("investigate", actor="Ana")
    d.advance_to(1200)
    assert times(d.events, ActionCancelled, action="investigate") == [480.0]
    assert of(d.events, ActionFinished, action="investigate") == []
    assert of(d.events, ClueRevealed) == []
    assert "investigate" not in d.state.done
    # It can be started again afterwards.
    d.act("investigate", target="dashboards")
    d.advance_to(1400)
    assert times(d.events, ClueRevealed, clue="conn-count") == [1380.0]


def test_cancel_at_the_instant_it_started_is_safe() -> None:
    d = fresh()
    d.act("open_channel")
    d.cancel("open_channel")
    d.advance_to(1200)
    assert of(d.events, ActionFinished, action="open_channel") == []


def test_cancelling_what_is_not_running_is_refused() -> None:
    d = fresh()
    with pytest.raises(ActionRefused, match="not under way"):
        d.cancel("investigate")


def test_investigating_reveals_clues_and_names_the_hidden_fault() -> None:
    d = fresh()
    assert d.state.known_faults == ()
    d.act("investigate", target="dashboards")
    d.advance_to(1000)
    clue = of(d.events, ClueRevealed)[0]
    assert (clue.t, clue.clue, clue.root_cause, clue.by) == (
        600.0,
        "conn-count",
        True,
        "investigate",
    )
    assert d.status == "identified"
    assert d.state.known_faults == ("Connection pool leak",)
    assert d.state.clues == ("Connections at 100/100, most idle in transaction since the deploy.",)
    assert of(d.events, ActionFinished, action="investigate")[0].result == clue.text


def test_investigating_where_nothing_hides_says_what_was_seen() -> None:
    d = fresh()
    d.act("investigate", target="dependencies")
    d.advance_to(1000)
    assert of(d.events, ActionFinished, action="investigate")[0].result == "Every upstream dependency is green."
    assert of(d.events, ClueRevealed) == []


def test_scenario_actions_resolve_faults_move_metrics_reveal_and_make_things_worse() -> None:
    d = fresh()
    d.act("investigate", target="dashboards")
    d.act("scale_up")  # 180 s, then latency ramps down by 300 over 2 minutes
    d.advance_to(600)
    before = d.metrics["latency_ms"].offset(600)
    d.advance_to(900)
    assert d.metrics["latency_ms"].offset(900) == pytest.approx(before - 300)
    d.act("restart_pool")  # requires investigate: now done
    d.act("check_pool")
    d.advance_to(1100)
    assert times(d.events, FaultResolved, fault="pool-leak") == [1020.0]
    assert d.status == "mitigated"
    d.act("restart_all")
    d.advance_to(1200)
    started = of(d.events, FaultStarted, fault="retry-storm")[0]
    assert (started.t, started.by) == (1160.0, "restart_all")
    assert d.status == "investigating"  # a fault running again undoes "mitigated"


def test_available_actions_follow_prerequisites() -> None:
    d = fresh()
    ids = {a.id for a in d.available_actions()}
    assert "restart_pool" not in ids
    assert {"acknowledge", "declare", "scale_up", "investigate"} <= ids
    d.act("investigate", target="logs")
    d.advance_to(800)
    specs = {a.id: a for a in d.available_actions()}
    assert specs["restart_pool"].scenario is True
    assert specs["declare"].scenario is False
    assert "acknowledge" in specs


def test_declaring_the_same_severity_again_is_refused() -> None:
    d = fresh()
    d.act("declare", severity="SEV2")
    d.advance_to(500)
    with pytest.raises(ActionRefused, match="already SEV2"):
        d.act("declare", severity="SEV2")


def test_the_state_says_who_was_paged_the_status_page_state_and_where_the_trainee_looked() -> None:
    d = Drill(scenario(), playbook())
    d.advance_to(420)
    state = d.state
    assert (state.paged, state.status_page, state.investigated, state.findings) == (frozenset(), None, {}, ())
    d.act("page", contact="dba")
    d.act("status_page", state="investigating", text="Looking.")
    d.act("investigate", target="dependencies")
    assert d.state.investigated == {"dependencies": "running"}
    d.advance(d.actions.specs["investigate"].duration + 1)  # what is due at a slice's end lands in the next
    state = d.state
    assert state.paged == {"dba"} and state.status_page == "investigating"
    assert state.investigated == {"dependencies": "done"}
    assert state.findings == (("dependencies", "Every upstream dependency is green."),)
    d.act("status_page", state="identified")
    # A look cancelled before it finished leaves the target as it was.
    d.act("investigate", target="dependencies")
    d.cancel("investigate")
    d.act("investigate", target="logs")
    d.cancel("investigate")
    d.advance(300)
    assert d.state.status_page == "identified"
    assert d.state.investigated == {"dependencies": "done"}
