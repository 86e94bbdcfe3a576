"""Menus: every action of the drill, grouped as investigate, mitigate, communicate and coordinate, with what
is done and what is under way; and the feed filter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from sim.engine.state import DrillState
from sim.format.catalogue import ActionSpec
from sim.format.durations import format_duration
from tui.formatting import CATEGORIES, CATEGORY_LABELS, time_left
from tui.modals.base import Dialog
from tui.widgets.feed import FeedFilter

# The menu's groups, in order. A scenario's own actions have no kind of their own: they are all "mitigate",
# and sit there in alphabetical order like every group, so the fix never stands out by its place. Nor is a
# destructive action marked: in most scenarios those are the wrong ones (choosing one still asks first).
GROUPS: tuple[tuple[str, str], ...] = (
    ("investigate", "Investigate"),
    ("mitigate", "Mitigate"),
    ("communicate", "Communicate"),
    ("coordinate", "Coordinate"),
)
_GROUP_OF_KIND = {
    "investigate": "investigate",
    "communicate": "communicate",
    "respond": "coordinate",
    "close": "coordinate",
}

Status = Literal["ready", "done", "running", "spent"]


class MenuEntry(NamedTuple):
    """One action as the menu shows it: `done` ran before and can run again, `spent` ran and cannot."""

    spec: ActionSpec
    status: Status
    left: str = ""  # a running action's time left


def group_of(spec: ActionSpec) -> str:
    return _GROUP_OF_KIND.get(spec.group, "mitigate")


def menu_entries(specs: Iterable[ActionSpec], state: DrillState) -> list[MenuEntry]:
    """What the menu lists: what can start now (done before or not), what is under way, and what is done
    for good. Actions that cannot start yet and never ran stay out: a locked action would tell what it
    waits for."""
    running = {r.action: r for r in state.running}
    entries = []
    for spec in specs:
        run = running.get(spec.id)
        if run is not None:
            entries.append(MenuEntry(spec, "running", time_left(run.finishes_at - state.now)))
        elif spec.id not in state.refusals:
            entries.append(MenuEntry(spec, "done" if spec.id in state.done else "ready"))
        elif spec.id in state.done:
            entries.append(MenuEntry(spec, "spent"))
    return entries


def grouped(entries: Iterable[MenuEntry]) -> list[tuple[str, list[MenuEntry]]]:
    """(group title, its entries by label): every group that has any, in `GROUPS` order."""
    by_group: dict[str, list[MenuEntry]] = {group: [] for group, _ in GROUPS}
    for entry in entries:
        by_group[group_of(entry.spec)].append(entry)
    return [
        (title, sorted(by_group[group], key=lambda e: (e.spec.label.casefold(), e.spec.id)))
        for group, title in GROUPS
        if by_group[group]
    ]


def entry_prompt(entry: MenuEntry) -> Content:
    """The label in plain words (scenario text, never markup), its length, and whether it is done or running."""
    spec = entry.spec
    duration = format_duration(spec.duration)
    if entry.status == "running":
        running, left = ("  running, ", "$text-muted"), (entry.left, "bold")
        return Content.assemble(("▸ ", "$accent"), spec.label, running, left, (" left", "$text-muted"))
    if entry.status == "spent":
        return Content.assemble(("✓ ", "$success"), (spec.label, "$text-muted"), ("  done", "$text-muted"))
    if entry.status == "done":
        return Content.assemble(("✓ ", "$success"), spec.label, (f"  {duration} · done before", "$text-muted"))
    return Content.assemble("  ", spec.label, (f"  {duration}", "$text-muted"))


def entry_help(entry: MenuEntry) -> Content:
    spec = entry.spec
    text = spec.description or spec.label
    if entry.status == "done":
        text = f"{text}\nDone before: choosing it runs it again."
    return Content(text)


def _heading_id(title: str) -> str:
    return f"group:{title}"  # action ids never hold a colon


class ActionsModal(Dialog[str]):
    """Dismisses with the chosen action id; the screen then asks for its parameters or a confirmation.

    The list keeps its rows while it is open: the screen's `show` updates each row's mark and time left."""

    TITLE_TEXT = "Actions"

    def __init__(self, entries: Sequence[MenuEntry]) -> None:
        super().__init__()
        self.groups = grouped(entries)
        self.entries = {e.spec.id: e for _, group in self.groups for e in group}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            options: list[Option] = []
            for title, entries in self.groups:
                options.append(Option(Content.styled(title, "bold $accent"), id=_heading_id(title), disabled=True))
                options += [Option(entry_prompt(e), id=e.spec.id, disabled=_closed(e)) for e in entries]
            yield OptionList(*options, id="action-list")
            yield Static(id="action-help", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Do it", id="do", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#action-list", OptionList)
        options.action_first()  # the first option that can be chosen
        options.focus()

    def show(self, entries: Iterable[MenuEntry]) -> None:
        """The drill moved on: mark what finished, count down what runs. Rows are neither added nor removed
        while the trainee reads the list."""
        try:
            options = self.query_one("#action-list", OptionList)
        except NoMatches:
            return  # not composed yet: it was built from the latest entries anyway
        for entry in entries:
            old = self.entries.get(entry.spec.id)
            if old is None or old == entry:
                continue
            self.entries[entry.spec.id] = entry
            options.replace_option_prompt(entry.spec.id, entry_prompt(entry))
            if _closed(entry):
                options.disable_option(entry.spec.id)
            else:
                options.enable_option(entry.spec.id)

    @on(OptionList.OptionHighlighted, "#action-list")
    def _help(self, event: OptionList.OptionHighlighted) -> None:
        entry = self.entries.get(str(event.option.id))
        self.query_one("#action-help", Static).update(entry_help(entry) if entry else Content(""))

    @on(OptionList.OptionSelected, "#action-list")
    @on(Button.Pressed, "#do")
    def _do(self) -> None:
        options = self.query_one("#action-list", OptionList)
        if options.highlighted is None:
            return
        option = options.get_option_at_index(options.highlighted)
        if not option.disabled:
            self.dismiss(str(option.id))


def _closed(entry: MenuEntry) -> bool:
    return entry.status in ("running", "spent")


class FilterModal(Dialog[FeedFilter]):
    """Which kinds of feed lines to show, and text they must contain."""

    TITLE_TEXT = "Filter the feed"

    def __init__(self, current: FeedFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield self.title_label()
            yield SelectionList[str](
                *(Selection(CATEGORY_LABELS[c], c, c in self.current.categories) for c in CATEGORIES),
                id="filter-kinds",
            )
            yield Label("Containing", classes="section")
            yield Input(self.current.text, placeholder="any text", id="filter-text")
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Show all", id="reset")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#filter-kinds", SelectionList).focus()

    @on(Input.Submitted, "#filter-text")
    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        kinds = self.query_one("#filter-kinds", SelectionList).selected
        self.dismiss(FeedFilter(frozenset(kinds), self.query_one("#filter-text", Input).value.strip()))

    @on(Button.Pressed, "#reset")
    def _reset(self) -> None:
        self.dismiss(FeedFilter())
