"""The store on both engines: a drill stored once, a team drill's rows, answers put on later, the improvement
plan followed up, and the programme's trends computed by the database."""

from __future__ import annotations

import dataclasses
import sys
import types
from pathlib import Path

import pytest

from scoring.grade import ScoreCard, grade
from scoring.history import DrillRow, Filters, History, HistoryError, row_for, store, team_rows
from scoring.store import plan
from scoring.store.queries import programme
from scoring.trends import trends
from tests.scoring.store.conftest import PersonResult, Played, TeamCard, item
from tests.scoring.test_history import _row


def test_a_drill_round_trips_and_is_stored_once(db: Path | str) -> None:
    with History(db) as h:
        first = h.add(_row())
        assert h.add(_row(at="2027-01-01T00:00:00Z")) == first
        got = h.get(first)
        assert got is not None and got.criteria == _row().criteria and got.journal == _row().journal
        assert got.kind == "solo" and got.drill_key and got.kpis == {"mtta": 65.0, "mttr": 1500.0}
        assert [r.trainee for r in h.drills(Filters(trainee="ana"))] == ["ana"]
        assert h.get(first + 100) is None


def test_criteria_keep_the_scorecards_order(db: Path | str, tutorial_card: tuple[ScoreCard, str]) -> None:
    card, journal = tutorial_card
    with History(db) as h:
        stored = h.get(h.add(row_for(card, journal, "2026-11-23T10:00:00Z", "resolved")))
    assert stored is not None
    assert [c.criterion for c in stored.criteria] == [c.id for c in card.criteria]
    assert stored.met == {k.id: k.met for k in card.kpis}


def _team(card: ScoreCard) -> TeamCard:
    half = len(card.criteria) // 2
    return TeamCard(
        dataclasses.replace(card, team="blue"),
        (
            PersonResult("dana", "incident-commander", 90.0, "A", (), card.criteria[:half], ()),
            PersonResult("eli", "comms-lead", 55.0, "F", (), card.criteria[half:], ()),
        ),
    )


def test_a_team_drill_is_a_row_for_the_team_and_one_per_person(
    db: Path | str, tutorial_card: tuple[ScoreCard, str]
) -> None:
    card, journal = tutorial_card
    team = _team(card)
    rows = team_rows(team, journal, "2026-02-01T10:00:00Z", "resolved")
    with History(db) as h:
        team_id = h.add_drill(rows)
        assert h.add_drill(rows) == team_id  # stored again: nothing new
        stored = h.drills()
        assert [(r.kind, r.trainee, r.role) for r in stored] == [
            ("team", "blue", ""), ("person", "dana", "incident-commander"), ("person", "eli", "comms-lead")
        ]  # fmt: skip
        assert len({r.drill_key for r in stored}) == 1
        assert [r.score for r in stored] == [card.score, 90.0, 55.0]
        eli = h.get(stored[2].id or 0)
        assert eli is not None and eli.journal == journal  # a person's row reads the team's journal
        assert len(eli.criteria) == len(card.criteria) - len(card.criteria) // 2
    by_person = {t.who: t.scores for t in trends(stored)}
    assert by_person == {"dana": (90.0,), "eli": (55.0,)}
    assert {t.who: t.scores for t in trends(stored, "team")} == {"blue": (card.score,)}


def test_answers_saved_later_keep_every_row_of_a_team_drill_findable(
    db: Path | str, tutorial_card: tuple[ScoreCard, str]
) -> None:
    card, journal = tutorial_card
    with History(db) as h:
        team_id = h.add_drill(team_rows(_team(card), journal, "2026-02-01T10:00:00Z", "resolved"))
        longer = journal + '{"t": 9, "kind": "debrief.answer"}\n'
        h.set_answers(team_id, ("Page sooner.",), longer)
        assert h.add_drill(team_rows(_team(card), longer, "2026-02-01T10:00:00Z", "resolved")) == team_id
        assert len(h.drills()) == 3 and len({r.drill_key for r in h.drills()}) == 1


