"""The trainee's small settings file (name, theme, whether dialogs pause the clock) and where warroom keeps
user data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple, Protocol, runtime_checkable

from sim.format.library import user_home
from sim.format.text import printable

SETTINGS_FILE = "settings.json"

# Whether opening a dialog during a drill stops the sim clock until it closes, and how the choice reads in the
# palette. "auto" holds it where a newcomer is still learning the dialogs and runs it where time pressure is
# the point of the drill.
DIALOG_PAUSE: dict[str, str] = {
    "auto": "in tutorial and easy drills",
    "on": "in every drill",
    "off": "never",
}
_LEARNING = frozenset({"tutorial", "easy"})


def dialogs_pause(choice: str, difficulty: str) -> bool:
    """Whether a dialog opened in a drill of this difficulty stops the clock, under the saved choice."""
    if choice == "on":
        return True
    if choice == "off":
        return False
    return difficulty in _LEARNING


# The user data dir: `$WARROOM_HOME` when set (tests set it), else the platform's user data dir.
home = user_home


def reports_dir() -> Path:
    return home() / "reports"


class Settings(NamedTuple):
    """What warroom remembers between runs."""

    trainee: str = ""
    theme: str = ""
    dialog_pause: str = "auto"  # a key of DIALOG_PAUSE

    def with_trainee(self, name: str) -> Settings:
        return self._replace(trainee=printable(name.strip()))

    def with_theme(self, theme: str) -> Settings:
        return self._replace(theme=theme)

    def with_dialog_pause(self, choice: str) -> Settings:
        return self._replace(dialog_pause=choice if choice in DIALOG_PAUSE else "auto")


@runtime_checkable
class Keeper(Protocol):
    """An app that holds the loaded settings (warroom's does), for screens that read or change them without
    importing the app."""

    settings: Settings


def load(path: Path | None = None) -> Settings:
    """The saved settings; a missing, unreadable or malformed file reads as defaults rather than failing."""
    path = path or home() / SETTINGS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Settings()
    if not isinstance(raw, dict):
        return Settings()
    # Keep only known string fields, so a hand-edited file cannot smuggle in odd types or terminal codes.
    settings = Settings(**{k: printable(v) for k, v in raw.items() if k in Settings._fields and isinstance(v, str)})
    return settings.with_dialog_pause(settings.dialog_pause)


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash mid-write must not lose the trainee's name)."""
    path = path or home() / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings._asdict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
