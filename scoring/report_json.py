"""The JSON debrief: a stable, versioned document for spreadsheets and learning systems.

Schema `warroom.debrief`, version 1. Times are sim seconds from T+0 (numbers, 3 decimals at most) with a
`clock` string beside them (`T+00:14:20`); absent values are `null`, never missing keys. Lists keep the
order shown. A new optional key may be added within a version; renaming or removing one bumps `version`.

    {
      "schema": "warroom.debrief", "version": 1,
      "drill":    {scenario, title, playbook, playbook_name, seed, trainee, team, incident_id,
                   scenario_hash, playbook_hash, difficulty},
      "severity": {"true": str, "declared": [str, ...]},            # declarations in order
      "score":    {points, max_points, score, pass_mark, passed, letter,    # max = evaluated max
                   finished (false, present only when the record stops before the drill ended)},
      "times":    {detection, detection_clock, ended, ended_clock},
      "categories": [{id, label, points, max_points}],              # the eight rubric categories
      "criteria": [{id, category, title, source ("playbook"|"scenario"|"warroom"), rule,
                    result ("pass"|"partial"|"fail"|"not_evaluated"), points, max_points,
                    explanation, advice, deadline, deadline_clock,
                    evidence: [{t, clock, what, actor, role}], actors: [str], roles: [str]}],
      "kpis":     [{id ("mtta"|"mtti"|"mttm"|"mttr"), name, label, at, at_clock, value (s from detection),
                    target, target_name, met (true|false|null)}],
      "people":   {"actors": [{who, points, max_points, criteria: [id]}], "roles": [same]},
      "team":     {score, letter, people: [{name, role, roles: [id], role_names: [str], score, grade,
                   graded, points, max_points, criteria: [id], did: [{t, clock, text}],
                   messages: [{t, clock, where, text}]}]}
                  # present only for a team drill (scoring.team: more than one person acted); `grade` is
                  # "—" and `graded` false for someone none of whose criteria could be evaluated
      "impact":   [{metric, label, unit, worst ("ok"|"warn"|"critical"), first_at, value, cleared_at}],
      "timeline": [{t, clock, kind, text, actor, role}],
      "root_cause": {text, category, fixed_by: [action id]},
      "action_items": [{priority ("P0"|"P1"|"P2"), action, owner, criterion}],
      "debrief_questions": [str],
      "facilitator": [{t, clock, kind ("hint"|"note"|"say"|"inject_now"|"jump"), text, sender}],
      "lessons_learned": [{question (0-based), prompt, answer}]
    }
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from scoring import debrief
from scoring.grade import PersonScore, ScoreCard
from scoring.rubric import Criterion
from sim.engine.facilitation import answers, facilitator_log
from sim.format.durations import format_clock
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord

if TYPE_CHECKING:
    from scoring.team import TeamCard

SCHEMA = "warroom.debrief"
VERSION = 1


def _t(t: float | None) -> float | None:
    # Rounded so float noise from the engine never changes the bytes of a report.
    return None if t is None else round(float(t), 3)


def _clock(t: float | None) -> str | None:
    return None if t is None else format_clock(t)


def _criterion(c: Criterion) -> dict[str, Any]:
    return {
        "id": c.id,
        "category": c.category,
        "title": c.title,
        "source": c.source,
        "rule": c.rule,
        "result": c.result,
        "points": c.points,
        "max_points": c.max_points,
        "explanation": c.explanation,
        "advice": c.advice,
        "deadline": _t(c.deadline),
        "deadline_clock": _clock(c.deadline),
        "evidence": [
            {"t": _t(e.t), "clock": format_clock(e.t), "what": e.what, "actor": e.actor, "role": e.role}
            for e in c.evidence
        ],
        "actors": list(c.actors),
        "roles": list(c.roles),
    }


def _person(p: PersonScore) -> dict[str, Any]:
    return {"who": p.who, "points": p.points, "max_points": p.max_points, "criteria": list(p.criteria)}


def _team(team: TeamCard) -> dict[str, Any]:
    from scoring.team import messages_of

    names = dict(team.role_names)
    return {
        "score": team.card.score,
        "letter": team.card.letter,
        "people": [
            {
                "name": p.name,
                "role": p.role,
                "roles": list(p.roles),
                "role_names": [names.get(r, r) for r in p.roles],
                "score": p.score,
                "grade": p.grade,
                "graded": p.graded,
                "points": p.points,
                "max_points": p.max_points,
                "criteria": [c.id for c in p.criteria],
                "did": [{"t": _t(t), "clock": format_clock(t), "text": text} for t, text in p.did],
                "messages": [
                    {"t": _t(t), "clock": format_clock(t), "where": where, "text": text}
                    for t, where, text in messages_of(p)
                ],
            }
            for p in team.people
        ],
    }


def debrief_document(
    card: ScoreCard, record: DrillRecord, scenario: Scenario, playbook: Playbook, team: TeamCard | None = None
) -> dict[str, Any]:
    """The debrief as plain JSON values, keys in schema order; `team` adds the `team` key."""
    h = record.header
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "drill": {
            "scenario": card.scenario,
            "title": card.scenario_title,
            "playbook": card.playbook,
            "playbook_name": card.playbook_name,
            "seed": card.seed,
            "trainee": card.trainee,
            "team": card.team,
            "incident_id": debrief.incident_id(record),
            "scenario_hash": h.scenario_hash,
            "playbook_hash": h.playbook_hash,
            "difficulty": scenario.difficulty,
        },
        "severity": {"true": card.true_severity, "declared": list(card.declared)},
        "score": {
            "points": card.points,
            "max_points": card.max_points,
            "score": card.score,
            "pass_mark": card.pass_mark,
            "passed": card.passed,
            "letter": card.letter,
            # Only for a drill whose record stops before its end (kept out otherwise: version 1's bytes).
            **({} if card.finished else {"finished": False}),
        },
        "times": {
            "detection": _t(card.detection),
            "detection_clock": format_clock(card.detection),
            "ended": _t(card.ended),
            "ended_clock": format_clock(card.ended),
        },
        "categories": [
            {"id": c.category, "label": c.label, "points": c.points, "max_points": c.max_points}
            for c in card.by_category
        ],
        "criteria": [_criterion(c) for c in card.criteria],
        "kpis": [
            {
                "id": k.id,
                "name": k.name,
                "label": k.label,
                "at": _t(k.at),
                "at_clock": _clock(k.at),
                "value": _t(k.value),
                "target": _t(k.target),
                "target_name": k.target_name,
                "met": k.met,
            }
            for k in card.kpis
        ],
        "people": {"actors": [_person(p) for p in card.by_actor], "roles": [_person(p) for p in card.by_role]},
        # Only for a team drill (kept out otherwise: a solo drill's bytes stay as they were).
        **({} if team is None else {"team": _team(team)}),
        "impact": [
            {
                "metric": m.metric,
                "label": m.label,
                "unit": m.unit,
                "worst": m.worst,
                "first_at": _t(m.first_at),
                "value": m.value,
                "cleared_at": _t(m.cleared_at),
            }
            for m in debrief.impact(record, scenario)
        ],
        "timeline": [
            {"t": _t(e.t), "clock": format_clock(e.t), "kind": e.kind, "text": e.text, "actor": e.actor, "role": e.role}
            for e in debrief.timeline(record, scenario, playbook)
        ],
        "root_cause": {
            "text": scenario.truth.root_cause,
            "category": scenario.truth.category,
            "fixed_by": list(scenario.truth.fixed_by),
        },
        "action_items": [
            {"priority": a.priority, "action": a.action, "owner": a.owner, "criterion": a.criterion}
            for a in debrief.action_items(card)
        ],
        "debrief_questions": list(scenario.debrief_questions),
        "facilitator": [
            {"t": e.t, "clock": format_clock(e.t), "kind": e.kind, "text": e.text, "sender": e.sender}
            for e in facilitator_log(record.events)
        ],
        "lessons_learned": [
            {"question": a.question, "prompt": a.prompt, "answer": a.text} for a in answers(record.events)
        ],
    }


def render_json(
    card: ScoreCard, record: DrillRecord, scenario: Scenario, playbook: Playbook, team: TeamCard | None = None
) -> str:
    """The document as text: two-space indent, UTF-8 as is, no NaN, ending with a newline."""
    doc = debrief_document(card, record, scenario, playbook, team)
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
