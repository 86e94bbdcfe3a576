"""Action scripts: a timed list of what a (scripted) trainee does, e.g. `- {at: 3m, do: declare, severity: SEV-1}`."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, RootModel, model_validator

from sim.base import Id, Strict
from sim.durations import Duration


class Step(Strict):
    """One scripted action. Keys other than these are the action's parameters (severity, role, who…)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    at: Duration
    do: Id
    actor: str | None = None
    role: Id | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    @model_validator(mode="after")
    def _params_are_scalars(self) -> Step:
        for key, value in (self.model_extra or {}).items():
            if not isinstance(value, str | int | float | bool):
                raise ValueError(f"parameter {key!r} must be a plain value, not {type(value).__name__}")
        return self


class Script(RootModel[list[Step]]):
    """Steps in time order (equal times keep their written order)."""

    root: list[Step] = Field(default_factory=list)

    @model_validator(mode="after")
    def _in_order(self) -> Script:
        for before, after in zip(self.root, self.root[1:], strict=False):
            if after.at < before.at:
                raise ValueError(
                    f"steps must be in time order: '{after.do}' at {after.at:g}s comes after {before.at:g}s"
                )
        return self
