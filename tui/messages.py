"""Messages that cross screens: a screen posts them, the app decides which screen comes next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.message import Message

from sim.format.playbook import Playbook
from sim.format.scenario import Scenario


@dataclass
class ScenarioChosen(Message):
    """The picker chose a scenario: the app builds its drill and shows the briefing."""

    scenario: Scenario
    playbook: Playbook
    path: Path | None = None
    seed: int | None = None  # None: the app's --seed, else the scenario's own


@dataclass
class StartDrill(Message):
    """The trainee read the briefing and is ready: the app swaps in the drill screen."""


@dataclass
class DrillFinished(Message):
    """The drill ended (resolved, timed out or ended by the trainee): the app shows the debrief."""

    reason: str


@dataclass
class PlayAgain(Message):
    """From the debrief: run the same scenario with the same seed again."""


@dataclass
class BackToPicker(Message):
    """Leave this drill and choose another scenario."""


@dataclass
class TraineeNamed(Message):
    """The trainee told us their name; the app remembers it in the settings file."""

    name: str


@dataclass
class TeamDrillStarted(Message):
    """The lobby saw the host start the team drill: the app swaps in this seat's drill screen."""
