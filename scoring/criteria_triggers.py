"""Criteria for the playbook's triggers that ask something of the trainee: when a condition held (a security
incident, spend above 150% of baseline, an error rate above 50%…), the contacts paged, the severity declared
or the messages sent, in time. When each condition held, and what it asked, is `sim.journal.rules`' (the
engine's trigger clocks read the same)."""

from __future__ import annotations

from scoring.rubric import Category, Context, Criterion, Evidence, Verdicts, clock, decayed, evidence, system_evidence
from sim.format.durations import format_duration
from sim.format.playbook_rules import Condition, Trigger
from sim.journal import rules

POINTS = 10  # per trigger that held: the seeds' "escalate when…" rules weigh as a contact the scenario needs
NOT_HELD = "rule.not_held"


def triggers(ctx: Context) -> list[Criterion]:
    """One criterion per trainee trigger whose condition held; the rest in one line, not evaluated."""
    out, idle = [], []
    for trigger in ctx.playbook.escalation.triggers:
        if trigger.automatic:
            continue
        found = rules.first_held(trigger, ctx.facts, ctx.scenario, ctx.playbook)
        if found is None:
            idle.append(trigger)
        else:
            out.append(_judge(ctx, trigger, *found))
    if idle:
        names = "; ".join(f"{t.id} ({_conditions(t)})" for t in idle)
        v = Verdicts(NOT_HELD, "escalation", "Playbook triggers that did not apply", POINTS)
        out.append(v.skip(f"their conditions never held in this drill: {names}."))
    return out


def _judge(ctx: Context, trigger: Trigger, held: float, cond: Condition) -> Criterion:
    facts = ctx.facts
    done = rules.done(trigger, facts, ctx.playbook, held)
    asked = _asked(ctx, trigger, done.contacts)
    due = rules.due_at(trigger, held, ctx.severity)
    v = Verdicts(f"rule.{trigger.id}", _category(trigger), trigger.text, POINTS, _advice(trigger, asked, ctx))
    when = f"{_condition(cond)} from {clock(held)}"
    rule = f"the playbook says: {trigger.text}"
    ev: tuple[Evidence, ...] = (
        system_evidence(held, f"held: {_condition(cond)}"),
        *(evidence(facts, e, _what(ctx, e)) for e in done.evidence),
    )
    if not asked:
        return v.ok(f"{when}; every level was already involved; {rule}.", ev)
    if done.at is None:
        return v.fail(f"{when}; not done: {asked}; {rule}.", ev, due)
    if due is None:
        if done.at <= facts.open_until:
            return v.ok(f"{when}; done at {clock(done.at)}, while the incident was open; {rule}.", ev)
        return v.fail(f"{when}; done only at {clock(done.at)}, after the incident was resolved; {rule}.", ev)
    window = due - held
    if done.at <= due:
        return v.ok(f"{when}; done at {clock(done.at)}, within {format_duration(window)}; {rule}.", ev, due)
    late = done.at - due
    earned = decayed(POINTS, late, window)
    text = f"{when}; done at {clock(done.at)}, {format_duration(late)} after {clock(due)}; {rule}."
    return v.judge("partial" if earned > 0 else "fail", text, ev, due, points=earned)


def _category(trigger: Trigger) -> Category:
    if trigger.notify or trigger.next_level:
        return "escalation"
    if trigger.declare:
        return "classification"
    return "communication"


def _asked(ctx: Context, trigger: Trigger, contacts: tuple[str, ...]) -> str:
    parts = []
    if contacts:
        parts.append("page " + ", ".join(ctx.contact_label(c) for c in contacts))
    if trigger.declare:
        parts.append(f"declare {trigger.declare} or higher")
    parts += [ctx.action_label(a).lower() for a in trigger.send]
    return "; ".join(parts)


def _advice(trigger: Trigger, asked: str, ctx: Context) -> str:
    if trigger.within is not None:
        by = f" within {format_duration(trigger.within)}"
    elif trigger.at_once and ctx.severity.targets.response is not None:
        by = f" at once (within the {format_duration(ctx.severity.targets.response)} response target)"
    else:
        by = " before resolving"
    what = asked or "escalate to the next level"
    return f"When {_conditions(trigger)}: {what}{by}."


def _what(ctx: Context, e: object) -> str:
    contact = getattr(e, "contact", None)
    if contact is not None:
        return f"paged {ctx.contact_label(contact)}"
    severity = getattr(e, "severity", None)
    if severity is not None:
        return f"declared {severity}"
    return f"finished: {ctx.action_label(getattr(e, 'action', ''))}"


def _conditions(trigger: Trigger) -> str:
    return " or ".join(_condition(c) for c in trigger.when)


def _condition(c: Condition) -> str:
    """A condition in a few words: `a security incident`, `spend_rate above 1.5x baseline`."""
    parts = []
    if c.category:
        parts.append(" or ".join(c.category) + " incident")
    if c.severity:
        parts.append("at " + " or ".join(c.severity))
    if c.tags:
        parts.append("tagged " + ", ".join(c.tags))
    if c.metric is not None:
        m = c.metric
        if m.above_baseline is not None:
            limit = f"above {m.above_baseline:g}x its baseline"
        else:
            limit = f"above {m.above:g}" if m.above is not None else f"below {m.below:g}"
        parts.append(f"{m.metric} {limit}" + (f" for {format_duration(m.for_)}" if m.for_ else ""))
    if c.open_for is not None:
        parts.append(f"open over {format_duration(c.open_for)}")
    if c.unmitigated_for is not None:
        parts.append(f"unmitigated after {format_duration(c.unmitigated_for)}")
    if c.overdue is not None:
        parts.append(f"{c.overdue} target missed")
    if c.failed_resolutions is not None:
        parts.append(f"{c.failed_resolutions} failed resolves")
    if c.severity_raised:
        parts.append("severity raised")
    return ", ".join(parts)


def called_contacts(ctx: Context) -> set[str]:
    """Contacts the playbook's triggers asked the trainee to page in this drill (not noise to page)."""
    out: set[str] = set()
    for trigger in ctx.playbook.escalation.triggers:
        held = None if trigger.automatic else rules.held_at(trigger, ctx.facts, ctx.scenario, ctx.playbook)
        if held is not None:
            out |= set(rules.asked_contacts(trigger, ctx.facts, ctx.playbook, held))
    return out


def follow_up(ctx: Context) -> list[Criterion]:
    """The playbook's steps after resolution (documentation, action-item reviews): listed, never judged,
    as every drill ends at resolution."""
    steps = ctx.playbook.follow_up
    if not steps:
        return []
    v = Verdicts("close.follow_up", "closure", "Follow-up after the incident", POINTS)
    listed = "; ".join(f"{s.text} within {format_duration(s.within)} of resolution" for s in steps)
    return [v.skip(f"the drill ends at resolution, before any of these is due: {listed}.")]


CHECKS = (triggers, follow_up)
