"""The comms composer: internal update, status page, customers, executives or support. It opens empty; the
playbook's template for the chosen audience is one key away, with its first blank selected for typing over."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, RadioButton, RadioSet, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Location, Selection

from sim.format.playbook import Templates
from sim.format.vocabulary import STATUS_PAGE_STATES
from tui.modals.base import ConfirmModal, Dialog
from tui.placeholders import Blank, blanks

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


def location(text: str, index: int) -> Location:
    """The (row, column) of a character offset in `text`."""
    row = text.count("\n", 0, index)
    return row, index - (text.rfind("\n", 0, index) + 1)


class MessageArea(TextArea):
    """The message box. ctrl+t inserts `template` with its first blank selected, ctrl+n selects the next blank,
    and ctrl+a selects everything, as in every other editor a trainee has used (TextArea's own ctrl+a, start
    of line, stays on home)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+a", "select_all", "Select all", show=False)]

    template = ""
    """The playbook's template for the audience chosen now ("" when it has none)."""

    async def _on_key(self, event: events.Key) -> None:
        # Handled here rather than by bindings: a binding runs once the key has bubbled up to the app, by which
        # time letters typed right after it may already be in the box ("SEV2", ctrl+n, "T+5m" typed fast
        # would put "T+5m" next to "SEV2"). Here they take their turn with the letters around them.
        own = {"ctrl+t": self.insert_template, "ctrl+n": self.next_blank}.get(event.key)
        if own is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        own()

    def insert_template(self) -> None:
        """Put the template where the cursor is (over the selection, if any) and select its first blank."""
        if not self.template:
            return
        top, bottom = sorted(self.selection)
        start = self.index(top)
        self.replace(self.template, top, bottom, maintain_selection_offset=False)
        first = next(iter(blanks(self.template)), None)
        if first is not None:
            self.select_blank(first._replace(start=start + first.start, end=start + first.end))

    def next_blank(self) -> None:
        """Select the next placeholder after the cursor, wrapping round to the first."""
        found = blanks(self.text)
        if not found:
            self.notify("No blanks left to fill in.")
            return
        after = self.index(self.selection.end)
        self.select_blank(next((b for b in found if b.start >= after), found[0]))

    def select_blank(self, blank: Blank) -> None:
        """Select a placeholder, so that typing replaces it."""
        text = self.text
        self.selection = Selection(location(text, blank.start), location(text, blank.end))

    def index(self, where: Location) -> int:
        """The character offset in `text` of a (row, column) location."""
        row, column = where
        return sum(len(line) + 1 for line in self.text.split("\n")[:row]) + column


class CommsModal(Dialog[Outgoing]):
    """Choose the audience on the left, write on the right (ctrl+t: the playbook's template), ctrl+s sends."""

    TITLE_TEXT = "Communicate"
    # ctrl+t and ctrl+n are here for when the audience list has focus; the message box handles its own.
    # None is a priority binding: that runs as the key arrives, ahead of letters still on their way to the box.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="comms.send"),
        Binding("ctrl+t", "insert_template", "Insert template", id="comms.template"),
        Binding("ctrl+n", "next_blank", "Next blank", id="comms.next-blank"),
    ]

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
                with Vertical(id="comms-main"):
                    yield MessageArea(id="comms-text", soft_wrap=True, placeholder="Write your message…")
                    yield Static(id="comms-hint", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Insert template (ctrl+t)", id="template")
                yield Button("Send (ctrl+s)", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def _offered(self, action: str) -> bool:
        return self.available is None or action in self.available

    @property
    def template(self) -> str:
        """The playbook's template for the audience chosen now ("" when it has none)."""
        return template_for(self.templates, self.channel)

    @property
    def text_area(self) -> MessageArea:
        return self.query_one("#comms-text", MessageArea)

    def on_mount(self) -> None:
        channels = self.query_one("#channel-list", OptionList)
        channels.highlighted = list(CHANNELS).index(self.channel)
        self._show_channel()
        self.text_area.focus()

    def _show_channel(self) -> None:
        """What depends on the audience: the state choice, and whether there is a template to insert."""
        status_page = self.channel == "status_page"
        self.query_one("#state-label").display = status_page
        self.query_one("#state-set").display = status_page
        label = CHANNELS[self.channel][1].lower()
        hint = (
            f"ctrl+t: the playbook's {label} template · ctrl+n: the next blank to fill in"
            if self.template
            else f"The playbook has no {label} template: write your own."
        )
        self.query_one("#comms-hint", Static).update(Content(hint))
        self.query_one("#template", Button).disabled = not self.template
        self.text_area.template = self.template
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "insert_template" and not self.template:
            return None  # shown disabled: there is nothing to insert for this audience
        return True

    @on(OptionList.OptionHighlighted, "#channel-list")
    def _switch(self, event: OptionList.OptionHighlighted) -> None:
        channel = str(event.option.id)
        if channel == self.channel:
            return
        area = self.text_area
        # The old audience's template, inserted and not edited: swap it for the new audience's.
        untouched = bool(self.template) and area.text == self.template
        self.channel = channel
        self._show_channel()
        if untouched:
            area.clear()
            area.insert_template()

    @on(OptionList.OptionSelected, "#channel-list")
    def _to_text(self) -> None:
        self.text_area.focus()

    @on(RadioSet.Changed, "#state-set")
    def _state(self, event: RadioSet.Changed) -> None:
        self.state = str(event.pressed.name)

    @on(Button.Pressed, "#template")
    def action_insert_template(self) -> None:
        self.text_area.insert_template()
        self.text_area.focus()

    def action_next_blank(self) -> None:
        self.text_area.next_blank()
        self.text_area.focus()

    @on(Button.Pressed, "#send")
    def action_send(self) -> None:
        action = CHANNELS[self.channel][0]
        if not self._offered(action):
            self.notify("That audience is not available right now.", severity="warning")
            return
        text = self.text_area.text.strip()
        if not text:
            hint = " ctrl+t inserts the playbook's template." if self.template else ""
            self.notify(f"Write the message first.{hint}", severity="warning")
            return
        left = blanks(text)
        if not left:
            self._send(text)
            return
        more = f" and {len(left) - 1} more blank{'s' if len(left) > 2 else ''}" if len(left) > 1 else ""

        def answered(send: bool | None) -> None:
            if send:
                self._send(text)
            else:  # back to the message, on the blank that stopped it
                area = self.text_area
                area.select_blank(blanks(area.text)[0])
                area.focus()

        self.app.push_screen(
            ConfirmModal(
                "Send it with blanks left?",
                f"The message still has {left[0].text}{more}: send anyway?",
                confirm="Send anyway",
                danger=False,
            ),
            answered,
        )

    def _send(self, text: str) -> None:
        params: dict[str, Any] = {"text": text}
        if self.channel == "status_page":
            params["state"] = self.state
        self.dismiss(Outgoing(CHANNELS[self.channel][0], params))
