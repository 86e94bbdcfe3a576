"""The journal: header, one flushed line per event, tolerance of a cut-off last line, and resuming a drill
by replay to exactly the state and events of an uninterrupted run."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from sim.engine.drill import Drill
from sim.journal.drill_record import JOURNAL_FORMAT
from sim.journal.events import ActionFinished, Alert, Inject, from_json, to_json
from sim.journal.jsonl import JournalError, read_journal, read_record
from sim.rerun.resume import resume
from sim.training.runner import play, run_script, steps_left
from tests.sim.engine_fixtures import HERE, PLAYBOOK_PATH, SCENARIO_PATH, ideal, of, playbook, scenario


def full_run(path: Path) -> Drill:
    return run_script(
        scenario(), playbook(), ideal(), journal=path, scenario_path=SCENARIO_PATH, playbook_path=PLAYBOOK_PATH
    )


def test_the_header_names_everything_needed_to_replay(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    Drill(scenario(), playbook(), 11, trainee="Robin", team="blue", journal=path, scenario_path=SCENARIO_PATH)
    header = json.loads(path.read_text().splitlines()[0])
    assert header["format"] == JOURNAL_FORMAT
    assert (header["scenario"], header["playbook"], header["seed"]) == ("pool-leak", "drillbook", 11)
    assert (header["trainee"], header["team"]) == ("Robin", "blue")
    assert header["scenario_path"] == str(SCENARIO_PATH.resolve())
    assert len(header["scenario_hash"]) == len(header["playbook_hash"]) == 64


def test_every_event_is_on_disk_as_it_happens(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path)
    d.advance(900)
    d.act("acknowledge")
    # Not closed: each line was flushed when its event happened.
    lines = path.read_text().splitlines()
    assert len(lines) == 1 + len(d.events)
    assert json.loads(lines[-1])["kind"] == "action.started"
    assert read_record(path).events == tuple(d.events)
    d.close()


def test_every_event_reads_back_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = full_run(path)
    kinds = {e.kind for e in d.events}
    assert {"inject", "alert", "action.finished", "drill.ended"} <= kinds
    assert read_record(path).events == tuple(d.events)  # injects included: their kind is not the line's


def test_an_inject_line_written_before_inject_kind_reads_as_an_inject() -> None:
    old = {"t": 90.0, "kind": "page", "id": "first-page", "sender": "pagerduty", "text": "Down", "sender_title": ""}
    event = from_json(old)
    assert event == Inject(t=90.0, id="first-page", inject_kind="page", sender="pagerduty", text="Down",
                           sender_title="")  # fmt: skip
    line = to_json(event)
    assert list(line) == ["t", "kind", "id", "inject_kind", "sender", "text", "sender_title"]  # the engine's order
    assert line["kind"] == "inject" and line["inject_kind"] == "page"
    # An alert inject took the line's kind `alert`, the metric alert's own: its keys tell them apart.
    assert from_json({**old, "kind": "alert"}) == event._replace(inject_kind="alert")
    metric_alert = {"t": 70.0, "kind": "alert", "metric": "error_rate", "level": "warn", "value": 2.5,
                    "threshold": 2.0, "previous": "ok"}  # fmt: skip
    assert isinstance(from_json(metric_alert), Alert)


def test_a_line_that_is_no_known_event_is_a_journal_error(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    Drill(scenario(), playbook(), journal=path).close()
    good = path.read_text()
    for line, why in [
        ('{"t":1.0,"kind":"telegram","text":"hi"}', "unknown event kind 'telegram'"),
        ('{"t":1.0,"kind":"recovery.verified","held_for":1.0,"extra":2}', "unknown key(s) 'extra'"),
        ('{"t":1.0,"kind":"timer.cancelled","timer":"x"}', "missing key(s) 'label'"),
    ]:
        path.write_text(good + line + "\n")
        with pytest.raises(JournalError, match=re.escape(why)):
            read_journal(path)


def test_a_cut_off_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = full_run(path)
    data = path.read_bytes()
    path.write_bytes(data[:-7])
    journal = read_journal(path)
    assert journal.truncated
    assert len(journal.events) == len(d.events) - 1
    assert journal.valid_bytes == data[:-7].rfind(b"\n") + 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'{"format": 1, "scen', "empty"),
        (b'{"kind": "x"}\n', "not a journal header"),
        (b'{"format": 99}\n', "format 99"),
        (b'{"format": 1}\n', "incomplete journal header"),
    ],
)
def test_unreadable_journals_say_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "j.jsonl"
    path.write_bytes(content)
    with pytest.raises(JournalError, match=message):
        read_journal(path)


def test_a_damaged_line_in_the_middle_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    full_run(path)
    lines = path.read_bytes().split(b"\n")
    lines[5] = b"garbage"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(JournalError, match=r"j\.jsonl:6: not valid JSON"):
        read_journal(path)


def test_resume_after_a_crash_matches_an_uninterrupted_run(tmp_path: Path) -> None:
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    full = full_run(whole)
    run_script(
        scenario(),
        playbook(),
        ideal(),
        until=840,
        journal=cut,
        scenario_path=SCENARIO_PATH,
        playbook_path=PLAYBOOK_PATH,
    )
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) - 25])  # the crash hit mid-write
    resumed = resume(cut)
    assert resumed.now <= 840
    play(resumed, steps_left(resumed, ideal()))
    resumed.close()
    assert cut.read_bytes() == whole.read_bytes()
    assert resumed.state == full.state
    assert resumed.series("cost") == full.series("cost")


def test_resume_replays_every_kind_of_input(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path, scenario_path=SCENARIO_PATH, playbook_path=PLAYBOOK_PATH)
    d.advance(400)
    d.facilitate("hint", text="Look up.")
    d.act("investigate", target="logs", actor="Ana", role="tech_lead")
    d.advance(30)
    d.cancel("investigate", actor="Ana")
    with pytest.raises(Exception, match="unknown severity"):
        d.act("declare", severity="SEV7")
    d.act("assign_role", role="ic", who="Bo")
    d.facilitate("jump", dt="10m")
    d.facilitate("inject_now", inject="vendor")
    d.advance(123.4)
    d.end()
    d.close()
    resumed = resume(path)
    assert [to_json(e) for e in resumed.events] == [to_json(e) for e in d.events]
    assert resumed.state == d.state
    assert resumed.finished


def test_a_resumed_drill_keeps_journaling_to_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path, scenario_path=SCENARIO_PATH, playbook_path=PLAYBOOK_PATH)
    d.advance(500)
    d.close()
    resumed = resume(path)
    resumed.act("acknowledge")
    resumed.advance(100)
    resumed.close()
    record = read_record(path)
    assert [to_json(e) for e in record.events] == [to_json(e) for e in resumed.events]
    assert of(record.events, ActionFinished, action="acknowledge")


def test_a_changed_scenario_is_refused(tmp_path: Path) -> None:
    shutil.copytree(HERE, tmp_path / "fx")
    scenario_file = tmp_path / "fx" / "library" / "pool-leak.yaml"
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path, scenario_path=scenario_file, playbook_path=PLAYBOOK_PATH)
    d.advance(300)
    d.close()
    scenario_file.write_text(scenario_file.read_text().replace("duration: 2h", "duration: 3h"))
    with pytest.raises(JournalError, match="has changed since this drill was recorded"):
        resume(path)
    scenario_file.unlink()
    with pytest.raises(JournalError, match="no longer exists"):
        resume(path)


def test_a_journal_without_paths_resumes_from_the_models_it_was_made_with(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path)
    d.advance(700)
    d.close()
    with pytest.raises(JournalError, match="does not say where"):
        resume(path)
    resumed = resume(path, scenario=scenario(), playbook=playbook())
    assert resumed.events == d.events[: len(resumed.events)]
    resumed.close()  # releases the journal's lock
    other = scenario().model_copy(update={"duration": 60.0})
    with pytest.raises(JournalError, match="not the one the drill was recorded with"):
        resume(path, scenario=other, playbook=playbook())


def test_a_journal_that_does_not_replay_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    d = Drill(scenario(), playbook(), journal=path, scenario_path=SCENARIO_PATH, playbook_path=PLAYBOOK_PATH)
    d.advance(700)
    d.close()
    lines = path.read_text().splitlines()
    assert '"kind":"fault.started"' in lines[2]
    lines[2] = lines[2].replace('"label":"', '"label":"Imagined ')
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(JournalError, match="replay diverges at event 2"):
        resume(path)


def test_a_journal_without_paths_finds_a_library_scenario_by_id(tmp_path: Path) -> None:
    # What the TUI writes: a drill built from loaded models, its header naming ids and content hashes.
    from sim.format.library import Library

    tutorial, playbook, _, _ = Library().open("tutorial")
    path = tmp_path / "j.jsonl"
    d = Drill(tutorial, playbook, journal=path)
    d.advance(400)
    d.close()
    resumed = resume(path)
    assert resumed.scenario == tutorial
    assert [to_json(e) for e in resumed.events] == [to_json(e) for e in d.events]
