"""The seeded cast of a drill: who is on call, the support lead, the CTO, customers, attacker IPs, the
incident id and channel, and the `{placeholder}` filling of inject text.

Placeholders an inject's text (or `from`) may use: `{incident_id}`, `{channel}`, `{trainee}`, `{date}`,
`{oncall}` (the first pager level), `{support_lead}`, `{cto}`, `{engineering_manager}`, `{customer}`,
`{customer2}`, `{customer3}`, `{customer_company}` (and 2, 3), `{attacker_ip}` (and 2, 3), and every
playbook contact id (`{dba}`, `{security_lead}`…). Unknown placeholders are left as written, and filling
never evaluates anything: braces are matched by a plain regular expression, not `str.format`.
"""

from __future__ import annotations

import random
import re
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from sim.playbook import Playbook
    from sim.scenario import Scenario

_TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.\-]*)\}")

# Slots every drill has, with the title the feed shows beside the name.
STANDARD_SLOTS = (
    ("support_lead", "Support Lead"),
    ("cto", "CTO"),
    ("engineering_manager", "Engineering Manager"),
    ("customer", "Customer"),
    ("customer2", "Customer"),
    ("customer3", "Customer"),
)


class Person(NamedTuple):
    slot: str  # the id a scenario writes: `cto`, `support_lead`, a playbook contact id…
    name: str
    title: str
    team: str = ""


class _Data(NamedTuple):
    """Faker's en_US names and company shapes (copied in `sim.names`), with cumulative weights."""

    first: list[str]
    first_cum: list[float]
    last: list[str]
    last_cum: list[float]
    suffixes: tuple[str, ...]

    # Each pick is `rng.choices(names, cum_weights=cum)[0]` without the list `choices` builds per call (it
    # was most of the cost of casting a drill): the same `random()` scaled by the same total, bisected over
    # the same range, so the names are the ones `choices` gave.
    def name(self, rng: random.Random) -> str:
        first, first_cum, last, last_cum = self.first, self.first_cum, self.last, self.last_cum
        given = first[bisect_right(first_cum, rng.random() * (first_cum[-1] + 0.0), 0, len(first_cum) - 1)]
        return f"{given} {last[bisect_right(last_cum, rng.random() * (last_cum[-1] + 0.0), 0, len(last_cum) - 1)]}"

    def company(self, rng: random.Random) -> str:
        last, cum = self.last, self.last_cum
        a, b, c = (last[bisect_right(cum, rng.random() * (cum[-1] + 0.0), 0, len(cum) - 1)] for _ in range(3))
        shape = rng.randrange(3)
        return f"{a} {rng.choice(self.suffixes)}" if shape == 0 else f"{a}-{b}" if shape == 1 else f"{a}, {b} and {c}"


@cache
def _data() -> _Data:
    """The name data, read once per process when a drill first names someone."""
    from sim import names

    first, first_weights = names.pairs(names.FIRST_NAMES)
    last, last_weights = names.pairs(names.LAST_NAMES)
    return _Data(first, list(accumulate(first_weights)), last, list(accumulate(last_weights)), names.COMPANY_SUFFIXES)


def incident_date(rng: random.Random) -> date:
    """A plausible, seeded date for the incident: the drill never reads the wall clock."""
    return date(2025, 1, 1) + timedelta(days=rng.randrange(365))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 24) -> str:
    s = _NOT_SLUG.sub("-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "incident"


class Cast:
    """Names come from Faker's en_US data (a copy, `sim.names`) drawn with a seeded `random.Random`, built
    when a name is first needed."""

    def __init__(self, scenario: Scenario, playbook: Playbook, rng: random.Random, trainee: str) -> None:
        self.scenario = scenario
        self.playbook = playbook
        self.trainee = trainee
        # Everything the cast needs from the drill's random stream is drawn now, in a fixed order, so
        # building the names lazily (or never) cannot shift the noise that follows.
        self._faker_seed = rng.getrandbits(32)
        self.date = incident_date(rng)
        self.incident_id = f"INC-{self.date.year}-{rng.randrange(1, 10_000):04d}"
        self.channel = f"#inc-{self.date:%Y%m%d}-{slug(scenario.id)}"
        self._people: dict[str, Person] | None = None
        self._extras: dict[str, str] = {}
        self.slots = {c.id for c in playbook.contacts} | {slot for slot, _ in STANDARD_SLOTS}
        self._cheap = {
            "incident_id": self.incident_id,
            "channel": self.channel,
            "trainee": trainee,
            "date": self.date.isoformat(),
        }

    def _build(self) -> dict[str, Person]:
        data = _data()
        rng = random.Random(self._faker_seed)
        people: dict[str, Person] = {}
        taken: set[str] = {self.trainee}

        def fresh_name() -> str:
            name = data.name(rng)
            for _ in range(50):
                if name not in taken:
                    break
                name = data.name(rng)
            taken.add(name)
            return name

        for contact in self.playbook.contacts:
            people[contact.id] = Person(contact.id, fresh_name(), contact.title, contact.team)
        for slot, title in STANDARD_SLOTS:
            if slot not in people:
                people[slot] = Person(slot, fresh_name(), title)
        for n in ("", "2", "3"):
            self._extras[f"customer{n}_company"] = data.company(rng)
            # Documentation ranges (RFC 5737), never a real network: a drill must not accuse a real host.
            self._extras[f"attacker_ip{n}"] = f"{rng.choice(_TEST_NETS)}.{rng.randint(1, 254)}"
        chain = self.playbook.escalation.chain
        if chain and chain[0].contact in people:
            self._extras["oncall"] = people[chain[0].contact].name
        else:
            self._extras["oncall"] = fresh_name()
        return people

    @property
    def people(self) -> dict[str, Person]:
        if self._people is None:
            self._people = self._build()
        return self._people

    def person(self, slot: str) -> Person | None:
        return self.people.get(slot)

    def name(self, slot_or_name: str) -> str:
        """A slot's name, or the text itself when it is not a slot (a literal sender such as `PagerDuty`)."""
        if slot_or_name in self.slots:
            return self.people[slot_or_name].name
        return self.fill(slot_or_name)

    def values(self) -> dict[str, str]:
        """Every placeholder's value (this builds the names)."""
        out = {slot: p.name for slot, p in self.people.items()}
        out.update(self._extras)
        out.update(self._cheap)
        return out

    def fill(self, text: str) -> str:
        if "{" not in text:
            return text
        keys = {m.group(1) for m in _PLACEHOLDER.finditer(text)}
        values = self._cheap if keys <= self._cheap.keys() else self.values()
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
