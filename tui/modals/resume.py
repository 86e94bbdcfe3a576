"""The dialog shown at start when a drill was left unfinished: resume it, move it aside, or decide later."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Static

from sim.journal.directory import Unfinished
from tui.formatting import clock
from tui.modals.base import Dialog


class ResumeModal(Dialog[str]):
    """Dismisses with `resume`, `discard`, or None (later: the journal stays where it is)."""

    TITLE_TEXT = "A drill was left unfinished"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "choose('resume')", "Resume", id="resume.resume"),
        Binding("d", "choose('discard')", "Discard", id="resume.discard"),
        Binding("l,escape", "cancel", "Later", id="resume.later"),
    ]

    def __init__(self, drill: Unfinished, others: int = 0) -> None:
        super().__init__()
        self.drill = drill
        self.others = others

    def compose(self) -> ComposeResult:
        u = self.drill
        more = f"\n{self.others} more unfinished: `warroom resume` lists them." if self.others else ""
        body = (
            f"{u.scenario}, {u.trainee}: its last event was at {clock(u.reached)} (saved {u.modified_text}).\n\n"
            f"Resume carries on exactly where it stopped. Discard moves its journal, {u.path.name}, "
            f"into discarded/ beside it: nothing is deleted.{more}"
        )
        with Vertical(id="dialog", classes="dialog"):
            yield self.title_label()
            yield Static(Content(body), id="resume-body")
            with Horizontal(classes="buttons"):
                yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("Discard (d)", id="discard", variant="warning")
                yield Button("Later (l)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#resume", Button).focus()

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        self.dismiss("resume")

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss("discard")
