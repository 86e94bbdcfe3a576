"""The comms composer: internal update, status page, customers, executives or support, pre-filled from the
playbook's templates and editable before sending."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, RadioButton, RadioSet, TextArea
from textual.widgets.option_list import Option

from sim.format.playbook import Templates
from sim.format.vocabulary import STATUS_PAGE_STATES
from tui.modals.base import Dialog

# channel -> (standard action id, label, template field)
CHANNELS: Mapping[str, tuple[str, str, str]] = {
    "internal": ("post_update", "Internal update", "internal_update"),
    "status_page": ("status_page", "Status page", "status_page"),
    "customers": ("notify_customers", "Customers", "customers"),
    "executives": ("brief_executives", "Executives", "executives"),
    "support": ("brief_support", "Support", "support"),
}


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What to send: the standard action and its parameters."""

    action: str
    params: dict[str, Any] = field(default_factory=dict)


def template_for(templates: Templates, channel: str) -> str:
    return str(getattr(templates, CHANNELS[channel][2], "") or "")


class CommsModal(Dialog[Outgoing]):
    """Choose the audience on the left, edit the message on the right, ctrl+s sends."""

    TITLE_TEXT = "Communicate"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "send", "Send", id="comms.send", priority=True)]

    def __init__(
        self,
        templates: Templates,
        *,
        channel: str = "internal",
        state: str = "investigating",
        available: frozenset[str] | None = None,
    ) -> None:
        super().__init__()
        self.templates = templates
        self.channel = channel
        self.state = state if state in STATUS_PAGE_STATES else STATUS_PAGE_STATES[0]
        # Channels whose action the drill offers now (None: all of them).
        self.available = available
        self._prefill = template_for(templates, channel)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            with Horizontal(id="comms-body"):
                with Vertical(id="comms-side"):
                    yield Label("To", classes="section")
                    yield OptionList(
                        *(
                            Option(Content(label), id=channel, disabled=not self._offered(action))
                            for channel, (action, label, _) in CHANNELS.items()
                        ),
                        id="channel-list",
                    )
                    yield Label("Status page state", classes="section", id="state-label")
                    with RadioSet(id="state-set"):
                        for state in STATUS_PAGE_STATES:
                            yield RadioButton(state.capitalize(), value=state == self.state, name=state)
                yield TextArea(self._prefill, id="comms-text", soft_wrap=True, placeholder="Write your message…")
            with Horizontal(classes="buttons"):
                yield Button("Send (ctrl+s)", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def _offered(self, action: str) -> bool:
        return self.available is None or action in self.available

    def on_mount(self) -> None:
        channels = self.query_one("#channel-list", OptionList)
        channels.highlighted = list(CHANNELS).index(self.channel)
        self._show_state(self.channel == "status_page")
        text = self.query_one("#comms-text", TextArea)
        text.move_cursor(text.document.end)  # trainees add to a template more often than they rewrite its start
        text.focus()

    def _show_state(self, show: bool) -> None:
        self.query_one("#state-label").display = show
        self.query_one("#state-set").display = show

    @on(OptionList.OptionHighlighted, "#channel-list")
    def _switch(self, event: OptionList.OptionHighlighted) -> None:
        channel = str(event.option.id)
        if channel == self.channel:
            return
        text = self.query_one("#comms-text", TextArea)
        # Swap in the new audience's template only if the trainee has not edited the old one.
        if text.text == self._prefill:
            self._prefill = template_for(self.templates, channel)
            text.load_text(self._prefill)
        self.channel = channel
        self._show_state(channel == "status_page")

    @on(OptionList.OptionSelected, "#channel-list")
    def _to_text(self) -> None:
        self.query_one("#comms-text", TextArea).focus()

    @on(RadioSet.Changed, "#state-set")
    def _state(self, event: RadioSet.Changed) -> None:
        self.state = str(event.pressed.name)

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        action = CHANNELS[self.channel][0]
        if not self._offered(action):
            self.notify("That audience is not available right now.", severity="warning")
            return
        params: dict[str, Any] = {"text": self.query_one("#comms-text", TextArea).text.strip()}
        if self.channel == "status_page":
            params["state"] = self.state
        self.dismiss(Outgoing(action, params))
