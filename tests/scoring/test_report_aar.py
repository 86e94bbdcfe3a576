"""The after-action report and improvement plan (HSEEP AAR/IP): golden files, the rating rule, escaping.

Regenerate the golden files with `WARROOM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scoring`, then
read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from scoring import aar
from scoring.grade import grade
from scoring.report_aar import render_aar_html, render_aar_markdown
from scoring.rubric import Criterion
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from tests.scoring.builder import build, load_playbook, load_scenario
from tests.scoring.test_reports import CASES, GOLDEN, UPDATE, _Collector

DATE = dt.date(2026, 1, 5)


@pytest.fixture(scope="module")
def inputs() -> tuple[Scenario, Playbook]:
    return load_scenario(), load_playbook()


def content(case: str, inputs: tuple[Scenario, Playbook], date: dt.date | None = DATE) -> aar.Aar:
    scenario, playbook = inputs
    return aar.build(grade(build(CASES[case], scenario), scenario, playbook), scenario, playbook, exercise_date=date)


def render(case: str, fmt: str, inputs: tuple[Scenario, Playbook]) -> str:
    scenario, playbook = inputs
    renderer = render_aar_markdown if fmt == "md" else render_aar_html
    return renderer(content(case, inputs), scenario, playbook)


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden_file(case: str, fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    text = render(case, fmt, inputs)
    path = GOLDEN / f"{case}.aar.{fmt}"
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; run with WARROOM_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; regenerate and review the diff"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_same_journal_gives_byte_identical_reports(fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    assert render("negligent", fmt, inputs).encode() == render("negligent", fmt, inputs).encode()


def test_follows_the_hseep_structure(inputs: tuple[Scenario, Playbook]) -> None:
    md = render("negligent", "md", inputs)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Exercise Overview", "## Analysis of Core Capabilities"]
    assert headings[-2:] == ["## Improvement Plan", "## Appendix: How Objectives Are Rated"]
    assert [h.split(":")[0] for h in headings[2:-2]] == [f"## Objective {n}" for n in range(1, 9)]
    assert md.count("### Strengths") == md.count("### Areas for Improvement") == 8
    assert (
        "| Core capability | Issue / area for improvement | Corrective action | Capability element | Owner | Due |"
        in md
    )


def test_every_criterion_not_passed_is_in_the_plan_with_a_due_date(inputs: tuple[Scenario, Playbook]) -> None:
    report = content("negligent", inputs)
    weak = [c.id for c in report.card.evaluated if c.result != "pass"]
    assert sorted(r.item.criterion for r in report.plan) == sorted(weak)
    assert all(re.fullmatch(r"2026-0[1-3]-\d\d", r.due) for r in report.plan)
    undated = content("negligent", inputs, date=None)
    assert all(r.due.endswith("days after the exercise") for r in undated.plan)
    assert "not recorded" in render_aar_markdown(undated, *inputs)


def test_ratings_follow_the_scorecard(inputs: tuple[Scenario, Playbook]) -> None:
    ratings = {o.category: o.rating for o in content("negligent", inputs).objectives}
    # Classification failed outright; mitigation had its fix pass among failures; no noise at all.
    assert (ratings["classification"], ratings["mitigation"], ratings["conduct"]) == ("U", "M", "P")
    ideal = content("ideal", inputs).objectives
    assert {o.rating for o in ideal} <= {"P", "S"}


def _c(result: str, points: int, max_points: int = 10) -> Criterion:
    return Criterion("x", "detection", "X", max_points, points, result, "")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("criteria", "rating"),
    [
        ((_c("pass", 10), _c("pass", 5, 5)), "P"),
        ((_c("pass", 10), _c("partial", 6)), "S"),  # 16 of 20: at least 75%
        ((_c("pass", 10), _c("fail", 0)), "M"),  # 10 of 20
        ((_c("partial", 2), _c("fail", 0)), "M"),
        ((_c("fail", 0), _c("fail", -20)), "U"),
        ((_c("pass", 10), _c("fail", -30)), "M"),  # costs beyond the points: counted from zero, still credit
        ((_c("not_evaluated", 0),), "-"),
        ((), "-"),
    ],
)
def test_the_rating_rule(criteria: tuple[Criterion, ...], rating: str) -> None:
    assert aar.rate(criteria) == rating


def test_a_security_incident_exercises_cybersecurity(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, playbook = inputs
    security = scenario.model_copy(update={"truth": scenario.truth.model_copy(update={"category": "security"})})
    card = grade(build(CASES["ideal"], scenario), security, playbook)
    mitigation = next(o for o in aar.objectives(card, security) if o.category == "mitigation")
    assert mitigation.capability == "Cybersecurity"


def test_scenario_text_is_never_markup(inputs: tuple[Scenario, Playbook]) -> None:
    md = render("negligent", "md", inputs)
    assert "# After-Action Report / Improvement Plan: Connection pool exhaustion \\<b\\>\\[bold\\]\\</b\\>" in md
    page = render("negligent", "html", inputs)
    assert "<b>" not in page and "&lt;b&gt;[bold]&lt;/b&gt; | API down" in page
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert not parser.open and not parser.refs
    assert "<script" not in page and not re.search(r"https?:", page)


def test_an_unfinished_drill_says_so(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, playbook = inputs
    report = content("negligent", inputs)
    cut = replace(report.card, finished=False)
    unfinished = aar.build(cut, scenario, playbook, exercise_date=DATE)
    md = render_aar_markdown(unfinished, scenario, playbook)
    assert "**Unfinished:" in md and "unfinished, not graded" in md
    assert unfinished.plan[-1].item.element == "exercise"
