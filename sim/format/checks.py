"""Cross-reference and semantic checks on loaded models, as findings located by YAML key paths."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Literal, NamedTuple

from sim.format.catalogue import STANDARD, STANDARD_IDS
from sim.format.durations import format_duration
from sim.format.model import Model, RootModel
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.format.vocabulary import TIMER_CATEGORIES

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
    return out


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
    for i, f in enumerate(sc.faults):
        out += inside(f.start, ("faults", i, "start"), f"fault '{f.id}' starts")
        for j, effect in enumerate(f.effects):
            out += _ref(effect.metric, metrics, "metric", ("faults", i, "effects", j, "metric"))
    for i, inj in enumerate(sc.injects):
        loc: Loc = ("injects", i, "trigger")
        trig = inj.trigger
        if trig.at is not None:
            out += inside(trig.at + trig.delay, (*loc, "at"), f"inject '{inj.id}' fires")
        if trig.metric is not None:
            out += _ref(trig.metric.metric, metrics, "metric", (*loc, "metric", "metric"))
        out += _ref(trig.after_action, actions, "action", (*loc, "after_action"))
        if trig.timer_expired is not None and trig.timer_expired.split(".")[0] not in TIMER_CATEGORIES:
            out.append(
                Finding(
                    (*loc, "timer_expired"),
                    f"timer '{trig.timer_expired}' names no timer category",
                    f"timer ids start with one of: {', '.join(TIMER_CATEGORIES)} (e.g. 'sla.status_page')",
                    "warning",
                )
            )
        out += _refs(inj.unless, actions, "action", ("injects", i, "unless"))
    for i, action in enumerate(sc.actions):
        loc = ("actions", i)
        if action.id in STANDARD_IDS:
            out.append(
                Finding((*loc, "id"), f"action '{action.id}' has the name of a standard action", "choose another id")
            )
        out += _positive(action.duration, (*loc, "duration"), "duration")
        out += _refs(action.requires, actions, "action", (*loc, "requires"))
        for j, act_effect in enumerate(action.effects):
            eloc = (*loc, "effects", j)
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
        if exp.order is not None:
            out += _ref(exp.order.first, actions, "action", (*loc, "order", "first"))
            out += _ref(exp.order.then, actions, "action", (*loc, "order", "then"))
        if exp.within is not None:
            out += _positive(exp.within, (*loc, "within"), "within")
            if exp.within > sc.duration:
                out.append(
                    Finding((*loc, "within"), f"within {format_duration(exp.within)} is after the drill ends ({end})")
                )
    return out


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


def check_script(script: Script, scenario: Scenario | None, playbook: Playbook | None) -> list[Finding]:
    """Each step names an action the drill offers, with the parameters that action takes."""
    specs = {a.id: a for a in STANDARD}
    own = [a.id for a in scenario.actions] if scenario is not None else []
    known = sorted(specs) + own
    sevs = [s.id for s in playbook.severities] if playbook is not None else None
    roles = [r.id for r in playbook.roles] if playbook is not None and playbook.roles else None
    contacts = [c.id for c in playbook.contacts] if playbook is not None else None
    out: list[Finding] = []
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
            if scenario is not None and step.do not in own:
                out.append(undefined("action", step.do, known, (i, "do")))
            elif scenario is not None and params:
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


def dotted(loc: Loc, root: str = "") -> str:
    """('metrics', 0, 'warn') -> `metrics[0].warn`; the empty loc is `the file`. `root` names a top-level list."""
    out = root
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part != "[key]":
            out += f".{part}" if out else str(part)
    return out if out and out != root else "the file"
