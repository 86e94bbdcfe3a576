"""The blanks in a message template that the trainee is meant to fill in: one definition, the scorer's
(sim.format.messages), with where each sits so the composer can select it."""

from __future__ import annotations

from sim.format.messages import Blank
from sim.format.messages import blank_spans as blanks

__all__ = ["Blank", "blanks"]
