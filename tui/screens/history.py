"""The drill history: every finished drill in a table (filterable by trainee, team and scenario), trend charts
of score and MTTA/MTTR per trainee or team and scenario, and Enter to review a drill. Drills the facilitator
ended are listed, marked, and left out of the trends."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Select, Sparkline

from scoring.history import DrillRow, Filters, History, HistoryError, origin_of, shown
from scoring.trends import Trend, first_to_last, trends
from sim.format.durations import format_duration
from tui.widgets.tables import RowTable

_CSS = Path(__file__).parent.parent / "review.tcss"
_FILTERS = (("trainee", "trainee"), ("team", "team"), ("scenario", "scenario_id"))
# After the score of a drill the facilitator ended; the title says what it means when one is listed.
FACILITATOR_MARK = "*"


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def load_rows(db: Path | str) -> list[DrillRow]:
    """Every stored drill, oldest first; raises HistoryError with a message fit to show."""
    with History(db) as h:
        return h.drills()


class TrendRow(Vertical):
    """One trainee's or team's drills of one scenario over time: score, MTTA and MTTR as sparklines, with
    first → last (just the value while there is one drill)."""

    def __init__(self, trend: Trend) -> None:
        super().__init__(classes="trend")
        self.trend = trend

    def compose(self) -> ComposeResult:
        t = self.trend
        yield Label(
            Content.assemble(
                (t.who, "bold"),
                " · ",
                t.scenario,
                "\n",
                (t.span, "$text-muted"),
            )
        )
        series = (
            ("score", list(t.scores), t.score_change),
            ("MTTA", [v for v in t.mtta if v is not None], None),
            ("MTTR", [v for v in t.mttr if v is not None], None),
        )
        for name, values, summary in series:
            if not values:
                continue
            with Horizontal(classes="trend-line"):
                yield Label(name, classes="trend-name")
                # Higher is better for the score, lower for MTTA/MTTR: the CSS colours the good end green either way.
                yield Sparkline(values, classes="trend-spark" + ("" if name == "score" else " -lower-better"))
                yield Label(Content(summary or first_to_last(values, _minutes)), classes="trend-summary")


class TrendList(VerticalScroll):
    """The trend rows; rebuilt whole whenever the drills shown or the grouping change."""

    trends: reactive[tuple[Trend, ...]] = reactive(tuple, recompose=True)
    """One entry per trainee or team."""

    def compose(self) -> ComposeResult:
        if not self.trends:
            yield Label(Content.assemble(("Finish a drill and it shows up here.", "$text-muted")))
        for trend in self.trends:
            yield TrendRow(trend)


class HistoryScreen(Screen[None]):
    """Who trained on what, and whether they are getting faster. Enter reviews the drill under the cursor."""

    CSS_PATH = _CSS
    BINDING_GROUP_TITLE = "History"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "review", "Review", id="history.review", show=True),
        Binding("g", "group", "Trends by team/trainee", id="history.group"),
        Binding("escape,b,q", "close", "Back", id="history.close", key_display="esc"),
    ]

    by: reactive[str] = reactive("trainee", init=False)
    """Trends are grouped by `trainee` or `team`."""
    filters: reactive[Filters] = reactive(Filters, init=False)
    """What the table and the trends are narrowed to."""

    def __init__(self, db: Path | str, rows: list[DrillRow]) -> None:
        super().__init__()
        self.db = db
        self.rows = rows
        self.shown: list[DrillRow] = []

    @classmethod
    def open(cls, db: Path | str) -> HistoryScreen:
        """Raises HistoryError (newer, locked, read-only or not a database) for the caller to show."""
        return cls(db, load_rows(db))

    def compose(self) -> ComposeResult:
        yield Label(id="history-title")
        with Horizontal(id="history-filters"):
            for name, column in _FILTERS:
                values = sorted({getattr(r, column) for r in self.rows if getattr(r, column)})
                yield Select[str]([(v, v) for v in values], prompt=name, id=f"history-{name}")
        with Horizontal(id="history-body"):
            table = RowTable(id="history-table")
            for label in ("ID", "Date", "Trainee", "Team", "Scenario", "Score", "Grade", "MTTA", "MTTR"):
                table.add_column(label, key=label.lower())
            yield table
            yield TrendList(id="history-trends")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-trends").border_title = "Trends"
        self._refill()
        self.query_one("#history-table", DataTable).focus()

    def _refill(self) -> None:
        f = self.filters
        self.shown = [
            r
            for r in self.rows
            if (f.trainee is None or r.trainee == f.trainee)
            and (f.team is None or r.team == f.team)
            and (f.scenario is None or r.scenario_id == f.scenario)
        ]
        table = self.query_one("#history-table", DataTable)
        table.clear()
        for r in self.shown:
            score = f"{r.score:.1f}" + (FACILITATOR_MARK if r.facilitator_ended else " ")
            table.add_row(
                Text(str(r.id), justify="right"),
                Text(r.started_at[:10]),
                Text(r.trainee),
                Text(r.team or "—", style="" if r.team else "dim"),
                Text(r.scenario_id),
                Text(score, justify="right", style="dim" if r.facilitator_ended else ""),
                Text(r.grade, style="bold green" if r.passed else "bold red", justify="center"),
                Text(_minutes(r.kpis.get("mtta")), justify="right"),
                Text(_minutes(r.kpis.get("mttr")), justify="right"),
                key=str(r.id),
            )
        count = f"{len(self.shown)} of {len(self.rows)} drills" if self.rows else "no drills recorded yet"
        marked = any(r.facilitator_ended for r in self.shown)
        legend = f"  ·  {FACILITATOR_MARK} ended by the facilitator, not trended" if marked else ""
        self.query_one("#history-title", Label).update(
            # The legend before the path, which is long and the first thing a narrow terminal cuts.
            Content.assemble(("Drill history", "bold"), (f"  ·  {count}{legend}  ·  {shown(self.db)}", "$text-muted"))
        )
        self._trends()

    def _trends(self) -> None:
        box = self.query_one(TrendList)
        box.border_subtitle = f"by {self.by} (g)"
        box.trends = tuple(trends(self.shown, self.by))

    def watch_filters(self) -> None:
        self._refill()

    def watch_by(self) -> None:
        self._trends()

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        f = self.filters
        name = (event.select.id or "").removeprefix("history-")
        if name == "trainee":
            self.filters = Filters(value, f.team, f.scenario)
        elif name == "team":
            self.filters = Filters(f.trainee, value, f.scenario)
        elif name == "scenario":
            self.filters = Filters(f.trainee, f.team, value)

    @on(DataTable.RowSelected, "#history-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._review(event.cursor_row)

    def action_review(self) -> None:
        self._review(self.query_one("#history-table", DataTable).cursor_row)

    def _review(self, index: int) -> None:
        """Open the drill in review mode; a drill whose scenario changed or vanished is a notice, not a crash."""
        if not 0 <= index < len(self.shown):
            return
        from sim.engine.drill import DrillError
        from sim.format.loading import LoadError
        from sim.journal.jsonl import JournalError
        from sim.journal.resolve import resolve
        from sim.rerun.review import record_from_text
        from tui.screens.review import ReviewScreen

        drill_id = self.shown[index].id
        try:
            with History(self.db) as h:
                row = h.get(drill_id or 0)
            if row is None:
                raise HistoryError(f"{shown(self.db)}: drill {drill_id} is no longer in the history")
            record = record_from_text(row.journal, f"{shown(self.db)} drill {drill_id}")
            scenario, playbook, *_ = resolve(record.header, origin_of(self.db), "strict")
            screen = ReviewScreen.of_record(record, scenario, playbook)
        except (HistoryError, JournalError, LoadError, DrillError) as exc:
            self.notify(str(exc), title="Cannot review that drill", severity="error", markup=False, timeout=15)
            return
        self.app.push_screen(screen)

    def action_group(self) -> None:
        self.by = "team" if self.by == "trainee" else "trainee"

    def action_close(self) -> None:
        self.app.pop_screen()
