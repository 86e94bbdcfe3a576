"""The debrief: score and grade, the criteria with explanations and the rules they check, KPIs against targets,
the timeline and the metric charts; keys export the Markdown, HTML and JSON reports and play the drill again.
Lessons-learned answers are journaled as they are typed."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import log, on
from textual.app import ComposeResult, CSSPathType
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, Static, Tab, TabbedContent, TabPane, Tabs, TextArea

from scoring.grade import grade
from scoring.team import TeamCard, team_card
from sim.engine.facilitation import answers, facilitator_log
from sim.format.durations import format_clock
from sim.journal.drill_record import DrillRecord
from sim.journal.events import DrillEnded
from tui.messages import BackToPicker, PlayAgain
from tui.modals.base import ConfirmModal
from tui.reports import FORMATS, export
from tui.session import Session
from tui.widgets.lessons import LessonsForm, facilitator_notes
from tui.widgets.scorecard import MetricChart, fill_criteria, kpi_table, timeline_table
from tui.widgets.team import TeamPanel

# Scorecard, KPIs, timeline, metrics, lessons learned; then the team's people (a team drill) and the
# facilitator's notes (when there are some).
_MAX_TABS = 7


def is_text_box(widget: Widget | None) -> bool:
    """Whether `widget` takes typed text: then keys type, and the debrief's own keys stand aside."""
    return isinstance(widget, Input | TextArea)


