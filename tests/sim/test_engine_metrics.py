"""Metric models: each fault shape moves a noise-free metric exactly as documented, alerts fire at the
sample where a threshold is crossed, hysteresis stops flapping, cumulative metrics add up."""

from __future__ import annotations

import statistics

import pytest

from sim.engine.drill import Drill
from sim.engine.metrics import HISTORY
from sim.journal.events import Alert
from tests.sim.engine_fixtures import QUIET, mini, of, playbook


def run(scenario, until: float = 3600.0) -> Drill:
    drill = Drill(scenario, playbook())
    drill.advance_to(until)
    return drill


def value_at(drill: Drill, t: float, metric: str = "m") -> float:
    return dict(drill.series(metric))[t]


def alerts(drill: Drill, metric: str = "m") -> list[tuple[float, str]]:
    return [(e.t, e.level) for e in of(drill.events, Alert, metric=metric)]


def test_step_jumps_at_the_fault_start() -> None:
    drill = run(mini([{"metric": "m", "shape": "step", "by": 15}]))
    assert value_at(drill, 590) == 10
    assert value_at(drill, 600) == 25
    assert value_at(drill, 3000) == 25
    assert alerts(drill) == [(600.0, "warn")]


def test_step_to_is_measured_from_the_baseline() -> None:
    drill = run(mini([{"metric": "m", "shape": "step", "to": 45}]))
    assert value_at(drill, 600) == 45
    assert alerts(drill) == [(600.0, "critical")]


def test_ramp_moves_linearly_over_its_span() -> None:
    drill = run(mini([{"metric": "m", "shape": "ramp", "by": 40, "over": "10m"}]))
    assert value_at(drill, 900) == pytest.approx(30)  # halfway
    assert value_at(drill, 1200) == 50
    assert value_at(drill, 2400) == 50  # and stays there
    # warn at +150 s (10 + 10 = 20), critical at +450 s (10 + 30 = 40)
    assert alerts(drill) == [(750.0, "warn"), (1050.0, "critical")]


def test_a_shape_ending_between_two_samples_does_not_overshoot() -> None:
    """A ramp settles (and a spike ends) at 95 s, between the samples at 90 s and 100 s: the sample after
    reads the settled value, not the old line carried on past its end."""
    ramp = run(mini([{"metric": "m", "shape": "ramp", "by": 40, "over": "95s"}]))
    assert value_at(ramp, 690) == pytest.approx(10 + 40 * 90 / 95)
    assert value_at(ramp, 700) == 50
    spike = run(mini([{"metric": "m", "shape": "spike", "by": 40, "over": "95s"}]))
    assert value_at(spike, 690) == pytest.approx(10 + 40 * 5 / 95)
    assert value_at(spike, 700) == 10


def test_spike_jumps_then_decays_back_and_alerts_clear_with_hysteresis() -> None:
    drill = run(mini([{"metric": "m", "shape": "spike", "by": 40, "over": "5m"}]))
    assert value_at(drill, 600) == 50
    assert value_at(drill, 900) == 10
    # Critical holds while within 2 (10% of the warn-critical gap) of 40: until +90 s; warn until +240 s. Each
    # fall is announced once the value has stayed below the line for 20 s (CLEAR_AFTER).
    assert alerts(drill) == [(600.0, "critical"), (720.0, "warn"), (870.0, "clear")]


def test_drift_keeps_moving_without_bound() -> None:
    drill = run(mini([{"metric": "m", "shape": "drift", "by": 5, "over": "1m"}]))
    assert value_at(drill, 720) == 20
    assert value_at(drill, 3000) == 210
    assert alerts(drill) == [(720.0, "warn"), (960.0, "critical")]


def test_recover_fades_everything_back_to_baseline() -> None:
    scenario = mini(
        faults=[
            {"id": "f", "label": "Up", "start": "10m", "effects": [{"metric": "m", "shape": "step", "by": 25}]},
            {
                "id": "g",
                "label": "Heals",
                "start": "20m",
                "effects": [{"metric": "m", "shape": "recover", "over": "5m"}],
            },
        ]
    )
    drill = run(scenario)
    assert value_at(drill, 1200) == 35
    assert value_at(drill, 1350) == pytest.approx(22.5)  # halfway through the fade
    assert value_at(drill, 1500) == 10
    # Clearing needs the value under 18 (warn minus the hysteresis band): 70% of the way, at +210 s, and
    # for 20 s.
    assert alerts(drill) == [(600.0, "warn"), (1430.0, "clear")]


def test_hysteresis_stops_a_value_hovering_at_the_threshold_from_flapping() -> None:
    scenario = mini(
        faults=[
            {"id": "f", "label": "Up", "start": "10m", "effects": [{"metric": "m", "shape": "step", "by": 11}]},
            {"id": "g", "label": "Dip", "start": "12m", "effects": [{"metric": "m", "shape": "step", "by": -2}]},
            {"id": "h", "label": "Down", "start": "14m", "effects": [{"metric": "m", "shape": "step", "by": -2}]},
        ]
    )
    drill = run(scenario)
    assert value_at(drill, 720) == 19  # under warn, but inside the band: still warn
    assert alerts(drill) == [(600.0, "warn"), (860.0, "clear")]


