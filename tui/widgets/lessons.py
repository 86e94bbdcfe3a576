"""The debrief's lessons-learned questionnaire (the scenario's debrief questions, each skippable) and the
list of the facilitator's hints and notes. Questions, answers and notes are shown as plain text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from sim.engine.facilitation import Answer, FacilitatorEntry
from sim.format.durations import format_clock

_TAG = {"hint": "Hint", "note": "Note", "say": "Said", "inject_now": "Fired", "jump": "Jumped"}


class LessonsForm(VerticalScroll):
    """One box per question. Answers are saved as they are typed: `SAVE_AFTER` seconds after the last
    keystroke, and at once when a box is left or enter is pressed (enter also moves to the next box)."""

    # Not a focus stop itself: Tab from the tab bar lands in the first box, where letters are typed, not
    # taken as the debrief's one-letter keys. A focused box scrolls into view without the form's help.
    can_focus = False
    SAVE_AFTER: ClassVar[float] = 1.0
    """Seconds of quiet after a keystroke before the answers are saved: one journal line per pause, not per key."""

    @dataclass
    class Answered(Message):
        """Time to save: question index -> answer for every question ("" where there is none)."""

        form: LessonsForm
        answers: dict[int, str]

        @property
        def control(self) -> LessonsForm:
            return self.form

    def __init__(self, questions: Sequence[str], answered: Sequence[Answer] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.questions = list(questions)
        given = {a.question: a.text for a in answered}
        # Kept here, not queried: the answers are read once more while the screen closes, after its widgets
        # have left the DOM.
        self.boxes = [
            Input(
                given.get(n, ""),
                placeholder="Your answer (optional)",
                id=f"answer-{n}",
                max_length=1000,
                select_on_focus=False,  # tabbing back in must not put the answer one keystroke from gone
            )
            for n in range(len(self.questions))
        ]
        self.save_timer: Timer | None = None
        """The pending save after typing, if any."""
        self.saved = True
        """Whether everything typed has been saved."""

    def compose(self) -> ComposeResult:
        yield Static(
            Content(
                "Lessons learned: answer what you like and skip the rest. Answers are saved as you type and go in"
                " the report and the history; escape leaves the boxes."
            ),
            classes="lessons-intro",
        )
        for n, (question, box) in enumerate(zip(self.questions, self.boxes, strict=True)):
            # A Static, not a Label: a long question wraps at 80 columns instead of being cut off.
            yield Static(Content(f"{n + 1}. {question}"), classes="lessons-question")
            yield box
        yield Static(self._status(), id="lessons-status")

    def focus_answer(self) -> None:
        """Put the cursor in the first unanswered box (the first box when all are answered)."""
        if self.boxes:
            next((box for box in self.boxes if not box.value.strip()), self.boxes[0]).focus()

    def answers(self) -> dict[int, str]:
        return {n: box.value.strip() for n, box in enumerate(self.boxes)}

    def save(self) -> None:
        """Ask for the answers to be saved now (the debrief journals what changed)."""
        if self.save_timer is not None:
            self.save_timer.stop()
            self.save_timer = None
        self.post_message(self.Answered(self, self.answers()))

    def mark_saved(self) -> None:
        """The debrief saved the answers: say so under the questions."""
        self.saved = True
        self._show_status()

    def _status(self) -> Content:
        given = sum(1 for text in self.answers().values() if text)
        state = "saved" if self.saved else "saving…"
        return Content.assemble((f"{given} of {len(self.questions)} answered · {state}", "$text-muted"))

    def _show_status(self) -> None:
        if self.is_mounted:
            self.query_one("#lessons-status", Static).update(self._status())

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input not in self.boxes or not event.input.has_focus:
            return  # the initial value arriving, not typing
        self.saved = False
        self._show_status()
        if self.save_timer is not None:
            self.save_timer.stop()
        self.save_timer = self.set_timer(self.SAVE_AFTER, self.save)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        if not self.saved:
            self.save()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.save()
        n = self.boxes.index(event.input) if event.input in self.boxes else len(self.boxes)
        if n + 1 < len(self.boxes):
            self.boxes[n + 1].focus()


def facilitator_notes(entries: Sequence[FacilitatorEntry], names: dict[str, str]) -> Static:
    """The facilitator's hints, notes and interventions, one per line with its sim time."""
    if not entries:
        return Static(Content("The facilitator gave no hints or notes."), id="debrief-facilitator")
    parts: list[str | tuple[str, str]] = []
    for e in entries:
        who = f"as {names.get(e.sender, e.sender)}: " if e.sender else ""
        parts += [(format_clock(e.t), "$text-muted"), (f"  {_TAG.get(e.kind, e.kind):<7}", "bold"), who + e.text, "\n"]
    return Static(Content.assemble(*parts).rstrip(), id="debrief-facilitator")
