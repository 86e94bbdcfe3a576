"""Menus: every action the drill offers now (scenario actions first), and the feed filter."""

from __future__ import annotations

from collections.abc import Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from sim.format.catalogue import ActionSpec
from sim.format.durations import format_duration
from tui.formatting import CATEGORIES, CATEGORY_LABELS
from tui.modals.base import Dialog
from tui.widgets.feed import FeedFilter

GROUP_ORDER = ("mitigate", "respond", "investigate", "communicate", "close")


def ordered(specs: Sequence[ActionSpec]) -> list[ActionSpec]:
    """Scenario actions first (they are why the trainee opened this menu), then the catalogue by group."""

    def key(spec: ActionSpec) -> tuple[int, int]:
        group = GROUP_ORDER.index(spec.group) if spec.group in GROUP_ORDER else len(GROUP_ORDER)
        return (0 if spec.scenario else 1, group)

    return sorted(specs, key=key)


def action_prompt(spec: ActionSpec) -> Content:
    mark = ("  ⚠ destructive", "$error") if spec.destructive else ""
    return Content.assemble(
        (spec.label, "bold" if spec.scenario else ""), ("  " + format_duration(spec.duration), "$text-muted"), mark
    )


class ActionsModal(Dialog[str]):
    """Dismisses with the chosen action id; the screen then asks for its parameters or a confirmation."""

    TITLE_TEXT = "Actions"

    def __init__(self, specs: Sequence[ActionSpec]) -> None:
        super().__init__()
        self.specs = ordered(specs)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            options: list[Option | None] = []
            previous: bool | None = None
            for spec in self.specs:
                if previous is not None and previous != spec.scenario:
                    options.append(None)  # a separator between the scenario's actions and the catalogue
                options.append(Option(action_prompt(spec), id=spec.id))
                previous = spec.scenario
            yield OptionList(*options, id="action-list")
            yield Static(id="action-help", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Do it", id="do", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#action-list", OptionList)
        options.highlighted = 0 if self.specs else None
        options.focus()

    @on(OptionList.OptionHighlighted, "#action-list")
    def _help(self, event: OptionList.OptionHighlighted) -> None:
        spec = next(s for s in self.specs if s.id == event.option.id)
        self.query_one("#action-help", Static).update(Content(spec.description or spec.label))

    @on(OptionList.OptionSelected, "#action-list")
    @on(Button.Pressed, "#do")
    def _do(self) -> None:
        options = self.query_one("#action-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).id))


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
