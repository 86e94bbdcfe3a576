"""The debrief's scorecard, KPI and timeline tables and its metric charts, built from a graded drill. Every
text in them is plain text, never markup."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Label, Static

from scoring.debrief import kpi_target, timeline
from scoring.grade import ScoreCard, rule_label
from scoring.rubric import Criterion
from sim.format.durations import format_clock, format_duration
from sim.journal.drill_record import DrillRecord
from tui.formatting import quantity
from tui.session import Session
from tui.widgets.metrics import chart

_RESULT_STYLE = {"pass": "bold green", "partial": "bold yellow", "fail": "bold red", "not_evaluated": "dim"}
_RESULT_TEXT = {"pass": "pass", "partial": "partial", "fail": "fail", "not_evaluated": "n/a"}


def fill_criteria(table: DataTable[Text], card: ScoreCard, width: int) -> None:
    """(Re)build the scorecard rows for a table `width` cells wide: the explanation, with the rule it checks
    under it, takes what is left, so the whole of both wraps into view at 80 columns as at 120. Under 100
    columns the category column gives way to them."""
    table.clear(columns=True)
    wide = width >= 100
    fixed = (
        {"category": 16, "criterion": 24, "points": 6, "result": 7}
        if wide
        else {"criterion": 18, "points": 6, "result": 7}
    )
    why = max(20, width - sum(fixed.values()) - 2 * (len(fixed) + 1) - 2)
    if wide:
        table.add_column("Category", key="category", width=fixed["category"])
    table.add_column("Criterion", key="criterion", width=fixed["criterion"])
    table.add_column("Points", key="points", width=fixed["points"])
    table.add_column("Result", key="result", width=fixed["result"])
    table.add_column("Why", key="why", width=why)
    labels = {c.category: c.label for c in card.by_category}
    for c in card.criteria:
        points = f"{c.points}/{c.max_points}" if c.evaluated else "—"
        cells = [
            Text(c.title),
            Text(points, justify="right"),
            Text(_RESULT_TEXT.get(c.result, c.result), style=_RESULT_STYLE.get(c.result, "")),
            why_cell(c),
        ]
        if wide:
            cells.insert(0, Text(labels.get(c.category, c.category), style="dim"))
        table.add_row(*cells, height=None)  # rows grow to show the whole explanation and rule


def why_cell(c: Criterion) -> Text:
    """The explanation, and under it, dim, the rule the criterion checks. Both are plain text, never markup."""
    return Text.assemble(c.explanation, "\n", (f"rule: {rule_label(c.rule)}", "dim"))


def kpi_table(card: ScoreCard) -> DataTable[Text]:
    table: DataTable[Text] = DataTable(id="debrief-kpis", cursor_type="row", zebra_stripes=True)
    table.add_columns("KPI", "What", "You", "Target", "")
    for k in card.kpis:
        value = format_duration(k.value) if k.value is not None else "never"
        target = kpi_target(k)
        met = {True: ("met", "bold green"), False: ("missed", "bold red"), None: ("—", "dim")}[k.met]
        table.add_row(Text(k.name, style="bold"), Text(k.label), Text(value), Text(target), Text(*met))
    return table


def timeline_table(session: Session, record: DrillRecord) -> DataTable[Text]:
    table: DataTable[Text] = DataTable(id="debrief-timeline", cursor_type="row", zebra_stripes=True)
    table.add_column("Time", key="time")
    table.add_column("What happened", key="what", width=70)
    table.add_column("Who", key="who")
    for entry in timeline(record, session.scenario, session.playbook):
        who = entry.actor or ""
        if entry.role:
            who = f"{who} ({entry.role})"
        table.add_row(Text(format_clock(entry.t), style="dim"), Text(entry.text), Text(who), height=None)
    return table


class MetricChart(Vertical):
    """One metric over the whole drill: a three-row chart with its worst value and thresholds."""

    def __init__(self, session: Session, metric_id: str) -> None:
        super().__init__(classes="debrief-chart")
        self.spec = next(m for m in session.scenario.metrics if m.id == metric_id)
        self.values = [v for _, v in session.drill.series(metric_id)]

    def compose(self) -> ComposeResult:
        m = self.spec
        worst = (max if m.bad_when == "up" else min)(self.values) if self.values else m.baseline
        word = "≥" if m.bad_when == "up" else "≤"
        yield Label(
            Content.assemble(
                (m.label, "bold"),
                (
                    f"  worst {quantity(worst, m.unit)} · warn {word} {quantity(m.warn, m.unit)}"
                    f" · critical {word} {quantity(m.critical, m.unit)}",
                    "$text-muted",
                ),
            )
        )
        yield _Chart(self.values, m.warn, m.critical, m.bad_when)


class _Chart(Static):
    def __init__(self, values: list[float], warn: float, critical: float, bad_when: str) -> None:
        super().__init__(classes="chart")
        self._args = (values, warn, critical, bad_when)

    def render(self) -> Content:
        values, warn, critical, bad_when = self._args
        return chart(values, self.size.width, warn, critical, bad_when, self.size.height, stretch=True)
