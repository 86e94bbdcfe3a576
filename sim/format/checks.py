"""Cross-reference and semantic checks on loaded models, as findings located by YAML key paths."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Literal, NamedTuple

from sim.format.catalogue import STANDARD, STANDARD_IDS
from sim.format.durations import format_duration
from sim.format.messages import KINDS, Checklists
from sim.format.model import Model, RootModel
from sim.format.playbook import Playbook
from sim.format.refs import ActionRef
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.format.vocabulary import TIMER_CATEGORIES

# The timers a drill runs (sim.engine.timers, which a test holds to this list), `matrix.<severity>.<n>` aside.
TIMER_IDS = (
    "sla.acknowledge",
    "sla.response",
    "sla.identify",
    "sla.status_page",
    "sla.customers",
    "sla.executives",
    "sla.support",
    "sla.mitigation",
    "sla.resolution",
    "cadence.internal_update",
    "cadence.status_page",
    "pager",
    "progress",
)

Loc = tuple[str | int, ...]


class Finding(NamedTuple):
    """A problem at `loc` (YAML keys and list indexes, aliases as written), with an optional hint."""

    loc: Loc
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"
    at_key: bool = False  # point at the key itself rather than its value


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`did you mean 'x'?` for the closest choice, or '' when none is close."""
    close = closest(str(word), choices)
    return f"did you mean '{close}'?" if close else ""


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The most similar choice (difflib ratio ≥ cutoff); on a tie, the one listed first."""
    from difflib import SequenceMatcher  # only a file with a problem needs it

    best, best_score = None, cutoff
    matcher = SequenceMatcher()
    matcher.set_seq2(word)
    for choice in choices:
        matcher.set_seq1(choice)
        # The two cheap upper bounds rule most choices out before the full ratio (as get_close_matches does).
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if score > best_score or (best is None and score == best_score):
            best, best_score = choice, score
    return best


def undefined(what: str, value: object, defined: Sequence[str], loc: Loc) -> Finding:
    """`fault 'x' is not defined; defined faults: a, b` with a did-you-mean hint."""
    defined = list(dict.fromkeys(defined))  # a duplicated id is reported elsewhere; list it once here
    listed = ", ".join(defined[:20]) + (", …" if len(defined) > 20 else "") if defined else "none"
    plural = what[:-1] + "ies" if what.endswith("y") else what + "s"
    return Finding(loc, f"{what} '{value}' is not defined; defined {plural}: {listed}", did_you_mean(value, defined))


def _unique(ids: Sequence[str], what: str, path: str) -> list[Finding]:
    seen: set[str] = set()
    out = []
    for i, id_ in enumerate(ids):
        if id_ in seen:
            out.append(Finding((path, i, "id"), f"{what} id '{id_}' is used twice", "ids must be unique"))
        seen.add(id_)
    return out


def _refs(values: Sequence[str], defined: Sequence[str], what: str, loc: Loc) -> list[Finding]:
    return [undefined(what, v, defined, (*loc, i)) for i, v in enumerate(values) if v not in defined]


def _ref(value: str | None, defined: Sequence[str], what: str, loc: Loc) -> list[Finding]:
    return [undefined(what, value, defined, loc)] if value is not None and value not in defined else []


def _positive(value: float | None, loc: Loc, what: str) -> list[Finding]:
    if value is not None and value <= 0:
        return [Finding(loc, f"{what} must be a positive duration, not {format_duration(value)}")]
    return []


def non_finite(model: Model) -> list[Finding]:
    """Numbers, durations included, that are infinite or not a number (`.inf`, `.nan`, `999…9h`).

    Nothing downstream can use them, so the other checks run only on a model without any.
    """
    out = []
    todo: list[tuple[Loc, object]] = [((), model)]
    while todo:
        loc, value = todo.pop()
        if isinstance(value, Model):
            for name, field in type(value).model_fields.items():
                todo.append((loc if name == "root" else (*loc, field.alias or name), getattr(value, name)))
            todo += [((*loc, k), v) for k, v in (value.model_extra or {}).items()]
        elif isinstance(value, list):
            todo += [((*loc, i), v) for i, v in enumerate(value)]
        elif isinstance(value, dict):
            todo += [((*loc, k), v) for k, v in value.items()]
        elif isinstance(value, float) and not math.isfinite(value):
            what = "not a number" if math.isnan(value) else "infinite"
            root = "steps" if isinstance(model, RootModel) else ""
            out.append(Finding(loc, f"{dotted(loc, root)} is {what}", "write a finite value"))
    return out


def check_playbook(pb: Playbook) -> list[Finding]:
    """Unique ids, references to severities, contacts and roles, positive and sensibly ordered targets."""
    sevs = [s.id for s in pb.severities]
    contacts = [c.id for c in pb.contacts]
    roles = [r.id for r in pb.roles]
    out = _unique(sevs, "severity", "severities") + _unique(contacts, "contact", "contacts")
    out += _unique(roles, "role", "roles")
    for i, sev in enumerate(pb.severities):
        loc: Loc = ("severities", i)
        out += _refs(sev.page, contacts, "contact", (*loc, "page"))
        out += _refs(sev.roles_required, roles, "role", (*loc, "roles_required"))
        out += _positive(sev.pir_within, (*loc, "pir_within"), "pir_within")
        out += _positive(sev.no_progress_after, (*loc, "no_progress_after"), "no_progress_after")
        for group in ("targets", "communication"):
            for name, value in getattr(sev, group):
                out += _positive(value, (*loc, group, name), name)
        stated = [(n, v) for n, v in sev.targets if v is not None]
        for (a, va), (b, vb) in pairwise(stated):
            if vb < va:
                out.append(
                    Finding(
                        (*loc, "targets", b),
                        f"the {b} target ({format_duration(vb)}) comes before the {a} target ({format_duration(va)})",
                        "targets usually run acknowledge ≤ response ≤ mitigation ≤ resolution",
                        "warning",
                    )
                )
    esc = pb.escalation
    for i, level in enumerate(esc.chain):
        out += _ref(level.contact, contacts, "contact", ("escalation", "chain", i, "contact"))
        out += _positive(level.timeout, ("escalation", "chain", i, "timeout"), "timeout")
    for sev_id, steps in esc.matrix.items():
        if sev_id not in sevs:
            out.append(undefined("severity", sev_id, sevs, ("escalation", "matrix", sev_id))._replace(at_key=True))
        for j, step in enumerate(steps):
            out += _refs(step.notify, contacts, "contact", ("escalation", "matrix", sev_id, j, "notify"))
    for i, stakeholder in enumerate(esc.stakeholders):
        out += _ref(stakeholder.contact, contacts, "contact", ("escalation", "stakeholders", i, "contact"))
    out += _ref(esc.no_progress_contact, contacts, "contact", ("escalation", "no_progress_contact"))
    out += _positive(esc.no_progress_after, ("escalation", "no_progress_after"), "no_progress_after")
    timed = esc.no_progress_after is not None or any(s.no_progress_after is not None for s in pb.severities)
    if timed != (esc.no_progress_contact is not None):
        out.append(
            Finding(
                ("escalation",),
                "no-progress escalation needs both a time (no_progress_after) and a no_progress_contact",
                "give both (when, here or per severity, and who is brought in) or neither",
                "warning",
            )
        )
    for i, rule in enumerate(pb.classification.rules):
        out += _ref(rule.yes, sevs, "severity", ("classification", "rules", i, "yes"))
    out += _ref(pb.classification.otherwise, sevs, "severity", ("classification", "otherwise"))
    out += _positive(pb.monitoring_period, ("monitoring_period",), "monitoring_period")
    out += _checklists(pb.checklists)
    return out


def _checklists(lists: Checklists) -> list[Finding]:
    out: list[Finding] = []
    for kind in KINDS:
        out += _unique([i.id for i in lists.items(kind)], "checklist item", f"checklists.{kind}")
    return [f._replace(loc=(*str(f.loc[0]).split("."), *f.loc[1:])) for f in out]


def check_scenario(sc: Scenario, playbook: Playbook | None) -> list[Finding]:
    """References between the scenario's parts (and into its playbook, when known), times inside the drill."""
    metrics = [m.id for m in sc.metrics]
    faults = [f.id for f in sc.faults]
    clues = [c.id for c in sc.clues]
    own = [a.id for a in sc.actions]
    actions = sorted(STANDARD_IDS) + own
    out = _unique(metrics, "metric", "metrics") + _unique(faults, "fault", "faults")
    out += _unique([i.id for i in sc.injects], "inject", "injects") + _unique(own, "action", "actions")
    out += _unique(clues, "clue", "clues") + _unique([e.id for e in sc.expectations], "expectation", "expectations")
    out += _positive(sc.duration, ("duration",), "duration")
    end = format_duration(sc.duration)

    def inside(t: float, loc: Loc, what: str) -> list[Finding]:
        if t >= sc.duration:
            return [Finding(loc, f"{what} at {format_duration(t)}, after the drill ends ({end})", "move it earlier")]
        return []

    truth = sc.truth
    out += _refs(truth.fixed_by, actions, "action", ("truth", "fixed_by"))
    out += _refs(truth.root_cause_clues, clues, "clue", ("truth", "root_cause_clues"))
    resolving = {a.id for a in sc.actions if any(e.resolve for e in a.effects)}
    for i, action_id in enumerate(truth.fixed_by):
        if action_id in own and action_id not in resolving:
            out.append(
                Finding(("truth", "fixed_by", i), f"action '{action_id}' resolves no fault", "", severity="warning")
            )
    if playbook is not None:
        sevs = [s.id for s in playbook.severities]
        out += _ref(truth.severity, sevs, "severity", ("truth", "severity"))
        out += _refs(truth.must_involve, [c.id for c in playbook.contacts], "contact", ("truth", "must_involve"))
    for i, m in enumerate(sc.metrics):
        out += _positive(m.sample_every, ("metrics", i, "sample_every"), "sample_every")
        if m.minimum is not None and m.maximum is not None and m.minimum >= m.maximum:
            out.append(Finding(("metrics", i), f"minimum ({m.minimum:g}) must be below maximum ({m.maximum:g})"))
        for bound, name in ((m.minimum, "minimum"), (m.maximum, "maximum")):
            outside = bound is not None and (m.baseline < bound if name == "minimum" else m.baseline > bound)
            if outside:
                out.append(Finding(("metrics", i, "baseline"), f"baseline ({m.baseline:g}) is outside the {name}"))
        if m.too_low is not None and not m.baseline > m.too_low.warn:
            out.append(Finding(("metrics", i, "too_low", "warn"),
                               f"baseline ({m.baseline:g}) is not above too_low's warn ({m.too_low.warn:g})",
                               "a healthy metric sits between its two warn thresholds"))  # fmt: skip
        if m.too_high is not None and not m.baseline < m.too_high.warn:
            out.append(Finding(("metrics", i, "too_high", "warn"),
                               f"baseline ({m.baseline:g}) is not below too_high's warn ({m.too_high.warn:g})",
                               "a healthy metric sits between its two warn thresholds"))  # fmt: skip
    started_by = {e.start_fault for a in sc.actions for e in a.effects if e.start_fault}
    for i, f in enumerate(sc.faults):
        out += inside(f.start, ("faults", i, "start"), f"fault '{f.id}' starts")
        for j, effect in enumerate(f.effects):
            out += _ref(effect.metric, metrics, "metric", ("faults", i, "effects", j, "metric"))
        if f.ends is not None:
            out += inside(f.ends, ("faults", i, "ends"), f"fault '{f.id}' ends")
            if f.id in started_by:
                out.append(Finding(("faults", i, "ends"), f"fault '{f.id}' is started by an action, at no set time",
                                   "use 'lasts' (a duration from its start) instead of 'ends'"))  # fmt: skip
        out += _positive(f.lasts, ("faults", i, "lasts"), "lasts")
        out += _action_refs(f.unless, actions, playbook, ("faults", i, "unless"))
        if f.unless and f.id in started_by:
            out.append(Finding(("faults", i, "unless"), f"fault '{f.id}' is started by an action, so 'unless' "
                               "never applies", "averting is for a fault that starts at its time"))  # fmt: skip
    for i, inj in enumerate(sc.injects):
        loc: Loc = ("injects", i, "trigger")
        trig = inj.trigger
        if trig.at is not None:
            out += inside(trig.at + trig.delay, (*loc, "at"), f"inject '{inj.id}' fires")
        if trig.metric is not None:
            out += _ref(trig.metric.metric, metrics, "metric", (*loc, "metric", "metric"))
        if trig.after_action is not None:
            out += _action_ref(trig.after_action, actions, playbook, (*loc, "after_action"))
        if trig.timer_expired is not None:
            out += _timer(trig.timer_expired, playbook, (*loc, "timer_expired"))
        out += _action_refs(inj.unless, actions, playbook, ("injects", i, "unless"))
    for i, action in enumerate(sc.actions):
        loc = ("actions", i)
        if action.id in STANDARD_IDS:
            out.append(
                Finding((*loc, "id"), f"action '{action.id}' has the name of a standard action", "choose another id")
            )
        out += _positive(action.duration, (*loc, "duration"), "duration")
        out += _refs(action.requires, actions, "action", (*loc, "requires"))
        out += _ref(action.harmful_while, faults, "fault", (*loc, "harmful_while"))
        for j, act_effect in enumerate(action.effects):
            eloc = (*loc, "effects", j)
            out += _ref(act_effect.if_active, faults, "fault", (*eloc, "if_active"))
            out += _ref(act_effect.if_not_active, faults, "fault", (*eloc, "if_not_active"))
            out += _ref(act_effect.resolve, faults, "fault", (*eloc, "resolve"))
            out += _ref(act_effect.start_fault, faults, "fault", (*eloc, "start_fault"))
            out += _ref(act_effect.reveal, clues, "clue", (*eloc, "reveal"))
            if act_effect.move is not None:
                out += _ref(act_effect.move.metric, metrics, "metric", (*eloc, "move", "metric"))
    out += _requirement_cycles(sc)
    for i, clue in enumerate(sc.clues):
        out += _ref(clue.names_fault, faults, "fault", ("clues", i, "names_fault"))
    for i, exp in enumerate(sc.expectations):
        loc = ("expectations", i)
        out += _ref(exp.done, actions, "action", (*loc, "done"))
        out += _ref(exp.never, actions, "action", (*loc, "never"))
        out += _expectation_params(exp.done or exp.never, exp.with_, playbook, (*loc, "with"))
        out += _action_refs(exp.any_of or [], actions, playbook, (*loc, "any_of"))
        if exp.order is not None:
            out += _action_ref(exp.order.first, actions, playbook, (*loc, "order", "first"))
            out += _action_ref(exp.order.then, actions, playbook, (*loc, "order", "then"))
        if exp.severity_at_least is not None and playbook is not None:
            sevs = [s.id for s in playbook.severities]
            out += _ref(exp.severity_at_least, sevs, "severity", (*loc, "severity_at_least"))
        since = exp.from_
        if since is not None:
            floc = (*loc, "from")
            out += _ref(since.inject, [i.id for i in sc.injects], "inject", (*floc, "inject"))
            out += _ref(since.alert, metrics, "metric", (*floc, "alert"))
            out += _ref(since.fault, faults, "fault", (*floc, "fault"))
            if since.action is not None:
                out += _action_ref(since.action, actions, playbook, (*floc, "action"))
        if exp.within is not None:
            out += _positive(exp.within, (*loc, "within"), "within")
            if since is None and exp.within > sc.duration:
                out.append(
                    Finding((*loc, "within"), f"within {format_duration(exp.within)} is after the drill ends ({end})")
                )
    out += _checklists(sc.checklists)
    return out


