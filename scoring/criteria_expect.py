"""The scenario's expectations: actions done (one, or one of several) by a deadline that may count from
something that happened, actions never taken, an order between two actions, and a floor on the severity."""

from __future__ import annotations

from scoring.rubric import Context, Criterion, Evidence, Verdicts, clock, evidence, system_evidence
from sim.format.durations import format_duration
from sim.format.refs import ActionRef
from sim.format.scenario import Expectation, Since
from sim.journal.events import ActionFinished
from sim.journal.facts import Facts


def expectations(ctx: Context) -> list[Criterion]:
    return [_expectation(ctx, x) for x in ctx.scenario.expectations]


def _expectation(ctx: Context, x: Expectation) -> Criterion:
    if x.done is not None:
        return _done(ctx, x, [_ref(x.done, x.with_)])
    if x.any_of is not None:
        return _done(ctx, x, x.any_of)
    if x.never is not None:
        return _never(ctx, x, _ref(x.never, x.with_))
    if x.order is not None:
        return _order(ctx, x)
    assert x.severity_at_least is not None  # the model guarantees exactly one rule
    return _severity(ctx, x, x.severity_at_least)


def _ref(action: str, params: dict[str, str]) -> ActionRef:
    ref: ActionRef = ActionRef.model_validate({"do": action, "with": params})
    return ref


def _verdicts(x: Expectation, advice: str) -> Verdicts:
    return Verdicts(f"expect.{x.id}", x.category, x.description, x.points, advice, "scenario")


def _rule(x: Expectation) -> str:
    # An expectation that cites a playbook procedure applies the playbook's rule, not one of the scenario's own.
    who = "the playbook's procedure requires" if x.cites else "the scenario expects"
    return f"{who}: {x.description.rstrip('.')}"  # the sentence it ends supplies the stop


def label(ctx: Context, ref: ActionRef) -> str:
    """`Page / escalate to someone (contact: finance)`: the label, and what it must be done with."""
    name = ctx.action_label(ref.do)
    return f"{name} ({', '.join(f'{k}: {v}' for k, v in ref.with_.items())})" if ref.with_ else name


def _done(ctx: Context, x: Expectation, refs: list[ActionRef]) -> Criterion:
    """One of `refs` finished: by `within` from T+0, or within `within` of the moment `from` names."""
    facts, rule = ctx.facts, _rule(x)
    what = " or ".join(label(ctx, r) for r in refs)
    ev: tuple[Evidence, ...] = ()
    origin, since = 0.0, ""
    if x.from_ is not None:
        opened = window_start(ctx, x.from_)
        since = moment(ctx, x.from_)
        if opened is None:
            v = _verdicts(x, f"{_sentence(what)} within {_span(x)} of {since}.")
            return v.skip(f"{since} never happened, so the window never opened.")
        origin, ev = opened.t, (opened,)
    by = origin + x.within if x.within is not None else None
    deadline = f" by {clock(by)}." if by is not None else "."
    v = _verdicts(x, _sentence(what) + (f" within {_span(x)} of {since}." if since else deadline))
    done = _first_finished(facts, refs)
    if done is None:
        if by is not None and facts.end < by:
            return v.skip(f"the drill ended before {clock(by)}.", ev)
        return v.fail(f"{_sentence(what)} was never done; {rule}.", ev, by)
    taken = label(ctx, _matching(done, refs))
    ev = (*ev, evidence(facts, done, taken))
    said = f"{_sentence(taken)} finished at {clock(done.t)}"
    if since and done.t < origin:
        return v.ok(f"{said}, before {since} at {clock(origin)}; {rule}.", ev, by)
    if by is not None and x.within is not None and done.t > by:
        late = f"{said}, after {clock(by)}{f' ({_span(x)} after {since})' if since else ''}; {rule}."
        return v.judge("partial" if done.t - origin <= 2 * x.within else "fail", late, ev, by)
    return v.ok(f"{said}; {rule}.", ev, by)


def _never(ctx: Context, x: Expectation, ref: ActionRef) -> Criterion:
    facts, rule, what = ctx.facts, _rule(x), label(ctx, ref)
    tried = facts.started_action(ref.do, ref.with_)
    v = _verdicts(x, f"Do not {_lower(what)} in this situation.")
    if not acted(facts):
        return v.skip("the trainee took no action, so not doing this earns nothing.")
    if tried is None:
        return v.ok(f"{_sentence(what)} was never started; {rule}.")
    return v.fail(f"{_sentence(what)} started at {clock(tried.t)}; {rule}.", (evidence(facts, tried, what),))


