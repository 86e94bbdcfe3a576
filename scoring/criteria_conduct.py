"""Conduct: the noise a response makes, judged by warroom (the seeds set no rule for it). Every noisy act costs
points, up to `COSTS["noise.max"]`; see "How a drill is scored" in scenarios/README.md."""

from __future__ import annotations

import itertools
from dataclasses import replace

from scoring.criteria_expect import acted
from scoring.criteria_triggers import called_contacts
from scoring.rubric import COSTS, POINTS, Context, Criterion, Evidence, Verdicts, clock, evidence
from sim.journal.events import AnyEvent

# Channels with no cadence in the playbook: more than one message this close together is noise.
QUIET_GAP = 3 * 60.0


def noise(ctx: Context) -> Criterion:
    facts = ctx.facts
    v = Verdicts(
        "conduct.noise",
        "conduct",
        "No noise",
        POINTS["conduct.noise"],
        "Act on what you know: page whom the playbook calls for, keep to the update cadence, resolve once healthy.",
        "warroom",
    )
    if not acted(facts):
        return v.skip("the trainee took no action, so keeping quiet earns nothing.")
    items: list[tuple[float, Evidence]] = []
    items += _before_detection(ctx)
    items += _pages(ctx)
    items += _comms(ctx)
    items += _severity_changes(ctx)
    items += _resolves(ctx)
    rule = "warroom's own judgement"
    if not items:
        return v.ok(f"Nothing done before the alert, no needless pages or messages, no flip-flops; {rule}.")
    cost = min(COSTS["noise.max"], sum(c for c, _ in items))
    ev = tuple(e for _, e in items[:20])
    kinds = sorted({e.what.split(":")[0] for _, e in items})
    text = f"{len(items)} noisy act{'s' if len(items) > 1 else ''} ({', '.join(kinds)}) cost {cost:g} points; {rule}."
    return replace(v.partial(text, ev, points=v.max_points), cost=cost)


def _ev(ctx: Context, e: AnyEvent, what: str) -> Evidence:
    return evidence(ctx.facts, e, what)


def _before_detection(ctx: Context) -> list[tuple[float, Evidence]]:
    """Actions taken before anything alerted: nobody could know yet."""
    facts = ctx.facts
    if facts.detection_event is None:
        return []
    early = [e for e in facts.started if e.t < facts.detection]
    cost = COSTS["noise.before_detection"]
    return [(cost, _ev(ctx, e, f"before any alert: {ctx.action_label(e.action)}")) for e in early]


def _pages(ctx: Context) -> list[tuple[float, Evidence]]:
    """Pages of people the playbook does not call for at the true severity (nor the scenario, nor the
    no-progress rule once it applied), and pages of someone already paged."""
    facts, esc = ctx.facts, ctx.playbook.escalation
    called = set(ctx.severity.page) | set(ctx.scenario.truth.must_involve)
    called |= {c.contact for c in esc.chain}
    if esc.no_progress_contact:
        called.add(esc.no_progress_contact)
    called |= called_contacts(ctx)  # whom the playbook's triggers asked for
    seen: set[str] = set()
    out = []
    for p in facts.pages:
        name = ctx.contact_label(p.contact)
        if p.contact not in called:
            out.append((COSTS["noise.page"], _ev(ctx, p, f"needless page: {name}")))
        elif p.contact in seen:
            out.append((COSTS["noise.page"], _ev(ctx, p, f"paged again: {name}")))
        seen.add(p.contact)
    return out


def _comms(ctx: Context) -> list[tuple[float, Evidence]]:
    """Customers or executives told before anything alerted, and any channel used far more often than its
    cadence asks (closer than a quarter of the cadence, or than 3 minutes where the playbook sets none)."""
    facts, comm = ctx.facts, ctx.severity.communication
    every = {"internal": comm.internal_update_every, "status_page": comm.status_page_every}
    out = []
    for channel, sent in facts.comms.items():
        cadence = every.get(channel)
        gap = cadence / 4 if cadence else QUIET_GAP
        last: float | None = None
        for e in sent:
            if channel in ("customers", "executives") and facts.detection_event and e.t < facts.detection:
                out.append((COSTS["noise.comms"], _ev(ctx, e, f"message before anything was known: {channel}")))
            elif last is not None and e.t - last < gap:
                out.append((COSTS["noise.comms"], _ev(ctx, e, f"message too soon after the last: {channel}")))
                continue
            last = e.t
    return out


def _severity_changes(ctx: Context) -> list[tuple[float, Evidence]]:
    """Declaring the level already declared, or turning back (up then down, or down then up)."""
    pb, out = ctx.playbook, []
    ranks = [(d, pb.rank(d.severity)) for d in ctx.facts.declarations if d.severity in {s.id for s in pb.severities}]
    direction = 0
    for (_, before), (d, after) in itertools.pairwise(ranks):
        step = (after > before) - (after < before)
        if step == 0:
            out.append((COSTS["noise.severity"], _ev(ctx, d, f"severity re-declared: {d.severity}")))
        elif direction and step != direction:
            out.append((COSTS["noise.severity"], _ev(ctx, d, f"severity flip-flop: {d.severity}")))
        direction = step or direction
    return out


def _resolves(ctx: Context) -> list[tuple[float, Evidence]]:
    """Every resolve attempt while a fault was active (the first is charged by the closure criterion)."""
    facts = ctx.facts
    active: list[tuple[float, float]] = []  # (start, end) of each fault
    for f in facts.faults_started:
        end = next((r.t for r in facts.faults_resolved if r.fault == f.fault and r.t >= f.t), float("inf"))
        active.append((f.t, end))
    tries = [e for e in facts.started if e.action == "resolve"]
    bad = [e for e in tries if any(s <= e.t < end for s, end in active)]
    return [(COSTS["noise.resolve"], _ev(ctx, e, f"resolve on an unhealthy system at {clock(e.t)}")) for e in bad[1:]]


CHECKS = (noise,)
