"""Criteria for the first half of a response: detection, classification, roles and communication."""

from __future__ import annotations

from dataclasses import replace

from scoring import criteria_triggers
from scoring.rubric import (
    COSTS,
    POINTS,
    Context,
    Criterion,
    Evidence,
    Result,
    Verdicts,
    clock,
    detection_evidence,
    evidence,
    judge_deadline,
)
from sim.format.durations import format_duration
from sim.format.messages import blanks
from sim.journal.events import CommsSent, RoleAssigned, SeverityDeclared


def acknowledge(ctx: Context) -> Criterion:
    """Only the trainee's own acknowledgement counts; never acknowledging fails and costs more than the points."""
    facts = ctx.facts
    ack = facts.finished_action("acknowledge")
    target = ctx.severity.targets.acknowledge
    advice = _advice_within("Acknowledge the page", target)
    v = Verdicts("detect.acknowledge", "detection", "Acknowledged in time", POINTS["detect.acknowledge"], advice)
    if target is None:
        if ack is not None:
            crit = v.ok(
                f"Acknowledged at {clock(ack.t)}; the playbook sets no acknowledgement target for {ctx.sev}.",
                (detection_evidence(facts), evidence(facts, ack, "Acknowledged")),
            )
        else:
            crit = v.fail("The page was never acknowledged; someone must own it (warroom's own judgement).")
    elif ack is None:
        never = f"The page was never acknowledged; the playbook requires it within {format_duration(target)}"
        crit = v.fail(f"{never} of detection for {ctx.sev}.", (detection_evidence(facts),))
    else:
        crit = judge_deadline(
            ctx,
            "detect.acknowledge",
            "detection",
            "Acknowledged in time",
            allowance=target,
            rule="acknowledgement target",
            done=ack,
            done_what="Acknowledged",
            never="The page was never acknowledged",
            advice=advice,
        )
    if ack is None and crit.evaluated:
        crit = replace(crit, cost=COSTS["acknowledge.never"])
    # The pager climbing its chain is the visible cost of a slow acknowledgement: show it as evidence.
    ack_t = ack.t if ack else facts.end
    climbs = tuple(
        Evidence(e.t, f"pager escalated to level {e.level} ({e.name})".replace(" ()", ""))
        for e in facts.pager_escalations
        if e.t <= ack_t
    )
    return replace(crit, evidence=crit.evidence + climbs) if climbs else crit


def response(ctx: Context) -> Criterion:
    facts = ctx.facts
    what = "Response under way"
    if isinstance(facts.response, SeverityDeclared):
        what += " (severity declared)"
    elif isinstance(facts.response, RoleAssigned):
        what += " (first role assigned)"
    elif facts.response is not None:
        what += " (incident channel opened)"
    return judge_deadline(
        ctx,
        "detect.response",
        "detection",
        "Response started in time",
        allowance=ctx.severity.targets.response,
        rule="response target",
        done=facts.response,
        done_what=what,
        never="No response was mounted (no severity declared, role assigned or channel opened)",
        advice=_advice_within(
            "Declare the severity, assign the incident commander and open the channel",
            ctx.severity.targets.response,
        ),
    )


