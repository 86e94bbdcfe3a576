"""The briefing: the scenario's story as Markdown, the team's open improvement items for the facilitator, the
playbook's severity table, and the cast."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Markdown, Static

from sim.format.durations import format_duration
from sim.format.playbook import Playbook
from tui.messages import BackToPicker, StartDrill
from tui.session import Session

if TYPE_CHECKING:
    from scoring.store.plan import PlanItem


def _d(seconds: float | None) -> Text:
    return Text(format_duration(seconds) if seconds is not None else "—", justify="right")


def open_items(team: str) -> list[PlanItem]:
    """The team's open improvement items in the drill history; none when there is no history yet. Raises
    HistoryError for one that cannot be read."""
    from scoring.history import History, default_db

    db = default_db()
    if isinstance(db, Path) and not db.exists():
        return []
    from scoring.store.plan import items

    with History(db, create=False) as h:
        return items(h.store, team=team)


def plan_table(found: list[PlanItem]) -> DataTable[Text]:
    """One row per open item: what to look for in this drill, and who owns the fix."""
    table: DataTable[Text] = DataTable(id="briefing-plan", cursor_type="none", zebra_stripes=True)
    table.add_column("Element", key="element")
    table.add_column("Issue", key="issue", width=40)
    table.add_column("Corrective action", key="action", width=30)
    table.add_column("Owner", key="owner")
    table.add_column("Due", key="due")
    table.add_column("Seen", key="seen")
    for i in found:
        # Text from the database: shown as written, never read as markup.
        table.add_row(
            Text(i.element), Text(i.issue), Text(i.corrective_action), Text(i.owner or "—"), Text(i.due or "—"),
            Text(f"{len(i.drills)}×", justify="right"), height=None,
        )  # fmt: skip
    return table


def severity_table(playbook: Playbook) -> DataTable[Text]:
    """One row per level, most severe first: what it means and the clocks it starts."""
    table: DataTable[Text] = DataTable(id="briefing-severities", cursor_type="none", zebra_stripes=True)
    table.add_column("Level", key="level")
    table.add_column("Definition", key="definition", width=44)
    table.add_column("Ack", key="ack")
    table.add_column("Respond", key="respond")
    table.add_column("Resolve", key="resolve")
    table.add_column("Updates", key="updates")
    for sev in playbook.severities:
        t, c = sev.targets, sev.communication
        table.add_row(
            Text.assemble((sev.id, "bold"), "\n", (sev.label, "dim")),
            Text(sev.description or sev.label),
            _d(t.acknowledge),
            _d(t.response),
            _d(t.resolution),
            Text(f"every {format_duration(c.internal_update_every)}" if c.internal_update_every else "—"),
            height=None,  # rows grow to fit the wrapped definition
        )
    return table


class BriefingScreen(Screen[None]):
    """Read, then start when ready (enter)."""

    CSS_PATH = Path(__file__).parent.parent / "screens.tcss"
    BINDING_GROUP_TITLE = "Briefing"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start the drill", id="briefing.start"),
        Binding("escape", "back", "Back", id="briefing.back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        s, p = self.session.scenario, self.session.playbook
        yield Label(
            Text.assemble((s.title, "bold"), f"  ·  {s.difficulty}  ·  up to {format_duration(s.duration)}"),
            id="briefing-title",
        )
        with VerticalScroll(id="briefing-scroll"):
            # Markdown is the briefing's intended format; Textual's Markdown does not read console markup.
            yield Markdown(s.briefing, id="briefing-text")
            if self.session.team:  # filled in by a worker: reading the history never holds up the briefing
                yield Label(Text(f"Open improvement items · {self.session.team}"), classes="section", id="plan-title")
            yield Label(f"Severity levels · {p.name}", classes="section")
            yield severity_table(p)
            yield Label("Who's who", classes="section")
            yield self._cast()
            yield Static(
                "Press enter to start. The clock runs from T+00:00:00; space pauses it.", classes="hint", markup=False
            )
        yield Footer()

    def _cast(self) -> DataTable[Text]:
        table: DataTable[Text] = DataTable(id="briefing-cast", cursor_type="none")
        table.add_column("Name", key="name")
        table.add_column("Role", key="role")
        if self.session.trainee:
            table.add_row(Text(self.session.trainee, style="bold"), Text("you, on call"))
        for person in self.session.people:
            if person.title.lower() == "customer":
                continue  # customers are voices in the feed, not people the trainee works with
            table.add_row(Text(person.name), Text(person.title))
        return table

    def on_mount(self) -> None:
        self.query_one("#briefing-scroll").focus()
        if self.session.team:
            self.query_one("#plan-title").display = False
            self._load_plan(self.session.team)

    @work(thread=True, exclusive=True, group="briefing-plan")
    def _load_plan(self, team: str) -> None:
        from scoring.history import HistoryError

        try:
            found = open_items(team)
        except HistoryError:
            return  # the history screen says why; a briefing never fails on it
        if found:
            self.app.call_from_thread(self._show_plan, found)

    def _show_plan(self, found: list[PlanItem]) -> None:
        title = self.query_one("#plan-title")
        title.display = True
        self.query_one("#briefing-scroll").mount(plan_table(found), after=title)

    def action_start(self) -> None:
        self.post_message(StartDrill())

    def action_back(self) -> None:
        self.post_message(BackToPicker())
