"""A reference to an action as the formats write it: its id (`page`), or the action taken with given
parameters (`{do: page, with: {contact: security}}`), wherever a scenario names an action it waits for,
skips on or orders by."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from sim.format.base import Id, Strict
from sim.format.model import Convert, Field

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


class ActionRef(Strict):
    """An action, counted only when taken with these parameters (all of them, as given)."""

    do: Id
    with_: dict[Id, str] = Field(
        default_factory=dict, alias="with", description="Parameters it must be taken with, e.g. {contact: finance}."
    )

    def __str__(self) -> str:
        """`page` or `page (contact: finance)`: how messages name it."""
        if not self.with_:
            return self.do
        return f"{self.do} ({', '.join(f'{k}: {v}' for k, v in self.with_.items())})"

    def matches(self, action: str, params: Mapping[str, Any]) -> bool:
        """Whether an action taken with `params` is this one."""
        return action == self.do and all(params.get(k) == v for k, v in self.with_.items())


def _read(value: object) -> object:
    # An id alone is the action with any parameters; a mapping is checked as an ActionRef.
    return {"do": value} if isinstance(value, str) else value


def _written(ref: ActionRef) -> object:
    return ref.do if not ref.with_ else {"do": ref.do, "with": dict(ref.with_)}


_OBJECT = {
    "additionalProperties": False,
    "properties": {
        "do": {"maxLength": 64, "pattern": _ID, "title": "Do", "type": "string"},
        "with": {
            "additionalProperties": False,
            "description": "Parameters it must be taken with, e.g. {contact: finance}.",
            "patternProperties": {_ID: {"type": "string"}},
            "propertyNames": {"maxLength": 64},
            "title": "With",
            "type": "object",
        },
    },
    "required": ["do"],
    "type": "object",
}

# Written `page` or `{do: page, with: {contact: security}}`; held as an ActionRef either way.
ActionName = Annotated[
    ActionRef,
    Convert(
        parse=_read,
        dump=_written,
        schema={
            "anyOf": [{"maxLength": 64, "pattern": _ID, "type": "string"}, _OBJECT],
            "description": "An action id, or {do: <action id>, with: {<parameter>: <value>}}.",
        },
    ),
]
