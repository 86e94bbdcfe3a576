"""`warroom resume` without a journal lists unfinished drills; with a short id or a path it continues one.
Damaged journals are described, never a traceback: a cut-off last line is recovered, a wrong header named."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scoring.history import History, default_db
from sim.journal import directory
from tests.sim.engine_fixtures import IDEAL_PATH, SCENARIO_PATH
from tui.cli import main


@pytest.fixture
def journals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The user data dir of this test alone: the resume list reads its journals folder.
    monkeypatch.setenv("WARROOM_HOME", str(tmp_path / "home"))
    directory = tmp_path / "home" / "journals"
    directory.mkdir(parents=True)
    return directory


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def record(journal: Path, until: str | None = None) -> None:
    args = ["run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--journal", journal]
    code, _, err = warroom(*args, *(["--until", until] if until else []))
    assert code == 0, err


def test_the_list_shows_only_unfinished_drills_newest_first(journals: Path) -> None:
    record(journals / "pool-leak-s1-001.jsonl", "10m")
    record(journals / "pool-leak-s1-002.jsonl")  # runs to the end: finished, not listed
    record(journals / "pool-leak-s1-003.jsonl", "20m")
    os.utime(journals / "pool-leak-s1-001.jsonl", (1_000_000_000, 1_000_000_000))
    code, out, _ = warroom("resume")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "SCENARIO", "TRAINEE", "REACHED", "MODIFIED"]
    assert lines[1].split()[:4] == ["pool-leak-s1-003", "pool-leak", "trainee", "T+00:17:00"]
    assert lines[2].split()[:4] == ["pool-leak-s1-001", "pool-leak", "trainee", "T+00:09:50"]
    assert "pool-leak-s1-002" not in out
    assert "warroom resume ID" in out


def test_a_long_id_is_listed_whole_and_can_be_copied_back(journals: Path) -> None:
    """Journal ids carry the scenario and the seed: a long scenario name and a big seed must not be cut."""
    long_id = "pool-leak-with-a-rather-long-name-s9223372036854775807-20260105-001"
    record(journals / f"{long_id}.jsonl", "10m")
    record(journals / "pool-leak-s1-001.jsonl", "5m")
    _, out, _ = warroom("resume")
    rows = out.splitlines()[1:3]
    assert sorted(row.split()[0] for row in rows) == sorted([long_id, "pool-leak-s1-001"])
    assert len({row.index("pool-leak ") for row in rows}) == 1  # the columns still line up
    copied = next(row.split()[0] for row in rows if row.startswith("pool-leak-with"))
    code, _, err = warroom("resume", copied, "--actions", IDEAL_PATH)
    assert code == 0, err
    assert [u.id for u in directory.unfinished()] == ["pool-leak-s1-001"]


def test_an_empty_list_says_where_it_looked(journals: Path) -> None:
    code, out, _ = warroom("resume")
    assert code == 0
    assert f"No unfinished drills in {journals}" in out


def test_resume_by_short_id_or_unique_prefix_finishes_the_drill(journals: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference.jsonl"
    record(reference)
    record(journals / "pool-leak-s1-001.jsonl", "10m")
    record(journals / "other-s2-001.jsonl", "5m")
    code, _, err = warroom("resume", "pool", "--actions", IDEAL_PATH)
    assert code == 0, err
    assert (journals / "pool-leak-s1-001.jsonl").read_bytes() == reference.read_bytes()
    assert not directory.unfinished()[0].id.startswith("pool")  # finished drills leave the list
    assert "Stored in the history as drill 1." in err  # finished headless, stored like the TUI's debrief
    with History(default_db()) as h:
        [row] = h.drills(with_journal=True)
    assert row.scenario_id == "pool-leak" and row.journal == reference.read_text()


def test_unknown_and_ambiguous_ids_say_so(journals: Path) -> None:
    record(journals / "pool-leak-s1-001.jsonl", "10m")
    record(journals / "pool-leak-s1-002.jsonl", "10m")
    code, _, err = warroom("resume", "nothing-like-it", "--headless")
    assert code == 2
    assert "no unfinished drill or journal file 'nothing-like-it'" in err
    code, _, err = warroom("resume", "pool-leak", "--headless")
    assert code == 2
    assert "matches several unfinished drills (pool-leak-s1-001, pool-leak-s1-002)" in err


def test_a_cut_off_last_line_is_recovered(journals: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference.jsonl"
    record(reference)
    journal = journals / "pool-leak-s1-001.jsonl"
    record(journal, "12m")
    with open(journal, "ab") as f:
        f.write(b'{"t":720.0,"kind":"ale')  # a crash in the middle of a write
    listed = directory.unfinished()
    assert listed[0].truncated and not listed[0].problem
    code, out, _ = warroom("resume")
    assert "last line cut short" in out
    code, _, err = warroom("resume", journal, "--actions", IDEAL_PATH)
    assert code == 0, err
    assert journal.read_bytes() == reference.read_bytes()


def test_a_wrong_header_is_one_clear_line_naming_the_file(journals: Path) -> None:
    journal = journals / "junk-s1-001.jsonl"
    journal.write_text('{"t":0.0,"kind":"drill.started"}\n')
    code, out, _ = warroom("resume")
    assert code == 0
    assert f"junk-s1-001 cannot be resumed: {journal}: the first line is not a journal header" in out
    code, _, err = warroom("resume", "junk-s1-001", "--headless")
    assert code == 1
    assert err == f"warroom: {journal}: the first line is not a journal header\n"


def test_discard_moves_a_journal_aside_without_overwriting(journals: Path) -> None:
    journal = journals / "pool-leak-s1-001.jsonl"
    record(journal, "10m")
    first = directory.discard(journal)
    assert first == journals / "discarded" / "pool-leak-s1-001.jsonl" and first.is_file()
    record(journal, "10m")
    second = directory.discard(journal)
    assert second == journals / "discarded" / "pool-leak-s1-001.1.jsonl"
    assert directory.unfinished() == []


def test_answers_after_the_end_keep_a_drill_finished(journals: Path) -> None:
    journal = journals / "pool-leak-s1-001.jsonl"
    record(journal)
    with open(journal, "a", encoding="utf-8") as f:
        for n in range(3):  # lessons-learned answers are journaled after `drill.ended`
            f.write(json.dumps({"t": 2100.0, "kind": "debrief.answer", "question": n, "text": "ok"}) + "\n")
    assert directory.is_finished(journal)
    assert directory.unfinished() == []
    # A trainee typing the marker into a message cannot end a drill: the quotes arrive escaped.
    unfinished_one = journals / "pool-leak-s1-002.jsonl"
    record(unfinished_one, "10m")
    with open(unfinished_one, "a", encoding="utf-8") as f:
        f.write(json.dumps({"t": 600.0, "kind": "comms.sent", "text": '"kind":"drill.ended"'}) + "\n")
    assert not directory.is_finished(unfinished_one)
