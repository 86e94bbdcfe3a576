"""What happened when: the facts a grade is built from. They are defined once, in `sim.journal.facts`, which
the engine's timers use too; this module keeps the scorer's imports where they were."""

from __future__ import annotations

from sim.journal.facts import (
    DETECTING_INJECTS,
    FACILITATOR,
    RESPONSE_ACTIONS,
    TRAINEE_EVENTS,
    Facts,
    FactTracker,
    acting_role,
    actor_field,
    is_detection,
    read_facts,
)

__all__ = [
    "DETECTING_INJECTS",
    "FACILITATOR",
    "RESPONSE_ACTIONS",
    "TRAINEE_EVENTS",
    "FactTracker",
    "Facts",
    "acting_role",
    "actor_field",
    "is_detection",
    "read_facts",
]
