"""Declare or change severity, beside the playbook's definitions, targets and decision tree."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.format.durations import format_duration
from sim.format.playbook import Playbook, Severity
from tui.modals.base import Dialog


def _when(seconds: float | None) -> str:
    return format_duration(seconds) if seconds is not None else "—"


def severity_details(sev: Severity) -> Content:
    """The definition a trainee checks before declaring: description, examples, targets, cadence, roles."""
    t, c = sev.targets, sev.communication
    name = sev.id if sev.label == sev.id else f"{sev.id} {sev.label}"  # "High", not "High High"
    lines = [Content.assemble((name, "bold"))]
    if sev.description:
        lines.append(Content(sev.description))
    if sev.examples:
        lines.append(Content("e.g. " + "; ".join(sev.examples)))
    lines.append(Content(""))
    lines.append(
        Content(f"Acknowledge {_when(t.acknowledge)} · respond {_when(t.response)} · resolve {_when(t.resolution)}")
    )
    cadence = []
    if c.internal_update_every is not None:
        cadence.append(f"internal update every {format_duration(c.internal_update_every)}")
    if c.status_page_within is not None:
        cadence.append(f"status page within {format_duration(c.status_page_within)}")
    if c.executives_within is not None:
        cadence.append(f"executives within {format_duration(c.executives_within)}")
    if c.customers_within is not None:
        cadence.append(f"customers within {format_duration(c.customers_within)}")
    if cadence:
        lines.append(Content("Comms: " + ", ".join(cadence)))
    if sev.roles_required:
        lines.append(Content("Roles: " + ", ".join(sev.roles_required)))
    if sev.page:
        lines.append(Content("Pages: " + ", ".join(sev.page)))
    return Content("\n").join(lines)


def decision_tree(playbook: Playbook) -> Content:
    rules = playbook.classification
    lines = [Content(f"{n}. {rule.question} → {rule.yes}") for n, rule in enumerate(rules.rules, start=1)]
    if rules.otherwise:
        lines.append(Content(f"Otherwise → {rules.otherwise}"))
    if rules.when_unsure:
        lines.append(Content(f"Unsure between two levels? Pick the {rules.when_unsure} one."))
    return Content("\n").join(lines) if lines else Content("This playbook has no decision tree.")


class SeverityModal(Dialog[str]):
    """Dismisses with the chosen severity id."""

    TITLE_TEXT = "Declare severity"

    def __init__(self, playbook: Playbook, current: str | None) -> None:
        super().__init__()
        self.playbook = playbook
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            title = "Change severity" if self.current else self.TITLE_TEXT
            yield self.title_label(title)
            with Horizontal(id="severity-body"):
                yield OptionList(
                    *(
                        Option(
                            Content.assemble(
                                (f"{s.id:<7}", "bold"),
                                s.label,
                                (" (now)", "$text-muted") if s.id == self.current else "",
                            ),
                            id=s.id,
                        )
                        for s in self.playbook.severities
                    ),
                    id="severity-list",
                )
                with VerticalScroll(id="severity-details"):
                    yield Static(id="severity-definition")
                    yield Label("Decision tree", classes="section")
                    yield Static(decision_tree(self.playbook), id="severity-tree")
            with Horizontal(classes="buttons"):
                yield Button("Declare", id="declare", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#severity-list", OptionList)
        ids = [s.id for s in self.playbook.severities]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    @on(OptionList.OptionHighlighted, "#severity-list")
    def _show(self, event: OptionList.OptionHighlighted) -> None:
        sev = self.playbook.severity(str(event.option.id))
        self.query_one("#severity-definition", Static).update(severity_details(sev))

    @on(OptionList.OptionSelected, "#severity-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.id))

    @on(Button.Pressed, "#declare")
    def _declare(self) -> None:
        options = self.query_one("#severity-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).id))
