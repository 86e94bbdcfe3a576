"""grade() on synthetic records: the ideal and negligent responses, and one pass->fail flip per criterion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from scoring.grade import ScoreCard, grade, letter_for
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import FACILITATOR, CommsSent, FaultResolved, FaultStarted, PageSent, StatusChanged
from tests.scoring.builder import IDEAL, Step, build, load_playbook, load_scenario, m, moved, plus, step, without


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario()


@pytest.fixture(scope="module")
def playbook() -> Playbook:
    return load_playbook()


@pytest.fixture(scope="module")
def ideal(scenario: Scenario, playbook: Playbook) -> ScoreCard:
    return grade(build(IDEAL, scenario), scenario, playbook)


NEGLIGENT: tuple[Step, ...] = (
    step(m(20), "acknowledge"),
    step(m(21), "declare", severity="SEV3"),
    step(m(25), "drop_db"),
    step(m(45), "kill_idle"),
    step(m(50), "resolve"),
)


def test_ideal_response_scores_at_least_90(ideal: ScoreCard) -> None:
    assert ideal.score >= 90
    assert ideal.passed
    assert ideal.letter == "A"
    # The model answer mitigates a one-minute fix 11m10s after detection: 1m10s past warroom's 9-minute
    # speed allowance, which costs about a point. Every playbook rule passes.
    assert [c.id for c in ideal.evaluated if c.result != "pass"] == ["mitigate.speed"]
    assert 0 < ideal.criterion("mitigate.speed").cost <= 2


def test_negligent_response_scores_below_50(scenario: Scenario, playbook: Playbook) -> None:
    card = grade(build(NEGLIGENT, scenario), scenario, playbook)
    assert card.score < 50
    assert not card.passed
    assert card.letter == "F"
    for cid in ("detect.acknowledge", "classify.severity", "comms.internal_cadence"):
        assert card.criterion(cid).result == "fail", cid
    # One harmful action costs half the criterion; a second would cost the rest.
    assert card.criterion("mitigate.harmful").result == "partial"


Mutation = Callable[[tuple[Step, ...]], tuple[Step, ...]]

# One mutation of the ideal per criterion that turns it from pass to fail.
FLIPS: dict[str, Mutation] = {
    "detect.acknowledge": lambda s: moved(s, "acknowledge", m(20)),
    "detect.response": lambda s: moved(moved(s, "declare", m(50)), "assign_role", m(50)),
    "classify.severity": lambda s: plus(without(s, "declare"), step(200, "declare", severity="SEV3")),
    "role.ic": lambda s: without(s, "assign_role", role="ic"),
    "role.comms": lambda s: without(s, "assign_role", role="comms"),
    "comms.internal_cadence": lambda s: without(s, "post_update"),
    "comms.status_page_first": lambda s: moved(s, "status_page", m(40), state="investigating"),
    "comms.status_page_cadence": lambda s: without(s, "status_page"),
    "comms.customers": lambda s: without(s, "notify_customers"),
    "comms.executives": lambda s: without(s, "brief_executives"),
    "comms.support": lambda s: without(s, "brief_support"),
    "escalate.dba": lambda s: without(s, "page", contact="dba"),
    "escalate.paging": lambda s: without(s, "page", contact="eng_lead"),
    "mitigate.fix": lambda s: without(s, "kill_idle"),
    "mitigate.diagnosis": lambda s: without(s, "investigate"),
    "mitigate.time": lambda s: moved(s, "kill_idle", m(70)),
    "mitigate.resolution": lambda s: moved(s, "resolve", m(200)),
    "mitigate.harmful": lambda s: plus(s, step(600, "drop_db"), step(700, "drop_db")),  # repeats count
    "conduct.noise": lambda s: plus(s, *(step(300 + 30 * i, "page", contact="dba") for i in range(30))),
    "close.verified": lambda s: moved(s, "kill_idle", m(30)),
    "close.pir": lambda s: without(s, "schedule_pir"),
    "expect.snapshot_first": lambda s: moved(s, "snapshot", m(20)),
    "expect.snapshot_early": lambda s: without(s, "snapshot"),
    "expect.no_failover": lambda s: plus(s, step(600, "failover")),
    # Sent as the template left it: the message says nothing.
    "comms.message.internal_update": lambda s: tuple(
        replace(x, params={"text": "Status: [STATUS]. Next update: {next}."}) if x.do == "post_update" else x for x in s
    ),
}


def test_every_evaluated_criterion_has_a_flip(ideal: ScoreCard) -> None:
    assert {c.id for c in ideal.evaluated} == {*FLIPS, "mitigate.speed"}  # speed: test_a_slower_fix_costs_more


@pytest.mark.parametrize("cid", sorted(FLIPS))
def test_criterion_flips_from_pass_to_fail(cid: str, ideal: ScoreCard, scenario: Scenario, playbook: Playbook) -> None:
    assert ideal.criterion(cid).result == "pass"
    flipped = grade(build(FLIPS[cid](IDEAL), scenario), scenario, playbook).criterion(cid)
    assert flipped.result in ("fail", "partial") if flipped.cost else flipped.result == "fail", flipped.explanation
    assert flipped.points <= 0  # a cost may take a criterion below zero; the score never goes below zero
    assert flipped.explanation and "\n" not in flipped.explanation


def test_a_slower_fix_costs_more(ideal: ScoreCard, scenario: Scenario, playbook: Playbook) -> None:
    slow = grade(build(moved(IDEAL, "kill_idle", m(60)), scenario), scenario, playbook).criterion("mitigate.speed")
    assert slow.cost > ideal.criterion("mitigate.speed").cost
    assert slow.points <= 0 and slow.explanation and "\n" not in slow.explanation


def test_no_progress_escalation_flips(scenario: Scenario, playbook: Playbook) -> None:
    # Without the logs the cause is never found: paging the engineering lead (the playbook's contact) is what counts.
    stuck = without(IDEAL, "investigate")
    assert grade(build(stuck, scenario), scenario, playbook).criterion("escalate.no_progress").result == "pass"
    silent = without(stuck, "page", contact="eng_lead")
    crit = grade(build(silent, scenario), scenario, playbook).criterion("escalate.no_progress")
    assert crit.result == "fail"
    assert "Engineering Lead" in crit.explanation and "15m" in crit.explanation


def test_explanation_cites_the_playbook_rule(scenario: Scenario, playbook: Playbook) -> None:
    late = moved(IDEAL, "status_page", m(12), state="investigating")  # lands at T+00:14:00
    crit = grade(build(late, scenario), scenario, playbook).criterion("comms.status_page_first")
    assert crit.explanation == (
        "Status page first updated at T+00:14:00, 1m30s late; "
        "the playbook requires it within 10m of detection for SEV1 (by T+00:12:30); "
        "credit falls to nothing 10m after it."
    )
    assert crit.result == "partial" and crit.points == 8  # 1m30s of a 10m window: 85% of 10, rounded down
    assert crit.deadline == 750.0
    assert [e.t for e in crit.evidence] == [150.0, 840.0]


def _as(scenario: Scenario, severity: str) -> Scenario:
    return scenario.model_copy(update={"truth": scenario.truth.model_copy(update={"severity": severity})})


def test_missing_playbook_rule_is_listed_as_not_evaluated(scenario: Scenario, playbook: Playbook) -> None:
    sev2 = _as(scenario, "SEV2")
    card = grade(build(IDEAL, sev2), sev2, playbook)
    execs = card.criterion("comms.executives")
    assert execs.result == "not_evaluated"
    assert execs.explanation == "not evaluated: the playbook sets no executive deadline for SEV2."
    assert execs.points == 0
    # Excluded from the maximum, never dropped from the card.
    assert card.max_points == sum(c.max_points for c in card.criteria if c.evaluated)
    assert card.max_points < sum(c.max_points for c in card.criteria)
    assert {"comms.customers", "comms.support", "mitigate.time", "escalate.paging"} <= {
        c.id for c in card.not_evaluated
    }


def test_deadline_after_the_drill_ended_is_not_evaluated(scenario: Scenario, playbook: Playbook) -> None:
    early = tuple(s for s in IDEAL if s.at < 200)  # just the acknowledgement, then the drill stops
    card = grade(build(early, scenario, end=500.0), scenario, playbook)
    crit = card.criterion("comms.customers")
    assert crit.result == "not_evaluated"
    assert "the drill ended at T+00:08:20, before the customer-notification deadline (T+00:17:30)" in crit.explanation


@pytest.mark.parametrize(
    ("truth", "declared", "result", "cost"),
    [
        ("SEV1", ["SEV1"], "pass", 0.0),
        ("SEV2", ["SEV1"], "fail", 6.0),  # one level high: "if unsure, treat it as higher"
        ("SEV3", ["SEV1"], "fail", 12.0),  # two levels high
        ("SEV1", ["SEV2"], "fail", 15.0),  # too low, never raised: under costs more than over
        ("SEV1", ["SEV3"], "fail", 30.0),  # two levels too low
        ("SEV1", ["SEV2", "SEV1"], "partial", 7.5),  # too low, corrected: half the cost
        ("SEV1", [], "fail", 15.0),
    ],
)
def test_classification(
    truth: str, declared: list[str], result: str, cost: float, scenario: Scenario, playbook: Playbook
) -> None:
    sc = _as(scenario, truth)
    declarations = (step(200 + 400 * i, "declare", severity=s) for i, s in enumerate(declared))
    steps = plus(without(IDEAL, "declare"), *declarations)
    crit = grade(build(steps, sc), sc, playbook).criterion("classify.severity")
    assert (crit.result, crit.cost) == (result, cost)
    if truth == "SEV2":
        assert "when unsure, treat it as higher" in crit.explanation
    if len(declared) == 2:
        assert "corrected to SEV1 at T+00:10:30, so half the cost" in crit.explanation


def test_cadence_one_slip_is_partial(scenario: Scenario, playbook: Playbook) -> None:
    # The first update lands at T+00:06:50, so the next is due at T+00:21:50; it lands at T+00:25:30.
    steps = moved(IDEAL, "post_update", m(24), text="Mitigated; monitoring.")
    crit = grade(build(steps, scenario), scenario, playbook).criterion("comms.internal_cadence")
    assert crit.result == "partial"
    assert "2 internal updates; overdue 1 time, worst by 3m40s from T+00:21:50" in crit.explanation


def test_score_arithmetic_pass_mark_and_letter(scenario: Scenario, playbook: Playbook) -> None:
    card = grade(build(without(IDEAL, "brief_support"), scenario), scenario, playbook, pass_mark=99.5)
    # Speed and noise add 10 each (speed costs 3 here), what the internal updates said 5.
    assert (card.points, card.max_points) == (217, 225)
    assert card.score == 96.4
    assert not card.passed  # the pass mark is the caller's
    assert card.letter == "A"
    assert [letter_for(s) for s in (90, 89.9, 80, 70, 60, 59.9, 0)] == ["A", "B", "B", "C", "D", "F", "F"]
    assert sum(c.points for c in card.by_category) == card.points


def test_kpis_against_targets(ideal: ScoreCard) -> None:
    k = {x.id: x for x in ideal.kpis}
    assert (k["mtta"].value, k["mtta"].target, k["mtta"].met) == (40.0, 300.0, True)
    # The playbook sets no identify target: MTTI has none, and never borrows the response target.
    assert (k["mtti"].value, k["mtti"].target, k["mtti"].met) == (530.0, None, None)
    assert (k["mttm"].value, k["mttm"].target_name) == (670.0, "mitigation")
    assert (k["mttr"].value, k["mttr"].met) == (1380.0, True)


def test_kpi_never_reached_is_missed(scenario: Scenario, playbook: Playbook) -> None:
    card = grade(build(without(IDEAL, "resolve"), scenario), scenario, playbook)
    mttr = next(k for k in card.kpis if k.id == "mttr")
    assert mttr.value is None and mttr.met is False


def test_breakdown_by_actor_and_role(ideal: ScoreCard) -> None:
    people = {p.who: p for p in ideal.by_actor}
    assert set(people) == {"dana", "erin"}
    assert "comms.customers" in people["erin"].criteria
    assert "comms.customers" not in people["dana"].criteria
    assert "mitigate.fix" in people["dana"].criteria
    roles = {p.who: p for p in ideal.by_role}
    assert set(roles) == {"ic", "comms"}
    assert roles["comms"].points == roles["comms"].max_points == 55


def test_facilitator_actions_do_not_count(scenario: Scenario, playbook: Playbook) -> None:
    record = build(without(IDEAL, "brief_support"), scenario)
    by_facilitator = CommsSent(t=460.0, channel="support", text="", state=None, actor=FACILITATOR, role=None)
    events = tuple(sorted((*record.events, by_facilitator), key=lambda e: e.t))
    crit = grade(DrillRecord(record.header, events), scenario, playbook).criterion("comms.support")
    assert crit.result == "fail"


def test_grade_is_pure_and_deterministic(scenario: Scenario, playbook: Playbook) -> None:
    record = build(IDEAL, scenario)
    assert grade(record, scenario, playbook) == grade(record, scenario, playbook)


def test_mismatched_inputs_are_refused(scenario: Scenario, playbook: Playbook) -> None:
    record = build(IDEAL, scenario)
    other = record._replace(header=record.header._replace(scenario="something-else"))
    with pytest.raises(ValueError, match="something-else"):
        grade(other, scenario, playbook)
    with pytest.raises(ValueError, match="not on playbook"):
        grade(record, _as(scenario, "SEV9"), playbook)


def test_resolving_before_the_metrics_held_or_while_unhealthy_fails_and_costs(
    scenario: Scenario, playbook: Playbook
) -> None:
    # The fix lands at T+00:13:40 and the metrics are healthy from T+00:15:40; the playbook wants 10m of that.
    hasty = moved(IDEAL, "resolve", m(18))  # resolved at T+00:18:30, healthy for 2m50s
    crit = grade(build(hasty, scenario), scenario, playbook).criterion("close.verified")
    assert crit.result == "fail" and crit.cost == 7.0
    assert "after the metrics had held healthy for only 2m50s" in crit.explanation
    rash = moved(IDEAL, "resolve", m(14))  # resolved at T+00:14:30, metrics still recovering
    crit = grade(build(rash, scenario), scenario, playbook).criterion("close.verified")
    assert crit.result == "fail"
    assert "while the metrics were still unhealthy" in crit.explanation


def test_a_late_first_status_page_post_is_not_penalised_twice(scenario: Scenario, playbook: Playbook) -> None:
    late = moved(IDEAL, "status_page", m(12), state="investigating")
    card = grade(build(late, scenario), scenario, playbook)
    assert card.criterion("comms.status_page_first").result == "partial"
    assert card.criterion("comms.status_page_cadence").result == "pass"


def test_mitigation_that_did_not_hold_does_not_count(scenario: Scenario, playbook: Playbook) -> None:
    record = build(IDEAL, scenario)
    relapse = (
        FaultStarted(t=900.0, fault="pool_leak", label="Connection pool leak"),
        StatusChanged(t=900.0, status="investigating", previous="mitigated"),
        FaultResolved(t=1000.0, fault="pool_leak", label="Connection pool leak", by="kill_idle"),
    )
    events = tuple(sorted((*record.events, *relapse), key=lambda e: e.t))
    card = grade(DrillRecord(record.header, events), scenario, playbook)
    assert next(k for k in card.kpis if k.id == "mttm").at == 1000.0


def test_the_pager_counts_as_paging_its_own_levels(scenario: Scenario, playbook: Playbook) -> None:
    # The first page reaches the chain's first level (the trainee); nobody has to page them again.
    first = playbook.escalation.chain[0].contact
    sev = playbook.severity(scenario.truth.severity)
    pb = playbook.model_copy(update={"severities": [
        s.model_copy(update={"page": [first]}) if s.id == sev.id else s for s in playbook.severities]})  # fmt: skip
    record = build(IDEAL, scenario)
    assert not any(isinstance(e, PageSent) and e.contact == first for e in record.events)
    assert grade(record, scenario, pb).criterion("escalate.paging").result == "pass"


def test_cadence_ignores_an_update_still_carrying_template_blanks(scenario: Scenario, playbook: Playbook) -> None:
    # The second update (T+00:20:00) is sent as the template came: it keeps nobody informed, so the clock runs
    # on from the first (T+00:05:20) and the cadence slips; filled in, the same update keeps it.
    def second_update(text: str) -> tuple[Step, ...]:
        second = [s for s in IDEAL if s.do == "post_update"][1]
        return tuple(replace(s, params={"text": text}) if s is second else s for s in IDEAL)

    filled = grade(build(second_update("Mitigated; monitoring."), scenario), scenario, playbook)
    template = grade(build(second_update("Status: [STATUS]. Next update at [TIME]."), scenario), scenario, playbook)
    assert filled.criterion("comms.internal_cadence").result == "pass"
    crit = template.criterion("comms.internal_cadence")
    assert crit.result != "pass"
    assert "1 internal update still had template blanks and did not count" in crit.explanation
