"""The metric panel: per metric a threshold-aware sparkline, the current value with its unit, and its level."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from textual.app import ComposeResult, RenderResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget

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


class MetricRow(Widget):
    """Label, threshold-aware sparkline and value on one line, drawn as one widget: a new sample repaints
    one region instead of three, which keeps a refresh of eight metrics close to eight stock Sparklines."""

    def __init__(self, view: MetricView) -> None:
        super().__init__(id=f"metric-{view.id}", classes=f"metric -{view.level}")
        self.view = view
        self._label: tuple[int, str] = (-1, "")  # (width, fitted label): the label only changes on resize
        threshold_word = "≤" if view.bad_when == "down" else "≥"
        self.tooltip = Content(
            f"{view.label}: warn {threshold_word} {quantity(view.warn, view.unit)}, "
            f"critical {threshold_word} {quantity(view.critical, view.unit)}"
        )

    def show(self, view: MetricView) -> None:
        """A new sample: repaint this row (a plain attribute, not a reactive, as this runs for every metric
        on every tick and the comparison is already done by the panel)."""
        if view.level != self.view.level:
            self.remove_class(f"-{self.view.level}")
            self.add_class(f"-{view.level}")
        self.view = view
        self.refresh()

    def render(self) -> RenderResult:
        view = self.view
        width = self.size.width
        label_width, value_width = (14, 10) if width >= 40 else (12, 8)
        if self._label[0] != label_width:
            self._label = (label_width, fit_cells(view.label, label_width))
        chart_width = max(0, width - label_width - value_width - 2)
        label_style = "$error" if view.level == "critical" else "$text-muted"
        value_style = _VALUE_STYLE[view.level]
        return Content.assemble(
            (self._label[1], label_style),
            " ",
            chart(view.history, chart_width, view.warn, view.critical, view.bad_when),
            " ",
            (fit_cells(quantity(view.value, view.unit), value_width, right=True), value_style),
        )


_VALUE_STYLE = {"ok": "bold", "warn": "bold $warning", "critical": "bold reverse $error"}


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
