"""`warroom host` and `warroom join` without --headless open the TUI seats: without a terminal they say so
before making a drill or a connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main


@pytest.mark.parametrize("args", [["host", "tutorial"], ["join", "127.0.0.1:9", "--code", "X"]])
def test_the_seats_need_a_terminal(args: list[str], _private_home: Path) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "interactive terminal" in result.output
    assert not list(_private_home.rglob("*.jsonl"))  # no drill was made for nothing


def test_join_takes_the_code_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr("tui.cli.join.interactive", lambda setup, ask_name: seen.append(setup.code))
    monkeypatch.setenv("WARROOM_CODE", "4J7Q-K2MX-9TRA")
    result = CliRunner().invoke(main, ["join", "127.0.0.1:7788"])
    assert result.exit_code == 0, result.output
    assert seen == ["4J7Q-K2MX-9TRA"]
