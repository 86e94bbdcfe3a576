"""The metric panel: per metric a threshold-aware sparkline, the current value with its unit, and its level."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult, RenderResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.events import MouseMove
from textual.geometry import Size
from textual.widget import Widget

from sim.engine.state import MetricView
from tui.formatting import quantity

BARS = "▁▂▃▄▅▆▇█"
OVERSHOOT = 0.5  # how far past critical a chart reaches, as a share of the distance from healthy to critical
MIN_CHART = 10  # columns a sparkline needs to show a shape; labels give way to it
WRAP_FROM = 40  # panel widths from which long labels get lines of their own (narrower, they are cut)
_LEVEL_STYLE = {"ok": "$success", "warn": "$warning", "critical": "$error"}


def level_of(value: float, warn: float, critical: float, bad_when: str) -> str:
    if bad_when == "down":
        return "critical" if value <= critical else "warn" if value <= warn else "ok"
    return "critical" if value >= critical else "warn" if value >= warn else "ok"


def buckets(data: Sequence[float], width: int, worst: str) -> list[float]:
    """Squeeze `data` into at most `width` columns, keeping each bucket's worst sample (an outage spike
    must not vanish into an average)."""
    if len(data) <= width:
        return list(data)
    pick = max if worst == "up" else min
    n = len(data)
    # Integer bounds (i * n // width): the same buckets as exact fractions, without their cost per tick.
    return [pick(data[i * n // width : (i + 1) * n // width] or data[-1:]) for i in range(width)]


def scale_of(view: MetricView) -> tuple[float, float]:
    """The fixed range a metric is drawn on: from healthy (its baseline; zero for a running total) to half as
    far again past its critical threshold, within the metric's own limits. Fixed, so a flat metric draws
    flat whatever its noise, and a bar's height means the same from one minute to the next."""
    up = view.bad_when == "up"
    good = 0.0 if view.cumulative else view.baseline
    if (view.critical - good > 0) != up:
        good = 2 * view.warn - view.critical  # a baseline past the thresholds: healthy is as far on the other side
    far = view.critical + OVERSHOOT * (view.critical - good)
    lo, hi = min(good, far), max(good, far)
    if view.minimum is not None:
        lo = max(lo, view.minimum)
    if view.maximum is not None:
        hi = min(hi, view.maximum)
    return (lo, hi) if hi > lo else (lo, lo + 1.0)