def test_one_sample_below_the_line_is_not_a_recovery() -> None:
    """Critical, then one sample (T+12:00) well under warn, then critical again: no clear and no new alert."""
    scenario = mini(
        faults=[
            {"id": "f", "label": "Up", "start": "10m", "effects": [{"metric": "m", "shape": "step", "by": 35}]},
            {"id": "g", "label": "Dip", "start": "12m", "effects": [{"metric": "m", "shape": "step", "by": -35}]},
            {"id": "h", "label": "Back", "start": "725s", "effects": [{"metric": "m", "shape": "step", "by": 35}]},
        ]
    )
    drill = run(scenario)
    assert value_at(drill, 720) == 10
    assert alerts(drill) == [(600.0, "critical")]


def test_a_quick_recovery_clears_straight_from_critical_with_a_healthy_value() -> None:
    """45, then 27.5 (warn) at T+20:10 and 10 from T+20:20: 20 s at or below ok comes at T+20:40, before 20 s
    at warn could be announced with a value that is no longer warn."""
    scenario = mini(
        faults=[
            {"id": "f", "label": "Up", "start": "10m", "effects": [{"metric": "m", "shape": "step", "by": 35}]},
            {
                "id": "g",
                "label": "Heal",
                "start": "20m",
                "effects": [{"metric": "m", "shape": "recover", "over": "20s"}],
            },
        ]
    )
    drill = run(scenario)
    assert [value_at(drill, t) for t in (1200, 1210, 1220)] == [45, 27.5, 10]
    assert [(e.t, e.level, e.value) for e in of(drill.events, Alert, metric="m")] == [
        (600.0, "critical", 45),
        (1240.0, "clear", 10),
    ]


@pytest.mark.parametrize(("every", "announced"), [("10s", 20.0), ("30s", 30.0), ("1m", 60.0)])
def test_a_clear_waits_for_twenty_seconds_of_samples_and_at_least_two(every: str, announced: float) -> None:
    sampled = {**QUIET, "sample_every": every}
    scenario = mini(
        faults=[
            {"id": "f", "label": "Up", "start": "10m", "effects": [{"metric": "m", "shape": "step", "by": 15}]},
            {"id": "g", "label": "Down", "start": "20m", "effects": [{"metric": "m", "shape": "step", "by": -15}]},
        ],
        metrics=[sampled],
    )
    assert alerts(run(scenario)) == [(600.0, "warn"), (1200.0 + announced, "clear")]


def test_a_noisy_metric_parked_at_its_threshold_does_not_flap() -> None:
    """queue-backlog's worker slots: pinned at the ceiling, one sd of noise above critical. Samples fall under
    critical all the time; an hour of them moves the level up once or twice and never back down."""
    pinned = {**QUIET, "noise": 4, "warn": 90, "critical": 99, "baseline": 55, "maximum": 100}
    drill = run(mini([{"metric": "m", "shape": "ramp", "to": 100, "over": "2m"}], metrics=[pinned]), until=4200)
    values = [v for t, v in drill.series("m") if t >= 720]
    assert sum(v < 99 for v in values) > 100  # the noise does cross the threshold, often
    levels = [level for _, level in alerts(drill)]
    assert levels in (["warn", "critical"], ["critical"])


def test_lower_is_worse_metrics_alert_going_down() -> None:
    avail = {"id": "m", "label": "Avail", "baseline": 99.9, "noise": 0, "warn": 99.5, "critical": 99.0}
    avail["bad_when"] = "down"
    drill = run(mini([{"metric": "m", "shape": "step", "by": -0.6}], metrics=[avail]))
    assert [(t, lvl) for t, lvl in alerts(drill)] == [(600.0, "warn")]
    assert drill.state.metrics[0].level == "warn"


def test_cumulative_metric_adds_up_its_hourly_rate() -> None:
    cost = {**QUIET, "id": "m", "baseline": 60, "warn": 100, "critical": 500, "kind": "cumulative"}
    cost["sample_every"] = "1m"
    drill = run(mini([{"metric": "m", "shape": "step", "by": 540}], start="30m", metrics=[cost]))
    assert value_at(drill, 1800) == pytest.approx(30)  # $60/h for half an hour
    assert value_at(drill, 2400) == pytest.approx(130)  # then $600/h: +$100 in 10 minutes
    # 30 + 600 × 420 s / 3600 = 100: warn at T+37:00
    assert alerts(drill) == [(2220.0, "warn")]


def test_clamped_to_minimum_and_maximum() -> None:
    bounded = {**QUIET, "minimum": 0, "maximum": 30}
    drill = run(mini([{"metric": "m", "shape": "step", "by": 100}], metrics=[bounded]))
    assert value_at(drill, 600) == 30


def test_history_is_a_ring_buffer_and_series_is_the_whole_run() -> None:
    drill = run(mini(), until=7200.0)
    view = drill.state.metrics[0]
    series = drill.series("m")
    assert len(series) == 720  # every 10 s for two hours (T+2h itself runs in the next slice)
    assert series[0] == (0.0, 10.0)
    assert len(view.history) == HISTORY
    assert view.history == tuple(v for _, v in series[-HISTORY:])
    assert view.value == series[-1][1]


def test_noise_is_seeded_gaussian_around_the_baseline() -> None:
    noisy = {**QUIET, "noise": 1.0}
    drill = run(mini(metrics=[noisy], start="2h"), until=3600.0)
    values = [v for _, v in drill.series("m")]
    assert 9.8 < statistics.mean(values) < 10.2
    assert 0.9 < statistics.stdev(values) < 1.1  # the scenario's `noise` is the standard deviation
    # 4,096 quantiles of the normal distribution: a repeat is rare, a stuck or cycling series is not.
    assert len(set(values)) > 0.9 * len(values)
    within_one_sd = sum(abs(v - 10.0) < 1.0 for v in values) / len(values)
    assert 0.62 < within_one_sd < 0.74  # 68% for a normal distribution
