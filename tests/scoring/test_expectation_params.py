"""Expectations that care how an action was taken: `{done: page, with: {contact: finance}}`."""

from __future__ import annotations

from pathlib import Path

from scoring.grade import grade
from sim.format.library import Library
from sim.format.scenario import Expectation, Scenario
from tests.scoring.builder import DATA, IDEAL, build, load_playbook, load_scenario, plus, step


def _with(expectation: dict[str, object]) -> Scenario:
    sc = load_scenario()
    return sc.model_copy(update={"expectations": (*sc.expectations, Expectation.model_validate(expectation))})


def test_only_the_named_contact_counts() -> None:
    sc, pb = _with({"id": "dba", "description": "Page the DBA", "done": "page", "with": {"contact": "dba"},
                    "within": "10m"}), load_playbook()  # fmt: skip
    card = grade(build(IDEAL, sc), sc, pb)
    assert card.criterion("expect.dba").result == "pass"
    assert "(contact: dba)" in card.criterion("expect.dba").explanation
    no_dba = tuple(s for s in IDEAL if not (s.do == "page" and s.params.get("contact") == "dba"))
    other = plus(no_dba, step(290, "page", contact=next(c.id for c in pb.contacts if c.id != "dba")))
    assert grade(build(other, sc), sc, pb).criterion("expect.dba").result == "fail"


def test_never_with_params_allows_the_action_otherwise() -> None:
    sc, pb = _with({"id": "no-sev3", "description": "Never call it SEV3", "never": "declare",
                    "with": {"severity": "SEV3"}}), load_playbook()  # fmt: skip
    assert grade(build(IDEAL, sc), sc, pb).criterion("expect.no-sev3").result == "pass"


def test_loader_checks_the_parameters(tmp_path: Path) -> None:
    text = (DATA / "scenario.yaml").read_text()
    bad = text.replace("expectations:\n", "expectations:\n  - {id: fin, description: x, done: page, "
                       "with: {contact: finanse, colour: red}}\n", 1)  # fmt: skip
    path = tmp_path / "scenario.yaml"
    path.write_text(bad)
    (tmp_path / "playbook.yaml").write_text((DATA / "playbook.yaml").read_text())
    problems = [str(p) for p in Library().check(path).problems]  # its playbook is beside it
    line = bad.splitlines().index(next(ln for ln in bad.splitlines() if "finanse" in ln)) + 1
    assert any(f":{line}:" in p and "takes no parameter 'colour'" in p for p in problems), problems
    assert any(f":{line}:" in p and "contact 'finanse' is not defined" in p for p in problems), problems
