"""Validation errors (`sim.format.model`) in the facilitator's words, each placed by its YAML key path."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from sim.format.checks import Loc, closest, did_you_mean, dotted
from sim.format.model import Model, RootModel

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}
_SHAPE_HINTS = {
    "a list": "write each item on its own line, starting with '- '",
    "a mapping": "write 'key: value' lines, indented under it",
}


def kept(errors: Sequence[Any], model: type[Model]) -> list[Any]:
    """The errors worth reporting: `missing 'severity'` is left out when `severty` is there with that
    suggestion. Only mappings that miss a key are searched for misspellings, so the cost stays linear."""
    missing = {tuple(err["loc"][:-1]) for err in errors if err["type"] == "missing"}
    misspelt = set()
    for err in errors:
        loc = tuple(err["loc"])
        if err["type"] == "extra_forbidden" and loc[:-1] in missing:
            misspelt.add((loc[:-1], closest(str(loc[-1]), allowed_keys(model, loc[:-1]))))
    return [
        err for err in errors if not (err["type"] == "missing" and (tuple(err["loc"][:-1]), err["loc"][-1]) in misspelt)
    ]


def describe_all(errors: Sequence[Any], model: type[Model]) -> list[tuple[Loc, str, str, bool]]:
    """describe() for each error worth reporting (`kept`)."""
    return [describe(err, model) for err in kept(errors, model)]


def where(err: Any) -> tuple[Loc, bool]:
    """(loc, at_key): where describe() places an error, without wording it."""
    loc: Loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        return loc, True
    if kind == "missing":
        return loc[:-1], False
    if kind in ("value_error", "assertion_error") and "error" in (err.get("ctx") or {}):
        return loc, isinstance(err.get("input"), dict | list)
    return loc, False


def describe(err: Any, model: type[Model]) -> tuple[Loc, str, str, bool]:
    """(loc, message, hint, at_key) for one validation error on `model`."""
    loc: Loc = tuple(err["loc"])
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx") or {}
    field = dotted(loc, "steps" if issubclass(model, RootModel) else "")
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1])
        hint = did_you_mean(loc[-1], allowed) or (f"allowed keys: {', '.join(allowed)}" if allowed else "")
        return loc, f"unknown key '{loc[-1]}'{_in(loc[:-1])}", hint, True
    if kind == "missing":
        return loc[:-1], f"missing required key '{loc[-1]}'{_in(loc[:-1])}", "", False
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        # A rule about a whole mapping (warn below critical, steps in order) points at its key.
        return loc, f"{field}: {ctx['error']}", "", isinstance(value, dict | list)
    if kind in _EXPECTED:
        expected = _EXPECTED[kind]
        hint = _SHAPE_HINTS.get(expected, "")
        if value is None:
            hint = "it has no value: write one after the ':' (or remove the key)"
        elif expected == "text" and isinstance(value, int | float):
            hint = f"put it in quotes: '{value}'"
        return loc, f"{field} should be {expected}, not {_show(value)}", hint, False
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", ctx.get("expected", ""))
        message = f"{field} must be one of: {', '.join(options)} (not {_show(value)})"
        return loc, message, did_you_mean(value, options), False
    if kind == "string_pattern_mismatch":
        return (
            loc,
            f"{field}: {_show(value)} is not a valid id",
            "ids use letters, digits, '_', '.' and '-', start with a letter or digit, and have no spaces",
            False,
        )
    if kind == "string_too_long":
        return loc, f"{field} is too long ({len(str(value))} characters; at most {ctx.get('max_length')})", "", False
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return loc, f"{field} needs at least {n} item{'s' if n != 1 else ''}", "", False
    return loc, f"{field}: {str(err['msg']).replace('Input should be', 'should be')}", "", False


def _in(loc: Loc) -> str:
    return f" in {dotted(loc)}" if loc else ""


_CONTAINERS: dict[type, str] = {list: "a list", dict: "a mapping"}


def _show(value: object) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value:g}"
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "…")
    return _CONTAINERS.get(type(value), type(value).__name__)


def _strip(tp: Any) -> Any:
    """Annotated[X, …] -> X; X | None -> X (the first member that is a model or a container)."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            tp = next((m for m in members if get_origin(m) or isinstance(m, type)), members[0])
            if len(members) == 1 or not any(isinstance(m, type) and issubclass(m, Model) for m in members):
                continue
            tp = next(m for m in members if isinstance(m, type) and issubclass(m, Model))
        elif isinstance(tp, type) and issubclass(tp, RootModel):
            tp = tp.model_fields["root"].annotation
        else:
            return tp


def allowed_keys(model: type[Model], loc: Loc) -> list[str]:
    """The keys (aliases as written in YAML) of the model found along `loc` from `model`, or []."""
    tp: Any = _strip(model)
    for part in loc:
        if isinstance(tp, type) and issubclass(tp, Model):
            field = next((f for n, f in tp.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                return []
            tp = field.annotation
        elif get_origin(tp) is list and isinstance(part, int):
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return []
        tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, Model):
        return [f.alias or n for n, f in tp.model_fields.items()]
    return []
