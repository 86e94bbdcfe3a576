"""Criteria for the second half of a response: escalation, mitigation, closure, and (from `criteria_expect`) the
scenario's expectations."""

from __future__ import annotations

from dataclasses import replace

from scoring.criteria_expect import acted, expectations
from scoring.rubric import (
    COSTS,
    POINTS,
    Context,
    Criterion,
    Evidence,
    Verdicts,
    clock,
    detection_evidence,
    evidence,
    judge_deadline,
    system_evidence,
)
from sim.format.durations import format_duration
from sim.journal.events import ActionFinished, PageSent, RecoveryVerified, StatusChanged


def must_involve(ctx: Context) -> list[Criterion]:
    """Each contact the scenario needs (security for a breach, the DBA for the database…), before the fix."""
    facts, truth = ctx.facts, ctx.scenario.truth
    fix = next((e for e in facts.started if e.action in truth.fixed_by), None)
    out = []
    for contact in truth.must_involve:
        name = ctx.contact_label(contact)
        v = Verdicts(
            f"escalate.{contact}",
            "escalation",
            f"{name} involved",
            POINTS["escalate.contact"],
            f"Page the {name} early, before applying the fix.",
        )
        rule = f"the scenario requires the {name} for this {truth.category} incident"
        page = facts.page_of(contact)
        if page is None:
            out.append(v.fail(f"The {name} was never paged; {rule}."))
            continue
        ev: tuple[Evidence, ...] = (evidence(facts, page, f"paged {name}"),)
        paged = f"The {name} was paged at {clock(page.t)}"
        if fix is None or page.t <= fix.t:
            before = f", before the fix started at {clock(fix.t)}" if fix is not None else ""
            out.append(v.ok(f"{paged}{before}; {rule}.", ev))
            continue
        ev += (evidence(facts, fix, f"fix started: {ctx.action_label(fix.action)}"),)
        out.append(v.partial(f"{paged}, after the fix started at {clock(fix.t)}; {rule}.", ev))
    return out


def paging(ctx: Context) -> Criterion:
    """The contacts the playbook pages at this severity, paged within the response target."""
    contacts = ctx.severity.page
    names = ", ".join(ctx.contact_label(c) for c in contacts)
    v = Verdicts(
        "escalate.paging",
        "escalation",
        "Playbook paging list followed",
        POINTS["escalate.paging"],
        f"Page {names} as soon as the incident is declared {ctx.sev}.",
    )
    if not contacts:
        return v.skip(f"the playbook pages no one at {ctx.sev}.")
    facts, target = ctx.facts, ctx.severity.targets.response
    deadline = facts.detection + target if target is not None else None
    rule = f"the playbook pages {names} at {ctx.sev}"
    if target is not None:
        rule += f", within the {format_duration(target)} response target"
    pages = {c: _paged(ctx, c) for c in contacts}
    ev = (
        detection_evidence(facts),
        *(evidence(facts, p, f"paged {ctx.contact_label(c)}") for c, p in pages.items() if p),
    )
    missing = [ctx.contact_label(c) for c, p in pages.items() if p is None]
    late = [ctx.contact_label(c) for c, p in pages.items() if p and deadline is not None and p.t > deadline]
    if len(missing) == len(contacts):
        return v.fail(f"No one on the list was paged; {rule}.", ev, deadline)
    if not missing and not late:
        return v.ok(f"Everyone on the list was paged in time; {rule}.", ev, deadline)
    gaps = "; ".join(x for x in (_listed("never paged", missing), _listed("paged late", late)) if x)
    return v.partial(f"{_sentence(gaps)}; {rule}.", ev, deadline)


def _paged(ctx: Context, contact: str) -> PageSent | ActionFinished | None:
    """When the trainee first paged `contact`. The pager escalating on its own earns nothing: credit is only
    for what the trainee did. The first level of the chain is the trainee, reached by acknowledging."""
    chain, facts = ctx.playbook.escalation.chain, ctx.facts
    page = facts.page_of(contact)
    if page is None and chain and chain[0].contact == contact:
        return facts.finished_action("acknowledge")
    return page


