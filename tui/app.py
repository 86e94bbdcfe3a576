"""The warroom Textual app: scenario picker -> briefing -> drill -> debrief."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class WarroomApp(App[None]):
    TITLE = "warroom"
    SUB_TITLE = "incident-response drills"

    def __init__(self, scenario_id: str | None = None) -> None:
        super().__init__()
        self.scenario_id = scenario_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"Scenario: {self.scenario_id or '(picker)'}", markup=False)
        yield Footer()
