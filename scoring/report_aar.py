"""The after-action report and improvement plan (HSEEP AAR/IP), in Markdown and as a self-contained HTML page.
Every text from a scenario, playbook or journal is escaped; nothing depends on the clock or the machine."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from scoring.aar import RATINGS, SOME, Aar, Objective
from scoring.debrief import clock
from scoring.grade import rule_label
from scoring.report_md import md
from scoring.rubric import RESULT_LABEL
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

RULE = (
    "Each objective is rated from the criteria of its part of the scorecard that could be evaluated: "
    "**P** when every one passed; **S** when not, but the objective kept at least {some:.0%} of its points; "
    "**M** when under that but at least one criterion earned credit (passed or partial); **U** when every one "
    "failed. An objective with nothing to evaluate is not rated."
)
PLAN_HEAD = ("Core capability", "Issue / area for improvement", "Corrective action", "Capability element", "Owner",
             "Due", "Priority", "Key")  # fmt: skip


def _overview(aar: Aar, scenario: Scenario, playbook: Playbook) -> list[tuple[str, str]]:
    """(label, plain text) rows of the exercise overview."""
    card = aar.card
    capabilities = ", ".join(dict.fromkeys(o.capability for o in aar.objectives))
    verdict = ("passed" if card.passed else "not passed") if card.finished else "unfinished, not graded"
    return [
        ("Exercise name", card.scenario_title),
        ("Exercise type", f"Tabletop drill in warroom ({scenario.difficulty})"),
        ("Exercise date", aar.exercise_date or "not recorded (give --date)"),
        ("Scenario", f"{card.scenario}, seed {card.seed}: {' '.join(scenario.summary.split())}"),
        ("Threat or hazard", f"{scenario.truth.category} incident, true severity {card.true_severity}"),
        ("Scope", f"played from T+00:00:00 to {clock(card.ended)}; detected at {clock(card.detection)}"),
        ("Playbook", f"{card.playbook_name} ({card.playbook})"),
        ("Mission area", "Response"),
        ("Core capabilities", capabilities),
        ("Participants", "; ".join(aar.participants) + (f" (team {card.team})" if card.team else "")),
        ("Score", f"{card.score:.1f} / 100 ({card.letter}), {verdict}, pass mark {card.pass_mark:g}"),
    ]


def _rating(o: Objective) -> str:
    points = f"; {o.points} of {o.max_points} points" if o.max_points else ""
    return f"{o.rating} ({RATINGS[o.rating]}){points}"


# -- Markdown ------------------------------------------------------------------------------------------------


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    return [_row(*head), _row(*("---" for _ in head)), *(_row(*r) for r in rows)]


def render_aar_markdown(aar: Aar, scenario: Scenario, playbook: Playbook) -> str:
    """The AAR/IP as one Markdown document, ending with a newline."""
    card = aar.card
    out = [f"# After-Action Report / Improvement Plan: {md(card.scenario_title)}", ""]
    if not card.finished:
        out += [f"**{md(card.unfinished_note)}**", ""]
    out += [
        "## Exercise Overview",
        "",
        *_table(("Exercise", "Details"), [(f"**{k}**", md(v)) for k, v in _overview(aar, scenario, playbook)]),
        "",
    ]
    out += ["## Analysis of Core Capabilities", ""]
    out += _table(
        ("Objective", "Core capability", "Rating"),
        [(f"{o.number}. {md(o.text)}", md(o.capability), md(_rating(o))) for o in aar.objectives],
    )
    out += ["", "Ratings: " + "; ".join(f"**{k}**: {v.lower()}" for k, v in RATINGS.items() if k != "-") + ".", ""]
    for o in aar.objectives:
        out += [f"## Objective {o.number}: {md(o.text)}", "", f"**Core capability:** {md(o.capability)}  "]
        out += [f"**Scorecard area:** {md(o.label)}  ", f"**Rating:** {md(_rating(o))}", "", "### Strengths", ""]
        out += [f"- {md(c.explanation)}" for c in o.strengths] or ["- None observed."]
        out += ["", "### Areas for Improvement", ""]
        for c in o.improvements:
            out += [f"- **{md(c.title)}** ({RESULT_LABEL[c.result]}): {md(c.explanation)}  "]
            out += [f"  Reference: {md(rule_label(c.rule))}  "] if c.rule else []
            out += [f"  Recommendation: {md(c.advice or c.title)}"]
        if not o.improvements:
            out += ["- None: every evaluated criterion passed." if o.max_points else "- Not evaluated in this drill."]
        out.append("")
    out += ["## Improvement Plan", ""]
    if aar.plan:
        rows = [
            (md(r.capability), md(r.item.issue), md(r.item.corrective_action), md(r.element_label), md(r.owner),
             md(r.due), r.item.priority, md(r.item.key))
            for r in aar.plan
        ]  # fmt: skip
        out += [*_table(PLAN_HEAD, rows), ""]
    else:
        out += ["Nothing to improve: every evaluated criterion passed.", ""]
    out += ["## Appendix: How Objectives Are Rated", "", RULE.format(some=SOME), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- HTML ----------------------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.55rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d7dce3; } h3 { font-size: 1.02rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e8ee; vertical-align: top; }
th { background: #f3f5f8; } table.meta th { width: 12rem; background: none; }
.rating { font-weight: 700; padding: 0 .35rem; border-radius: .25rem; }
.rating-P { background: #dcf2e3; color: #14532d; } .rating-S { background: #fdf3d7; color: #713f12; }
.rating-M { background: #fde4cf; color: #7c2d12; } .rating-U { background: #fbdcdc; color: #7f1d1d; }
.rating--  { background: #eceff3; color: #374151; } .note { color: #4b5563; font-size: .9rem; }
.unfinished { border-left: 4px solid #b3261e; padding-left: .8rem; }
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _html_table(head: Sequence[str], rows: Sequence[Sequence[str]], cls: str = "") -> str:
    """Cells arrive escaped."""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    attr = f' class="{cls}"' if cls else ""
    return f"<table{attr}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _badge(o: Objective) -> str:
    return f'<span class="rating rating-{o.rating}" title="{_e(RATINGS[o.rating])}">{_e(o.rating)}</span>'


def render_aar_html(aar: Aar, scenario: Scenario, playbook: Playbook) -> str:
    """The AAR/IP as one self-contained page: inline CSS, no scripts, no URLs."""
    card = aar.card
    title = f"After-Action Report / Improvement Plan: {card.scenario_title}"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">']
    parts += ['<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>"]
    parts += [f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{_e(title)}</h1>"]
    if not card.finished:
        parts.append(f'<p class="unfinished"><strong>{_e(card.unfinished_note)}</strong></p>')
    meta = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in _overview(aar, scenario, playbook))
    parts += ["<h2>Exercise Overview</h2>", f'<table class="meta"><tbody>{meta}</tbody></table>']
    parts.append("<h2>Analysis of Core Capabilities</h2>")
    caps = [
        (f"{o.number}. {_e(o.text)}", _e(o.capability), f"{_badge(o)} {_e(_rating(o).partition(' ')[2])}")
        for o in aar.objectives
    ]
    parts.append(_html_table(("Objective", "Core capability", "Rating"), caps))
    legend = "; ".join(f"<strong>{k}</strong>: {_e(v.lower())}" for k, v in RATINGS.items() if k != "-")
    parts.append(f'<p class="note">Ratings: {legend}.</p>')
    for o in aar.objectives:
        parts.append(f"<h2>Objective {o.number}: {_e(o.text)}</h2>")
        parts.append(f"<p><strong>Core capability:</strong> {_e(o.capability)}<br>")
        parts.append(f"<strong>Scorecard area:</strong> {_e(o.label)}<br>")
        parts.append(f"<strong>Rating:</strong> {_badge(o)} {_e(_rating(o).partition(' ')[2])}</p>")
        strengths = "".join(f"<li>{_e(c.explanation)}</li>" for c in o.strengths) or "<li>None observed.</li>"
        parts += ["<h3>Strengths</h3>", f"<ul>{strengths}</ul>", "<h3>Areas for Improvement</h3>"]
        items = []
        for c in o.improvements:
            ref = f"<br>Reference: {_e(rule_label(c.rule))}" if c.rule else ""
            items.append(
                f"<li><strong>{_e(c.title)}</strong> ({_e(RESULT_LABEL[c.result])}): {_e(c.explanation)}{ref}"
                f"<br>Recommendation: {_e(c.advice or c.title)}</li>"
            )
        if not items:
            items = [
                "<li>None: every evaluated criterion passed.</li>"
                if o.max_points
                else "<li>Not evaluated in this drill.</li>"
            ]
        parts.append(f"<ul>{''.join(items)}</ul>")
    parts.append("<h2>Improvement Plan</h2>")
    if aar.plan:
        rows = [
            tuple(_e(x) for x in (r.capability, r.item.issue, r.item.corrective_action, r.element_label, r.owner,
                                  r.due, r.item.priority, r.item.key))
            for r in aar.plan
        ]  # fmt: skip
        parts.append(_html_table(PLAN_HEAD, rows))
    else:
        parts.append("<p>Nothing to improve: every evaluated criterion passed.</p>")
    rule = _e(RULE.format(some=SOME)).replace("**", "")
    parts += ["<h2>Appendix: How Objectives Are Rated</h2>", f"<p>{rule}</p>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"
