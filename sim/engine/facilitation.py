"""What the facilitator sees and leaves behind: the injects still to come (with their triggers in words),
the hints, notes and ad-hoc messages they gave, and the lessons-learned answers recorded after a drill."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.format.durations import format_clock, format_duration
from sim.format.scenario import Trigger
from sim.journal.events import (
    AnyEvent,
    DebriefAnswer,
    FacilitatorHint,
    FacilitatorInjectNow,
    FacilitatorJump,
    FacilitatorNote,
    FacilitatorSay,
)

if TYPE_CHECKING:
    from sim.engine.drill import Drill


@dataclass(frozen=True, slots=True)
class Upcoming:
    """An inject that has not fired yet: `due` is its sim time when a clock alone decides it."""

    id: str
    kind: str
    sender: str
    trigger: str
    due: float | None


@dataclass(frozen=True, slots=True)
class FacilitatorEntry:
    """One thing the facilitator did, as a debrief lists it: `kind` is `hint`, `note`, `say`, `inject_now`
    or `jump`; `text` is what they wrote (or what the input did, for injects and jumps)."""

    t: float
    kind: str
    text: str
    sender: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """A lessons-learned answer: which question (0-based, as the scenario lists them), its text, the answer."""

    t: float
    question: int
    prompt: str
    text: str


def _number(value: float) -> str:
    return f"{value:g}"


def trigger_text(trigger: Trigger) -> str:
    """A trigger in a facilitator's words: `at T+00:12:00`, `when error_rate > 5 for 1m`, `after rollback`,
    `when sla.status_page expires`; a delay reads `… then 2m`."""
    if trigger.at is not None:
        return f"at {format_clock(trigger.at + trigger.delay)}"
    if trigger.metric is not None:
        cond = trigger.metric
        words = (
            f"when {cond.metric} > {_number(cond.above)}"
            if cond.above is not None
            else f"when {cond.metric} < {_number(cond.below or 0.0)}"
        )
        if cond.for_:
            words += f" for {format_duration(cond.for_)}"
    elif trigger.after_action is not None:
        words = f"after {trigger.after_action}"
    else:
        words = f"when {trigger.timer_expired} expires"
    return f"{words} then {format_duration(trigger.delay)}" if trigger.delay else words


def upcoming(drill: Drill) -> list[Upcoming]:
    """The injects that have not fired: timed ones first by due time, then the others in scenario order."""
    fired = drill.injects.fired
    pending = [i for i in drill.scenario.injects if i.id not in fired]
    out = [
        Upcoming(
            i.id,
            i.kind,
            drill.cast.name(i.sender) if i.sender else "",
            trigger_text(i.trigger),
            i.trigger.at + i.trigger.delay if i.trigger.at is not None else None,
        )
        for i in pending
    ]
    # sorted is stable: equal times and untimed injects keep the scenario's order.
    return sorted(out, key=lambda u: (u.due is None, u.due or 0.0))


def facilitator_log(events: Iterable[AnyEvent]) -> list[FacilitatorEntry]:
    """Everything the facilitator did, in order, as the debrief and the reports list it."""
    out: list[FacilitatorEntry] = []
    for e in events:
        match e:
            case FacilitatorInjectNow():
                entry = FacilitatorEntry(e.t, "inject_now", f"fired inject {e.inject} early")
            case FacilitatorJump():
                entry = FacilitatorEntry(e.t, "jump", f"jumped the clock {format_duration(float(e.dt))}")
            case FacilitatorSay():
                entry = FacilitatorEntry(e.t, "say", e.text, e.sender)
            case FacilitatorHint():
                entry = FacilitatorEntry(e.t, "hint", e.text)
            case FacilitatorNote():
                entry = FacilitatorEntry(e.t, "note", e.text)
            case _:
                continue
        out.append(entry)
    return out


def answers(events: Iterable[AnyEvent]) -> list[Answer]:
    """The lessons-learned answers, one per question (a later answer to the same question replaces it, and an
    empty one withdraws it), in question order."""
    latest: dict[int, Answer] = {}
    for e in events:
        if isinstance(e, DebriefAnswer):
            latest[e.question] = Answer(e.t, e.question, e.prompt, e.text)
    return [latest[q] for q in sorted(latest) if latest[q].text]