def _action_ref(ref: ActionRef, actions: Sequence[str], pb: Playbook | None, loc: Loc) -> list[Finding]:
    """An action named by id, or as `{do: id, with: {...}}` (then its parameters are checked too)."""
    if not ref.with_:
        return _ref(ref.do, actions, "action", loc)
    return _ref(ref.do, actions, "action", (*loc, "do")) + _expectation_params(ref.do, ref.with_, pb, (*loc, "with"))


def _action_refs(refs: Sequence[ActionRef], actions: Sequence[str], pb: Playbook | None, loc: Loc) -> list[Finding]:
    return [f for i, ref in enumerate(refs) for f in _action_ref(ref, actions, pb, (*loc, i))]


def timer_ids(playbook: Playbook | None) -> list[str]:
    """The timer ids an inject may wait for: the fixed ones, and the playbook's matrix steps when known."""
    out = list(TIMER_IDS)
    if playbook is not None:
        for sev, steps in playbook.escalation.matrix.items():
            out += [f"matrix.{sev}.{n}" for n in range(1, len(steps) + 1)]
    return out


def _timer(timer: str, playbook: Playbook | None, loc: Loc) -> list[Finding]:
    """A timer id no drill runs is a warning (a misspelt one never fires), with the closest real one."""
    known = timer_ids(playbook)
    category = timer.split(".")[0]
    if timer in known or (category == "matrix" and playbook is None):
        return []
    if category not in TIMER_CATEGORIES:
        message = f"timer '{timer}' names no timer category"
        hint = did_you_mean(timer, known) or (
            f"timer ids start with one of: {', '.join(TIMER_CATEGORIES)} (e.g. 'sla.status_page')"
        )
    else:
        message = f"no drill runs a timer '{timer}', so this inject never fires"
        hint = did_you_mean(timer, known) or f"the timers are: {', '.join(known)}"
    return [Finding(loc, message, hint, "warning")]


