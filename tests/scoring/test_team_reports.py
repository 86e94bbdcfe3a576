"""The team debrief in every report: the team's score first, then a part per person. Golden files for the
team of tests/scoring/team_drills.py, built event by event as the solo golden files are.

Regenerate with `WARROOM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scoring`, then read the diff."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.grade import grade
from scoring.report_html import render_html
from scoring.report_json import SCHEMA, VERSION, render_json
from scoring.report_md import render_markdown
from scoring.report_text import render_text
from scoring.team import TeamCard, team_card
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import ChannelMessage
from tests.scoring.builder import Step, build, load_playbook, load_scenario
from tests.scoring.team_drills import CHAT, TEAM, play_team
from tests.scoring.test_engine_scoring import play
from tests.scoring.test_grade import NEGLIGENT
from tests.scoring.test_reports import GOLDEN, UPDATE, _Collector, synthetic_series
from tui.cli import main

FORMATS = ("md", "json", "html", "txt")


def team_record(steps: tuple[Step, ...] = TEAM, chat: tuple[ChannelMessage, ...] | None = None) -> DrillRecord:
    """The team drill as the engine would journal it, sam's the journal (the builder's unattributed events)."""
    record = build(steps, load_scenario())
    said = [ChannelMessage(s.at, s.actor, s.role, s.text) for s in CHAT] if chat is None else list(chat)
    events = sorted([*record.events, *said], key=lambda e: e.t)
    return DrillRecord(record.header._replace(trainee="sam"), tuple(events))


@pytest.fixture(scope="module")
def inputs() -> tuple[Scenario, Playbook]:
    return load_scenario(), load_playbook()


def render(fmt: str, record: DrillRecord, inputs: tuple[Scenario, Playbook], *, team: bool = True) -> str:
    scenario, playbook = inputs
    card = grade(record, scenario, playbook)
    tc = team_card(record, scenario, playbook, card=card) if team else None
    series = synthetic_series(record, scenario)
    if fmt == "md":
        return render_markdown(card, record, scenario, playbook, series, tc)
    if fmt == "json":
        return render_json(card, record, scenario, playbook, tc)
    if fmt == "txt":
        return render_text(card, tc)
    return render_html(card, record, scenario, playbook, series, tc)


@pytest.fixture(scope="module")
def team(inputs: tuple[Scenario, Playbook]) -> TeamCard:
    tc = team_card(team_record(), *inputs)
    assert tc is not None
    return tc


@pytest.mark.parametrize("fmt", FORMATS)
def test_matches_golden_file(fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    text = render(fmt, team_record(), inputs)
    path = GOLDEN / f"team.{fmt}"
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; run with WARROOM_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; regenerate and review the diff"


def test_the_people_are_the_three_roles(team: TeamCard) -> None:
    assert [(p.name, p.role) for p in team.people] == [("sam", "ic"), ("erin", "comms"), ("tom", "tech")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_team_score_comes_first_then_each_person(fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    text = render(fmt, team_record(), inputs)
    heads = {
        "md": ("**Team score:** 98.7", "### sam — Incident Commander", "### erin — Communications Lead",
               "### tom — Technical Lead"),
        "txt": ("Team score 98.7", "sam — Incident Commander", "erin — Communications Lead", "tom — Technical Lead"),
        "html": ("Team score 98.7", "<h3>sam — Incident Commander</h3>", "<h3>erin — Communications Lead</h3>",
                 "<h3>tom — Technical Lead</h3>"),
        "json": ('"team": {', '"name": "sam"', '"name": "erin"', '"name": "tom"'),
    }[fmt]  # fmt: skip
    at = [text.index(h) for h in heads]
    assert at == sorted(at), heads
    # Each person's part holds what they wrote in the channel.
    for said in CHAT:
        assert said.text.replace("'", "&#x27;") in text if fmt == "html" else said.text in text


def test_the_team_part_replaces_by_person_and_nothing_else(inputs: tuple[Scenario, Playbook]) -> None:
    """A team report is the solo report with its By Person tables swapped for the team's part: every other
    line is the same (the solo golden files check that the solo report itself has not changed)."""

    def cut(text: str, head: str) -> tuple[str, str]:
        start = text.index(head)
        end = text.index("\n## ", start + 1)
        return text[:start], text[end:]

    record = team_record()
    solo, team = render("md", record, inputs, team=False), render("md", record, inputs)
    assert cut(solo, "## By Person") == cut(team, "## Team")
    assert '"team": {' not in render("json", record, inputs, team=False)
    assert "Team score" not in render("txt", record, inputs, team=False)


def test_markdown_person_parts(inputs: tuple[Scenario, Playbook]) -> None:
    md = render("md", team_record(), inputs)
    part = md[md.index("### tom — Technical Lead") :]
    assert "**Score:** 96.0 / 100 — A (72 of 75 points, 8 criteria)" in part
    assert "| T+00:13:40 | Kill idle connections |" in part
    assert "| The right fix applied | pass | 15 / 15 | tom |" in part
    assert "| T+00:08:25 | incident channel | Looking at the logs: /search never returns its connections. |" in part
    assert "## By Person" not in md


def test_hostile_names_and_messages_are_never_markup(inputs: tuple[Scenario, Playbook]) -> None:
    evil = "<b>[bold]x</b>|#"
    steps = tuple(replace(s, actor=evil) if s.actor == "tom" else s for s in TEAM)
    steps = tuple(replace(s, params={**s.params, "who": evil}) if s.params.get("who") == "tom" else s for s in steps)
    chat = (ChannelMessage(300.0, evil, "tech", "**not bold** <script>alert(1)</script> | [x](http://e)"),)
    record = team_record(steps, chat)
    md = render("md", record, inputs)
    assert "### \\<b\\>\\[bold\\]x\\</b\\>\\|\\# — Technical Lead" in md
    assert "\\*\\*not bold\\*\\* \\<script\\>" in md
    page = render("html", record, inputs)
    assert "<script>" not in page and "&lt;b&gt;[bold]x&lt;/b&gt;|#" in page
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert not parser.open and not parser.refs
    doc = json.loads(render("json", record, inputs))
    assert doc["team"]["people"][-1]["name"] == evil


def test_json_team_key(inputs: tuple[Scenario, Playbook]) -> None:
    doc = json.loads(render("json", team_record(), inputs))
    assert (doc["schema"], doc["version"]) == (SCHEMA, VERSION) == ("warroom.debrief", 1)
    keys = list(doc)
    assert keys[keys.index("people") + 1] == "team"  # an optional key within version 1, after `people`
    team = doc["team"]
    assert (team["score"], team["letter"]) == (doc["score"]["score"], doc["score"]["letter"])
    sam = team["people"][0]
    assert set(sam) == {
        "name", "role", "roles", "role_names", "score", "grade", "graded", "points", "max_points", "criteria",
        "did", "messages",
    }  # fmt: skip
    assert sam["role_names"] == ["Incident Commander"] and sam["graded"] is True
    assert set(sam["criteria"]) <= {c["id"] for c in doc["criteria"]}
    assert sam["messages"][0] == {"t": 185.0, "clock": "T+00:03:05", "where": "incident channel", "text": CHAT[0].text}


def test_a_person_with_nothing_to_grade(inputs: tuple[Scenario, Playbook]) -> None:
    """pat wrote once and held no role: listed, no score, nothing done, no criteria."""
    chat = (ChannelMessage(300.0, "pat", None, "Anything I can do?"),)
    record = team_record(chat=chat)
    txt = render("txt", record, inputs)
    part = txt[txt.index("pat — no role") :]
    assert "Score no score: none of the criteria that fall to them could be evaluated" in part
    assert "    nothing" in part and "none fall to them" in part
    md = render("md", record, inputs)
    assert "| pat | no role | — | 0 |" in md
    assert json.loads(render("json", record, inputs))["team"]["people"][-1]["grade"] == "—"


def test_warroom_score_and_report_show_a_team_journals_people(tmp_path: Path) -> None:
    journal = tmp_path / "team.jsonl"
    play_team(said=CHAT, journal=journal)
    result = CliRunner().invoke(main, ["score", str(journal)])
    assert result.exit_code == 0, result.output
    out = result.output
    at = [out.index(h) for h in ("Team score 98.7", "sam — Incident Commander", "tom — Technical Lead")]
    assert at == sorted(at)
    assert "    T+00:08:25  incident channel: Looking at the logs: /search never returns its connections." in out
    md = CliRunner().invoke(main, ["report", str(journal), "--format", "md"]).output
    assert "### erin — Communications Lead" in md and "## By Person" not in md
    doc = json.loads(CliRunner().invoke(main, ["report", str(journal), "--format", "json"]).output)
    assert [p["name"] for p in doc["team"]["people"]] == ["sam", "erin", "tom"]


def test_warroom_score_of_a_solo_journal_has_no_team_part(tmp_path: Path) -> None:
    journal = tmp_path / "solo.jsonl"
    play(NEGLIGENT, journal)
    out = CliRunner().invoke(main, ["score", str(journal)]).output
    assert "Score 0.0 / 100" in out and "Team score" not in out


def test_an_unfinished_team_drill_grades_nobody(inputs: tuple[Scenario, Playbook]) -> None:
    """A record cut off before the drill ended: the team and each person have a score so far, no letter."""
    whole = team_record()
    record = DrillRecord(whole.header, tuple(e for e in whole.events if e.t < 900.0))
    txt = render("txt", record, inputs)
    assert "Team score so far" in txt
    assert "  Score so far " in txt and "no grade: the drill is unfinished" in txt
    md = render("md", record, inputs)
    team = md[md.index("## Team") :]
    assert "**Team score so far:**" in team and "| sam | Incident Commander | 82.4 so far | 12 |" in team
    assert not re.search(r"\([A-F]\)|— [A-F] \(", team)  # no letter anywhere in the team's part
