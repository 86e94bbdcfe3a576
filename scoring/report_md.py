"""The Markdown debrief, in the shape of the seed playbooks' post-incident review templates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scoring import debrief
from scoring.debrief import clock, duration
from scoring.grade import ScoreCard, rule_label
from scoring.rubric import RESULT_LABEL
from sim.engine.facilitation import answers, facilitator_log
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import RoleAssigned

if TYPE_CHECKING:
    from scoring.series import Series
    from scoring.team import TeamCard

# Characters Markdown would read as syntax (emphasis, links, HTML, tables, code). Scenario text is data,
# so each is escaped; `_` only at a word's edge, where it could start or end emphasis.
_SPECIAL = re.compile(r"([\\`*\[\]<>|#]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def md(text: object) -> str:
    """Text made inert for Markdown, on one line (table cells cannot hold newlines)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> list[str]:
    return [_row(*head), _row(*("---" for _ in head)), *(_row(*r) for r in rows)]


def incident_commander(record: DrillRecord, playbook: Playbook) -> str:
    """Who held the incident-commander role first: the role whose id is `ic` or whose name says commander."""
    ic_roles = {r.id for r in playbook.roles if r.id == "ic" or "commander" in r.name.lower()} | {"ic"}
    first = next((e for e in record.of(RoleAssigned) if e.role in ic_roles), None)
    return first.who if first else "not assigned"


def render_markdown(
    card: ScoreCard,
    record: DrillRecord,
    scenario: Scenario,
    playbook: Playbook,
    series: Series | None = None,
    team: TeamCard | None = None,
) -> str:
    """The whole debrief as one Markdown document (ends with a newline; no wall-clock anywhere). `series`, the
    metric samples (`scoring.series.replay_series`), gives the Impact table each metric's true worst value.
    `team` (`scoring.team.team_card`) adds the team's section, a part per person, in place of "By Person"."""
    k = {x.id: x for x in card.kpis}
    resolved = k["mttr"].at
    declared = ", ".join(card.declared) or "none"
    team_name = f" (team {md(card.team)})" if card.team else ""
    verdict = "passed" if card.passed else "not passed"
    out = [
        f"# Post-Incident Review: {md(card.scenario_title)}",
        "",
        f"**Incident:** {md(debrief.incident_id(record) or '—')}  ",
        f"**Scenario:** {md(card.scenario)} (seed {card.seed}, {scenario.difficulty})  ",
        f"**Playbook:** {md(card.playbook_name)} ({md(card.playbook)})  ",
        f"**Severity:** {md(card.true_severity)} (declared: {md(declared)})  ",
        f"**Duration:** {clock(card.detection)} – {clock(resolved if resolved is not None else card.ended)}"
        + (f" ({duration(k['mttr'].value)})" if resolved is not None else " (not resolved)")
        + "  ",
        f"**IC:** {md(incident_commander(record, playbook))}  ",
        f"**Trainee:** {md(card.trainee)}{team_name}  ",
        f"**Score:** {card.score:.1f} / 100 — {card.letter} — {verdict} (pass mark {card.pass_mark:g})"
        if card.finished
        else f"**Score so far:** {card.score:.1f} / 100 — **UNFINISHED**: no grade, not passed  \n"
        + card.unfinished_note,
        "",
        "## Summary",
        "",
        md(debrief.summary(card, record, scenario)),
        "",
        *_impact(card, record, scenario, series),
        "## Timeline",
        "",
        *_table(
            ("Time", "Event", "Who"),
            [
                (clock(e.t), md(e.text), md(debrief.who(e, playbook)))
                for e in debrief.timeline(record, scenario, playbook)
            ],
        ),
        "",
        "## Root Cause",
        "",
        md(scenario.truth.root_cause),
        "",
        "## Resolution",
        "",
        md(_resolution(card)),
        "",
        "## What Went Well",
        "",
        *([f"- {md(c.explanation)}" for c in debrief.went_well(card)] or ["- Nothing on the scorecard passed."]),
        "",
        "## What Didn't Go Well",
        "",
        *(
            [f"- **{RESULT_LABEL[c.result]}:** {md(c.explanation)}" for c in debrief.went_badly(card)]
            or ["- Nothing: every evaluated criterion passed."]
        ),
        "",
        "## Action Items",
        "",
        *_action_items(card),
        "",
        "## KPIs",
        "",
        *_table(
            ("KPI", "Measured", "Target", "Met"),
            [debrief.kpi_row(x) for x in card.kpis],
        ),
        "",
        *_scorecard(card),
        *(_team(team) if team is not None else _people(card)),
        *_questions(scenario),
        *_facilitator(record),
        *_lessons(record),
    ]
    return "\n".join(out).rstrip("\n") + "\n"


def _impact(card: ScoreCard, record: DrillRecord, scenario: Scenario, series: Series | None) -> list[str]:
    k = {x.id: x for x in card.kpis}
    lines = ["## Impact", "", f"- Incident type: {md(scenario.truth.category)}"]
    lines.append(
        f"- Customer-facing impact: {duration(k['mttm'].value)} from detection to mitigation"
        if k["mttm"].value is not None
        else "- Customer-facing impact: not mitigated during the drill"
    )
    rows = [
        (md(m.label), m.worst, clock(m.first_at), *map(md, debrief.worst_value(m)), clock(m.cleared_at))
        for m in debrief.impact(record, scenario, series)
    ]
    head = ("Metric", "Worst level", "Reached at", "Worst value", "Worst at", "Back to normal")
    return [*lines, "", *_table(head, rows), ""]


