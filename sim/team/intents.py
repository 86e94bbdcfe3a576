"""What the host does with each intent a seat sends: the checks (started, role, catalogue, who holds the
levers) and the one call into the drill each leads to. Every function returns why it refused, or None."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.engine.actions import ActionRefused
from sim.format.durations import format_clock, parse_duration
from sim.format.roles import FACILITATOR, refusal
from sim.team.clock import MAX_SPEED, MIN_SPEED
from sim.team.protocol import Act, Cancel, ClientMessage, Hello, Lever, Notice, Say, TakeRole

if TYPE_CHECKING:
    from sim.team.host import Host
    from sim.team.seats import Seat

IC = "incident-commander"


def handle(host: Host, seat: Seat, msg: ClientMessage) -> str | None:
    match msg:
        case TakeRole():
            return host.take_role(seat, msg.role)
        case Act():
            if (why := _playing(host)) is not None:
                return why
            if msg.action not in host.drill.actions.specs:
                return f"unknown action {msg.action!r}"
            # Held until the clock reaches `at` exactly. Why: docs/decisions/0011-team-core-protocol.md
            if msg.at is not None and msg.at > host.drill.now:
                return host.hold(seat, msg)
            why = host._act(seat, msg.action, dict(msg.params), ref=msg.id)
            if why is None and msg.at is not None and msg.at < host.drill.now:
                late = (
                    f"{msg.action} was taken at {format_clock(host.drill.now)}, after its time ({format_clock(msg.at)})"
                )
                host.tell(seat, Notice("info", f"{late}: it arrived late", msg.id))
            return why
        case Cancel():
            return cancel(host, seat, msg.action)
        case Say():
            return say(host, seat, msg.text, update=msg.update, ref=msg.id)
        case Lever():
            return lever(host, seat, msg.lever, dict(msg.data))
        case Hello():
            return "you have joined already"
        case _:
            return None


def _playing(host: Host) -> str | None:
    if not host.started:
        return "the drill has not started yet"
    if host.drill.finished:
        return "the drill is over"
    return None


def act(host: Host, seat: Seat, action: str, params: dict[str, Any]) -> str | None:
    """Take a catalogued action as `seat`, in its role. The engine's own refusals come first (they replay by
    themselves); a role refusal is journaled by `Drill.refuse`, and replays as recorded."""
    drill = host.drill
    if (why := _playing(host)) is not None:
        return why
    spec = drill.actions.specs.get(action)
    if spec is None:
        return f"unknown action {action!r}"
    role = seat.role if seat.role != FACILITATOR else None
    try:
        if drill.actions.check(action, params, role) is None and host.mode == "strict":
            why = refusal(drill.playbook, seat.role, action, scenario_action=spec.scenario, label=spec.label,
                          holders=host.holders())  # fmt: skip
            if why is not None:
                drill.refuse(action, params, why, actor=seat.name, role=role)
        drill.act_with(action, params, actor=seat.name, role=role)
    except ActionRefused as exc:
        return exc.reason
    return None


def cancel(host: Host, seat: Seat, action: str) -> str | None:
    drill = host.drill
    if (why := _playing(host)) is not None:
        return why
    spec = drill.actions.specs.get(action)
    if spec is None:
        return f"unknown action {action!r}"
    if host.mode == "strict":
        why = refusal(drill.playbook, seat.role, action, scenario_action=spec.scenario, label=spec.label,
                      holders=host.holders())  # fmt: skip
        if why is not None:
            return why
    try:
        drill.cancel(action, actor=seat.name, role=seat.role)
    except ActionRefused as exc:
        return exc.reason
    host._flush()
    return None


def say(host: Host, seat: Seat, text: str, *, update: bool = False, ref: int | None = None) -> str | None:
    """A message in the incident channel; with `update`, posted as the internal update too."""
    if (why := _playing(host)) is not None:
        return why
    try:
        host.drill.say(text, actor=seat.name, role=seat.role)
    except (ActionRefused, ValueError) as exc:
        return str(exc)
    host._flush()
    if update:
        return host._act(seat, "post_update", {"text": text}, ref=ref)
    return None


def may_pull(host: Host, seat: Seat) -> bool:
    """The levers are the facilitator's; when no facilitator is here, the incident commander's; when no
    person holds either, any player's."""
    if host.facilitator is not None:
        return False  # the host's console holds them
    people = [s for s in host.seats.values() if s.connected and not s.bot]
    for role in (FACILITATOR, IC):
        if any(s.role == role for s in people):
            return seat.role == role
    return True


def lever(host: Host, seat: Seat, name: str, data: dict[str, Any]) -> str | None:
    if not may_pull(host, seat):
        who = host.facilitator or host.holder(FACILITATOR) or host.holder(IC)
        return f"the clock and the levers are the facilitator's (or the incident commander's): {who} holds them"
    if name == "loose":
        host.set_loose(bool(data.get("on", True)))
        return None
    if name == "start":
        if host.started:
            return "the drill has started already"
        host.start()
        return None
    if (why := _playing(host)) is not None:
        return why
    try:
        return _pull(host, seat, name, data)
    except (ActionRefused, ValueError, TypeError) as exc:
        return f"{name}: {exc}"


def _pull(host: Host, seat: Seat, name: str, data: dict[str, Any]) -> str | None:
    if name == "pause":
        host.pause()
    elif name == "resume":
        host.resume()
    elif name == "speed":
        speed = data.get("speed")
        if isinstance(speed, bool) or not isinstance(speed, int | float) or not MIN_SPEED <= speed <= MAX_SPEED:
            return f"speed must be a number from {MIN_SPEED:g} to {MAX_SPEED:g}"
        host.set_speed(float(speed))
    elif name == "step":
        host.step(_seconds(data.get("dt", 60.0)))
    elif name == "end":
        host.end(by=FACILITATOR if seat.role == FACILITATOR else seat.name)
    elif name == "jump":
        host.facilitate("jump", dt=_seconds(data.get("dt")))
    elif name in ("hint", "note"):
        host.facilitate(name, text=_text(data.get("text")))
    elif name == "inject_now":
        host.facilitate("inject_now", inject=_text(data.get("inject")))
    elif name == "say_as":
        kind = data.get("inject_kind")
        host.facilitate("say", sender=_text(data.get("sender")), text=_text(data.get("text")),
                        **({"inject_kind": str(kind)} if kind else {}))  # fmt: skip
    return None


def _seconds(value: Any) -> float:
    seconds = parse_duration(value) if isinstance(value, str) else value
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 24 * 3600:
        raise ValueError("give a positive time of at most a day, e.g. 60 or '5m'")
    return float(seconds)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("it needs text")
    return value
