"""The help screen (F1 or ?): every key binding active on the screen underneath, grouped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, Static


@dataclass(frozen=True, slots=True)
class KeyHelp:
    group: str
    key: str
    description: str


def bindings_of(screen: Screen[object]) -> list[KeyHelp]:
    """The screen's active bindings, one row per action: the screen's own first, then the app's, then the
    focused widget's (scrolling and the like), which matter least."""
    ranked: list[tuple[int, KeyHelp]] = []
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or binding.system:
            continue
        node = active.node
        group = getattr(node, "BINDING_GROUP_TITLE", None) or type(node).__name__
        mark = (group, binding.action)
        if mark in seen:
            continue  # `plus,equals_sign` is one action under two keys: list it once
        seen.add(mark)
        shown = binding.key_display or screen.app.get_key_display(binding) or key
        if node is screen:
            # Screen's own base bindings (focus, copy) are generic: list them after the app's.
            rank = 2 if any(_action(b) == binding.action for b in Screen.BINDINGS) else 0
        else:
            rank = 1 if node is screen.app else 3
        ranked.append((rank, KeyHelp(group, shown, binding.description)))
    return [row for _, row in sorted(ranked, key=lambda pair: pair[0])]


def _action(binding: BindingType) -> str:
    return binding.action if isinstance(binding, Binding) else binding[1]


class HelpScreen(ModalScreen[None]):
    """Read-only; any of escape, q, ? or F1 closes it."""

    CSS_PATH = Path(__file__).parent.parent / "dialogs.tcss"
    BINDING_GROUP_TITLE = "Help"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "close", "Close", id="help.close"),
    ]

    def __init__(self, rows: Iterable[KeyHelp], intro: str = "") -> None:
        super().__init__()
        self.rows = list(rows)
        self.intro = intro

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield Label("Keys", classes="dialog-title")
            if self.intro:
                yield Static(self.intro, classes="hint", markup=False)
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Key", "Does", "Where")
            for row in self.rows:
                table.add_row(Text(row.key, style="bold"), Text(row.description), Text(row.group))
            yield table
            yield Static("Mouse: click panels, buttons and options; scroll the feed.", classes="hint", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
