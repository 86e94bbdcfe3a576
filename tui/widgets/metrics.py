"""The metric panel: per metric a threshold-aware sparkline, the current value with its unit, and its level."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Label

from sim.state import MetricView
from tui.formatting import quantity

BARS = "▁▂▃▄▅▆▇█"
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
    step = Fraction(len(data), width)
    return [pick(data[int(step * i) : int(step * (i + 1))] or data[-1:]) for i in range(width)]


def chart(
    history: Sequence[float],
    width: int,
    warn: float,
    critical: float,
    bad_when: str,
    height: int = 1,
    *,
    stretch: bool = False,
) -> Content:
    """Bars `height` rows tall, scaled so the critical threshold is always inside the range: noise around a
    healthy baseline stays low and flat instead of filling the chart. Each bar takes its level's colour.

    A short history is drawn right-aligned (a live chart fills from the right), or spread over the whole
    width with `stretch` (a finished drill's chart)."""
    if width <= 0 or height <= 0:
        return Content("")
    data = buckets(history, width, bad_when)
    if stretch and data and len(data) < width:
        data = [data[i * len(data) // width] for i in range(width)]
    pad = width - len(data)
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
        parts: list[tuple[str, str] | str] = [" " * pad] if pad else []
        for level, style in zip(levels, styles, strict=True):
            if level < floor:
                parts.append(" " if row else (BARS[0], style))
            elif level >= floor + len(BARS):
                parts.append(("█", style))
            else:
                parts.append((BARS[level - floor], style))
        rows.append(Content.assemble(*parts))
    return Content("\n").join(rows)


class ThresholdSparkline(Widget):
    """A sparkline whose bars take their level's colour (ok / warn / critical)."""

    history: reactive[tuple[float, ...]] = reactive(tuple)
    """Recent samples, oldest first."""

    def __init__(self, view: MetricView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._warn = view.warn
        self._critical = view.critical
        self._bad_when = view.bad_when
        self.set_reactive(ThresholdSparkline.history, view.history)

    def render(self) -> RenderResult:
        return chart(self.history, self.size.width, self._warn, self._critical, self._bad_when, self.size.height)


class MetricRow(Horizontal):
    """Label, sparkline, value; the row's class carries the level so CSS colours the value."""

    def __init__(self, view: MetricView) -> None:
        super().__init__(id=f"metric-{view.id}", classes=f"metric -{view.level}")
        self.view = view
        threshold_word = "≤" if view.bad_when == "down" else "≥"
        self.tooltip = Content(
            f"{view.label}: warn {threshold_word} {quantity(view.warn, view.unit)}, "
            f"critical {threshold_word} {quantity(view.critical, view.unit)}"
        )

    def compose(self) -> ComposeResult:
        yield Label(Content(self.view.label), classes="metric-label")
        yield ThresholdSparkline(self.view)
        yield Label(Content(quantity(self.view.value, self.view.unit)), classes="metric-value")

    def show(self, view: MetricView) -> None:
        """Repaint only the parts that changed since the last sample."""
        if view.history != self.view.history:
            self.query_one(ThresholdSparkline).history = view.history
        if view.value != self.view.value or view.unit != self.view.unit:
            # The value's width is fixed in CSS, so a new number needs a repaint, not a layout pass.
            self.query_one(".metric-value", Label).update(Content(quantity(view.value, view.unit)), layout=False)
        if view.level != self.view.level:
            self.remove_class(f"-{self.view.level}")
            self.add_class(f"-{view.level}")
        self.view = view


class MetricPanel(VerticalScroll, can_focus=False):
    """Every metric of the scenario, in the scenario's order."""

    BORDER_TITLE = "Metrics"

    def __init__(self, metrics: Sequence[MetricView], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = tuple(metrics)
        self._rows: dict[str, MetricRow] = {}

    def compose(self) -> ComposeResult:
        for view in self._initial:
            row = MetricRow(view)
            self._rows[view.id] = row
            yield row

    def show(self, metrics: Sequence[MetricView]) -> None:
        for view in metrics:
            row = self._rows.get(view.id)
            if row is None:
                row = self._rows[view.id] = MetricRow(view)
                self.mount(row)
            elif view != row.view:
                row.show(view)
