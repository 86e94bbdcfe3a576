"""Investigate: pick where to look (dashboards, logs, deploys, dependencies) beside what was found so far."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from sim.format.catalogue import INVESTIGATE_TARGETS
from tui.modals.base import Dialog

TARGETS: Mapping[str, str] = {
    "dashboards": "Dashboards: what the graphs say, route by route",
    "logs": "Logs: the errors the services write",
    "deploys": "Recent deploys: what changed, and when",
    "dependencies": "Dependencies: databases, caches, vendors",
}


class InvestigateModal(Dialog[str]):
    """Dismisses with the target to investigate. `looked` maps a target to `running` or `done`."""

    TITLE_TEXT = "Investigate"

    def __init__(
        self,
        findings: Sequence[str],
        looked: Mapping[str, str],
        targets: Sequence[str] = INVESTIGATE_TARGETS,
    ) -> None:
        super().__init__()
        self.findings = list(findings)
        self.looked = dict(looked)
        self.targets = list(targets)

    def _prompt(self, target: str) -> Content:
        status = self.looked.get(target, "")
        note = {"running": "  (looking…)", "done": "  (looked)"}.get(status, "")
        return Content.assemble(TARGETS.get(target, target), (note, "$text-muted"))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog -wide"):
            yield self.title_label()
            yield OptionList(*(Option(self._prompt(t), id=t) for t in self.targets), id="target-list")
            yield Label("What you have found so far", classes="section")
            with VerticalScroll(id="findings"):
                if self.findings:
                    for text in self.findings:
                        yield Static(Content(f"• {text}"), classes="finding")
                else:
                    yield Static(Content("Nothing yet."), classes="finding -empty")
            with Horizontal(classes="buttons"):
                yield Button("Investigate", id="investigate", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        options = self.query_one("#target-list", OptionList)
        fresh = [i for i, t in enumerate(self.targets) if t not in self.looked]
        options.highlighted = fresh[0] if fresh else 0
        options.focus()

    @on(OptionList.OptionSelected, "#target-list")
    @on(Button.Pressed, "#investigate")
    def _go(self) -> None:
        options = self.query_one("#target-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).id))
