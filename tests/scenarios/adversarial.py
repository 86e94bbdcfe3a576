"""Adversarial scripts built from a scenario's own actions and its ideal script (issue 19).

Nothing here is written per scenario: a new drill in the library is covered by what is generated from it.
"""

from __future__ import annotations

from collections.abc import Callable

from sim.format.catalogue import INVESTIGATE_TARGETS, STANDARD
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script, Step

SPAM_EVERY = 30.0
SPAM_FOR = 20 * 60.0
LATE = (5 * 60.0, 10 * 60.0, 20 * 60.0)


def _step(at: float, do: str, **params: str) -> Step:
    return Step.model_validate({"at": f"{at:g}s", "do": do, **params})


def everything(scenario: Scenario, playbook: Playbook, at: float, *, harmful: bool) -> list[Step]:
    """Every action the trainee can take, once, at `at`, with the true severity (a gamer who guessed it)."""
    out: list[Step] = []
    for spec in STANDARD:
        match spec.id:
            case "declare":
                out.append(_step(at, "declare", severity=scenario.truth.severity))
            case "assign_role":
                out.extend(_step(at, "assign_role", role=r.id, who="me") for r in playbook.roles)
            case "page":
                out.extend(_step(at, "page", contact=c.id) for c in playbook.contacts)
            case "investigate":
                out.extend(_step(at, "investigate", target=t) for t in INVESTIGATE_TARGETS)
            case "status_page":
                out.append(_step(at, "status_page", state="investigating"))
            case "resolve" | "schedule_pir":
                pass  # last, after the scenario's own actions
            case _:
                out.append(_step(at, spec.id))
    out.extend(_step(at, a.id) for a in scenario.actions if harmful or not a.harmful)
    out.extend((_step(at, "schedule_pir"), _step(at, "resolve")))
    return out


def spam(scenario: Scenario, playbook: Playbook, *, harmful: bool) -> list[Step]:
    """Every action every 30 s for 20 minutes."""
    steps: list[Step] = []
    t = 0.0
    while t < SPAM_FOR:
        steps.extend(everything(scenario, playbook, t, harmful=harmful))
        t += SPAM_EVERY
    return steps


def shifted(script: Script, by: float) -> list[Step]:
    return [_step(s.at + by, s.do, **_p(s)) for s in script.root]


def _map(script: Script, f: Callable[[Step], Step | None]) -> list[Step]:
    return [x for x in (f(s) for s in script.root) if x is not None]


def severity_shift(script: Script, playbook: Playbook, levels: int) -> list[Step] | None:
    """Every declaration moved `levels` down the scale (positive: less severe); None when off the scale."""
    ids = [s.id for s in playbook.severities]
    out: list[Step] = []
    for s in script.root:
        if s.do == "declare":
            rank = ids.index(s.params["severity"]) + levels
            if not 0 <= rank < len(ids):
                return None
            s = _step(s.at, "declare", **{**_p(s), "severity": ids[rank]})
        out.append(s)
    return out


def without_ack(script: Script) -> list[Step]:
    return _map(script, lambda s: None if s.do == "acknowledge" else s)


def early_resolve(scenario: Scenario, script: Script) -> list[Step] | None:
    """A resolve one minute after the first fix lands (its start plus its duration), before recovery is verified."""
    durations = {a.id: a.duration for a in scenario.actions}
    first = next((s for s in script.root if s.do in scenario.truth.fixed_by), None)
    if first is None:
        return None
    at = first.at + durations.get(first.do, 0.0) + 60.0
    steps = list(script.root)
    i = next((i for i, s in enumerate(steps) if s.at > at), len(steps))
    return [*steps[:i], _step(at, "resolve"), *steps[i:]]


def _p(s: Step) -> dict[str, str]:
    """A step's parameters with its actor and role, to rebuild it."""
    extra = {k: v for k, v in (("actor", s.actor), ("role", s.role)) if v is not None}
    return {**s.params, **extra}
