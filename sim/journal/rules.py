"""When a playbook trigger held, what it asked of the trainee, and when that was done: one definition, read
by the engine (its trigger clocks and automatic escalations) and by the scorer.

A condition on the scenario's truth (true severity, category, tags) holds from detection. A metric condition
is seen only by the engine, which journals the moment it held (a `trigger.<id>` timer or escalation) for
the facts to read back (`Facts.triggered`). The rest follow from the facts: how long the incident stayed
open or unmitigated, a target missed, resolves that did not hold, a severity raised.
"""

from __future__ import annotations

from typing import NamedTuple

from sim.format.playbook import Playbook, Severity
from sim.format.playbook_rules import Condition, Trigger
from sim.format.scenario import Scenario
from sim.journal.events import AnyEvent
from sim.journal.facts import TRIGGER_TIMER, Facts


class Done(NamedTuple):
    """What a held trigger asked, and when the trainee had done all of it (None: not all of it)."""

    contacts: tuple[str, ...]
    at: float | None
    evidence: tuple[AnyEvent, ...]


def timer_id(trigger: Trigger) -> str:
    return f"{TRIGGER_TIMER}{trigger.id}"


def held_at(trigger: Trigger, facts: Facts, scenario: Scenario, playbook: Playbook) -> float | None:
    """The first moment any of the trigger's conditions held while the incident was open (never before
    detection), or None."""
    found = first_held(trigger, facts, scenario, playbook)
    return found[0] if found is not None else None


def first_held(
    trigger: Trigger, facts: Facts, scenario: Scenario, playbook: Playbook
) -> tuple[float, Condition] | None:
    """When the trigger held, and which of its conditions held first (the first listed, on a tie)."""
    journaled = facts.triggered.get(trigger.id)
    moments: list[tuple[float, int, Condition]] = []
    for i, cond in enumerate(trigger.when):
        t = condition_held_at(cond, trigger, facts, scenario, playbook)
        if cond.metric is not None and journaled is not None:
            t = max(journaled, facts.detection)
        if t is not None:
            moments.append((t, i, cond))
    if not moments:
        return None
    t, _, cond = min(moments, key=lambda m: (m[0], m[1]))
    return (t, cond) if t <= facts.open_until else None


def condition_held_at(
    cond: Condition, trigger: Trigger, facts: Facts, scenario: Scenario, playbook: Playbook
) -> float | None:
    """When every key of one condition held (the latest of their moments), or None. A metric key is the
    engine's to see: this answers None for it, and `held_at` reads the journaled moment instead."""
    if cond.metric is not None:
        return None
    truth = scenario.truth
    if cond.severity and truth.severity not in cond.severity:
        return None
    if cond.category and truth.category not in cond.category:
        return None
    if cond.tags and not set(cond.tags) <= set(scenario.tags):
        return None
    start = facts.detection
    moments: list[float | None] = [start]
    if cond.open_for is not None:
        moments.append(_lasted(start + cond.open_for, facts.open_until, facts))
    if cond.unmitigated_for is not None:
        until = facts.mitigated if facts.mitigated is not None else facts.end
        moments.append(_lasted(start + cond.unmitigated_for, until, facts))
    if cond.overdue is not None:
        moments.append(_overdue(cond.overdue, facts, _severity(scenario, playbook)))
    if cond.failed_resolutions is not None:
        early = [e.t for e in facts.resolutions if e.early]
        n = cond.failed_resolutions
        moments.append(early[n - 1] if len(early) >= n else None)
    if cond.severity_raised:
        moments.append(raised_at(facts, playbook))
    if any(t is None for t in moments):
        return None
    return max(t for t in moments if t is not None)


def _lasted(due: float, until: float, facts: Facts) -> float | None:
    """`due`, if the state lasted past it and the drill saw that moment."""
    return due if until > due and facts.end >= due else None


def _severity(scenario: Scenario, playbook: Playbook) -> Severity | None:
    return next((s for s in playbook.severities if s.id == scenario.truth.severity), None)


