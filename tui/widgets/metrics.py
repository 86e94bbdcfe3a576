"""The metric panel: per metric a threshold-aware sparkline, the current value with its unit, and its level."""

from __future__ import annotations

from collections.abc import Sequence

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


class MetricRows(Widget):
    """Every metric on its own line (label, threshold-aware sparkline, value), drawn by one widget: a widget
    per metric cost the drill screen's first frame as much as a metric's whole row, and at speed every
    metric has a new sample on every tick, so the rows repaint together anyway."""

    def __init__(self, views: Sequence[MetricView]) -> None:
        super().__init__()
        self.views: dict[str, MetricView] = {v.id: v for v in views}
        self._labels: dict[str, tuple[int, str]] = {}  # id -> (width, fitted label): changes only on resize

    def show(self, views: Sequence[MetricView]) -> None:
        """New samples (the panel compares first: this runs for every metric on every tick)."""
        count = len(self.views)
        self.views.update((v.id, v) for v in views)
        self.refresh(layout=len(self.views) != count)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.views)

    def on_mouse_move(self, event: MouseMove) -> None:
        """The thresholds of the metric under the pointer, as its tooltip."""
        views = list(self.views.values())
        view = views[event.y] if 0 <= event.y < len(views) else None
        self.tooltip = None if view is None else _thresholds(view)

    def render(self) -> RenderResult:
        width = self.size.width
        return Content("\n").join(self._row(view, width) for view in self.views.values())

    def _row(self, view: MetricView, width: int) -> Content:
        label_width, value_width = (14, 10) if width >= 40 else (12, 8)
        label = self._labels.get(view.id)
        if label is None or label[0] != label_width:
            label = self._labels[view.id] = (label_width, fit_cells(view.label, label_width))
        chart_width = max(0, width - label_width - value_width - 2)
        label_style = "$error" if view.level == "critical" else "$text-muted"
        return Content.assemble(
            (label[1], label_style),
            " ",
            chart(view.history, chart_width, view.warn, view.critical, view.bad_when),
            " ",
            (fit_cells(quantity(view.value, view.unit), value_width, right=True), _VALUE_STYLE[view.level]),
        )


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
