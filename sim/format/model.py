"""The typed records the file formats are written in: frozen classes declared with type hints, validated from
parsed YAML with every problem in a file collected, dumped back to plain data, and described by `sim.format.schema`.

This is the part of pydantic the formats use, no more: strict scalar checks, as the published JSON Schema
reads them (`true` is no number, `"42"` no integer, `yes` no boolean), and the same error vocabulary
(`missing`, `extra_forbidden`, `literal_error`… with `loc`, `input` and `ctx`), so `sim.format.explain` words
problems as before. Why not pydantic: docs/decisions/0001-format-models-without-pydantic.md

A record class lists its fields as annotations; `Field(...)` gives a default, an alias (the YAML key, e.g.
`for`), a description (for the JSON Schema) and bounds. `Annotated[str, Constraints(...)]` limits text, and
`Annotated[float, Convert(...)]` reads a value written differently in YAML (a duration, `5m`). A rule about
a whole record goes in `__post_init__`, raising ValueError. Annotations are resolved, and each class's
validator built, the first time it is used: importing the formats costs almost nothing.
"""

from __future__ import annotations

import copy
import inspect
import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import CodeType, UnionType
from typing import Annotated, Any, ClassVar, Literal, NamedTuple, Union, dataclass_transform, get_args, get_origin

from sim.format.text import first_control, printable

_MISSING: Any = type("Missing", (), {"__repr__": lambda _: "MISSING"})()
_INVALID: Any = type("Invalid", (), {"__repr__": lambda _: "INVALID"})()

Loc = tuple[str | int, ...]
ErrorDetails = dict[str, Any]  # type, loc, msg, input, and ctx for some types
Check = Callable[[Any, Loc, list[ErrorDetails]], Any]  # the value (converted) or _INVALID, errors appended


class ValidationError(ValueError):
    """Every problem found validating one value against a record class, in the order found."""

    def __init__(self, title: str, errors: list[ErrorDetails]) -> None:
        self.title, self._errors = title, errors
        lines = [f"{len(errors)} validation error{'s' if len(errors) != 1 else ''} for {title}"]
        lines += [f"{'.'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}" for e in errors]
        super().__init__("\n".join(lines))

    def errors(self) -> list[ErrorDetails]:
        return [dict(e) for e in self._errors]


class FieldInfo:
    """One field: its default (or factory), the key YAML writes it as, its description and bounds."""

    __slots__ = ("alias", "annotation", "default", "default_factory", "description", "ge", "le", "min_length", "name")

    def __init__(
        self,
        default: Any = _MISSING,
        *,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        description: str = "",
        ge: float | None = None,
        le: float | None = None,
        min_length: int | None = None,
    ) -> None:
        self.default, self.default_factory, self.alias, self.description = default, default_factory, alias, description
        self.ge, self.le, self.min_length = ge, le, min_length
        self.name = ""
        self.annotation: Any = None

    @property
    def key(self) -> str:
        return self.alias or self.name

    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    def get_default(self) -> Any:
        if self.default_factory is not None:
            return self.default_factory()
        # A list or mapping written as a default is copied, so records never share one.
        return copy.copy(self.default) if isinstance(self.default, list | dict) else self.default


def Field(default: Any = _MISSING, **kwargs: Any) -> Any:
    """A field's settings, as a class attribute: `noise: float = Field(default=0.0, ge=0, description="…")`.

    Give the default by keyword: type checkers (PEP 681) see a field specifier's default only as `default=`,
    and would otherwise make the field a required argument of the record's constructor."""
    return FieldInfo(default, **kwargs)


