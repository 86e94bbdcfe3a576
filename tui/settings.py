"""The trainee's small settings file (name, theme) and where warroom keeps user data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from sim.format.library import user_home
from sim.format.text import printable

SETTINGS_FILE = "settings.json"


# The user data dir: `$WARROOM_HOME` when set (tests set it), else the platform's user data dir.
home = user_home


def reports_dir() -> Path:
    return home() / "reports"


class Settings(NamedTuple):
    """What warroom remembers between runs."""

    trainee: str = ""
    theme: str = ""

    def with_trainee(self, name: str) -> Settings:
        return self._replace(trainee=printable(name.strip()))

    def with_theme(self, theme: str) -> Settings:
        return self._replace(theme=theme)


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
    return Settings(**{k: printable(v) for k, v in raw.items() if k in Settings._fields and isinstance(v, str)})


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a crash mid-write must not lose the trainee's name)."""
    path = path or home() / SETTINGS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings._asdict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
