"""The team debrief: the team's scorecard, graded exactly as a solo drill's, and for each person what they did,
the criteria that fall to their role, their messages and their own score.

Who answers for which criterion is one table in `scoring.rubric` (`duty_of`, `role_duty`); the rules are in
scenarios/README.md, "The team debrief". Why: docs/decisions/0008-team-score-duties.md
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from scoring.grade import DEFAULT_PASS_MARK, ScoreCard, grade, letter_for
from scoring.rubric import Criterion, Duty, duty_of, role_duty
from sim.format.catalogue import STANDARD_IDS, standard
from sim.format.playbook import Playbook
from sim.format.roles import may
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import (
    FACILITATOR,
    ActionCancelled,
    ActionFinished,
    ActionRefusal,
    ActionStarted,
    AnyEvent,
    ChannelMessage,
    CommsSent,
    RoleAssigned,
)
from sim.journal.facts import TRAINEE_EVENTS, acting_role, actor_field

__all__ = [
    "NO_GRADE",
    "PersonResult",
    "TeamCard",
    "doings",
    "messages_of",
    "met_by",
    "team_card",
]

NO_GRADE = "—"  # the grade of a person none of whose criteria could be evaluated
_ACTIONS = (ActionStarted, ActionFinished, ActionRefusal, ActionCancelled)


class PersonResult(NamedTuple):
    """One person's part in a team drill."""

    name: str
    role: str | None  # the first role they held (handed to them, or acted in); None: they held none
    score: float  # points / max_points over their evaluated criteria, x100, to one decimal, never below 0
    grade: str  # the card's letters (A-F), or NO_GRADE when nothing of theirs could be evaluated
    actions: tuple[AnyEvent, ...]  # their action.started/finished/refused/cancelled, in time order
    criteria: tuple[Criterion, ...]  # the criteria that fall to them, in scorecard order
    messages: tuple[ChannelMessage | CommsSent, ...]  # what they wrote: channel messages and comms, in time order
    roles: tuple[str, ...] = ()  # every role they held, first held first
    points: int = 0
    max_points: int = 0  # over their evaluated criteria
    did: tuple[tuple[float, str], ...] = ()  # `doings`: their actions as the reports list them

    @property
    def graded(self) -> bool:
        return self.max_points > 0


class TeamCard(NamedTuple):
    card: ScoreCard  # the team's, graded exactly as a solo drill
    people: tuple[PersonResult, ...]  # by role in the playbook's order, then people without one
    role_names: tuple[tuple[str, str], ...] = ()  # (id, name) of the playbook's roles

    def role_label(self, p: PersonResult) -> str:
        """The roles a person held, by the playbook's names (`Incident Commander, Communications Lead`)."""
        names = dict(self.role_names)
        return ", ".join(names.get(r, r) for r in p.roles) or "no role"

    def score_cell(self, p: PersonResult) -> str:
        """A person's score for a table: `96.5 (A)`, `96.5 so far` (unfinished: no letter), or `—`."""
        if not p.graded:
            return "—"
        return f"{p.score:.1f} ({p.grade})" if self.card.finished else f"{p.score:.1f} so far"

    def score_phrase(self, p: PersonResult) -> str:
        """A person's score as the reports write it: `96.5 / 100 — A (55 of 57 points, 9 criteria)`."""
        if not p.graded:
            return "no score: none of the criteria that fall to them could be evaluated"
        points = f"{p.points} of {p.max_points} points, {len(p.criteria)} criteria"
        if not self.card.finished:
            return f"so far {p.score:.1f} / 100, no grade: the drill is unfinished ({points})"
        return f"{p.score:.1f} / 100 — {p.grade} ({points})"


def participants(record: DrillRecord) -> list[str]:
    """Who took part: everyone who acted or wrote in the channel, in the order they first did."""
    trainee = record.header.trainee
    return list(_names(_actor(e, trainee) for e in record.events if _is_action(e) or _is_message(e)))


