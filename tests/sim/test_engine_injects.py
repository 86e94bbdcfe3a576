"""Injects: one test per trigger kind (at, metric condition, after an action, timer expired), asserting
the event times; plus delays, `unless`, fire-once, and the seeded cast filling the text."""

from __future__ import annotations

from typing import Any

from sim.engine.drill import Drill
from sim.journal.events import Inject, StatusChanged, TimerExpired, payload
from tests.sim.engine_fixtures import mini, of, playbook, scenario, times


def inject(id_: str, trigger: dict[str, Any], kind: str = "chat", text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"id": id_, "kind": kind, "text": text, "trigger": trigger, **extra}


def drill_with(*injects: dict[str, Any], **kw: Any) -> Drill:
    return Drill(mini(injects=list(injects), **kw), playbook())


def test_at_a_time_plus_delay() -> None:
    drill = drill_with(inject("a", {"at": "3m"}), inject("b", {"at": "3m", "delay": "30s"}))
    drill.advance_to(3600)
    assert times(drill.events, Inject, id="a") == [180.0]
    assert times(drill.events, Inject, id="b") == [210.0]


def test_equal_times_keep_the_written_order() -> None:
    drill = drill_with(inject("second", {"at": "2m"}), inject("first", {"at": "1m"}), inject("third", {"at": "2m"}))
    drill.advance_to(600)
    assert [e.id for e in of(drill.events, Inject)] == ["first", "second", "third"]


def test_on_a_metric_condition_held_for_a_duration() -> None:
    # The fault steps m to 25 at T+10m; the condition must hold a full minute.
    drill = drill_with(
        inject("above", {"metric": {"metric": "m", "above": 20, "for": "1m"}}),
        inject("now", {"metric": {"metric": "m", "above": 20}}),
        inject("below", {"metric": {"metric": "m", "below": 5}}),
    )
    drill.advance_to(3600)
    assert times(drill.events, Inject, id="now") == [600.0]
    assert times(drill.events, Inject, id="above") == [660.0]
    assert times(drill.events, Inject, id="below") == []


def test_a_metric_condition_that_breaks_off_starts_its_wait_again() -> None:
    # m spikes to 50 and decays below 20 after 225 s: a 5-minute hold never completes.
    drill = drill_with(
        inject("held", {"metric": {"metric": "m", "above": 20, "for": "5m"}}),
        effects=[{"metric": "m", "shape": "spike", "by": 40, "over": "5m"}],
    )
    drill.advance_to(3600)
    assert times(drill.events, Inject, id="held") == []


def test_after_an_action_when_it_finishes() -> None:
    drill = drill_with(inject("after", {"after_action": "open_channel", "delay": "10s"}))
    drill.advance_to(60)
    drill.act("open_channel")  # 30 s
    drill.advance_to(600)
    assert times(drill.events, Inject, id="after") == [100.0]


def test_when_a_timer_expires() -> None:
    # Paged at T+1m, declared SEV1 (acknowledge within 5 min of detection), never acknowledged.
    drill = drill_with(
        inject("page", {"at": "1m"}, kind="page"),
        inject("nag", {"timer_expired": "sla.acknowledge"}, kind="exec_ping", **{"from": "cto"}),
    )
    drill.advance_to(120)
    drill.act("declare", severity="SEV1")
    drill.advance_to(1200)
    assert times(drill.events, TimerExpired, timer="sla.acknowledge") == [360.0]
    assert times(drill.events, Inject, id="nag") == [360.0]


def test_each_inject_fires_once() -> None:
    # m crosses 20 twice; the inject fires on the first crossing only.
    drill = drill_with(
        inject("once", {"metric": {"metric": "m", "above": 20}}),
        faults=[
            {
                "id": "f",
                "label": "F",
                "start": "10m",
                "effects": [{"metric": "m", "shape": "spike", "by": 20, "over": "1m"}],
            },
            {
                "id": "g",
                "label": "G",
                "start": "30m",
                "effects": [{"metric": "m", "shape": "spike", "by": 20, "over": "1m"}],
            },
        ],
    )
    drill.advance_to(3600)
    assert times(drill.events, Inject, id="once") == [600.0]


def test_unless_skips_an_inject_the_trainee_made_unnecessary() -> None:
    nudge = inject("nudge", {"at": "20m"}, kind="hint", unless=["open_channel"])
    lazy = drill_with(nudge)
    lazy.advance_to(3600)
    keen = drill_with(nudge)
    keen.act("open_channel")
    keen.advance_to(3600)
    assert times(lazy.events, Inject, id="nudge") == [1200.0]
    assert times(keen.events, Inject, id="nudge") == []


def test_alert_and_page_injects_detect_the_incident() -> None:
    drill = drill_with(inject("p", {"at": "2m"}, kind="page"), start="1h")
    drill.advance_to(600)
    assert drill.detected_at == 120.0
    assert payload(of(drill.events, StatusChanged)[0]) == {"status": "detected", "previous": "quiet"}


def test_text_is_filled_from_the_seeded_cast_and_never_evaluated() -> None:
    drill = drill_with(
        inject("t", {"at": "1m"}, text="{incident_id} in {channel}: {cto} asks; [bold]x[/] {nope} {0.__class__}"),
        inject("s", {"at": "1m"}, **{"from": "cto"}),
        inject("lit", {"at": "1m"}, **{"from": "PagerDuty"}),
    )
    drill.advance_to(120)
    by_id = {e.id: payload(e) for e in of(drill.events, Inject)}
    cto = drill.cast.person("cto")
    assert cto is not None
    expected = f"{drill.cast.incident_id} in {drill.cast.channel}: {cto.name} asks; [bold]x[/] {{nope}} {{0.__class__}}"
    assert by_id["t"]["text"] == expected
    assert by_id["s"]["sender"] == cto.name
    assert by_id["s"]["sender_title"] == "CTO"
    assert by_id["lit"]["sender"] == "PagerDuty"
    assert drill.cast.incident_id.startswith("INC-2025-")
    assert drill.cast.channel.startswith("#inc-2025")


def test_the_fixture_scenario_fires_every_inject_kind() -> None:
    drill = Drill(scenario(), playbook())
    drill.advance_to(7200)
    kinds = {e.inject_kind for e in of(drill.events, Inject)}
    assert {"page", "log", "customer_report", "vendor_notice", "hint"} <= kinds
