"""The drill header: incident id, sim clock, speed, paused badge, declared severity and status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Label

from sim.durations import format_clock


class DrillHeader(Horizontal):
    """One line the trainee reads at a glance; each part repaints only when its own value changes.

    The reactives do not repaint the header itself (`repaint=False`): their watchers update the one
    label that shows them, so a clock tick repaints ten cells, not the whole line.
    """

    incident: reactive[str] = reactive("", repaint=False)
    """The incident id the engine made up for this drill."""
    now: reactive[int] = reactive(0, repaint=False)
    """Sim time in whole seconds (sub-second ticks do not repaint the clock)."""
    speed: reactive[int] = reactive(1, repaint=False)
    """Sim seconds per wall second."""
    paused: reactive[bool] = reactive(True, repaint=False)
    """Whether the sim clock is stopped."""
    severity: reactive[str] = reactive("", repaint=False)
    """The declared severity as `SEV-1 Critical`, or empty before any declaration."""
    severity_rank: reactive[int] = reactive(-1, repaint=False)
    """0 for the most severe level; colours the severity badge. -1 when undeclared."""
    status: reactive[str] = reactive("quiet", repaint=False)
    """The incident status (sim.events.STATUSES)."""

    def compose(self) -> ComposeResult:
        yield Label("", id="hdr-incident", markup=False)
        yield Label("T+00:00:00", id="hdr-clock", markup=False)
        yield Label("1×", id="hdr-speed", markup=False)
        yield Label("PAUSED", id="hdr-paused", markup=False)
        yield Label("no severity", id="hdr-severity", classes="-undeclared", markup=False)
        yield Label("quiet", id="hdr-status", markup=False)

    def watch_incident(self, incident: str) -> None:
        self.query_one("#hdr-incident", Label).update(incident)

    def watch_now(self, now: int) -> None:
        # The clock is always ten cells wide: repaint it without a layout pass, it ticks every second.
        self.query_one("#hdr-clock", Label).update(format_clock(now), layout=False)

    def watch_speed(self, speed: int) -> None:
        self.query_one("#hdr-speed", Label).update(f"{speed}×")

    def watch_paused(self, paused: bool) -> None:
        self.query_one("#hdr-paused", Label).display = paused

    def watch_severity(self, severity: str) -> None:
        badge = self.query_one("#hdr-severity", Label)
        badge.update(severity or "no severity")
        badge.set_class(not severity, "-undeclared")

    def watch_severity_rank(self, rank: int) -> None:
        badge = self.query_one("#hdr-severity", Label)
        badge.set_class(rank == 0, "-sev-top")
        badge.set_class(rank == 1, "-sev-high")
        badge.set_class(rank >= 2, "-sev-low")

    def watch_status(self, status: str) -> None:
        label = self.query_one("#hdr-status", Label)
        label.update(status)
        for name in ("resolved", "mitigated", "quiet"):
            label.set_class(status == name, f"-{name}")
