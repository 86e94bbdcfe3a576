"""Pure formatting: clocks, values, time left, feed lines, and the threshold-aware chart."""

from __future__ import annotations

import pytest

from sim.engine.state import TimerView
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.events import (
    FACILITATOR,
    ActionFinished,
    ActionStarted,
    Alert,
    AnyEvent,
    ClueRevealed,
    FacilitatorHint,
    FacilitatorInjectNow,
    FacilitatorJump,
    FacilitatorNote,
    FacilitatorSay,
    FaultStarted,
    Inject,
    SeverityDeclared,
    StatusChanged,
)
from tui.formatting import FeedItem, Names, describe, number, quantity, time_left
from tui.widgets.feed import FeedFilter
from tui.widgets.metrics import buckets, chart, level_of
from tui.widgets.panels import Row, fit, timer_rows


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0, "00:00"), (59.2, "01:00"), (61, "01:01"), (3600, "1:00:00"), (-0.5, "-00:00"), (-190, "-03:10")],
)
def test_time_left(seconds: float, shown: str) -> None:
    assert time_left(seconds) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [(7.6789, "%", "7.68%"), (12.34, "%", "12.3%"), (1475.2, "ms", "1,475 ms"), (250, "$", "$250"), (3, "", "3.00")],
)
def test_quantity(value: float, unit: str, shown: str) -> None:
    assert quantity(value, unit) == shown


def test_number_never_shows_more_than_two_decimals() -> None:
    assert number(0.123456) == "0.12"


@pytest.fixture
def names(scenario: Scenario, playbook: Playbook) -> Names:
    return Names.build(scenario, playbook, {"support_lead": "Sam Rivers"})


def test_alert_line_names_the_metric_with_units(names: Names) -> None:
    item = describe(Alert(t=130, metric="error_rate", level="critical", value=7.5, threshold=5, previous="warn"), names)
    assert item == FeedItem(130, "alert", "Error rate critical: 7.50% (threshold 5.00%)")


def test_inject_text_is_kept_literally(names: Names) -> None:
    text = "HighErrorRate [bold]x[/] $accent"
    item = describe(
        Inject(t=60, id="ping", inject_kind="chat", sender="support_lead", text=text, sender_title=""), names
    )
    assert item is not None
    assert item.text == f"Sam Rivers: {text}"
    # The rendered Content keeps every bracket: nothing was read as markup.
    assert item.content().plain.endswith(text)


def test_hidden_faults_never_reach_the_feed(names: Names) -> None:
    assert describe(FaultStarted(t=60, fault="bad-config", label="Bad config"), names) is None


def test_investigation_result_is_a_clue_and_the_duplicate_reveal_is_dropped(names: Names) -> None:
    finished = ActionFinished(t=300, action="investigate", label="Investigate", params={"target": "deploys"},
                              actor="me", role=None, started_at=120, result="v2.4.1 diff")  # fmt: skip
    assert describe(finished, names) == FeedItem(300, "clue", "Looked at deploys: v2.4.1 diff")
    revealed = ClueRevealed(t=300, clue="deploy-diff", text="v2.4.1 diff", root_cause=True, by="investigate")
    assert describe(revealed, names) is None
    by_action = ClueRevealed(t=300, clue="deploy-diff", text="v2.4.1 diff", root_cause=True, by="rollback")
    assert describe(by_action, names) == FeedItem(300, "clue", "Found: v2.4.1 diff")


def test_action_lines_use_readable_names(names: Names) -> None:
    started = ActionStarted(t=10, action="assign_role", label="Assign a role", params={"role": "ic", "who": "me"},
                            actor="me", role=None, finishes_at=40)  # fmt: skip
    assert describe(started, names) == FeedItem(10, "action", "Started: Assign a role (Incident Commander, me)")
    declared = SeverityDeclared(t=20, severity="SEV-2", previous="SEV-1", actor="me", role=None)
    assert describe(declared, names) == FeedItem(20, "action", "Severity declared: SEV-2 Major (was SEV-1)")


def test_feed_filter_by_category_and_text() -> None:
    alert = FeedItem(1, "alert", "Error rate critical")
    chat = FeedItem(2, "message", "Sam: customers are angry")
    only_messages = FeedFilter(frozenset({"message"}))
    assert not only_messages.admits(alert) and only_messages.admits(chat)
    angry = FeedFilter(text="ANGRY")
    assert angry.admits(chat) and not angry.admits(alert)
    assert not FeedFilter().active and angry.active


