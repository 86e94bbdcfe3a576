"""The scenario picker: bundled and user scenarios, easiest first, filterable, with when each was last played
and its best score; broken files are listed with their errors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from sim.format.durations import format_duration
from sim.format.library import Library, Listing
from tui.messages import ScenarioChosen, TraineeNamed
from tui.modals.base import NameModal
from tui.widgets.tables import RowTable

if TYPE_CHECKING:
    from scoring.trends import Played  # the history is read only once the picker shows

DIFFICULTIES = ("tutorial", "easy", "medium", "hard")


def easiest_first(entries: Sequence[Listing]) -> list[Listing]:
    """The tutorial first, then easy, medium and hard (the library's order within each), files that do not load
    last: a new trainee starts at the top."""
    rank = {d: i for i, d in enumerate(DIFFICULTIES)}

    def key(entry: Listing) -> int:
        s = entry.scenario
        return len(rank) + 1 if s is None or not entry.ok else rank.get(s.difficulty, len(rank))

    return sorted(entries, key=key)


def played_by(trainee: str) -> dict[str, Played]:
    """Each scenario's last play and best score from the drill history, the trainee's own when named; empty
    when there is no history yet. Raises HistoryError for a history that cannot be read."""
    from scoring.history import Filters, History, default_db
    from scoring.trends import played

    db = default_db()
    if isinstance(db, Path) and not db.exists():
        return {}
    with History(db, create=False) as h:
        return played(h.drills(Filters(trainee=trainee or None)))


@dataclass(frozen=True, slots=True)
class PickerFilter:
    text: str = ""
    difficulty: str | None = None
    playbook: str | None = None
    tag: str | None = None

    def admits(self, listing: Listing) -> bool:
        s = listing.scenario
        if s is None:
            # A broken file has no difficulty or tags to match: show it unless the trainee narrowed by those.
            return self.difficulty is None and self.tag is None and self.playbook is None and self._text(listing)
        if self.difficulty and s.difficulty != self.difficulty:
            return False
        if self.playbook and s.playbook != self.playbook:
            return False
        if self.tag and self.tag not in s.tags:
            return False
        return self._text(listing)

    def _text(self, listing: Listing) -> bool:
        if not self.text:
            return True
        s = listing.scenario
        haystack = [listing.path.name] + ([s.id, s.title, s.summary, s.playbook, *s.tags] if s else [])
        return any(self.text.lower() in h.lower() for h in haystack)


class PickerScreen(Screen[None]):
    """Pick a drill. Enter opens its briefing."""

    CSS_PATH = Path(__file__).parent.parent / "screens.tcss"
    BINDING_GROUP_TITLE = "Scenarios"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open", id="picker.open", show=True),
        Binding("slash", "search", "Search", id="picker.search", key_display="/"),
        Binding("N", "rename", "My name", id="picker.name", key_display="N"),
        Binding("escape", "clear", "Clear filters", id="picker.clear", show=False),
        Binding("h", "history", "History", id="picker.history", show=False),
        Binding("q", "quit", "Quit", id="picker.quit"),
    ]

    filter: reactive[PickerFilter] = reactive(PickerFilter, init=False)
    """What the trainee narrowed the list to."""

    def __init__(self, dirs: Sequence[Path] = (), *, trainee: str = "", ask_name: bool = False) -> None:
        super().__init__()
        self.dirs = tuple(dirs)
        self.trainee = trainee
        self.ask_name = ask_name
        self.entries: list[Listing] = []
        self.shown: list[Listing] = []
        self.played: dict[str, Played] = {}  # scenario id -> last play and best score

    def compose(self) -> ComposeResult:
        yield Label("warroom · choose a drill", id="picker-title")
        with Horizontal(id="picker-filters"):
            yield Input(placeholder="/ search", id="picker-search")
            yield Select[str]([(d, d) for d in DIFFICULTIES], prompt="difficulty", id="picker-difficulty")
            yield Select[str]([], prompt="playbook", id="picker-playbook")
            yield Select[str]([], prompt="tag", id="picker-tag")
        table = RowTable(id="picker-table")
        table.add_column("Scenario", key="title")
        table.add_column("Playbook", key="playbook")
        table.add_column("Difficulty", key="difficulty")
        table.add_column("Length", key="length")
        table.add_column("Best", key="best")
        table.add_column("Last played", key="last")
        table.add_column("Tags", key="tags")
        yield table
        with VerticalScroll(id="picker-detail"):
            yield Static(id="picker-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.query_one("#picker-table", DataTable).focus()
        if self.ask_name:
            self.ask_for_name()

    def load(self) -> None:
        """Read the library; anything that goes wrong becomes an entry, never an exception. The history is read
        by a worker: opening it imports the store (SQLAlchemy), which the first frame should not wait for."""
        self.entries = easiest_first(Library(self.dirs).listings())
        self._read_history_later(self.trainee)
        playbooks = sorted({e.scenario.playbook for e in self.entries if e.scenario})
        tags = sorted({t for e in self.entries if e.scenario for t in e.scenario.tags})
        self.query_one("#picker-playbook", Select).set_options([(p, p) for p in playbooks])
        self.query_one("#picker-tag", Select).set_options([(t, t) for t in tags])
        self._refill()

    def _read_history(self) -> None:
        """The Best and Last played columns; a history that cannot be read leaves them empty (the history
        screen says why)."""
        from scoring.history import HistoryError

        try:
            self.played = played_by(self.trainee)
        except HistoryError:
            self.played = {}

    @work(thread=True, exclusive=True, group="picker-history")
    def _read_history_later(self, trainee: str) -> None:
        from scoring.history import HistoryError

        try:
            found = played_by(trainee)
        except HistoryError:
            return
        if found:
            self.app.call_from_thread(self._history_read, trainee, found)

    def _history_read(self, trainee: str, found: dict[str, Played]) -> None:
        if trainee == self.trainee:  # not renamed meanwhile (which reads the history again itself)
            self.played = found
            table = self.query_one("#picker-table", DataTable)
            row = table.cursor_row
            self._refill()
            table.move_cursor(row=row)

    def _refill(self) -> None:
        table = self.query_one("#picker-table", DataTable)
        table.clear()
        self.shown = [e for e in self.entries if self.filter.admits(e)]
        for entry in self.shown:
            table.add_row(*self._cells(entry, self.played.get(entry.id)), key=str(entry.path))
        self.query_one("#picker-title", Label).update(
            f"warroom · choose a drill · {len(self.shown)} of {len(self.entries)} scenarios"
        )
        self._describe(self.shown[0] if self.shown else None)

    @staticmethod
    def _cells(entry: Listing, played: Played | None = None) -> tuple[Text, ...]:
        s = entry.scenario
        if s is None or not entry.ok:
            title = s.title if s else entry.path.name
            return (
                Text.assemble(("⚠ ", "bold red"), Text(title)),
                Text(s.playbook if s else "—"),
                Text(s.difficulty if s else "—"),
                Text("—"),
                Text(""),
                Text(""),
                Text("cannot load", style="red"),
            )
        best = f"{played.best:.0f}" if played is not None and played.best is not None else ""
        return (
            Text(s.title),
            Text(s.playbook),
            Text(s.difficulty),
            Text(format_duration(s.duration), justify="right"),
            Text(best, justify="right"),
            Text(played.last if played else ""),
            Text(", ".join(s.tags), style="dim"),
        )

    def _describe(self, entry: Listing | None) -> None:
        summary = self.query_one("#picker-summary", Static)
        if entry is None:
            summary.update(Content("No scenario matches. Escape clears the filters."))
            return
        if entry.scenario is None or not entry.ok:
            lines = [f"{entry.path.name} ({entry.origin}) cannot be played:", *entry.problems]
            summary.update(Content.assemble(("\n".join(lines), "$error")))
            return
        s = entry.scenario
        summary.update(
            Content.assemble(
                (s.title, "bold"),
                ("  " + f"{s.id} · {entry.origin} · {entry.path.name}", "$text-muted"),
                "\n",
                s.summary.strip(),
            )
        )

    def watch_filter(self) -> None:
        self._refill()

    def on_screen_resume(self) -> None:
        """Back from a drill (or a dialog): a drill just finished shows in Best and Last played."""
        if not self.entries:
            return  # not loaded yet: `load` reads the history itself
        self._update_played()

    def _update_played(self) -> None:
        table = self.query_one("#picker-table", DataTable)
        row = table.cursor_row
        self._read_history()
        self._refill()
        table.move_cursor(row=row)

    # ------------------------------------------------------------ handlers

    @on(Input.Changed, "#picker-search")
    def _search(self, event: Input.Changed) -> None:
        self.filter = PickerFilter(event.value.strip(), self.filter.difficulty, self.filter.playbook, self.filter.tag)

    @on(Input.Submitted, "#picker-search")
    def _to_table(self) -> None:
        """Enter in the search box opens the one scenario it leaves; with several, it moves to the list."""
        if len(self.shown) == 1 and self.shown[0].ok:
            self.open(self.shown[0])
            return
        self.query_one("#picker-table", DataTable).focus()

    @on(Select.Changed)
    def _select(self, event: Select.Changed) -> None:
        value = None if event.value is Select.NULL else str(event.value)
        f = self.filter
        if event.select.id == "picker-difficulty":
            self.filter = PickerFilter(f.text, value, f.playbook, f.tag)
        elif event.select.id == "picker-playbook":
            self.filter = PickerFilter(f.text, f.difficulty, value, f.tag)
        elif event.select.id == "picker-tag":
            self.filter = PickerFilter(f.text, f.difficulty, f.playbook, value)

    @on(DataTable.RowHighlighted, "#picker-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(self._entry(event.cursor_row))

    @on(DataTable.RowSelected, "#picker-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.open(self._entry(event.cursor_row))

    def _entry(self, row: int) -> Listing | None:
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def open(self, entry: Listing | None) -> None:
        if entry is None:
            return
        if entry.scenario is None or entry.playbook is None:
            self.notify("This scenario does not load; its problems are listed below.", severity="error")
            return
        self.post_message(ScenarioChosen(entry.scenario, entry.playbook, entry.path))

    def action_choose(self) -> None:
        table = self.query_one("#picker-table", DataTable)
        self.open(self._entry(table.cursor_row))

    def action_search(self) -> None:
        self.query_one("#picker-search", Input).focus()

    def action_clear(self) -> None:
        self.query_one("#picker-search", Input).value = ""
        for select in self.query(Select):
            select.clear()
        self.filter = PickerFilter()
        self.query_one("#picker-table", DataTable).focus()

    def action_rename(self) -> None:
        self.ask_for_name()

    @work
    async def ask_for_name(self) -> None:
        name = await self.app.push_screen_wait(NameModal(self.trainee))
        if name:
            self.trainee = name
            self._update_played()  # the new name's own scores
            self.post_message(TraineeNamed(name))
            self.notify(f"Hello, {name}.", markup=False)

    def action_history(self) -> None:
        """The drill history: past drills, trends, and review."""
        from scoring.history import HistoryError, default_db
        from tui.screens.history import HistoryScreen

        try:
            screen = HistoryScreen.open(default_db())
        except HistoryError as exc:
            self.notify(str(exc), title="Cannot open the drill history", severity="error", markup=False, timeout=15)
            return
        self.app.push_screen(screen)

    def action_quit(self) -> None:
        self.app.exit()
