"""`warroom history` with a team drill stored: a row for the team and one per person, each with its kind and
role; a person's row shows the team's journal; trends by team count the drill once."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from click.testing import CliRunner

from scoring.history import History, team_rows
from tests.scoring.store.conftest import PersonResult, Played, TeamCard
from tui.cli import main


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_history_lists_a_team_drill_a_row_each_with_kind_and_role(tmp_path: Path, played: Played) -> None:
    db = tmp_path / "h.db"
    team = TeamCard(
        dataclasses.replace(played.card, team="blue"),
        (PersonResult("dana", "incident-commander", 90.0, "A", (), played.card.criteria[:3], ()),
         PersonResult("eli", None, 55.0, "F", (), (), ())),
    )  # fmt: skip
    with History(db) as h:
        h.add_drill(team_rows(team, played.journal, "2026-02-01T10:00:00Z", "resolved"))
    lines = run("history", "--db", str(db)).splitlines()[1:]
    assert [line.split()[2] for line in lines] == ["blue", "dana", "eli"]
    assert lines[0].endswith("team") and lines[1].endswith("person (incident-commander)")
    assert lines[2].endswith("person")
    shown = run("history", "--db", str(db), "show", "2", "--journal")
    assert "Trainee dana (blue)" in shown and played.journal.splitlines()[1] in shown
    by_team = run("history", "--db", str(db), "trends", "--by", "team")
    assert by_team.startswith("blue · tutorial: 1 drill") and "dana" not in by_team
    rows = list(csv.DictReader(io.StringIO(run("history", "--db", str(db), "export"))))
    assert [(r["kind"], r["role"]) for r in rows] == [("team", ""), ("person", "incident-commander"), ("person", "")]
    assert len({r["drill_key"] for r in rows}) == 1