def _expectation_params(action: str | None, params: dict[str, str], pb: Playbook | None, loc: Loc) -> list[Finding]:
    """`with` names parameters the action takes, and contact, role and severity values the playbook has."""
    if not params or action is None:
        return []
    spec = next((a for a in STANDARD if a.id == action), None)
    takes = {p.name: p for p in spec.params} if spec else {}
    out = []
    for name, value in params.items():
        if name not in takes:
            out.append(Finding((*loc, name), f"action '{action}' takes no parameter '{name}'",
                               f"it takes: {', '.join(takes) or 'none'}", at_key=True))  # fmt: skip
            continue
        kind = takes[name].kind
        if pb is not None and kind in ("contact", "role", "severity"):
            ids = {
                "contact": [c.id for c in pb.contacts],
                "role": [r.id for r in pb.roles],
                "severity": [s.id for s in pb.severities],
            }
            defined = ids[kind]
            out += _ref(value, defined, kind, (*loc, name))
        elif takes[name].choices and value not in takes[name].choices:
            out.append(undefined(name, value, list(takes[name].choices), (*loc, name)))
    return out


def _requirement_cycles(sc: Scenario) -> list[Finding]:
    """An action that (indirectly) requires itself can never be taken."""
    requires = {a.id: a.requires for a in sc.actions}
    out = []
    for i, action in enumerate(sc.actions):
        seen: set[str] = set()
        todo = list(action.requires)
        while todo:
            current = todo.pop()
            if current == action.id:
                out.append(
                    Finding(("actions", i, "requires"), f"action '{action.id}' requires itself", "break the cycle")
                )
                break
            if current not in seen:
                seen.add(current)
                todo.extend(requires.get(current, ()))
    return out


