"""Review mode: a finished (or interrupted) drill scrubbed through sim time. Metrics, feed, timers and roles as
they were at T, the trainee's actions marked on a timeline, and what the ideal script had done by then."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, assert_never

from rich.cells import cell_len, set_cell_size
from textual import events, on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Label, Static

from sim.format.durations import format_duration
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Step
from sim.journal.drill_record import DrillRecord
from sim.journal.events import ActionCancelled, ActionRefusal, ActionStarted
from sim.rerun.review import Review, ideal_script, steps_by
from tui.formatting import Names, clock, describe, quantity
from tui.screens import WIDTH_BREAKPOINTS
from tui.widgets.metrics import chart
from tui.widgets.panels import Row, RowList, role_rows, timer_rows

_CSS = Path(__file__).parent.parent / "review.tcss"
_ACTION_MARK = {"action.started": "▲", "action.refused": "✗", "action.cancelled": "▽"}


def _at(t: float) -> str:
    """A short time for narrow lists: `7m`, `1h05m`, `45s`."""
    return format_duration(t) if t else "0s"


def marks_line(times: list[tuple[float, str]], end: float, width: int) -> list[str]:
    """One cell per column; each mark lands in the column its time falls in (the later mark wins a column)."""
    cells = [" "] * width
    for t, mark in times:
        cells[column_of(t, end, width)] = mark
    return cells


def column_of(t: float, end: float, width: int) -> int:
    if width <= 1 or end <= 0:
        return 0
    return max(0, min(width - 1, round(t / end * (width - 1))))


def time_at(x: int, end: float, width: int) -> float:
    """The sim time a column stands for, to the minute (what the keys step by)."""
    if width <= 1:
        return 0.0
    return min(end, round(max(0, min(x, width - 1)) / (width - 1) * end / 60.0) * 60.0)


class Timeline(Widget):
    """The whole drill as one bar: the trainee's actions above, the ideal script's below, T as a cursor.
    Clicking (or dragging on) the bar moves T."""

    t: reactive[float] = reactive(0.0)
    """The time under review."""

    @dataclass
    class Seek(Message):
        """The trainee clicked the timeline at sim time `t`."""

        timeline: Timeline
        t: float

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(
        self,
        end: float,
        actions: Sequence[ActionStarted | ActionRefusal | ActionCancelled],
        ideal: list[Step],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.end = end
        self.actions = [(e.t, _ACTION_MARK.get(e.kind, "▲")) for e in actions]
        self.ideal = [(float(s.at), "◆") for s in ideal if s.at <= end]

    def render(self) -> Content:
        width = self.size.width - 8
        if width < 2:
            return Content("")
        cursor = column_of(self.t, self.end, width)
        top = marks_line(self.actions, self.end, width)
        bottom = marks_line(self.ideal, self.end, width)
        bar = ["─"] * width
        for minute in range(0, int(self.end // 60) + 1, 10):
            bar[column_of(minute * 60.0, self.end, width)] = "┼" if minute % 30 == 0 else "┴"
        rows = []
        for name, cells, style in (("you   ", top, "bold $accent"), ("time  ", bar, "$text-muted"),
                                   ("ideal ", bottom, "$success")):  # fmt: skip
            parts: list[tuple[str, str] | str] = [(name, "$text-muted"), "  "]
            before, at, after = "".join(cells[:cursor]), cells[cursor], "".join(cells[cursor + 1 :])
            parts += [(before, style), (at if at != " " else "│", "reverse bold"), (after, style)]
            rows.append(Content.assemble(*parts))
        return Content("\n").join(rows)

    def watch_t(self) -> None:
        self.refresh()

    def _seek(self, x: int) -> None:
        self.post_message(self.Seek(self, time_at(x - 8, self.end, self.size.width - 8)))

    def on_click(self, event: events.Click) -> None:
        self._seek(event.x)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if event.button:  # dragging scrubs
            self._seek(event.x)


class MetricsAt(Widget):
    """Each metric's value, level and recent history at T."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.views: tuple = ()

    def render(self) -> Content:
        width = self.size.width
        lines: list[Content] = []
        for m in self.views:
            style = {"ok": "$success", "warn": "$warning", "critical": "bold $error"}[m.level]
            value = quantity(m.value, m.unit)
            room = max(1, width - cell_len(value) - 1)
            label = m.label if cell_len(m.label) <= room else set_cell_size(m.label, max(0, room - 1)).rstrip() + "…"
            gap = " " * max(1, width - cell_len(label) - cell_len(value))
            lines.append(Content.assemble((label, "bold"), gap, (value, style)))
            lines.append(chart(list(m.history), width, m.warn, m.critical, m.bad_when))
        return Content("\n").join(lines) if lines else Content("")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, 2 * len(self.views))