def severity(ctx: Context) -> Criterion:
    """The cost grows with the distance from the true level; under-declaring costs more than over-declaring.

    Only declarations after detection count: one made before anything alerted is a guess. A first
    declaration corrected to the true level later costs half.
    """
    pb, truth, facts = ctx.playbook, ctx.sev, ctx.facts
    v = Verdicts(
        "classify.severity",
        "classification",
        "Severity classified correctly",
        POINTS["classify.severity"],
        f"Classify against the playbook's scale: this incident was {truth}.",
    )
    scale = {s.id for s in pb.severities}
    since = facts.detection if facts.detection_event is not None else float("-inf")
    decls = [d for d in facts.declarations if d.severity in scale and d.t >= since]
    if not decls:
        guessed = " (a declaration before anything alerted is a guess and does not count)" if facts.declarations else ""
        return replace(v.fail(f"No severity was declared{guessed}; it was {truth}."), cost=COSTS["severity.undeclared"])
    ev = tuple(evidence(facts, d, f"declared {d.severity}") for d in decls)
    first = decls[0].severity
    gap = pb.rank(truth) - pb.rank(first)  # > 0: declared more severe than it was
    at = f"Declared {first} at {clock(decls[0].t)}"
    if gap == 0:
        return v.ok(f"{at}; the true severity was {truth}.", ev)
    corrected = next((d for d in decls[1:] if d.severity == truth), None)
    again = f"; corrected to {truth} at {clock(corrected.t)}, so half the cost" if corrected else ""
    levels = f"{abs(gap)} level{'s' if abs(gap) > 1 else ''}"
    if gap > 0:
        cost = COSTS["severity.over"] * gap
        unsure = " (the playbook says: when unsure, treat it as higher)"
        said = unsure if pb.classification.when_unsure == "higher" else ""
        text = f"{at}, {levels} above the true {truth}{said}{again}; a level over costs {COSTS['severity.over']:g}."
    else:
        cost = COSTS["severity.under"] * -gap
        text = (
            f"{at}, {levels} below the true {truth}{again}; each level under costs {COSTS['severity.under']:g} points."
        )
    if corrected:
        return replace(v.partial(text, ev), cost=cost / 2)
    return replace(v.fail(text, ev), cost=cost)


def roles(ctx: Context) -> list[Criterion]:
    """One criterion per role the playbook requires at the true severity, due with the response target."""
    required = ctx.severity.roles_required
    if not required:
        v = Verdicts("role.required", "roles", "Required roles assigned", POINTS["role"])
        return [v.skip(f"the playbook requires no roles at {ctx.sev}.")]
    return [_role(ctx, role_id, ctx.severity.targets.response) for role_id in required]


def _role(ctx: Context, role_id: str, target: float | None) -> Criterion:
    facts, name = ctx.facts, ctx.role_label(role_id)
    v = Verdicts(
        f"role.{role_id}",
        "roles",
        f"{name} assigned",
        POINTS["role"],
        f"Assign the {name} at the start" + (f", within {format_duration(target)}." if target else "."),
    )
    rule = f"the playbook requires the {name} role at {ctx.sev}"
    assigned = next((e for e in facts.roles if e.role == role_id), None)
    if assigned is None:
        return v.fail(f"No one was assigned as {name}; {rule}.")
    who = assigned.who or "someone"
    ev = (evidence(facts, assigned, f"{name}: {who}"),)
    said = f"{name} assigned to {who} at {clock(assigned.t)}"
    if target is None:
        return v.ok(f"{said}; {rule}.", ev)
    deadline = facts.detection + target
    rule += f", within the {format_duration(target)} response target"
    if assigned.t <= deadline:
        return v.ok(f"{said}; {rule}.", ev, deadline)
    return v.partial(f"{said}, {format_duration(assigned.t - deadline)} late; {rule}.", ev, deadline)


def internal_cadence(ctx: Context) -> Criterion:
    every = ctx.severity.communication.internal_update_every
    return _cadence(
        ctx,
        "comms.internal_cadence",
        "Internal updates on cadence",
        every,
        every,
        ctx.facts.comms["internal"],
        noun="internal update",
        rule="internal-update cadence",
    )


def status_page_first(ctx: Context) -> Criterion:
    page = ctx.facts.comms["status_page"]
    within = ctx.severity.communication.status_page_within
    return judge_deadline(
        ctx,
        "comms.status_page_first",
        "communication",
        "Status page updated in time",
        allowance=within,
        rule="status-page deadline",
        done=page[0] if page else None,
        done_what="Status page first updated",
        never="The status page was never updated",
        advice=_advice_within("Post the first status-page update", within),
    )


def status_page_cadence(ctx: Context) -> Criterion:
    comm = ctx.severity.communication
    every = comm.status_page_every
    return _cadence(
        ctx,
        "comms.status_page_cadence",
        "Status page kept current",
        every,
        comm.status_page_within if comm.status_page_within is not None else every,
        ctx.facts.comms["status_page"],
        noun="status-page update",
        rule="status-page cadence",
        # When the playbook has a first-update deadline, that criterion judges the first post; the cadence
        # then counts from it, so one late first post is not penalised twice.
        from_first=comm.status_page_within is not None,
    )


def customers(ctx: Context) -> Criterion:
    return _notify(ctx, "comms.customers", "customers", "Customers notified", "customer-notification deadline")


