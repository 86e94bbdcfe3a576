"""Picker, briefing and debrief: listing (broken files too), filters, the name asked once, start, reports, replay."""

from __future__ import annotations

import json
from pathlib import Path

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable, Markdown, Select, Static

from scoring.grade import ScoreCard, rule_label
from sim.engine.drill import Drill
from sim.journal.directory import journals_dir
from tests.tui.conftest import end_drill
from tui import settings
from tui.app import WarroomApp
from tui.messages import ScenarioChosen, TraineeNamed
from tui.modals.base import NameModal
from tui.screens.briefing import BriefingScreen
from tui.screens.debrief import DebriefScreen
from tui.screens.drill import DrillScreen
from tui.screens.picker import PickerScreen

from .conftest import SCENARIO_DIR, SCENARIO_FILE, picker_app


def shown_ids(app: WarroomApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, PickerScreen)
    return [entry.id for entry in screen.shown]


async def test_picker_lists_bundled_and_user_scenarios_and_broken_ones_with_their_errors() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=(120, 36)) as pilot:
        ids = shown_ids(app)
        assert {"tutorial", "fixture-api-outage", "broken"} <= set(ids)
        table = app.screen.query_one("#picker-table", DataTable)
        row = table.get_row(str(SCENARIO_DIR / "broken.yaml"))
        assert [cell.plain for cell in row] == ["⚠ broken.yaml", "—", "—", "—", "", "", "cannot load"]
        table.move_cursor(row=ids.index("broken"))
        await pilot.pause()
        detail = app.screen.query_one("#picker-summary", Static).visual.plain  # type: ignore[attr-defined]
        assert "missing required key 'warn' in metrics[0]" in detail
        await pilot.press("enter")
        assert isinstance(app.screen, PickerScreen)  # a broken scenario never opens, and never crashes
        assert any("does not load" in n.message for n in app._notifications)


async def test_picker_filters_by_text_difficulty_playbook_and_tag() -> None:
    app = picker_app(trainee="Alex")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("slash", *"[bold]")
        assert shown_ids(app) == ["fixture-api-outage"]  # typed brackets are searched as text
        await pilot.press("escape")
        assert len(shown_ids(app)) > 2
        app.screen.query_one("#picker-difficulty", Select).value = "tutorial"
        await pilot.pause()
        assert shown_ids(app) == ["tutorial"]
        app.screen.query_one("#picker-difficulty", Select).clear()
        app.screen.query_one("#picker-playbook", Select).value = "drillbook"
        await pilot.pause()
        assert shown_ids(app) == ["fixture-api-outage"]
        app.screen.query_one("#picker-playbook", Select).clear()
        app.screen.query_one("#picker-tag", Select).value = "deploy"
        await pilot.pause()
        assert "fixture-api-outage" in shown_ids(app) and "tutorial" not in shown_ids(app)


async def test_the_name_is_asked_once_and_remembered(_private_home: Path) -> None:
    seen: list[Message] = []
    app = picker_app()
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, NameModal)
        await pilot.press(*"Robin Ops", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert any(isinstance(m, TraineeNamed) and m.name == "Robin Ops" for m in seen)
    saved = json.loads((_private_home / settings.SETTINGS_FILE).read_text())
    assert saved["trainee"] == "Robin Ops"
    again = picker_app()
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, PickerScreen)  # not asked a second time
        assert again.settings.trainee == "Robin Ops"


async def test_choosing_a_scenario_opens_its_briefing_then_the_drill() -> None:
    seen: list[Message] = []
    app = picker_app(trainee="Alex")
    async with app.run_test(size=(120, 36), message_hook=seen.append) as pilot:
        table = app.screen.query_one("#picker-table", DataTable)
        table.move_cursor(row=shown_ids(app).index("fixture-api-outage"))
        await pilot.press("enter")
        await pilot.pause()
        briefing = app.screen
        assert isinstance(briefing, BriefingScreen)
        chosen = [m for m in seen if isinstance(m, ScenarioChosen)]
        assert chosen[0].scenario.id == "fixture-api-outage" and chosen[0].path == SCENARIO_FILE
        markdown = briefing.query_one(Markdown)
        assert "Markup must stay literal: [bold]x[/]" in markdown.source
        severities = briefing.query_one("#briefing-severities", DataTable)
        assert [severities.get_row_at(i)[0].plain.split("\n")[0] for i in range(3)] == ["SEV-1", "SEV-2", "SEV-3"]
        cast = briefing.query_one("#briefing-cast", DataTable)
        assert cast.get_row_at(0)[0].plain == "Alex"
        await pilot.press("enter")
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.paused  # autostart=False
        assert app.session is not None and app.session.journal is not None
        assert app.session.journal.parent == journals_dir()


async def test_play_with_an_id_or_path_opens_the_briefing_and_an_unknown_one_the_picker() -> None:
    app = WarroomApp(scenario_id=str(SCENARIO_FILE), trainee="Alex", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
    lost = WarroomApp(scenario_id="no-such-drill", trainee="Alex", autostart=False)
    async with lost.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(lost.screen, PickerScreen)
        assert any("no-such-drill" in n.message for n in lost._notifications)


async def test_debrief_shows_the_score_exports_reports_and_replays(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "a", "n")
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        card = debrief.card
        score = debrief.query_one("#debrief-score").visual.plain  # type: ignore[attr-defined]
        assert f"{card.score:.1f}" in score and card.letter in score
        criteria = debrief.query_one("#debrief-criteria", DataTable)
        assert criteria.row_count == len(card.criteria)
        assert_every_rule_shown(criteria, card)
        await pilot.press("m")
        report = debrief.exported["md"]
        assert report == settings.reports_dir() / "drill.md"  # named after the journal
        assert f"**Scenario:** {card.scenario}" in report.read_text()
        await pilot.press("h", "j")
        assert debrief.exported["html"].read_text().lstrip().lower().startswith("<!doctype html>")
        assert json.loads(debrief.exported["json"].read_text())["score"]["score"] == card.score
        await pilot.press("n", "r", "R")  # the drill's keys, pressed on as it ended, do nothing here
        assert app.screen is debrief
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, BriefingScreen)
        assert app.session is not None and app.session.seed == drill.seed


def assert_every_rule_shown(table: DataTable[Text], card: ScoreCard) -> None:
    """Each scorecard row ends with the criterion's explanation and, on its own dim line, the rule it checks."""
    for row, c in enumerate(card.criteria):
        why = table.get_row_at(row)[-1]
        assert c.rule and why.plain == f"{c.explanation}\nrule: {rule_label(c.rule)}", c.id
        assert any(span.style == "dim" and why.plain[span.start : span.end].startswith("rule: ") for span in why.spans)


async def test_debrief_at_80_columns_gives_the_category_column_to_the_explanation_and_rule(app: WarroomApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n", "a", "n")
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        await end_drill(pilot, screen)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        table = debrief.query_one("#debrief-criteria", DataTable)
        assert [str(col.label) for col in table.columns.values()] == ["Criterion", "Points", "Result", "Why"]
        assert_every_rule_shown(table, debrief.card)
        await pilot.resize_terminal(120, 36)
        await pilot.pause()
        assert [str(col.label) for col in table.columns.values()] == [
            "Category",
            "Criterion",
            "Points",
            "Result",
            "Why",
        ]
        assert_every_rule_shown(table, debrief.card)