def check_script(
    script: Script, scenario: Scenario | None, playbook: Playbook | None, written: object = None
) -> list[Finding]:
    """Steps in time order, each naming an action the drill offers, with the parameters that action takes.

    `written` is the file's parsed data, so a step out of order is told with its time as the file writes it.
    Without a scenario, only the standard actions are known: any other `do` is an error, since nothing
    could ever take it."""
    specs = {a.id: a for a in STANDARD}
    own = [a.id for a in scenario.actions] if scenario is not None else []
    known = sorted(specs) + own
    sevs = [s.id for s in playbook.severities] if playbook is not None else None
    roles = [r.id for r in playbook.roles] if playbook is not None and playbook.roles else None
    contacts = [c.id for c in playbook.contacts] if playbook is not None else None
    out: list[Finding] = _time_order(script, written)
    for i, step in enumerate(script.root):
        if scenario is not None and step.at >= scenario.duration:
            end = format_duration(scenario.duration)
            out.append(Finding((i, "at"), f"step at {format_duration(step.at)} is after the drill ends ({end})"))
        params = step.params
        spec = specs.get(step.do)
        # `role` is also the step's own key (the actor's role), so `do: assign_role, role: ic` arrives there:
        # for an action with a `role` parameter it is that parameter, and the actor's role goes in `as_role`
        # (as Drill.act reads it).
        role_is_param = spec is not None and any(p.name == "role" for p in spec.params) and "role" not in params
        actor_role, actor_role_loc = step.role, (i, "role")
        if role_is_param:
            actor_role, actor_role_loc = params.pop("as_role", None), (i, "as_role")
        if roles is not None and actor_role is not None:
            out += _ref(str(actor_role), roles, "role", actor_role_loc)
        if spec is None:
            if scenario is None:
                out.append(_unknown_without_scenario(step.do, (i, "do")))
            elif step.do not in own:
                out.append(undefined("action", step.do, known, (i, "do")))
            elif params:
                name = next(iter(params))
                out.append(Finding((i, name), f"action '{step.do}' takes no parameters", "", at_key=True))
            continue
        allowed = [p.name for p in spec.params]
        if role_is_param and step.role is not None:
            params["role"] = step.role
        for name in params:
            if name not in allowed:
                takes = f"'{step.do}' takes: {', '.join(allowed)}" if allowed else f"'{step.do}' takes none"
                hint = did_you_mean(name, allowed) or takes
                out.append(Finding((i, name), f"unknown parameter '{name}' for '{step.do}'", hint, at_key=True))
        for p in spec.params:
            value = params.get(p.name)
            if value is None:
                if p.required:
                    out.append(Finding((i,), f"'{step.do}' needs the parameter '{p.name}'"))
                continue
            defined = {"severity": sevs, "role": roles, "contact": contacts, "choice": list(p.choices)}.get(p.kind)
            if defined is not None and value not in defined:
                out.append(undefined(p.kind if p.kind != "choice" else p.name, value, defined, (i, p.name)))
    return out


