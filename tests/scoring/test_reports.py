"""The debrief reports: golden files for all four formats, and the properties each must keep.

Regenerate the golden files with `WARROOM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/scoring`, then
read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from html import escape
from html.parser import HTMLParser
from itertools import takewhile
from pathlib import Path

import pytest

from scoring.grade import WARROOM, grade, rule_label
from scoring.report_html import render_html
from scoring.report_json import SCHEMA, VERSION, render_json
from scoring.report_md import md as md_escape
from scoring.report_md import render_markdown
from scoring.report_text import render_text
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import FaultResolved, FaultStarted
from tests.scoring.builder import IDEAL, build, load_playbook, load_scenario
from tests.scoring.test_grade import NEGLIGENT

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WARROOM_UPDATE_GOLDEN") == "1"


def synthetic_series(record: DrillRecord, scenario: Scenario) -> dict[str, list[tuple[float, float]]]:
    """Samples every 10s: each metric ramps towards critical while the fault is active, baseline otherwise."""
    start = next(e.t for e in record.of(FaultStarted))
    fixed = next((e.t for e in record.of(FaultResolved)), None)
    end = record.events[-1].t
    out = {}
    for metric in scenario.metrics:
        worst = metric.critical + (metric.critical - metric.warn)
        samples = []
        for i in range(int(end // 10) + 1):
            t = i * 10.0
            active = t >= start and (fixed is None or t < fixed)
            share = min(1.0, (t - start) / 300.0) if active else 0.0
            samples.append((t, metric.baseline + (worst - metric.baseline) * share))
        out[metric.id] = samples
    return out


CASES = {"ideal": IDEAL, "negligent": NEGLIGENT}


@pytest.fixture(scope="module")
def inputs() -> tuple[Scenario, Playbook]:
    return load_scenario(), load_playbook()


def render(case: str, fmt: str, inputs: tuple[Scenario, Playbook]) -> str:
    scenario, playbook = inputs
    record = build(CASES[case], scenario)
    card = grade(record, scenario, playbook)
    if fmt == "md":
        return render_markdown(card, record, scenario, playbook, synthetic_series(record, scenario))
    if fmt == "json":
        return render_json(card, record, scenario, playbook)
    if fmt == "txt":
        return render_text(card)
    return render_html(card, record, scenario, playbook, synthetic_series(record, scenario))


@pytest.mark.parametrize("fmt", ["md", "json", "html", "txt"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_golden_file(case: str, fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    text = render(case, fmt, inputs)
    path = GOLDEN / f"{case}.{fmt}"
    if UPDATE:
        path.write_text(text, encoding="utf-8", newline="\n")
    assert path.exists(), f"{path} is missing; run with WARROOM_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed; regenerate and review the diff"


@pytest.mark.parametrize("fmt", ["md", "json", "html", "txt"])
def test_same_journal_gives_byte_identical_reports(fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    assert render("negligent", fmt, inputs).encode() == render("negligent", fmt, inputs).encode()


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.refs: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag not in ("meta", "br", "img", "link", "hr", "input"):  # HTML void elements
            self.open.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "data") or "url(" in (value or ""):
                self.refs.append((tag, name, value or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href"):
                self.refs.append((tag, name, value or ""))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("case", sorted(CASES))
def test_html_parses_and_references_nothing_external(case: str, inputs: tuple[Scenario, Playbook]) -> None:
    page = render(case, "html", inputs)
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert not parser.open, f"unclosed: {parser.open}"
    assert not parser.refs
    assert not re.search(r"https?:", page, re.IGNORECASE)
    assert "<script" not in page and "@import" not in page
    # One chart per metric, each with both threshold lines.
    scenario, _ = inputs
    assert parser.tags.count("svg") == len(scenario.metrics)
    assert page.count('class="threshold warn"') == page.count('class="threshold critical"') == len(scenario.metrics)


def test_html_marks_the_trainees_actions(inputs: tuple[Scenario, Playbook]) -> None:
    page = render("ideal", "html", inputs)
    # 17 trainee actions land in the ideal run; each is a numbered mark on every chart.
    assert page.count('<g class="mark">') == 18 * 3
    assert "<title>14. T+00:13:40 Kill idle connections (dana)</title>" in page


def test_scenario_text_is_never_markup(inputs: tuple[Scenario, Playbook]) -> None:
    md = render("ideal", "md", inputs)
    assert "# Post-Incident Review: Connection pool exhaustion \\<b\\>\\[bold\\]\\</b\\> \\| API down" in md
    page = render("ideal", "html", inputs)
    assert "<b>" not in page and "&lt;b&gt;[bold]&lt;/b&gt; | API down" in page


def test_json_schema_is_versioned_and_complete(inputs: tuple[Scenario, Playbook]) -> None:
    doc = json.loads(render("negligent", "json", inputs))
    assert (doc["schema"], doc["version"]) == (SCHEMA, VERSION) == ("warroom.debrief", 1)
    assert list(doc) == [
        "schema",
        "version",
        "drill",
        "severity",
        "score",
        "times",
        "categories",
        "criteria",
        "kpis",
        "people",
        "impact",
        "timeline",
        "root_cause",
        "action_items",
        "debrief_questions",
        "facilitator",
        "lessons_learned",
    ]
    assert doc["score"]["letter"] == "F" and doc["score"]["passed"] is False
    crit = next(c for c in doc["criteria"] if c["id"] == "detect.acknowledge")
    assert set(crit) >= {"id", "category", "result", "points", "max_points", "explanation", "evidence", "deadline"}
    assert crit["result"] == "fail" and crit["evidence"][0]["clock"] == "T+00:02:30"
    assert {k["id"] for k in doc["kpis"]} == {"mtta", "mtti", "mttm", "mttr"}
    assert doc["action_items"][0]["priority"] == "P0"
    assert [t["t"] for t in doc["timeline"]] == sorted(t["t"] for t in doc["timeline"])


def test_markdown_follows_the_pir_template(inputs: tuple[Scenario, Playbook]) -> None:
    md = render("negligent", "md", inputs)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:9] == [
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root Cause",
        "## Resolution",
        "## What Went Well",
        "## What Didn't Go Well",
        "## Action Items",
        "## KPIs",
    ]
    assert "A deploy leaked database connections" in md
    assert "| P0 | Acknowledge the page within 5m of detection. | dana | detect.acknowledge |" in md
    # One trainee: no per-person breakdown.
    assert "## By Person" not in md
    assert "## By Person" in render("ideal", "md", inputs)


def test_rule_label_shows_rules_as_trainees_read_them() -> None:
    assert rule_label("SampleMind playbook › SEV2 › Response target") == "SampleMind playbook › SEV2 › Response target"
    assert rule_label("Scenario 'A bad push' › its own rule") == "Scenario 'A bad push' › its own rule"
    # The older form, a path in the file, still reads as a path.
    assert rule_label("playbook samplemind: severities[SEV2].targets.response") == (
        "playbook samplemind › severities[SEV2] › targets.response"
    )
    assert rule_label("playbook p: escalation.no_progress_after") == "playbook p › escalation.no_progress_after"
    assert rule_label("scenario s: expectations[early]") == "scenario s › expectations[early]"
    assert rule_label("scenario s: actions (harmful: true)") == "scenario s › actions (harmful: true)"
    assert rule_label(WARROOM) == WARROOM


# Each format's rendering of a rule, escaped as that format escapes text.
_RULE_AS = {
    "txt": lambda rule: f"rule: {rule}",
    "md": md_escape,
    "html": lambda rule: f'<cite class="rule">rule: {escape(rule, quote=True)}</cite>',
    "json": lambda rule: json.dumps(rule, ensure_ascii=False),
}


@pytest.mark.parametrize("fmt", sorted(_RULE_AS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_criterion_shows_its_rule(case: str, fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    """Each criterion names the playbook or scenario rule it checks, or says it is warroom's own judgement, in
    every report: on its own line under it in the text scorecard, in the Markdown table's last column, in a
    cite element in HTML, and as `rule` in JSON."""
    scenario, playbook = inputs
    card = grade(build(CASES[case], scenario), scenario, playbook)
    text = render(case, fmt, inputs)
    for c in card.criteria:
        assert c.rule.startswith((f"{playbook.title} › ", f"Scenario '{scenario.title}' › ", "warroom's own")), c
        shown = rule_label(c.rule) if fmt != "json" else c.rule
        assert _RULE_AS[fmt](shown) in text, f"{c.id}: its rule {shown!r} is not in the {fmt} report"
    if fmt == "txt":
        lines = text.splitlines()
        for c in card.criteria:  # right under the criterion, not merely somewhere in the report
            head = c.title if c.evaluated else f"  - {c.title}:"
            at = next(i for i, line in enumerate(lines) if line.endswith(head) or line.startswith(head))
            assert any(line.strip() == f"rule: {rule_label(c.rule)}" for line in lines[at + 1 : at + 3]), c.id
    if fmt == "md":
        lines = text.splitlines()
        head = "| Criterion | Category | Result | Points | Explanation | Rule checked |"
        rows = list(takewhile(lambda line: line.startswith("| "), lines[lines.index(head) :]))
        assert [r.rsplit(" | ", 1)[1] for r in rows[2:]] == [
            f"{md_escape(rule_label(c.rule))} |" for c in card.criteria
        ]
    if fmt == "html":
        assert text.count('<cite class="rule">') == len(card.criteria)


def test_an_acknowledgement_without_a_playbook_target_is_warrooms_judgement(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, playbook = inputs
    sev = playbook.severity(scenario.truth.severity)
    targets = sev.targets.model_copy(update={"acknowledge": None})
    severities = [s.model_copy(update={"targets": targets}) if s is sev else s for s in playbook.severities]
    card = grade(build(IDEAL, scenario), scenario, playbook.model_copy(update={"severities": severities}))
    rule = card.criterion("detect.acknowledge").rule
    assert rule == (
        "warroom's own judgement, as the playbook sets no acknowledgement target "
        "(scenarios/README.md, How a drill is scored)"
    )
    assert f"rule: {rule}\n" in render_text(card)