def team_card(
    record: DrillRecord,
    scenario: Scenario,
    playbook: Playbook,
    *,
    card: ScoreCard | None = None,
    pass_mark: float = DEFAULT_PASS_MARK,
) -> TeamCard | None:
    """The team debrief of a drill more than one person acted in (actions or channel messages); None when one
    person (or nobody) did. `card`, when the caller has graded the record already, saves grading it again."""
    trainee = record.header.trainee
    acted = participants(record)
    if len(acted) < 2:
        return None
    card = card if card is not None else grade(record, scenario, playbook, pass_mark=pass_mark)
    held = _held(record, trainee)
    # Someone handed a role who never acted nor wrote is a person of the team only for a role nobody who took
    # part holds: a silent teammate answers for their role, but a name from the cast handed the role a player
    # already holds (a script's "who: secondary on-call") is not one of the team.
    taken = {r for n in acted for r in held.get(n, ())}
    names = _names([*acted, *(n for n, roles in held.items() if set(roles) - taken)])
    held = {n: r for n, r in held.items() if n in names}
    owners = _Owners(playbook, held, names)
    people = []
    for name in names:
        mine = tuple(c for c in card.criteria if name in owners.of(c))
        person = _person(record, name, held.get(name, ()), mine)
        people.append(person._replace(did=doings(person, scenario, playbook)))
    order = {r.id: i for i, r in enumerate(playbook.roles)}
    people.sort(key=lambda p: order.get(p.role, len(order)) if p.role else len(order) + 1)  # stable: seen order
    return TeamCard(card, tuple(people), tuple((r.id, r.name) for r in playbook.roles))


class _Owners:
    """Who answers for each criterion: the holders of the roles its duty falls to."""

    def __init__(self, playbook: Playbook, held: dict[str, tuple[str, ...]], names: list[str]) -> None:
        names_of = {r.id: r.name for r in playbook.roles}
        duties = {n: {role_duty(r, names_of.get(r, "")) for r in held.get(n, ())} - {None} for n in names}
        self.everyone = frozenset(names)
        # No role, or only roles no duty names (a scribe): judged on their own actions, as below.
        self.roleless = frozenset(n for n in names if not duties[n])
        self.by_duty: dict[Duty, frozenset[str]] = {
            duty: frozenset(n for n in names if duty in duties[n]) for duty in ("command", "comms", "tech")
        }
        # Criteria no held role covers fall to the incident commander, who owns the response; with nobody in
        # command either, to everyone who took part.
        self.command = self.by_duty["command"] or self.everyone

    def of(self, c: Criterion) -> frozenset[str]:
        # Someone who held no role answers for what their own actions are evidence for.
        own = frozenset(a for a in c.actors if a in self.everyone)
        roleless = own & self.roleless
        duty = duty_of(c)
        if duty == "own":
            return own or self.command
        return (self.by_duty.get(duty) or self.command) | roleless


def _person(record: DrillRecord, name: str, roles: tuple[str, ...], criteria: tuple[Criterion, ...]) -> PersonResult:
    trainee = record.header.trainee
    actions = tuple(e for e in record.events if _is_action(e) and _actor(e, trainee) == name)
    messages = tuple(
        e for e in record.events if isinstance(e, ChannelMessage | CommsSent) and _actor(e, trainee) == name
    )
    evaluated = [c for c in criteria if c.evaluated]
    points, max_points = sum(c.points for c in evaluated), sum(c.max_points for c in evaluated)
    score = max(0.0, round(100.0 * points / max_points, 1)) if max_points else 0.0
    return PersonResult(
        name,
        roles[0] if roles else None,
        score,
        letter_for(score) if max_points else NO_GRADE,
        actions,
        criteria,
        messages,
        roles,
        points,
        max_points,
    )


def _held(record: DrillRecord, trainee: str) -> dict[str, tuple[str, ...]]:
    """Each person's roles, first held first: handed to them (role.assigned), or the role they acted or wrote
    in. A role handed to someone stays theirs for the debrief even if it was handed on later."""
    out: dict[str, list[str]] = {}
    for e in record.events:
        role: str | None
        if isinstance(e, RoleAssigned):
            name, role = e.who, e.role
        elif _is_action(e) or _is_message(e) or isinstance(e, TRAINEE_EVENTS):
            name, role = _actor(e, trainee), _role(e)
        else:
            continue
        if not name or name == FACILITATOR:
            continue
        roles = out.setdefault(name, [])
        if role and role not in roles:
            roles.append(role)
    return {n: tuple(r) for n, r in out.items()}


