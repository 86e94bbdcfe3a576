"""The debrief: score and grade, the criteria with explanations and the rules they check, KPIs against targets,
the timeline and the metric charts; keys export the Markdown, HTML and JSON reports and play the drill again."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Static, TabbedContent, TabPane

from scoring.debrief import kpi_target, timeline
from scoring.grade import ScoreCard, grade, rule_label
from scoring.rubric import Criterion
from sim.engine.facilitation import answers, facilitator_log
from sim.format.durations import format_clock, format_duration
from sim.journal.drill_record import DrillRecord
from sim.journal.events import DrillEnded
from tui.formatting import quantity
from tui.messages import BackToPicker, PlayAgain
from tui.modals.base import ConfirmModal
from tui.reports import FORMATS, export
from tui.session import Session
from tui.widgets.lessons import LessonsForm, facilitator_notes
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


class DebriefScreen(Screen[None]):
    """How it went. Reports are written under the user data dir (`$WARROOM_HOME/reports`)."""

    CSS_PATH = Path(__file__).parent.parent / "screens.tcss"
    BINDING_GROUP_TITLE = "Debrief"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "export('md')", "Markdown", id="debrief.markdown"),
        Binding("h", "export('html')", "HTML", id="debrief.html"),
        Binding("j", "export('json')", "JSON", id="debrief.json"),
        # None of the drill's own keys: a trainee still pressing `n` to step or `r` for roles when the drill
        # ends must not throw the debrief away.
        Binding("t", "play_again", "Try again", id="debrief.play_again"),
        Binding("v", "review", "Review", id="debrief.review", show=False),
        Binding("b,escape", "new", "Scenarios", id="debrief.new", key_display="b"),
        Binding("q", "quit", "Quit", id="debrief.quit"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.record: DrillRecord = session.drill.record
        self.card = grade(self.record, session.scenario, session.playbook)
        self.exported: dict[str, Path] = {}
        self._criteria_width = 0  # the width the scorecard table was last laid out for
        self.history_id: int | None = None  # the drill's row in the history database, once stored

    def compose(self) -> ComposeResult:
        card = self.card
        verdict = "passed" if card.passed else "not passed"
        with Horizontal(id="debrief-head"):
            yield Label(
                Content.assemble(
                    (f" {card.letter} ", "bold reverse"),
                    (f"  {card.score:.1f}", "bold"),
                    f"  {card.points}/{card.max_points} points · {verdict} (pass mark {card.pass_mark:.0f})",
                ),
                id="debrief-score",
                classes="-passed" if card.passed else "-failed",
            )
            yield Label(Content(card.scenario_title), id="debrief-title")
        yield Static(self._summary(), id="debrief-summary")
        with TabbedContent(id="debrief-tabs"):
            with TabPane("Scorecard", id="tab-criteria"):
                yield DataTable(id="debrief-criteria", cursor_type="row", zebra_stripes=True)
            with TabPane("KPIs", id="tab-kpis"):
                yield kpi_table(card)
            with TabPane("Timeline", id="tab-timeline"):
                yield timeline_table(self.session, self.record)
            with TabPane("Metrics", id="tab-charts"), VerticalScroll():
                for metric in self.session.scenario.metrics:
                    yield MetricChart(self.session, metric.id)
            # Only when the facilitator did something, so a trainee's own debrief keeps its four tabs.
            logged = facilitator_log(self.record.events)
            if logged:
                with TabPane("Facilitator", id="tab-facilitator"), VerticalScroll():
                    yield facilitator_notes(logged, self.session.names_by_slot)
            if self.session.scenario.debrief_questions:
                with TabPane("Lessons learned", id="tab-lessons"):
                    yield LessonsForm(
                        self.session.scenario.debrief_questions, answers(self.record.events), id="lessons"
                    )
        yield Footer()

    def on_mount(self) -> None:
        self._fit_criteria()
        self._store()

    def _store(self) -> None:
        """Put the drill in the history database; a database that cannot take it costs nothing else."""
        from scoring.history import HistoryError, store
        from tui.session import utc_now

        session = self.session
        started_at = getattr(session, "started_at", "") or utc_now()
        try:
            self.history_id = store(self.card, self.record, session.journal, started_at=started_at)
        except HistoryError as exc:
            self.notify(
                f"{exc}\nThe journal is kept: {session.journal or 'none'}",
                title="Not saved to the drill history",
                severity="error",
                markup=False,
                timeout=15,
            )

    def on_resize(self) -> None:
        self._fit_criteria()

    def _fit_criteria(self) -> None:
        width = self.size.width
        if width and width != self._criteria_width:
            fill_criteria(self.query_one("#debrief-criteria", DataTable), self.card, width)
            self._criteria_width = width

    def _summary(self) -> Content:
        card = self.card
        declared = " → ".join(card.declared) or "none"
        ended = self.record.first(DrillEnded)
        reason = ended.reason if ended else ""
        return Content.assemble(
            ("True severity ", "$text-muted"),
            card.true_severity,
            (" · you declared ", "$text-muted"),
            declared,
            (" · ended ", "$text-muted"),
            f"{format_clock(card.ended)} ({reason})" if reason else format_clock(card.ended),
            (" · not evaluated ", "$text-muted") if card.not_evaluated else "",
            str(len(card.not_evaluated)) if card.not_evaluated else "",
        )

    def action_export(self, fmt: str) -> None:
        if fmt not in FORMATS:
            return
        try:
            path = export(fmt, self.card, self.record, self.session)
        except Exception as exc:  # a report bug must not cost the trainee their debrief
            self.notify(f"{type(exc).__name__}: {exc}", title=f"{fmt} export failed", severity="error", markup=False)
            return
        self.exported[fmt] = path
        self.notify(str(path), title=f"{FORMATS[fmt]} report written", markup=False)

    def action_play_again(self) -> None:
        self.post_message(PlayAgain())

    def action_review(self) -> None:
        """Scrub through this drill as it happened, beside what the ideal script would have done."""
        from tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen.of_record(self.record, self.session.scenario, self.session.playbook))

    def action_new(self) -> None:
        self.post_message(BackToPicker())

    @on(LessonsForm.Saved, "#lessons")
    def _answered(self, message: LessonsForm.Saved) -> None:
        """Journal each new or changed answer (`Drill.answer`), then refresh the history row and the record
        the reports are written from."""
        drill = self.session.drill
        recorded = {a.question: a.text for a in answers(self.record.events)}
        changed = {n: text for n, text in message.answers.items() if recorded.get(n) != text}
        try:
            for n, text in sorted(changed.items()):
                drill.answer(n, text)  # type: ignore[attr-defined]
        except Exception as exc:  # the answers must not cost the debrief
            self.notify(f"{type(exc).__name__}: {exc}", title="Answers not saved", severity="error", markup=False)
            return
        self.record = drill.record
        given = tuple(a.text for a in answers(self.record.events))
        if self.history_id is not None:
            from scoring.history import save_answers

            try:
                save_answers(self.history_id, given, self.record, self.session.journal)
            except Exception as exc:
                self.notify(str(exc), title="Answers not in the history", severity="error", markup=False)
        self.notify(f"{len(given)} of {len(self.session.scenario.debrief_questions)} answered.", title="Answers saved")

    def action_quit(self) -> None:
        def done(ok: bool | None) -> None:
            if ok:
                self.app.exit()

        saved = ", ".join(str(p) for p in self.exported.values()) or "no report exported yet (m, h, j)"
        self.app.push_screen(ConfirmModal("Quit warroom?", f"Reports: {saved}.", confirm="Quit", danger=False), done)
