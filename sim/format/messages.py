"""What a message must say: checklists per kind of message (a playbook's or a scenario's), the phrases that
satisfy an item, and the template blanks (`[TIME]`, `{status}`) a message must not still carry.

Matching is meant to be explained in one sentence to a trainee, and safe on any file: a phrase is words,
matched case-insensitively as whole words, where `*` ends a word any way (`customer*`) and `{number}`,
`{percent}`, `{money}`, `{time}` and `{duration}` stand for what they say. Phrases compile to regular
expressions without nested repetition, so no file can make a message slow to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Annotated, Literal, NamedTuple

from sim.format.base import Id, Strict
from sim.format.model import Convert, Field

MessageKind = Literal["internal_update", "status_page", "customers", "executives", "support"]
# The kinds in the playbook templates' order, with the comms channel each goes to (sim.format.vocabulary).
KINDS: dict[str, str] = {
    "internal_update": "internal",
    "status_page": "status_page",
    "customers": "customers",
    "executives": "executives",
    "support": "support",
}
NAMED: dict[str, str] = {
    "number": r"\d+(?:[.,]\d+)*",
    "percent": r"\d+(?:[.,]\d+)?\s?%",
    "money": r"(?:[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?[km])?|\d[\d,]*(?:\.\d+)?\s?(?:usd|eur|gbp|dollars?|euros?))",
    "time": r"(?:\d{1,2}[:.]\d{2}(?:\s?[ap]m)?|\d{1,2}\s?[ap]m)(?:\s?(?:utc|gmt|[a-z]{1,4}t))?",
    "duration": r"\d+(?:\.\d+)?\s?(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?)",
}
_TOKEN = re.compile(r"\{(" + "|".join(NAMED) + r")\}|\*|\s+|[^\s*{]+|\{")
MAX_PHRASE = 200


def _phrase(value: object) -> object:
    """A phrase as written; refused when it is empty, too long, or names a pattern that does not exist."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("a phrase needs at least one word")
        if len(value) > MAX_PHRASE:
            raise ValueError(f"a phrase is at most {MAX_PHRASE} characters")
        unknown = re.findall(r"\{(\w+)\}", value)
        bad = [u for u in unknown if u not in NAMED]
        if bad:
            raise ValueError(f"unknown pattern {{{bad[0]}}}; the patterns are: {', '.join(f'{{{n}}}' for n in NAMED)}")
    return value


Phrase = Annotated[
    str,
    Convert(
        parse=_phrase,
        dump=str,
        schema={
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_PHRASE,
            "pattern": r"\S",  # at least one word
            "not": {"pattern": r"\{(?!(?:" + "|".join(NAMED) + r")\})\w+\}"},  # no unknown {pattern}
            "description": "Words matched case-insensitively as whole words; `*` ends a word any way; "
            "{number}, {percent}, {money}, {time} and {duration} stand for what they say.",
        },
    ),
]


class ChecklistItem(Strict):
    """One thing a message must say: any one of its phrases in the text satisfies it."""

    id: Id
    ask: str = Field(description="What the message must say, as the debrief words it: 'the next update time'.")
    any: list[Phrase] = Field(min_length=1, description="Phrases, any one of which satisfies the item.")


class Checklists(Strict):
    """Per kind of message, what it must say. A scenario's items add to its playbook's (the same id replaces)."""

    internal_update: list[ChecklistItem] = Field(default_factory=list)
    status_page: list[ChecklistItem] = Field(default_factory=list)
    customers: list[ChecklistItem] = Field(default_factory=list)
    executives: list[ChecklistItem] = Field(default_factory=list)
    support: list[ChecklistItem] = Field(default_factory=list)

    def items(self, kind: str) -> list[ChecklistItem]:
        return list(getattr(self, kind))


def merged(base: Checklists, more: Checklists, kind: str) -> list[ChecklistItem]:
    """The playbook's items for `kind`, a scenario's item of the same id in its place, then the scenario's new ones."""
    own = {i.id: i for i in more.items(kind)}
    out = [own.pop(i.id, i) for i in base.items(kind)]
    return out + list(own.values())


@lru_cache(maxsize=512)
def compiled(phrase: str) -> re.Pattern[str]:
    """The regular expression a phrase stands for (see the module's docstring)."""
    parts = []
    for m in _TOKEN.finditer(phrase.strip()):
        token = m.group(0)
        if m.group(1):
            parts.append(NAMED[m.group(1)])
        elif token == "*":
            parts.append(r"\w*")
        elif token.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(token))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


# Blanks as playbooks write them; the first two alternatives are look-alikes that are not blanks.
_BLANK = re.compile(
    r"""
      (?P<box>^[ \t]*[-*+][ \t]+\[[ xX]\])          # a Markdown checkbox (`- [ ] Team assembled`)
    | (?P<tag>^[ \t]*\**Subject\**:?\**:?[ \t]*\[)  # a mail subject's tag (`Subject: [MindWeave] …`)
    | \[[^\[\]\n]*\S[^\[\]\n]*\](?!\()               # [anything but blank], unless a Markdown link's text
    | \{[A-Za-z_][\w .-]*\}                          # {status}
    | <[A-Za-z][\w .\-/]*>                           # <service name>; `<https://…>` has a colon: a link
    | \$\([^()\n]*\)                                 # $(date)
    """,
    re.VERBOSE | re.MULTILINE | re.IGNORECASE,
)


class Blank(NamedTuple):
    """A blank left in a message: its text and where it sits (character offsets)."""

    text: str
    start: int
    end: int


def blank_spans(text: str) -> list[Blank]:
    """Every template blank in `text` (`[TIME]`, `{status}`, `<service>`, `$(date)`), in order, with its place:
    the scorer reads the texts, the comms dialog selects each in turn."""
    found = []
    position = 0
    while match := _BLANK.search(text, position):
        if match.group("tag"):
            # Step over the tag's bracket: a blank later on the subject line still counts.
            position = text.find("]", match.end()) + 1 or len(text)
            continue
        position = match.end()
        if not match.group("box"):
            found.append(Blank(match.group(), match.start(), match.end()))
    return found


def blanks(text: str) -> list[str]:
    """The template blanks left in `text`, in order."""
    return [b.text for b in blank_spans(text)]


class Reading(NamedTuple):
    """What one message said against a checklist: the items it covered and missed, and blanks left in it."""

    said: tuple[str, ...]  # item ids
    missing: tuple[str, ...]  # item ids
    blanks: tuple[str, ...]
    empty: bool

    @property
    def share(self) -> float:
        """How much of the checklist it satisfied: nothing with a blank left or no text at all."""
        if self.empty or self.blanks:
            return 0.0
        total = len(self.said) + len(self.missing)
        return len(self.said) / total if total else 1.0


def read_message(text: str, items: Sequence[ChecklistItem]) -> Reading:
    """Check one message's text against a checklist."""
    found = tuple(blanks(text))
    empty = not text.strip()
    said = tuple(i.id for i in items if any(compiled(p).search(text) for p in i.any))
    missing = tuple(i.id for i in items if i.id not in said)
    return Reading(said, missing, found, empty)