class Constraints(NamedTuple):
    """Limits on text: a regular expression it must match in full, a maximum length."""

    pattern: str | None = None
    max_length: int | None = None


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: its schema is a dict
class Convert:
    """A value YAML writes differently from how it is held: `parse` reads it (raising ValueError), `dump`
    writes it back for JSON, and `schema` is its JSON Schema."""

    parse: Callable[[Any], Any]
    dump: Callable[[Any], Any]
    schema: dict[str, Any]


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(Field, FieldInfo))
class Model:
    """A frozen record validated from plain data; unknown keys are errors (or, with `extra = "allow"`,
    kept as `model_extra`)."""

    extra: ClassVar[Literal["forbid", "allow"]] = "forbid"
    model_extra: dict[str, Any] | None

    def __init__(self, **values: Any) -> None:
        """Built from code: fields by name (or by their YAML key), checked as a file's would be."""
        fields = fields_of(type(self))
        data: Any = {fields[k].key if k in fields else k: v for k, v in values.items()}
        if isinstance(self, RootModel):
            data = values["root"]
        checked = type(self).model_validate(data)
        for name in fields:
            object.__setattr__(self, name, getattr(checked, name))
        object.__setattr__(self, "model_extra", checked.model_extra)

    def __post_init__(self) -> None:
        """Rules about the whole record; raise ValueError to refuse it."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name!r} cannot be set")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen: {name!r} cannot be deleted")

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """(name, value) of each field, then of each extra key."""
        yield from ((n, getattr(self, n)) for n in fields_of(type(self)))
        yield from (self.model_extra or {}).items()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return list(self) == list(other)

    def __hash__(self) -> int:
        return hash((type(self), *(getattr(self, n) for n in fields_of(type(self)))))

    def __repr__(self) -> str:
        parts = [f"{n}={getattr(self, n)!r}" for n in fields_of(type(self))]
        parts += [f"{k}={v!r}" for k, v in (self.model_extra or {}).items()]
        return f"{type(self).__name__}({', '.join(parts)})"

    @classmethod
    def model_validate(cls, value: Any) -> Any:
        """The record `value` describes (a mapping as parsed from YAML); raises ValidationError listing
        every problem."""
        errors: list[ErrorDetails] = []
        out = _compiled(cls)(value, (), errors)
        if errors:
            raise ValidationError(cls.__name__, errors)
        return out

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Any:
        """A copy with some fields (or extra keys) replaced, unchecked: the caller is code, not a file."""
        update = dict(update or {})
        fields = fields_of(type(self))
        unknown = [k for k in update if k not in fields]
        if unknown and self.model_extra is None:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(map(repr, unknown))}")
        out = object.__new__(type(self))
        for name in fields:
            object.__setattr__(out, name, update.pop(name, getattr(self, name)))
        extra = None if self.model_extra is None else {**self.model_extra, **update}
        object.__setattr__(out, "model_extra", extra)
        return out

    def model_dump(self, *, mode: Literal["python", "json"] = "python", by_alias: bool = False) -> Any:
        return _dump(self, mode == "json", by_alias)

    def model_dump_json(self, *, by_alias: bool = False) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=by_alias), ensure_ascii=False, separators=(",", ":"))

    # The class's fields by attribute name (see `fields_of`), as `Metric.model_fields`.
    model_fields: ClassVar[dict[str, FieldInfo]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._fields_cache = None  # type: ignore[attr-defined]
        cls._check_cache = None  # type: ignore[attr-defined]


class _ModelFields:
    def __get__(self, obj: object, owner: type[Model]) -> dict[str, FieldInfo]:
        return fields_of(owner)


Model.model_fields = _ModelFields()  # type: ignore[assignment]


class RootModel(Model):
    """A record that is one value rather than a mapping, held as `root` (an action script is a list)."""

    root: Any

    def model_dump(self, *, mode: Literal["python", "json"] = "python", by_alias: bool = False) -> Any:
        return dump_value(self.root, fields_of(type(self))["root"].annotation, mode == "json", by_alias)


# -- fields ----------------------------------------------------------------------------------------------


def fields_of(cls: type[Model]) -> dict[str, FieldInfo]:
    """The fields of `cls` and its bases, in declaration order, their annotations resolved (once)."""
    cached = cls.__dict__.get("_fields_cache")
    if cached is not None:
        return cached
    hints = _hints(cls)
    out: dict[str, FieldInfo] = {}
    for klass in reversed(cls.__mro__):
        for name in inspect.get_annotations(klass):
            if name in ("model_extra", "model_fields", "extra") or name.startswith("_"):
                continue
            if get_origin(hints[name]) is ClassVar:
                continue
            declared = getattr(cls, name, _MISSING)
            given = declared if isinstance(declared, FieldInfo) else FieldInfo(declared)
            f = copy.copy(given)  # a base's field is shared; each class names and resolves its own
            f.name, f.annotation = name, hints[name]
            out[name] = f
    cls._fields_cache = out  # type: ignore[attr-defined]
    return out


# Annotation texts compiled once: the formats write `str`, `float`, `Duration`… hundreds of times over.
_annotation_code: dict[str, CodeType] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The annotations of `cls` and its bases, evaluated: `typing.get_type_hints(cls, include_extras=True)`
    for annotations written as module-level names, which is all the formats use, at a fraction of its cost."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        namespace = vars(sys.modules[klass.__module__])
        for name, annotation in inspect.get_annotations(klass).items():
            if isinstance(annotation, str):
                code = _annotation_code.get(annotation)
                if code is None:
                    code = _annotation_code[annotation] = compile(annotation, "<annotation>", "eval")
                annotation = eval(code, namespace)  # our own source's annotations, never input
            hints[name] = annotation
    return hints


# -- validation ------------------------------------------------------------------------------------------


# Pydantic's wording, which `sim.format.explain` rewrites for facilitators (and falls back to).
_MESSAGES = {
    "missing": "Field required",
    "extra_forbidden": "Extra inputs are not permitted",
    "model_type": "Input should be a valid dictionary or instance of {cls}",
    "list_type": "Input should be a valid list",
    "dict_type": "Input should be a valid dictionary",
    "string_type": "Input should be a valid string",
    "string_too_long": "String should have at most {max_length} characters",
    "string_pattern_mismatch": "String should match pattern '{pattern}'",
    "int_type": "Input should be a valid integer",
    "int_parsing": "Input should be a valid integer, unable to parse string as an integer",
    "int_from_float": "Input should be a valid integer, got a number with a fractional part",
    "float_type": "Input should be a valid number",
    "float_parsing": "Input should be a valid number, unable to parse string as a number",
    "bool_type": "Input should be a valid boolean",
    "bool_parsing": "Input should be a valid boolean, unable to interpret input",
    "literal_error": "Input should be {expected}",
    "too_short": "List should have at least {min_length} item(s) after validation, not {actual_length}",
    "greater_than_equal": "Input should be greater than or equal to {ge}",
    "less_than_equal": "Input should be less than or equal to {le}",
    "value_error": "Value error, {error}",
    "assertion_error": "Assertion failed, {error}",
}


def _error(errors: list[ErrorDetails], kind: str, loc: Loc, value: Any, **ctx: Any) -> Any:
    """Record one problem; returns _INVALID, for `return _error(...)`. `cls` only words the message."""
    err: ErrorDetails = {"type": kind, "loc": loc, "msg": _MESSAGES[kind].format(**ctx), "input": value}
    ctx.pop("cls", None)
    if ctx:
        err["ctx"] = ctx
    errors.append(err)
    return _INVALID


def _compiled(cls: type[Model]) -> Check:
    """The validator of a record class, built on first use."""
    check = cls.__dict__.get("_check_cache")
    if check is None:
        check = _build_root(cls) if issubclass(cls, RootModel) else _build_model(cls)
        cls._check_cache = check  # type: ignore[attr-defined]
    return check


def _build_model(cls: type[Model]) -> Check:
    fields = list(fields_of(cls).values())
    keys = {f.key for f in fields}
    allow = cls.extra == "allow"
    checks: list[Check] = []

    def check(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            return _error(errors, "model_type", loc, value, cls=cls.__name__)
        if not checks:  # nested validators are built here, not above, so recursive formats could work
            checks.extend(_check_for(f.annotation, f) for f in fields)
        before = len(errors)
        obj = object.__new__(cls)
        for f, field_check in zip(fields, checks, strict=True):
            key = f.key
            if key in value:
                got = field_check(value[key], (*loc, key), errors)
            elif f.is_required():
                got = _error(errors, "missing", (*loc, key), value)
            else:
                got = f.get_default()
            object.__setattr__(obj, f.name, got)
        extra: dict[str, Any] | None = {} if allow else None
        for key in value:
            if key not in keys:
                if extra is not None:
                    extra[key] = value[key]
                else:
                    _error(errors, "extra_forbidden", (*loc, key), value[key])
        if len(errors) > before:
            return _INVALID
        object.__setattr__(obj, "model_extra", extra)
        return _checked(obj, value, loc, errors)

    return check


def _build_root(cls: type[Model]) -> Check:
    inner: list[Check] = []

    def check(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        if isinstance(value, cls):
            return value
        if not inner:
            f = fields_of(cls)["root"]
            inner.append(_check_for(f.annotation, f))
        before = len(errors)
        root = inner[0](value, loc, errors)
        if len(errors) > before:
            return _INVALID
        obj = object.__new__(cls)
        object.__setattr__(obj, "root", root)
        object.__setattr__(obj, "model_extra", None)
        return _checked(obj, value, loc, errors)

    return check


def _checked(obj: Model, value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    """`obj`, once its own rules (`__post_init__`) accept it; else the error, at the record's place."""
    try:
        obj.__post_init__()
    except (ValueError, AssertionError) as exc:
        kind = "assertion_error" if isinstance(exc, AssertionError) else "value_error"
        # `record` tells a rule about the whole record from a value that failed to convert.
        return _error(errors, kind, loc, value, error=str(exc), record=True)
    return obj