def target_met(name: str, facts: Facts) -> float | None:
    """When the facts met a target of this name (acknowledge, response, identify, mitigation, resolution)."""
    event = {
        "acknowledge": facts.acknowledged,
        "response": facts.response,
        "identify": facts.root_cause,
        "resolution": facts.closed,
    }.get(name)
    if name == "mitigation":
        return facts.mitigated
    return event.t if event is not None else None


def _overdue(name: str, facts: Facts, sev: Severity | None) -> float | None:
    """The moment the true severity's target passed unmet (the drill running on past it)."""
    target = getattr(sev.targets, name) if sev is not None else None
    if target is None:
        return None
    due = facts.detection + target
    met = target_met(name, facts)
    if (met is not None and met <= due) or facts.end < due:
        return None
    return due


def raised_at(facts: Facts, playbook: Playbook) -> float | None:
    """The first declaration more severe than the one before it."""
    rank = {s.id: i for i, s in enumerate(playbook.severities)}
    for d in facts.declarations:
        if d.previous in rank and d.severity in rank and rank[d.severity] < rank[d.previous]:
            return d.t
    return None


def next_level(playbook: Playbook, involved: set[str]) -> str | None:
    """The first of the escalation levels not yet involved."""
    return next((c for c in playbook.escalation.levels if c not in involved), None)


def asked_contacts(trigger: Trigger, facts: Facts, playbook: Playbook, held: float) -> tuple[str, ...]:
    """The contacts a held trigger asks the trainee to page: its list, and the next level up from those the
    trainee had paged when it held."""
    out = list(trigger.notify)
    if trigger.next_level:
        paged = {p.contact for p in facts.pages if p.t <= held}
        up = next_level(playbook, paged)
        if up is not None and up not in out:
            out.append(up)
    return tuple(out)


def done(trigger: Trigger, facts: Facts, playbook: Playbook, held: float) -> Done:
    """When the trainee had done everything the held trigger asks: each contact paged (at any time), the
    severity declared at least as high (in force when it held, or declared after), each message sent. A part
    done before the trigger held counts from the moment it held."""
    contacts = asked_contacts(trigger, facts, playbook, held)
    parts: list[float | None] = []
    evidence: list[AnyEvent] = []
    for c in contacts:
        page = facts.page_of(c)
        parts.append(page.t if page is not None else None)
        if page is not None:
            evidence.append(page)
    if trigger.declare is not None:
        decl = declared_at_least(trigger.declare, facts, playbook, held)
        parts.append(decl.t if decl is not None else None)
        if decl is not None:
            evidence.append(decl)
    for action in trigger.send:
        sent = facts.finished_action(action)
        parts.append(sent.t if sent is not None else None)
        if sent is not None:
            evidence.append(sent)
    if any(t is None for t in parts):
        return Done(contacts, None, tuple(evidence))
    return Done(contacts, max([held, *(t for t in parts if t is not None)]), tuple(evidence))


def declared_at_least(sev_id: str, facts: Facts, playbook: Playbook, held: float) -> AnyEvent | None:
    """The declaration that put the incident at `sev_id` or above: the one in force when the trigger held,
    or the first after it."""
    rank = {s.id: i for i, s in enumerate(playbook.severities)}
    want = rank.get(sev_id)
    if want is None:
        return None
    before = [d for d in facts.declarations if d.t <= held]
    if before and rank.get(before[-1].severity, len(rank)) <= want:
        return before[-1]
    return next((d for d in facts.declarations if d.t > held and rank.get(d.severity, len(rank)) <= want), None)


def due_at(trigger: Trigger, held: float, sev: Severity | None) -> float | None:
    """The deadline of a held trigger: `within` it, the response target with `at_once`, else None (before
    the incident is resolved)."""
    if trigger.within is not None:
        return held + trigger.within
    if trigger.at_once and sev is not None and sev.targets.response is not None:
        return held + sev.targets.response
    return None
