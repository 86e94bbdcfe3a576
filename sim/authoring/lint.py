"""`warroom lint`: what is valid but probably wrong in a scenario, as located warnings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sim.format.catalogue import STANDARD_IDS
from sim.format.checks import Finding
from sim.format.durations import format_duration
from sim.format.playbook import Playbook
from sim.format.scenario import Effect, Fault, Metric, Scenario

# Text an author meant to replace: TODO markers, template brackets, lorem ipsum.
PLACEHOLDER = re.compile(
    r"\b(?:TODO|TBD|FIXME|XXX)\b|lorem ipsum|<(?:fill|replace|your)[^>]*>|\[(?:Brief|Name|Describe)[^\]]*\]",
    re.IGNORECASE,
)


def _warn(loc: tuple[str | int, ...], message: str, hint: str = "") -> Finding:
    return Finding(loc, message, hint, severity="warning")


def _peak(effect: Effect, metric: Metric, horizon: float) -> float:
    """The furthest an effect can move a metric from its baseline (signed), within the drill."""
    if effect.shape == "recover":
        return 0.0
    if effect.shape == "drift":
        return (effect.by or 0.0) * horizon / (effect.over or 1.0)
    return effect.by if effect.by is not None else (effect.to or 0.0) - metric.baseline


def reachable(sc: Scenario) -> dict[str, tuple[float, float]]:
    """Per metric, the lowest and highest value its faults and actions could push it to (noise aside).

    Contributions add up, so the bounds are the baseline plus every push in one direction.
    A cumulative metric (sim/engine/metrics.py) is a rate per hour whose value is the running total.
    """
    pushes: dict[str, list[float]] = {m.id: [] for m in sc.metrics}
    metrics = {m.id: m for m in sc.metrics}
    effects = [(e, _lifetime(f, sc.duration)) for f in sc.faults for e in f.effects]
    effects += [(fx.move, sc.duration) for a in sc.actions for fx in a.effects if fx.move]
    for effect, horizon in effects:
        if effect.metric in metrics:
            pushes[effect.metric].append(_peak(effect, metrics[effect.metric], max(horizon, 0.0)))
    bounds = {}
    for mid, ps in pushes.items():
        lo = metrics[mid].baseline + sum(p for p in ps if p < 0)
        hi = metrics[mid].baseline + sum(p for p in ps if p > 0)
        if metrics[mid].kind == "cumulative":
            # A cumulative metric's pushes move its hourly rate; its value is the running total.
            lo, hi = 0.0, max(hi, 0.0) * sc.duration / 3600.0
        bounds[mid] = (lo, hi)
    return bounds


def _lifetime(f: Fault, duration: float) -> float:
    """How long a fault can run within the drill: to its `ends`, for its `lasts`, or to the drill's end."""
    end = duration if f.ends is None else min(f.ends, duration)
    run = end - f.start
    return run if f.lasts is None else min(run, f.lasts)


def _noise_band(m: Metric) -> float:
    return 3 * m.noise  # three standard deviations: noise alone crosses a line closer than this


def _crosses(m: Metric, bounds: tuple[float, float], line: float) -> bool:
    lo, hi = bounds
    return hi + _noise_band(m) >= line if m.bad_when == "up" else lo - _noise_band(m) <= line


