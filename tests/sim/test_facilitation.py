"""The facilitator's view (upcoming injects, triggers in words, the log of hints and notes) and the
lessons-learned answers recorded after a drill: journaled, resumed, never replayed as inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.engine.drill import ActionRefused, Drill
from sim.engine.facilitation import answers, facilitator_log, trigger_text, upcoming
from sim.format.scenario import Trigger
from sim.journal.events import DebriefAnswer, Inject, to_json
from sim.journal.jsonl import read_journal
from sim.rerun.resume import resume
from tests.sim.engine_fixtures import mini, playbook, scenario


@pytest.mark.parametrize(
    ("trigger", "words"),
    [
        ({"at": "12m"}, "at T+00:12:00"),
        ({"at": "8m", "delay": "30s"}, "at T+00:08:30"),
        ({"metric": {"metric": "error_rate", "above": 5, "for": "1m"}}, "when error_rate > 5 for 1m"),
        ({"metric": {"metric": "availability", "below": 99.5}}, "when availability < 99.5"),
        ({"after_action": "rollback"}, "after rollback"),
        ({"after_action": "rollback", "delay": "2m"}, "after rollback then 2m"),
        ({"timer_expired": "sla.status_page"}, "when sla.status_page expires"),
    ],
)
def test_triggers_read_as_a_facilitator_would_say_them(trigger: dict[str, object], words: str) -> None:
    assert trigger_text(Trigger.model_validate(trigger)) == words


def test_upcoming_lists_unfired_injects_timed_first_then_in_scenario_order() -> None:
    d = Drill(scenario(), playbook())
    first = upcoming(d)
    assert [u.id for u in first] == [
        "page-1",
        "log-1",
        "hint-investigate",
        "vendor",
        "slow-report",
        "dba-chat",
        "cto-ping",
    ]
    assert first[0].due == 360.0 and first[0].trigger == "at T+00:06:00"
    assert first[1].due == 510.0
    assert first[-1].due is None and first[-1].trigger == "when sla.executives expires"
    # Senders are the cast's names, as the feed will show them.
    cto = next(u for u in first if u.id == "cto-ping")
    assert cto.sender == d.cast.name("cto") and cto.sender != "cto"
    d.advance(400)
    assert "page-1" not in [u.id for u in upcoming(d)]
    d.facilitate("inject_now", inject="vendor")
    assert "vendor" not in [u.id for u in upcoming(d)]


def test_facilitator_log_lists_what_they_did_in_order() -> None:
    d = Drill(scenario(), playbook())
    d.advance(60)
    d.facilitate("hint", text="Look at [bold]the pool[/]")
    d.facilitate("say", sender="cto", text="Status?", inject_kind="exec_ping")
    d.advance(60)
    d.facilitate("note", text="Trainee hesitated on severity.")
    d.facilitate("inject_now", inject="vendor")
    d.facilitate("jump", dt="5m")
    log = facilitator_log(d.events)
    assert [(e.t, e.kind) for e in log] == [
        (60.0, "hint"),
        (60.0, "say"),
        (120.0, "note"),
        (120.0, "inject_now"),
        (120.0, "jump"),
    ]
    assert log[0].text == "Look at [bold]the pool[/]"
    assert log[1].sender == "cto"
    assert log[3].text == "fired inject vendor early"
    assert log[4].text == "jumped the clock 5m"


def test_say_writes_any_inject_kind_and_refuses_unknown_ones() -> None:
    d = Drill(scenario(), playbook())
    d.facilitate("say", sender="cto", text="Where are we?", inject_kind="exec_ping")
    inject = [e for e in d.take_new() if isinstance(e, Inject)][-1]
    assert inject.inject_kind == "exec_ping" and inject.sender == d.cast.name("cto")
    with pytest.raises(ValueError, match="unknown inject kind"):
        d.facilitate("say", sender="cto", text="x", inject_kind="telegram")


def test_answers_are_only_taken_after_the_drill_and_for_real_questions() -> None:
    s = mini(debrief_questions=["What went well?", "What would you change?"])
    d = Drill(s, playbook())
    with pytest.raises(ActionRefused):
        d.answer(0, "too early")
    d.advance(300)
    d.end()
    with pytest.raises(ValueError, match="no debrief question 2"):
        d.answer(2, "nope")
    d.answer(1, "Page the DBA sooner.")
    d.answer(0, "Fast rollback.")
    d.answer(1, "Page the DBA at once.")
    assert d.events[-1] == DebriefAnswer(
        t=300.0, question=1, prompt="What would you change?", text="Page the DBA at once."
    )
    assert [(a.question, a.text) for a in answers(d.events)] == [(0, "Fast rollback."), (1, "Page the DBA at once.")]


def test_answers_are_journaled_survive_resume_and_are_not_replayed(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    s = scenario().model_copy(update={"debrief_questions": ["What gave it away?"]})
    d = Drill(s, playbook(), journal=path)
    d.advance(200)
    d.facilitate("note", text="note")
    d.end()
    d.answer(0, "The pool graph.")
    d.close()
    assert isinstance(read_journal(path).events[-1], DebriefAnswer)
    resumed = resume(path, scenario=s, playbook=playbook())
    assert [to_json(e) for e in resumed.events] == [to_json(e) for e in d.events]
    # Answering again after a resume appends to the same journal, after what was there.
    resumed.answer(0, "The pool graph, and the DBA.")
    resumed.close()
    events = read_journal(path).events
    assert [e.kind for e in events[-2:]] == ["debrief.answer", "debrief.answer"]
    assert answers(events)[0].text == "The pool graph, and the DBA."
    assert len(events) == len(d.events) + 1
