"""The dialog base and the small dialogs: confirmation, unexpected error, and the trainee's name."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

T = TypeVar("T")


class Dialog(ModalScreen[T]):
    """A centred box with a title; escape cancels (dismisses with None)."""

    CSS_PATH = Path(__file__).parent.parent / "dialogs.tcss"
    BINDING_GROUP_TITLE = "Dialog"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]
    TITLE_TEXT = ""

    def title_label(self, text: str | None = None) -> Label:
        return Label(Content(text or self.TITLE_TEXT), classes="dialog-title")

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(None)


class ConfirmModal(Dialog[bool]):
    """Are you sure? For destructive or irreversible actions (resolve, risky scenario actions, quit)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Yes", id="confirm.yes"),
        Binding("n", "cancel", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, body: str, *, confirm: str = "Confirm", danger: bool = True) -> None:
        super().__init__(classes="-danger" if danger else "")
        self._title = title
        self._body = body
        self._confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -small"):
            yield self.title_label(self._title)
            yield Static(Content(self._body), id="confirm-body")
            with Horizontal(classes="buttons"):
                yield Button(
                    f"{self._confirm} (y)", id="confirm", variant="error" if self.has_class("-danger") else "primary"
                )
                yield Button("Cancel (n)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#confirm")
    def _confirm_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.dismiss(False)


class ErrorModal(Dialog[None]):
    """Something went wrong inside the drill. The journal is kept, and says how to pick it back up."""

    TITLE_TEXT = "The drill hit an unexpected error"

    def __init__(self, error: BaseException, journal: str | None) -> None:
        super().__init__(classes="-danger")
        self._error = f"{type(error).__name__}: {error}"
        self._journal = journal

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield self.title_label()
            with VerticalScroll(id="error-body"):
                yield Static(Content(self._error), id="error-text")
                if self._journal:
                    yield Static(
                        Content(
                            f"Everything up to this moment is in the journal:\n  {self._journal}\n"
                            f"Continue it later with:\n  warroom resume {self._journal}\n"
                            f"or, back in this screen:\n  warroom play --resume {self._journal}"
                        ),
                        id="error-journal",
                    )
                else:
                    yield Static(Content("This drill had no journal."), id="error-journal")
            with Horizontal(classes="buttons"):
                yield Button("Close", id="cancel", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()


class NameModal(Dialog[str]):
    """Asked once: the name that goes on the journal and the debrief."""

    TITLE_TEXT = "Who is on call today?"

    def __init__(self, current: str = "") -> None:
        super().__init__()
        self._current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -small"):
            yield self.title_label()
            yield Static("Your name goes on the journal and the debrief. It is remembered.", classes="hint")
            yield Input(self._current, placeholder="Your name", id="name", max_length=60)
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        if not name:
            self.notify("Type a name, or press escape to stay anonymous.", severity="warning")
            return
        self.dismiss(name)
