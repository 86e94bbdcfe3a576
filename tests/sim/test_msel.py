"""The MSEL round trip: every bundled scenario's injects survive export then import unchanged, the CSV is one a
spreadsheet opens cleanly, and a bad file is reported cell by cell, never with a traceback."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scenarios
from sim.authoring.msel import COLUMNS, MselError, decode, duration, read_msel, write_msel
from sim.authoring.msel_scenario import write_scenario
from sim.format.catalogue import STANDARD_IDS
from sim.format.checks import TIMER_IDS
from sim.format.library import Library
from sim.format.scenario import Inject, Scenario

LIBRARY = sorted(scenarios.LIBRARY.glob("*.yaml"))


def round_trip(path: Path, scenario: Scenario, playbooks: Any) -> Scenario:
    """Export `scenario`'s injects, then import them into the file at `path`."""
    text = write_msel(scenario)
    rows = read_msel(decode(text.encode("utf-8"), "events.csv"), "events.csv")
    written = write_scenario(rows, "events.csv", path.read_text(encoding="utf-8"), str(path), playbooks)
    assert written.scenario is not None, "\n".join(map(str, written.problems))
    return written.scenario


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_bundled_scenario_keeps_its_injects(path: Path) -> None:
    library = Library.bundled()
    opened = library.load_scenario(path)
    assert opened.scenario.injects, "a bundled scenario without injects proves nothing here"
    back = round_trip(path, opened.scenario, library.playbooks(beside=path))
    assert back.injects == opened.scenario.injects
    assert back == opened.scenario  # and nothing else moved


def test_every_trigger_kind_is_in_the_library() -> None:
    """The round trip above covers each way an inject can fire."""
    library = Library.bundled()
    triggers = [i.trigger for p in LIBRARY for i in library.load_scenario(p).scenario.injects]
    assert any(t.at is not None for t in triggers)
    assert any(t.metric is not None for t in triggers)
    assert any(t.after_action is not None for t in triggers)  # with parameters: test_the_trigger_column…
    assert any(t.timer_expired is not None for t in triggers)
    assert any(t.delay for t in triggers)


@pytest.fixture(scope="module")
def pool() -> tuple[Path, Scenario, Any]:
    library = Library.bundled()
    path = scenarios.LIBRARY / "db-pool-exhaustion.yaml"
    opened = library.load_scenario(path)
    return path, opened.scenario, library.playbooks(beside=path)


def test_the_csv_is_one_a_spreadsheet_opens(pool: tuple[Path, Scenario, Any]) -> None:
    _, scenario, _ = pool
    text = write_msel(scenario)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the BOM
    body = text.removeprefix("\ufeff")
    records = list(csv.reader(io.StringIO(body, newline="")))
    assert tuple(records[0]) == COLUMNS
    assert len(records) == 1 + len(scenario.injects)
    assert all(line.startswith('"') for line in body.split("\r\n") if line)  # every field quoted
    assert "\n" not in body.replace("\r\n", "")  # CRLF ends every record (the texts here are one line)
    first = dict(zip(COLUMNS, records[1], strict=True))
    assert first["Number"] == "1" and first["Delivery method"] == scenario.injects[0].kind
    assert first["Inject ID"] == scenario.injects[0].id


def _with(scenario: Scenario, *injects: Inject) -> Scenario:
    out: Scenario = scenario.model_copy(update={"injects": list(injects)})
    return out


def _inject(
    text: str, trigger: dict[str, Any], *, sender: str = "", unless: tuple[Any, ...] = (), id: str = "x"
) -> Inject:
    """An inject as a file writes it (the models read the file's form: durations with units)."""
    data = {"id": id, "kind": "chat", "from": sender, "text": text, "trigger": trigger, "unless": list(unless)}
    out: Inject = Inject.model_validate(data)
    return out