def test_the_same_weakness_again_links_to_the_open_item(db: Path | str) -> None:
    with History(db) as h:
        one = h.add_drill([_row(at="2026-01-05T10:00:00Z")], [item("detect.acknowledge"), item("comms.cadence")])
        two = h.add_drill([dataclasses.replace(_row(at="2026-02-05T10:00:00Z"), journal="two\n")],
                          [item("detect.acknowledge")])  # fmt: skip
        h.add_drill([_row("bo", team="dba", at="2026-02-06T10:00:00Z")], [item("detect.acknowledge")])
        sre = plan.items(h.store, team="sre")
        assert [(i.key, i.drills, i.due) for i in sre] == [
            ("detect.acknowledge", (one, two), "2026-02-04"), ("comms.cadence", (one,), "2026-02-04")
        ]  # fmt: skip
        assert [i.team for i in plan.items(h.store)] == ["sre", "sre", "dba"]
        ack = sre[0]
        assert plan.assign(h.store, ack.id, owner="dana", due="2026-03-01")
        assert plan.close(h.store, ack.id, "2026-03-02T09:00:00Z")
        assert not plan.close(h.store, ack.id, "2026-03-03T09:00:00Z")  # closed already
        closed = plan.get(h.store, ack.id)
        assert closed is not None and (closed.owner, closed.due, closed.status) == ("dana", "2026-03-01", "closed")
        # Shown again after it was closed: a new item.
        three = h.add_drill([dataclasses.replace(_row(at="2026-04-05T10:00:00Z"), journal="three\n")],
                            [item("detect.acknowledge")])  # fmt: skip
        again = [i for i in plan.items(h.store, team="sre") if i.key == "detect.acknowledge"]
        assert [(i.drills, i.status) for i in again] == [((three,), "open")]
        assert not plan.assign(h.store, 999, owner="x")


def test_programme_trends_by_team_month_and_scenario(db: Path | str) -> None:
    def drill(team: str, day: str, score: float, mtta: float | None, met: bool | None, n: int, kind: str = "solo",
              ended_by: str = "") -> DrillRow:  # fmt: skip
        row = _row(trainee=f"p{n}", team=team, at=f"{day}T10:00:00Z", score=score)
        kpis, met_ = {"mtta": mtta, "mttr": 1500.0}, {"mtta": met, "mttr": None}
        return dataclasses.replace(row, kpis=kpis, met=met_, kind=kind, ended_by=ended_by)

    with History(db) as h:
        h.add_drill([drill("sre", "2026-01-05", 60.0, 100.0, False, 1)], [item("a")])
        h.add_drill([drill("sre", "2026-01-20", 80.0, 50.0, True, 2)], [item("b")])
        h.add_drill([drill("sre", "2026-02-03", 90.0, None, False, 3)])
        h.add_drill([drill("dba", "2026-01-07", 40.0, 70.0, True, 4)])
        h.add_drill([drill("dba", "2026-01-08", 10.0, 70.0, True, 5, ended_by="facilitator")])  # not counted
        person = drill("dba", "2026-01-08", 99.0, 70.0, True, 6, kind="person")  # counted in its team's row
        h.add_drill([drill("dba", "2026-01-08", 30.0, 90.0, False, 6, kind="team"), person])
        (a,) = [i for i in plan.items(h.store) if i.key == "a"]
        plan.close(h.store, a.id, "2026-02-10T00:00:00Z")
        rows = programme(h.store)
        assert [(r.team, r.month, r.drills) for r in rows] == [
            ("dba", "2026-01", 2), ("sre", "2026-01", 2), ("sre", "2026-02", 1)
        ]  # fmt: skip
        dba, sre1, sre2 = rows
        assert (dba.score, dba.mtta, dba.met_mtta, dba.met_mttr) == (35.0, 80.0, 0.5, None)
        assert (sre1.score, sre1.mtta, sre1.met_mtta, sre1.items_opened, sre1.items_closed) == (70.0, 75.0, 0.5, 2, 0)
        assert (sre2.mtta, sre2.met_mtta, sre2.items_opened, sre2.items_closed) == (None, 0.0, 0, 1)
        assert [r.team for r in programme(h.store, Filters(team="sre"))] == ["sre", "sre"]
        assert [r.month for r in programme(h.store, Filters(since="2026-02-01"))] == ["2026-02"]
        assert sre2.to_json()["met"] == {"mtta": 0.0, "mttm": None, "mttr": None}