def _unknown_without_scenario(action: str, loc: Loc) -> Finding:
    near = did_you_mean(action, sorted(STANDARD_IDS))
    hint = near or "put the script in scripts/<scenario-id>/, or name it: warroom validate --scenario ID FILE"
    return Finding(loc, f"action '{action}' is not a standard action, and no scenario is known to offer it", hint)


def _time_order(script: Script, written: object) -> list[Finding]:
    """A step earlier than the one before it, at the offending step, with both times as the file has them."""
    out = []
    steps = script.root
    for i in range(1, len(steps)):
        if steps[i].at < steps[i - 1].at:
            now, before = _written_at(written, i, steps[i].at), _written_at(written, i - 1, steps[i - 1].at)
            out.append(
                Finding(
                    (i, "at"),
                    f"steps must be in time order: '{steps[i].do}' at {now} comes after "
                    f"'{steps[i - 1].do}' at {before}",
                    "move the step, or correct its time",
                )
            )
    return out


def _written_at(written: object, i: int, seconds: float) -> str:
    if isinstance(written, list) and i < len(written) and isinstance(written[i], dict):
        at = written[i].get("at")
        if isinstance(at, str):
            return at.strip()
    return format_duration(seconds)


def dotted(loc: Loc, root: str = "") -> str:
    """('metrics', 0, 'warn') -> `metrics[0].warn`; the empty loc is `the file`. `root` names a top-level list."""
    out = root
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            out += f".{part}" if out else str(part)
    return out if out and out != root else "the file"
