"""Cross-reference and semantic checks on models, and validation errors put in the facilitator's words."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sim.format import checks
from sim.format.checks import Finding, check_playbook, check_scenario, check_script, dotted
from sim.format.explain import allowed_keys, describe, describe_all
from sim.format.model import ValidationError
from sim.format.playbook import Playbook
from sim.format.scenario import MetricCondition, Scenario
from sim.format.script import Script
from sim.format.yamlsafe import parse

FIXTURES = Path(__file__).with_name("fixtures")


def data(name: str) -> dict[str, Any]:
    return parse((FIXTURES / name).read_text()).data


@pytest.fixture
def pb_data() -> dict[str, Any]:
    return data("playbook.yaml")


@pytest.fixture
def sc_data() -> dict[str, Any]:
    return data("scenario.yaml")


@pytest.fixture
def playbook(pb_data: dict[str, Any]) -> Playbook:
    return Playbook.model_validate(pb_data)


def locs(findings: list[Finding]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(f.loc, f.message) for f in findings]


def test_the_fixtures_are_clean(playbook: Playbook, sc_data: dict[str, Any]) -> None:
    assert check_playbook(playbook) == []
    assert check_scenario(Scenario.model_validate(sc_data), playbook) == []


def test_did_you_mean_and_closest() -> None:
    assert checks.did_you_mean("severty", ["severity", "seed"]) == "did you mean 'severity'?"
    assert checks.did_you_mean("zzz", ["severity"]) == ""
    assert checks.closest("SEV0", ["SEV1", "SEV2"]) == "SEV1"


def test_undefined_lists_what_is_defined() -> None:
    f = checks.undefined("severity", "P1", ["SEV1", "SEV2", "SEV1"], ("truth", "severity"))
    assert f == Finding(("truth", "severity"), "severity 'P1' is not defined; defined severities: SEV1, SEV2", "")
    many = [f"m{i}" for i in range(30)]
    assert checks.undefined("metric", "x", many, ()).message.endswith("m19, …")
    assert checks.undefined("clue", "x", [], ()).message == "clue 'x' is not defined; defined clues: none"


def test_playbook_references(pb_data: dict[str, Any]) -> None:
    pb_data["severities"][0]["roles_required"] = ["ic", "scribe"]
    pb_data["escalation"]["matrix"]["SEV9"] = [{"after": "1h", "notify": ["ghost"]}]
    pb_data["escalation"]["stakeholders"] = [{"overdue": "10m", "contact": "nobody"}]
    pb_data["classification"]["otherwise"] = "SEV3"
    pb_data["contacts"].append({"id": "cto", "title": "Again"})
    findings = check_playbook(Playbook.model_validate(pb_data))
    contacts = "defined contacts: oncall, cto"
    assert locs(findings) == [
        (("contacts", 2, "id"), "contact id 'cto' is used twice"),
        (("severities", 0, "roles_required", 1), "role 'scribe' is not defined; defined roles: ic"),
        (("escalation", "matrix", "SEV9"), "severity 'SEV9' is not defined; defined severities: SEV1, SEV2"),
        (("escalation", "matrix", "SEV9", 0, "notify", 0), f"contact 'ghost' is not defined; {contacts}"),
        (("escalation", "stakeholders", 0, "contact"), f"contact 'nobody' is not defined; {contacts}"),
        (("classification", "otherwise"), "severity 'SEV3' is not defined; defined severities: SEV1, SEV2"),
    ]
    assert findings[2].at_key  # an unknown matrix severity is the key itself


def test_playbook_durations_must_be_positive(pb_data: dict[str, Any]) -> None:
    pb_data["severities"][0]["targets"]["acknowledge"] = "0s"
    pb_data["escalation"]["chain"][0]["timeout"] = "0m"
    pb_data["monitoring_period"] = "0s"
    assert locs(check_playbook(Playbook.model_validate(pb_data))) == [
        (("severities", 0, "targets", "acknowledge"), "acknowledge must be a positive duration, not 0s"),
        (("escalation", "chain", 0, "timeout"), "timeout must be a positive duration, not 0s"),
        (("monitoring_period",), "monitoring_period must be a positive duration, not 0s"),
    ]


def test_targets_out_of_order_are_a_warning(pb_data: dict[str, Any]) -> None:
    pb_data["severities"][0]["targets"] = {"acknowledge": "30m", "resolution": "10m"}
    (f,) = check_playbook(Playbook.model_validate(pb_data))
    assert f.severity == "warning"
    assert f.loc == ("severities", 0, "targets", "resolution")
    assert f.message == "the resolution target (10m) comes before the acknowledge target (30m)"


def test_no_progress_escalation_needs_a_time_and_a_contact(pb_data: dict[str, Any]) -> None:
    pb_data["escalation"]["no_progress_contact"] = "cto"
    (f,) = check_playbook(Playbook.model_validate(pb_data))
    assert (f.loc, f.severity) == (("escalation",), "warning")
    pb_data["severities"][1]["no_progress_after"] = "2h"  # a per-severity time is enough
    assert check_playbook(Playbook.model_validate(pb_data)) == []


def test_scenario_without_a_playbook_skips_only_the_playbook_checks(sc_data: dict[str, Any]) -> None:
    sc_data["truth"]["severity"] = "NOPE"
    sc_data["truth"]["must_involve"] = ["nobody"]
    sc_data["truth"]["fixed_by"] = ["nothing"]
    findings = check_scenario(Scenario.model_validate(sc_data), None)
    assert [f.loc for f in findings] == [("truth", "fixed_by", 0)]


def test_scenario_unique_ids_and_times(sc_data: dict[str, Any], playbook: Playbook) -> None:
    sc_data["metrics"].append(copy.deepcopy(sc_data["metrics"][0]))
    sc_data["injects"][0]["trigger"] = {"at": "50m", "delay": "15m"}
    sc_data["expectations"][0]["within"] = "2h"
    assert locs(check_scenario(Scenario.model_validate(sc_data), playbook)) == [
        (("metrics", 1, "id"), "metric id 'errors' is used twice"),
        (("injects", 0, "trigger", "at"), "inject 'first-alert' fires at 1h5m, after the drill ends (1h)"),
        (("expectations", 0, "within"), "within 2h is after the drill ends (1h)"),
    ]


def test_scenario_action_rules(sc_data: dict[str, Any], playbook: Playbook) -> None:
    sc_data["actions"].append({"id": "a", "label": "A", "requires": ["b"]})
    sc_data["actions"].append({"id": "b", "label": "B", "requires": ["a"], "effects": [{"reveal": "nope"}]})
    sc_data["actions"].append({"id": "c", "label": "C", "effects": [{"start_fault": "ghost"}]})
    sc_data["truth"]["fixed_by"] = ["rollback", "c"]
    findings = check_scenario(Scenario.model_validate(sc_data), playbook)
    assert locs(findings) == [
        (("truth", "fixed_by", 1), "action 'c' resolves no fault"),
        (("actions", 2, "effects", 0, "reveal"), "clue 'nope' is not defined; defined clues: deploy-diff"),
        (("actions", 3, "effects", 0, "start_fault"), "fault 'ghost' is not defined; defined faults: bad-deploy"),
        (("actions", 1, "requires"), "action 'a' requires itself"),
        (("actions", 2, "requires"), "action 'b' requires itself"),
    ]
    assert findings[0].severity == "warning"


def test_metric_bounds(sc_data: dict[str, Any]) -> None:
    sc_data["metrics"][0].update(minimum=10, maximum=5)
    assert locs(check_scenario(Scenario.model_validate(sc_data), None)) == [
        (("metrics", 0), "minimum (10) must be below maximum (5)"),
        (("metrics", 0, "baseline"), "baseline (0.5) is outside the minimum"),
    ]


def test_timer_names_are_checked_by_category(sc_data: dict[str, Any]) -> None:
    sc_data["injects"][0]["trigger"] = {"timer_expired": "deadline.status"}
    (f,) = check_scenario(Scenario.model_validate(sc_data), None)
    assert (f.loc, f.severity) == (("injects", 0, "trigger", "timer_expired"), "warning")
    sc_data["injects"][0]["trigger"] = {"timer_expired": "sla.status_page"}
    assert check_scenario(Scenario.model_validate(sc_data), None) == []


def test_script_role_key_is_the_assigned_role(playbook: Playbook, sc_data: dict[str, Any]) -> None:
    scenario = Scenario.model_validate(sc_data)
    script = Script.model_validate([{"at": "1m", "do": "assign_role", "role": "ic", "who": "me"}])
    assert check_script(script, scenario, playbook) == []
    # The actor's role then goes in `as_role`, as Drill.act reads it.
    script = Script.model_validate([{"at": "1m", "do": "assign_role", "role": "ic", "who": "me", "as_role": "x"}])
    assert locs(check_script(script, scenario, playbook)) == [
        ((0, "as_role"), "role 'x' is not defined; defined roles: ic")
    ]
    script = Script.model_validate([{"at": "1m", "do": "assign_role", "who": "me"}])
    assert locs(check_script(script, scenario, playbook)) == [((0,), "'assign_role' needs the parameter 'role'")]
    # For other actions `role` is the actor's role, checked against the playbook's roles.
    script = Script.model_validate([{"at": "1m", "do": "acknowledge", "role": "chef"}])
    assert locs(check_script(script, scenario, playbook)) == [
        ((0, "role"), "role 'chef' is not defined; defined roles: ic")
    ]


def test_script_without_context_checks_standard_parameters_only() -> None:
    script = Script.model_validate([{"at": "2m", "do": "declare", "severity": "whatever"}])
    assert check_script(script, None, None) == []
    # Without a scenario nothing could ever take an action that is not standard: an error, not a pass.
    script = Script.model_validate([{"at": "1m", "do": "rm-rf-everything"}, {"at": "2m", "do": "acknowlege"}])
    first, second = check_script(script, None, None)
    assert (first.loc, first.severity) == ((0, "do"), "error")
    assert "no scenario is known to offer it" in first.message and "--scenario" in first.hint
    assert second.hint == "did you mean 'acknowledge'?"


def test_a_step_out_of_time_order_is_told_at_the_step_as_written() -> None:
    written = [
        {"at": "1m", "do": "acknowledge"},
        {"at": "3m50s", "do": "open_channel"},
        {"at": "220s", "do": "page", "contact": "x"},
    ]
    script = Script.model_validate(written)
    (f,) = [f for f in check_script(script, None, None, written) if "order" in f.message]
    assert f.loc == (2, "at")
    assert f.message == "steps must be in time order: 'page' at 220s comes after 'open_channel' at 3m50s"
    # Without the file's text, the times are written back as durations.
    (f,) = [f for f in check_script(script, None, None) if "order" in f.message]
    assert "'page' at 3m40s comes after 'open_channel' at 3m50s" in f.message
    script = Script.model_validate([{"at": "1m", "do": "investigate", "target": "vibes"}])
    (f,) = check_script(script, None, None)
    assert f.message.startswith("target 'vibes' is not defined; defined targets: dashboards, logs")


def test_dotted_paths() -> None:
    assert dotted(("metrics", 0, "warn")) == "metrics[0].warn"
    assert dotted(()) == "the file"
    assert dotted((2, "at"), "steps") == "steps[2].at"
    assert dotted(("investigations", "x", "[key]")) == "investigations.x"


def test_allowed_keys_follow_lists_dicts_optionals_and_aliases() -> None:
    assert allowed_keys(Scenario, ("injects", 0, "trigger", "metric")) == ["metric", "above", "below", "for"]
    assert "sender" not in allowed_keys(Scenario, ("injects", 0)) and "from" in allowed_keys(Scenario, ("injects", 0))
    assert allowed_keys(Playbook, ("escalation", "matrix", "SEV1", 0)) == ["after", "notify"]
    assert allowed_keys(Script, (0,))[:2] == ["at", "do"]
    assert allowed_keys(Scenario, ("title",)) == []
    assert allowed_keys(Scenario, ("nope", 1)) == []


def errors_of(model: Any, value: Any) -> list[Any]:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(value)
    return exc.value.errors()


def test_describe_messages() -> None:
    (err,) = errors_of(MetricCondition, {"metric": "m", "above": 1, "fro": "1m"})
    assert describe(err, MetricCondition) == (("fro",), "unknown key 'fro'", "did you mean 'for'?", True)
    (err,) = errors_of(MetricCondition, {"metric": "m bad", "above": 1})
    _, message, hint, _ = describe(err, MetricCondition)
    assert message == "metric: 'm bad' is not a valid id"
    assert "no spaces" in hint
    (err,) = errors_of(MetricCondition, {"metric": "m"})
    assert describe(err, MetricCondition) == (
        (),
        "the file: a metric condition needs exactly one of 'above' or 'below'",
        "",
        True,
    )
    (err,) = errors_of(MetricCondition, {"metric": None, "above": 1})
    assert describe(err, MetricCondition)[1:3] == (
        "metric should be text, not an empty value",
        "it has no value: write one after the ':' (or remove the key)",
    )


def test_describe_all_drops_a_missing_key_explained_by_a_misspelling() -> None:
    errs = errors_of(MetricCondition, {"metrc": "m", "above": 1})
    assert [d[1] for d in describe_all(errs, MetricCondition)] == ["unknown key 'metrc'"]


def test_the_timer_ids_checked_are_the_ones_the_engine_runs() -> None:
    from sim.engine.timers import SLAS
    from sim.format.checks import TIMER_IDS, timer_ids
    from sim.journal.events import TimerStarted
    from sim.training.runner import run_script
    from tests.sim.engine_fixtures import ideal, playbook, scenario

    assert {sla for sla, *_ in SLAS} <= set(TIMER_IDS)
    drill = run_script(scenario(), playbook(), ideal())
    started = {e.timer for e in drill.events if isinstance(e, TimerStarted)}
    assert started and started <= set(timer_ids(playbook()))


def test_a_misspelt_timer_id_is_a_warning_with_the_one_meant(sc_data: dict[str, Any]) -> None:
    sc_data["injects"][0]["trigger"] = {"timer_expired": "sla.statuspage"}
    (f,) = check_scenario(Scenario.model_validate(sc_data), None)
    assert (f.severity, f.message) == ("warning", "no drill runs a timer 'sla.statuspage', so this inject never fires")
    assert f.hint == "did you mean 'sla.status_page'?"


def test_ends_and_unless_are_for_faults_that_start_at_their_time(sc_data: dict[str, Any]) -> None:
    sc_data["faults"][0]["ends"] = "50m"
    sc_data["faults"][0]["unless"] = ["acknowledge"]
    sc_data["actions"][0]["effects"] = [{"start_fault": sc_data["faults"][0]["id"]}]
    found = [f.message for f in check_scenario(Scenario.model_validate(sc_data), None) if f.loc[0] == "faults"]
    assert any("is started by an action, at no set time" in m for m in found)
    assert any("so 'unless' never applies" in m for m in found)
