"""The seeded cast of a drill: who is on call, the support lead, the CTO, customers and their companies and
email addresses, the attackers' IP addresses and browsers, the incident id and channel, and the
`{placeholder}` filling of inject text.

Placeholders an inject's text (or `from`) may use: `{incident_id}`, `{channel}`, `{trainee}`, `{date}`,
`{oncall}` (the first pager level), `{support_lead}`, `{cto}`, `{engineering_manager}`, `{customer}`,
`{customer2}`, `{customer3}`, `{customer_company}` (and 2, 3), `{customer_email}` (and 2, 3),
`{attacker_ip}` (and 2, 3), `{attacker_user_agent}` (and 2, 3), and every playbook contact id (`{dba}`,
`{security_lead}`…). Unknown placeholders are left as written, and filling never evaluates anything: braces
are matched by a plain regular expression, not `str.format`.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache, partial
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from faker.providers.company.en_US import Provider as CompanyProvider
    from faker.providers.person.en_US import Provider as PersonProvider
    from faker.providers.user_agent import Provider as UserAgentProvider

    from sim.format.playbook import Playbook
    from sim.format.scenario import Scenario

# Attacker addresses are drawn from the RFC 5737 documentation networks (TEST-NET-1, -2 and -3), so a drill
# never accuses a real host: one of these networks and a host number in it, from the seeded generator.
# Why not Faker's `ipv4()`: docs/decisions/0005-faker-providers-for-the-cast.md
_TEST_NETS = ("192.0.2", "198.51.100", "203.0.113")
# Email addresses are at `<company>.example`: `.example` is reserved by RFC 2606, so none is a real mailbox.
_EMAIL_DOMAIN = "example"
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


class Fake(NamedTuple):
    """The providers of one seeded Faker generator the cast draws from, typed (the generator itself gets
    their methods only at run time)."""

    person: PersonProvider  # en_US first and last names
    company: CompanyProvider  # en_US company names, made of the person provider's last names
    user_agent: UserAgentProvider  # browser user agent strings


@cache
def _providers() -> Fake:
    """The generator, built once per process: adding its providers costs more than a whole cast's draws."""
    from faker import Generator
    from faker.providers.company.en_US import Provider as CompanyProvider
    from faker.providers.person.en_US import Provider as PersonProvider
    from faker.providers.user_agent import Provider as UserAgentProvider

    generator = Generator()
    # A new generator draws from Faker's one module-wide `random.Random`; the first `seed_instance` gives it
    # one of its own, and later calls reseed that one.
    generator.seed_instance(0)
    providers = Fake(PersonProvider(generator), CompanyProvider(generator), UserAgentProvider(generator))
    for provider in providers:
        generator.add_provider(provider)
    return providers


def fake(seed: int) -> Fake:
    """A `faker.Generator` with only the providers the cast uses, reseeded with `seed`: what it draws next
    depends on `seed` alone. There is one per process, so draw under `FAKER_LOCK`. Faker is imported when a
    drill first names someone, not with the engine, so a drill that names nobody never loads it.

    Not `faker.Faker()`, and no internet provider; names are drawn uniformly (`__use_weighting__` is off).
    Why: docs/decisions/0005-faker-providers-for-the-cast.md
    """
    providers = _providers()
    providers.person.generator.seed_instance(seed)
    return providers


FAKER_LOCK = threading.Lock()


