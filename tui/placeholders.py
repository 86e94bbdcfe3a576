"""The blanks in a message template that the trainee is meant to fill in, in the notations playbooks use:
`[Service Name]`, `{status}`, `<service>` and shell-style `$(date)`."""

from __future__ import annotations

import re
from typing import NamedTuple

_BLANK = re.compile(
    r"""
      (?P<box>^[ \t]*[-*+][ \t]+\[[ xX]\])          # a Markdown checkbox (`- [ ] Team assembled`): not a blank
    | (?P<tag>^[ \t]*\**Subject\**:?\**:?[ \t]*\[)  # a mail subject's tag (`Subject: [MindWeave] …`): not a blank
    | \[[^\[\]\n]*\S[^\[\]\n]*\](?!\()               # [anything but blank], unless a Markdown link's text
    | \{[A-Za-z_][\w .-]*\}                          # {status}
    | <[A-Za-z][\w .\-/]*>                           # <service name>; `<https://…>` has a colon and is a link
    | \$\([^()\n]*\)                                 # $(date)
    """,
    re.VERBOSE | re.MULTILINE | re.IGNORECASE,
)


class Blank(NamedTuple):
    """A placeholder: its text and where it sits in the message (character offsets)."""

    text: str
    start: int
    end: int


def blanks(text: str) -> list[Blank]:
    """Every placeholder in `text`, in order."""
    found = []
    position = 0
    while match := _BLANK.search(text, position):
        if match.group("tag"):
            # Step over the tag's whole bracket: a blank later on the subject line still counts.
            position = text.find("]", match.end()) + 1 or len(text)
            continue
        position = match.end()
        if not match.group("box"):
            found.append(Blank(match.group(), match.start(), match.end()))
    return found
