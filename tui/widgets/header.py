"""The drill header: incident id, sim clock, speed, paused badge (the trainee's pause, or a dialog's), declared
severity and status."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from sim.format.durations import format_clock

_STATUS_CLASSES = ("mitigated", "resolved")  # the statuses warroom.tcss colours


class DrillHeader(Widget):
    """One line the trainee reads at a glance, drawn as one widget: each part is a styled span whose look
    comes from warroom.tcss through a component class (`drill-header--clock`…). Every widget costs the drill
    screen's first frame, and a clock tick repaints one line either way.

    The severity badge and the status take their colours from classes on the header itself (`-undeclared`,
    `-sev-top`, `-status-resolved`…), which the CSS pairs with the part's component class.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "drill-header--incident",
        "drill-header--clock",
        "drill-header--speed",
        "drill-header--paused",
        "drill-header--severity",
        "drill-header--status",
    }

    incident: reactive[str] = reactive("", layout=False)
    """The incident id the engine made up for this drill."""
    now: reactive[int] = reactive(0, layout=False)
    """Sim time in whole seconds (sub-second ticks do not repaint the clock)."""
    speed: reactive[int] = reactive(1, layout=False)
    """Sim seconds per wall second."""
    paused: reactive[bool] = reactive(True, layout=False)
    """Whether the sim clock is stopped."""
    held: reactive[bool] = reactive(False, layout=False)
    """Whether a dialog open over the drill stops the clock (it runs again when the dialog closes)."""
    severity: reactive[str] = reactive("", layout=False)
    """The declared severity as `SEV-1 Critical`, or empty before any declaration."""
    severity_rank: reactive[int] = reactive(-1, layout=False)
    """0 for the most severe level; colours the severity badge. -1 when undeclared."""
    status: reactive[str] = reactive("quiet", layout=False)
    """The incident status (sim.format.vocabulary.STATUSES)."""

    def watch_severity(self, severity: str) -> None:
        self.set_class(not severity, "-undeclared")

    def watch_severity_rank(self, rank: int) -> None:
        self.set_class(rank == 0, "-sev-top")
        self.set_class(rank == 1, "-sev-high")  # lower levels keep the badge's own colour

    def watch_status(self, status: str) -> None:
        for name in _STATUS_CLASSES:
            self.set_class(status == name, f"-status-{name}")

    def render(self) -> Content:
        # Scenario text (the incident id) goes in as plain text: spans are styled, never parsed as markup.
        # The trainee's own pause outlasts the dialog, so it is the one named.
        badge = "PAUSED" if self.paused else "PAUSED · dialog" if self.held else ""
        parts = [
            (self.incident, "incident"),
            (format_clock(self.now), "clock"),
            (f"{self.speed}×", "speed"),
            *([(badge, "paused")] if badge else []),
            (self.severity or "no severity", "severity"),
            (self.status, "status"),
        ]
        style = self.get_visual_style
        return Content(" ").join(Content.styled(f" {text} ", style(f"drill-header--{part}")) for text, part in parts)
