"""The debrief's lessons-learned questionnaire (the scenario's debrief questions, each skippable) and the
list of the facilitator's hints and notes. Questions, answers and notes are shown as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from sim.engine.facilitation import Answer, FacilitatorEntry
from sim.format.durations import format_clock

_TAG = {"hint": "Hint", "note": "Note", "say": "Said", "inject_now": "Fired", "jump": "Jumped"}


class LessonsForm(VerticalScroll):
    """One input per question; enter moves on, the last enter (or the button) saves the answers given."""

    @dataclass
    class Saved(Message):
        """The trainee saved: question index -> answer, for the questions they answered."""

        form: LessonsForm
        answers: dict[int, str]

        @property
        def control(self) -> LessonsForm:
            return self.form

    def __init__(self, questions: Sequence[str], answered: Sequence[Answer] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.questions = list(questions)
        self._given = {a.question: a.text for a in answered}

    def compose(self) -> ComposeResult:
        yield Static(
            Content("Lessons learned: answer what you like and skip the rest. Answers go in the report and history."),
            classes="lessons-intro",
        )
        for n, question in enumerate(self.questions):
            yield Label(Content(f"{n + 1}. {question}"), classes="lessons-question")
            yield Input(self._given.get(n, ""), placeholder="Your answer (optional)", id=f"answer-{n}", max_length=1000)
        with Horizontal(classes="lessons-buttons"):
            yield Button("Save answers", id="save-answers", variant="primary")

    def answers(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for n in range(len(self.questions)):
            text = self.query_one(f"#answer-{n}", Input).value.strip()
            if text:
                out[n] = text
        return out

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        n = int(str(event.input.id).removeprefix("answer-"))
        if n + 1 < len(self.questions):
            self.query_one(f"#answer-{n + 1}", Input).focus()
        else:
            self._save()

    @on(Button.Pressed, "#save-answers")
    def _save(self) -> None:
        self.post_message(self.Saved(self, self.answers()))


def facilitator_notes(entries: Sequence[FacilitatorEntry], names: dict[str, str]) -> Static:
    """The facilitator's hints, notes and interventions, one per line with its sim time."""
    if not entries:
        return Static(Content("The facilitator gave no hints or notes."), id="debrief-facilitator")
    parts: list[str | tuple[str, str]] = []
    for e in entries:
        who = f"as {names.get(e.sender, e.sender)}: " if e.sender else ""
        parts += [(format_clock(e.t), "$text-muted"), (f"  {_TAG.get(e.kind, e.kind):<7}", "bold"), who + e.text, "\n"]
    return Static(Content.assemble(*parts).rstrip(), id="debrief-facilitator")
