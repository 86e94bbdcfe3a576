"""The drill screen's pure parts: sparklines on a fixed scale, the recovery watch, the running strip's
packing, the metric labels' layout, and the actions menu's groups and marks."""

from __future__ import annotations

from typing import Any

import pytest

from sim.engine.actions import scenario_spec
from sim.engine.drill import Drill
from sim.engine.state import DrillState, MetricView, RunningAction
from sim.format.catalogue import STANDARD, ActionSpec
from tui.formatting import Names
from tui.modals.menus import GROUPS, entry_prompt, grouped, menu_entries
from tui.widgets.metrics import MetricRows, chart, scale_of, shown_value
from tui.widgets.panels import Running, pack, role_rows, watch_row


def view(**changes: Any) -> MetricView:
    base = MetricView("rpm", "Readings per minute", "/min", 400.0, "ok", 300.0, 100.0, "down", (), 400.0)
    return base._replace(**changes)


# ------------------------------------------------------------------ sparklines


def test_a_flat_metric_draws_flat_whatever_its_noise() -> None:
    # Issue 22: scaled to the window, a flat 400/min (stuck past its critical threshold, so the threshold no
    # longer stretched the range) drew its noise as "▅▆▃█▅▃█".
    noisy = [400 + d for d in (3, 5, -2, 8, 4, -1, 7)]
    flat = view(history=tuple(noisy), baseline=1000.0, warn=800.0, critical=500.0)
    assert len(set(chart(noisy, 7, flat.warn, flat.critical, flat.bad_when).plain)) > 3  # the old, fitted scale
    drawn = chart(noisy, 7, flat.warn, flat.critical, flat.bad_when, scale=scale_of(flat)).plain
    assert drawn == "▂▂▂▂▂▂▂"
    healthy = view(history=tuple(noisy))
    assert chart(noisy, 7, 300.0, 100.0, "down", scale=scale_of(healthy)).plain == "███████"  # the top: healthy


def test_the_scale_runs_from_healthy_to_past_critical() -> None:
    up = view(bad_when="up", baseline=0.5, warn=2.0, critical=5.0, minimum=0.0, maximum=100.0)
    assert scale_of(up) == (0.5, 7.25)  # half as far again past critical
    down = view(baseline=99.9, warn=99.0, critical=95.0, maximum=100.0)
    assert scale_of(down) == pytest.approx((92.55, 99.9))
    clamped = view(bad_when="up", baseline=40.0, warn=80.0, critical=95.0, maximum=100.0)
    assert scale_of(clamped) == (40.0, 100.0)  # a percentage stops at 100
    total = view(bad_when="up", baseline=3.0, warn=10.0, critical=20.0, cumulative=True, minimum=0.0)
    assert scale_of(total) == (0.0, 30.0)  # a running total starts at zero, whatever its rate


def test_on_the_fixed_scale_the_critical_threshold_sits_at_the_same_height() -> None:
    up = view(bad_when="up", baseline=0.0, warn=2.0, critical=6.0)
    bars = chart([0.0, 2.0, 6.0, 9.0, 50.0], 5, 2.0, 6.0, "up", scale=scale_of(up)).plain
    assert bars == "▁▃▆██"  # critical two thirds up; anything past the scale at the top
    tall = chart([0.0, 6.0], 2, 2.0, 6.0, "up", height=3, scale=scale_of(up)).plain.split("\n")
    assert tall == ["  ", " █", "▁█"]


# -------------------------------------------------------------- recovery watch


@pytest.fixture
def state(drill: Drill) -> DrillState:
    return drill.state


def test_the_watch_appears_once_mitigated_and_counts_healthy_minutes(state: DrillState) -> None:
    assert state.monitoring_period == 300.0  # the fixture playbook's monitoring_period: 5m
    assert watch_row(state) is None  # nothing fixed yet
    mitigated = state._replace(status="mitigated", now=1000.0, healthy_since=830.0)
    assert watch_row(mitigated) == ("Recovery watch", "healthy 2m of 5m", "ok")  # whole minutes held
    assert watch_row(mitigated._replace(healthy_since=280.0)) == ("Recovery watch", "healthy 12m (5m needed)", "ok")
    assert watch_row(mitigated._replace(healthy_since=None)) == ("Recovery watch", "not healthy · needs 5m", "warning")
    resolved = mitigated._replace(status="resolved", healthy_since=940.0)
    assert watch_row(resolved) == ("Recovery watch", "healthy 1m of 5m", "ok")
    assert watch_row(resolved._replace(finished=True)) is None


def test_a_resolve_on_unhealthy_metrics_is_a_warning_not_good_news(drill: Drill, state: DrillState) -> None:
    names = Names.build(drill.scenario, drill.playbook, {})

    def status(s: DrillState) -> tuple[str, str]:
        row = role_rows(s, drill.playbook, names)[1]
        return row.value, row.level

    assert status(state._replace(status="resolved", healthy_since=None)) == ("resolved", "warning")
    assert status(state._replace(status="resolved", healthy_since=940.0)) == ("resolved", "ok")
    assert status(state._replace(status="mitigated", healthy_since=None)) == ("mitigated", "ok")  # still recovering
    assert status(state._replace(status="resolved", healthy_since=None, finished=True)) == ("resolved", "ok")


