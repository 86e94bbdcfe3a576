"""Action scripts: a timed list of what a (scripted) trainee does, e.g. `- {at: 3m, do: declare, severity: SEV-1}`."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from sim.format.base import Id, Strict
from sim.format.durations import Duration
from sim.format.model import Field, RootModel


class Step(Strict):
    """One scripted action. Keys other than these are the action's parameters (severity, role, who…)."""

    extra: ClassVar[Literal["forbid", "allow"]] = "allow"

    at: Duration
    do: Id
    actor: str | None = None
    role: Id | None = None

    @property
    def params(self) -> dict[str, Any]:
        return dict(self.model_extra or {})

    def __post_init__(self) -> None:
        """Parameters are plain values."""
        for key, value in (self.model_extra or {}).items():
            if not isinstance(value, str | int | float | bool):
                raise ValueError(f"parameter {key!r} must be a plain value, not {type(value).__name__}")


class Script(RootModel):
    """Steps in time order (equal times keep their written order). The order is checked with the other
    problems of a file (`sim.format.checks.check_script`), so it is told at the step out of order."""

    root: list[Step] = Field(default_factory=list)