def no_progress(ctx: Context) -> Criterion:
    """The seeds' "can't find the root cause in N minutes -> escalate" rule."""
    esc, facts = ctx.playbook.escalation, ctx.facts
    # A severity may set its own limit (seeds that escalate sooner at higher severities).
    after = ctx.severity.no_progress_after if ctx.severity.no_progress_after is not None else esc.no_progress_after
    contact = esc.no_progress_contact
    name = ctx.contact_label(contact) if contact else ""
    v = Verdicts(
        "escalate.no_progress",
        "escalation",
        "Escalated when stuck",
        POINTS["escalate.no_progress"],
        f"If the cause is not found within {format_duration(after or 0)}, page the {name}.",
    )
    if after is None or contact is None:
        return v.skip("the playbook sets no no-progress escalation rule.")
    start = facts.acknowledged.t if facts.acknowledged else facts.detection
    deadline = start + after
    rule = (
        f"the playbook escalates to the {name} if the cause is not found {format_duration(after)} after acknowledging"
    )
    found = facts.root_cause
    if found is not None and found.t <= deadline:
        return v.skip(f"the root cause was found at {clock(found.t)}, so no escalation was due.")
    if facts.end <= deadline:
        return v.skip(f"the drill ended before {clock(deadline)}, when escalation would be due.")
    page = facts.page_of(contact)
    base = (system_evidence(start, "acknowledged" if facts.acknowledged else "detection"),)
    if page is None:
        return v.fail(
            f"Still no root cause at {clock(deadline)}, and the {name} was never paged; {rule}.", base, deadline
        )
    ev = (*base, evidence(facts, page, f"paged {name}"))
    if page.t <= deadline + after:
        return v.ok(f"The {name} was paged at {clock(page.t)}; {rule}.", ev, deadline)
    late = format_duration(page.t - deadline)
    return v.partial(f"The {name} was paged at {clock(page.t)}, {late} after it was due; {rule}.", ev, deadline)


