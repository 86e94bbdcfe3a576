"""`warroom new` scaffolds: every type on every bundled playbook validates as written, and lints to TODOs only."""

from __future__ import annotations

from pathlib import Path

import pytest

from scenarios import PLAYBOOKS
from sim.authoring.lint import lint_scenario
from sim.authoring.scaffold import TYPES, scaffold
from sim.format.loading import check_file, load_playbook
from sim.format.scenario import Scenario

BUNDLED = sorted(p.stem for p in PLAYBOOKS.glob("*.yaml"))


@pytest.mark.parametrize("kind", sorted(TYPES))
@pytest.mark.parametrize("playbook_id", BUNDLED)
def test_scaffold_validates_and_only_todos_remain(tmp_path: Path, playbook_id: str, kind: str) -> None:
    playbook = load_playbook(PLAYBOOKS / f"{playbook_id}.yaml")
    path = tmp_path / "new.yaml"
    path.write_text(scaffold(playbook, kind, "my-drill", 'Title with "quotes": and #hash', "hard"))
    result = check_file(path, playbooks={playbook.id: playbook})
    assert result.ok, "\n".join(map(str, result.problems))
    scenario = result.unwrap()
    assert isinstance(scenario, Scenario)
    assert scenario.title == 'Title with "quotes": and #hash'
    assert scenario.truth.severity in [s.id for s in playbook.severities]
    warnings = lint_scenario(scenario, playbook)
    assert warnings, "the scaffold's TODO markers must be flagged until the author fills them"
    assert all(w.message.startswith("placeholder left unfilled") for w in warnings), [w.message for w in warnings]


def test_breach_scaffold_involves_security_when_the_playbook_has_it() -> None:
    playbook = load_playbook(PLAYBOOKS / "samplemind.yaml")
    security = [c.id for c in playbook.contacts if c.team == "security"]
    assert security, "samplemind names a security specialist"
    assert f"must_involve: [{security[0]}]" in scaffold(playbook, "breach", "b", "Breach")


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_scaffold_states_fix_with_a_comment_saying_what_all_and_any_mean(kind: str) -> None:
    playbook = load_playbook(PLAYBOOKS / "samplemind.yaml")
    lines = scaffold(playbook, kind, "s", "S").splitlines()
    at = lines.index("  fix: all")
    assert lines[at - 3].startswith("  fixed_by: [")  # right under the list it qualifies
    comment = " ".join(line.strip() for line in lines[at - 2 : at])
    assert comment.startswith("# all: ") and "any: " in comment and "With one action the two are the same" in comment


def test_scaffold_fix_reads_as_written_and_any_over_its_one_action_lints(tmp_path: Path) -> None:
    playbook = load_playbook(PLAYBOOKS / "samplemind.yaml")
    text = scaffold(playbook, "outage", "s", "S")
    path = tmp_path / "s.yaml"
    path.write_text(text.replace("  fix: all\n", "  fix: any\n"))
    scenario = check_file(path, playbooks={playbook.id: playbook}).unwrap()
    assert isinstance(scenario, Scenario) and scenario.truth.fix == "any"
    beyond_todos = [w for w in lint_scenario(scenario, playbook) if not w.message.startswith("placeholder")]
    assert [w.loc for w in beyond_todos] == [("truth", "fix")]
