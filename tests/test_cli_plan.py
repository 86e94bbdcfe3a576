"""`warroom plan` and `warroom history trends --programme`: the improvement plan listed, assigned and closed,
and the programme's aggregates as text and JSON, on a real database (and on PostgreSQL, where there is one)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scoring.history import History
from tests.scoring.store.conftest import item
from tests.scoring.test_history import _row
from tui.cli import main


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    target = str(tmp_path / "h.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    with History(target if "://" in target else Path(target)) as h:
        h.add_drill([_row(at="2026-01-05T10:00:00Z", score=60.0)], [item("detect.acknowledge", "equipment")])
        again = dataclasses.replace(_row(at="2026-02-05T10:00:00Z", score=80.0), journal="again\n")
        h.add_drill([again], [item("detect.acknowledge", "equipment"), item("comms.cadence", "planning")])
        h.add_drill([_row("bo", team="dba", at="2026-02-07T10:00:00Z", score=40.0)], [item("role.ic", "organisation")])
    return target


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def _ids(db: str) -> dict[str, int]:
    data = json.loads(run("plan", "--db", db, "--status", "all", "--format", "json").output)
    return {i["key"]: i["id"] for i in data["items"]}


def test_plan_lists_assigns_and_closes(db: str) -> None:
    out = run("plan", "--db", db, "--team", "sre").output
    assert out.count("→") == 2 and "(drills 1, 2)" in out and "role.ic" not in out
    ids = _ids(db)
    ack, comms = str(ids["detect.acknowledge"]), str(ids["comms.cadence"])
    assert run("plan", "--db", db, "assign", ack, "--owner", "dana", "--due", "2026-03-01").exit_code == 0
    assert run("plan", "--db", db, "close", comms).output == f"Item {comms} closed.\n"
    failed = run("plan", "--db", db, "close", comms)
    assert failed.exit_code == 1 and f"no open improvement item {comms}" in failed.output
    data = json.loads(run("plan", "--db", db, "--status", "all", "--format", "json").output)
    got = {i["key"]: (i["owner"], i["due"], i["status"], i["drills"]) for i in data["items"]}
    assert got == {
        "detect.acknowledge": ("dana", "2026-03-01", "open", [1, 2]),
        "comms.cadence": ("", "2026-03-07", "closed", [2]),
        "role.ic": ("", "2026-03-09", "open", [3]),
    }
    assert "comms.cadence" not in run("plan", "--db", db).output


def test_plan_refuses_bad_input_with_a_sentence(db: str, tmp_path: Path) -> None:
    assert run("plan", "--db", db, "assign", "1").exit_code == 2  # neither --owner nor --due
    bad = run("plan", "--db", db, "assign", "1", "--due", "next week")
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    missing = run("plan", "--db", str(tmp_path / "none.db"))
    assert missing.exit_code == 1 and "no history database" in missing.output
    assert not (tmp_path / "none.db").exists()


def test_programme_trends_as_text_and_json(db: str) -> None:
    text = run("history", "--db", db, "trends", "--programme").output
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["TEAM", "MONTH", "SCENARIO", "DRILLS"]
    assert [line.split()[:3] for line in lines[1:]] == [
        ["dba", "2026-02", "tutorial"], ["sre", "2026-01", "tutorial"], ["sre", "2026-02", "tutorial"]
    ]  # fmt: skip
    data = json.loads(run("history", "--db", db, "trends", "--programme", "--format", "json", "--team", "sre").output)
    assert data["schema"] == 1
    assert [(r["month"], r["drills"], r["score"], r["items_opened"]) for r in data["rows"]] == [
        ("2026-01", 1, 60.0, 1), ("2026-02", 1, 80.0, 1)
    ]  # fmt: skip
    per_trainee = json.loads(run("history", "--db", db, "trends", "--format", "json").output)
    assert [(t["who"], t["scores"]) for t in per_trainee["trends"]] == [("ana", [60.0, 80.0]), ("bo", [40.0])]


def test_plan_text_from_the_database_is_shown_not_obeyed(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with History(db) as h:
        h.add_drill([_row()], [item("\x1b]0;PWNED\x07\x1b[2Jrole.ic")])
    out = run("plan", "--db", str(db)).output
    assert "\x1b" not in out and "\x07" not in out and "PWNED" in out


def test_programme_report_as_html(db: str, tmp_path: Path) -> None:
    page = tmp_path / "programme.html"
    out = run("history", "--db", db, "trends", "--programme", "--html", str(page))
    assert out.exit_code == 0 and f"wrote {page}" in out.output
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "3 drills by 2 teams, 2026-01 to 2026-02." in html
    assert html.count('<svg class="chart"') == 8 and "<script" not in html
    only = run("history", "--db", db, "trends", "--programme", "--team", "sre", "--html", str(page))
    assert only.exit_code == 0 and "Only team sre." in page.read_text(encoding="utf-8")
    assert run("history", "--db", db, "trends", "--html", str(page)).exit_code == 2  # the report needs --programme