def _order(ctx: Context, x: Expectation) -> Criterion:
    assert x.order is not None
    facts, rule = ctx.facts, _rule(x)
    first, then = label(ctx, x.order.first), label(ctx, x.order.then)
    v = _verdicts(x, f"{_sentence(first)} before you {_lower(then)}.")
    later = facts.started_action(x.order.then.do, x.order.then.with_)
    if later is None:
        return v.skip(f"{_lower(then)} was never started, so the order could not be checked.")
    before = facts.finished_action(x.order.first.do, x.order.first.with_)
    ev: tuple[Evidence, ...] = (evidence(facts, later, f"started: {then}"),)
    if before is not None and before.t <= later.t:
        ev = (evidence(facts, before, f"finished: {first}"), *ev)
        text = f"{_sentence(first)} finished at {clock(before.t)}, before {_lower(then)} started at {clock(later.t)}"
        return v.ok(f"{text}; {rule}.", ev)
    when = f"only finished at {clock(before.t)}" if before is not None else "had not been done"
    return v.fail(f"{_sentence(then)} started at {clock(later.t)} while {_lower(first)} {when}; {rule}.", ev)


def _severity(ctx: Context, x: Expectation, floor: str) -> Criterion:
    """Every declaration that counts (after detection, as for classification) at `floor` or more severe."""
    facts, pb, rule = ctx.facts, ctx.playbook, _rule(x)
    scale = [s.id for s in pb.severities]
    v = _verdicts(x, f"Declare {floor} or higher, and stay there.")
    if floor not in scale:
        return v.skip(f"{floor} is not on playbook {pb.id}'s scale.")
    since = facts.detection if facts.detection_event is not None else float("-inf")
    decls = [d for d in facts.declarations if d.severity in scale and d.t >= since]
    if not decls:
        return v.fail(f"No severity was declared after detection; {rule}.")
    low = [d for d in decls if pb.rank(d.severity) > pb.rank(floor)]
    ev = tuple(evidence(facts, d, f"declared {d.severity}") for d in decls)
    if low:
        shown = ", ".join(f"{d.severity} at {clock(d.t)}" for d in low)
        return v.fail(f"Declared below {floor}: {shown}; {rule}.", ev)
    return v.ok(f"Every declaration was {floor} or higher ({', '.join(d.severity for d in decls)}); {rule}.", ev)


def window_start(ctx: Context, since: Since) -> Evidence | None:
    """When an expectation's window opens (`from`), or None when that never happened."""
    facts = ctx.facts
    t: float | None = None
    if since.inject is not None:
        t = next((e.t for e in facts.injects if e.id == since.inject), None)
    elif since.alert is not None:
        levels = ("warn", "critical") if since.level == "warn" else ("critical",)
        t = next((e.t for e in facts.alerts if e.metric == since.alert and e.level in levels), None)
    elif since.fault is not None:
        t = next((e.t for e in facts.faults_started if e.fault == since.fault), None)
    elif since.action is not None:
        done = facts.finished_action(since.action.do, since.action.with_)
        t = done.t if done is not None else None
    return None if t is None else system_evidence(t, moment(ctx, since))


def moment(ctx: Context, since: Since) -> str:
    """What opens the window, in words: `inject 'spend-450' firing`, `spend reaching warn`…"""
    if since.inject is not None:
        return f"inject '{since.inject}' firing"
    if since.alert is not None:
        metric = next((m.label for m in ctx.scenario.metrics if m.id == since.alert), since.alert)
        return f"{metric} reaching {since.level}"
    if since.fault is not None:
        fault = next((f.label for f in ctx.scenario.faults if f.id == since.fault), since.fault)
        return f"{_lower(fault)} starting"
    assert since.action is not None
    return f"{_lower(label(ctx, since.action))} finishing"


def _first_finished(facts: Facts, refs: list[ActionRef]) -> ActionFinished | None:
    found = [e for r in refs if (e := facts.finished_action(r.do, r.with_)) is not None]
    return min(found, key=lambda e: e.t) if found else None


def _matching(event: ActionFinished, refs: list[ActionRef]) -> ActionRef:
    return next(r for r in refs if r.matches(event.action, event.params))


def _span(x: Expectation) -> str:
    return format_duration(x.within or 0.0)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym (DBA, IPs)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def acted(facts: Facts) -> bool:
    """Whether the trainee did anything at all: avoiding harm is no credit to someone who did nothing."""
    return bool(facts.started or facts.declarations or facts.pages or facts.roles or any(facts.comms.values()))