def test_formula_text_is_guarded_and_comes_back_as_written(pool: tuple[Path, Scenario, Any]) -> None:
    path, scenario, playbooks = pool
    hostile = '=HYPERLINK("http://evil.example","click")'
    sc = _with(scenario, _inject(hostile, {"at": "1m"}, sender="@cto", unless=("post_update",)))
    records = list(csv.reader(io.StringIO(write_msel(sc).removeprefix("\ufeff"), newline="")))
    row = dict(zip(COLUMNS, records[1], strict=True))
    assert row["Event synopsis"] == "'" + hostile and row["From"] == "'@cto"
    back = round_trip(path, sc, playbooks)
    assert back.injects == sc.injects


def test_a_leading_apostrophe_of_its_own_survives(pool: tuple[Path, Scenario, Any]) -> None:
    path, scenario, playbooks = pool
    sc = _with(scenario, _inject("'quoted' says the CTO", {"at": "1m"}))
    assert round_trip(path, sc, playbooks).injects == sc.injects


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("'=1+1", "=1+1"),  # as warroom wrote it
        ("=1+1", "=1+1"),  # after a spreadsheet dropped the apostrophe on saving
        ("''tis so", "'tis so"),
        ("'tis so", "'tis so"),  # typed by hand: an apostrophe of the text's own
    ],
)
def test_only_a_guarding_apostrophe_is_taken_off(cell: str, text: str) -> None:
    (row,) = read_msel(f'Time,Synopsis,Kind\r\nT+00:01:00,"{cell}",chat\r\n', "x.csv")
    assert row.get("Event synopsis") == text


def test_the_trigger_column_spells_each_trigger(pool: tuple[Path, Scenario, Any]) -> None:
    _, scenario, _ = pool
    triggers: list[dict[str, Any]] = [
        {"at": "8m"},
        {"at": "10m", "delay": "30.5s"},
        {"metric": {"metric": "error_rate", "above": 5.0, "for": "1m30s"}},
        {"metric": {"metric": "pool_wait", "below": 0.25}},
        {"after_action": {"do": "page", "with": {"contact": "dba"}}, "delay": "2m"},
        {"after_action": {"do": "post_update", "with": {"text": 'say "hi", (then) go'}}},
        {"timer_expired": "sla.executives"},
    ]
    sc = _with(scenario, *(_inject(f"n{i}", t, id=f"i{i}") for i, t in enumerate(triggers)))
    records = list(csv.reader(io.StringIO(write_msel(sc).removeprefix("\ufeff"), newline="")))[1:]
    cells = [(r[1], r[2]) for r in records]
    assert cells == [
        ("T+00:08:00", "time"),
        ("T+00:10:30.5", "at 10m, delay 30.5s"),
        ("", "metric error_rate above 5 for 1m30s"),
        ("", "metric pool_wait below 0.25"),
        ("", "after page (contact: dba), delay 2m"),
        ("", 'after post_update (text: "say \\"hi\\", (then) go")'),
        ("", "timer sla.executives"),
    ]


# -- bad files ---------------------------------------------------------------------------------------------

HEAD = "Number,Scenario time,Trigger,Event synopsis,Delivery method,Expected action\r\n"


def problems_of(text: str, pool: tuple[Path, Scenario, Any]) -> list[str]:
    path, _, playbooks = pool
    try:
        rows = read_msel(decode(text.encode("utf-8"), "bad.csv"), "bad.csv")
        written = write_scenario(rows, "bad.csv", path.read_text(encoding="utf-8"), str(path), playbooks)
    except MselError as exc:
        return [str(p) for p in exc.problems]
    return [str(p) for p in written.problems]


