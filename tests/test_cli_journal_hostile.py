"""Journals edited by hand, by accident or to break warroom: every command that reads one (resume, score,
report, replay) says `journal:line: what is wrong` and exits 1, never a traceback; resume refuses a journal
its replay does not reproduce and leaves it byte for byte; two resumes of one journal never run at once;
and a drill cut off before its end is scored as unfinished, never as passed."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.journal.events import DrillEnded
from sim.journal.jsonl import JournalInUse, read_journal
from sim.rerun.resume import resume
from tests.sim.engine_fixtures import IDEAL_PATH, SCENARIO_PATH
from tui.cli import main

ROOT = Path(__file__).resolve().parent.parent
NO_TERMINAL = "warroom: the drill needs an interactive terminal"
COMMANDS = {
    "resume": ("resume", "{j}", "--headless"),
    "score": ("score", "{j}"),
    "report": ("report", "{j}", "--format", "html"),
    "replay": ("replay", "{j}"),
}


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def run(name: str, journal: Path) -> tuple[int, str, str]:
    return warroom(*(a.format(j=journal) for a in COMMANDS[name]))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A pool-leak drill played by the ideal script to T+10m, and the same drill resumed to its end."""
    where = tmp_path_factory.mktemp("recorded")
    part, whole = where / "part.jsonl", where / "whole.jsonl"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WARROOM_HOME", str(where / "home"))
        code, _, err = warroom("run", SCENARIO_PATH, "--actions", IDEAL_PATH, "--until", "10m", "--journal", part)
        assert code == 0, err
        whole.write_bytes(part.read_bytes())
        code, _, err = warroom("resume", whole, "--headless")
        assert code == 0, err
    return part.read_bytes(), whole.read_bytes()


def lines_of(data: bytes) -> list[str]:
    return data.decode().splitlines()


