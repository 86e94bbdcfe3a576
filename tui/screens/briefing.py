"""The briefing: the scenario's story as Markdown, the playbook's severity table, and the cast."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Markdown, Static

from sim.format.durations import format_duration
from sim.format.playbook import Playbook
from tui.messages import BackToPicker, StartDrill
from tui.session import Session


def _d(seconds: float | None) -> Text:
    return Text(format_duration(seconds) if seconds is not None else "—", justify="right")


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

    def action_start(self) -> None:
        self.post_message(StartDrill())

    def action_back(self) -> None:
        self.post_message(BackToPicker())
