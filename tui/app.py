"""The warroom Textual app: scenario picker -> briefing -> drill -> debrief, built from injected parts."""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from tui import settings as user_settings
from tui.messages import BackToPicker, DrillFinished, PlayAgain, ScenarioChosen, StartDrill, TraineeNamed
from tui.screens import WIDTH_BREAKPOINTS
from tui.session import DrillPort, Session, forget_seat, new_session, save_speed
from tui.startup import resume_collection

if TYPE_CHECKING:
    from sim.journal.directory import Unfinished


def _reader_gone(fd: int) -> bool:
    """Whether the pipe `fd` writes into has lost its reader: poll reports an error on its write end then."""
    poller = select.poll()
    poller.register(fd, 0)  # no events asked for: errors and hangups are always reported
    return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))


class WarroomApp(App[None]):
    """Give it a `drill` (tests, resume) to open straight on the drill screen, a `scenario_id` to open on
    that scenario's briefing, or neither for the picker. `autostart=False` keeps the sim clock paused."""

    CSS_PATH = "warroom.tcss"
    TITLE = "warroom"
    SUB_TITLE = "incident-response drills"
    BINDING_GROUP_TITLE = "warroom"
    # Textual declares this `ClassVar[...] | None`, which mypy reads as an instance variable: no ClassVar here.
    HORIZONTAL_BREAKPOINTS = WIDTH_BREAKPOINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", id="app.help", key_display="?"),
    ]

    def __init__(
        self,
        *,
        drill: DrillPort | None = None,
        session: Session | None = None,
        scenario_id: str | None = None,
        scenario_dirs: Sequence[Path] = (),
        seed: int | None = None,
        trainee: str | None = None,
        autostart: bool = True,
        journal_dir: Path | None = None,
        facilitator: bool = False,
        team: str = "",
    ) -> None:
        super().__init__()
        self.settings = user_settings.load()
        self._remember_trainee = bool(trainee) and self.settings.with_trainee(trainee or "") != self.settings
        if trainee:
            self.settings = self.settings.with_trainee(trainee)
        self.session = session or (Session.of(drill, trainee=self.settings.trainee) if drill is not None else None)
        self.scenario_id = scenario_id
        self.scenario_dirs = tuple(scenario_dirs)
        self.seed = seed
        self.autostart = autostart
        self.journal_dir = journal_dir
        # A drill handed in (tests, resume) already has its trainee: never stop to ask for a name then.
        self._asked_name = self.session is not None
        self._unstarted: Session | None = None  # a drill whose briefing is open and not yet started
        self.team = team  # goes on every drill's journal and history row
        self.facilitator = facilitator  # drills open in facilitator mode (the truth and the levers beside them)

    # ------------------------------------------------------------------ start

    def _exit_if_terminal_gone(self) -> None:
        """Quit when the terminal hangs up (a closed window or tmux pane). Launched through `make`, the app
        can miss the hangup signal and would otherwise spin on a dead terminal for ever; the journal is
        written as the drill goes, so `warroom resume` picks it up. A browser tab (`warroom serve`) has no
        terminal: its output is a pipe to the server, and it quits when the server is gone (killed before it
        could end its tabs), for no one reads it then."""
        if self.is_web:
            if _reader_gone(1):  # stdout: the pipe textual-serve reads the tab's screen from
                self.exit()
            return
        try:
            os.close(os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY))
        except OSError:
            self.exit()

    def on_mount(self) -> None:
        self.call_after_refresh(resume_collection)  # `warroom play` deferred it until the first frame
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._remember_trainee:  # `--trainee` is remembered, as its help says
            user_settings.save(self.settings)
        if not self.is_headless:
            self.set_interval(2.0, self._exit_if_terminal_gone)
        self.open_first()

    def open_first(self) -> None:
        """The first screen: the drill handed in, a scenario's briefing, or the picker (a team seat's lobby)."""
        if self.session is not None:
            self._open_drill(self.session)
            return
        if self.scenario_id:
            self._open_picker(ask_name=False)
            self._open_scenario(self.scenario_id)
            return
        found = self._unfinished()
        # One dialog at a time: a resumed drill has its trainee already, and choosing a scenario asks the name.
        self._open_picker(ask_name=not found)
        self._offer_resume(found)

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", "")
        if name and name != self.settings.theme:
            self.settings = self.settings.with_theme(name)
            user_settings.save(self.settings)

    def _open_picker(self, ask_name: bool = True) -> None:
        from tui.screens.picker import PickerScreen

        ask = ask_name and not self.settings.trainee
        self.push_screen(PickerScreen(self.scenario_dirs, trainee=self.settings.trainee, ask_name=ask))

    def _unfinished(self) -> list[Unfinished]:
        """Drills left unfinished (a crash, a closed terminal) that can be resumed, newest first."""
        from sim.journal.directory import unfinished

        return [u for u in unfinished(self.journal_dir) if not u.problem]

    def _offer_resume(self, found: list[Unfinished]) -> None:
        """Offer the most recent unfinished drill back."""
        from tui.modals.resume import ResumeModal

        if not found:
            return

        def chosen(choice: str | None) -> None:
            if choice == "resume":
                self._resume(found[0].path)
            elif choice == "discard":
                self._discard(found[0].path)

        self.push_screen(ResumeModal(found[0], len(found) - 1), chosen)

    def _resume(self, journal: Path) -> None:
        from sim.engine.drill import DrillError
        from sim.format.loading import LoadError
        from sim.journal.jsonl import JournalError
        from tui.session import resume_drill

        try:
            drill = resume_drill(journal)
        except (JournalError, LoadError, DrillError, OSError) as exc:
            self.notify(str(exc), title="Cannot resume that drill", severity="error", markup=False, timeout=15)
            return
        # Paused, as `--resume` opens: the trainee gets their bearings before the clock runs again.
        self._open_drill(Session.of(drill, trainee=self.settings.trainee), playing=False)

    def _discard(self, journal: Path) -> None:
        from sim.journal.directory import discard

        try:
            where = discard(journal)
        except OSError as exc:
            self.notify(str(exc), title="Cannot move that journal", severity="error", markup=False)
            return
        forget_seat(journal)
        self.notify(str(where), title="Journal moved aside", markup=False)

    def _open_scenario(self, scenario_id: str) -> None:
        """`warroom play ID`: straight to the briefing; an unknown or broken scenario falls back to the
        picker with a notice instead of a crash."""
        from sim.format.library import Library, NotFound
        from sim.format.loading import LoadError

        library = Library(self.scenario_dirs)
        try:
            path = library.find_scenario(scenario_id)
            opened = library.load_scenario(path)
        except NotFound as exc:
            self.notify(str(exc), title="Cannot open that scenario", severity="error", markup=False, timeout=10)
            return
        except LoadError as exc:
            message = f"{path} does not load:\n{exc}"
            self.notify(message, title="Cannot open that scenario", severity="error", markup=False, timeout=10)
            return
        self.post_message(ScenarioChosen(opened.scenario, opened.playbook, path))

    def _drill_screen(self, session: Session, playing: bool | None = None) -> Screen[None]:
        """The drill (or facilitator) screen at the session's speed; each speed the trainee picks is saved
        beside the journal, so a resumed drill runs at it again."""
        from tui.screens.drill import SPEEDS, DrillScreen

        playing = self.autostart if playing is None else playing
        screen: DrillScreen
        if self.facilitator:
            from tui.screens.facilitator import FacilitatorScreen

            screen = FacilitatorScreen(session, playing=playing)
        else:
            screen = DrillScreen(session, playing=playing)
        if session.speed in SPEEDS:
            screen.set_reactive(DrillScreen.speed, session.speed)

        def remember(speed: int) -> None:
            session.speed = speed
            save_speed(session.journal, speed)

        self.watch(screen, "speed", remember, init=False)
        return screen

    def _open_drill(self, session: Session, playing: bool | None = None) -> None:
        self.session = session
        self.push_screen(self._drill_screen(session, playing))

    # ------------------------------------------------------------ transitions

    @on(ScenarioChosen)
    def _chosen(self, message: ScenarioChosen) -> None:
        from tui.modals.base import NameModal
        from tui.screens.briefing import BriefingScreen

        if not self.settings.trainee and not self._asked_name:
            # Straight to a briefing (`make play` on a first run): the journal and the debrief need a name.
            self._asked_name = True

            def named(name: str | None) -> None:
                if name:
                    self.settings = self.settings.with_trainee(name)
                    user_settings.save(self.settings)
                self._chosen(message)

            self.push_screen(NameModal(""), named)
            return
        self.session = new_session(
            message.scenario,
            message.playbook,
            seed=message.seed if message.seed is not None else self.seed,
            trainee=self.settings.trainee,
            team=self.team,
            scenario_path=message.path,
            journal_dir=self.journal_dir,
        )
        self._unstarted = self.session
        self.push_screen(BriefingScreen(self.session))

    @on(StartDrill)
    def _start(self) -> None:
        assert self.session is not None
        self._unstarted = None
        self.switch_screen(self._drill_screen(self.session))

    def _close(self, session: Session) -> None:
        """Close a drill. One whose briefing was left without starting leaves no journal behind: an
        unfinished drill is one that was started."""
        session.drill.close()
        if session is self._unstarted:
            self._unstarted = None
            if session.journal is not None:
                session.journal.unlink(missing_ok=True)

    @on(DrillFinished)
    def _finished(self, message: DrillFinished) -> None:
        from tui.screens.drill import DrillScreen

        assert self.session is not None
        forget_seat(self.session.journal)  # a finished drill is never resumed: its speed is moot
        # The drill can end under an open dialog (time keeps running): close it, its choice is moot now.
        while len(self.screen_stack) > 1 and not isinstance(self.screen, DrillScreen):
            self.pop_screen()
        self.switch_screen(self.debrief_screen(self.session))

    def debrief_screen(self, session: Session) -> Screen[None]:
        """The debrief of the drill that just ended (a team seat's may read another record)."""
        from tui.screens.debrief import DebriefScreen

        return DebriefScreen(session)

    @on(PlayAgain)
    def _play_again(self) -> None:
        """The same scenario and seed from its briefing: same incident, same people, another try."""
        from tui.screens.debrief import DebriefScreen

        # Only from the debrief, once: `t` typed again and again used to pop screen after screen, and crash.
        if self.session is None or not isinstance(self.screen, DebriefScreen):
            return
        old = self.session
        self._close(old)
        self.pop_screen()
        self.post_message(ScenarioChosen(old.scenario, old.playbook, old.scenario_path, seed=old.seed))

    @on(BackToPicker)
    def _back(self) -> None:
        from tui.screens.picker import PickerScreen

        if self.session is not None:
            self._close(self.session)

        while len(self.screen_stack) > 1 and not isinstance(self.screen, PickerScreen):
            self.pop_screen()
        if not isinstance(self.screen, PickerScreen):
            self._open_picker()

    @on(TraineeNamed)
    def _named(self, message: TraineeNamed) -> None:
        self.settings = self.settings.with_trainee(message.name)
        user_settings.save(self.settings)

    def on_unmount(self) -> None:
        # The journal is flushed line by line already; closing just releases the file.
        if self.session is not None:
            self._close(self.session)

    # ------------------------------------------------------------------- keys

    async def action_quit(self) -> None:
        """ctrl+q (Textual's own binding) asks first, as `q` does, while a drill is running; elsewhere it
        quits at once (the debrief saves answers as they are typed)."""
        from tui.modals.base import ConfirmModal
        from tui.screens.drill import DrillScreen

        drill = next((s for s in reversed(self.screen_stack) if isinstance(s, DrillScreen)), None)
        if drill is None:
            self.exit()
        elif not isinstance(self.screen, ConfirmModal):  # already asking something: answer that first
            drill.action_quit_drill()

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen, bindings_of

        if isinstance(self.screen, HelpScreen):
            return
        intro = "ctrl+p opens the command palette: every action and control, found by typing part of its name."
        seat = getattr(self.screen, "help_intro", "")  # a team seat says who you are and what you may do
        self.push_screen(HelpScreen(bindings_of(self.screen), intro=f"{seat}\n\n{intro}" if seat else intro))


def run_app(app: App[Any], *, headless: bool = False) -> None:
    """Run a TUI app to the end. An exception inside it ends the app with Textual's traceback and a non-zero
    return code: exit with that status, never 0."""
    app.run(headless=headless)
    if app.return_code:
        sys.exit(app.return_code)