def _action_items(card: ScoreCard) -> list[str]:
    items = debrief.action_items(card)
    if not items:
        return ["None: every evaluated criterion passed."]
    rows = [(a.priority, md(a.action), md(a.owner), md(a.criterion)) for a in items]
    return _table(("Priority", "Action", "Owner", "Criterion"), rows)


def _resolution(card: ScoreCard) -> str:
    fix = card.criterion("mitigate.fix")
    verified = card.criterion("close.verified")
    return f"{fix.explanation} {verified.explanation}"


def _scorecard(card: ScoreCard) -> list[str]:
    lines = ["## Scorecard", ""]
    lines += _table(
        ("Category", "Points"),
        [(md(c.label), f"{c.points} / {c.max_points}" if c.max_points else "not evaluated") for c in card.by_category],
    )
    lines += ["", f"**Total:** {card.points} / {card.max_points} = {card.score:.1f}", ""]
    lines += _table(
        ("Criterion", "Category", "Result", "Points", "Explanation", "Rule checked"),
        [
            (
                md(c.title),
                c.category,
                RESULT_LABEL[c.result],
                f"{c.points} / {c.max_points}" if c.evaluated else "—",
                md(c.explanation),
                md(rule_label(c.rule)),
            )
            for c in card.criteria
        ],
    )
    lines.append("")
    skipped = card.not_evaluated
    if skipped:
        lines += ["### Not Evaluated", "", *(f"- {md(c.title)}: {md(c.explanation)}" for c in skipped), ""]
    return lines


def _people(card: ScoreCard) -> list[str]:
    """Only when several people took part: one trainee's breakdown would repeat the scorecard."""
    if len(card.by_actor) < 2:
        return []
    lines = ["## By Person", ""]
    for head, people in (("Person", card.by_actor), ("Role", card.by_role)):
        lines += _table(
            (head, "Points", "Criteria"),
            [(md(p.who), f"{p.points} / {p.max_points}", md(", ".join(p.criteria))) for p in people],
        )
        lines.append("")
    return lines


def _team(team: TeamCard) -> list[str]:
    """The team's score first, then a part per person: what they did, their criteria, their messages."""
    from scoring.team import messages_of, met_by

    card = team.card
    lines = ["## Team", ""]
    lines.append(
        f"**Team score:** {card.score:.1f} / 100 — {card.letter} (the scorecard above, graded as one drill)"
        if card.finished
        else f"**Team score so far:** {card.score:.1f} / 100 — unfinished, no grade"
    )
    lines += [
        "",
        "Each criterion falls to the role that answers for it (scenarios/README.md, The team debrief); a "
        "person's score is their criteria's points over their maximum.",
        "",
    ]
    lines += _table(
        ("Person", "Role", "Score", "Criteria"),
        [(md(p.name), md(team.role_label(p)), team.score_cell(p), len(p.criteria)) for p in team.people],
    )
    lines.append("")
    for p in team.people:
        lines += [f"### {md(p.name)} — {md(team.role_label(p))}", "", f"**Score:** {md(team.score_phrase(p))}", ""]
        lines += ["**What they did**", ""]
        lines += _table(("Time", "Action"), [(clock(t), md(text)) for t, text in p.did]) if p.did else ["Nothing."]
        lines += ["", "**Their criteria**", ""]
        rows = [
            (
                md(c.title),
                RESULT_LABEL[c.result],
                f"{c.points} / {c.max_points}" if c.evaluated else "—",
                md(met_by(c)),
            )
            for c in p.criteria
        ]
        lines += _table(("Criterion", "Result", "Points", "Met by"), rows) if rows else ["None fall to them."]
        said = messages_of(p)
        lines += ["", "**Their messages**", ""]
        lines += (
            _table(("Time", "Where", "Text"), [(clock(t), md(where), md(text) or "—") for t, where, text in said])
            if said
            else ["None."]
        )
        lines.append("")
    return lines


def _questions(scenario: Scenario) -> list[str]:
    if not scenario.debrief_questions:
        return []
    return ["## Debrief Questions", "", *(f"{i}. {md(q)}" for i, q in enumerate(scenario.debrief_questions, 1)), ""]


def _facilitator(record: DrillRecord) -> list[str]:
    """The facilitator's hints, notes and interventions; absent when they did nothing."""
    entries = facilitator_log(record.events)
    if not entries:
        return []
    rows = [
        (clock(e.t), md(e.kind.replace("_", " ")), md((f"as {e.sender}: " if e.sender else "") + e.text))
        for e in entries
    ]
    return ["## Facilitator Notes", "", *_table(("Time", "Kind", "What"), rows), ""]


def _lessons(record: DrillRecord) -> list[str]:
    """The trainee's lessons-learned answers (from the journal's `debrief.answer` records)."""
    given = answers(record.events)
    if not given:
        return []
    out = ["## Lessons Learned", ""]
    for a in given:
        out += [f"**{a.question + 1}. {md(a.prompt)}**", "", md(a.text), ""]
    return out
