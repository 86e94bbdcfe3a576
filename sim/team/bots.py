"""Simulated trainees in a team drill: one per role nobody took (`warroom host --bots PROFILE`).

Each is a `sim.training.bots.Bot` that does not drive the drill (the host's clock does: it calls `look`
every `TICK` of sim time, as `Bot.play` would) and takes only what its role may (`sim.format.roles`):
the rest of its plan is left to the seats holding the other roles. What another seat already did (the
acknowledgement, a page) it does not repeat.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sim.engine.drill import Drill
from sim.format.roles import may
from sim.training.bots import PROFILES, TICK, Bot

__all__ = ["PROFILES", "TICK", "TeamBot"]

Act = Callable[[str, dict[str, str]], None]


class TeamBot(Bot):
    """A bot in one seat: `act(action, params)` takes an action through the host, as this seat."""

    def __init__(self, drill: Drill, profile: str, seed: str, *, role: str, act: Act) -> None:
        super().__init__(drill, PROFILES[profile], random.Random(seed))
        self.role = role
        self._act = act
        self.next_look = drill.now + TICK

    def look(self) -> None:
        """One look at the drill, as `Bot.play` takes after each TICK."""
        drill = self.drill
        self.next_look = round(drill.now + TICK, 3)
        if drill.detected_at is not None and not drill.finished:
            self.step_tracks()

    def _try(self, action: str, params: dict[str, str]) -> None:
        drill = self.drill
        scenario_action = action in drill.actions.scenario_actions
        if not may(drill.playbook, self.role, action, scenario_action=scenario_action):
            return  # another role's call
        if action == "acknowledge" and drill.acknowledged_at is not None:
            return
        if action == "page" and params.get("contact") in drill.actions.paged:
            return
        self._act(action, params)
