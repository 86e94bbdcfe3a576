"""The public loader: each class of mistake is one clear `path:line:col: message — hint`; hostile files are refused."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from sim.format import library, loading, yamlsafe
from sim.format.loading import (
    Document,
    LoadError,
    Problem,
    load_playbook,
    load_scenario,
    load_script,
)
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.journal.jsonl import file_hash

FIXTURES = Path(__file__).with_name("fixtures")
PLAYBOOK = FIXTURES / "playbook.yaml"
SCENARIO = FIXTURES / "scenario.yaml"
SCRIPT = FIXTURES / "script.yaml"


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook(PLAYBOOK)


@pytest.fixture(scope="module")
def scenario(playbook: Playbook) -> Scenario:
    return load_scenario(SCENARIO, {"tiny": playbook})


def load_document(path: Path) -> Document:
    """Whatever `path` holds, checked with what the library knows (its kind detected from the content)."""
    return library.Library().check(path).unwrap()


def load_alone(path: Path) -> Scenario:
    """The scenario at `path` checked against no playbooks at all."""
    return load_scenario(path, {})


def edit(tmp_path: Path, source: Path, *changes: tuple[str, str], name: str | None = None) -> Path:
    """A copy of `source` with each (old, new) replaced exactly once."""
    text = source.read_text()
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / (name or source.name)
    path.write_text(text)
    return path


def problems(call: object, *args: object) -> list[Problem]:
    with pytest.raises(LoadError) as exc:
        call(*args)  # type: ignore[operator]
    return exc.value.problems


def one(call: object, *args: object) -> Problem:
    found = problems(call, *args)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_the_fixtures_load(playbook: Playbook, scenario: Scenario) -> None:
    assert playbook.id == "tiny"
    assert scenario.playbook == "tiny"
    script = load_script(SCRIPT, scenario, playbook)
    assert [s.do for s in script.root][:2] == ["acknowledge", "declare"]
    # With no playbooks given, the one beside the scenario is found.
    assert library.Library().load_scenario(SCENARIO).scenario.id == "tiny-outage"  # its playbook is beside it


def test_problem_reads_path_line_col_message_hint() -> None:
    p = Problem("a.yaml", 3, 5, "unknown key 'severty'", "did you mean 'severity'?")
    assert str(p) == "a.yaml:3:5: unknown key 'severty' — did you mean 'severity'?"
    assert str(Problem("a.yaml", 1, 1, "no hint")) == "a.yaml:1:1: no hint"
    assert str(Problem("a.yaml", 1, 1, "odd", severity="warning")) == "a.yaml:1:1: warning: odd"
    assert p.to_json()["line"] == 3
    err = LoadError([p, Problem("a.yaml", 4, 1, "second")])
    assert str(err).splitlines() == [str(p), "a.yaml:4:1: second"]


def test_unknown_key_points_at_the_key_with_a_suggestion(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("  severity: SEV1", "  severty: SEV1"))
    p = one(load_scenario, path, {})  # and no second complaint that 'severity' is missing
    assert str(p) == f"{path}:11:3: unknown key 'severty' in truth — did you mean 'severity'?"


def test_unknown_key_without_a_near_match_lists_the_allowed_keys(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    noise: 0.1", "    zzz: 0.1"))
    p = one(load_scenario, path, {})
    assert (p.line, p.col, p.message) == (22, 5, "unknown key 'zzz' in metrics[0]")
    assert p.hint.startswith("allowed keys: id, label, unit, baseline, noise")


def test_wrong_type_points_at_the_value(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    baseline: 0.5", "    baseline: lots"))
    p = one(load_scenario, path, {})
    assert (p.line, p.col) == (21, 15)
    assert p.message == "metrics[0].baseline should be a number, not 'lots'"


def test_a_number_where_text_belongs_suggests_quotes(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("title: Tiny outage", "title: 404"))
    p = one(load_scenario, path, {})
    assert str(p) == f"{path}:3:8: title should be text, not the number 404 — put it in quotes: '404'"


def test_missing_key_points_at_its_mapping(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    label: Bad deploy\n", ""))
    p = one(load_scenario, path, {})
    assert (p.line, p.col, p.message) == (26, 5, "missing required key 'label' in faults[0]")


def test_negative_and_unitless_durations(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    start: 2m", "    start: -2m"), ("        for: 1m", "        for: 60"))
    found = problems(load_scenario, path, {})
    assert [(p.line, p.col, p.message) for p in found] == [
        (28, 12, "faults[0].start: duration '-2m' is negative; durations must be positive"),
        (43, 14, "injects[0].trigger.metric.for: 60 has no unit; write e.g. '60m' or '60s'"),
    ]


def test_aliased_keys_are_located_by_their_yaml_name(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    from: monitoring", "    from: [a, b]"))
    p = one(load_scenario, path, {})
    assert (p.line, p.col) == (37, 11)
    assert p.message == "injects[0].from should be text, not a list"


def test_a_literal_gets_its_options_and_a_suggestion(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("difficulty: easy", "difficulty: eazy"))
    p = one(load_scenario, path, {})
    assert str(p) == (
        f"{path}:6:13: difficulty must be one of: tutorial, easy, medium, hard (not 'eazy') — did you mean 'easy'?"
    )


def test_model_rules_are_reported_on_their_mapping(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("    warn: 2", "    warn: 7"))
    p = one(load_scenario, path, {"tiny": load_playbook(PLAYBOOK)})
    assert (p.line, p.col) == (18, 5)
    assert p.message == "metrics[0]: warn (7.0) must be below critical (5.0) when higher is worse"


@pytest.mark.parametrize(
    ("old", "new", "pos", "message", "hint"),
    [
        (
            "  fixed_by: [rollback]",
            "  fixed_by: [rolback]",
            (14, 14),
            "action 'rolback' is not defined; defined actions: acknowledge, assign_role",
            "did you mean 'rollback'?",
        ),
        (
            "      - resolve: bad-deploy",
            "      - resolve: bad-deploi",
            (49, 18),
            "fault 'bad-deploi' is not defined; defined faults: bad-deploy",
            "did you mean 'bad-deploy'?",
        ),
        (
            "      - metric: errors",
            "      - metric: error",
            (30, 17),
            "metric 'error' is not defined; defined metrics: errors",
            "did you mean 'errors'?",
        ),
        (
            "  root_cause_clues: [deploy-diff]",
            "  root_cause_clues: [diff]",
            (16, 22),
            "clue 'diff' is not defined; defined clues: deploy-diff",
            "",
        ),
        (
            "  severity: SEV1",
            "  severity: SEV0",
            (11, 13),
            "severity 'SEV0' is not defined; defined severities: SEV1, SEV2",
            "did you mean 'SEV1'?",  # a tie goes to the first listed
        ),
        (
            "  must_involve: [oncall]",
            "  must_involve: [dba]",
            (15, 18),
            "contact 'dba' is not defined; defined contacts: oncall, cto",
            "",
        ),
        (
            "    start: 2m",
            "    start: 2h",
            (28, 12),
            "fault 'bad-deploy' starts at 2h, after the drill ends (1h)",
            "move it earlier",
        ),
        (
            "  - id: rollback\n",
            "  - id: resolve\n",
            (45, 9),
            "action 'resolve' has the name of a standard action",
            "choose another id",
        ),
    ],
    ids=["action", "fault", "metric", "clue", "severity", "contact", "time", "standard-name"],
)
def test_dangling_references_and_semantic_rules(
    tmp_path: Path, playbook: Playbook, old: str, new: str, pos: tuple[int, int], message: str, hint: str
) -> None:
    path = edit(tmp_path, SCENARIO, (old, new))
    found = problems(load_scenario, path, {"tiny": playbook})
    hit = next((p for p in found if p.message.startswith(message)), None)
    assert hit is not None, [str(p) for p in found]
    assert (hit.line, hit.col, hit.hint) == (*pos, hint)


def test_the_playbook_id_is_resolved(tmp_path: Path, playbook: Playbook) -> None:
    path = edit(tmp_path, SCENARIO, ("playbook: tiny", "playbook: tiyn"))
    p = one(load_scenario, path, {"tiny": playbook, "other": playbook})
    assert str(p) == (
        f"{path}:5:11: playbook 'tiyn' is not defined; defined playbooks: other, tiny — did you mean 'tiny'?"
    )


def test_every_error_in_a_file_is_reported_in_file_order(tmp_path: Path) -> None:
    path = edit(
        tmp_path,
        SCENARIO,
        ("seed: 7", "seed: seven"),
        ("    noise: 0.1", "    noise: -1"),
        ("    found_by: [deploys]", "    found_by: [logz]"),
        ("id: rollback-fast", "id: rollback fast"),
    )
    found = problems(load_scenario, path, {})
    assert [(p.line, p.message.split(":")[0].split(" ")[0]) for p in found] == [
        (8, "seed"),
        (22, "metrics[0].noise"),
        (57, "clues[0].found_by[0]"),
        (60, "expectations[0].id"),
    ]


def test_problems_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text("- {at: 1m, do: acknowledge}\n" + "".join(f"- {{at: {i}, do: x}}\n" for i in range(70)))
    found = problems(load_script, path)
    assert len(found) == loading.MAX_PROBLEMS + 1
    assert found[-1].message == "… and 20 more problems not shown"


def test_duplicate_keys_and_model_errors_come_together(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("seed: 7", "seed: 7\ntitle: Again"), ("    noise: 0.1", "    noise: x"))
    found = problems(load_scenario, path, {})
    assert [(p.line, p.message) for p in found] == [
        (9, "duplicate key 'title' (first at line 3)"),
        (23, "metrics[0].noise should be a number, not 'x'"),
    ]


def test_playbook_checks(tmp_path: Path) -> None:
    path = edit(
        tmp_path,
        PLAYBOOK,
        ("    page: [oncall]", "    page: [on-call]"),
        ("      yes: SEV1", "      yes: SEV3"),
        ("  - id: SEV2", "  - id: SEV1"),
    )
    found = problems(load_playbook, path)
    assert [(p.line, p.col, p.message) for p in found] == [
        (13, 12, "contact 'on-call' is not defined; defined contacts: oncall, cto"),
        (16, 9, "severity id 'SEV1' is used twice"),
        # `yes` is a key here, not the boolean YAML 1.1 would make it.
        (45, 12, "severity 'SEV3' is not defined; defined severities: SEV1"),
        (46, 14, "severity 'SEV2' is not defined; defined severities: SEV1"),
    ]
    assert found[0].hint == "did you mean 'oncall'?"


def test_model_rules_stop_the_cross_reference_checks(tmp_path: Path) -> None:
    path = edit(
        tmp_path, PLAYBOOK, ("      timeout: 15m", "      timeout: 1m"), ("    page: [oncall]", "    page: [x]")
    )
    p = one(load_playbook, path)
    assert (p.line, p.col) == (27, 1)  # the `escalation:` key
    assert p.message == "escalation: escalation chain timeouts must not decrease: 1m comes after 5m"


def test_script_checks(tmp_path: Path, scenario: Scenario, playbook: Playbook) -> None:
    path = edit(
        tmp_path,
        SCRIPT,
        ("do: declare, severity: SEV1", "do: declare, severity: SEV9"),
        ("role: ic, who: Sam", "role: boss, who: Sam"),
        ("target: deploys", "targt: deploys"),
        ("do: rollback", "do: rolback"),
        ("state: resolved", "state: fixed"),
    )
    found = problems(load_script, path, scenario, playbook)
    assert [(p.line, p.col, p.message, p.hint) for p in found] == [
        (2, 35, "severity 'SEV9' is not defined; defined severities: SEV1, SEV2", "did you mean 'SEV1'?"),
        (3, 35, "role 'boss' is not defined; defined roles: ic", ""),
        (4, 3, "'investigate' needs the parameter 'target'", ""),
        (4, 29, "unknown parameter 'targt' for 'investigate'", "did you mean 'target'?"),
        (5, 16, "action 'rolback' is not defined; defined actions: acknowledge, assign_role, brief_executives, "
         "brief_support, declare, investigate, notify_customers, open_channel, page, post_update, resolve, "
         "schedule_pir, status_page, rollback", "did you mean 'rollback'?"),
        (6, 37, "state 'fixed' is not defined; defined states: investigating, identified, monitoring, resolved", ""),
    ]  # fmt: skip


def test_script_order_and_time_limit(tmp_path: Path, scenario: Scenario) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("- {at: 5m, do: acknowledge}\n- {at: 2m, do: resolve}\n")
    p = one(load_script, path)
    # At the step out of order, with the times as the file writes them.
    assert (p.line, p.col) == (2, 8)
    assert p.message == "steps must be in time order: 'resolve' at 2m comes after 'acknowledge' at 5m"
    path.write_text("- {at: 2h, do: acknowledge}\n")
    p = one(load_script, path, scenario)
    assert (p.line, p.col, p.message) == (1, 8, "step at 2h is after the drill ends (1h)")


def test_scenario_actions_take_no_parameters(tmp_path: Path, scenario: Scenario) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("- {at: 5m, do: rollback, version: 2}\n")
    p = one(load_script, path, scenario)
    assert (p.line, p.col, p.message) == (1, 26, "action 'rollback' takes no parameters")


def test_kind_mismatch_is_one_clear_error() -> None:
    p = one(load_playbook, SCENARIO)
    assert (p.line, p.col) == (2, 1)
    assert p.message == "expected a playbook but this looks like a scenario"
    p = one(load_alone, SCRIPT)
    assert p.message == "expected a scenario but the file holds a list"


def test_load_document_detects_the_kind(playbook: Playbook, tmp_path: Path) -> None:
    assert isinstance(load_document(PLAYBOOK), Playbook)
    assert isinstance(load_document(SCENARIO), Scenario)
    assert isinstance(load_document(standard_only(tmp_path)), Script)


def standard_only(tmp_path: Path) -> Path:
    """The fixture script without its scenario action, which nothing could take outside `scripts/<scenario>/`."""
    path = tmp_path / "script.yaml"
    path.write_text("".join(line for line in SCRIPT.read_text().splitlines(True) if "rollback" not in line))
    return path


def test_an_undetectable_file_says_what_each_kind_looks_like(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("id: x\nseverites: []\n")
    p = one(load_document, path)
    assert (p.line, p.col, p.message) == (2, 1, "cannot tell what this file is")
    assert p.hint.startswith("did you mean 'severities'?")
    path.write_text("just a string\n")
    assert one(load_document, path).message == "expected a mapping or a list, but the file holds a single value"


def test_warnings_do_not_stop_a_load(tmp_path: Path) -> None:
    path = standard_only(tmp_path)
    result = library.Library().check(path)  # its folder names no scenario: a warning, and the script loads
    assert result.ok
    assert [p.severity for p in result.problems] == ["warning"]
    assert isinstance(load_document(path), Script)
    # A scenario's own action there is an error: no scenario is known to offer it.
    result = library.Library().check(SCRIPT)
    assert not result.ok
    assert [p.message for p in result.problems if p.severity == "error"] == [
        "action 'rollback' is not a standard action, and no scenario is known to offer it"
    ]


def test_file_hash_is_sha256_of_the_bytes() -> None:
    assert file_hash(SCENARIO) == hashlib.sha256(SCENARIO.read_bytes()).hexdigest()


def test_a_valid_file_never_composes_nodes(monkeypatch: pytest.MonkeyPatch, playbook: Playbook) -> None:
    # Positions cost a second parse; a valid file must not pay it.
    def refuse(*_: object) -> None:
        raise AssertionError("composed a valid file")

    monkeypatch.setattr(yamlsafe, "compose", refuse)
    assert load_scenario(SCENARIO, {"tiny": playbook}).id == "tiny-outage"


def test_control_characters_from_the_file_are_escaped_in_messages(tmp_path: Path) -> None:
    path = edit(tmp_path, SCENARIO, ("  severity: SEV1", '  "sev\\e[31m": SEV1'))
    found = problems(load_scenario, path, {})
    assert "\x1b" not in str(LoadError(found))
    assert "unknown key 'sev\\x1b[31m' in truth" in [p.message for p in found]


HOSTILE: dict[str, bytes] = {
    "empty": b"",
    "comments": b"# nothing\n# here\n",
    "non-utf8": b"id: caf\xe9\n",
    "binary": bytes(range(256)) * 4,
    "nul": b"id: a\x00\n",
    "python-tag": b"id: !!python/object/apply:os.system ['touch /tmp/warroom-pwned']\n",
    "alias-bomb": b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    + b"".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n".encode() for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ),
    "deep": b"[" * 20_000 + b"]" * 20_000,
    "duplicate": b"id: a\nid: b\n",
    "documents": b"id: a\n---\nid: b\n",
    "list": b"- a\n- b\n",
    "scalar": b"just text\n",
    "wrong-types": b"id: 5\ntitle: [x]\ntruth: yes\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_input_is_a_load_error_with_a_position(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE[name])
    for call in (load_alone, load_playbook, load_script, load_document):
        found = problems(call, path)
        assert found, call
        assert all(p.line >= 1 and p.col >= 1 and p.path == str(path) for p in found)
    assert not Path("/tmp/warroom-pwned").exists()


def test_a_directory_or_a_missing_path(tmp_path: Path) -> None:
    assert one(load_alone, tmp_path).message == "is a directory, not a YAML file"
    assert one(load_playbook, tmp_path / "nope.yaml").message == "no such file"


def test_a_huge_file_is_refused_by_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as fh:
        fh.truncate(30_000_000)

    def no_reading(*_: object, **__: object) -> None:
        raise AssertionError("opened a file that is over the limit")

    monkeypatch.setattr(Path, "open", no_reading)
    assert one(load_alone, path).message == "the file is larger than the 1024 KiB limit"


# --- sim.format.library: finding bundled and user content -------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "home"
    (path / "playbooks").mkdir(parents=True)
    (path / "scenarios").mkdir()
    monkeypatch.setenv("WARROOM_HOME", str(path))
    return path


def test_user_home_is_warroom_home_or_the_platform_dir(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert library.user_home() == home
    assert library.user_playbooks_dir() == home / "playbooks"
    monkeypatch.delenv("WARROOM_HOME")
    assert library.user_home().name == "warroom"


def test_the_bundled_library_is_keyed_by_id_and_leaves_the_user_out(home: Path) -> None:
    shutil.copy(PLAYBOOK, home / "playbooks" / "tiny.yaml")
    bundled = dict(library.Library.bundled().playbooks())
    assert bundled and all(pb.id == key for key, pb in bundled.items())
    assert "tiny" not in bundled and "tiny" in library.Library().playbooks()
    entries = library.Library().playbook_entries()
    assert all(e.origin == "bundled" for e in entries if e.playbook and e.playbook.id in bundled)


def test_find_playbook_in_user_and_extra_dirs(home: Path, tmp_path: Path) -> None:
    with pytest.raises(library.NotFound) as exc:
        library.Library().playbook("tiny")
    assert exc.value.message.startswith("playbook 'tiny' is not defined; defined playbooks: ")
    shutil.copy(PLAYBOOK, home / "playbooks" / "mine.yaml")
    assert library.Library().playbook("tiny").id == "tiny"
    assert library.Library().playbook_file("tiny") == home / "playbooks" / "mine.yaml"
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x.yaml").write_text(PLAYBOOK.read_text().replace("name: Tiny playbook", "name: Override"))
    with_extra = library.Library((), [extra])
    assert with_extra.playbook("tiny").name == "Override"  # extra dirs win over the user's
    assert with_extra.playbook_file("tiny") == extra / "x.yaml"
    assert library.Library([extra]).playbook("tiny").name == "Tiny playbook"  # scenario dirs hold no playbooks
    with pytest.raises(library.NotFound) as exc:
        library.Library().playbook("tinny")
    assert exc.value.hint == "did you mean 'tiny'?"


def test_list_scenarios_lists_broken_ones_with_their_problems(home: Path) -> None:
    shutil.copy(PLAYBOOK, home / "playbooks" / "tiny.yaml")
    shutil.copy(SCENARIO, home / "scenarios" / "good.yaml")
    (home / "scenarios" / "bad.yaml").write_text("id: bad\ntruth: 5\n")
    entries = {e.path.name: e for e in library.Library().scenario_entries() if e.origin == "user"}
    assert entries["good.yaml"].scenario is not None and entries["good.yaml"].id == "tiny-outage"
    bad = entries["bad.yaml"]
    assert bad.scenario is None and bad.id == "bad"
    assert bad.problems and all(p.path == str(home / "scenarios" / "bad.yaml") for p in bad.problems)


def test_find_scenario_by_path_file_name_or_id(home: Path, tmp_path: Path) -> None:
    shutil.copy(SCENARIO, home / "scenarios" / "renamed.yaml")
    assert library.Library().find_scenario("renamed") == home / "scenarios" / "renamed.yaml"
    # By the id inside, even while it does not load (its playbook is nowhere yet)...
    assert library.Library().find_scenario("tiny-outage") == home / "scenarios" / "renamed.yaml"
    shutil.copy(PLAYBOOK, home / "playbooks" / "tiny.yaml")
    assert library.Library().find_scenario("tiny-outage") == home / "scenarios" / "renamed.yaml"  # ...and once it does
    assert library.Library().find_scenario(str(SCENARIO)) == SCENARIO
    with pytest.raises(library.NotFound, match="no scenario file at"):
        library.Library().find_scenario(str(tmp_path / "nope.yaml"))
    with pytest.raises(library.NotFound) as exc:
        library.Library().find_scenario("tiny-outaeg")
    assert exc.value.hint == "did you mean 'tiny-outage'?"


def test_a_script_belongs_to_the_scenario_its_folder_names(tmp_path: Path, home: Path) -> None:
    (tmp_path / "library").mkdir()
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "scripts" / "tiny-outage").mkdir(parents=True)
    shutil.copy(SCENARIO, tmp_path / "library" / "tiny-outage.yaml")
    shutil.copy(PLAYBOOK, tmp_path / "playbooks" / "tiny.yaml")
    script = tmp_path / "scripts" / "tiny-outage" / "ideal.yaml"
    script.write_text("- {at: 1m, do: rolback}\n")
    scenario, note = library.Library().scenario_for_script(script)
    assert scenario is not None and scenario.id == "tiny-outage" and note == ""
    p = one(load_document, script)
    assert (p.line, p.col) == (1, 16)
    assert p.message.startswith("action 'rolback' is not defined")


def test_a_problem_is_placed_even_if_the_composer_disagrees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object) -> None:
        raise yaml.composer.ComposerError("a composer that refuses what parse accepted")

    monkeypatch.setattr(yamlsafe, "compose", broken)
    path = edit(tmp_path, SCENARIO, ("title: Tiny outage", "title: [x]"))
    p = one(load_scenario, path, {})
    assert (p.line, p.col, p.message) == (1, 1, "title should be text, not a list")


@pytest.mark.parametrize(
    ("old", "new", "pos", "message"),
    [
        ("duration: 1h", "duration: " + "9" * 400 + "h", (7, 11), f"duration: duration '{'9' * 24}'… is too long"),
        ("    baseline: 0.5", "    baseline: .nan", (21, 15), "metrics[0].baseline is not a number"),
        ("        to: 12", "        to: -.inf", (32, 13), "faults[0].effects[0].to is infinite"),
        ("seed: 7", "seed: " + "9" * 5000, (8, 7), "seed should be a whole number, not '99999"),
    ],
    ids=["huge-duration", "nan", "inf", "huge-int"],
)  # fmt: skip
def test_extreme_numbers_are_problems(
    tmp_path: Path, playbook: Playbook, old: str, new: str, pos: tuple[int, int], message: str
) -> None:
    p = one(load_scenario, edit(tmp_path, SCENARIO, (old, new)), {"tiny": playbook})
    assert (p.line, p.col) == pos
    assert p.message.startswith(message)


def test_a_model_rule_that_crashes_is_still_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def overflow(*_: object, **__: object) -> None:
        raise OverflowError("cannot convert float infinity to integer")

    monkeypatch.setattr(Playbook, "model_validate", overflow)
    monkeypatch.setattr(loading, "_playbook_cache", {})
    p = one(load_playbook, PLAYBOOK)
    assert (p.line, p.col) == (1, 1)
    assert p.message.startswith("the file could not be checked: cannot convert float infinity to integer")
