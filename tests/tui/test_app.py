"""The app around the screens: settings, the `play` command, theme memory, resuming a journal, the feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sim.engine.drill import Drill
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tui import settings
from tui.app import WarroomApp
from tui.cli import main
from tui.screens.drill import DrillScreen
from tui.session import new_session, next_journal_path, resume_drill
from tui.widgets.feed import Feed

from .conftest import SCENARIO_DIR, SCENARIO_FILE


def test_settings_round_trip_and_tolerate_a_broken_file(_private_home: Path) -> None:
    assert settings.home() == _private_home
    assert settings.load() == settings.Settings()
    path = settings.save(settings.Settings().with_trainee("  Robin  ").with_theme("nord"))
    assert path == _private_home / settings.SETTINGS_FILE
    assert settings.load() == settings.Settings(trainee="Robin", theme="nord")
    path.write_text("{not json")
    assert settings.load() == settings.Settings()
    path.write_text(json.dumps({"trainee": 42, "theme": "nord", "evil": "x"}))
    assert settings.load() == settings.Settings(theme="nord")


def test_journal_names_never_overwrite(tmp_path: Path) -> None:
    first = next_journal_path(tmp_path, "tutorial", 7)
    first.write_text("x")
    assert first.name == "tutorial-s7-001.jsonl"
    assert next_journal_path(tmp_path, "tutorial", 7).name == "tutorial-s7-002.jsonl"


class Recorder:
    """Stands in for `WarroomApp.run` so the command can be tested without a terminal."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.apps: list[WarroomApp] = []
        monkeypatch.setattr("tui.cli.play.needs_terminal", lambda: None)
        monkeypatch.setattr(WarroomApp, "run", lambda app, *a, **k: self.apps.append(app))


def test_play_passes_its_options_to_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = Recorder(monkeypatch)
    args = ["play", "tutorial", "--scenarios", str(SCENARIO_DIR), "--seed", "42", "--trainee", "Robin"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (app,) = runner.apps
    assert (app.scenario_id, app.scenario_dirs, app.seed, app.settings.trainee) == (
        "tutorial",
        (SCENARIO_DIR,),
        42,
        "Robin",
    )
    assert app.autostart


def test_bare_warroom_opens_the_picker(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = Recorder(monkeypatch)
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert runner.apps[0].scenario_id is None


def test_play_resume_refuses_a_broken_journal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    Recorder(monkeypatch)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not a journal\n")
    result = CliRunner().invoke(main, ["play", "--resume", str(bad)])
    assert result.exit_code == 1
    assert f"cannot resume {bad}" in result.output
    both = CliRunner().invoke(main, ["play", "tutorial", "--resume", str(bad)])
    assert both.exit_code == 2


async def test_a_resumed_journal_opens_on_the_drill_where_it_stopped(
    scenario: Scenario, playbook: Playbook, tmp_path: Path
) -> None:
    session = new_session(scenario, playbook, seed=7, trainee="Alex", scenario_path=SCENARIO_FILE, journal_dir=tmp_path)
    assert session.journal is not None
    session.drill.advance(150)
    session.drill.act("acknowledge")
    session.drill.advance(30)
    session.drill.close()
    drill = resume_drill(session.journal)
    app = WarroomApp(drill=drill, autostart=False, trainee="Someone else")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        # Resuming replays the journal up to its last event (the quiet seconds after it were never written).
        assert 160 <= screen.state.now <= 180 and screen.state.status == "acknowledged"
        assert screen.session.trainee == "Alex"  # the journal's trainee, not the settings'
        assert screen.session.journal == session.journal
        await pilot.press("s", "enter", "n")
    drill.close()
    lines = session.journal.read_text().splitlines()
    assert json.loads(lines[-1])["t"] > 180  # the resumed drill journals on to the same file
    assert json.loads(lines[0])["playbook_path"].endswith("drillbook.yaml")


async def test_the_theme_is_remembered(drill: Drill) -> None:
    app = WarroomApp(drill=drill, autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert settings.load().theme == "nord"
    again = WarroomApp(drill=drill, autostart=False)
    async with again.run_test(size=(120, 36)):
        assert again.theme == "nord"


async def test_the_feed_follows_new_lines_unless_scrolled_back(app: WarroomApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"nnnnnn")
        feed = app.screen.query_one(Feed)
        assert feed.max_scroll_y > 0
        assert feed.scroll_y == feed.max_scroll_y
        feed.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press(*"nnnn")
        assert feed.scroll_y == 0  # reading back: new lines do not yank the view away


def test_bare_warroom_takes_scenario_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = Recorder(monkeypatch)
    result = CliRunner().invoke(main, ["--scenarios", str(SCENARIO_DIR)])
    assert result.exit_code == 0, result.output
    assert runner.apps[0].scenario_dirs == (SCENARIO_DIR,)