def fix(ctx: Context) -> Criterion:
    facts, truth = ctx.facts, ctx.scenario.truth
    labels = " or ".join(ctx.action_label(a) for a in truth.fixed_by)
    v = Verdicts("mitigate.fix", "mitigation", "The right fix applied", POINTS["mitigate.fix"], f"Fix it: {labels}.")
    done = next((e for e in facts.finished if e.action in truth.fixed_by), None)
    if done is None:
        return v.fail(f"The fix ({labels}) was never applied.")
    label = ctx.action_label(done.action)
    # The fix counts when the fault ends because of it, not when an action of it merely ran: with
    # `fix: all`, a fault that needs every listed action stays until the last of them is done.
    if not any(e.by in truth.fixed_by for e in facts.faults_resolved):
        missing = [ctx.action_label(a) for a in truth.fixed_by if not any(e.action == a for e in facts.finished)]
        still = f"; still needed: {', '.join(missing)}" if missing else ""
        why = f"{label} finished at {clock(done.t)}, but the fault did not end because of it{still}."
        return v.partial(why, (evidence(facts, done, label),), points=v.max_points // 3)
    return v.ok(f"{label} finished at {clock(done.t)}; it fixes the root cause.", (evidence(facts, done, label),))


def diagnosis(ctx: Context) -> Criterion:
    facts = ctx.facts
    v = Verdicts(
        "mitigate.diagnosis",
        "mitigation",
        "Root cause identified",
        POINTS["mitigate.diagnosis"],
        "Investigate (dashboards, logs, deploys, dependencies) until the cause is known.",
    )
    if facts.root_cause is None and not ctx.scenario.truth.root_cause_clues:
        return v.skip("the scenario names no clue that reveals the root cause.")
    target = ctx.severity.targets.identify
    if target is not None:
        return judge_deadline(
            ctx,
            v.id,
            v.category,
            v.title,
            allowance=target,
            rule="root-cause target",
            done=facts.root_cause,
            done_what="Root cause identified",
            never="The root cause was never identified",
            advice=v.advice,
        )
    if facts.root_cause is None:
        return v.fail("The root cause was never identified.")
    by = facts.root_cause.by
    how = f" (by {ctx.action_label(by)})" if by else ""
    t = facts.root_cause.t
    return v.ok(f"Root cause identified at {clock(t)}{how}.", (system_evidence(t, "root cause identified"),))


def mitigation_time(ctx: Context) -> Criterion:
    target = ctx.severity.targets.mitigation
    return judge_deadline(
        ctx,
        "mitigate.time",
        "mitigation",
        "Mitigated in time",
        allowance=target,
        rule="mitigation target",
        done=ctx.facts.mitigated_event,
        done_what="Mitigated (every fault resolved)",
        never="The incident was never mitigated",
        advice=f"Stop the bleeding first, within {format_duration(target or 0)}; dig deeper afterwards.",
    )


def resolution_time(ctx: Context) -> Criterion:
    target = ctx.severity.targets.resolution
    closed = ctx.facts.closed
    # Credit the trainee whose resolve it was (the resolution itself is the system's status change).
    resolve = next(
        (e for e in reversed(ctx.facts.finished) if e.action == "resolve" and closed and e.t <= closed.t), None
    )
    return judge_deadline(
        ctx,
        "mitigate.resolution",
        "mitigation",
        "Resolved in time",
        allowance=target,
        rule="resolution target",
        done=resolve if isinstance(closed, StatusChanged) and resolve else closed,
        done_what="Resolution held once recovery was verified"
        if isinstance(closed, RecoveryVerified)
        else "Resolved (on a healthy system)",
        never="The incident was never resolved",
        advice=f"Resolve within {format_duration(target or 0)} of detection.",
    )


def speed(ctx: Context) -> Criterion:
    """warroom's own judgement: customers feel every minute; the fix's own duration is the floor."""
    facts = ctx.facts
    floor = _fix_floor(ctx)
    allowance, per, cap = COSTS["speed.allowance"], COSTS["speed.per_minute"], COSTS["speed.max"]
    v = Verdicts(
        "mitigate.speed",
        "mitigation",
        "Mitigated without avoidable delay",
        POINTS["mitigate.speed"],
        "Find and apply the fix quickly: every minute of impact counts.",
        "warroom",
    )
    rule = (
        f"warroom's own judgement: the fix takes {format_duration(floor)}; past a "
        f"{format_duration(allowance)} allowance each minute of further delay costs {per:g} point, up to {cap:g}"
    )
    if facts.mitigated is None:
        if not acted(facts):
            return v.fail(f"The incident was never mitigated; {rule}.")
        return replace(v.fail(f"The incident was never mitigated; {rule}."), cost=cap)
    delay = max(0.0, facts.mitigated - facts.detection - floor)
    over = max(0.0, delay - allowance)
    ev = (detection_evidence(facts), system_evidence(facts.mitigated, "mitigated"))
    said = f"Mitigated {format_duration(facts.mitigated - facts.detection)} after detection"
    if over < _SLACK / 2:  # half a minute's slack, as for reading the clock
        return v.ok(f"{said}; {rule}.", ev)
    cost = min(cap, per * over / 60.0)
    late = format_duration(over)
    return replace(v.partial(f"{said}, {late} more than the allowance; {rule}.", ev, points=v.max_points), cost=cost)


def _fix_floor(ctx: Context) -> float:
    """The least time the fix can take: the longest fixing action with its prerequisites."""
    actions = {a.id: a for a in ctx.scenario.actions}

    def chain(aid: str, seen: frozenset[str] = frozenset()) -> float:
        a = actions.get(aid)
        if a is None or aid in seen:
            return 0.0
        return a.duration + max((chain(r, seen | {aid}) for r in a.requires), default=0.0)

    return max((chain(a) for a in ctx.scenario.truth.fixed_by), default=0.0)


def harmful(ctx: Context) -> Criterion:
    """Harmful actions that landed, repeats included; one marked `harmful_while` a fault counts only when it
    started (and, to land, finished) while that fault was active."""
    actions = [a for a in ctx.scenario.actions if a.harmful or a.harmful_while]
    bad = {a.id: a.label for a in actions}
    names = ", ".join(f"{a.label} (while {_fault_label(ctx, a.harmful_while)} runs)" if a.harmful_while else a.label
                      for a in actions)  # fmt: skip
    v = Verdicts(
        "mitigate.harmful",
        "mitigation",
        "No harmful actions",
        POINTS["mitigate.harmful"],
        f"Avoid what makes this incident worse: {names}.",
    )
    if not bad:
        return v.skip("the scenario has no harmful actions to avoid.")
    facts = ctx.facts
    if not acted(facts):
        return v.skip("the trainee took no action, so avoiding harm earns nothing.")
    while_ = {a.id: a.harmful_while for a in actions if a.harmful_while}
    done = [e for e in facts.finished if e.action in bad and _harms(ctx, while_.get(e.action), e.t)]
    tried = [e for e in facts.started if e.action in bad and _harms(ctx, while_.get(e.action), e.t)]
    if not tried:
        return v.ok(f"None of the harmful actions ({names}) was taken.")
    ev = tuple(evidence(facts, e, f"harmful: {bad[e.action]}") for e in (done or tried))
    each = -(-v.max_points // 2)  # half the maximum, rounded up: two harmful actions lose it all
    if done:
        what = ", ".join(f"{bad[e.action]} at {clock(e.t)}" for e in done)
        text = f"Harmful action taken: {what}; the scenario marks it as making things worse"
        earned = max(0, v.max_points - each * len(done))
        return v.judge(
            "partial" if earned else "fail", f"{text}; each costs {each} points, repeats included.", ev, points=earned
        )
    what = ", ".join(f"{bad[e.action]} at {clock(e.t)}" for e in tried)
    return v.partial(f"Harmful action started, but stopped before it landed: {what}.", ev)


def _harms(ctx: Context, fault: str | None, t: float) -> bool:
    """Whether an action at `t` does harm: always, or only while `fault` is active then."""
    if fault is None:
        return True
    return any(f == fault and start <= t and (end is None or t < end) for f, start, end in ctx.facts.fault_spans)


def _fault_label(ctx: Context, fault_id: str | None) -> str:
    label = next((f.label for f in ctx.scenario.faults if f.id == fault_id), fault_id or "")
    return _lower(label)


_SLACK = 60.0


def verified(ctx: Context) -> Criterion:
    """Resolving while a fault is still active, or before metrics held healthy, is the classic closure mistake."""
    facts, hold = ctx.facts, ctx.playbook.monitoring_period
    v = Verdicts(
        "close.verified",
        "closure",
        "Recovery verified before closing",
        POINTS["close.verified"],
        "Confirm metrics are healthy and stay healthy before resolving"
        + (f" (monitor {format_duration(hold)})." if hold else "."),
    )
    rule = "recovery must be verified before closing"
    if hold:
        rule = f"the playbook requires metrics to hold healthy for {format_duration(hold)}"
    if facts.resolved is None:
        return v.fail(f"The incident was never resolved; {rule}.")
    res, cost = facts.resolved, COSTS["resolve.unhealthy"]
    ev: tuple[Evidence, ...] = (evidence(facts, res, "resolved"),)
    active = _active_at(ctx, res.t)
    if active:
        text = f"Resolved at {clock(res.t)} while {', '.join(active)} was still active; {rule}"
        return replace(v.fail(f"{text}; it costs {cost:g} points.", ev), cost=cost)
    if facts.resolved_early:
        text = f"Resolved at {clock(res.t)} while the metrics were still unhealthy; {rule} first"
        return replace(v.fail(f"{text}; it costs {cost:g} points.", ev), cost=cost)
    if facts.verified is not None:
        vt, held = facts.verified.t, facts.verified.held_for
        ev += (system_evidence(vt, "recovery verified"),)
        said = f"Resolved at {clock(res.t)}, recovery verified at {clock(vt)}"
        if hold and isinstance(held, int | float):
            # How long the metrics had been healthy when the trainee called it resolved; a minute's slack
            # for reading the clock.
            held_then = res.t - (vt - float(held))
            if held_then < hold - _SLACK:
                healthy = f"after the metrics had held healthy for only {format_duration(max(held_then, 0.0))}"
                text = f"Resolved at {clock(res.t)}, {healthy}; {rule} before resolving"
                return replace(v.fail(f"{text}; it costs {cost:g} points.", ev), cost=cost)
            return v.ok(f"{said} (healthy for {format_duration(float(held))}); {rule}.", ev)
        return v.ok(f"{said}; {rule}.", ev)
    if facts.end_verified:
        return v.ok(f"Resolved at {clock(res.t)} and the recovery held; {rule}.", ev)
    return v.partial(f"Resolved at {clock(res.t)}, but the recovery was never verified; {rule}.", ev)


def _active_at(ctx: Context, t: float) -> list[str]:
    """Labels of faults started and not yet resolved at `t`."""
    active: dict[str, str] = {}
    for e in ctx.facts.faults_started:
        if e.t <= t:
            active[e.fault] = e.label or e.fault
    for r in ctx.facts.faults_resolved:
        if r.t <= t:
            active.pop(r.fault, None)
    return list(active.values())


def pir(ctx: Context) -> Criterion:
    # In hours, or in business days (judged by the least they can be: n × 24 hours).
    deadline = ctx.severity.pir_deadline()
    within, said_within = deadline if deadline is not None else (0.0, "")
    v = Verdicts(
        "close.pir",
        "closure",
        "Post-incident review scheduled",
        POINTS["close.pir"],
        f"Schedule the post-incident review before closing (within {said_within} of resolution).",
    )
    if deadline is None:
        return v.skip(f"the playbook sets no post-incident review deadline for {ctx.sev}.")
    facts = ctx.facts
    rule = f"the playbook requires a review within {said_within} of resolution for {ctx.sev}"
    if facts.pir is None:
        return v.fail(f"No post-incident review was scheduled; {rule}.")
    ev: tuple[Evidence, ...] = (evidence(facts, facts.pir, "post-incident review scheduled"),)
    said = f"Post-incident review scheduled at {clock(facts.pir.t)}"
    if facts.closed is not None and facts.pir.t > facts.closed.t + within:
        return v.fail(f"{said}, more than {said_within} after resolution; {rule}.", ev)
    return v.ok(f"{said}; {rule}.", ev)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym (DBA, IPs)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def _listed(what: str, names: list[str]) -> str:
    return f"{what}: {', '.join(names)}" if names else ""


# In scorecard order. Functions returning lists yield one criterion per contact or expectation.
CHECKS = (
    must_involve,
    paging,
    no_progress,
    fix,
    diagnosis,
    mitigation_time,
    resolution_time,
    speed,
    harmful,
    verified,
    pir,
    expectations,
)
