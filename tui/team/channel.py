"""The incident channel's line under a team drill: who you are and what you may do, or, after `m`, a one-line
composer. One row either way, so the feed keeps its room; the message goes out on enter, escape drops it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Static

MAX_MESSAGE = 2000  # the host's bound for a channel message (docs/protocol.md)


class ChannelBar(Horizontal):
    """The seat line, or the composer while `composing`."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Drop the message", id="channel.cancel"),
    ]

    composing: reactive[bool] = reactive(False, init=False)
    """Whether the composer is open (the seat line hides meanwhile)."""
    seat: reactive[Content] = reactive(Content, init=False)
    """Who this seat is and what it may do, as the seat line says it."""

    @dataclass
    class Said(Message):
        """Enter in the composer: `text` goes to the incident channel."""

        bar: ChannelBar
        text: str

        @property
        def control(self) -> ChannelBar:
            return self.bar

    def compose(self) -> ComposeResult:
        yield Static(self.seat, id="seat-line", markup=False)
        yield Static("To the channel ›", id="say-label", markup=False)
        yield Input(
            placeholder="Write to the incident channel (enter sends, escape drops)",
            max_length=MAX_MESSAGE,
            id="say",
        )

    def on_mount(self) -> None:
        self.query_one("#say", Input).display = False
        self.query_one("#say-label", Static).display = False

    def watch_seat(self, seat: Content) -> None:
        self.query_one("#seat-line", Static).update(seat)

    def watch_composing(self, composing: bool) -> None:
        box = self.query_one("#say", Input)
        self.query_one("#seat-line", Static).display = not composing
        self.query_one("#say-label", Static).display = composing
        box.display = composing
        if composing:
            box.focus()
        else:
            box.value = ""
            self.screen.set_focus(None)

    def open(self) -> None:
        self.composing = True

    def action_cancel(self) -> None:
        self.composing = False

    @on(Input.Submitted, "#say")
    def _send(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        self.composing = False
        if text:
            self.post_message(self.Said(self, text))
