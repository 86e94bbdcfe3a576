"""`warroom report JOURNAL --format aar-md|aar-html`: the after-action report of a recorded drill."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.cli import main


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    path = tmp_path / "j.jsonl"
    ran = CliRunner().invoke(main, ["run", "tutorial", "--actions", "mistakes", "--journal", str(path)])
    assert ran.exit_code == 0, ran.output
    return path


def test_aar_markdown_with_the_exercise_date(journal: Path) -> None:
    out = CliRunner().invoke(main, ["report", str(journal), "--format", "aar-md", "--date", "2026-03-02"])
    assert out.exit_code == 0, out.output
    assert out.stdout.startswith("# After-Action Report / Improvement Plan: ")
    assert "| **Exercise date** | 2026-03-02 |" in out.stdout
    assert "## Improvement Plan" in out.stdout and "| 2026-03-" in out.stdout


def test_aar_html_to_a_file_is_the_same_each_time(journal: Path, tmp_path: Path) -> None:
    pages = []
    for name in ("a.html", "b.html"):
        out = CliRunner().invoke(main, ["report", str(journal), "--format", "aar-html", "-o", str(tmp_path / name)])
        assert out.exit_code == 0, out.output
        pages.append((tmp_path / name).read_bytes())
    assert pages[0] == pages[1] and pages[0].startswith(b"<!DOCTYPE html>")


def test_a_bad_date_is_a_usage_error(journal: Path) -> None:
    out = CliRunner().invoke(main, ["report", str(journal), "--format", "aar-md", "--date", "next tuesday"])
    assert out.exit_code == 2
