"""Dialogs that pick people: assign a role (to the cast or "me"), and page someone from the escalation list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.engine.cast import Person
from sim.format.playbook import Contact, Role
from tui.modals.base import Dialog

ME = "me"


@dataclass(frozen=True, slots=True)
class Assignment:
    role: str
    who: str


class RoleModal(Dialog[Assignment]):
    """Pick a role on the left, a person on the right; enter on the person assigns."""

    TITLE_TEXT = "Assign a role"

    def __init__(self, roles: Sequence[Role], people: Sequence[Person], current: Mapping[str, str]) -> None:
        super().__init__()
        self.roles = list(roles)
        self.people = list(people)
        self.current = dict(current)
        self._names = {p.slot: p.name for p in self.people}

    def _role_prompt(self, role: Role) -> Content:
        holder = self.current.get(role.id)
        who = self._names.get(holder, holder) if holder else "unassigned"
        return Content.assemble((role.name, "bold"), " ", (f"({who})", "$text-muted"))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            with Horizontal(id="people-body"):
                with Vertical():
                    yield Label("Role", classes="section")
                    yield OptionList(*(Option(self._role_prompt(r), id=r.id) for r in self.roles), id="role-list")
                with Vertical():
                    yield Label("Who", classes="section")
                    yield OptionList(
                        Option(Content.assemble(("me", "bold"), " ", ("(you take it)", "$text-muted")), id=ME),
                        *(
                            Option(Content.assemble((p.name, "bold"), " ", (p.title, "$text-muted")), id=p.slot)
                            for p in self.people
                        ),
                        id="who-list",
                    )
            yield Static(id="role-duties", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Assign", id="assign", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        roles = self.query_one("#role-list", OptionList)
        unassigned = [i for i, r in enumerate(self.roles) if r.id not in self.current]
        roles.highlighted = unassigned[0] if unassigned else 0
        self.query_one("#who-list", OptionList).highlighted = 0
        roles.focus()

    @on(OptionList.OptionHighlighted, "#role-list")
    def _duties(self, event: OptionList.OptionHighlighted) -> None:
        role = next(r for r in self.roles if r.id == event.option.id)
        self.query_one("#role-duties", Static).update(Content("; ".join(role.responsibilities)))

    @on(OptionList.OptionSelected, "#role-list")
    def _to_people(self) -> None:
        self.query_one("#who-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#who-list")
    @on(Button.Pressed, "#assign")
    def _assign(self) -> None:
        roles = self.query_one("#role-list", OptionList)
        who = self.query_one("#who-list", OptionList)
        if roles.highlighted is None or who.highlighted is None:
            return
        role_id = str(roles.get_option_at_index(roles.highlighted).id)
        who_id = str(who.get_option_at_index(who.highlighted).id)
        # The engine records who by name ("me" becomes the trainee), as a facilitator would write it.
        self.dismiss(Assignment(role_id, self._names.get(who_id, who_id)))


class PageModal(Dialog[str]):
    """Bring someone in: the playbook's contacts, with the cast's names and whether they were paged."""

    TITLE_TEXT = "Page / escalate"

    def __init__(self, contacts: Sequence[Contact], names: Mapping[str, str], paged: frozenset[str]) -> None:
        super().__init__()
        self.contacts = list(contacts)
        self.names = dict(names)
        self.paged = paged

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield self.title_label()
            yield OptionList(
                *(
                    Option(
                        Content.assemble(
                            (c.title, "bold"),
                            " ",
                            (self.names.get(c.id, ""), ""),
                            (f"  {c.team}" if c.team else "", "$text-muted"),
                            ("  paged" if c.id in self.paged else "", "$success"),
                        ),
                        id=c.id,
                    )
                    for c in self.contacts
                ),
                id="contact-list",
            )
            with Horizontal(classes="buttons"):
                yield Button("Page", id="page", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#contact-list", OptionList)
        options.highlighted = 0 if self.contacts else None
        options.focus()

    @on(OptionList.OptionSelected, "#contact-list")
    @on(Button.Pressed, "#page")
    def _page(self) -> None:
        options = self.query_one("#contact-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).id))