def test_the_state_tells_the_watch_what_the_engine_knows(drill: Drill) -> None:
    drill.advance(60)
    drill.act("rollback")
    drill.advance(900)
    state = drill.state
    since = state.healthy_since
    assert state.status == "mitigated" and since is not None
    assert since == drill.healthy_since and since < state.now
    drill.act("restart")  # harmful: availability drops past critical again
    drill.advance(150)
    assert drill.state.healthy_since is None  # the watch starts over


# --------------------------------------------------------------- running strip


def test_the_strip_wraps_and_never_drops_a_running_action() -> None:
    items = [Running(label, "01:00") for label in ("Investigate", "Brief executives", "Update the status page", "Page")]
    lines = pack(items, 50)
    assert [len(line) for line in lines] == [2, 2]
    assert [cell.plain for line in lines for cell in line] == [
        "▸ Investigate 01:00",
        "▸ Brief executives 01:00",
        "▸ Update the status page 01:00",
        "▸ Page 01:00",
    ]
    assert len(pack(items, 200)) == 1
    assert pack([Running("A label far too long for the strip", "01:00")], 20)[0][0].plain == "▸ A label far… 01:00"


# --------------------------------------------------------------- metric labels


def test_labels_get_the_room_or_lines_of_their_own() -> None:
    rows = MetricRows([view(), view(id="x", label="Searches with no results")])
    one_line = rows.layout_at(50)
    assert one_line.column == len("Searches with no results")  # the longest label, whole
    assert one_line.labels == {"rpm": ["Readings per minute"], "x": ["Searches with no results"]}
    long = MetricRows([view(), view(id="x", label="Contacts written blank by enrichment-sync (since T+0)")])
    stacked = long.layout_at(50)
    assert stacked.column == 0  # a label line (or two), then the chart and value
    assert stacked.labels["x"] == ["Contacts written blank by enrichment-sync (since", "T+0)"]
    assert [stacked.height(m) for m in ("rpm", "x")] == [2, 3]
    narrow = long.layout_at(32)  # narrow: cut, never wrapped, one line each
    assert (narrow.column, narrow.labels) == (12, {"rpm": ["Readings pe…"], "x": ["Contacts wr…"]})


# ---------------------------------------------------------------- actions menu


@pytest.fixture
def specs(drill: Drill) -> list[ActionSpec]:
    return [*STANDARD, *(scenario_spec(a) for a in drill.scenario.actions)]


def test_the_menu_groups_neutrally(drill: Drill, specs: list[ActionSpec]) -> None:
    drill.advance(120)
    groups = grouped(menu_entries(specs, drill.state))
    assert [title for title, _ in groups] == [title for _, title in GROUPS]
    by_title = {title: [e.spec.id for e in entries] for title, entries in groups}
    assert by_title["Investigate"] == ["investigate"]
    # The scenario's actions, alphabetically by label: the fix is not first because it is the fix.
    assert by_title["Mitigate"] == ["restart", "rollback"]
    assert by_title["Coordinate"][:2] == ["acknowledge", "assign_role"]
    assert "verify" not in {e.spec.id for _, entries in groups for e in entries}  # locked until the rollback


def test_the_menu_marks_done_and_running_in_place(drill: Drill, specs: list[ActionSpec]) -> None:
    drill.advance(120)
    before = [e.spec.id for e in menu_entries(specs, drill.state)]
    drill.act("acknowledge")
    drill.act("open_channel")
    drill.advance(40)
    drill.act("investigate", target="logs")
    drill.advance(20)
    entries = {e.spec.id: e for e in menu_entries(specs, drill.state)}
    assert list(entries) == before  # nothing moved
    assert entries["acknowledge"].status == "spent"  # done, and cannot be done again
    assert entries["open_channel"].status == "done"
    assert entries["investigate"].status == "running"
    assert entry_prompt(entries["investigate"]).plain == "▸ Investigate  running, 02:40 left"
    assert entry_prompt(entries["open_channel"]).plain == "✓ Open the incident channel  30s · done before"
    assert entry_prompt(entries["acknowledge"]).plain == "✓ Acknowledge the page  done"
    assert entry_prompt(entries["rollback"]).plain == "  Roll back api-gateway to v2.4.0  3m"


def test_the_refusals_are_the_engines(drill: Drill) -> None:
    assert drill.state.refusals["resolve"] == "there is no incident to resolve yet"
    drill.advance(120)
    drill.act("assign_role", role="ic", who="me")
    state = drill.state
    assert state.refusals["assign_role"].startswith("Assign a role is already under way")
    assert "resolve" not in state.refusals
    every = {s.id for s in STANDARD} | {"rollback", "restart", "verify"}
    assert {s.id for s in drill.available_actions()} == every - set(state.refusals)


def test_running_actions_reach_the_state(drill: Drill) -> None:
    drill.advance(120)
    drill.act("investigate", target="logs")
    assert drill.state.running == (RunningAction("investigate", "Investigate", 120.0, 300.0, "Alex", None),)


def test_a_unit_the_label_already_says_is_left_out_of_the_value_column() -> None:
    contacts = view(label="Contacts written blank by enrichment-sync (since T+0)", unit="contacts")
    assert shown_value(contacts, 84000) == "84,000"
    assert shown_value(view(label="Pod restarts (last 15 min)", unit="restarts"), 3) == "3.00"
    assert shown_value(view(label="Search p95 latency", unit="ms"), 1225) == "1,225 ms"
    assert shown_value(view(label="Replica lag", unit="s"), 12) == "12.0 s"  # a symbol, not a word
    assert shown_value(view(), 400) == "400 /min"
