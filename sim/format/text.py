"""Text from files, journals and other people is shown, never obeyed.

Scenario YAML can spell any character (`"\\e]0;title\\a"`), and journals and the history database can be
edited by hand, so a terminal control sequence could ride in on a title, a message or a trainee's name and
retitle or clear the trainee's terminal. Control characters other than newline and tab are written out
instead, as `\\x1b`-style escapes: visible, and inert in any terminal.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """`text` with each control character written as a `\\x1b`-style escape."""
    if text.isprintable():  # nothing `_CONTROL` matches is printable: most text is returned as it came
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def first_control(text: str) -> str | None:
    """The first control character in `text`, or None when it has none."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def printable_json(value: Any) -> Any:
    """A JSON value with every string in it (keys included) made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [printable_json(v) for v in value]
    if isinstance(value, dict):
        return {printable(k) if isinstance(k, str) else k: printable_json(v) for k, v in value.items()}
    return value
