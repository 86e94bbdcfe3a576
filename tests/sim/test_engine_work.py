"""How much work a drill does, counted rather than timed (E1 in docs/performance.md is the timing): the facts
tracker looks detection up only until it is found, the cast draws its extras only when a text needs one,
shown text is scanned once, and each metric keeps one SimPy event for all its samples."""

from __future__ import annotations

import dataclasses
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from faker.providers.company import Provider as CompanyProvider
from faker.providers.user_agent import Provider as UserAgentProvider

import sim.format.text
import sim.journal.facts
from scenarios import LIBRARY
from sim.engine.cast import Cast
from sim.engine.drill import Drill
from sim.engine.metrics import _Tick
from sim.format.text import _CONTROL, printable
from sim.journal.events import Alert, Inject, TimerMet, TimerStarted
from sim.journal.facts import FactTracker, is_detection, is_signal, read_facts
from sim.training.runner import run_script
from tests.scenarios import test_library_scripts as library
from tests.scenarios.test_library_scripts import IDS, played
from tests.sim.engine_fixtures import playbook, scenario

# Placeholders the cast's extras fill (`Cast.extras`): a text with none of them needs only the people.
EXTRAS = re.compile(r"\{(customer[23]?_(company|email)|attacker_(ip|user_agent)[23]?|oncall)\}")


@cache
def ideal_drill() -> Drill:
    return played("replication-lag-disk", "ideal")


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> Counter[str]:
    """Count the calls of `owner.name` (a function or method) from now on; it still does what it did."""
    calls: Counter[str] = Counter()
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# -- the facts tracker ------------------------------------------------------------------------------


def test_detection_and_the_first_signal_are_looked_for_only_in_alerts_and_injects_until_found(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = ideal_drill().record.events
    expected = read_facts(ideal_drill().record)
    detections = counting(monkeypatch, sim.journal.facts, "is_detection")
    signals = counting(monkeypatch, sim.journal.facts, "is_signal")
    tracker = FactTracker()
    for e in events:
        tracker.feed(e)
    assert tracker.facts() == expected
    looked_at = [e for e in events if isinstance(e, Alert | Inject)]
    assert len(looked_at) < len(events) // 3  # most events are neither: actions, timers, statuses…
    assert detections["is_detection"] == next(i for i, e in enumerate(looked_at, 1) if is_detection(e))
    assert signals["is_signal"] == next(i for i, e in enumerate(looked_at, 1) if is_signal(e))


def test_a_timer_event_tells_the_tracker_only_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timers are the commonest kind after actions and alerts, and no fact is made of them."""
    detections = counting(monkeypatch, sim.journal.facts, "is_detection")
    tracker, fresh = FactTracker(), FactTracker()
    tracker.feed(TimerStarted(t=5.0, timer="sla.acknowledge", label="Acknowledge", deadline=300.0, category="sla"))
    tracker.feed(TimerMet(t=9.0, timer="sla.acknowledge", label="Acknowledge", deadline=300.0, late=False))
    assert tracker.facts() == dataclasses.replace(fresh.facts(), end=9.0)
    assert detections["is_detection"] == 0


def test_the_engine_snapshots_its_facts_only_when_a_trigger_is_left_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Playbook triggers read a snapshot of the facts (`FactTracker.facts`, a few tens of microseconds) after
    each action, but only while an automatic trigger has yet to fire or a trainee's trigger clock runs."""
    snapshots = counting(monkeypatch, FactTracker, "facts")
    play_afresh("migration-lock")  # its playbook's triggers are all the trainee's, and none comes to hold
    assert snapshots["facts"] == 0
    play_afresh("memory-leak")  # four automatic triggers, checked until they fire
    assert snapshots["facts"] > 0


def play_afresh(sid: str) -> Drill:
    """The scenario's ideal script, played now (`played` keeps the drills other tests played before)."""
    sc = library.scenario(sid)
    return run_script(sc, library.playbooks()[sc.playbook], library.script(sid, "ideal"), seed=sc.seed)


# -- the cast ---------------------------------------------------------------------------------------


def cast(seed: int) -> Cast:
    return Cast(scenario(), playbook(), random.Random(seed), "Alex")


def test_naming_people_draws_no_company_and_no_user_agent(monkeypatch: pytest.MonkeyPatch) -> None:
    companies = counting(monkeypatch, CompanyProvider, "company")
    agents = counting(monkeypatch, UserAgentProvider, "chrome")
    c = cast(4)
    assert c.person("cto") is not None
    assert c.fill("{incident_id} in {channel}").startswith("INC-")
    assert companies["company"] == agents["chrome"] == 0
    assert c.fill("{attacker_user_agent2}").startswith("Mozilla/5.0 ")
    assert companies["company"] >= 3 and agents["chrome"] == 3  # all of them, once
    c.values()
    assert agents["chrome"] == 3


@pytest.mark.parametrize("seed", range(30))
def test_the_extras_are_the_same_whenever_they_are_drawn(seed: int) -> None:
    eager = cast(seed).values()
    late = cast(seed)
    assert late.people  # names first, then other casts use Faker's one generator in between
    cast(seed + 1000).values()
    assert Cast(scenario(), playbook(), random.Random(seed), "Someone else").people
    assert late.values() == eager


@pytest.mark.parametrize("sid", [sid for sid in IDS if not EXTRAS.search((LIBRARY / f"{sid}.yaml").read_text())])
def test_a_drill_whose_texts_ask_for_no_extra_never_draws_them(sid: str) -> None:
    """Among them the heaviest bundled scenario, which `make bench` plays for E1 (migration-lock)."""
    drill = played(sid, "ideal")
    assert drill.cast._people is not None  # it names people (pages, escalations)…
    assert drill.cast._extras is None  # …but no text of its asks for a company, an address or a browser


# -- shown text -------------------------------------------------------------------------------------


def test_every_character_written_out_is_one_str_isprintable_refuses() -> None:
    """`printable` returns text that `str.isprintable` accepts without scanning it for controls: sound only
    while every character it writes out (all of Unicode is tried) is one that `isprintable` refuses."""
    written_out = [c for c in map(chr, range(sys.maxunicode + 1)) if _CONTROL.match(c)]
    assert len(written_out) == 65  # C0 but tab and newline, DEL, C1, and the line and paragraph separators
    assert not [c for c in written_out if c.isprintable()]
    assert all(printable(c) != c for c in written_out)


def test_printable_text_is_not_scanned_again(monkeypatch: pytest.MonkeyPatch) -> None:
    class Refuse:
        def sub(self, *args: object) -> str:
            raise AssertionError("scanned printable text")

    monkeypatch.setattr(sim.format.text, "_CONTROL", Refuse())
    assert printable("Disk 91% full on db-primary — Ünïcode is fine") == "Disk 91% full on db-primary — Ünïcode is fine"


# -- the samplers -----------------------------------------------------------------------------------


def test_each_metric_keeps_one_simpy_event_for_all_its_samples() -> None:
    drill = Drill(scenario(), playbook(), 3)
    ticks = {id(e) for *_, e in drill.env._queue if isinstance(e, _Tick)}
    drill.advance_to(1800)
    assert sum(len(m.values) for m in drill.metrics.values()) > 10 * len(drill.metrics)
    assert {id(e) for *_, e in drill.env._queue if isinstance(e, _Tick)} == ticks
    assert len(ticks) == len(drill.metrics)
