"""The scorecard as plain text for the terminal (`warroom score`): no markup, fixed widths, stable order.

Each criterion is three lines: result, points and title; what happened; and the rule it checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scoring.debrief import clock, duration, kpi_target
from scoring.grade import ScoreCard, rule_label
from scoring.rubric import CATEGORIES, RESULT_LABEL

if TYPE_CHECKING:
    from scoring.team import TeamCard


def render_text(card: ScoreCard, team: TeamCard | None = None) -> str:
    """The scorecard; `team` (`scoring.team.team_card`) adds the team's part per person in place of the
    by-person and by-role totals."""
    verdict = "passed" if card.passed else "not passed"
    team_name = f" (team {card.team})" if card.team else ""
    lines = [
        f"{card.scenario_title} [{card.scenario}, seed {card.seed}] — playbook {card.playbook_name} [{card.playbook}]",
        f"Trainee: {card.trainee}{team_name}   True severity: {card.true_severity}   "
        f"Declared: {', '.join(card.declared) or 'none'}",
        "",
        f"Score {card.score:.1f} / 100   {card.letter}   {verdict} (pass mark {card.pass_mark:g})   "
        f"{card.points} of {card.max_points} points",
    ]
    if not card.finished:
        lines[-1] = (
            f"Score so far {card.score:.1f} / 100   UNFINISHED: no grade, not passed (pass mark {card.pass_mark:g})   "
            f"{card.points} of {card.max_points} points"
        )
        lines.insert(-1, card.unfinished_note)
    totals = {c.category: c for c in card.by_category}
    for cat, label in CATEGORIES:
        mine = [c for c in card.criteria if c.category == cat and c.evaluated]
        if not mine:
            continue
        total = totals[cat]
        lines += ["", f"{label:<58}{total.points:>4} / {total.max_points}"]
        for c in mine:
            lines.append(f"  {RESULT_LABEL[c.result]:<8}{c.points:>3} / {c.max_points:<3} {c.title}")
            lines.append(f"{'':20}{c.explanation}")
            lines.append(f"{'':20}rule: {rule_label(c.rule)}")
    skipped = card.not_evaluated
    if skipped:
        lines += ["", "Not evaluated (excluded from the maximum)"]
        for c in skipped:
            lines.append(f"  - {c.title}: {c.explanation.removeprefix('not evaluated: ')}")
            lines.append(f"      rule: {rule_label(c.rule)}")
    lines += ["", "KPIs (from detection)"]
    for k in card.kpis:
        measured = f"{duration(k.value)} at {clock(k.at)}" if k.value is not None else "never"
        target = f"target {kpi_target(k)}" if k.target is not None else "no target in the playbook"
        met = {True: "met", False: "missed", None: ""}[k.met]
        lines.append(f"  {k.name:<5} {measured:<22} {target:<28} {met}".rstrip())
    if team is not None:
        lines += _team(team)
    elif len(card.by_actor) > 1:
        lines += ["", "By person"]
        lines += [f"  {p.who:<20} {p.points:>4} / {p.max_points:<4} {len(p.criteria)} criteria" for p in card.by_actor]
        lines += ["", "By role"]
        lines += [f"  {p.who:<20} {p.points:>4} / {p.max_points:<4} {len(p.criteria)} criteria" for p in card.by_role]
    return "\n".join(lines) + "\n"


def _team(team: TeamCard) -> list[str]:
    """The team's score first, then each person: what they did, their criteria, their messages."""
    from scoring.team import messages_of, met_by

    card = team.card
    score = f"{card.score:.1f} / 100   {card.letter}" if card.finished else f"so far {card.score:.1f} / 100"
    lines = ["", f"Team score {score}   (the scorecard above; each person's criteria are their roles')"]
    for p in team.people:
        lines += ["", f"{p.name} — {team.role_label(p)}", f"  Score {team.score_phrase(p)}", "  Did"]
        lines += [f"    {clock(t)}  {text}" for t, text in p.did] or ["    nothing"]
        lines.append("  Criteria")
        lines += [
            f"    {RESULT_LABEL[c.result]:<14}"
            + (f"{c.points:>3} / {c.max_points:<3} " if c.evaluated else f"{'—':>3}{'':7}")
            + c.title
            + (f"   (by {met_by(c)})" if c.actors else "")
            for c in p.criteria
        ] or ["    none fall to them"]
        lines.append("  Messages")
        lines += [f"    {clock(t)}  {where}: {text or '—'}" for t, where, text in messages_of(p)] or ["    none"]
    return lines
