"""The HTML debrief: one self-contained page (inline CSS and SVG, no scripts, no URLs) that works offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from scoring import debrief, svg
from scoring.debrief import clock
from scoring.grade import ScoreCard, rule_label
from scoring.report_md import incident_commander
from scoring.rubric import RESULT_LABEL
from sim.engine.facilitation import answers, facilitator_log
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import (
    ActionFinished,
    CommsSent,
    FaultResolved,
    FaultStarted,
    PageSent,
    PirScheduled,
    RoleAssigned,
    SeverityDeclared,
    kind_of,
)
from sim.journal.facts import FACILITATOR

if TYPE_CHECKING:
    from scoring.team import TeamCard

Series = dict[str, list[tuple[float, float]]]

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d7dce3; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e8ee; vertical-align: top; }
th { background: #f3f5f8; } td.num { text-align: right; white-space: nowrap; } td.time { white-space: nowrap; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.meta dt { font-weight: 600; } dl.meta dd { margin: 0; }
.score { font-size: 1.3rem; font-weight: 700; } .passed { color: #1c7a3e; } .failed { color: #b3261e; }
.r-pass { color: #1c7a3e; } .r-partial { color: #a15c00; } .r-fail { color: #b3261e; }
.r-not_evaluated { color: #6b7280; }
cite.rule { display: block; margin-top: .2rem; font-size: .82rem; font-style: normal; color: #6b7280; }
svg.chart { display: block; max-width: 100%; height: auto; margin: .5rem 0 1.2rem; }
svg .plot { fill: #fbfcfd; stroke: #c9d0da; } svg .grid { stroke: #eceff3; }
svg .tick, svg .chart-title, svg .threshold-label, svg .empty { font: 11px system-ui, sans-serif; fill: #4b5563; }
svg .chart-title { font-weight: 600; fill: #1d2430; } svg .series { fill: none; stroke: #2563eb; stroke-width: 1.6; }
svg .threshold { stroke-dasharray: 5 4; stroke-width: 1.2; } svg .threshold.warn { stroke: #d97706; }
svg .threshold.critical { stroke: #dc2626; } svg .threshold-label.warn { fill: #b45309; }
svg .threshold-label.critical { fill: #b91c1c; } svg .band { fill: #fde8e8; }
svg .mark line { stroke: #6b21a8; stroke-width: 1; opacity: .55; }
svg .mark text { font: 10px system-ui, sans-serif; fill: #6b21a8; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]], classes: tuple[str, ...] = ()) -> str:
    """Cells arrive already escaped; `classes` gives each column's td class."""
    th = "".join(f"<th>{h}</th>" for h in head)
    body = []
    for row in rows:
        tds = "".join(
            f'<td class="{classes[i]}">{cell}</td>' if i < len(classes) and classes[i] else f"<td>{cell}</td>"
            for i, cell in enumerate(row)
        )
        body.append(f"<tr>{tds}</tr>")
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _result(result: str) -> str:
    return f'<span class="r-{_e(result)}">{_e(RESULT_LABEL[result])}</span>'


def action_marks(record: DrillRecord, scenario: Scenario, playbook: Playbook) -> list[svg.Mark]:
    """Every trainee action, numbered in time order, where it landed (its finish)."""
    kinds = {kind_of(c) for c in (ActionFinished, CommsSent, PageSent, SeverityDeclared, RoleAssigned, PirScheduled)}
    entries = [
        e
        for e in debrief.timeline(record, scenario, playbook)
        if e.kind in kinds and e.actor is not None and e.actor != FACILITATOR
    ]
    return [svg.Mark(e.t, i, f"{e.text} ({e.actor})") for i, e in enumerate(entries, 1)]


def fault_bands(record: DrillRecord) -> list[svg.Band]:
    """While each fault was active (to the drill's end if it never was resolved)."""
    end = record.events[-1].t if record.events else 0.0
    out = []
    for started in record.of(FaultStarted):
        fault = started.fault
        done = next((e for e in record.of(FaultResolved) if e.fault == fault and e.t >= started.t), None)
        label = f"fault: {started.label or fault}"
        out.append(svg.Band(started.t, done.t if done else end, label))
    return out


