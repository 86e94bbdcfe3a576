"""The typed-record layer under the formats: every problem collected with its place, YAML keys (aliases)
in and out, durations read and written as facilitators do, frozen records, and no pydantic on a drill's path."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin, get_type_hints

import pytest

from sim.format.durations import Duration
from sim.format.model import Constraints, Field, FieldInfo, Model, RootModel, ValidationError, _hints


class Bound(Model):
    metric: Annotated[str, Constraints(pattern=r"^[a-z]+$", max_length=8)]
    above: float | None = None
    for_: Duration = Field(default=0.0, alias="for", description="How long it must hold.")

    def __post_init__(self) -> None:
        if self.above is not None and self.above < 0:
            raise ValueError("'above' must not be negative")


class Rule(Model):
    name: str
    kind: Literal["page", "notify"] = "page"
    points: int = Field(default=10, ge=1, le=50)
    bounds: list[Bound] = Field(default_factory=list, min_length=1)
    tags: list[str] = []  # noqa: RUF012 (a plain list default, which each record must copy)
    enabled: bool = True


class Params(Model):
    extra: ClassVar[Literal["forbid", "allow"]] = "allow"
    at: Duration


class Steps(RootModel):
    root: list[Params] = Field(default_factory=list)


def errors(model: type[Model], value: Any) -> list[tuple[str, tuple[Any, ...]]]:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(value)
    return [(e["type"], e["loc"]) for e in exc.value.errors()]


def test_a_valid_mapping_becomes_a_record_with_defaults() -> None:
    rule = Rule.model_validate({"name": "db", "bounds": [{"metric": "lag", "above": 5, "for": "2m"}]})
    assert rule.bounds[0].for_ == 120.0 and rule.bounds[0].above == 5.0
    assert (rule.kind, rule.points, rule.tags, rule.enabled) == ("page", 10, [], True)


def test_every_problem_is_reported_with_its_place_in_file_order() -> None:
    value = {"nme": "db", "kind": "shout", "points": 99, "bounds": [{"metric": "Lag!", "for": 5}], "enabled": "maybe"}
    assert errors(Rule, value) == [
        ("missing", ("name",)),
        ("literal_error", ("kind",)),
        ("less_than_equal", ("points",)),
        ("string_pattern_mismatch", ("bounds", 0, "metric")),
        ("value_error", ("bounds", 0, "for")),
        ("bool_type", ("enabled",)),
        ("extra_forbidden", ("nme",)),
    ]


def test_shapes_and_lists_are_checked() -> None:
    assert errors(Rule, []) == [("model_type", ())]
    assert errors(Rule, {"name": "x", "bounds": {"metric": "a"}}) == [("list_type", ("bounds",))]
    assert errors(Rule, {"name": "x", "bounds": []}) == [("too_short", ("bounds",))]
    assert errors(Rule, {"name": 5, "bounds": [{"metric": "a"}]}) == [("string_type", ("name",))]


def test_scalars_are_read_as_the_json_schema_reads_them() -> None:
    rule = Rule.model_validate({"name": "x", "points": 12, "bounds": [{"metric": "a", "above": 3}]})
    assert rule.points == 12 and isinstance(rule.bounds[0].above, float)
    assert Rule.model_validate({"name": "x", "points": 7.0, "bounds": [{"metric": "a"}]}).points == 7
    assert errors(Rule, {"name": "x", "points": 7.5, "bounds": [{"metric": "a"}]}) == [("int_from_float", ("points",))]
    # Text is not a number, a boolean is neither a number nor `yes` a boolean: the schema refuses them too.
    assert errors(Rule, {"name": "x", "points": "12", "bounds": [{"metric": "a"}]}) == [("int_type", ("points",))]
    assert errors(Rule, {"name": "x", "points": True, "bounds": [{"metric": "a"}]}) == [("int_type", ("points",))]
    assert errors(Rule, {"name": "x", "bounds": [{"metric": "a", "above": "3"}]}) == [
        ("float_type", ("bounds", 0, "above"))
    ]
    assert errors(Rule, {"name": "x", "bounds": [{"metric": "a", "above": False}]}) == [
        ("float_type", ("bounds", 0, "above"))
    ]
    assert errors(Rule, {"name": "x", "bounds": [{"metric": "a"}], "enabled": "yes"}) == [("bool_type", ("enabled",))]


def test_a_record_rule_is_a_value_error_at_the_record() -> None:
    with pytest.raises(ValidationError) as exc:
        Rule.model_validate({"name": "x", "bounds": [{"metric": "a", "above": -1}]})
    (err,) = exc.value.errors()
    assert (err["type"], err["loc"], err["ctx"]["error"]) == (
        "value_error",
        ("bounds", 0),
        "'above' must not be negative",
    )


def test_a_literal_error_names_the_options() -> None:
    with pytest.raises(ValidationError) as exc:
        Rule.model_validate({"name": "x", "kind": "call", "bounds": [{"metric": "a"}]})
    assert exc.value.errors()[0]["ctx"]["expected"] == "'page' or 'notify'"


def test_yaml_keys_in_and_out() -> None:
    bound = Bound.model_validate({"metric": "lag", "for": "1h30m"})
    assert bound.model_dump(mode="json", by_alias=True) == {"metric": "lag", "above": None, "for": "1h30m"}
    assert bound.model_dump() == {"metric": "lag", "above": None, "for_": 5400.0}
    assert Bound.model_fields["for_"].key == "for" and Bound.model_fields["for_"].description


def test_code_builds_records_by_name_and_they_are_checked_too() -> None:
    # By field name: mypy's dataclass_transform only knows the alias, `for`, which no call can spell as a keyword.
    assert Bound(metric="lag", for_="30s").for_ == 30.0  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Bound(metric="LAG")


def test_records_are_frozen_and_copies_replace_fields() -> None:
    bound = Bound(metric="lag", above=2.0)
    with pytest.raises(AttributeError):
        bound.above = 3.0  # type: ignore[misc]
    moved = bound.model_copy(update={"above": 4.0})
    assert (bound.above, moved.above) == (2.0, 4.0)
    assert moved == Bound(metric="lag", above=4.0) and moved != bound
    with pytest.raises(TypeError):
        bound.model_copy(update={"below": 1.0})


def test_list_defaults_are_never_shared() -> None:
    a, b = (Rule.model_validate({"name": n, "bounds": [{"metric": "a"}]}) for n in "ab")
    a.tags.append("x")
    assert b.tags == []


def test_extra_keys_are_kept_when_allowed_and_root_records_hold_lists() -> None:
    steps = Steps.model_validate([{"at": "1m", "severity": "SEV1"}])
    assert steps.root[0].at == 60.0 and steps.root[0].model_extra == {"severity": "SEV1"}
    assert steps.model_dump(mode="json") == [{"at": "1m", "severity": "SEV1"}]
    assert errors(Steps, [{"severity": "SEV1"}]) == [("missing", (0, "at"))]
    assert dict(steps.root[0]) == {"at": 60.0, "severity": "SEV1"}


def test_a_drill_never_loads_pydantic() -> None:
    code = (
        "import sys\n"
        "from scenarios import LIBRARY\n"
        "from sim.engine.drill import Drill\n"
        "from sim.format.library import Library\n"
        "scenario, playbook, _, _ = Library().load_scenario(LIBRARY / 'tutorial.yaml')\n"
        "Drill(scenario, playbook).advance(600)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def _shape(hint: Any) -> Any:
    """A resolved annotation as comparable data (field metadata by value: each evaluation makes new ones)."""
    if isinstance(hint, FieldInfo | Constraints):
        return (type(hint).__name__, repr(hint) if isinstance(hint, Constraints) else hint.__getstate__())
    args = get_args(hint)
    if not args:
        return hint
    return (get_origin(hint), tuple(map(_shape, args)), tuple(map(_shape, getattr(hint, "__metadata__", ()))))


def test_annotations_resolve_as_typing_resolves_them() -> None:
    """The formats' annotations, read with each text compiled once, mean what `typing` says they mean."""

    def every(cls: type[Model]) -> Iterator[type[Model]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from every(sub)

    checked = [cls for cls in every(Model) if cls.__module__.startswith("sim.")]
    assert len(checked) >= 25
    for cls in checked:
        ours, theirs = _hints(cls), get_type_hints(cls, include_extras=True)
        assert list(ours) == list(theirs), cls
        assert {k: _shape(v) for k, v in ours.items()} == {k: _shape(v) for k, v in theirs.items()}, cls