def test_level_of_respects_direction() -> None:
    assert level_of(6, 2, 5, "up") == "critical"
    assert level_of(3, 2, 5, "up") == "warn"
    assert level_of(96, 99, 95, "down") == "warn"
    assert level_of(99.9, 99, 95, "down") == "ok"


def test_buckets_keep_the_worst_sample() -> None:
    assert buckets([1, 9, 1, 1], 2, "up") == [9, 1]
    assert buckets([1, 9, 1, 1], 2, "down") == [1, 1]
    assert buckets([1, 2], 5, "up") == [1, 2]


def test_chart_keeps_healthy_noise_flat_and_pads_short_history() -> None:
    healthy = chart([0.4, 0.5, 0.45, 0.5], 6, 2, 5, "up").plain
    assert healthy == "  ▁▁▁▁"  # the scale reaches the critical threshold, so noise stays on the floor
    spike = chart([0.5, 5.0], 2, 2, 5, "up").plain
    assert spike == "▁█"


def test_chart_is_as_tall_as_asked() -> None:
    rows = chart([0, 10], 2, 2, 5, "up", height=3).plain.split("\n")
    assert rows == [" █", " █", "▁█"]


def test_row_fits_the_width_and_cuts_the_label() -> None:
    assert fit(Row("Acknowledge", "03:00"), 20).plain == "Acknowledge    03:00"
    assert fit(Row("A very long timer label", "03:00"), 14).plain == "A very…  03:00"


def test_timer_rows_show_live_timers_most_urgent_first() -> None:
    timers = (
        TimerView("b", "Internal update", "cadence", 0, 1800, "running"),
        TimerView("a", "Acknowledge", "sla", 0, 300, "overdue"),
        TimerView("c", "Done already", "sla", 0, 100, "met"),
    )
    rows = timer_rows(timers, now=400)
    assert rows == (Row("Acknowledge", "-01:40 late", "overdue"), Row("Internal update", "23:20", "running"))


def test_before_a_declaration_the_panel_says_which_level_it_times_once() -> None:
    timers = (
        TimerView("sla.response", "First response (SEV1 until declared)", "sla", 0, 300, "running"),
        TimerView("matrix.SEV1.1", "SEV1 open 1h: CTO (until declared)", "matrix", 0, 3600, "running"),
    )
    rows = timer_rows(timers, now=100, provisional="SEV1")
    assert [r.label for r in rows] == [
        "Timing as SEV1 until declared",
        "(if unsure, treat it as higher)",
        "First response",
        "SEV1 open 1h: CTO",
    ]
    assert timer_rows(timers[:0], now=100, provisional="SEV1") == ()


def test_a_finished_chart_can_stretch_over_the_width() -> None:
    assert chart([0, 10], 4, 2, 5, "up", stretch=True).plain == "▁▁██"


@pytest.mark.parametrize(
    "event",
    [
        FacilitatorHint(t=60, actor=FACILITATOR, text="Check the deploys"),
        FacilitatorSay(t=60, actor=FACILITATOR, sender="cto", text="Status?", inject_kind="exec_ping"),
        FacilitatorInjectNow(t=60, actor=FACILITATOR, inject="support-ping"),
        FacilitatorNote(t=60, actor=FACILITATOR, text="Missed the status page"),
    ],
)
def test_facilitator_inputs_reach_the_feed_only_as_what_they_make(names: Names, event: AnyEvent) -> None:
    # The hint, message and early inject are shown once, as their `inject` event; a note is the debrief's.
    assert describe(event, names) is None


def test_a_clock_jump_says_how_far(names: Names) -> None:
    item = describe(FacilitatorJump(t=60, actor=FACILITATOR, dt=420.0), names)
    assert item == FeedItem(60, "system", "The facilitator moved the clock on by 7m")


def test_a_premature_resolve_and_the_reopening_say_what_happened(names: Names) -> None:
    early = describe(StatusChanged(t=60, status="resolved", previous="investigating", early=True), names)
    assert early is not None and "too early" in early.text and "reopens if the alarm fires again" in early.text
    held = describe(StatusChanged(t=60, status="resolved", previous="mitigated", early=False), names)
    assert held == FeedItem(60, "system", "Incident status: mitigated → resolved")
    back = describe(StatusChanged(t=90, status="investigating", previous="resolved"), names)
    assert back == FeedItem(90, "system", "Incident reopened: the alarm fired again (resolved → investigating)")
