"""Issue 19, "a scorer that cannot be gamed": for EVERY bundled scenario, scripts generated from its own ideal
script and actions (see adversarial.py) must land where an honest grade puts them. A new scenario in the
library is covered without new code."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import cache

import pytest

from scoring.grade import DEFAULT_PASS_MARK, grade, rule_label
from scoring.report_text import render_text
from sim.format.script import Step
from sim.journal.facts import read_facts
from sim.training.runner import run_script
from tests.scenarios import adversarial as adv
from tests.scenarios.test_library_scripts import IDS, playbooks, scenario, script


def _score(sid: str, steps: Sequence[Step]) -> float:
    sc = scenario(sid)
    pb = playbooks()[sc.playbook]
    drill = run_script(sc, pb, list(steps), seed=sc.seed)
    assert drill.finished, f"{sid}: the drill did not end"
    return grade(drill.record, sc, pb).score


@cache
def ideal(sid: str) -> float:
    return _score(sid, script(sid, "ideal").root)


@pytest.mark.parametrize("sid", IDS)
def test_ideal_scores_at_least_90_and_nothing_under_15(sid: str) -> None:
    assert ideal(sid) >= 90.0
    assert _score(sid, []) < 15.0


@pytest.mark.parametrize("harmful", [True, False], ids=["with-harm", "without-harm"])
@pytest.mark.parametrize("sid", IDS)
def test_gaming_scripts_fail(sid: str, harmful: bool) -> None:
    sc = scenario(sid)
    pb = playbooks()[sc.playbook]
    at_zero = _score(sid, adv.everything(sc, pb, 0.0, harmful=harmful))
    spam = _score(sid, adv.spam(sc, pb, harmful=harmful))
    assert at_zero < DEFAULT_PASS_MARK, f"{sid}: everything once at T+0 scored {at_zero}"
    assert spam < DEFAULT_PASS_MARK, f"{sid}: every action every 30 s scored {spam}"


@pytest.mark.parametrize("sid", IDS)
def test_lateness_costs_in_proportion(sid: str) -> None:
    scores = [ideal(sid)] + [_score(sid, adv.shifted(script(sid, "ideal"), by)) for by in adv.LATE]
    assert all(a > b for a, b in itertools.pairwise(scores)), f"{sid}: ideal, +5, +10, +20 min: {scores}"
    assert scores[-1] <= scores[0] - 15.0, f"{sid}: 20 minutes late scored {scores[-1]} against {scores[0]}"


@pytest.mark.parametrize("sid", IDS)
def test_severity_costs_grow_with_distance(sid: str) -> None:
    pb = playbooks()[scenario(sid).playbook]
    ideal_script = script(sid, "ideal")
    under = adv.severity_shift(ideal_script, pb, 1)
    assert under is not None, f"{sid}: the true severity is the lowest level; nothing to under-declare"
    one_under = _score(sid, under)
    assert one_under <= ideal(sid) - 20.0, f"{sid}: one level under scored {one_under} against {ideal(sid)}"
    two = adv.severity_shift(ideal_script, pb, 2)
    if two is not None:
        assert _score(sid, two) < DEFAULT_PASS_MARK, f"{sid}: two levels under passed"
    over = adv.severity_shift(ideal_script, pb, -1)
    if over is not None:
        assert _score(sid, over) > one_under, f"{sid}: one level over did not score better than one under"


@pytest.mark.parametrize("sid", IDS)
def test_never_acknowledging_costs_10(sid: str) -> None:
    no_ack = _score(sid, adv.without_ack(script(sid, "ideal")))
    assert no_ack <= ideal(sid) - 10.0, f"{sid}: never acknowledging scored {no_ack} against {ideal(sid)}"


@pytest.mark.parametrize("sid", IDS)
def test_resolving_before_recovery_is_verified_costs_10(sid: str) -> None:
    steps = adv.early_resolve(scenario(sid), script(sid, "ideal"))
    assert steps is not None, f"{sid}: the ideal script never applies the fix"
    early = _score(sid, steps)
    assert early <= ideal(sid) - 10.0, f"{sid}: resolving a minute after the fix scored {early} against {ideal(sid)}"


@pytest.mark.parametrize("sid", IDS)
def test_every_criterion_cites_its_rule(sid: str) -> None:
    sc = scenario(sid)
    pb = playbooks()[sc.playbook]
    drill = run_script(sc, pb, script(sid, "mistakes"), seed=sc.seed)
    card = grade(drill.record, sc, pb)
    scorecard = render_text(card)
    for c in card.criteria:
        # As trainees read it: the playbook and its section, the scenario and what of it, or warroom's own.
        assert c.rule.startswith((f"{pb.title} › ", f"Scenario '{sc.title}' › ", "warroom's own judgement")), c
        assert (c.source == "warroom") <= c.rule.startswith("warroom's own judgement"), c
        assert (c.source == "playbook") <= c.rule.startswith((f"{pb.title} › ", "warroom's own judgement")), c
        assert "§" not in c.rule and "§" not in c.title, c  # seed references stay in the files' comments
        assert f"rule: {rule_label(c.rule)}\n" in scorecard, c  # and `warroom score` shows it


@pytest.mark.parametrize("sid", IDS)
def test_a_premature_resolve_stops_no_clock(sid: str) -> None:
    """Declare, resolve at once, then go quiet: the updates and the resolution are judged over the whole time
    the incident was really open, not up to the premature resolve."""
    sc = scenario(sid)
    pb = playbooks()[sc.playbook]
    steps = list(script(sid, "ideal").root)
    first = next(i for i, s in enumerate(steps) if s.do == "declare")
    rash = [*steps[: first + 1], Step.model_validate({"at": f"{steps[first].at + 10:g}s", "do": "resolve"})]
    drill = run_script(sc, pb, rash, seed=sc.seed)
    facts = read_facts(drill.record)
    card = grade(drill.record, sc, pb)
    assert facts.resolutions and facts.resolutions[0].early, f"{sid}: the resolve was not premature"
    assert drill.resolved_at == (facts.closed.t if facts.closed else None)
    mttr = next(k for k in card.kpis if k.id == "mttr")
    assert mttr.at is None or mttr.at > facts.resolutions[0].t, f"{sid}: MTTR counted the premature resolve"
    every = pb.severity(sc.truth.severity).communication.internal_update_every
    if every is not None and facts.open_until >= facts.detection + 2 * every:
        assert card.criterion("comms.internal_cadence").result == "fail", f"{sid}: silence after a premature resolve"
    assert card.criterion("mitigate.resolution").result in ("fail", "partial", "not_evaluated")
