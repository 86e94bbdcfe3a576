"""What the reports say about metrics: labels and units rather than ids and raw floats, and the Impact table's
worst value (and when), not the value at the threshold crossing."""

from __future__ import annotations

import re

import pytest

from scoring.debrief import impact, timeline, worst_value
from scoring.grade import grade
from scoring.report_html import render_html
from scoring.report_md import render_markdown
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import Alert
from tests.scoring.builder import IDEAL, build, load_playbook, load_scenario


@pytest.fixture(scope="module")
def inputs() -> tuple[Scenario, Playbook]:
    return load_scenario(), load_playbook()


def with_alerts(record: DrillRecord, *alerts: Alert) -> DrillRecord:
    """The record with more alerts, kept in time order (ties keep the record's event first)."""
    events = sorted((*record.events, *alerts), key=lambda e: e.t)
    return DrillRecord(record.header, tuple(events))


def rising(start: float, peak: float, at: float, end: float) -> list[tuple[float, float]]:
    """Samples every 10 s up to `peak` at `at`, then straight back down to `start` by `end`."""
    out = []
    for t in range(0, int(end) + 1, 10):
        share = t / at if t <= at else max(0.0, 1 - (t - at) / (end - at))
        out.append((float(t), start + (peak - start) * share))
    return out


def test_the_worst_value_is_the_highest_sample_and_when_it_came(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, _ = inputs
    record = build(IDEAL, scenario)
    end = record.events[-1].t
    series = {"error_rate": rising(0.5, 11.76, 420.0, end), "db_connections": rising(40.0, 10083.33, 600.0, end)}
    rows = {m.metric: m for m in impact(record, scenario, series)}
    assert (rows["error_rate"].value, rows["error_rate"].first_at) == (6.1, 170.0)  # the crossing, as before
    assert (rows["error_rate"].peak, rows["error_rate"].peak_at) == (11.76, 420.0)
    assert worst_value(rows["error_rate"]) == ("11.8%", "T+00:07:00")
    assert worst_value(rows["db_connections"]) == ("10,083 conn", "T+00:10:00")
    assert worst_value(rows["availability"]) == ("—", "—")  # never alerted: no impact to report


def test_lower_is_worse_takes_the_lowest_sample(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, _ = inputs
    dip = Alert(t=200.0, metric="availability", level="warn", value=98.9, threshold=99.0, previous="ok")
    record = with_alerts(build(IDEAL, scenario), dip)
    samples = [(0.0, 99.9), (200.0, 98.9), (260.0, 96.25), (300.0, 97.0), (400.0, 99.9)]
    row = next(m for m in impact(record, scenario, {"availability": samples}) if m.metric == "availability")
    assert (row.worst, row.peak, row.peak_at) == ("warn", 96.25, 260.0)
    assert worst_value(row) == ("96.2%", "T+00:04:20")


def test_without_samples_the_worst_alerted_value_stands_in(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, _ = inputs
    later = Alert(t=300.0, metric="error_rate", level="critical", value=9.5, threshold=5.0, previous="critical")
    record = with_alerts(build(IDEAL, scenario), later)
    row = next(m for m in impact(record, scenario) if m.metric == "error_rate")
    assert (row.peak, row.peak_at) == (9.5, 300.0)


def test_alerts_read_with_labels_units_and_rounding(inputs: tuple[Scenario, Playbook]) -> None:
    scenario, playbook = inputs
    cleared = Alert(t=900.0, metric="error_rate", level="clear", value=0.4271, threshold=5.0, previous="critical")
    record = with_alerts(build(IDEAL, scenario), cleared)
    texts = [e.text for e in timeline(record, scenario, playbook) if e.kind == "alert"]
    assert texts == [
        "Alert (warn): DB connections at 81 conn (threshold 80 conn)",
        "Alert (critical): Error rate at 6.1% (threshold 5%)",
        "Alert cleared: Error rate back to 0.43%",
    ]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_no_metric_id_or_role_id_reaches_a_report(fmt: str, inputs: tuple[Scenario, Playbook]) -> None:
    scenario, playbook = inputs
    record = build(IDEAL, scenario)
    card = grade(record, scenario, playbook)
    series = {"error_rate": rising(0.5, 12.0, 420.0, record.events[-1].t)}
    text = (
        render_markdown(card, record, scenario, playbook, series)
        if fmt == "md"
        else render_html(card, record, scenario, playbook, series)
    )
    for metric in scenario.metrics:
        assert metric.id not in text.replace("db_connections above 80", ""), metric.id  # the page's own words
    assert "(ic)" not in text and "(comms)" not in text
    assert "dana (Incident Commander)" in text
    cells = re.sub(r"<[^>]+>", " | ", text)  # HTML table cells read like Markdown ones
    assert re.search(r"Error rate[ |]+critical[ |]+T\+00:02:50[ |]+12%[ |]+T\+00:07:00", cells)
