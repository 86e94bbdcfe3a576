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
