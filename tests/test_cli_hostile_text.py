"""Terminal control sequences in scenarios, journals, the history and names never reach the terminal:
files are refused with their position, and text read back is shown with the codes written out."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scoring.history import History
from tests.scoring.test_history import _row
from tests.sim.engine_fixtures import IDEAL_PATH, SCENARIO_PATH
from tui.cli import main

OSC_TITLE = "\x1b]0;PWNED\x07"
CLEAR = "\x1b[2J"


def warroom(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


def assert_inert(out: str) -> None:
    assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out


def test_a_scenario_with_escape_codes_is_refused_at_their_place(tmp_path: Path) -> None:
    text = Path(SCENARIO_PATH).read_text(encoding="utf-8")
    evil = tmp_path / "evil.yaml"
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("title:"))
    lines[at] = 'title: "\\e]0;PWNED\\a\\e[2JPool leak"'
    evil.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = warroom("validate", evil)
    assert code == 1
    assert_inert(out)
    assert f"{evil}:{at + 1}:8: title: control character \\x1b is not allowed in text" in out


def test_a_trainee_name_with_escape_codes_is_shown_written_out(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    code, out = warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--journal", journal, "--trainee", OSC_TITLE)
    assert code == 0
    assert_inert(out)
    assert "\\x1b]0;PWNED\\x07 starts acknowledge" in out
    assert "\\u001b" not in journal.read_text(encoding="utf-8")  # the journal holds the written-out name


def test_a_tampered_journal_is_read_with_its_codes_written_out(tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    assert warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--journal", journal)[0] == 0
    lines = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    lines[0]["trainee"] = CLEAR + OSC_TITLE
    for line in lines[1:]:
        if line["kind"] == "comms.sent":
            line["text"] = OSC_TITLE + line["text"]
    journal.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    for command in (["score"], ["report", "--format", "md"], ["report", "--format", "json"]):
        code, out = warroom(*command, journal)
        assert code == 0, out
        assert_inert(out)
        if command == ["score"]:
            assert "Trainee: \\x1b[2J\\x1b]0;PWNED\\x07" in out


def test_a_tampered_history_is_listed_with_its_codes_written_out(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    with History(db) as h:
        h.add(_row(trainee=OSC_TITLE + "ana", team=CLEAR))
    for args in ([], ["show", "1"], ["trends"]):
        code, out = warroom("history", "--db", db, *args)
        assert code == 0, out
        assert_inert(out)
        assert "\\x1b]0;PWNED" in out
