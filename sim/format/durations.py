"""Durations as facilitators write them (`90s`, `5m`, `1h30m`) and the sim clock as trainees read it."""

from __future__ import annotations

import math
import re
from typing import Annotated

from sim.format.model import Convert

_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?[hms])+$")
_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> float:
    """`1h30m` -> 5400.0. Units are h, m, s, largest first; each may appear once."""
    if not isinstance(text, str):
        raise ValueError(f"a duration is a string with units such as '90s', '5m' or '1h30m', not {text!r}")
    s = text.strip().lower().replace(" ", "")
    if s.startswith("-"):
        raise ValueError(f"duration {text!r} is negative; durations must be positive")
    if not _WHOLE.match(s):
        raise ValueError(f"{text!r} is not a duration; write it with units, e.g. '90s', '5m' or '1h30m'")
    units = [u for _, u in _PART.findall(s)]
    if len(set(units)) != len(units) or units != sorted(units, key="hms".index):
        raise ValueError(f"duration {text!r} repeats or misorders its units; write e.g. '1h30m'")
    seconds = sum(float(n) * _UNIT[u] for n, u in _PART.findall(s))
    if not math.isfinite(seconds):  # '999…9h' overflows a float; nothing downstream can use infinity
        raise ValueError(f"duration {text[:24]!r}… is too long")
    return seconds


def format_duration(seconds: float) -> str:
    """5400.0 -> `1h30m`; the inverse of parse_duration for whole seconds."""
    total = round(seconds)
    if total == 0:
        return "0s"
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return "".join(f"{v}{u}" for v, u in ((h, "h"), (m, "m"), (s, "s")) if v)


def format_clock(seconds: float) -> str:
    """Sim time as the trainee reads it: `T+01:02:03` (negative values read `T-…`)."""
    sign = "-" if seconds < 0 else "+"
    total = int(abs(seconds))
    h, rem = divmod(total, 3600)
    m, s = divmod(rem, 60)
    return f"T{sign}{h:02d}:{m:02d}:{s:02d}"


# A duration as a file writes it: what the JSON Schema's pattern accepts, and not empty.
_WRITTEN = r"^(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?$"


def _to_seconds(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("a duration is a string with units such as '5m', not a boolean")
    if isinstance(value, int | float):
        # Bare numbers are ambiguous (seconds? minutes?), so the format refuses them.
        raise ValueError(f"{value!r} has no unit; write e.g. '{value}m' or '{value}s'")
    seconds = parse_duration(value)  # type: ignore[arg-type]
    # The command line forgives `5 M`; a file is held to one spelling, the one its schema publishes.
    if not re.fullmatch(_WRITTEN, str(value)):
        raise ValueError(f"write duration {value!r} as e.g. '1h30m': lower-case units, no spaces")
    return seconds


# A duration field: written `5m` in YAML, held as float seconds, written back as `5m`.
Duration = Annotated[
    float,
    Convert(
        parse=_to_seconds,
        dump=format_duration,
        schema={
            "type": "string",
            "pattern": _WRITTEN,
            "minLength": 2,
            "description": "A duration with units, e.g. 90s, 5m, 1h30m.",
        },
    ),
]
