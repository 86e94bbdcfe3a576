"""The published JSON Schemas and warroom's loader agree: an independent validator (`jsonschema`) and the
models give the same verdict on every bundled file and on generated mutations of them.

The schema describes shapes, so the verdict compared is the models' before their record rules (`warn`
below `critical`, exactly one trigger…), which no JSON Schema in `scenarios/schema/` states: a document the
models refuse only for such a rule counts as accepted. Cross-references are `warroom validate`'s alone.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs: the one test dependency it adds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from sim.format import schema
from sim.format.model import Model, ValidationError
from sim.format.yamlsafe import parse, read_text

KIND_OF = {"playbook": "playbook", "scenario": "scenario", "script": "actions"}
BUNDLED = sorted(scenarios.LIBRARY.glob("*.yaml")) + sorted((scenarios.LIBRARY.parent / "playbooks").glob("*.yaml"))
SCRIPTS = sorted((scenarios.LIBRARY.parent / "scripts").glob("*/ideal.yaml"))[:3]

# What a facilitator might write in place of any value: every JSON type, and the near misses warroom was
# once lenient about (`true` as a number, numeric text, durations without units or with spaces, empty text).
# Text stays free of control characters and braces, which warroom refuses in rules the schema cannot state.
VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 7, 1.0, 1.5, -2.5, 2**63, "", " ", "x", "bad id", "SEV1", "up", "step",
    "5m", "90s", "1h30m", "1.5h", "0s", "5", "5 m", "5M", "-5m", "m5", "yes", "no", "42", "1e3", "true",
    "{time}", "at {when}", "customer*", {"do": "page"}, {"do": "page", "with": {"contact": "x"}},
    {"warn": 1, "critical": 2}, [], ["x"], [1], {}, {"x": 1}, {"id": "x"},
]  # fmt: skip
# The format's newer parts, which no bundled file uses (yet): a base document that does.
CHECKLISTS = {"internal_update": [{"id": "impact", "ask": "who is affected", "any": ["customer*", "{percent}"]}],
              "customers": [{"id": "sorry", "ask": "an apology", "any": ["sorry"]}]}  # fmt: skip


@cache
def newer() -> dict[str, Any]:
    data = copy.deepcopy(data_of(scenarios.LIBRARY / "tutorial.yaml"))
    data["checklists"] = CHECKLISTS
    fault = data["faults"][0]
    data["faults"].append({**fault, "id": "later", "start": "20m", "ends": "50m",
                           "unless": ["open_channel", {"do": "page", "with": {"contact": "x"}}]})  # fmt: skip
    data["faults"].append({**fault, "id": "blip", "lasts": "40s"})
    data["metrics"].append({"id": "traffic", "label": "Traffic", "baseline": 1200, "warn": 1800, "critical": 2500,
                            "too_low": {"warn": 600, "critical": 300}})  # fmt: skip
    action = data["actions"][0]
    data["actions"].append({**action, "id": "cap", "harmful_while": "later",
                            "effects": [{"resolve": "later", "if_active": "later"}]})  # fmt: skip
    data["injects"][0]["trigger"] = {"after_action": {"do": "page", "with": {"contact": "x"}}}
    data["expectations"] += [
        {"id": "alt", "description": "d", "any_of": ["cap", {"do": "page", "with": {"contact": "x"}}],
         "within": "15m", "from": {"alert": "traffic", "level": "critical"}},
        {"id": "top", "description": "d", "severity_at_least": "SEV1"},
        {"id": "ord", "description": "d", "order": {"first": {"do": "page", "with": {"contact": "x"}}, "then": "cap"}},
    ]  # fmt: skip
    return data


@cache
def validator(kind: str) -> Any:
    document = schema.schema(kind)
    cls = jsonschema.validators.validator_for(document)
    cls.check_schema(document)
    return cls(document)


def kind_of(path: Path) -> str:
    return "script" if "scripts" in path.parts else "playbook" if "playbooks" in path.parts else "scenario"


@cache
def data_of(path: Path) -> Any:
    return parse(read_text(path)).data


def schema_says(kind: str, data: Any) -> bool:
    return bool(validator(KIND_OF[kind]).is_valid(data))


def warroom_says(kind: str, data: Any) -> bool:
    """Whether the models accept the document's shapes: valid, or refused only for a record's own rule."""
    model: type[Model] = schema.MODELS[KIND_OF[kind]]
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return all((e.get("ctx") or {}).get("record") for e in exc.errors())
    return True


def disagreement(kind: str, data: Any) -> str:
    said = {"schema": schema_says(kind, data), "warroom": warroom_says(kind, data)}
    if said["schema"] == said["warroom"]:
        return ""
    errors = [e.message for e in validator(KIND_OF[kind]).iter_errors(data)][:3]
    try:
        schema.MODELS[KIND_OF[kind]].model_validate(data)
        models = "accepted"
    except ValidationError as exc:
        models = str(exc)[:600]
    return f"schema {said['schema']}, warroom {said['warroom']}\nschema: {errors}\nmodels: {models}"


@pytest.mark.parametrize("path", [*BUNDLED, *SCRIPTS], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_both_accept_every_bundled_file(path: Path) -> None:
    kind = kind_of(path)
    data = data_of(path)
    assert schema_says(kind, data) and warroom_says(kind, data)


def test_both_accept_the_newer_parts_of_the_format() -> None:
    assert schema_says("scenario", newer()) and warroom_says("scenario", newer())


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("scenario", "seed", True),
        ("scenario", "seed", "42"),
        ("scenario", "duration", ""),
        ("scenario", "duration", "2 h"),
        ("scenario", "difficulty", 1),
    ],
)
def test_the_near_misses_that_once_split_them_are_refused_by_both(kind: str, key: str, value: Any) -> None:
    data = copy.deepcopy(data_of(scenarios.LIBRARY / "tutorial.yaml"))
    data[key] = value
    assert not schema_says(kind, data) and not warroom_says(kind, data)


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document: each mapping key's and list item's path."""
    out = [here]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _paths(v, (*here, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _paths(v, (*here, i))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A bundled document with one to three edits: a value replaced, a key dropped or added, a list emptied."""
    path = draw(st.sampled_from([None, *BUNDLED, *SCRIPTS]))
    kind, data = ("scenario", copy.deepcopy(newer())) if path is None else (kind_of(path), copy.deepcopy(data_of(path)))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p in _paths(data) if p]
        if not places:
            break
        where = draw(st.sampled_from(places))
        parent, last = _parent(data, where), where[-1]
        edit = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add"]))
        if edit == "replace":
            parent[last] = copy.deepcopy(draw(st.sampled_from(VALUES)))
        elif edit == "drop":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "id", "label", "at", "do", "with", "for", "from"]))] = copy.deepcopy(
                draw(st.sampled_from(VALUES))
            )
    return kind, data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_the_schema_and_warroom_agree_on_mutated_documents(case: tuple[str, Any]) -> None:
    kind, data = case
    assert not (why := disagreement(kind, data)), f"{why}\n{json.dumps(data)[:2000]}"