def chart(
    history: Sequence[float],
    width: int,
    warn: float,
    critical: float,
    bad_when: str,
    height: int = 1,
    *,
    stretch: bool = False,
    scale: tuple[float, float] | None = None,
) -> Content:
    """Bars `height` rows tall, each in its level's colour (so the thresholds show as colour).

    On `scale` (see `scale_of`) when given, values beyond it drawn at its ends; otherwise scaled to the data,
    stretched so the critical threshold is always inside the range. A short history is drawn right-aligned
    (a live chart fills from the right), or spread over the whole width with `stretch` (a finished drill's
    chart)."""
    if width <= 0 or height <= 0:
        return Content("")
    data = buckets(history, width, bad_when)
    if stretch and data and len(data) < width:
        data = [data[i * len(data) // width] for i in range(width)]
    pad = width - len(data)
    if scale is not None:
        lo, hi = scale
    else:
        lo = min(*data, critical if bad_when == "down" else min(data)) if data else 0.0
        hi = max(*data, critical if bad_when == "up" else max(data)) if data else 1.0
    extent = (hi - lo) or 1.0
    steps = len(BARS) * height - 1
    # Eighths of a row per column; every column shows at least the lowest bar so the line is continuous.
    levels = [max(0, min(steps, int((v - lo) / extent * steps + 0.5))) for v in data]
    styles = [_LEVEL_STYLE[level_of(v, warn, critical, bad_when)] for v in data]
    rows: list[Content] = []
    for row in reversed(range(height)):
        floor = row * len(BARS)
        cells: list[tuple[str, str]] = [(" " * pad, "")] if pad else []
        for level, style in zip(levels, styles, strict=True):
            if level < floor:
                cells.append((" ", "") if row else (BARS[0], style))
            elif level >= floor + len(BARS):
                cells.append(("█", style))
            else:
                cells.append((BARS[level - floor], style))
        rows.append(Content.assemble(*_runs(cells)))
    return rows[0] if height == 1 else Content("\n").join(rows)


def _runs(cells: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Neighbouring cells of one style as one span: a level holds for many samples, and every span costs
    a style lookup at each repaint."""
    runs: list[tuple[str, str]] = []
    for text, style in cells:
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + text, style)
        else:
            runs.append((text, style))
    return runs


def fit_cells(text: str, width: int, *, right: bool = False) -> str:
    """`text` in exactly `width` cells: cut with an ellipsis, padded on the right (or the left)."""
    if cell_len(text) > width:
        text = set_cell_size(text, max(0, width - 1)).rstrip() + "…" if width > 0 else ""
    pad = " " * max(0, width - cell_len(text))
    return pad + text if right else text + pad


class Layout(NamedTuple):
    """How the metric rows sit at one panel width."""

    width: int
    column: int  # the label column's width; 0 when each label has lines of its own above its chart
    labels: dict[str, list[str]]  # metric id -> its label's lines

    def height(self, metric_id: str) -> int:
        return len(self.labels[metric_id]) + (0 if self.column else 1)


class MetricRows(Widget):
    """Every metric's label, sparkline on a fixed scale, and value, drawn by one widget: a widget per metric
    cost the drill screen's first frame as much as a metric's whole row, and at speed every metric has a new
    sample on every tick, so the rows repaint together anyway.

    One line per metric when the longest label leaves the chart `MIN_CHART` columns. Otherwise, from
    `WRAP_FROM` columns, each label gets the panel's width on lines of its own, above its chart and value;
    narrower, where height is scarce, labels are cut instead."""

    def __init__(self, views: Sequence[MetricView]) -> None:
        super().__init__()
        self.views: dict[str, MetricView] = {v.id: v for v in views}
        self._value_width = 0  # only grows, so the charts do not jump sideways as values change
        self._layout: Layout | None = None  # worked out once per width (and when values need more room)
        self._widen(views)

    def _widen(self, views: Sequence[MetricView]) -> None:
        values = (shown_value(v, x) for v in views for x in (v.value, v.warn, v.critical))
        widest = max((cell_len(value) for value in values), default=0)
        if widest > self._value_width:
            self._value_width = widest
            self._layout = None

    def show(self, views: Sequence[MetricView]) -> None:
        """New samples (the panel compares first: this runs for every metric on every tick)."""
        count = len(self.views)
        self.views.update((v.id, v) for v in views)
        before = self._layout
        self._widen(views)
        self.refresh(layout=len(self.views) != count or self._layout is not before)

    def layout_at(self, width: int) -> Layout:
        if self._layout is not None and self._layout.width == width:
            return self._layout
        views = self.views.values()
        longest = max((cell_len(v.label) for v in views), default=0)
        room = width - self._value_width - 2 - MIN_CHART  # what a label column can have
        if longest <= room:
            layout = Layout(width, max(1, longest), {v.id: [v.label] for v in views})
        elif width >= WRAP_FROM:
            layout = Layout(width, 0, {v.id: _wrap(v.label, width) for v in views})
        else:
            column = max(1, room)
            layout = Layout(width, column, {v.id: [fit_cells(v.label, column)] for v in views})
        self._layout = layout
        return layout

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        layout = self.layout_at(width)
        return sum(layout.height(metric_id) for metric_id in self.views)

    def on_mouse_move(self, event: MouseMove) -> None:
        """The thresholds of the metric under the pointer, as its tooltip."""
        layout = self.layout_at(self.size.width)
        top, view = 0, None
        for candidate in self.views.values():
            height = layout.height(candidate.id)
            if top <= event.y < top + height:
                view = candidate
                break
            top += height
        self.tooltip = None if view is None else _thresholds(view)

    def render(self) -> RenderResult:
        layout = self.layout_at(self.size.width)
        return Content("\n").join(line for view in self.views.values() for line in self._rows(view, layout))

    def _rows(self, view: MetricView, layout: Layout) -> list[Content]:
        value_width = self._value_width
        column = layout.column
        label_style = "$error" if view.level == "critical" else "$text-muted"
        chart_width = max(0, layout.width - value_width - 1 - (column + 1 if column else 0))
        line = Content.assemble(
            chart(view.history, chart_width, view.warn, view.critical, view.bad_when, scale=scale_of(view)),
            " ",
            (fit_cells(shown_value(view, view.value), value_width, right=True), _VALUE_STYLE[view.level]),
        )
        if column:
            return [Content.assemble((fit_cells(layout.labels[view.id][0], column), label_style), " ", line)]
        return [*(Content.styled(text, label_style) for text in layout.labels[view.id]), line]


def shown_value(view: MetricView, value: float) -> str:
    """`value` with its unit, unless the unit is a word the label already says ("Contacts written blank":
    84,000, not 84,000 contacts): the value column is as wide as its widest value, and the chart gets the rest."""
    unit = view.unit
    if len(unit) > 2 and unit.isalpha() and unit.lower().removesuffix("s") in view.label.lower():
        unit = ""
    return quantity(value, unit)


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most `width` cells; a word longer than that is cut across lines."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cell_len(word) > width:
            if line:
                lines.append(line)
                line = ""
            head = set_cell_size(word, width)
            lines.append(head)
            word = word[len(head) :]
        if not line:
            line = word
        elif cell_len(line) + 1 + cell_len(word) <= width:
            line = f"{line} {word}"
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _thresholds(view: MetricView) -> Content:
    word = "≤" if view.bad_when == "down" else "≥"
    warn, critical = quantity(view.warn, view.unit), quantity(view.critical, view.unit)
    return Content(f"{view.label}: warn {word} {warn}, critical {word} {critical}")


_VALUE_STYLE = {"ok": "bold", "warn": "bold $warning", "critical": "bold reverse $error"}


class MetricPanel(VerticalScroll, can_focus=False):
    """Every metric of the scenario, in the scenario's order."""

    BORDER_TITLE = "Metrics"

    def __init__(self, metrics: Sequence[MetricView], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows = MetricRows(metrics)

    def compose(self) -> ComposeResult:
        yield self.rows

    def show(self, metrics: Sequence[MetricView]) -> None:
        known = self.rows.views
        changed = [view for view in metrics if known.get(view.id) != view]
        if changed:
            self.rows.show(changed)
