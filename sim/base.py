"""The shared base of every format model: strict, frozen, and ids that read well in YAML."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# Ids are what facilitators type to cross-reference things: short, lowercase-friendly, no spaces.
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(max_length=20_000)]


class Strict(BaseModel):
    """Unknown keys are errors, values are frozen once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
