"""What trainees write is read: each kind of message against its checklist (the playbook's and the
scenario's), template blanks failing a message, and the text quoted next to the criterion."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scoring.grade import ScoreCard, grade
from sim.format.messages import Checklists
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tests.scoring.builder import IDEAL, Step, build, load_playbook, load_scenario

INTERNAL = {
    "internal_update": [
        {"id": "impact", "ask": "who is affected", "any": ["customer*", "user*", "{percent}"]},
        {"id": "next", "ask": "when the next update comes", "any": ["next update", "{time}"]},
    ]
}


def playbook_with(lists: dict[str, Any]) -> Playbook:
    return load_playbook().model_copy(update={"checklists": Checklists.model_validate(lists)})


def scenario_with(lists: dict[str, Any]) -> Scenario:
    return load_scenario().model_copy(update={"checklists": Checklists.model_validate(lists)})


def texts(*updates: str) -> tuple[Step, ...]:
    """The ideal response with its internal updates saying these, in turn."""
    said = iter(updates)
    return tuple(replace(s, params={"text": next(said)}) if s.do == "post_update" else s for s in IDEAL)


def card(steps: tuple[Step, ...], sc: Scenario | None = None, pb: Playbook | None = None) -> ScoreCard:
    sc, pb = sc or load_scenario(), pb or load_playbook()
    return grade(build(steps, sc), sc, pb)


GOOD = "Checkout errors for 12% of customers; rolling back. Next update at 14:30 UTC."
ALSO_GOOD = "Users can log in again; monitoring. Next update in 30 minutes."


def test_messages_that_say_everything_pass_and_are_quoted() -> None:
    crit = card(texts(GOOD, ALSO_GOOD), pb=playbook_with(INTERNAL)).criterion("comms.message.internal_update")
    assert crit.result == "pass" and crit.points == 5
    assert crit.title == "Internal updates say what they must"
    assert f"“{GOOD}”" in crit.explanation
    assert "the checklist asks for: who is affected; when the next update comes" in crit.explanation
    assert crit.rule == "playbook drillbook: checklists.internal_update"
    # Every message is quoted in full in the evidence (the JSON report's).
    assert [e.what for e in crit.evidence] == [f"internal update: “{GOOD}”", f"internal update: “{ALSO_GOOD}”"]


def test_a_message_that_leaves_an_item_out_earns_its_share() -> None:
    crit = card(texts(GOOD, "Fixed, monitoring."), pb=playbook_with(INTERNAL)).criterion(
        "comms.message.internal_update"
    )
    # One message full, one with nothing of two items: half the points, rounded.
    assert crit.result == "partial" and crit.points == 2
    assert "1 of 2 internal updates fell short" in crit.explanation
    assert "“Fixed, monitoring.” left out: who is affected, when the next update comes" in crit.explanation


def test_the_template_sent_as_is_earns_nothing() -> None:
    template = "Status: [STATUS]. Impact: {impact}. Next update: {next}."
    crit = card(texts(template, template), pb=playbook_with(INTERNAL)).criterion("comms.message.internal_update")
    assert crit.result == "fail" and crit.points == 0
    assert "still has the template's blanks [STATUS], {impact}, {next}" in crit.explanation


def test_a_bracketed_service_name_is_a_blank_even_without_a_checklist() -> None:
    crit = card(texts("We are seeing issues with [service].", ALSO_GOOD)).criterion("comms.message.internal_update")
    assert crit.title == "Internal updates filled in" and crit.source == "warroom"
    assert crit.result == "partial" and "[service]" in crit.explanation


def test_without_a_checklist_or_any_text_there_is_nothing_to_read() -> None:
    silent = tuple(replace(s, params={}) if s.do == "post_update" else s for s in IDEAL)
    assert not any(c.id.startswith("comms.message.") for c in card(silent).criteria)


def test_a_checklist_with_no_message_sent_is_not_evaluated() -> None:
    pb = playbook_with({"customers": [{"id": "sorry", "ask": "an apology", "any": ["sorry", "apolog*"]}]})
    steps = tuple(s for s in IDEAL if s.do != "notify_customers")
    crit = card(steps, pb=pb).criterion("comms.message.customers")
    assert crit.result == "not_evaluated" and "no customer notice was sent" in crit.explanation


def test_a_message_without_text_fails_a_checklist() -> None:
    pb = playbook_with({"customers": [{"id": "sorry", "ask": "an apology", "any": ["sorry", "apolog*"]}]})
    crit = card(IDEAL, pb=pb).criterion("comms.message.customers")  # the ideal notifies customers without text
    assert crit.result == "fail" and "had no text" in crit.explanation


def test_a_scenario_adds_to_the_playbook_and_replaces_an_item_by_id() -> None:
    sc = scenario_with({"internal_update": [
        {"id": "next", "ask": "the next update's time", "any": ["{time}"]},
        {"id": "vendor", "ask": "the vendor's name", "any": ["stripe"]},
    ]})  # fmt: skip
    crit = card(texts(GOOD, GOOD), sc=sc, pb=playbook_with(INTERNAL)).criterion("comms.message.internal_update")
    assert "who is affected; the next update's time; the vendor's name" in crit.explanation
    assert crit.rule == "scenario pool-leak: checklists.internal_update" and crit.source == "scenario"
    assert crit.points == 3  # two of three items in each message


def test_simulated_trainees_write_to_the_checklist_and_no_text_without_one() -> None:
    from sim.engine.drill import Drill
    from sim.format.library import Library
    from sim.journal.events import CommsSent
    from sim.training.bots import play

    opened = Library().open("tutorial")
    lists = Checklists.model_validate(INTERNAL)
    sc = opened.scenario.model_copy(update={"checklists": lists})
    from dataclasses import replace

    from sim.training.bots import PROFILES

    # An expert who never forgets an item, so what is asserted does not hang on the seed's draws.
    careful = replace(PROFILES["expert"], forget_comms=0.0)
    expert = play(Drill(sc, opened.playbook), careful, 1)
    said = [e.text for e in expert.events if isinstance(e, CommsSent) and e.channel == "internal"]
    assert said and all(t == "customer; next update" for t in said)
    assert grade(expert.record, sc, opened.playbook).criterion("comms.message.internal_update").result == "pass"
    plain = play(Drill(opened.scenario, opened.playbook), "expert", 1)
    assert all(e.text == "" for e in plain.events if isinstance(e, CommsSent))