def incident_date(rng: random.Random) -> date:
    """A plausible, seeded date for the incident: the drill never reads the wall clock."""
    return date(2025, 1, 1) + timedelta(days=rng.randrange(365))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 24) -> str:
    s = _NOT_SLUG.sub("-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "incident"


def full_name(person: PersonProvider) -> str:
    return f"{person.first_name()} {person.last_name()}"


def email(name: str, company: str) -> str:
    """`Ann Lee` at `Mills, Ruiz and Cole` → `ann.lee@mills.example` (the domain from the company's first
    word, as Faker's `domain_word` makes it)."""
    return f"{slug(name, 64).replace('-', '.')}@{slug(company.split()[0], 63)}.{_EMAIL_DOMAIN}"


class Cast:
    """Names, companies and user agents come from Faker (`fake`), seeded from the drill's own random
    stream. The people are drawn when a name is first needed, and the rest (`extras`) after them, when a
    text first needs one of those."""

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
        self._extras: dict[str, str] | None = None
        self._taken = {trainee}  # every name and value handed out (`_fresh`)
        self._resume: tuple[Any, ...] = ()  # Faker's random state once the people are drawn
        self.slots = {c.id for c in playbook.contacts} | {slot for slot, _ in STANDARD_SLOTS}
        self._cheap = {
            "incident_id": self.incident_id,
            "channel": self.channel,
            "trainee": trainee,
            "date": self.date.isoformat(),
        }

    def _build(self) -> dict[str, Person]:
        with FAKER_LOCK:
            person = fake(self._faker_seed).person
            people = self._draw_people(person)
            # The extras are drawn next from this very state, if and when a text needs one (`_build_extras`).
            self._resume = person.generator.random.getstate()
        return people

    def _fresh(self, draw: Callable[[], str]) -> str:
        """A value nobody in this drill has yet: no two people share a name, nobody has the trainee's, and
        the customers' companies and the attackers' addresses differ."""
        value = draw()
        while value in self._taken:
            value = draw()
        self._taken.add(value)
        return value

    def _draw_people(self, person: PersonProvider) -> dict[str, Person]:
        people: dict[str, Person] = {}
        name = partial(full_name, person)
        for contact in self.playbook.contacts:
            people[contact.id] = Person(contact.id, self._fresh(name), contact.title, contact.team)
        for slot, title in STANDARD_SLOTS:
            if slot not in people:
                people[slot] = Person(slot, self._fresh(name), title)
        return people

    def _build_extras(self) -> dict[str, str]:
        """Companies, addresses, user agents and the on-call name, drawn after the people as if in one go:
        Faker's generator is put back in the state the people left it in, so when they are drawn (or
        whether any other cast drew in between) changes nothing. Most drills never need them."""
        people = self.people
        with FAKER_LOCK:
            providers = _providers()
            providers.person.generator.random.setstate(self._resume)
            extras = self._draw_extras(people, *providers)
        self._resume = ()
        return extras

    def _draw_extras(
        self,
        people: dict[str, Person],
        person: PersonProvider,
        company: CompanyProvider,
        user_agent: UserAgentProvider,
    ) -> dict[str, str]:
        extras: dict[str, str] = {}

        def attacker_ip() -> str:
            return f"{person.random_element(_TEST_NETS)}.{person.random_int(1, 254)}"

        for n in ("", "2", "3"):
            firm = self._fresh(company.company)
            extras[f"customer{n}_company"] = firm
            extras[f"customer{n}_email"] = email(people[f"customer{n}"].name, firm)
            extras[f"attacker_ip{n}"] = self._fresh(attacker_ip)
            extras[f"attacker_user_agent{n}"] = user_agent.chrome()
        chain = self.playbook.escalation.chain
        if chain and chain[0].contact in people:
            extras["oncall"] = people[chain[0].contact].name
        else:
            extras["oncall"] = self._fresh(partial(full_name, person))
        return extras

    @property
    def people(self) -> dict[str, Person]:
        if self._people is None:
            self._people = self._build()
        return self._people

    @property
    def extras(self) -> dict[str, str]:
        """The placeholders that are not people: `{customer_company}`, `{attacker_ip}`, `{oncall}`…"""
        if self._extras is None:
            self._extras = self._build_extras()
        return self._extras

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
        out.update(self.extras)
        out.update(self._cheap)
        return out

    def fill(self, text: str) -> str:
        if "{" not in text:
            return text
        keys = {m.group(1) for m in _PLACEHOLDER.finditer(text)}
        values = self._cheap if keys <= self._cheap.keys() else self.values()
        return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
