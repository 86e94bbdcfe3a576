"""Roles that mean something (the playbook's `may`, or the defaults by role id) and the incident channel (a
journaled input, bounded, sanitised, replayed on resume); bots that play the roles nobody took."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from sim.engine.actions import ActionRefused
from sim.format.library import Library
from sim.format.loading import check_source, read_source
from sim.format.playbook import Playbook
from sim.format.roles import may, refusal, roles_for
from sim.journal.events import CHANNEL_MAX, ActionRefusal, ActionStarted, ChannelMessage, from_json, to_json
from sim.rerun.resume import resume
from sim.team.client import TeamClient
from tests.team.helpers import hosted, new_drill, opened


def _mindweave() -> Playbook:
    return opened().playbook


def test_default_roles_divide_the_work_as_the_seeds_do() -> None:
    pb = _mindweave()
    assert may(pb, "incident-commander", "declare", scenario_action=False)
    assert not may(pb, "tech-lead", "declare", scenario_action=False)
    assert may(pb, "tech-lead", "terminate-idle", scenario_action=True)
    assert not may(pb, "comms-lead", "terminate-idle", scenario_action=True)
    assert may(pb, "comms-lead", "status_page", scenario_action=False)
    assert not may(pb, "incident-commander", "status_page", scenario_action=False)
    assert roles_for(pb, "acknowledge", scenario_action=False) == ["incident-commander", "tech-lead"]
    assert not may(pb, "no-such-role", "acknowledge", scenario_action=False)


def test_a_refusal_names_the_role_and_who_holds_it() -> None:
    pb = _mindweave()
    holders = {"incident-commander": "Sam", "tech-lead": "Ana"}

    def why(role: str | None, action: str, scenario_action: bool = False) -> str | None:
        return refusal(pb, role, action, scenario_action=scenario_action, label="Terminate idle", holders=holders)

    assert why("tech-lead", "declare") == "declaring severity is the incident commander's call: Sam holds it"
    assert why("tech-lead", "status_page") == "updating the status page is the comms lead's call: nobody holds it yet"
    assert why("comms-lead", "acknowledge") == (
        "acknowledging the page is the incident commander's or the tech lead's call: Sam is incident commander, "
        "Ana is tech lead"
    )
    assert why("comms-lead", "terminate-idle", True) == "Terminate idle is the tech lead's call: Ana holds it"
    assert (
        why(None, "declare") == "take a role first: declaring severity is the incident commander's call: Sam holds it"
    )
    assert why("facilitator", "declare") == "the facilitator runs the drill and takes no actions; players do"
    assert why("incident-commander", "declare") is None


def _playbook_with(roles_yaml: str) -> Playbook:
    pb_file = Library().playbook_file("mindweave")
    assert pb_file is not None
    text = pb_file.read_text()
    start = text.index("\nroles:")
    end = text.index("\n", text.index("\n", start + 1) + 1)
    while text[end + 1 : end + 3] in ("  ", "- "):
        end = text.index("\n", end + 1)
    src = read_source(Path("mindweave.yaml"), text[:start] + "\n" + roles_yaml + text[end:])
    model = check_source(src, "playbook").unwrap()  # type: ignore[arg-type]
    assert isinstance(model, Playbook)
    return model


def test_a_playbook_says_what_its_roles_may_do() -> None:
    pb = _playbook_with(
        "roles:\n"
        "  - {id: incident-commander, name: IC, may: ['*']}\n"
        "  - {id: scribe, name: Scribe, may: [communicate, schedule_pir]}\n"
        "  - {id: fixer, name: Fixer, may: [scenario, investigate]}\n"
        "  - {id: tech-lead, name: Tech lead}\n"
        "  - {id: comms-lead, name: Comms lead}\n"
    )
    assert may(pb, "incident-commander", "anything-at-all", scenario_action=True)
    assert may(pb, "scribe", "brief_support", scenario_action=False)
    assert may(pb, "scribe", "schedule_pir", scenario_action=False)
    assert not may(pb, "scribe", "resolve", scenario_action=False)
    assert may(pb, "fixer", "terminate-idle", scenario_action=True)
    assert not may(pb, "fixer", "page", scenario_action=False)
    assert may(pb, "tech-lead", "investigate", scenario_action=False)  # empty `may`: the defaults for its id


def test_a_bad_may_entry_is_a_load_error() -> None:
    with pytest.raises(Exception, match="may"):
        _playbook_with(
            "roles:\n  - {id: tech-lead, name: T, may: ['not an id']}\n  - {id: comms-lead, name: C}\n"
            "  - {id: incident-commander, name: IC}\n"
        )


def test_channel_messages_are_bounded_sanitised_and_journaled(tmp_path: Path) -> None:
    drill = new_drill(opened(), journal=tmp_path / "j.jsonl")
    drill.advance_to(100)
    said = drill.say("  restarting \x1b[2Jthe pool  ", actor="Ana\x07", role="tech-lead")
    assert said == ChannelMessage(100.0, "Ana\\x07", "tech-lead", "restarting \\x1b[2Jthe pool")
    long = drill.say("x" * (CHANNEL_MAX + 500), actor="Kim", role=None)
    assert len(long.text) == CHANNEL_MAX
    with pytest.raises(ValueError):
        drill.say("   ", actor="Kim")
    assert from_json(to_json(said)) == said
    drill.end()
    with pytest.raises(ActionRefused):
        drill.say("too late", actor="Kim")
    drill.close()


def test_resume_replays_channel_messages_and_role_refusals(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    drill = new_drill(opened(), journal=journal)
    drill.advance_to(290)
    drill.say("I have the pager", actor="Sam", role="incident-commander")
    with contextlib.suppress(ActionRefused):  # what a host in strict mode does for an action outside a role
        drill.refuse("declare", {"severity": "SEV-2"}, "declaring severity is the incident commander's call",
                     actor="Ana", role="tech-lead")  # fmt: skip
    drill.act_with("declare", {"severity": "SEV-2"}, actor="Sam", role="incident-commander")
    drill.advance_to(400)
    events = [to_json(e) for e in drill.events]
    drill.close()
    again = resume(journal)
    assert [to_json(e) for e in again.events] == events
    assert again.severity == "SEV-2"
    kinds = [e.kind for e in again.events]
    assert "channel.message" in kinds and "action.refused" in kinds
    again.close()


async def test_bots_play_the_roles_nobody_took_and_only_theirs() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=1, speed=3000, bots="expert") as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam", role="incident-commander")
        assert await sam.wait_for(lambda c: c.finished, 120)
        bots = {p.name: p.role for p in sam.lobby.players if p.bot}
        assert bots == {"bot-tech-lead": "tech-lead", "bot-comms-lead": "comms-lead"}
        await sam.close()
    pb = drill.playbook
    taken = [e for e in drill.events if isinstance(e, ActionStarted) and e.actor in bots]
    assert {e.actor for e in taken} == set(bots)  # both played
    for e in taken:
        assert e.role is not None and e.role == bots[e.actor]
        assert may(pb, e.role, e.action, scenario_action=e.action in drill.actions.scenario_actions)
    assert not [e for e in drill.events if isinstance(e, ActionRefusal) and e.actor in bots and "call" in e.reason]
    assert any(e.action in drill.scenario.truth.fixed_by for e in taken)  # the tech lead's bot fixed it
