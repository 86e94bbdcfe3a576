"""A table of rows to pick from (scenarios, past drills), where Home and End go to the first and last row."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class RowTable(DataTable[Text]):
    """DataTable with a row cursor. Textual binds Home and End to the first and last *column*, which with a row
    cursor scrolls the table sideways instead; here they move to the first and last row, as in a list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("home", "scroll_top", "First row", show=False),
        Binding("end", "scroll_bottom", "Last row", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
