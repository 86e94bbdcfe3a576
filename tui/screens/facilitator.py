"""Facilitator mode (`warroom --facilitator`): the drill screen plus the facilitator's panel, keys and
palette commands. Everything the facilitator does goes through `Drill.facilitate` or `Drill.end(by=…)`, so
the journal marks it as theirs and a resume replays it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider

from sim.engine.drill import ActionRefused
from sim.engine.facilitation import facilitator_log, upcoming
from tui.palette import Command, CommandList, DrillCommands
from tui.screens.drill import DrillScreen
from tui.session import Session
from tui.widgets.facilitator import FacilitatorPanel, view_of
from tui.widgets.feed import Feed

if TYPE_CHECKING:
    from sim.engine.drill import Drill
    from tui.modals.facilitator import Said

# (title, help, screen method): the facilitator's palette commands; the help is our own words, never scenario text.
_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Facilitator: fire the next inject now", "The first upcoming inject in the panel (F3)", "action_fire_next"),
    ("Facilitator: inject as a persona", "An ad-hoc message, page or alert from anyone in the cast (F4)", "action_say"),
    ("Facilitator: jump the clock", "Move sim time on by a duration such as 5m (F5)", "action_jump"),
    ("Facilitator: give a hint", "The trainee sees it in the feed; the debrief lists it (F6)", "action_hint"),
    ("Facilitator: annotate the timeline", "A note only the debrief and the reports show (F7)", "action_note"),
    ("Facilitator: end the drill", "Stop the drill now, as the facilitator (F8)", "action_facilitator_end"),
    ("Facilitator: show or hide the panel", "The hidden truth and the upcoming injects (F2)", "action_toggle_panel"),
)


class FacilitatorCommands(CommandList):
    """The facilitator's commands in the palette, beside the drill's own."""

    def _commands(self) -> list[Command]:
        screen = self.screen
        return [(title, help_text, getattr(screen, method)) for title, help_text, method in _COMMANDS]


class FacilitatorScreen(DrillScreen):
    """The drill as the facilitator runs it: the trainee's screen, with the truth and the levers beside it."""

    BINDING_GROUP_TITLE = "Drill (facilitator)"
    COMPACT_FOOTER_BELOW = 160  # the F2 key needs the room that padding takes
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DrillCommands, FacilitatorCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_panel", "Facilitator", id="facilitator.panel"),
        Binding("f3", "fire_next", "Fire next inject", id="facilitator.next", show=False),
        Binding("f4", "say", "Inject as a persona", id="facilitator.say", show=False),
        Binding("f5", "jump", "Jump the clock", id="facilitator.jump", show=False),
        Binding("f6", "hint", "Give a hint", id="facilitator.hint", show=False),
        Binding("f7", "note", "Annotate the timeline", id="facilitator.note", show=False),
        Binding("f8", "facilitator_end", "End the drill", id="facilitator.end", show=False),
    ]

    def __init__(self, session: Session, *, playing: bool = True) -> None:
        super().__init__(session, playing=playing)
        self.panel = FacilitatorPanel(self.names, id="facilitator")
        self._logged = -1  # how many events the panel last saw: it rebuilds only when there are more

    def compose(self) -> ComposeResult:
        # The panel goes in the body, right of the feed. The drill screen composes the body; re-yielding its
        # widgets one by one keeps its layout, and yielding the panel straight after the feed puts it inside
        # the body while the body is still open.
        for widget in super().compose():
            yield widget
            if isinstance(widget, Feed):
                yield self.panel

    def on_mount(self) -> None:
        self.add_class("-facilitating")

    @property
    def engine(self) -> Drill:
        """The facilitator needs the real engine (its injects and cast), not just the port the screen uses."""
        return cast("Drill", self.drill)

    def sync(self, *, toast: bool = True) -> None:
        super().sync(toast=toast)
        count = len(self.drill.events)
        if count != self._logged:
            self._logged = count
            drill = self.engine
            self.panel.show(view_of(self.session.scenario.truth, upcoming(drill), facilitator_log(drill.events)))

    def facilitate(self, kind: str, **data: Any) -> bool:
        """One facilitator input; a refusal (the drill is over, an unknown inject) is a notice."""
        if self._failed or self._over:
            return False
        try:
            self.engine.facilitate(kind, **data)
        except (ActionRefused, ValueError) as exc:
            self.notify(str(exc), title="Not now", severity="warning", markup=False)
            return False
        except Exception as exc:  # from inside the simulation, e.g. while jumping
            self._fail(exc)
            return False
        finally:
            self.sync()
        return True

    # ------------------------------------------------------------- the levers

    def action_toggle_panel(self) -> None:
        self.toggle_class("-facilitating")

    def action_fire_next(self) -> None:
        pending = upcoming(self.engine)
        if not pending:
            self.notify("Every inject has fired already.", title="No injects left", severity="warning")
            return
        if self.facilitate("inject_now", inject=pending[0].id):
            self.notify(pending[0].id, title="Inject fired", markup=False)

    def action_say(self) -> None:
        from tui.modals.facilitator import SayModal

        def chosen(said: Said | None) -> None:
            if said:
                self.facilitate("say", sender=said.sender, text=said.text, inject_kind=said.inject_kind)

        self.app.push_screen(SayModal(self.session.people), chosen)

    def action_jump(self) -> None:
        from tui.modals.facilitator import JumpModal

        def chosen(seconds: float | None) -> None:
            if seconds:
                self.facilitate("jump", dt=seconds)

        self.app.push_screen(JumpModal(self.state.now), chosen)

    def action_hint(self) -> None:
        from tui.modals.facilitator import TextModal

        def chosen(text: str | None) -> None:
            if text:
                self.facilitate("hint", text=text)

        self.app.push_screen(
            TextModal("Give a hint", "The trainee sees it in the feed; the debrief lists it.", "A nudge…"), chosen
        )

    def action_note(self) -> None:
        from tui.modals.facilitator import TextModal

        def chosen(text: str | None) -> None:
            if text:
                self.facilitate("note", text=text)

        self.app.push_screen(
            TextModal(
                "Annotate the timeline",
                "A note on the timeline, for the debrief and the reports.",
                "What you noticed…",
            ),
            chosen,
        )

    def action_facilitator_end(self) -> None:
        def end() -> None:
            if self._failed or self._over:
                return
            try:
                self.engine.end(by="facilitator")
            except Exception as exc:
                self._fail(exc)
                return
            self.sync()

        self._confirm("End the drill now?", "As the facilitator: the debrief grades what was done so far.", end)
