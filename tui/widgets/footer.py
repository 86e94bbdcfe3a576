"""The drill's footer: Textual's own, compact below a width, with the keys that can give way marked, so a
narrow screen's CSS hides them and keeps the ones a trainee cannot do without (the actions menu, resolve,
quit and help)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer


class DrillFooter(Footer):
    """Each key whose action is in `minor` gets the `-minor` class (`.-narrow FooterKey.-minor` hides it);
    narrower than `compact_below` columns, the keys sit closer together."""

    def __init__(self, minor: Iterable[str], *, compact_below: int = 0, id: str | None = None) -> None:
        super().__init__(id=id)
        self.minor = frozenset(minor)
        self.compact_below = compact_below

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # Textual's FooterKey is not public API; what it is for is its `action`, so ask for that alone.
            if getattr(widget, "action", None) in self.minor:
                widget.add_class("-minor")
            yield widget

    def on_resize(self, event: Resize) -> None:
        self.compact = event.size.width < self.compact_below
