"""`warroom lint` checks: one test per warning, each starting from a scenario that lints clean."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sim.authoring.lint import lint_scenario, reachable
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

PLAYBOOK = Playbook.model_validate({
    "id": "pb", "name": "Test playbook",
    "severities": [
        {"id": "SEV1", "label": "Critical", "targets": {"resolution": "1h"},
         "communication": {"internal_update_every": "15m", "status_page_within": "10m"}},
        {"id": "SEV2", "label": "Major"},
    ],
    "escalation": {"chain": [{"name": "On-call", "contact": "oncall", "timeout": "5m"}]},
    "contacts": [{"id": "oncall", "title": "On-call engineer"}],
})  # fmt: skip

CLEAN: dict[str, Any] = {
    "id": "s", "title": "Checkout errors", "summary": "Errors rise.", "playbook": "pb", "difficulty": "easy",
    "duration": "90m", "briefing": "You are on call.",
    "truth": {"severity": "SEV1", "root_cause": "A bad deploy.", "category": "outage", "fixed_by": ["rollback"]},
    "metrics": [{"id": "errors", "label": "Error rate", "unit": "%", "baseline": 1, "noise": 0.1, "warn": 5,
                 "critical": 10}],
    "faults": [{"id": "deploy", "label": "Bad deploy", "start": "2m",
                "effects": [{"metric": "errors", "shape": "ramp", "to": 20, "over": "5m"}]}],
    "injects": [
        {"id": "a1", "kind": "alert", "text": "Errors high", "trigger": {"metric": {"metric": "errors", "above": 8}}},
        {"id": "cto", "kind": "exec_ping", "text": "Status?", "trigger": {"timer_expired": "sla.status_page"}},
        {"id": "thx", "kind": "chat", "text": "Thanks", "trigger": {"after_action": "rollback"}},
    ],
    "actions": [{"id": "rollback", "label": "Roll back", "effects": [{"resolve": "deploy"}]}],
    "expectations": [{"id": "rb", "description": "Roll back within 30m", "done": "rollback", "within": "30m"}],
}  # fmt: skip


def lint(mutate: Any = None) -> list[tuple[tuple[str | int, ...], str]]:
    data = copy.deepcopy(CLEAN)
    if mutate:
        mutate(data)
    return [(f.loc, f.message) for f in lint_scenario(Scenario.model_validate(data), PLAYBOOK)]


def test_clean_scenario_has_no_warnings() -> None:
    assert lint() == []


def test_inject_after_the_end() -> None:
    def m(d: dict[str, Any]) -> None:
        d["injects"].append({"id": "late", "kind": "chat", "text": "hi", "trigger": {"at": "2h"}})

    assert lint(m) == [(("injects", 3, "trigger", "at"), "inject 'late' fires at or after the drill ends (1h30m), "
                        "so nobody sees it")]  # fmt: skip


def test_inject_waiting_for_an_action_that_can_never_be_taken() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"].append({"id": "a", "label": "A", "requires": ["b"], "effects": [{"reveal": "x"}]})
        d["actions"].append({"id": "b", "label": "B", "requires": ["a"], "effects": [{"reveal": "x"}]})
        d["clues"] = [{"id": "x", "text": "x"}]
        d["injects"][2]["trigger"] = {"after_action": "a"}

    found = lint(m)
    assert (("injects", 2, "trigger", "after_action"), "inject 'thx' waits for 'a', which can never be taken") in found
    assert (
        ("actions", 1, "requires"),
        "action 'a' can never be taken: its prerequisites can never all be met",
    ) in found


def test_inject_on_a_metric_value_nothing_reaches() -> None:
    def m(d: dict[str, Any]) -> None:
        d["injects"][0]["trigger"]["metric"]["above"] = 50

    assert lint(m) == [(("injects", 0, "trigger", "metric"),
                        "inject 'a1' waits for errors above 50, but no fault or action takes it past 20")]  # fmt: skip


def test_inject_on_a_timer_the_playbook_never_starts() -> None:
    def m(d: dict[str, Any]) -> None:
        d["injects"][1]["trigger"]["timer_expired"] = "sla.executives"

    [(loc, message)] = lint(m)
    assert loc == ("injects", 1, "trigger", "timer_expired")
    assert "never starts" in message


def test_an_inject_on_a_trigger_clock_needs_a_trainee_trigger_with_a_metric_condition() -> None:
    trig = {"section": "S", "text": "T", "notify": ["oncall"]}
    data = PLAYBOOK.model_dump(mode="json", by_alias=True)
    data["metrics"] = [{"id": "errors", "label": "Error rate"}]
    data["escalation"]["triggers"] = [
        {**trig, "id": "spike", "when": [{"metric": {"metric": "errors", "above": 15}}]},
        {**trig, "id": "outage", "when": [{"category": ["outage"]}]},  # the truth: no clock
    ]
    pb = Playbook.model_validate(data)

    def waiting_for(timer: str) -> list[str]:
        d = copy.deepcopy(CLEAN)
        d["injects"][1]["trigger"]["timer_expired"] = timer
        return [f.message for f in lint_scenario(Scenario.model_validate(d), pb)]

    assert waiting_for("trigger.spike") == []
    assert all("never starts" in m for m in waiting_for("trigger.outage") + waiting_for("trigger.nope"))
    assert waiting_for("trigger.outage") and waiting_for("trigger.nope")


def test_action_with_no_effect() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"].append({"id": "pray", "label": "Pray"})

    assert lint(m) == [(("actions", 1, "id"), "action 'pray' has no effect and nothing expects or forbids it")]


def test_action_with_no_effect_is_fine_when_an_expectation_names_it() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"].append({"id": "preserve", "label": "Snapshot disks"})
        d["expectations"].append({"id": "ev", "description": "Preserve evidence", "done": "preserve"})

    assert lint(m) == []


def test_fault_no_action_resolves() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"][0]["effects"] = [{"move": {"metric": "errors", "shape": "step", "by": -5}}]

    assert (("faults", 0, "id"), "no action resolves fault 'deploy'") in lint(m)


def test_expectation_naming_an_action_that_can_never_be_taken() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"].append(
            {
                "id": "isolate",
                "label": "Isolate",
                "requires": ["isolate"],
                "effects": [{"move": {"metric": "errors", "shape": "step", "by": -1}}],
            }
        )
        d["expectations"].append({"id": "iso", "description": "Never isolate", "never": "isolate"})

    assert (
        ("expectations", 1, "never"),
        "expectation 'iso' names 'isolate', which the trainee can never take",
    ) in lint(m)


def test_thresholds_no_fault_crosses() -> None:
    def m(d: dict[str, Any]) -> None:
        d["metrics"][0]["critical"] = 30

    assert lint(m) == [(("metrics", 0, "critical"),
                        "no fault ever takes errors past its critical threshold (30); it only reaches 20")]  # fmt: skip


def test_lower_is_worse_metrics_are_judged_downwards() -> None:
    def m(d: dict[str, Any]) -> None:
        d["metrics"].append({"id": "avail", "label": "Availability", "baseline": 99.9, "warn": 99, "critical": 95,
                             "bad_when": "down"})  # fmt: skip
        d["faults"][0]["effects"].append({"metric": "avail", "shape": "step", "to": 97})

    assert reachable(Scenario.model_validate({**CLEAN, **{"metrics": CLEAN["metrics"]}}))["errors"] == (1, 20)
    assert lint(m) == [(("metrics", 1, "critical"),
                        "no fault ever takes avail past its critical threshold (95); it only reaches 97")]  # fmt: skip


def test_drift_reaches_as_far_as_the_drill_lets_it() -> None:
    def m(d: dict[str, Any]) -> None:
        d["faults"][0]["effects"] = [{"metric": "errors", "shape": "drift", "by": 1, "over": "20m"}]

    # 88 minutes of drift at 1 per 20 minutes from a baseline of 1 reach 5.4: past warn (5), short of 8 and 10.
    found = lint(m)
    assert [loc for loc, _ in found] == [("injects", 0, "trigger", "metric"), ("metrics", 0, "critical")]


def test_duration_shorter_than_the_resolution_target() -> None:
    def m(d: dict[str, Any]) -> None:
        d["duration"] = "45m"

    assert lint(m) == [(("duration",), "the drill lasts 45m, less than the playbook's 1h resolution target for SEV1")]


@pytest.mark.parametrize("text", ["TODO: write the briefing", "Our [Brief description] is down", "<fill in>"])
def test_placeholders_left_unfilled(text: str) -> None:
    def m(d: dict[str, Any]) -> None:
        d["briefing"] = text

    [(loc, message)] = lint(m)
    assert loc == ("briefing",) and message.startswith("placeholder left unfilled")


def _fix(fix: str | None, *fixed_by: str) -> Any:
    """A mutation setting truth.fix (None leaves it out) and truth.fixed_by."""

    def m(d: dict[str, Any]) -> None:
        d["truth"]["fixed_by"] = list(fixed_by)
        if fix is not None:
            d["truth"]["fix"] = fix

    return m


def _also(*mutations: Any) -> Any:
    def m(d: dict[str, Any]) -> None:
        for mutate in mutations:
            mutate(d)

    return m


def _hotfix(resolves: list[str], **more: Any) -> Any:
    """A second way to fix the fault: `hotfix`, resolving `resolves`."""

    def m(d: dict[str, Any]) -> None:
        d["actions"].append({"id": "hotfix", "label": "Ship a hotfix",
                             "effects": [{"resolve": f} for f in resolves], **more})  # fmt: skip

    return m


def _second_fault(d: dict[str, Any]) -> None:
    """A second fault the rollback also ends."""
    d["faults"].append({"id": "cache", "label": "Poisoned cache", "start": "2m",
                        "effects": [{"metric": "errors", "shape": "step", "by": 1}]})  # fmt: skip
    d["actions"][0]["effects"].append({"resolve": "cache"})


def test_fix_any_with_one_action_has_nothing_to_choose_between() -> None:
    assert lint(_fix("any", "rollback")) == [
        (("truth", "fix"), "fix: any, but fixed_by lists one action ('rollback'): there is nothing to choose between")
    ]


def test_fix_all_said_out_loud_over_one_action_is_fine() -> None:
    """The default written down, as `warroom new` writes it, is no mistake."""
    assert lint(_fix("all", "rollback")) == []


def test_fix_any_alternatives_that_each_end_every_fault_are_fine() -> None:
    assert lint(_also(_second_fault, _hotfix(["deploy", "cache"]), _fix("any", "rollback", "hotfix"))) == []


def test_fix_any_alternative_that_leaves_a_fault_running() -> None:
    found = lint(_also(_second_fault, _hotfix(["deploy"]), _fix("any", "rollback", "hotfix")))
    assert found == [
        (("truth", "fixed_by", 1), "with fix: any, 'hotfix' alone fixes the incident but leaves fault 'cache' running")
    ]
    # With fix: all the two are steps of one fix, and together they end both faults.
    assert lint(_also(_second_fault, _hotfix(["deploy"]), _fix("all", "rollback", "hotfix"))) == []


def test_fix_listing_an_action_twice() -> None:
    assert lint(_fix(None, "rollback", "rollback")) == [
        (("truth", "fixed_by", 1), "action 'rollback' is listed twice in fixed_by")
    ]


def test_fix_all_needing_an_action_that_can_never_be_taken() -> None:
    blocked = _hotfix(["deploy"], requires=["hotfix"])
    found = lint(_also(blocked, _fix("all", "rollback", "hotfix")))
    assert (
        ("truth", "fixed_by", 1),
        "the fix needs 'hotfix', which can never be taken, so the incident can never be fixed",
    ) in found
    # With fix: any the rollback still fixes it; only the blocked action itself is reported.
    assert [loc for loc, _ in lint(_also(blocked, _fix("any", "rollback", "hotfix")))] == [("actions", 1, "requires")]


def test_fix_any_with_no_action_that_can_ever_be_taken() -> None:
    def blocked(d: dict[str, Any]) -> None:
        d["actions"][0]["requires"] = ["hotfix"]

    found = lint(_also(blocked, _hotfix(["deploy"], requires=["rollback"]), _fix("any", "rollback", "hotfix")))
    assert (
        ("truth", "fixed_by"),
        "no action in fixed_by can ever be taken, so the incident can never be fixed",
    ) in found


def test_fix_all_needing_a_harmful_or_forbidden_action() -> None:
    def harmful(d: dict[str, Any]) -> None:
        d["actions"][0]["harmful"] = True

    assert lint(harmful) == [(("truth", "fixed_by", 0), "the fix needs 'rollback', but it is marked harmful")]
    forbid = _also(_hotfix(["deploy"]), _fix("all", "rollback", "hotfix"))

    def never(d: dict[str, Any]) -> None:
        forbid(d)
        d["expectations"].append({"id": "no-hotfix", "description": "No hotfixes", "never": "hotfix"})

    assert lint(never) == [(("truth", "fixed_by", 1), "the fix needs 'hotfix', but expectation 'no-hotfix' forbids it")]


def test_fix_any_is_wrong_only_when_every_alternative_is_harmful() -> None:
    risky = _hotfix(["deploy"], harmful=True)
    assert lint(_also(risky, _fix("any", "rollback", "hotfix"))) == []  # a harmful shortcut beside the right fix

    def both(d: dict[str, Any]) -> None:
        d["actions"][0]["harmful"] = True

    assert lint(_also(risky, both, _fix("any", "rollback", "hotfix"))) == [
        (("truth", "fixed_by"), "every action in fixed_by is harmful or forbidden by an expectation")
    ]


def test_fix_without_fixed_by_never_reaches_lint() -> None:
    """`fix` with no `fixed_by` is a validation error, so lint never sees one."""
    data = copy.deepcopy(CLEAN)
    data["truth"]["fixed_by"] = []
    data["truth"]["fix"] = "any"
    with pytest.raises(ValueError, match="fixed_by"):
        Scenario.model_validate(data)


def test_a_fault_that_ends_by_itself_needs_no_action_to_resolve_it() -> None:
    def m(d: dict[str, Any]) -> None:
        d["faults"].append({"id": "blip", "label": "Blip", "start": "1m", "lasts": "40s",
                            "effects": [{"metric": "errors", "shape": "step", "by": 1}]})  # fmt: skip
        d["faults"].append({"id": "vendor", "label": "Vendor", "start": "1m", "ends": "20m",
                            "effects": [{"metric": "errors", "shape": "step", "by": 1}]})  # fmt: skip

    assert lint(m) == []


def test_a_too_low_threshold_no_fault_reaches() -> None:
    def m(d: dict[str, Any]) -> None:
        d["metrics"][0]["too_low"] = {"warn": 0.5, "critical": 0.2}

    assert lint(m) == [(("metrics", 0, "too_low", "warn"), "no fault ever takes errors down to its too_low warn "
                        "(0.5); it only falls to 1")]  # fmt: skip


def test_actions_named_only_by_a_reference_count_as_named() -> None:
    def m(d: dict[str, Any]) -> None:
        d["actions"].append({"id": "pause", "label": "Pause the sync"})  # no effect: only averting a fault
        d["faults"].append({"id": "later", "label": "Later", "start": "30m", "unless": [{"do": "pause"}],
                            "effects": [{"metric": "errors", "shape": "spike", "by": 1, "over": "1m"}]})  # fmt: skip

    assert lint(m) == []


def test_a_reachable_bound_counts_only_a_fault_s_lifetime() -> None:
    data = copy.deepcopy(CLEAN)
    data["faults"][0]["effects"] = [{"metric": "errors", "shape": "drift", "by": 1, "over": "1m"}]
    data["faults"][0]["lasts"] = "10m"
    assert reachable(Scenario.model_validate(data))["errors"] == (1.0, 11.0)