def _check_for(tp: Any, f: FieldInfo | None = None) -> Check:
    """The validator of one annotation, with a field's bounds (ge, le, min_length) when given."""
    base = _check_type(tp)
    if f is None or (f.ge is None and f.le is None and f.min_length is None):
        return base
    ge, le, min_length = f.ge, f.le, f.min_length

    def bounded(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        out = base(value, loc, errors)
        if out is _INVALID or out is None:
            return out
        if min_length is not None and len(out) < min_length:
            return _error(
                errors, "too_short", loc, value, field_type="List", min_length=min_length, actual_length=len(out)
            )
        if ge is not None and not out >= ge:
            return _error(errors, "greater_than_equal", loc, value, ge=ge)
        if le is not None and not out <= le:
            return _error(errors, "less_than_equal", loc, value, le=le)
        return out

    return bounded


def _str(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    if isinstance(value, str):
        bad = first_control(value)
        if bad is None:
            return value
        # Shown text must never carry terminal control sequences (sim.format.text); a file is told so, not cleaned.
        why = f"control character {printable(bad)} is not allowed in text; remove it (only newlines and tabs are)"
        return _error(errors, "value_error", loc, value, error=why)
    return _error(errors, "string_type", loc, value)


def _int(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    # Strict, as the published JSON Schema reads "integer": `true` and `"42"` are not whole numbers.
    if isinstance(value, bool):
        return _error(errors, "int_type", loc, value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        return _error(errors, "int_from_float", loc, value)
    return _error(errors, "int_type", loc, value)


def _float(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    if isinstance(value, bool):
        return _error(errors, "float_type", loc, value)
    if isinstance(value, float):
        return value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return _error(errors, "float_parsing", loc, value)
    return _error(errors, "float_type", loc, value)


def _bool(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    # Only `true` and `false`: YAML 1.2 keeps `yes`, `on` and `1` as what they are (scenarios/README.md).
    if isinstance(value, bool):
        return value
    return _error(errors, "bool_type", loc, value)


def _any(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
    return value


_SCALARS: dict[Any, Check] = {str: _str, int: _int, float: _float, bool: _bool, Any: _any}


def _check_type(tp: Any) -> Check:
    if tp in _SCALARS:
        return _SCALARS[tp]
    origin = get_origin(tp)
    if origin is Annotated:
        return _check_annotated(tp)
    if origin is Literal:
        return _check_literal(get_args(tp))
    if origin in (Union, UnionType):
        return _check_optional(tp)
    if origin is list:
        return _check_list(_check_type(get_args(tp)[0]))
    if origin is dict:
        key_tp, value_tp = get_args(tp)
        return _check_dict(_check_type(key_tp), _check_type(value_tp))
    if isinstance(tp, type) and issubclass(tp, Model):
        return lambda value, loc, errors: _compiled(tp)(value, loc, errors)
    raise TypeError(f"sim.format.model cannot check values of type {tp!r}")


def _check_annotated(tp: Any) -> Check:
    base, *meta = get_args(tp)
    check = _check_type(base)
    for m in meta:
        if isinstance(m, Constraints):
            check = _constrained(check, m)
        elif isinstance(m, Convert):
            check = _converted(check, m)
        elif isinstance(m, FieldInfo):
            check = _check_for(base, m)
    return check


def _constrained(check: Check, c: Constraints) -> Check:
    pattern = re.compile(c.pattern) if c.pattern else None
    max_length = c.max_length

    def constrained(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        out = check(value, loc, errors)
        if out is _INVALID:
            return out
        if max_length is not None and len(out) > max_length:
            return _error(errors, "string_too_long", loc, value, max_length=max_length)
        if pattern is not None and not pattern.fullmatch(out):
            return _error(errors, "string_pattern_mismatch", loc, value, pattern=c.pattern)
        return out

    return constrained


def _converted(check: Check, c: Convert) -> Check:
    parse = c.parse

    def converted(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        try:
            value = parse(value)
        except ValueError as exc:
            return _error(errors, "value_error", loc, value, error=str(exc))
        return check(value, loc, errors)

    return converted


def _check_literal(options: tuple[Any, ...]) -> Check:
    allowed = frozenset(options)
    listed = [repr(o) for o in options]
    expected = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} or {listed[-1]}"

    def literal(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        try:
            if value in allowed and not isinstance(value, bool | float):
                return value
        except TypeError:  # unhashable: a list or a mapping
            pass
        return _error(errors, "literal_error", loc, value, expected=expected)

    return literal


def _check_optional(tp: Any) -> Check:
    members = [a for a in get_args(tp) if a is not type(None)]
    if len(members) != 1:
        raise TypeError(f"sim.format.model checks only `X | None` unions, not {tp!r}")
    inner = _check_type(members[0])
    nullable = len(members) < len(get_args(tp))

    def optional(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        if value is None and nullable:
            return None
        return inner(value, loc, errors)

    return optional


def _check_list(item: Check) -> Check:
    def of_list(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        if not isinstance(value, list | tuple):
            return _error(errors, "list_type", loc, value)
        before = len(errors)
        out = [item(v, (*loc, i), errors) for i, v in enumerate(value)]
        return _INVALID if len(errors) > before else out

    return of_list


def _check_dict(key: Check, item: Check) -> Check:
    def of_dict(value: Any, loc: Loc, errors: list[ErrorDetails]) -> Any:
        if not isinstance(value, dict):
            return _error(errors, "dict_type", loc, value)
        before = len(errors)
        out = {key(k, (*loc, k), errors): item(v, (*loc, k), errors) for k, v in value.items()}
        return _INVALID if len(errors) > before else out

    return of_dict


# -- dumping ---------------------------------------------------------------------------------------------


def _dump(obj: Model, as_json: bool, by_alias: bool) -> dict[str, Any]:
    out = {}
    for name, f in fields_of(type(obj)).items():
        out[f.key if by_alias else name] = dump_value(getattr(obj, name), f.annotation, as_json, by_alias)
    out.update(obj.model_extra or {})
    return out


def dump_value(value: Any, tp: Any, as_json: bool, by_alias: bool = True) -> Any:
    """`value`, held as annotation `tp` says, as plain data (for JSON: durations as written, `5m`)."""
    if value is None:
        return None
    origin = get_origin(tp)
    if origin is Annotated:  # first: a record may be written differently too (an action named by its id)
        base, *meta = get_args(tp)
        convert = next((m for m in meta if isinstance(m, Convert)), None)
        if convert is not None and as_json:
            return convert.dump(value)
        return dump_value(value, base, as_json, by_alias)
    if isinstance(value, Model):
        return value.model_dump(mode="json" if as_json else "python", by_alias=by_alias)
    if origin in (Union, UnionType):
        inner = next(a for a in get_args(tp) if a is not type(None))
        return dump_value(value, inner, as_json, by_alias)
    if isinstance(value, list | tuple):
        item = get_args(tp)[0] if origin is list else Any
        return [dump_value(v, item, as_json, by_alias) for v in value]
    if isinstance(value, dict):
        item = get_args(tp)[1] if origin is dict else Any
        return {k: dump_value(v, item, as_json, by_alias) for k, v in value.items()}
    if as_json and isinstance(value, float) and not math.isfinite(value):
        return None  # as pydantic writes them: JSON has no infinity
    return value
