"""The cast: Faker's names, companies and user agents, seeded from the drill, and the addresses made with them."""

from __future__ import annotations

import ipaddress
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import faker
import pytest
from faker.providers.company.en_US import Provider as CompanyProvider
from faker.providers.person.en_US import Provider as PersonProvider
from faker.providers.user_agent import Provider as UserAgentProvider

import scenarios
import sim.engine.cast
from sim.engine.cast import STANDARD_SLOTS, Cast, fake
from sim.engine.drill import Drill
from tests.sim.engine_fixtures import playbook, scenario

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTATION_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
SEEDS = range(200)


def cast(seed: int, trainee: str = "Alex") -> Cast:
    return Cast(scenario(), playbook(), random.Random(seed), trainee)


def names(c: Cast) -> list[str]:
    return [p.name for p in c.people.values()]


def test_the_same_seed_gives_the_same_cast() -> None:
    assert cast(5).values() == cast(5).values()


def test_the_cast_does_not_depend_on_the_process() -> None:
    """Another interpreter, with another hash seed, casts the same drill (nothing rides on set order or on
    state left in Faker's module-wide random)."""
    code = (
        "import json, random; from sim.engine.cast import Cast; "
        "from tests.sim.engine_fixtures import playbook, scenario;"
        "print(json.dumps(Cast(scenario(), playbook(), random.Random(5), 'Alex').values()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(out.stdout) == cast(5).values()


def test_the_cast_is_faker_40_63s() -> None:
    """Journals replay only on the data they were recorded with: a Faker release that changes these breaks
    resuming every journal recorded before it, and the golden reports and snapshots must be regenerated."""
    values = cast(1).values()
    assert faker.VERSION == "40.63.0"
    assert {k: values[k] for k in ("cto", "customer", "customer_company", "customer_email", "attacker_ip")} == {
        "cto": "Vanessa Swanson",
        "customer": "Charlotte Lucero",
        "customer_company": "Munoz Group",
        "customer_email": "charlotte.lucero@munoz.example",
        "attacker_ip": "203.0.113.21",
    }
    assert values["attacker_user_agent"] == (
        "Mozilla/5.0 (Linux; Android 5.1) AppleWebKit/531.0 (KHTML, like Gecko) Chrome/49.0.838.0 Safari/531.0"
    )


def test_different_seeds_give_different_casts() -> None:
    casts = [cast(seed) for seed in range(20)]
    for slot in ("cto", "customer", "customer_company", "attacker_ip", "attacker_user_agent"):
        assert len({c.values()[slot] for c in casts}) > 15, slot


def test_every_slot_and_contact_is_named_and_every_placeholder_filled() -> None:
    c = cast(3)
    assert set(c.people) == {contact.id for contact in playbook().contacts} | {slot for slot, _ in STANDARD_SLOTS}
    text = "{cto} {customer2_email} {attacker_ip3} {attacker_user_agent2} {customer3_company} {oncall} {dba}"
    filled = c.fill(text)
    assert "{" not in filled
    assert filled.startswith(c.values()["cto"] + " ")
    assert c.fill("{nope} {cto.name} /audio/{id}") == "{nope} {cto.name} /audio/{id}"


@pytest.mark.parametrize("seed", SEEDS[:50])
def test_names_are_unique_within_a_drill_and_never_the_trainees(seed: int) -> None:
    first = cast(seed)
    taken = names(first)
    assert len(taken) == len(set(taken))
    assert "Alex" not in taken
    assert first.values()["oncall"] == first.people["oncall"].name  # the escalation chain's first contact
    # A trainee who happens to have the name the first contact would have been given: that contact gets another.
    clash = cast(seed, trainee=taken[0])
    assert taken[0] not in names(clash)
    assert len(set(names(clash))) == len(names(clash))


def test_names_stay_unique_when_faker_keeps_giving_the_same_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twenty possible names for a cast of twelve or more: draws repeat, and the cast draws again."""
    monkeypatch.setattr(PersonProvider, "first_names", tuple(f"P{i}" for i in range(20)))
    monkeypatch.setattr(PersonProvider, "last_names", ("Lee",))
    for seed in range(20):
        c = cast(seed, trainee="P0 Lee")
        taken = [*names(c), c.values()["oncall"]]
        assert "P0 Lee" not in taken
        assert len(set(names(c))) == len(names(c)) >= 12


@pytest.mark.parametrize("seed", SEEDS)
def test_attacker_ips_are_three_documentation_addresses(seed: int) -> None:
    values = cast(seed).values()
    ips = [ipaddress.ip_address(values[f"attacker_ip{n}"]) for n in ("", "2", "3")]
    assert len(set(ips)) == 3
    for ip in ips:
        net = next(net for net in DOCUMENTATION_NETS if ip in net)  # StopIteration: a real host
        assert ip not in (net.network_address, net.broadcast_address)


def test_customers_have_addresses_at_their_company_under_a_reserved_domain() -> None:
    for seed in range(50):
        values = cast(seed).values()
        for n in ("", "2", "3"):
            first, last = values[f"customer{n}"].lower().split()
            local, domain = values[f"customer{n}_email"].split("@")
            assert local == f"{first}.{last}"
            assert re.fullmatch(r"[a-z0-9-]+\.example", domain), domain
            assert domain.removesuffix(".example") in values[f"customer{n}_company"].lower()


def test_the_generator_holds_only_the_providers_the_cast_uses() -> None:
    providers = fake(7)
    assert fake(8) is providers  # one per process, reseeded for each cast
    generator = providers.person.generator
    assert type(generator) is faker.Generator  # not the `Faker()` proxy
    assert [type(p) for p in generator.get_providers()] == [UserAgentProvider, CompanyProvider, PersonProvider]
    assert all(p.generator is generator for p in providers)
    assert not hasattr(generator, "address") and not hasattr(generator, "ipv4")


def test_casting_never_builds_a_faker_proxy_or_a_factory_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cast must build its own generator")

    monkeypatch.setattr(faker.Faker, "__init__", refuse)
    monkeypatch.setattr(faker.Factory, "create", refuse)
    sim.engine.cast._providers.cache_clear()  # the generator is built once per process: build it again, here
    assert cast(2).values()["cto"]


def test_the_generator_draws_from_its_own_random_not_fakers_shared_one() -> None:
    shared = faker.generator.random
    before = shared.getstate()
    a = cast(9).values()
    assert shared.getstate() == before
    shared.seed(0)  # anyone else using Faker in the process changes nothing
    assert fake(7).person.generator.random is not shared
    assert cast(9).values() == a


def test_the_drills_noise_is_the_same_whether_or_not_the_cast_was_built() -> None:
    named, unnamed = Drill(scenario(), playbook(), 11), Drill(scenario(), playbook(), 11)
    assert named.cast.values()["cto"]  # builds the names now, before any noise is drawn
    assert named.cast._people is not None and unnamed.cast._people is None
    assert named.rng.getstate() == unnamed.rng.getstate()
    named.advance_to(1800)
    unnamed.advance_to(1800)
    assert [named.series(m.id) for m in scenario().metrics] == [unnamed.series(m.id) for m in scenario().metrics]


def test_the_guide_and_this_module_document_every_placeholder() -> None:
    guide = (scenarios.ROOT / "README.md").read_text(encoding="utf-8")
    contacts = {contact.id for contact in playbook().contacts}
    for key in cast(1).values().keys() - contacts:
        assert f"`{{{key}}}`" in guide, key
        assert f"`{{{re.sub(r'[23]', '', key)}}}`" in (sim.engine.cast.__doc__ or ""), key
