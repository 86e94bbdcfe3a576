"""The feed: alerts, pages, messages, clues and the trainee's own actions, timestamped, coloured, filterable."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

from tui.formatting import CATEGORIES, FeedItem

# Old lines are dropped past this many so a long drill never slows the layout down.
MAX_LINES = 600


class FeedFilter(NamedTuple):
    """Which categories to show, and a case-insensitive text the line must contain."""

    categories: frozenset[str] = frozenset(CATEGORIES)
    text: str = ""

    def admits(self, item: FeedItem) -> bool:
        return item.category in self.categories and (not self.text or self.text.lower() in item.text.lower())

    @property
    def active(self) -> bool:
        return self.categories != frozenset(CATEGORIES) or bool(self.text)

    def describe(self) -> str:
        hidden = [c for c in CATEGORIES if c not in self.categories]
        parts = [f"hiding {', '.join(hidden)}"] if hidden else []
        if self.text:
            parts.append(f"matching {self.text!r}")
        return "; ".join(parts)


class FeedLine(Static):
    """One event; its text is built as Content, so scenario text is never read as markup."""

    def __init__(self, item: FeedItem) -> None:
        super().__init__(item.content(), classes=f"feed-line -{item.category}", markup=False)
        self.item = item


class Feed(VerticalScroll):
    """The drill's running log, newest at the bottom; it follows new lines unless the trainee scrolled up."""

    BORDER_TITLE = "Feed"

    filter: reactive[FeedFilter] = reactive(FeedFilter, init=False)
    """What the trainee chose to see."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[FeedItem] = []

    def on_mount(self) -> None:
        # Textual's anchor keeps the newest line in view as lines arrive, and lets go while the trainee
        # scrolls up to read back (comparing scroll positions by hand lagged behind wrapped lines' layout).
        self.anchor()

    def add(self, items: Iterable[FeedItem]) -> None:
        lines = [FeedLine(item) for item in items]
        if not lines:
            return
        for line in lines:
            line.display = self.filter.admits(line.item)
        self.items.extend(line.item for line in lines)
        self.mount_all(lines)
        excess = len(self.items) - MAX_LINES
        if excess > 0:
            self.remove_children(list(self.query_children(FeedLine))[:excess])
            del self.items[:excess]

    def watch_filter(self, feed_filter: FeedFilter) -> None:
        for line in self.query(FeedLine):
            line.display = feed_filter.admits(line.item)
        self.border_subtitle = feed_filter.describe()
        self.set_class(feed_filter.active, "-filtered")
        self.scroll_end(animate=False)

    def visible_text(self) -> list[str]:
        """The lines the filter lets through, oldest first (for tests and the debrief)."""
        return [line.item.text for line in self.query(FeedLine) if line.display]