class ReviewScreen(Screen[None]):
    """Scrub through a recorded drill: left/right a minute, shift for ten, home/end, or click the timeline."""

    CSS_PATH = _CSS
    BINDING_GROUP_TITLE = "Review"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "seek(-60)", "-1m", id="review.back", priority=True),
        Binding("right", "seek(60)", "+1m", id="review.forward", priority=True),
        Binding("shift+left", "seek(-600)", "-10m", id="review.back10", priority=True),
        Binding("shift+right", "seek(600)", "+10m", id="review.forward10", priority=True),
        Binding("home", "jump(0)", "Start", id="review.start", priority=True),
        Binding("end", "jump(-1)", "End", id="review.end", priority=True),
        Binding("escape,b,q", "close", "Close", id="review.close", key_display="esc"),
    ]

    t: reactive[float] = reactive(0.0, init=False)
    """The sim time under review, in seconds."""

    def __init__(self, review: Review, ideal: list[Step], *, title: str = "") -> None:
        super().__init__()
        self.review = review
        self.ideal = ideal
        self.heading = title or review.scenario.title
        self.names = Names.build(review.scenario, review.playbook)

    @classmethod
    def of_record(cls, record: DrillRecord, scenario: Scenario, playbook: Playbook, *, title: str = "") -> ReviewScreen:
        ideal = ideal_script(scenario, playbook, record.header.scenario_path or None)
        return cls(Review(record, scenario, playbook), ideal, title=title)

    def compose(self) -> ComposeResult:
        yield Label(id="review-title")
        yield Timeline(self.review.end, self.review.actions(), self.ideal, id="review-timeline")
        with Horizontal(id="review-body"):
            with VerticalScroll(id="review-metrics", classes="review-panel"):
                yield MetricsAt(id="review-metrics-at")
            with VerticalScroll(id="review-feed", classes="review-panel"):
                yield Static(id="review-feed-text")
            with VerticalScroll(id="review-side", classes="review-panel"):
                yield Label("Timers", classes="review-heading -first")
                yield RowList(id="review-timers")
                yield Label("Incident", classes="review-heading")
                yield RowList(id="review-roles")
                yield Label("You, by now", classes="review-heading")
                yield RowList(id="review-done")
                yield Label("Ideal script by now", classes="review-heading")
                yield RowList(id="review-ideal")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-metrics").border_title = "Metrics at T"
        self.query_one("#review-feed").border_title = "Feed up to T"
        self.query_one("#review-side").border_title = "At T"
        self.show()

    def watch_t(self) -> None:
        self.show()

    def show(self) -> None:
        """Rebuild the drill at T and repaint every panel from it."""
        t = self.t
        drill = self.review.at(t)
        state = drill.state
        end = self.review.end
        self.query_one("#review-title", Label).update(
            Content.assemble(
                ("Review ", "bold"),
                self.heading,
                ("  ·  ", "$text-muted"),
                (clock(t), "bold $accent"),
                (f" of {clock(end)}", "$text-muted"),
                ("  ·  ", "$text-muted"),
                f"{self.review.record.header.trainee}",
            )
        )
        self.query_one(Timeline).t = t
        metrics = self.query_one(MetricsAt)
        metrics.views = state.metrics
        metrics.refresh(layout=True)
        items = [item for e in drill.events if (item := describe(e, self.names)) is not None]
        feed = self.query_one("#review-feed-text", Static)
        feed.update(Content("\n").join(i.content() for i in items[-200:]) if items else Content("Nothing yet."))
        feed_box = self.query_one("#review-feed", VerticalScroll)
        # After the next layout: the new text changes the height that "the end" means.
        self.call_after_refresh(feed_box.scroll_end, animate=False)
        provisional = None if state.severity else self.review.playbook.severities[0].id
        self._set("#review-timers", timer_rows(state.timers, state.now, provisional), "No timer running.")
        self._set("#review-roles", role_rows(state, self.review.playbook, self.names), "")
        self._set("#review-done", tuple(self._action(e) for e in self.review.actions() if e.t <= t), "Nothing yet.")
        ideal = tuple(Row(f"◆ {self.names.action(s.do)}", _at(float(s.at)), "ok") for s in steps_by(self.ideal, t))
        self._set("#review-ideal", ideal, "Nothing yet." if self.ideal else "No ideal script for this scenario.")

    def _set(self, selector: str, rows: tuple[Row, ...], empty: str) -> None:
        panel = self.query_one(selector, RowList)
        panel.empty = empty
        panel.rows = rows

    def _action(self, e: ActionStarted | ActionRefusal | ActionCancelled) -> Row:
        label = self.names.action(e.action)
        match e:
            case ActionRefusal():
                return Row(f"✗ {label} (refused)", _at(e.t), "warning")
            case ActionCancelled():
                return Row(f"▽ {label} (cancelled)", _at(e.t), "muted")
            case ActionStarted():
                return Row(f"▲ {label}", _at(e.t), "")
            case _:
                assert_never(e)

    # ------------------------------------------------------------------- keys

    def _go(self, t: float) -> None:
        self.t = round(min(max(0.0, t), self.review.end), 3)

    def action_seek(self, dt: float) -> None:
        self._go(self.t + dt)

    def action_jump(self, where: int) -> None:
        self._go(0.0 if where == 0 else self.review.end)

    @on(Timeline.Seek)
    def _seek(self, message: Timeline.Seek) -> None:
        self._go(message.t)

    def action_close(self) -> None:
        if len(self.app.screen_stack) <= 2:
            self.app.exit()  # `warroom review`: this screen is the whole app
        else:
            self.app.pop_screen()


class ReviewApp(App[None]):
    """`warroom review`: the review screen on its own."""

    CSS_PATH = Path(__file__).parent.parent / "warroom.tcss"
    TITLE = "warroom review"
    # Textual declares this `ClassVar[...] | None`, which mypy reads as an instance variable: no ClassVar here.
    HORIZONTAL_BREAKPOINTS = WIDTH_BREAKPOINTS

    def __init__(self, screen: ReviewScreen) -> None:
        super().__init__()
        self._review = screen

    def on_mount(self) -> None:
        self.push_screen(self._review)
