"""The facilitator's guide: its examples load cleanly, its snippets parse, and it documents every field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import scenarios
import sim.format.messages
import sim.format.playbook
import sim.format.playbook_rules
import sim.format.refs
import sim.format.scenario
import sim.format.script
from sim.format import yamlsafe
from sim.format.library import validate_paths
from sim.format.loading import check_file, load_playbook, load_scenario, load_script
from sim.format.model import Model
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

GUIDE = (scenarios.ROOT / "README.md").read_text(encoding="utf-8")
SECTIONS = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", GUIDE, re.S | re.M))
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", GUIDE, re.S)


def example(title: str) -> str:
    match = re.search(r"```yaml\n(.*?)```", SECTIONS[title], re.S)
    assert match, f"no yaml block under '## {title}'"
    return match.group(1)


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three examples saved where the guide says to save them."""
    root = tmp_path_factory.mktemp("guide")
    paths = {
        "playbook": root / "playbooks" / "example.yaml",
        "scenario": root / "library" / "example-bad-deploy.yaml",
        "script": root / "scripts" / "example-bad-deploy" / "ideal.yaml",
    }
    titles = {"playbook": "Example playbook", "scenario": "Example scenario", "script": "Example action script"}
    for kind, title in titles.items():
        paths[kind].parent.mkdir(parents=True, exist_ok=True)
        paths[kind].write_text(example(title), encoding="utf-8")
    return paths


def test_the_examples_load_without_a_single_problem(examples: dict[str, Path]) -> None:
    playbook = load_playbook(examples["playbook"])
    assert playbook.id == "example"
    scenario = load_scenario(examples["scenario"], {"example": playbook})
    assert scenario.playbook == "example"
    script = load_script(examples["script"], scenario, playbook)
    assert script.root[0].do == "acknowledge"
    # Not even a warning: the guide's examples are what facilitators copy.
    results = validate_paths([examples["playbook"].parent.parent])
    assert [(r.kind, r.ok, [str(p) for p in r.problems]) for r in results] == [
        ("scenario", True, []),
        ("playbook", True, []),
        ("script", True, []),
    ]


def used(items: list[object], keys: tuple[str, ...]) -> set[str]:
    """Which of `keys` are set on any of `items`."""
    return {k for item in items for k in keys if getattr(item, k) is not None}


def test_the_examples_use_every_part_of_the_format(examples: dict[str, Path]) -> None:
    playbook = load_playbook(examples["playbook"])
    scenario = load_scenario(examples["scenario"], {"example": playbook})
    effects = [e for f in scenario.faults for e in f.effects]
    effects += [e.move for a in scenario.actions for e in a.effects if e.move]
    assert {e.shape for e in effects} == {"step", "ramp", "spike", "drift", "recover"}
    triggers = ("at", "metric", "after_action", "timer_expired")
    assert used([i.trigger for i in scenario.injects], triggers) == set(triggers)
    action_effects = ("resolve", "move", "reveal", "start_fault")
    assert used([e for a in scenario.actions for e in a.effects], action_effects) == set(action_effects)
    assert used(list(scenario.expectations), ("done", "never", "order")) == {"done", "never", "order"}
    assert {m.bad_when for m in scenario.metrics} == {"up", "down"}
    assert {m.kind for m in scenario.metrics} == {"gauge", "cumulative"}
    assert any(m.too_low or m.too_high for m in scenario.metrics)
    assert used(list(scenario.faults), ("ends", "lasts")) == {"ends", "lasts"}
    assert any(f.unless for f in scenario.faults) and any(i.unless for i in scenario.injects)
    assert used([e for a in scenario.actions for e in a.effects], ("if_active", "if_not_active")) == {
        "if_active",
        "if_not_active",
    }
    assert any(a.harmful for a in scenario.actions) and any(a.harmful_while for a in scenario.actions)
    rules = ("done", "any_of", "never", "order", "severity_at_least", "from_", "within")
    assert used(list(scenario.expectations), rules) == set(rules)
    assert any(x.order and x.order.first.with_ for x in scenario.expectations)
    assert any(i.trigger.after_action and i.trigger.after_action.with_ for i in scenario.injects)
    assert scenario.checklists.internal_update and playbook.checklists.status_page
    targets = playbook.severities[0].targets
    assert used([targets], tuple(type(targets).model_fields)) == set(type(targets).model_fields)


def test_the_examples_carry_the_schema_line(examples: dict[str, Path]) -> None:
    for kind, schema in (("playbook", "playbook"), ("scenario", "scenario"), ("script", "actions")):
        first = examples[kind].read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        assert first.endswith(f"/schema/{schema}.schema.json")


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=lambda b: b.splitlines()[0][:40])
def test_every_yaml_snippet_in_the_guide_parses(block: str) -> None:
    if block.strip().startswith("#") and len(block.strip().splitlines()) == 1:
        return  # the one-line schema comment shown on its own
    assert yamlsafe.parse(block).issues == (), "every snippet in the guide is clean YAML"


def models() -> list[type[Model]]:
    out = []
    for module in (
        sim.format.playbook,
        sim.format.playbook_rules,
        sim.format.scenario,
        sim.format.script,
        sim.format.messages,
        sim.format.refs,
    ):
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Model) and obj.__module__ == module.__name__:
                out.append(obj)
    return out


@pytest.mark.parametrize("model", models(), ids=lambda m: m.__name__)
def test_the_guide_documents_every_field(model: type[Model]) -> None:
    missing = [
        key
        for name, field in model.model_fields.items()
        if name != "root" and f"`{(key := field.alias or name)}`" not in GUIDE
    ]
    assert missing == [], f"{model.__name__}: document {missing} in scenarios/README.md"


def test_the_error_example_in_the_guide_is_what_the_loader_says(tmp_path: Path) -> None:
    # The guide quotes these messages; keep them true.
    scenario = tmp_path / "drills" / "db.yaml"
    scenario.parent.mkdir()
    scenario.write_text(example("Example scenario").replace("  severity: SEV2", "  severty: SEV2"))
    playbook = load_playbook_from_guide(tmp_path)
    result = check_file(scenario, playbooks={"example": playbook})
    assert any("unknown key 'severty' in truth — did you mean 'severity'?" in str(p) for p in result.problems)
    assert "unknown key 'severty' in truth — did you mean 'severity'?" in GUIDE


def load_playbook_from_guide(tmp_path: Path) -> Playbook:
    path = tmp_path / "example.yaml"
    path.write_text(example("Example playbook"))
    return load_playbook(path)


def test_scenario_and_playbook_models_are_the_ones_documented() -> None:
    assert Scenario in models() and Playbook in models()