def executives(ctx: Context) -> Criterion:
    return _notify(ctx, "comms.executives", "executives", "Executives briefed", "executive deadline")


def support(ctx: Context) -> Criterion:
    return _notify(ctx, "comms.support", "support", "Support briefed", "support-briefing deadline")


_NOTIFY_VERB = {"customers": "Customers notified", "executives": "Executives briefed", "support": "Support briefed"}
_ADVICE = {"customers": "Notify customers", "executives": "Brief the executives", "support": "Brief support"}
_NEVER = {
    "customers": "Customers were never notified",
    "executives": "Executives were never briefed",
    "support": "Support was never briefed",
}


def _notify(ctx: Context, cid: str, channel: str, title: str, rule: str) -> Criterion:
    within = getattr(ctx.severity.communication, f"{channel}_within")
    sent = ctx.facts.comms[channel]
    return judge_deadline(
        ctx,
        cid,
        "communication",
        title,
        allowance=within,
        rule=rule,
        done=sent[0] if sent else None,
        done_what=_NOTIFY_VERB[channel],
        never=_NEVER[channel],
        advice=_advice_within(_ADVICE[channel], within),
    )


def _cadence(
    ctx: Context,
    cid: str,
    title: str,
    every: float | None,
    first_within: float | None,
    sent: tuple[CommsSent, ...],
    *,
    noun: str,
    rule: str,
    from_first: bool = False,
) -> Criterion:
    """Updates every `every` seconds from detection (the first due `first_within` after it) for as long as the
    incident was really open: a premature resolve does not stop the clock, only the resolution that held.

    With `from_first`, the clock starts at the first update instead (its own deadline is judged elsewhere).
    A message that still carries template blanks keeps nobody informed, so it does not reset the clock.
    """
    v = Verdicts(
        cid, "communication", title, POINTS[cid], f"Post {noun}s at least every {format_duration(every or 0)}."
    )
    if every is None or first_within is None:
        return v.skip(f"the playbook sets no {rule} for {ctx.sev}.")
    facts = ctx.facts
    stop = facts.open_until
    due = facts.detection + first_within
    if not sent and stop < due:
        return v.skip(f"the drill ended at {clock(stop)}, before the first {noun} was due.")
    requirement = f"the playbook requires one every {format_duration(every)} for {ctx.sev}"
    in_time = [e for e in sent if e.t <= stop]
    counted = [e for e in in_time if not blanks(e.text)]
    unfilled = len(in_time) - len(counted)
    if unfilled:
        requirement += f" ({_count(unfilled, noun)} still had template blanks and did not count)"
    ev = (detection_evidence(facts), *(evidence(facts, e, noun) for e in counted))
    misses: list[tuple[float, float]] = []  # (when it fell overdue, how long it stayed overdue)
    if from_first and counted:
        due = max(counted[0].t, facts.detection) + every
    for e in counted[1:] if from_first else counted:
        if e.t > due:
            misses.append((due, e.t - due))
        due = max(e.t, facts.detection) + every
    if stop > due:
        misses.append((due, stop - due))
    n = len(counted)
    if not misses:
        return v.ok(f"{_count(n, noun)}, never more than {format_duration(every)} apart; {requirement}.", ev)
    worst = max(misses, key=lambda m: m[1])
    if n == 0:
        return v.fail(f"No {noun} in {format_duration(stop - facts.detection)}; {requirement}.", ev)
    # One slip of at most one interval is a partial; silence, or slipping again, is a fail.
    result: Result = "partial" if len(misses) == 1 and worst[1] <= every else "fail"
    overdue = f"overdue {_count(len(misses), 'time')}, worst by {format_duration(worst[1])} from {clock(worst[0])}"
    return v.judge(result, f"{_count(n, noun)}; {overdue}; {requirement}.", ev)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _advice_within(what: str, within: float | None) -> str:
    if within is None:
        return f"{what} promptly."
    return f"{what} within {format_duration(within)} of detection."


# In scorecard order. `roles` yields one criterion per required role.
CHECKS = (
    acknowledge,
    response,
    severity,
    roles,
    internal_cadence,
    status_page_first,
    status_page_cadence,
    customers,
    executives,
    support,
    *criteria_triggers.CHECKS,
)
