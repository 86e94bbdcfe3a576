"""The facilitator's dialogs: an ad-hoc inject as any persona, a hint, a timeline note, and a clock jump.
What the facilitator types goes to the engine as it is, and is shown back as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from sim.engine.cast import Person
from sim.format.durations import format_clock, parse_duration
from tui.modals.base import Dialog

# The inject kinds a facilitator may write, with the words the dialog uses (the engine checks the ids).
INJECT_KINDS: tuple[tuple[str, str], ...] = (
    ("chat", "Chat message"),
    ("page", "Page"),
    ("alert", "Alert"),
    ("customer_report", "Customer report"),
    ("exec_ping", "Executive ping"),
    ("vendor_notice", "Vendor notice"),
    ("log", "Log line"),
    ("hint", "Hint"),
)


@dataclass(frozen=True, slots=True)
class Said:
    """An ad-hoc inject: who sends it (a cast slot), what kind it is, and its text."""

    sender: str
    inject_kind: str
    text: str


class SayModal(Dialog[Said]):
    """Pick a persona from the cast, the kind of inject, write the text; enter sends."""

    TITLE_TEXT = "Inject as…"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "send", "Send", id="say.send", priority=True)]

    def __init__(self, people: Sequence[Person]) -> None:
        super().__init__()
        self.people = list(people)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield self.title_label()
            yield Label("From", classes="section")
            yield OptionList(
                *(
                    Option(Content.assemble(p.name, (f"  {p.title}" if p.title else "", "$text-muted")), id=p.slot)
                    for p in self.people
                ),
                id="say-persona",
            )
            yield Label("Kind", classes="section")
            yield Select(
                [(label, kind) for kind, label in INJECT_KINDS], value="chat", allow_blank=False, id="say-kind"
            )
            yield Input(placeholder="What they say…", id="say-text", max_length=500)
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+s)", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        persona = self.query_one("#say-persona", OptionList)
        if self.people:
            persona.highlighted = 0
        persona.focus()

    @on(OptionList.OptionSelected, "#say-persona")
    def _to_text(self) -> None:
        self.query_one("#say-text", Input).focus()

    @on(Input.Submitted, "#say-text")
    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        persona = self.query_one("#say-persona", OptionList)
        text = self.query_one("#say-text", Input).value.strip()
        if persona.highlighted is None or not self.people:
            self.notify("Choose who sends it.", severity="warning")
            return
        if not text:
            self.notify("Write what they say.", severity="warning")
            self.query_one("#say-text", Input).focus()
            return
        kind = self.query_one("#say-kind", Select).value
        self.dismiss(Said(self.people[persona.highlighted].slot, str(kind), text))


class TextModal(Dialog[str]):
    """One line of text for the journal: a hint the trainee sees, or a note only the debrief shows."""

    def __init__(self, title: str, explanation: str, placeholder: str) -> None:
        super().__init__()
        self._title = title
        self._explanation = explanation
        self._placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -small"):
            yield self.title_label(self._title)
            yield Static(Content(self._explanation), classes="hint")
            yield Input(placeholder=self._placeholder, id="facilitator-text", max_length=500)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#facilitator-text")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        text = self.query_one("#facilitator-text", Input).value.strip()
        if not text:
            self.notify("Type something, or press escape.", severity="warning")
            return
        self.dismiss(text)


class JumpModal(Dialog[float]):
    """How far to move the clock, as a duration (`90s`, `5m`, `1h`); timers and faults run through it."""

    TITLE_TEXT = "Jump the clock"

    def __init__(self, now: float) -> None:
        super().__init__()
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -small"):
            yield self.title_label()
            yield Static(
                Content(
                    f"It is {format_clock(self.now)}. Everything due on the way happens: "
                    "timers expire, faults move, injects fire."
                ),
                classes="hint",
            )
            yield Input("5m", placeholder="e.g. 90s, 5m, 1h", id="jump-by", max_length=20)
            yield Label("", id="jump-error")
            with Horizontal(classes="buttons"):
                yield Button("Jump", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#jump-by")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        text = self.query_one("#jump-by", Input).value.strip()
        try:
            seconds = parse_duration(text)
        except ValueError as exc:
            self.query_one("#jump-error", Label).update(Content(str(exc)))
            return
        if seconds <= 0:
            self.query_one("#jump-error", Label).update(Content("Give a time to move on by, e.g. 5m."))
            return
        self.dismiss(seconds)