def _texts(sc: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    yield ("title",), sc.title
    yield ("summary",), sc.summary
    yield ("briefing",), sc.briefing
    yield ("truth", "root_cause"), sc.truth.root_cause
    for i, inj in enumerate(sc.injects):
        yield ("injects", i, "text"), inj.text
    for i, clue in enumerate(sc.clues):
        yield ("clues", i, "text"), clue.text
    for i, act in enumerate(sc.actions):
        yield ("actions", i, "label"), act.label
        yield ("actions", i, "description"), act.description
    for i, q in enumerate(sc.debrief_questions):
        yield ("debrief_questions", i), q


def lint_scenario(sc: Scenario, pb: Playbook | None) -> list[Finding]:
    """Every warning for one scenario, in file order of the checks below."""
    takeable = _takeable(sc)
    return [
        *_injects(sc, pb, takeable),
        *_actions(sc, takeable),
        *_faults(sc),
        *_expectations(sc, takeable),
        *_fix(sc, takeable),
        *_thresholds(sc),
        *_duration(sc, pb),
        *_placeholders(sc),
    ]


def _injects(sc: Scenario, pb: Playbook | None, takeable: set[str]) -> Iterator[Finding]:
    bounds = reachable(sc)
    metrics = {m.id: m for m in sc.metrics}
    for i, inj in enumerate(sc.injects):
        trig, loc = inj.trigger, ("injects", i, "trigger")
        if trig.at is not None and trig.at + trig.delay >= sc.duration:
            end = format_duration(sc.duration)
            yield _warn((*loc, "at"), f"inject '{inj.id}' fires at or after the drill ends ({end}), so nobody sees it")
        if trig.after_action and trig.after_action.do not in takeable:
            yield _warn(
                (*loc, "after_action"), f"inject '{inj.id}' waits for '{trig.after_action}', which can never be taken"
            )
        cond = trig.metric
        if cond and cond.metric in bounds:
            lo, hi = bounds[cond.metric]
            band = _noise_band(metrics[cond.metric])
            if cond.above is not None and hi + band <= cond.above:
                yield _warn((*loc, "metric"), f"inject '{inj.id}' waits for {cond.metric} above {cond.above:g}, "
                            f"but no fault or action takes it past {hi:g}")  # fmt: skip
            if cond.below is not None and lo - band >= cond.below:
                yield _warn((*loc, "metric"), f"inject '{inj.id}' waits for {cond.metric} below {cond.below:g}, "
                            f"but no fault or action takes it under {lo:g}")  # fmt: skip
        if trig.timer_expired and pb is not None and not _timer_possible(trig.timer_expired, pb):
            yield _warn((*loc, "timer_expired"), f"inject '{inj.id}' waits for timer '{trig.timer_expired}', "
                        f"which playbook '{pb.id}' never starts", "the playbook sets no such deadline")  # fmt: skip


def _referenced(sc: Scenario) -> set[str]:
    """Every action the scenario names: expected, forbidden, ordered, fixing, waited for, or skipped on."""
    out = {e for ex in sc.expectations for e in (ex.done, ex.never) if e}
    refs = [r for ex in sc.expectations for r in (ex.any_of or [])]
    refs += [x for ex in sc.expectations if ex.order for x in (ex.order.first, ex.order.then)]
    refs += [ex.from_.action for ex in sc.expectations if ex.from_ and ex.from_.action]
    refs += [i.trigger.after_action for i in sc.injects if i.trigger.after_action]
    refs += [r for i in sc.injects for r in i.unless] + [r for f in sc.faults for r in f.unless]
    return out | {r.do for r in refs} | set(sc.truth.fixed_by)


def _actions(sc: Scenario, takeable: set[str]) -> Iterator[Finding]:
    referenced = _referenced(sc)
    for i, act in enumerate(sc.actions):
        if not act.effects and act.id not in referenced:
            yield _warn(("actions", i, "id"), f"action '{act.id}' has no effect and nothing expects or forbids it",
                        "give it effects, or name it in an expectation or an inject's after_action")  # fmt: skip
        if act.id not in takeable:
            yield _warn(("actions", i, "requires"), f"action '{act.id}' can never be taken: its prerequisites "
                        "can never all be met")  # fmt: skip


def _faults(sc: Scenario) -> Iterator[Finding]:
    resolvers = {fx.resolve for a in sc.actions for fx in a.effects if fx.resolve}
    for i, fault in enumerate(sc.faults):
        passes = fault.ends is not None or fault.lasts is not None or all(e.shape == "spike" for e in fault.effects)
        if fault.id not in resolvers and not passes:
            yield _warn(("faults", i, "id"), f"no action resolves fault '{fault.id}'",
                        f"add an action with `effects: [{{resolve: {fault.id}}}]`")  # fmt: skip


def _expectations(sc: Scenario, takeable: set[str]) -> Iterator[Finding]:
    own = {a.id for a in sc.actions}
    for i, ex in enumerate(sc.expectations):
        named: list[tuple[tuple[str | int, ...], str | None]] = [(("done",), ex.done), (("never",), ex.never)]
        if ex.order:
            named += [(("order", "first"), ex.order.first.do), (("order", "then"), ex.order.then.do)]
        named += [(("any_of", j), ref.do) for j, ref in enumerate(ex.any_of or [])]
        for key, value in named:
            if value and value in own and value not in takeable:
                yield _warn(("expectations", i, *key), f"expectation '{ex.id}' names '{value}', "
                            "which the trainee can never take")  # fmt: skip


def _fix(sc: Scenario, takeable: set[str]) -> Iterator[Finding]:
    """`truth.fix` against `truth.fixed_by`: `any` with nothing to choose from, alternatives that leave faults
    running, and a fix that can never be done, or only by what the scenario forbids. (An explicit `fix: all`
    over one action is the default said out loud, as `warroom new` writes it: not a warning.)"""
    truth, loc = sc.truth, ("truth", "fixed_by")
    listed = list(dict.fromkeys(truth.fixed_by))  # each action once, in order
    for i, action_id in enumerate(truth.fixed_by):
        if truth.fixed_by.index(action_id) < i:
            yield _warn((*loc, i), f"action '{action_id}' is listed twice in fixed_by", "list each action once")
    first = {a: truth.fixed_by.index(a) for a in listed}
    needs_all = truth.fix == "all" or len(listed) == 1
    if truth.fix == "any" and len(listed) == 1:
        yield _warn(("truth", "fix"), f"fix: any, but fixed_by lists one action ('{listed[0]}'): there is nothing "
                    "to choose between", "list the other actions that fix it too, or drop fix")  # fmt: skip
    if not needs_all:
        resolves = {a.id: {fx.resolve for fx in a.effects if fx.resolve} for a in sc.actions}
        fixed = set().union(*(resolves.get(a, set()) for a in listed))
        for action_id in listed:
            left = sorted(fixed - resolves.get(action_id, set()))
            if left:
                faults = ", ".join(f"'{f}'" for f in left)
                yield _warn((*loc, first[action_id]), f"with fix: any, '{action_id}' alone fixes the incident but "
                            f"leaves fault{'s' if len(left) > 1 else ''} {faults} running",
                            "make each action in fixed_by resolve every fault the others do, or use fix: all "
                            "if the fix takes them all")  # fmt: skip
    never = [a for a in listed if a not in takeable]
    if needs_all:
        for action_id in never:
            yield _warn((*loc, first[action_id]), f"the fix needs '{action_id}', which can never be taken, so the "
                        "incident can never be fixed")  # fmt: skip
    elif never == listed:
        yield _warn(loc, "no action in fixed_by can ever be taken, so the incident can never be fixed")
    harmful = {a.id for a in sc.actions if a.harmful}
    forbidden = {ex.never: ex.id for ex in sc.expectations if ex.never}
    wrong = {a: "it is marked harmful" if a in harmful else f"expectation '{forbidden[a]}' forbids it"
             for a in listed if a in harmful or a in forbidden}  # fmt: skip
    if needs_all:
        for action_id, why in wrong.items():
            yield _warn((*loc, first[action_id]), f"the fix needs '{action_id}', but {why}",
                        "no trainee can both fix the incident and keep to the scenario's rules")  # fmt: skip
    elif len(wrong) == len(listed):
        yield _warn(loc, "every action in fixed_by is harmful or forbidden by an expectation",
                    "no trainee can both fix the incident and keep to the scenario's rules")  # fmt: skip


def _thresholds(sc: Scenario) -> Iterator[Finding]:
    bounds = reachable(sc)
    for i, m in enumerate(sc.metrics):
        reach = bounds[m.id][1] if m.bad_when == "up" else bounds[m.id][0]
        for level in ("warn", "critical"):
            line = getattr(m, level)
            if not _crosses(m, bounds[m.id], line):
                yield _warn(("metrics", i, level), f"no fault ever takes {m.id} past its {level} threshold "
                            f"({line:g}); it only reaches {reach:g}", "lower the threshold or push harder")  # fmt: skip
        lo, hi = bounds[m.id]
        band = _noise_band(m)
        if m.too_low is not None and lo - band > m.too_low.warn:
            yield _warn(("metrics", i, "too_low", "warn"), f"no fault ever takes {m.id} down to its too_low warn "
                        f"({m.too_low.warn:g}); it only falls to {lo:g}", "raise it or push harder")  # fmt: skip
        if m.too_high is not None and hi + band < m.too_high.warn:
            yield _warn(("metrics", i, "too_high", "warn"), f"no fault ever takes {m.id} up to its too_high warn "
                        f"({m.too_high.warn:g}); it only climbs to {hi:g}", "lower it or push harder")  # fmt: skip


def _duration(sc: Scenario, pb: Playbook | None) -> Iterator[Finding]:
    if pb is None or all(s.id != sc.truth.severity for s in pb.severities):
        return
    target = pb.severity(sc.truth.severity).targets.resolution
    if target is not None and sc.duration < target:
        yield _warn(("duration",), f"the drill lasts {format_duration(sc.duration)}, less than the playbook's "
                    f"{format_duration(target)} resolution target for {sc.truth.severity}",
                    "a trainee still working when it ends is never judged against that target")  # fmt: skip


def is_draft(sc: Scenario) -> bool:
    """Whether placeholders are still left in the scenario's texts: too early to measure its difficulty."""
    return any(PLACEHOLDER.search(text) for _, text in _texts(sc))


def _placeholders(sc: Scenario) -> Iterator[Finding]:
    for loc, text in _texts(sc):
        match = PLACEHOLDER.search(text)
        if match:
            yield _warn(loc, f"placeholder left unfilled: '{match.group(0)}'")


def _takeable(sc: Scenario) -> set[str]:
    """Actions whose prerequisites can all be met (a fixpoint over `requires`); standard ones always can."""
    can = set(STANDARD_IDS)
    changed = True
    while changed:
        changed = False
        for act in sc.actions:
            if act.id not in can and all(r in can for r in act.requires):
                can.add(act.id)
                changed = True
    return can


def _timer_possible(timer: str, pb: Playbook) -> bool:
    kind, _, name = timer.partition(".")
    if kind == "sla":
        fields = {"acknowledge", "response", "mitigation", "resolution", "identify"}
        if name in fields:
            return any(getattr(s.targets, name, None) is not None for s in pb.severities)
        return any(getattr(s.communication, f"{name}_within", None) is not None for s in pb.severities)
    if kind == "cadence":
        return any(getattr(s.communication, f"{name}_every", None) is not None for s in pb.severities)
    if kind == "pager":
        return bool(pb.escalation.chain)
    if kind == "matrix":
        return bool(pb.escalation.matrix)
    if kind == "trigger":  # a trainee's trigger clock starts only on a metric condition
        trigger = pb.trigger(name)
        return trigger is not None and not trigger.automatic and any(c.metric for c in trigger.when)
    return kind == "progress"