BIG = "1" + "0" * 5000
NESTED = "[" * 100_000 + "]" * 100_000
# One hostile line each (`{T}` is the recorded journal's last time), as appended to an unfinished journal.
CRASH_LINES = {
    "t-string": '{"t":"abc","kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-null": '{"t":null,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-infinity": '{"t":Infinity,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-nan": '{"t":NaN,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-5000-digits": '{"t":' + BIG + ',"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-1e308": '{"t":1e308,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-negative": '{"t":-5.0,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "t-goes-back": '{"t":1.0,"kind":"facilitator.note","actor":"facilitator","text":"x"}',
    "null-line": "null",
    "nested-100000": NESTED,
    "value-nan": '{"t":{T},"kind":"alert","metric":"error_rate","level":"warn","value":NaN,"threshold":2.0,'
    '"previous":"ok"}',
    "value-overflow": '{"t":{T},"kind":"alert","metric":"error_rate","level":"warn","value":1e999,"threshold":2.0,'
    '"previous":"ok"}',
    "value-5000-digits": '{"t":{T},"kind":"alert","metric":"error_rate","level":"warn","value":' + BIG + ","
    '"threshold":2.0,"previous":"ok"}',
    "params-list": '{"t":{T},"kind":"action.started","action":"investigate","label":"x","params":["a"],'
    '"actor":"trainee","role":null,"finishes_at":{T}}',
    "params-string": '{"t":{T},"kind":"action.started","action":"investigate","label":"x","params":"a=b",'
    '"actor":"trainee","role":null,"finishes_at":{T}}',
    "params-nested": '{"t":{T},"kind":"action.started","action":"investigate","label":"x","params":{"a":{"b":1}},'
    '"actor":"trainee","role":null,"finishes_at":{T}}',
    "action-missing": '{"t":{T},"kind":"action.started","label":"x","params":{},"actor":"trainee","role":null,'
    '"finishes_at":{T}}',
    "unknown-kind": '{"t":{T},"kind":"martians.landed"}',
    "old-style-inject-unknown": '{"t":{T},"kind":"martians.landed","id":"x","sender":"a","text":"b"}',
    "unknown-facilitator-action": '{"t":{T},"kind":"facilitator.dance","actor":"facilitator"}',
    "unknown-inject": '{"t":{T},"kind":"facilitator.inject_now","actor":"facilitator","inject":"no-such-inject"}',
    "unknown-say-kind": '{"t":{T},"kind":"facilitator.say","actor":"facilitator","sender":"a","text":"b",'
    '"inject_kind":"telegram"}',
    "jump-negative": '{"t":{T},"kind":"facilitator.jump","actor":"facilitator","dt":-300}',
    "jump-not-a-number": '{"t":{T},"kind":"facilitator.jump","actor":"facilitator","dt":"soon"}',
    "hint-self": '{"t":{T},"kind":"facilitator.hint","actor":"facilitator","text":"x","self":1}',
    "bool-for-number": '{"t":{T},"kind":"recovery.verified","held_for":true}',
    "string-for-bool": '{"t":{T},"kind":"drill.ended","reason":"ended","verified":"yes","resolved":false}',
    "long-line": '{"t":{T},"kind":"facilitator.note","actor":"facilitator","text":"' + "x" * (1024 * 1024) + '"}',
}
# Bad headers: line 1 itself.
CRASH_HEADERS = {
    "seed-string": ("seed", "abc"),
    "seed-list": ("seed", [1]),
    "trainee-object": ("trainee", {"a": 1}),
    "scenario-null": ("scenario", None),
}


def hostile_journal(tmp_path: Path, part: bytes, line: str) -> tuple[Path, int]:
    """The recorded journal with `line` appended; the path and the line's number."""
    lines = lines_of(part)
    last = json.loads(lines[-1])["t"]
    journal = tmp_path / "hostile.jsonl"
    journal.write_text("\n".join([*lines, line.replace("{T}", repr(float(last)))]) + "\n")
    return journal, len(lines) + 1


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CRASH_LINES)
def test_a_hostile_line_is_named_and_exits_1(
    recorded: tuple[bytes, bytes], tmp_path: Path, case: str, command: str
) -> None:
    journal, n = hostile_journal(tmp_path, recorded[0], CRASH_LINES[case])
    before = journal.read_bytes()
    code, out, err = run(command, journal)
    assert "Traceback" not in out + err
    assert code == 1, (code, err)
    assert f"{journal}:{n}: " in err, err
    assert len(err) < 2000  # one line or so, not the whole hostile line back
    assert journal.read_bytes() == before


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", CRASH_HEADERS)
def test_a_hostile_header_is_named_and_exits_1(
    recorded: tuple[bytes, bytes], tmp_path: Path, case: str, command: str
) -> None:
    key, value = CRASH_HEADERS[case]
    lines = lines_of(recorded[0])
    header = json.loads(lines[0])
    header[key] = value
    journal = tmp_path / "hostile.jsonl"
    journal.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
    code, out, err = run(command, journal)
    assert "Traceback" not in out + err
    assert code == 1, (code, err)
    assert f"{journal}:1: the journal header's {key!r}" in err


def test_resume_refuses_an_event_the_replay_does_not_give_and_keeps_the_file(
    recorded: tuple[bytes, bytes], tmp_path: Path
) -> None:
    # A well-formed event that never happened: the old resume skipped a real event in its place, exit 0.
    part = recorded[0]
    last = json.loads(lines_of(part)[-1])
    fake = {"t": last["t"], "kind": "alert", "metric": "error_rate", "level": "warn", "value": 4.5, "threshold": 2.0,
            "previous": "critical"}  # fmt: skip
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(part + (json.dumps(fake, separators=(",", ":")) + "\n").encode())
    before = journal.read_bytes()
    code, out, err = warroom("resume", journal, "--headless")
    assert code == 1 and "Traceback" not in out + err
    n = len(lines_of(part)) + 1
    assert f"{journal}:{n}: replay diverges at event {n - 1}" in err
    assert "not resumed, and the journal is left as it was" in err
    assert journal.read_bytes() == before


def test_resume_refuses_events_after_the_end_and_missing_events(recorded: tuple[bytes, bytes], tmp_path: Path) -> None:
    whole = recorded[1]
    lines = lines_of(whole)
    journal = tmp_path / "j.jsonl"
    after_end = '{"t":7200.0,"kind":"facilitator.note","actor":"facilitator","text":"late"}'
    for text in (
        "\n".join([*lines, after_end]) + "\n",  # more events than the drill gives
        "\n".join([*lines[:5], *lines[6:]]) + "\n",  # an event taken out: fewer
    ):
        journal.write_text(text)
        code, out, err = warroom("resume", journal, "--headless")
        assert code == 1 and "Traceback" not in out + err, err
        assert f"{journal}:" in err
        assert journal.read_text() == text


def test_a_cut_off_last_line_is_still_dropped_with_a_notice(recorded: tuple[bytes, bytes], tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(recorded[0] + b'{"t":600.0,"kind":"ale')
    code, _, err = warroom("resume", journal, "--headless")
    assert code == 0, err
    assert journal.read_bytes() == recorded[1]


# -- locks ----------------------------------------------------------------------------------------


def test_a_journal_being_resumed_cannot_be_resumed_again(recorded: tuple[bytes, bytes], tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(recorded[0])
    first = resume(journal)
    try:
        with pytest.raises(JournalInUse, match="the drill is in use"):
            resume(journal)
    finally:
        first.close()
    resume(journal).close()  # closed: free again


def _held(path: Path) -> bool:
    """Whether another process holds the journal's lock."""
    with open(path, "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


def test_two_resumes_at_once_one_refuses(recorded: tuple[bytes, bytes], tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(recorded[0])
    cli = [sys.executable, "-c", "from tui.cli import main; main()", "resume", str(journal), "--headless"]
    env = {**os.environ, "WARROOM_HOME": str(tmp_path / "home")}
    # Paced: 20 ms of wall time per sim minute, so it holds the journal for a couple of seconds.
    first = subprocess.Popen([*cli, "--pace", "0.02"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _held(journal):
            assert first.poll() is None, "the first resume ended before it took the lock"
            assert time.monotonic() < deadline, "the first resume never took the lock"
            time.sleep(0.01)
        second = subprocess.run(cli, cwd=ROOT, env=env, capture_output=True, timeout=60)
        assert second.returncode == 1, second.stderr
        assert b"the drill is in use" in second.stderr and b"Traceback" not in second.stderr
        _, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, err
    assert journal.read_bytes() == recorded[1]  # one drill wrote it, as if it had never stopped


# -- unfinished drills ------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", ["header only", "part way"])
def test_an_unfinished_drill_is_scored_as_unfinished(recorded: tuple[bytes, bytes], tmp_path: Path, cut: str) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_text(lines_of(recorded[0])[0] + "\n" if cut == "header only" else recorded[0].decode())
    code, out, err = warroom("score", journal)
    assert code == 0, err
    assert "UNFINISHED" in out and "before the drill ended" in out
    assert " passed" not in out.replace("not passed", "")
    for fmt in ("md", "html"):
        code, out, err = warroom("report", journal, "--format", fmt)
        assert code == 0 and "UNFINISHED" in out, err
    code, out, _ = warroom("report", journal, "--format", "json")
    score = json.loads(out)["score"]
    assert score["finished"] is False and score["passed"] is False


def test_a_finished_drill_says_nothing_of_it(recorded: tuple[bytes, bytes], tmp_path: Path) -> None:
    journal = tmp_path / "j.jsonl"
    journal.write_bytes(recorded[1])
    assert read_journal(journal).record.first(DrillEnded) is not None
    code, out, _ = warroom("score", journal)
    assert code == 0 and "UNFINISHED" not in out
    code, out, _ = warroom("report", journal, "--format", "json")
    assert "finished" not in json.loads(out)["score"]


# -- fuzz -------------------------------------------------------------------------------------------

HOSTILE_VALUES = ['"abc"', "null", "Infinity", "-Infinity", "NaN", BIG, "1e308", "-1", "[]", '["a"]', "{}",
                  '{"a":{"b":1}}', "true", '"5m"', "0", "1e999", "[" * 2000 + "]" * 2000]  # fmt: skip
HOSTILE_LINES = [line for key, line in CRASH_LINES.items() if key != "long-line"]


def _replace_value(line: str, key: str, value: str) -> str:
    obj = json.loads(line)
    if key not in obj:
        return line
    obj[key] = "\x00HOSTILE\x00"
    return json.dumps(obj, separators=(",", ":")).replace('"\\u0000HOSTILE\\u0000"', value)


@st.composite
def mutations(draw: st.DrawFn, n_lines: int) -> tuple[str, int, str, str]:
    """(how, which line (0-based, never the header), a key, the hostile text)."""
    how = draw(st.sampled_from(["value", "replace", "insert", "append", "duplicate", "delete"]))
    index = draw(st.integers(1, n_lines - 1))
    key = draw(st.sampled_from(["t", "kind", "params", "action", "value", "dt", "inject", "actor", "level"]))
    text = draw(st.sampled_from(HOSTILE_VALUES if how == "value" else HOSTILE_LINES))
    return how, index, key, text


def mutate(lines: list[str], how: str, index: int, key: str, text: str, last_t: float) -> tuple[list[str], int]:
    """The mutated lines, and the index of the first line that differs from the original."""
    text = text.replace("{T}", repr(last_t))
    out = list(lines)
    if how == "value":
        out[index] = _replace_value(lines[index], key, text)
    elif how == "replace":
        out[index] = text
    elif how == "insert":
        out.insert(index, text)
    elif how == "append":
        out.append(text)
        index = len(lines)
    elif how == "duplicate":
        out.insert(index, lines[index])
    else:
        del out[index]
    return out, index


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_fuzzed_journals_never_crash_and_resume_never_drops_an_event(
    recorded: tuple[bytes, bytes], tmp_path: Path, data: st.DataObject
) -> None:
    part, whole = recorded
    lines = lines_of(part)
    how, index, key, text = data.draw(mutations(len(lines)))
    mutated, first_changed = mutate(lines, how, index, key, text, json.loads(lines[-1])["t"])
    journal = tmp_path / "fuzz.jsonl"
    content = ("\n".join(mutated) + "\n").encode()
    for command in COMMANDS:
        journal.write_bytes(content)
        code, out, err = run(command, journal)
        assert "Traceback" not in out + err, (command, err)
        if command == "replay" and code == 2:
            assert err.startswith(NO_TERMINAL), err  # a journal it accepts, then no terminal to show it in
            continue
        assert code in (0, 1), (command, code, err)
        if code == 1:
            assert err.startswith(("warroom: ", "Error: ")) and err.count("\n") <= 2, err
        if command != "resume":
            continue
        if code == 1:
            assert journal.read_bytes() == content  # refused: untouched
            continue
        # Accepted: every line it had is still there, as it was, and what the uninterrupted drill did before
        # the first changed line is what the resumed one did.
        after = journal.read_bytes()
        assert after.startswith(content)
        theirs = lines_of(whole)[:first_changed]
        assert lines_of(after)[:first_changed] == theirs
