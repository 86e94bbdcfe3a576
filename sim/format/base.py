"""The shared base of every format model: strict, frozen, and ids that read well in YAML."""

from __future__ import annotations

from typing import Annotated

from sim.format.model import Constraints, Model

# Ids are what facilitators type to cross-reference things: short, lowercase-friendly, no spaces.
Id = Annotated[str, Constraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$", max_length=64)]
Text = Annotated[str, Constraints(max_length=20_000)]


class Strict(Model):
    """Unknown keys are errors, values are frozen once loaded."""
