"""JSON Schemas of the file formats, generated from the models: `python -m sim.format.schema OUTDIR` writes them."""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from sim.format.model import Constraints, Convert, FieldInfo, Model, RootModel, dump_value, fields_of
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script

MODELS: dict[str, type[Model]] = {"scenario": Scenario, "playbook": Playbook, "actions": Script}
TITLES = {
    "scenario": "warroom scenario",
    "playbook": "warroom playbook",
    "actions": "warroom action script",
}


def filename(kind: str) -> str:
    return f"{kind}.schema.json"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one format: `scenario`, `playbook` or `actions`.

    As an editor reads YAML: keys as written (aliases), durations as strings (`10s`), unknown keys refused.
    """
    defs: dict[str, Any] = {}
    model = MODELS[kind]
    out = _type(fields_of(model)["root"].annotation, defs) if issubclass(model, RootModel) else _object(model, defs)
    out.update(_described(model))
    if defs:
        out["$defs"] = defs
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = TITLES[kind]
    return out


def _described(cls: type[Model]) -> dict[str, Any]:
    doc = cls.__dict__.get("__doc__")
    return {"description": inspect.cleandoc(doc)} if doc else {}


def _object(cls: type[Model], defs: dict[str, Any]) -> dict[str, Any]:
    fields = fields_of(cls).values()
    properties = {f.key: _property(f, defs) for f in fields}
    out: dict[str, Any] = {"additionalProperties": cls.extra == "allow", "properties": properties, "type": "object"}
    required = [f.key for f in fields if f.is_required()]
    if required:
        out["required"] = required
    out["title"] = cls.__name__
    return out


def _property(f: FieldInfo, defs: dict[str, Any]) -> dict[str, Any]:
    out = _type(f.annotation, defs)
    if "$ref" not in out:  # a record's own title says what it is
        out["title"] = f.key.replace("_", " ").title()
    if f.description:
        out["description"] = f.description
    for key, value in (("minimum", f.ge), ("maximum", f.le), ("minItems", f.min_length)):
        if value is not None:
            out[key] = value
    if f.default_factory is None and not f.is_required():  # a factory's value is made afresh: not listed
        out["default"] = dump_value(f.default, f.annotation, as_json=True)
    return out


def _type(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        base, *meta = get_args(tp)
        out = _type(base, defs)
        for m in meta:
            if isinstance(m, Convert):
                out = dict(m.schema)
            elif isinstance(m, Constraints):
                if m.max_length is not None:
                    out["maxLength"] = m.max_length
                if m.pattern is not None:
                    out["pattern"] = m.pattern
            elif isinstance(m, FieldInfo):
                out.update({k: v for k, v in (("minimum", m.ge), ("maximum", m.le)) if v is not None})
        return out
    if origin is Literal:
        options = list(get_args(tp))
        return {"enum": options, "type": "string"} if all(isinstance(o, str) for o in options) else {"enum": options}
    if origin in (Union, UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        return {"anyOf": [*(_type(m, defs) for m in members), {"type": "null"}]}
    if origin is list:
        return {"items": _type(get_args(tp)[0], defs), "type": "array"}
    if origin is dict:
        key, value = (_type(a, defs) for a in get_args(tp))
        out = {"type": "object"}
        pattern = key.pop("pattern", None)
        key.pop("type", None)
        if pattern is not None:
            # A key that misses the pattern is refused, as the loader refuses it, not let through unchecked.
            out["patternProperties"] = {pattern: value}
            out["additionalProperties"] = False
        else:
            out["additionalProperties"] = value
        if key:
            out["propertyNames"] = key
        return out
    if isinstance(tp, type) and issubclass(tp, Model):
        if tp.__name__ not in defs:
            defs[tp.__name__] = {}  # claimed first, so a format that refers to itself stops here
            defs[tp.__name__] = {**_object(tp, defs), **_described(tp)}
        return {"$ref": f"#/$defs/{tp.__name__}"}
    simple = {str: "string", int: "integer", float: "number", bool: "boolean"}
    if tp in simple:
        return {"type": simple[tp]}
    return {}


def render(kind: str) -> str:
    """The schema as written to disk: sorted keys, two-space indent, a trailing newline (stable diffs)."""
    return json.dumps(schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MODELS:
        path = outdir / filename(kind)
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sim.format.schema OUTDIR", file=sys.stderr)
        return 2
    for path in write(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