def test_a_missing_history_is_not_created_by_reading(db: Path | str) -> None:
    with pytest.raises(HistoryError, match=r"no .*history"):
        History(db, create=False)
    History(db).close()
    History(db, create=False).close()


def test_storing_a_drill_files_its_debriefs_action_items(
    db: Path | str, played: Played, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []

    def improvement_items(card: ScoreCard, scenario: object, playbook: object) -> list[object]:
        seen.append((card, scenario, playbook))
        return [item("detect.acknowledge")]

    # A stand-in for scoring.improvement, so the test says exactly which items the debrief yields.
    monkeypatch.setitem(sys.modules, "scoring.improvement", types.SimpleNamespace(improvement_items=improvement_items))
    drill_id = store(played.card, played.record, None, started_at="2026-05-01T09:00:00Z", db=db,
                     scenario=played.scenario, playbook=played.playbook)  # fmt: skip
    assert seen == [(played.card, played.scenario, played.playbook)]
    with History(db) as h:
        (only,) = plan.items(h.store)
        assert (only.team, only.drills, only.scenario, only.due) == ("sre", (drill_id,), "tutorial", "2026-05-31")
    # Without the scenario and playbook, a drill is stored with no items.
    store(played.card, played.record, None, started_at="2026-05-02T09:00:00Z", db=db, answers=("Again.",))
    assert len(seen) == 1


def test_a_drill_more_than_one_person_acted_in_is_stored_as_a_team_drill(
    db: Path | str, played: Played, monkeypatch: pytest.MonkeyPatch
) -> None:
    def team_card(record: object, scenario: object, playbook: object, *, card: ScoreCard) -> TeamCard:
        assert (record, scenario, playbook, card) == (played.record, played.scenario, played.playbook, played.card)
        return _team(card)

    # A stand-in for scoring.team, so the test says exactly who the team is.
    monkeypatch.setitem(sys.modules, "scoring.team", types.SimpleNamespace(team_card=team_card))
    drill_id = store(played.card, played.record, None, started_at="2026-05-01T09:00:00Z", db=db,
                     scenario=played.scenario, playbook=played.playbook)  # fmt: skip
    with History(db) as h:
        assert [(r.id == drill_id, r.kind, r.trainee) for r in h.drills()] == [
            (True, "team", "blue"), (False, "person", "dana"), (False, "person", "eli")
        ]  # fmt: skip


def test_a_real_team_drill_is_stored_with_its_people_and_plan_items(db: Path | str, played: Played) -> None:
    # The real scoring.team and scoring.improvement: three people in the tutorial, each acting in a role.
    from sim.engine.drill import Drill

    drill = Drill(played.scenario, played.playbook, trainee="Sam", team="blue")
    drill.advance_to(280)
    drill.act("acknowledge", actor="Sam", role="incident-commander")
    drill.advance(20)
    drill.act("declare", actor="Sam", role="incident-commander", severity="SEV2")
    drill.act("investigate", actor="Tom", role="first-responder", target="deploys")
    drill.say("Looking at the config push.", actor="Tom", role="first-responder")
    drill.advance(60)
    drill.act("post_update", actor="Ana", role="sme", text="SEV2: uploads failing. Investigating.")
    drill.advance(120)
    drill.end()
    card = grade(drill.record, played.scenario, played.playbook)
    drill_id = store(card, drill.record, None, started_at="2026-06-01T09:00:00Z", db=db,
                     scenario=played.scenario, playbook=played.playbook)  # fmt: skip
    with History(db) as h:
        rows = h.drills()
        assert {(r.kind, r.trainee) for r in rows} == {("team", "blue"), ("person", "Sam"), ("person", "Tom"),
                                                       ("person", "Ana")}  # fmt: skip
        assert next(r for r in rows if r.kind == "team").id == drill_id
        assert {r.drill_key for r in rows} == {rows[0].drill_key}  # one drill, one key
        items = plan.items(h.store)
    assert items and all(i.team == "blue" and i.drills == (drill_id,) for i in items)
    assert {i.key for i in items} >= {c.id for c in card.criteria if c.evaluated and c.result == "fail"}
