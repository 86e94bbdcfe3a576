"""The debrief's Team tab: the team's score, a table of the people, and a section per person (what they did,
the criteria that fall to their role, their messages). Picking a person in the table scrolls to their
section. Every name and text is plain text, never markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from scoring.rubric import RESULT_LABEL
from scoring.team import PersonResult, TeamCard, messages_of, met_by
from sim.format.durations import format_clock

_RESULT_STYLE = {"pass": "bold $success", "partial": "bold $warning", "fail": "bold $error", "not_evaluated": "dim"}


def person_id(index: int) -> str:
    """The DOM id of the `index`th person's section (1-based): names are free text, ids must not be."""
    return f"person-{index}"


class PersonSection(Vertical, can_focus=True):
    """One person's part. Focusable, so tab reaches it and focusing it scrolls it into view."""

    def __init__(self, team: TeamCard, person: PersonResult, index: int) -> None:
        super().__init__(id=person_id(index), classes="team-person")
        self.person = person
        self.border_title = Content(f"{person.name} — {team.role_label(person)}")
        self.border_subtitle = Content(team.score_phrase(person))

    def compose(self) -> ComposeResult:
        p = self.person
        yield Label(Content.styled("What they did", "bold"), classes="team-heading")
        did = [Content.assemble((format_clock(t), "$text-muted"), "  ", text) for t, text in p.did]
        yield Static(Content("\n").join(did) if did else Content.styled("Nothing.", "$text-muted"))
        yield Label(Content.styled("Their criteria", "bold"), classes="team-heading")
        criteria = [
            Content.assemble(
                (f"{RESULT_LABEL[c.result]:<14}", _RESULT_STYLE.get(c.result, "")),
                f"{c.points:>3}/{c.max_points:<3} " if c.evaluated else f"{'—':>3}{'':5}",
                c.title,
                (f"  by {met_by(c)}", "$text-muted") if c.actors else "",
            )
            for c in p.criteria
        ]
        yield Static(Content("\n").join(criteria) if criteria else Content.styled("None fall to them.", "$text-muted"))
        yield Label(Content.styled("Their messages", "bold"), classes="team-heading")
        said = [
            Content.assemble((format_clock(t), "$text-muted"), "  ", (where, "italic"), ": ", text or "—")
            for t, where, text in messages_of(p)
        ]
        yield Static(Content("\n").join(said) if said else Content.styled("None.", "$text-muted"))


class TeamPanel(VerticalScroll, can_focus=False):
    """The team's score first, then the people; enter on a person in the table goes to their section."""

    @dataclass
    class PersonShown(Message):
        """A person's section was brought into view from the table."""

        panel: TeamPanel
        person: PersonResult

        @property
        def control(self) -> TeamPanel:
            return self.panel

    def __init__(self, team: TeamCard, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.team = team

    def compose(self) -> ComposeResult:
        card = self.team.card
        score = f"{card.score:.1f}  {card.letter}" if card.finished else f"so far {card.score:.1f}, unfinished"
        yield Label(
            Content.assemble(
                ("Team score ", "bold"),
                (score, "bold"),
                (
                    "  the scorecard, graded as one drill · each criterion falls to the role that answers for it"
                    " · enter on a person opens their part",
                    "$text-muted",
                ),
            ),
            id="team-score",
        )
        table: DataTable[Text] = DataTable(id="team-people", cursor_type="row", zebra_stripes=True)
        table.add_column("Person", key="person")
        table.add_column("Role", key="role")
        table.add_column("Score", key="score")
        table.add_column("Criteria", key="criteria")
        table.add_column("Did", key="did")
        table.add_column("Messages", key="messages")
        for i, p in enumerate(self.team.people, 1):
            score_cell = Text(self.team.score_cell(p), justify="right")
            table.add_row(
                Text(p.name, style="bold"),
                Text(self.team.role_label(p)),
                score_cell,
                Text(str(len(p.criteria)), justify="right"),
                Text(str(len(p.did)), justify="right"),
                Text(str(len(p.messages)), justify="right"),
                key=person_id(i),
            )
        yield table
        for i, p in enumerate(self.team.people, 1):
            yield PersonSection(self.team, p, i)

    @on(DataTable.RowSelected, "#team-people")
    def _go_to_person(self, event: DataTable.RowSelected) -> None:
        event.stop()
        section = self.query_one(f"#{event.row_key.value}", PersonSection)
        # Its top at the panel's top (focusing alone scrolls only as far as needed); focused, so tab and
        # shift+tab go on from there.
        self.scroll_to_widget(section, top=True, animate=False)
        section.focus(scroll_visible=False)
        self.post_message(self.PersonShown(self, section.person))
