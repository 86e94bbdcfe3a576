"""Side panels built from (label, value, level) rows (the timers with the recovery watch, roles & severity),
and the strip of actions in progress."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from textual.app import RenderResult
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget

from sim.engine.state import DrillState, TimerView
from sim.format.durations import format_duration
from sim.format.playbook import Playbook
from tui.formatting import Names, time_left

_STYLE = {
    "": "",
    "ok": "$success",
    "muted": "$text-muted",
    "warning": "$warning",
    "overdue": "bold $error",
    "running": "$foreground",
    "accent": "bold $accent",
}


class Row(NamedTuple):
    label: str
    value: str
    level: str = ""  # a key of _STYLE


def fit(row: Row, width: int) -> Content:
    """Label left, value right, the label cut with an ellipsis when the panel is narrow."""
    value = row.value
    room = max(0, width - cell_len(value) - 1) if value else width
    label = row.label if cell_len(row.label) <= room else set_cell_size(row.label, max(0, room - 1)).rstrip() + "…"
    gap = " " * max(1, width - cell_len(label) - cell_len(value)) if value else ""
    style = _STYLE[row.level]
    return Content.assemble((label, style if row.level in ("overdue", "warning") else ""), gap, (value, style))


class RowList(Widget):
    """Rows fitted to the panel's width at render time, so a resize re-fits them without new data."""

    rows: reactive[tuple[Row, ...]] = reactive(tuple)
    """What to show; assigning an equal tuple does not repaint."""
    empty: reactive[str] = reactive("")
    """Shown dimmed when there are no rows."""

    def __init__(self, *, id: str | None = None, classes: str | None = None, title: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = title or None  # a side panel's title sits in its own border

    def watch_rows(self, old: tuple[Row, ...], new: tuple[Row, ...]) -> None:
        # Time left changes every tick but the height only when a row comes or goes: lay out only then.
        if len(old) != len(new):
            self.refresh(layout=True)

    def render(self) -> RenderResult:
        if not self.rows:
            return Content.assemble((self.empty, "$text-muted"))
        width = self.size.width
        return Content("\n").join(fit(row, width) for row in self.rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(self.rows))


def timer_rows(timers: Sequence[TimerView], now: float, provisional: str | None = None) -> tuple[Row, ...]:
    """Running, warning and overdue timers, most urgent first.

    `provisional` is the level the clocks follow while no severity is declared (the playbook's most severe):
    the panel says so once, at the top, instead of cutting the same "(SEV1 until declared)" off every label.
    """
    live = [t for t in timers if t.state in ("running", "warning", "overdue")]
    live.sort(key=lambda t: (t.deadline, t.id))
    rows = []
    tags = (f" ({provisional} until declared)", " (until declared)") if provisional else ()
    for timer in live:
        left = timer.left(now)
        label = timer.label
        for tag in tags:
            label = label.removesuffix(tag)
        if timer.state == "overdue" or left < 0:
            rows.append(Row(label, f"{time_left(left)} late", "overdue"))
        elif timer.state == "warning":
            rows.append(Row(label, time_left(left), "warning"))
        else:
            rows.append(Row(label, time_left(left), "running"))
    if provisional and any(t.label.endswith("until declared)") for t in live):
        head = (
            Row(f"Timing as {provisional} until declared", "", "warning"),
            Row("(if unsure, treat it as higher)", "", "muted"),
        )
        return (*head, *rows)
    return tuple(rows)


def role_rows(state: DrillState, playbook: Playbook, names: Names) -> tuple[Row, ...]:
    """Severity and status first, then every assigned role and every role the severity requires."""
    severity = state.severity
    rows = [
        Row("Severity", names.severity(severity) if severity else "undeclared", "accent" if severity else "warning"),
        Row("Status", state.status, _status_style(state)),
    ]
    required: list[str] = []
    if severity and any(s.id == severity for s in playbook.severities):
        required = list(playbook.severity(severity).roles_required)
    shown = list(state.roles) + [r for r in required if r not in state.roles]
    for role in shown:
        who = state.roles.get(role)
        rows.append(Row(names.role(role), names.person(who) if who else "unassigned", "" if who else "warning"))
    return tuple(rows)


def _status_style(state: DrillState) -> str:
    """Green once mitigated or resolved; a resolve while the metrics are still unhealthy is a warning, not
    good news: it stops no clock, and the next alarm reopens the incident."""
    if state.status == "resolved" and state.healthy_since is None and not state.finished:
        return "warning"
    return "ok" if state.status in ("mitigated", "resolved") else ""


def watch_row(state: DrillState) -> Row | None:
    """The post-fix watch, once the incident is mitigated or resolved: how long every metric has held
    healthy, against the monitoring period a resolve must outlast to count as verified."""
    if state.finished or state.status not in ("mitigated", "resolved") or state.monitoring_period <= 0:
        return None
    period = format_duration(state.monitoring_period)
    if state.healthy_since is None:
        return Row("Recovery watch", f"not healthy · needs {period}", "warning")
    held = max(0.0, state.now - state.healthy_since)
    minutes = f"{int(held // 60)}m"
    if held < state.monitoring_period:
        return Row("Recovery watch", f"healthy {minutes} of {period}", "ok")
    return Row("Recovery watch", f"healthy {minutes} ({period} needed)", "ok")


class Running(NamedTuple):
    label: str
    left: str  # time left, as the clock shows it


def running_items(state: DrillState, names: Names) -> tuple[Running, ...]:
    """Every action under way, soonest done first."""
    return tuple(
        Running(run.label or names.action(run.action), time_left(run.finishes_at - state.now))
        for run in sorted(state.running, key=lambda r: (r.finishes_at, r.action))
    )


def pack(items: Sequence[Running], width: int) -> list[list[Content]]:
    """Items laid out left to right, a new line when the next does not fit: every one shown, none split."""
    lines: list[list[Content]] = [[]]
    used = 0
    for item in items:
        cell = _running_cell(item, width)
        size = cell.cell_length
        if lines[-1] and used + len(_GAP) + size > width:
            lines.append([])
            used = 0
        used += (len(_GAP) if lines[-1] else 0) + size
        lines[-1].append(cell)
    return lines


_GAP = "   "


def _running_cell(item: Running, width: int) -> Content:
    label = item.label
    room = width - cell_len(item.left) - 3  # "▸ " and the space before the time
    if cell_len(label) > room:
        label = set_cell_size(label, max(0, room - 1)).rstrip() + "…"
    return Content.assemble(("▸ ", "$accent"), label, " ", (item.left, "bold"))


class RunningStrip(Widget):
    """The actions under way, each with its time left, wrapped over as many lines as they need."""

    items: reactive[tuple[Running, ...]] = reactive(tuple)
    """What is running; assigning an equal tuple does not repaint."""
    empty: reactive[str] = reactive("")
    """Shown dimmed when nothing is running."""

    def watch_items(self, old: tuple[Running, ...], new: tuple[Running, ...]) -> None:
        # Times left change every tick; lay out again only when the strip needs another number of lines.
        width = self.size.width
        if len(old) != len(new) or len(pack(old, width)) != len(pack(new, width)):
            self.refresh(layout=True)

    def render(self) -> RenderResult:
        if not self.items:
            return Content.assemble((self.empty, "$text-muted"))
        lines = pack(self.items, self.size.width)
        return Content("\n").join(Content(_GAP).join(line) for line in lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(pack(self.items, width)) if self.items else 1
