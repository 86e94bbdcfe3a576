"""Checks of a playbook's rules (metrics, procedures, escalation levels and triggers), and of what a scenario
takes from its playbook (the procedures its expectations cite, the thresholds of the playbook's metrics)."""

from __future__ import annotations

from sim.format.checks import Finding, Loc, _positive, _ref, _refs, _unique, undefined
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario


def check_playbook_rules(pb: Playbook) -> list[Finding]:
    sevs = [s.id for s in pb.severities]
    contacts = [c.id for c in pb.contacts]
    metrics = [m.id for m in pb.metrics]
    esc = pb.escalation
    out = _unique(metrics, "metric", "metrics") + _unique([p.id for p in pb.procedures], "procedure", "procedures")
    out += _unique([f.id for f in pb.follow_up], "follow-up step", "follow_up")
    for i, step in enumerate(pb.follow_up):
        out += _positive(step.within, ("follow_up", i, "within"), "within")
    out += _refs(esc.levels, contacts, "contact", ("escalation", "levels"))
    for i, sev in enumerate(pb.severities):
        if sev.pir_within is not None and sev.pir_within_business_days is not None:
            out.append(Finding(("severities", i), "give 'pir_within' or 'pir_within_business_days', not both"))
    ids = [t.id for t in esc.triggers]
    out += [f._replace(loc=("escalation", "triggers", *f.loc[1:])) for f in _unique(ids, "trigger", "triggers")]
    for i, trig in enumerate(esc.triggers):
        loc: Loc = ("escalation", "triggers", i)
        out += _refs(trig.notify, contacts, "contact", (*loc, "notify"))
        out += _ref(trig.declare, sevs, "severity", (*loc, "declare"))
        out += _positive(trig.within, (*loc, "within"), "within")
        if trig.next_level and not esc.levels:
            out.append(
                Finding((*loc, "next_level"), "'next_level' needs escalation.levels", "list the levels, lowest first")
            )
        for j, cond in enumerate(trig.when):
            cloc = (*loc, "when", j)
            out += _refs(cond.severity, sevs, "severity", (*cloc, "severity"))
            out += _positive(cond.open_for, (*cloc, "open_for"), "open_for")
            out += _positive(cond.unmitigated_for, (*cloc, "unmitigated_for"), "unmitigated_for")
            if cond.metric is not None:
                out += _ref(cond.metric.metric, metrics, "metric", (*cloc, "metric", "metric"))
    return out


def check_scenario_rules(sc: Scenario, pb: Playbook) -> list[Finding]:
    """Expectations cite procedures of this playbook; metrics the playbook names use its thresholds."""
    out: list[Finding] = []
    procedures = [p.id for p in pb.procedures]
    for i, exp in enumerate(sc.expectations):
        if exp.cites is not None and exp.cites not in procedures:
            found = undefined("procedure", exp.cites, procedures, ("expectations", i, "cites"))
            own = f"a scenario cites only its own playbook's ('{pb.id}'); leave 'cites' out for a rule of its own"
            out.append(found._replace(hint=found.hint or own))
    named = {m.id: m for m in pb.metrics}
    for i, metric in enumerate(sc.metrics):
        rule = named.get(metric.id)
        if rule is None:
            continue
        for key in ("warn", "critical", "bad_when"):
            want, have = getattr(rule, key), getattr(metric, key)
            if want is not None and want != have:
                out.append(
                    Finding(
                        ("metrics", i, key),
                        f"metric '{metric.id}' has {key} {_shown(have)}, but playbook '{pb.id}' sets {_shown(want)}",
                        f"use the playbook's {rule.label} threshold, or give the metric another id",
                    )
                )
    return out


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
