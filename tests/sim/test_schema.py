"""The JSON Schemas: generated from the models, not drifted from them, and named by every bundled YAML file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import scenarios
from sim.format import schema
from sim.format.loading import detect_kind
from sim.format.yamlsafe import parse, read_text
from tui.cli import main

SCHEMA_OF = {"playbook": "playbook", "scenario": "scenario", "script": "actions"}


@pytest.mark.parametrize("kind", list(schema.MODELS))
def test_the_committed_schema_matches_the_model(kind: str) -> None:
    committed = (scenarios.SCHEMA / schema.filename(kind)).read_text(encoding="utf-8")
    assert committed == schema.render(kind), f"{kind} schema drifted from the model: run `make schema`"


def test_the_generator_writes_all_three(tmp_path: Path) -> None:
    assert schema.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "actions.schema.json",
        "playbook.schema.json",
        "scenario.schema.json",
    ]
    for kind in schema.MODELS:
        text = (tmp_path / schema.filename(kind)).read_text()
        assert text.endswith("}\n")
        assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema.main([]) == 2


def test_schemas_describe_the_yaml_not_the_python() -> None:
    scenario = schema.schema("scenario")
    inject = scenario["$defs"]["Inject"]["properties"]
    assert "from" in inject and "sender" not in inject  # aliases, as facilitators write them
    condition = scenario["$defs"]["MetricCondition"]["properties"]
    assert "for" in condition
    metric = scenario["$defs"]["Metric"]
    assert metric["additionalProperties"] is False  # unknown keys are errors
    assert metric["properties"]["sample_every"]["default"] == "10s"  # durations as written, not seconds
    assert metric["properties"]["sample_every"]["type"] == "string"


def bundled_yaml() -> list[Path]:
    return sorted(scenarios.ROOT.rglob("*.yaml")) + sorted(scenarios.ROOT.rglob("*.yml"))


@pytest.mark.parametrize("path", bundled_yaml(), ids=lambda p: str(p.relative_to(scenarios.ROOT)))
def test_every_bundled_file_names_its_schema(path: Path) -> None:
    text = read_text(path)
    first = text.splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), f"{path} must start with `{prefix}…`"
    target = (path.parent / first.removeprefix(prefix)).resolve()
    kind = detect_kind(parse(text).data)
    assert kind is not None
    assert target == (scenarios.SCHEMA / schema.filename(SCHEMA_OF[kind])).resolve()


@pytest.mark.parametrize("kind", list(schema.MODELS))
def test_warroom_schema_prints_it(kind: str) -> None:
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0
    assert result.output == schema.render(kind)


def test_warroom_schema_defaults_to_scenarios_and_refuses_other_kinds() -> None:
    assert CliRunner().invoke(main, ["schema"]).output == schema.render("scenario")
    result = CliRunner().invoke(main, ["schema", "everything"])
    assert result.exit_code == 2