@pytest.mark.parametrize(
    ("row", "where", "says"),
    [
        ("1,,metric error_rate abov 5,x,alert,", "2:4", "not a metric condition"),
        ("1,,after page (contact: dba,x,page,", "2:4", "brackets"),
        ("1,T+00:01:00,metric error_rate above 5,x,log,", "2:3", "no scenario time"),
        ("1,,,x,chat,", "2:3", "no scenario time and no trigger"),
        ("1,T+00:01:00,,x,carrier pigeon,", "2:17", "not a delivery method"),
        ("1,T+00:01:00,,,chat,", "2:15", "no event synopsis"),
        ("1,soon,,x,chat,", "2:3", "not a scenario time"),
        ("1,T+00:01:00,at 2m,x,chat,", "2:14", "Scenario time says"),
        ("1,,metric nope above 5,x,alert,", "2:4", "metric 'nope' is not defined"),
        ("1,T+09:00:00,,x,chat,", "2:3", "after the drill ends"),
        ("1,T+00:01:00,,x,chat,brief_executives; bogus", "2:22", "action 'bogus' is not defined"),
        ("1,,timer sla.statuspage,x,chat,", "2:4", "did you mean 'sla.status_page'?"),
    ],
)
def test_a_bad_cell_is_reported_where_it_is(row: str, where: str, says: str, pool: tuple[Path, Scenario, Any]) -> None:
    found = problems_of(HEAD + row + "\r\n", pool)
    assert any(p.startswith(f"bad.csv:{where}: ") and says in p for p in found), found


def test_every_bad_row_is_reported_at_once(pool: tuple[Path, Scenario, Any]) -> None:
    found = problems_of(HEAD + "1,,,x,chat,\r\n2,,,y,chat,\r\n", pool)
    assert [p.split(": ")[0] for p in found] == ["bad.csv:2:3", "bad.csv:3:3"]


def test_a_quoted_cell_over_several_lines_keeps_positions(pool: tuple[Path, Scenario, Any]) -> None:
    text = HEAD + '1,T+00:01:00,,"two\r\nlines",chat,\r\n2,,metric nope above 1,x,alert,\r\n'
    found = problems_of(text, pool)
    assert any(p.startswith("bad.csv:4:4: ") for p in found), found


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfeN\x00o\x00", "not UTF-8"),
        (b"Number,Text\r\n1,x\r\n", "no 'Delivery method'"),
        (b'Time,Synopsis,Kind\r\n"unterminated,x,chat\r\n', "not valid CSV"),
        (b"Time,Synopsis,Kind\r\nT+00:01:00,a\x00b,chat\r\n", "NUL"),
        (b"Time,Synopsis,Kind,Kind\r\n", "two columns"),
    ],
)
def test_a_file_of_the_wrong_shape_says_why(data: bytes, says: str) -> None:
    with pytest.raises(MselError) as caught:
        read_msel(decode(data, "bad.csv"), "bad.csv")
    assert says in str(caught.value)
    assert str(caught.value).startswith("bad.csv:")


def test_reads_are_bounded() -> None:
    from sim.authoring import msel

    with pytest.raises(MselError, match="over"):
        decode(b"x" * (msel.MAX_BYTES + 1), "big.csv")
    rows = "".join(f"{i},T+00:00:01,,x,chat\r\n" for i in range(msel.MAX_ROWS + 1))
    with pytest.raises(MselError, match="more than"):
        read_msel("Number,Time,Trigger,Synopsis,Kind\r\n" + rows, "long.csv")
    with pytest.raises(MselError, match="columns"):
        read_msel("Time,Synopsis,Kind" + "," * msel.MAX_COLUMNS + "\r\n", "wide.csv")


def test_a_spreadsheets_own_header_names_and_semicolons_are_read() -> None:
    text = "#;Time;Event;Kind;Inject id;Owner\r\n1;T+00:01:00;Hello;Chat;hello;someone\r\n"
    (row,) = read_msel(text, "eu.csv")
    assert row.get("Event synopsis") == "Hello" and row.get("Inject ID") == "hello"
    assert "Owner" not in row.cells  # a column of the team's own is left alone


# -- properties ----------------------------------------------------------------------------------------------

