"""What a team seat is told about itself: its person, role, what that role may do, and who holds the clock."""

from __future__ import annotations

from collections.abc import Iterable

from sim.engine.cast import Person
from sim.format.catalogue import ActionSpec
from sim.format.roles import FACILITATOR, may
from tui.team.port import RemoteDrill


def role_name(port: RemoteDrill, role_id: str | None) -> str:
    if role_id is None:
        return "no role yet"
    if role_id == FACILITATOR:
        return "facilitator"
    return next((r.name for r in port.playbook.roles if r.id == role_id), role_id)


def allowed(port: RemoteDrill, specs: Iterable[ActionSpec]) -> list[str]:
    """The labels of the actions this seat's role may take (all of them in a loose drill)."""
    role = port.role
    if role is None or role == FACILITATOR:
        return []
    scenario_actions = {a.id for a in port.scenario.actions}
    loose = port.mode == "loose"
    return [
        spec.label
        for spec in specs
        if loose or may(port.playbook, role, spec.id, scenario_action=spec.id in scenario_actions)
    ]


def clock_words(port: RemoteDrill) -> str:
    if port.may_steer:
        return "the clock is yours"
    return f"clock: {port.clock_holder}"


def seat_summary(port: RemoteDrill, specs: Iterable[ActionSpec]) -> str:
    """One line, what matters first (a narrow screen clips the end):
    `Sam · Incident Commander · m: message · clock: Ola · may: Acknowledge, Declare severity…`."""
    role = port.role
    parts = [port.you, role_name(port, role), "m: message", clock_words(port)]
    if role == FACILITATOR:
        parts.append("levers F2-F8")
    elif role is not None:
        labels = allowed(port, specs)
        parts.append("may: " + (", ".join(labels) if labels else "write in the channel"))
    else:
        parts.append("may write in the channel")
    return " · ".join(parts)


def seat_help(port: RemoteDrill, specs: Iterable[ActionSpec]) -> str:
    """The help screen's first paragraph for a team seat."""
    role = port.role
    if role == FACILITATOR:
        return (
            f"You are {port.you}, the facilitator: the clock and the levers (F2-F8) are yours; the players act. "
            "m writes in the incident channel."
        )
    who = f"You are {port.you}, {role_name(port, role)}." if role else f"You are {port.you}, with no role yet."
    labels = allowed(port, specs)
    may_do = f" Your role may: {', '.join(labels)}." if labels else " You may write in the incident channel."
    loose = " The drill is loose: anyone may take any action." if port.mode == "loose" else ""
    words = clock_words(port)
    clock = " The clock is yours (space, +, -, n)." if port.may_steer else f" {words[:1].upper()}{words[1:]}."
    return f"{who}{may_do}{loose}{clock} m writes in the incident channel."


def team_people(port: RemoteDrill) -> list[Person]:
    """The players, for the role and page dialogs beside the cast: a role can be handed to a person in the room
    (by name; the engine takes any name)."""
    return [
        Person(p.name, p.name, f"{'bot' if p.bot else 'player'}, {role_name(port, p.role)}")
        for p in port.client.lobby.players
        if p.name != port.you and p.role != FACILITATOR
    ]