def render_html(
    card: ScoreCard,
    record: DrillRecord,
    scenario: Scenario,
    playbook: Playbook,
    series: Series,
    team: TeamCard | None = None,
) -> str:
    """The page. `series` maps metric id to (sim time, value) samples, e.g. from replaying the journal. `team`
    (`scoring.team.team_card`) adds the team's section, a part per person, in place of "By Person"."""
    k = {x.id: x for x in card.kpis}
    marks, bands = action_marks(record, scenario, playbook), fault_bands(record)
    verdict = "passed" if card.passed else "not passed"
    resolved = k["mttr"].at
    meta = [
        ("Incident", debrief.incident_id(record) or "—"),
        ("Scenario", f"{card.scenario} (seed {card.seed}, {scenario.difficulty})"),
        ("Playbook", f"{card.playbook_name} ({card.playbook})"),
        ("Severity", f"{card.true_severity} (declared: {', '.join(card.declared) or 'none'})"),
        ("Duration", f"{clock(card.detection)} – {clock(resolved if resolved is not None else card.ended)}"),
        ("IC", incident_commander(record, playbook)),
        ("Trainee", card.trainee + (f" (team {card.team})" if card.team else "")),
    ]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Post-Incident Review: {_e(card.scenario_title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>Post-Incident Review: {_e(card.scenario_title)}</h1>",
        '<dl class="meta">' + "".join(f"<dt>{_e(a)}</dt><dd>{_e(b)}</dd>" for a, b in meta) + "</dl>",
        f'<p class="score {"passed" if card.passed else "failed"}">Score {card.score:.1f} / 100 — '
        f"{card.letter} — {verdict} (pass mark {card.pass_mark:g})</p>"
        if card.finished
        else f'<p class="score failed">Score so far {card.score:.1f} / 100 — UNFINISHED: no grade, not passed</p>'
        f"<p>{_e(card.unfinished_note)}</p>",
        "<h2>Summary</h2>",
        f"<p>{_e(debrief.summary(card, record, scenario))}</p>",
        "<h2>KPIs</h2>",
        _table(
            ("KPI", "Measured", "Target", "Met"),
            [tuple(map(_e, debrief.kpi_row(x))) for x in card.kpis],
        ),
        "<h2>Metrics</h2>",
        "<p>Dashed lines are the warn and critical thresholds; shading is while a fault was active; "
        "numbered lines are your actions, listed below the charts.</p>",
        *(
            svg.chart(
                series.get(m.id, []),
                title=m.label,
                unit=m.unit,
                warn=m.warn,
                critical=m.critical,
                x_end=card.ended,
                marks=marks,
                bands=bands,
                minimum=m.minimum,
                maximum=m.maximum,
            )
            for m in scenario.metrics
        ),
        _table(
            ("#", "Time", "Action"),
            [(str(m.number), clock(m.t), _e(m.label)) for m in marks],
            ("num", "time", ""),
        ),
        *_impact(record, scenario, series),
        "<h2>Timeline</h2>",
        _table(
            ("Time", "Event", "Who"),
            [
                (clock(e.t), _e(e.text), _e(debrief.who(e, playbook)))
                for e in debrief.timeline(record, scenario, playbook)
            ],
            ("time", "", ""),
        ),
        "<h2>Root Cause</h2>",
        f"<p>{_e(scenario.truth.root_cause)}</p>",
        "<h2>What Went Well</h2>",
        _list([_e(c.explanation) for c in debrief.went_well(card)], "Nothing on the scorecard passed."),
        "<h2>What Didn’t Go Well</h2>",
        _list(
            [f"{_result(c.result)}: {_e(c.explanation)}" for c in debrief.went_badly(card)],
            "Nothing: every evaluated criterion passed.",
        ),
        "<h2>Action Items</h2>",
        _action_items(card),
        *_scorecard(card),
        *(_team(team) if team is not None else _people(card)),
        *_questions(scenario),
        *_facilitator(record),
        *_lessons(record),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f"<p>{_e(empty)}</p>"
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _impact(record: DrillRecord, scenario: Scenario, series: Series) -> list[str]:
    rows = [
        (_e(m.label), _e(m.worst), clock(m.first_at), *map(_e, debrief.worst_value(m)), clock(m.cleared_at))
        for m in debrief.impact(record, scenario, series)
    ]
    head = ("Metric", "Worst level", "Reached at", "Worst value", "Worst at", "Back to normal")
    classes = ("", "", "time", "num", "time", "time")
    return ["<h2>Impact</h2>", f"<p>Incident type: {_e(scenario.truth.category)}</p>", _table(head, rows, classes)]


def _action_items(card: ScoreCard) -> str:
    items = debrief.action_items(card)
    if not items:
        return "<p>None: every evaluated criterion passed.</p>"
    rows = [(_e(a.priority), _e(a.action), _e(a.owner), _e(a.criterion)) for a in items]
    return _table(("Priority", "Action", "Owner", "Criterion"), rows)


def _scorecard(card: ScoreCard) -> list[str]:
    cats = [
        (_e(c.label), f"{c.points} / {c.max_points}" if c.max_points else "not evaluated") for c in card.by_category
    ]
    rows = [
        (
            _e(c.title),
            _e(c.category),
            _result(c.result),
            f"{c.points} / {c.max_points}" if c.evaluated else "—",
            f'{_e(c.explanation)}<cite class="rule">rule: {_e(rule_label(c.rule))}</cite>',
        )
        for c in card.criteria
    ]
    return [
        "<h2>Scorecard</h2>",
        _table(("Category", "Points"), cats, ("", "num")),
        f"<p><strong>Total:</strong> {card.points} / {card.max_points} = {card.score:.1f}</p>",
        _table(("Criterion", "Category", "Result", "Points", "Explanation"), rows, ("", "", "", "num", "")),
    ]


def _people(card: ScoreCard) -> list[str]:
    if len(card.by_actor) < 2:
        return []
    out = ["<h2>By Person</h2>"]
    for head, people in (("Person", card.by_actor), ("Role", card.by_role)):
        rows = [(_e(p.who), f"{p.points} / {p.max_points}", _e(", ".join(p.criteria))) for p in people]
        out.append(_table((head, "Points", "Criteria"), rows, ("", "num", "")))
    return out


def _team(team: TeamCard) -> list[str]:
    """The team's score first, then a section per person (each with an id to link to)."""
    from scoring.team import messages_of, met_by

    card = team.card
    score = f"{card.score:.1f} / 100 — {card.letter}" if card.finished else f"so far {card.score:.1f} / 100"
    rows = [
        (
            _e(p.name),
            _e(team.role_label(p)),
            _e(team.score_cell(p)),
            str(len(p.criteria)),
        )
        for p in team.people
    ]
    out = [
        "<h2>Team</h2>",
        f'<p class="score">Team score {_e(score)}</p>',
        "<p>The scorecard above, graded as one drill. Each criterion falls to the role that answers for it; a "
        "person’s score is their criteria’s points over their maximum.</p>",
        _table(("Person", "Role", "Score", "Criteria"), rows, ("", "", "num", "num")),
    ]
    for i, p in enumerate(team.people, 1):
        out.append(f'<section id="person-{i}">')
        out.append(f"<h3>{_e(p.name)} — {_e(team.role_label(p))}</h3>")
        out.append(f"<p><strong>Score:</strong> {_e(team.score_phrase(p))}</p>")
        out.append("<h4>What they did</h4>")
        did = [(clock(t), _e(text)) for t, text in p.did]
        out.append(_table(("Time", "Action"), did, ("time", "")) if did else "<p>Nothing.</p>")
        out.append("<h4>Their criteria</h4>")
        crit = [
            (
                _e(c.title),
                _result(c.result),
                f"{c.points} / {c.max_points}" if c.evaluated else "—",
                _e(met_by(c)),
            )
            for c in p.criteria
        ]
        table = _table(("Criterion", "Result", "Points", "Met by"), crit, ("", "", "num", ""))
        out.append(table if crit else "<p>None fall to them.</p>")
        out.append("<h4>Their messages</h4>")
        said = [(clock(t), _e(where), _e(text) or "—") for t, where, text in messages_of(p)]
        out.append(_table(("Time", "Where", "Text"), said, ("time", "", "")) if said else "<p>None.</p>")
        out.append("</section>")
    return out


def _questions(scenario: Scenario) -> list[str]:
    if not scenario.debrief_questions:
        return []
    items = "".join(f"<li>{_e(q)}</li>" for q in scenario.debrief_questions)
    return ["<h2>Debrief Questions</h2>", f"<ol>{items}</ol>"]


def _facilitator(record: DrillRecord) -> list[str]:
    entries = facilitator_log(record.events)
    if not entries:
        return []
    rows = [
        (_e(clock(e.t)), _e(e.kind.replace("_", " ")), _e((f"as {e.sender}: " if e.sender else "") + e.text))
        for e in entries
    ]
    return ["<h2>Facilitator Notes</h2>", _table(("Time", "Kind", "What"), rows, ("num", "", ""))]


def _lessons(record: DrillRecord) -> list[str]:
    given = answers(record.events)
    if not given:
        return []
    items = "".join(f"<dt>{_e(a.prompt)}</dt><dd>{_e(a.text)}</dd>" for a in given)
    return ["<h2>Lessons Learned</h2>", f"<dl>{items}</dl>"]