# Text a scenario can hold: anything printable, quotes, commas, apostrophes and line breaks included.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029")
    | st.sampled_from("\n'\""),
    min_size=1,
    max_size=40,
).filter(str.strip)
WORD = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)
DURATION = (st.integers(0, 3000).map(float) | st.sampled_from([0.5, 12.25, 90.1])).map(duration)


def triggers(scenario: Scenario) -> st.SearchStrategy[dict[str, Any]]:
    """Triggers of every kind, as a file writes them, naming what the scenario has."""
    metrics = st.sampled_from([m.id for m in scenario.metrics])
    actions = st.sampled_from(sorted(STANDARD_IDS) + [a.id for a in scenario.actions])
    params = TEXT.filter(lambda s: "\n" not in s)
    # Parameters as the actions take them: whom to page, and free text to post.
    contacts = st.sampled_from(["dba", "eng-manager", "oncall-secondary"])
    ref = actions | st.fixed_dictionaries({"do": st.just("page"), "with": st.fixed_dictionaries({"contact": contacts})})
    ref |= st.fixed_dictionaries({"do": st.just("post_update"), "with": st.fixed_dictionaries({"text": params})})
    value = st.floats(-1e6, 1e6, allow_nan=False)
    metric = st.fixed_dictionaries({"metric": metrics, "above": value}, optional={"for": DURATION}) | (
        st.fixed_dictionaries({"metric": metrics, "below": value})
    )
    base = st.one_of(
        st.fixed_dictionaries({"at": DURATION}),
        st.fixed_dictionaries({"metric": metric}),
        st.fixed_dictionaries({"after_action": ref}),
        st.fixed_dictionaries({"timer_expired": st.sampled_from(TIMER_IDS)}),
    )
    return st.tuples(base, st.sampled_from([None, None, "30s", "1.5s"])).map(
        lambda bd: bd[0] | ({"delay": bd[1]} if bd[1] else {})
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_injects_round_trip(data: st.DataObject, pool: tuple[Path, Scenario, Any]) -> None:
    path, scenario, playbooks = pool
    actions = ["post_update", "brief_executives", *[a.id for a in scenario.actions]]
    injects = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "id": WORD,
                    "kind": st.sampled_from(["alert", "page", "chat", "customer_report", "log", "exec_ping", "hint"]),
                    "from": st.just("") | TEXT.filter(lambda s: "\n" not in s),
                    "text": TEXT,
                    "trigger": triggers(scenario),
                    "unless": st.lists(st.sampled_from(actions), max_size=2, unique=True),
                }
            ).map(Inject.model_validate),
            min_size=1,
            max_size=5,
            unique_by=lambda i: i.id,
        )
    )
    sc = _with(scenario, *injects)
    assert round_trip(path, sc, playbooks).injects == sc.injects


# Pieces of an MSEL row, shuffled: the reader and the cell parsers meet quotes, separators and keywords anywhere.
PIECES = [*',;"\'\r\n\x00(): 5', "metric ", "error_rate ", "above ", "after ", "page ", "timer ", "time", ", delay 2m",
          "T+00:01:00", "chat", "contact: ", "é"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
def test_the_reader_never_fails_but_with_a_located_problem(data: bytes | str) -> None:
    raw = data if isinstance(data, bytes) else (HEAD + data).encode("utf-8")
    try:
        rows = read_msel(decode(raw, "f.csv"), "f.csv")
    except MselError as exc:
        assert exc.problems and all(str(p).startswith("f.csv:") for p in exc.problems)
        assert all(p.line >= 1 and p.col >= 1 for p in exc.problems)
        return
    from sim.authoring.msel_cells import inject_data

    for n, row in enumerate(rows, 1):
        try:
            inject_data(row, n, "f.csv")
        except MselError as exc:
            assert all(p.line >= 1 and p.col >= 1 for p in exc.problems)