def _is_action(e: AnyEvent) -> bool:
    return isinstance(e, _ACTIONS) and e.actor != FACILITATOR


def _is_message(e: AnyEvent) -> bool:
    return isinstance(e, ChannelMessage) and e.actor != FACILITATOR


def _actor(e: AnyEvent, trainee: str) -> str:
    if isinstance(e, ChannelMessage):
        return e.actor or trainee
    return actor_field(e) or trainee


def _role(e: AnyEvent) -> str | None:
    if isinstance(e, ChannelMessage):
        return e.role or None
    return acting_role(e)


def _names(names: Iterable[str]) -> list[str]:
    """Distinct, in first-seen order, without the facilitator."""
    return list(dict.fromkeys(n for n in names if n and n != FACILITATOR))


# ---------------------------------------------------------------- what the reports show of a person


def _label(scenario: Scenario, action_id: str) -> str:
    for action in scenario.actions:
        if action.id == action_id:
            return action.label
    return standard(action_id).label if action_id in STANDARD_IDS else action_id


def _params(params: object) -> str:
    """The short parameters of an action (a target, a state), never free text."""
    if not isinstance(params, dict):
        return ""
    shown = [str(v) for k, v in params.items() if k != "text" and isinstance(v, str | int | float) and v != ""]
    return f" ({', '.join(shown)})" if shown else ""


def doings(person: PersonResult, scenario: Scenario, playbook: Playbook | None = None) -> tuple[tuple[float, str], ...]:
    """What a person did, one line each in time order: each action that landed, was refused or cancelled, and
    each one still under way when the record stops. With the playbook, a role handed out reads by its name,
    and an action taken in a role that may not take it (a drill played loose) says so."""
    roles = {r.id: r.name for r in playbook.roles} if playbook is not None else {}
    own = {a.id for a in scenario.actions}

    def outside(e: ActionStarted | ActionFinished) -> str:
        if playbook is None or e.role not in roles or may(playbook, e.role, e.action, scenario_action=e.action in own):
            return ""
        return f" — outside the {roles[e.role]}'s role"

    out: list[tuple[float, str]] = []
    open_: dict[str, ActionStarted] = {}
    for e in person.actions:
        match e:
            case ActionStarted():
                open_[e.action] = e
            case ActionFinished(action="assign_role"):
                open_.pop(e.action, None)
                role, who = str(e.params.get("role", "")), str(e.params.get("who", ""))
                who = e.actor if who.strip().lower() == "me" else who  # as the engine reads it
                out.append((e.t, f"Assigned {roles.get(role, role)} to {who}{outside(e)}"))
            case ActionFinished():
                open_.pop(e.action, None)
                out.append((e.t, _label(scenario, e.action) + _params(e.params) + outside(e)))
            case ActionRefusal():
                out.append((e.t, f"Refused: {_label(scenario, e.action)}{_params(e.params)} — {e.reason}"))
            case ActionCancelled():
                open_.pop(e.action, None)
                out.append((e.t, f"Cancelled: {_label(scenario, e.action)}"))
    out += [
        (e.t, f"Under way at the end: {_label(scenario, e.action)}{_params(e.params)}{outside(e)}")
        for e in open_.values()
    ]
    return tuple(sorted(out, key=lambda pair: pair[0]))


_CHANNELS = {
    "internal": "internal update",
    "status_page": "status page",
    "customers": "customers",
    "executives": "executives",
    "support": "support",
}


def met_by(c: Criterion) -> str:
    """Whose actions a criterion's evidence names, for a person's list of criteria (`—` for nobody's)."""
    return ", ".join(c.actors) or "—"


def messages_of(person: PersonResult) -> tuple[tuple[float, str, str], ...]:
    """A person's messages as (time, where, text): the incident channel, or the comms channel they sent on."""
    out = []
    for e in person.messages:
        if isinstance(e, CommsSent):
            where = _CHANNELS.get(e.channel, e.channel) + (f" ({e.state})" if e.state else "")
            out.append((e.t, where, e.text))
        else:
            out.append((e.t, "incident channel", e.text))
    return tuple(out)