class DebriefScreen(Screen[None]):
    """How it went. Reports are written under the user data dir (`$WARROOM_HOME/reports`)."""

    CSS_PATH: ClassVar[CSSPathType] = [
        Path(__file__).parent.parent / "screens.tcss",
        Path(__file__).parent.parent / "team.tcss",  # the Team tab of a team drill
    ]
    BINDING_GROUP_TITLE = "Debrief"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "export('md')", "Markdown", id="debrief.markdown"),
        Binding("h", "export('html')", "HTML", id="debrief.html"),
        Binding("j", "export('json')", "JSON", id="debrief.json"),
        # None of the drill's own keys: a trainee still pressing `n` to step or `r` for roles when the drill
        # ends must not throw the debrief away.
        Binding("t", "play_again", "Try again", id="debrief.play_again"),
        Binding("v", "review", "Review", id="debrief.review", show=False),
        Binding("b", "new", "Scenarios", id="debrief.new"),
        # Escape in an answer box leaves the box (to the tab bar), not the debrief.
        Binding("escape", "escape", "Leave the answer box, or Scenarios", id="debrief.escape", show=False),
        Binding("q", "quit", "Quit", id="debrief.quit"),
        # Tabs by number or in turn. A focused text box takes these keys as text (Textual gives a key the
        # focused widget consumes to that widget), so typing a digit or a bracket in an answer never switches.
        Binding("right_square_bracket", "next_tab(1)", "Tabs", id="debrief.next_tab", key_display="[ ]"),
        Binding("left_square_bracket", "next_tab(-1)", "Previous tab", id="debrief.previous_tab", show=False),
        *(
            Binding(str(n), f"show_tab({n})", f"Tab {n}", id=f"debrief.tab_{n}", show=False)
            for n in range(1, _MAX_TABS + 1)
        ),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.record: DrillRecord = session.drill.record
        self.card = grade(self.record, session.scenario, session.playbook)
        # More than one person acted (a team drill): the card is the team's, and each person gets a section.
        self.team: TeamCard | None = team_card(self.record, session.scenario, session.playbook, card=self.card)
        self.exported: dict[str, Path] = {}
        self._criteria_width = 0  # the width the scorecard table was last laid out for
        self.history_id: int | None = None  # the drill's row in the history database, once stored
        self.answered = {a.question: a.text for a in answers(self.record.events)}  # as journaled
        self.form: LessonsForm | None = None
        self._leaving = False  # play again / scenarios asked for: further presses must not ask again
        self._focus_after_switch: str | None = None  # the tab a number or bracket key last switched to

    def compose(self) -> ComposeResult:
        card = self.card
        verdict = "passed" if card.passed else "not passed"
        with Horizontal(id="debrief-head"):
            yield Label(
                Content.assemble(
                    ("Team ", "bold") if self.team is not None else "",
                    (f" {card.letter} ", "bold reverse"),
                    (f"  {card.score:.1f}", "bold"),
                    f"  {card.points}/{card.max_points} points · {verdict} (pass mark {card.pass_mark:.0f})",
                ),
                id="debrief-score",
                classes="-passed" if card.passed else "-failed",
            )
            yield Label(Content(card.scenario_title), id="debrief-title")
        yield Static(self._summary(), id="debrief-summary")
        with TabbedContent(id="debrief-tabs"):
            with TabPane("Scorecard", id="tab-criteria"):
                yield DataTable(id="debrief-criteria", cursor_type="row", zebra_stripes=True)
            with TabPane("KPIs", id="tab-kpis"):
                yield kpi_table(card)
            with TabPane("Timeline", id="tab-timeline"):
                yield timeline_table(self.session, self.record)
            with TabPane("Metrics", id="tab-charts"), VerticalScroll():
                for metric in self.session.scenario.metrics:
                    yield MetricChart(self.session, metric.id)
            if self.session.scenario.debrief_questions:
                with TabPane("Lessons learned", id="tab-lessons"):
                    self.form = LessonsForm(
                        self.session.scenario.debrief_questions, answers(self.record.events), id="lessons"
                    )
                    yield self.form
            # A team drill's people, after the tabs every debrief has, so those keep their numbers.
            if self.team is not None:
                with TabPane("Team", id="tab-team"):
                    yield TeamPanel(self.team, id="team")
            # Only when the facilitator did something, so a trainee's own debrief keeps its tabs; last, so the
            # trainee's tabs keep their numbers (lessons learned is always 5).
            logged = facilitator_log(self.record.events)
            if logged:
                with TabPane("Facilitator", id="tab-facilitator"), VerticalScroll():
                    yield facilitator_notes(logged, self.session.names_by_slot)
        yield Footer()

    def on_mount(self) -> None:
        self._fit_criteria()
        self._store()

    def on_unmount(self) -> None:
        """Leaving in any way (quit, ctrl+q, play again): whatever was typed since the last save is saved. The
        boxes have left the DOM by now, but the form still holds them."""
        if self.form is not None:
            self.save_answers(self.form.answers(), quiet=True)

    def _store(self) -> None:
        """Put the drill in the history database; a database that cannot take it costs nothing else."""
        from scoring.history import HistoryError, store
        from tui.session import utc_now

        session = self.session
        if not session.history:
            return
        started_at = getattr(session, "started_at", "") or utc_now()
        try:
            self.history_id = store(self.card, self.record, session.journal, started_at=started_at,
                                    scenario=session.scenario, playbook=session.playbook)  # fmt: skip
        except HistoryError as exc:
            self.notify(
                f"{exc}\nThe journal is kept: {session.journal or 'none'}",
                title="Not saved to the drill history",
                severity="error",
                markup=False,
                timeout=15,
            )

    def on_resize(self) -> None:
        self._fit_criteria()

    def _fit_criteria(self) -> None:
        width = self.size.width
        if width and width != self._criteria_width:
            fill_criteria(self.query_one("#debrief-criteria", DataTable), self.card, width)
            self._criteria_width = width

    def _summary(self) -> Content:
        card = self.card
        declared = " → ".join(card.declared) or "none"
        ended = self.record.first(DrillEnded)
        reason = ended.reason if ended else ""
        return Content.assemble(
            ("True severity ", "$text-muted"),
            card.true_severity,
            (" · the team declared " if self.team is not None else " · you declared ", "$text-muted"),
            declared,
            (" · ended ", "$text-muted"),
            f"{format_clock(card.ended)} ({reason})" if reason else format_clock(card.ended),
            (" · not evaluated ", "$text-muted") if card.not_evaluated else "",
            str(len(card.not_evaluated)) if card.not_evaluated else "",
        )

    def action_export(self, fmt: str) -> None:
        if fmt not in FORMATS:
            return
        try:
            path = export(fmt, self.card, self.record, self.session, team=self.team)
        except Exception as exc:  # a report bug must not cost the trainee their debrief
            self.notify(f"{type(exc).__name__}: {exc}", title=f"{fmt} export failed", severity="error", markup=False)
            return
        self.exported[fmt] = path
        self.notify(str(path), title=f"{FORMATS[fmt]} report written", markup=False)

    # ------------------------------------------------------------------ keys

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("play_again", "new") and not self.session.solo:
            return False  # a team drill's seat: the drill was the team's, and another is hosted, not retried
        if action == "show_tab":
            # Only the tabs there are: the help lists `1`..`N`, not keys that would do nothing.
            n = parameters[0] if parameters else 0
            return isinstance(n, int) and 1 <= n <= len(self._panes())
        return True

    def _panes(self) -> list[TabPane]:
        return list(self.query_one("#debrief-tabs", TabbedContent).query(TabPane))

    def _tab_bar(self) -> Tabs:
        return self.query_one("#debrief-tabs", TabbedContent).query_one(Tabs)

    def action_show_tab(self, n: int) -> None:
        shown = list(self._tab_bar().query(Tab))
        if 1 <= n <= len(shown):
            self._switch(shown[n - 1])

    def action_next_tab(self, step: int) -> None:
        bar = self._tab_bar()
        shown = list(bar.query(Tab))
        at = next((i for i, tab in enumerate(shown) if tab.id == bar.active), 0)
        self._switch(shown[(at + step) % len(shown)])

    def _switch(self, tab: Tab) -> None:
        """Switch through the tab bar itself, the way a click does. Setting `TabbedContent.active` instead
        leaves each switch's message from the bar to arrive late, and keys pressed quickly in a row ended on
        an earlier tab than the last one asked for."""
        bar = self._tab_bar()
        bar.active = str(tab.id)
        self._focus_after_switch = bar.active

    @on(TabbedContent.TabActivated, "#debrief-tabs")
    def _switched(self, event: TabbedContent.TabActivated) -> None:
        """Opening lessons learned, however it was opened, puts the cursor in the first unanswered box: what is
        typed next is an answer, never the debrief's one-letter keys (escape leaves the box). Other tabs, when
        switched to by key, focus what they hold to scroll (a table); a click or an arrow on the bar leaves
        focus on the bar."""
        by_key = event.tab.id == self._focus_after_switch
        if by_key:
            self._focus_after_switch = None
        if event.tab.id != self._tab_bar().active:
            return  # a later switch overtook this one
        if self.form is not None and event.pane.id == "tab-lessons":
            self.form.focus_answer()
        elif by_key:
            target = next((w for w in event.pane.query(Widget) if w.focusable), None)
            # The pane opens at its top; scrolling the target into view would animate, and a screenshot or a
            # keypress could land mid-way.
            (target or self._tab_bar()).focus(scroll_visible=False)

    def action_escape(self) -> None:
        """Escape leaves a text box for the tab bar (saving the answer); anywhere else, back to the scenarios."""
        if is_text_box(self.focused):
            self._tab_bar().focus()
        else:
            self.action_new()

    def action_play_again(self) -> None:
        if self._leaving:
            return
        self._leaving = True
        self._save_typed()
        self.post_message(PlayAgain())

    def action_review(self) -> None:
        """Scrub through this drill as it happened, beside what the ideal script would have done."""
        from tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen.of_record(self.record, self.session.scenario, self.session.playbook))

    def action_new(self) -> None:
        if self._leaving or not self.session.solo:
            return
        self._leaving = True
        self._save_typed()
        self.post_message(BackToPicker())

    # --------------------------------------------------------------- answers

    def _save_typed(self) -> None:
        """Save what is in the boxes now, before the drill's journal is closed behind the debrief."""
        if self.form is not None:
            self.save_answers(self.form.answers())

    @on(LessonsForm.Answered, "#lessons")
    def _answered(self, message: LessonsForm.Answered) -> None:
        self.save_answers(message.answers)

    def save_answers(self, given: dict[int, str], *, quiet: bool = False) -> None:
        """Journal each new, changed or cleared answer (`Drill.answer`; an empty one withdraws the answer), then
        refresh the history row and the record the reports are written from. `quiet` while closing: no
        toasts, the screen is going."""
        changed = {n: text for n, text in given.items() if self.answered.get(n, "") != text}
        if changed:
            drill = self.session.drill
            try:
                for n, text in sorted(changed.items()):
                    drill.answer(n, text)  # type: ignore[attr-defined]
                    self.answered[n] = text
            except Exception as exc:  # the answers must not cost the debrief
                self._trouble(f"{type(exc).__name__}: {exc}", "Answers not saved", quiet)
                return
            self.record = drill.record
            if self.history_id is not None:
                from scoring.history import save_answers

                texts = tuple(a.text for a in answers(self.record.events))
                try:
                    save_answers(self.history_id, texts, self.record, self.session.journal)
                except Exception as exc:
                    self._trouble(str(exc), "Answers not in the history", quiet)
        if self.form is not None and not quiet:
            self.form.mark_saved()

    def _trouble(self, text: str, title: str, quiet: bool) -> None:
        if quiet:
            log.error(f"{title}: {text}")
        else:
            self.notify(text, title=title, severity="error", markup=False)

    def action_quit(self) -> None:
        def done(ok: bool | None) -> None:
            if ok:
                self._save_typed()
                self.app.exit()

        saved = ", ".join(str(p) for p in self.exported.values()) or "no report exported yet (m, h, j)"
        self.app.push_screen(ConfirmModal("Quit warroom?", f"Reports: {saved}.", confirm="Quit", danger=False), done)
