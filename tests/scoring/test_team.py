"""The team debrief: the team's card is the solo grade, and the criteria fall to the roles that answer for them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scoring.grade import grade, letter_for
from scoring.rubric import CATEGORIES, DUTY_BY_CATEGORY, Criterion, duty_of, role_duty
from scoring.team import NO_GRADE, PersonResult, TeamCard, doings, messages_of, team_card
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.loading import load_playbook
from sim.journal.events import RoleAssigned
from tests.scoring.builder import IDEAL, Step, build, load_scenario, step
from tests.scoring.builder import load_playbook as load_test_playbook
from tests.scoring.team_drills import CHAT, TEAM, Say, play_team
from tests.scoring.test_engine_scoring import play
from tests.scoring.test_grade import NEGLIGENT


def card_of(drill: Drill) -> TeamCard:
    tc = team_card(drill.record, drill.scenario, drill.playbook)
    assert tc is not None
    return tc


def person(tc: TeamCard, name: str) -> PersonResult:
    return next(p for p in tc.people if p.name == name)


def ids(p: PersonResult) -> set[str]:
    return {c.id for c in p.criteria}


def as_(steps: tuple[Step, ...], actor: str, role: str | None, *dos: str) -> tuple[Step, ...]:
    """The steps doing any of `dos` (all when none are named) taken by `actor` acting as `role`."""
    return tuple(replace(s, actor=actor, role=role) if not dos or s.do in dos else s for s in steps)


@pytest.fixture(scope="module")
def team() -> TeamCard:
    return card_of(play_team())


@pytest.fixture(scope="module")
def team_chat() -> TeamCard:
    return card_of(play_team(said=CHAT))


def test_the_teams_card_is_the_solo_grade(team: TeamCard) -> None:
    drill = play_team()
    assert team.card == grade(drill.record, drill.scenario, drill.playbook)


def test_one_person_acting_is_no_team() -> None:
    drill = play(NEGLIGENT)
    assert team_card(drill.record, drill.scenario, drill.playbook) is None


def test_each_criterion_falls_to_the_role_that_answers_for_it(team: TeamCard) -> None:
    sam, erin, tom = (person(team, n) for n in ("sam", "erin", "tom"))
    assert [p.name for p in team.people] == ["sam", "erin", "tom"]  # the playbook's role order: ic, comms, tech
    assert (sam.role, erin.role, tom.role) == ("ic", "comms", "tech")
    assert {"classify.severity", "detect.acknowledge", "role.ic", "escalate.dba", "close.pir"} <= ids(sam)
    assert "mitigate.resolution" in ids(sam)  # resolving is the commander's call
    assert {c for c in ids(erin)} == {c.id for c in team.card.criteria if c.category == "communication"}
    assert {"mitigate.fix", "mitigate.diagnosis", "mitigate.harmful", "mitigate.time"} <= ids(tom)
    assert "close.verified" in ids(sam)  # judged on the resolve, the commander's call
    # Each criterion falls to exactly one of three people who each held one role.
    for c in team.card.criteria:
        assert sum(c in p.criteria for p in team.people) == 1, c.id


def test_a_persons_score_is_their_criteria_points_over_their_maximum(team: TeamCard) -> None:
    for p in team.people:
        evaluated = [c for c in p.criteria if c.evaluated]
        assert p.points == sum(c.points for c in evaluated)
        assert p.max_points == sum(c.max_points for c in evaluated)
        assert p.score == max(0.0, round(100.0 * p.points / p.max_points, 1))
        assert p.grade == letter_for(p.score)
    tom = person(team, "tom")
    assert tom.score < 100.0 and tom.grade == "A"  # the fix landed past warroom's speed allowance


def test_what_each_did_and_wrote(team: TeamCard) -> None:
    drill = play_team()
    tom, erin = person(team, "tom"), person(team, "erin")
    assert [text for _, text in doings(tom, drill.scenario)] == [
        "Investigate (logs)",
        "Snapshot connection state",
        "Kill idle connections",
    ]
    assert all(e.actor == "tom" for e in tom.actions)  # type: ignore[union-attr]
    assert [t for t, _ in doings(tom, drill.scenario)] == sorted(t for t, _ in doings(tom, drill.scenario))
    said = messages_of(erin)
    assert ("internal update", "Investigating API errors.") in [(w, text) for _, w, text in said]
    assert not person(team, "sam").messages and not tom.messages


def test_one_person_doing_everything_in_a_team_drill() -> None:
    """sam acts in every role himself; pat looks at a dashboard in no role. sam answers for every criterion."""
    steps = as_(IDEAL, "sam", "ic")
    steps = as_(steps, "sam", "comms", "post_update", "status_page", "brief_executives", "notify_customers")
    steps = tuple(replace(s, params={**s.params, "who": "sam"}) if s.do == "assign_role" else s for s in steps)
    steps = (*steps, step(1000, "investigate", actor="pat", as_=None, target="dashboards"))
    steps = tuple(sorted(steps, key=lambda s: s.at))
    drill = play(steps)
    tc = card_of(drill)
    sam, pat = person(tc, "sam"), person(tc, "pat")
    assert sam.roles == ("ic", "comms")
    assert sam.criteria == tc.card.criteria  # nobody else held a role: every criterion is his
    assert (sam.score, sam.grade) == (tc.card.score, tc.card.letter)
    assert pat.role is None and pat.criteria == () and pat.grade == NO_GRADE and not pat.graded
    assert [text for _, text in doings(pat, drill.scenario)] == ["Investigate (dashboards)"]


def test_a_person_who_did_nothing_answers_for_their_role() -> None:
    """erin is made comms lead and never sends a word: the comms criteria are hers, and they fail."""
    steps = tuple(s for s in TEAM if s.actor != "erin")
    tc = card_of(play_team(steps))
    erin = person(tc, "erin")
    assert erin.actions == () and erin.messages == ()
    assert erin.role == "comms"
    assert all(c.category == "communication" for c in erin.criteria) and erin.criteria
    assert erin.score < 20 and erin.grade == "F"
    assert person(tc, "sam").score > 90  # the commander's own duties were done


def test_two_people_in_one_role_share_its_criteria() -> None:
    """tom and tia both act as tech lead: both answer for the mitigation, with the same score."""
    steps = tuple(replace(s, actor="tia") if s.do == "snapshot" else s for s in TEAM)
    tc = card_of(play_team(steps))
    tom, tia = person(tc, "tom"), person(tc, "tia")
    assert tom.roles == tia.roles == ("tech",)
    assert tom.criteria == tia.criteria and "mitigate.fix" in ids(tia)
    assert tom.score == tia.score
    assert [text for _, text in doings(tia, play_team(steps).scenario)] == ["Snapshot connection state"]


def test_actions_with_no_role() -> None:
    """pat holds no role and applies the fix: pat answers for what their own actions are evidence for, and the
    role that owns the fix (nobody is tech lead here, so the commander) answers for it too."""
    steps = tuple(s for s in TEAM if not (s.do == "assign_role" and s.params["role"] == "tech"))
    steps = as_(steps, "pat", None, *("investigate", "snapshot", "kill_idle"))
    tc = card_of(play_team(steps))
    pat, sam = person(tc, "pat"), person(tc, "sam")
    assert pat.role is None and pat.roles == ()
    assert pat.criteria and all("pat" in c.actors for c in pat.criteria)
    assert "mitigate.fix" in ids(pat) and "mitigate.fix" in ids(sam)
    assert [p.name for p in tc.people][-1] == "pat"  # people without a role come last


def test_with_nobody_in_command_the_orphaned_criteria_fall_to_everyone() -> None:
    steps = tuple(s for s in TEAM if s.do != "assign_role")
    steps = as_(steps, "erin", "comms", "acknowledge", "declare", "page", "schedule_pir", "resolve")
    tc = card_of(play_team(steps))
    erin, tom = person(tc, "erin"), person(tc, "tom")
    assert "classify.severity" in ids(erin) and "classify.severity" in ids(tom)
    assert "mitigate.fix" in ids(tom) and "mitigate.fix" not in ids(erin)
    assert "comms.customers" in ids(erin) and "comms.customers" not in ids(tom)


def test_the_facilitator_is_not_a_person() -> None:
    steps = (*TEAM, step(600, "investigate", actor="facilitator", as_=None, target="deploys"))
    drill = play_team(tuple(sorted(steps, key=lambda s: s.at)))
    assert any(getattr(e, "actor", "") == "facilitator" for e in drill.record.events)
    tc = card_of(drill)
    assert [p.name for p in tc.people] == ["sam", "erin", "tom"]


def test_channel_messages_are_kept_and_make_a_writer_a_participant() -> None:
    """sam does everything; erin only writes in the channel, as comms: she is a person of the team."""
    steps = as_(TEAM, "sam", "ic")
    alone = play_team(steps)
    assert team_card(alone.record, alone.scenario, alone.playbook) is None  # sam alone acted
    steps = tuple(s for s in steps if not (s.do == "assign_role" and s.params["who"] != "sam"))
    tc = card_of(play_team(steps, (Say(200.0, "erin", "comms", "I'll take comms."),)))
    erin = person(tc, "erin")
    assert erin.role == "comms" and erin.actions == ()
    assert messages_of(erin) == ((200.0, "incident channel", "I'll take comms."),)
    assert erin.criteria and all(c.category == "communication" for c in erin.criteria)


def test_messages_in_time_order_with_comms(team_chat: TeamCard) -> None:
    erin = person(team_chat, "erin")
    said = messages_of(erin)
    assert [t for t, _, _ in said] == sorted(t for t, _, _ in said)
    assert ("incident channel", "Customers told; next update in 15 minutes.") in [(w, x) for _, w, x in said]
    assert [x for _, w, x in messages_of(person(team_chat, "tom"))] == [CHAT[1].text]


def test_every_category_has_a_duty_and_seed_roles_have_one() -> None:
    assert set(DUTY_BY_CATEGORY) == {cat for cat, _ in CATEGORIES}
    c = Criterion("close.verified", "closure", "t", 10, 10, "pass", "x")
    assert duty_of(c) == "command" and duty_of(replace(c, id="mitigate.resolution")) == "command"
    assert duty_of(replace(c, id="mitigate.time", category="mitigation")) == "tech"
    from scenarios import PLAYBOOKS

    for path in sorted(PLAYBOOKS.glob("*.yaml")):
        for role in load_playbook(path).roles:
            assert role_duty(role.id, role.name) in ("command", "comms", "tech"), (path.name, role.id)
    assert role_duty("scribe", "Scribe") is None


def test_a_name_handed_a_role_a_player_holds_is_not_one_of_the_team() -> None:
    """sam also hands the tech lead role to "secondary on-call" (a name from the cast, as scripts do) while tom
    acts as tech lead: the cast name gets no section and takes no criteria from tom."""
    extra = step(310, "assign_role", actor="sam", as_="ic", role="tech", who="secondary on-call")
    drill = play_team(tuple(sorted((*TEAM, extra), key=lambda s: s.at)))
    assert ("tech", "secondary on-call") in [(e.role, e.who) for e in drill.record.of(RoleAssigned)]
    tc = card_of(drill)
    assert [p.name for p in tc.people] == ["sam", "erin", "tom"]
    assert "mitigate.fix" in ids(person(tc, "tom"))


def test_a_loose_drill_shows_who_stepped_outside_their_role() -> None:
    """Played loose (the host let anyone do anything), each action is journaled in its taker's role: the debrief
    says which ones that role may not take, by the playbook's role permissions (mindweave: the defaults)."""
    sc, pb, spath, ppath = Library().open("db-pool-exhaustion")
    drill = Drill(sc, pb, sc.seed, trainee="Sam", scenario_path=spath, playbook_path=ppath)
    drill.advance_to(260)
    drill.act("acknowledge", actor="Sam", role="incident-commander")
    drill.act("status_page", actor="Sam", role="incident-commander", state="investigating", text="Looking.")
    drill.act("investigate", actor="Ana", role="comms-lead", target="logs")
    drill.advance(600)
    drill.close()
    tc = card_of(drill)
    sam, ana = [text for _, text in person(tc, "Sam").did], [text for _, text in person(tc, "Ana").did]
    assert sam == [
        "Acknowledge the page",
        "Update the status page (investigating) — outside the Incident Commander (IC)'s role",
    ]
    assert ana == ["Investigate (logs) — outside the Communications Lead's role"]


def test_a_role_no_duty_names_is_judged_on_its_own_actions() -> None:
    """pat acts as "scribe", a role the duty table does not know: pat answers for what pat's actions met. (Built
    event by event: the engine would refuse a role its playbook lacks.)"""
    scenario, playbook = load_scenario(), load_test_playbook()
    record = build(as_(TEAM, "pat", "scribe", "snapshot"), scenario)
    record = record._replace(header=record.header._replace(trainee="sam"))
    tc = team_card(record, scenario, playbook)
    assert tc is not None
    pat = person(tc, "pat")
    assert pat.roles == ("scribe",) and role_duty("scribe", "Scribe") is None
    assert pat.criteria and all("pat" in c.actors for c in pat.criteria)
    assert "expect.snapshot_first" in ids(pat) and "expect.snapshot_first" in ids(person(tc, "tom"))
