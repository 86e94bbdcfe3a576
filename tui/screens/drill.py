"""The drill screen: owns the Drill, ticks it from a timer, and pushes its state to the widgets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, log
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from sim.engine.actions import scenario_spec
from sim.engine.drill import ActionRefused
from sim.engine.state import DrillState
from sim.format.catalogue import COMMS_ACTIONS, STANDARD, ActionSpec
from sim.journal.events import AnyEvent, ClueRevealed, TimerExpired
from tui import settings as user_settings
from tui.formatting import FeedItem, Names, describe
from tui.messages import DrillFinished
from tui.palette import DrillCommands
from tui.screens import WIDTH_BREAKPOINTS
from tui.session import Session
from tui.widgets.feed import Feed, FeedFilter
from tui.widgets.footer import DrillFooter
from tui.widgets.header import DrillHeader
from tui.widgets.metrics import MetricPanel
from tui.widgets.panels import RowList, RunningStrip, role_rows, running_items, timer_rows, watch_row

if TYPE_CHECKING:
    from tui.modals.comms import Outgoing
    from tui.modals.menus import ActionsModal, MenuEntry
    from tui.modals.people import Assignment

# The dialogs are imported when first opened, not with this screen: the comms composer alone (TextArea)
# costs tens of milliseconds, and the first drill frame should not wait for dialogs nobody opened yet.

SPEEDS: tuple[int, ...] = (1, 5, 10, 30, 60)
TICK = 0.25  # wall seconds between ticks; each tick moves the sim speed × TICK seconds
STEP = 60.0  # sim seconds per step while paused: the tabletop rhythm of "discuss, then advance"

# Actions whose parameters a dialog collects; the rest run as soon as they are chosen.
_DIALOGS = {"declare", "assign_role", "page", "investigate", *COMMS_ACTIONS}
# Footer keys that give way below 100 columns: each is also in the actions menu (x) and the help (?).
_MINOR_KEYS = ("acknowledge", "severity", "roles", "comms", "investigate")
# The drill's own breakpoints: beside the app's widths, `-xwide` gives facilitator mode a column of its own;
# `-tall` lets the side panels grow.
_WIDTHS = [*WIDTH_BREAKPOINTS, (160, "-xwide")]
_HEIGHTS = [(0, "-short"), (44, "-tall")]


class DrillScreen(Screen[None]):
    """Everything burning and everything due, on one screen."""

    BINDING_GROUP_TITLE = "Drill"
    # No ClassVar: Textual declares these `ClassVar[...] | None`, which mypy reads as instance variables.
    HORIZONTAL_BREAKPOINTS = _WIDTHS
    VERTICAL_BREAKPOINTS = _HEIGHTS
    COMPACT_FOOTER_BELOW = 0  # the footer's keys sit closer together below this width
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DrillCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # One key, two bindings: `check_action` shows the one that applies, so the footer says what space does.
        Binding("space", "pause", "Pause", id="drill.pause"),
        Binding("space", "resume", "Resume", id="drill.resume"),
        Binding("plus,equals_sign", "faster", "Faster", id="drill.faster", key_display="+", show=False),
        Binding("minus", "slower", "Slower", id="drill.slower", key_display="-", show=False),
        Binding("n", "step", "Step 1m", id="drill.step", show=False),
        Binding("a", "acknowledge", "Ack", id="drill.acknowledge"),
        Binding("s", "severity", "Severity", id="drill.severity"),
        Binding("r", "roles", "Roles", id="drill.roles"),
        Binding("c", "comms", "Comms", id="drill.comms"),
        Binding("i", "investigate", "Investigate", id="drill.investigate"),
        Binding("p", "page", "Page", id="drill.page", show=False),
        Binding("x", "actions", "Actions", id="drill.actions"),
        Binding("R", "resolve", "Resolve", id="drill.resolve", key_display="R"),
        Binding("f", "filter", "Filter", id="drill.filter", show=False),
        Binding("q", "quit_drill", "Quit", id="drill.quit"),
    ]

    paused: reactive[bool] = reactive(True, init=False)
    """Whether the ticker is stopped (time moves only by stepping)."""
    speed: reactive[int] = reactive(SPEEDS[0], init=False)
    """Sim seconds per wall second."""
    held: reactive[bool] = reactive(False, init=False)
    """Whether a dialog (any screen over this one) stops the clock; see `on_screen_suspend`."""

    def __init__(self, session: Session, *, playing: bool = True) -> None:
        super().__init__()
        self.session = session
        self.drill = session.drill
        self.names = Names.build(session.scenario, session.playbook, session.names_by_slot)
        self._seen = 0  # events already shown in the feed
        self._state: DrillState = self.drill.state
        self._ticker: Timer | None = None
        self._failed = False
        self._over = False
        self._menu: ActionsModal | None = None  # the actions menu while it is open, kept up to date
        specs = {spec.id: spec for spec in STANDARD}
        specs.update((a.id, scenario_spec(a)) for a in session.scenario.actions)
        self.specs: tuple[ActionSpec, ...] = tuple(specs.values())  # every action of this drill, as the engine's
        self.set_reactive(DrillScreen.paused, not playing)

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        state = self._state
        yield DrillHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield MetricPanel(state.metrics, id="metrics")
                yield RowList(id="timers", classes="panel", title="Timers")
                yield RowList(id="roles", classes="panel", title="Severity & roles")
            with Vertical(id="stage"):  # the feed, and in facilitator mode the facilitator's panel
                yield Feed(id="feed")
        yield RunningStrip(id="running")
        yield DrillFooter(_MINOR_KEYS, compact_below=self.COMPACT_FOOTER_BELOW)

    def on_mount(self) -> None:
        header = self.query_one(DrillHeader)
        header.speed = self.speed
        header.paused = self.paused
        self.query_one("#timers", RowList).empty = "No timers running"
        self.query_one(RunningStrip).empty = "Nothing in progress. ? for help, ctrl+p for every action."
        self._ticker = self.set_interval(TICK, self.tick, pause=self.paused)
        self.sync(toast=False)  # a resumed drill's past goes to the feed; it was news the first time

    # ------------------------------------------------------------ the engine

    def tick(self) -> None:
        """One beat of the ticker: the sim moves speed × TICK seconds."""
        self.advance(self.speed * TICK)

    def advance(self, seconds: float) -> None:
        """Move sim time on; an engine error stops the clock and opens a dialog instead of killing the app."""
        if self._failed or self._over:
            return
        try:
            self.drill.advance(seconds)
        except Exception as exc:  # anything from inside the SimPy processes
            self._fail(exc)
            return
        self.sync()

    def _fail(self, exc: BaseException) -> None:
        from tui.modals.base import ErrorModal

        log.error(f"drill failed: {exc!r}")
        self._failed = True
        self.paused = True
        journal = str(self.session.journal) if self.session.journal else None
        self.app.push_screen(ErrorModal(exc, journal))

    def act(self, action_id: str, **params: Any) -> bool:
        """Start an action now. A refusal is a notice, not an error: the trainee tried something the
        playbook does not allow yet."""
        if self._failed or self._over:
            return False
        try:
            self.drill.act(action_id, **params)
        except ActionRefused as exc:
            # The reason quotes action labels, which are scenario text: never markup.
            self.notify(str(exc), title="Not now", severity="warning", markup=False)
            self.sync()
            return False
        except Exception as exc:
            self._fail(exc)
            return False
        self.sync()
        return True

    def sync(self, *, toast: bool = True) -> None:
        """Pull new events and the current state from the drill and repaint what changed; `toast` the ones
        that must not be missed."""
        events = list(self.drill.events[self._seen :])
        self._seen += len(events)
        items = [item for item in (self.describe(e) for e in events) if item is not None]
        if items:
            self.query_one(Feed).add(items)
        self._show_state(self.drill.state)
        if toast:
            self._notify_important(events)

    def describe(self, event: AnyEvent) -> FeedItem | None:
        """The feed line for one event (a team seat names who did it)."""
        return describe(event, self.names)

    def _show_state(self, state: DrillState) -> None:
        previous, self._state = self._state, state
        header = self.query_one(DrillHeader)
        header.incident = state.incident_id
        header.now = int(state.now)
        header.status = state.status
        header.severity = self.names.severity(state.severity) if state.severity else ""
        sevs = [s.id for s in self.session.playbook.severities]
        header.severity_rank = sevs.index(state.severity) if state.severity in sevs else -1
        if state.metrics != previous.metrics:
            self.query_one(MetricPanel).show(state.metrics)
        provisional = None if state.severity else self.session.playbook.severities[0].id
        watch = watch_row(state)
        timers = timer_rows(state.timers, state.now, provisional)
        self.query_one("#timers", RowList).rows = (watch, *timers) if watch else timers
        self.query_one("#roles", RowList).rows = role_rows(state, self.session.playbook, self.names)
        self.query_one(RunningStrip).items = running_items(state, self.names)
        if self._menu is not None and self._menu.is_attached:
            self._menu.show(self.menu_entries(state))
        if state.finished and not self._over:
            self._over = True
            self.paused = True
            self.post_message(DrillFinished(state.end_reason or "ended"))

    def _notify_important(self, events: list[AnyEvent]) -> None:
        """Toasts for what must not be missed in a busy feed: refusals, clues and overdue deadlines."""
        for event in events:
            if isinstance(event, TimerExpired):
                self.notify(event.label, title="Overdue", severity="error", markup=False)
            elif isinstance(event, ClueRevealed):
                self.notify(event.text, title="Found", markup=False)

    @property
    def state(self) -> DrillState:
        return self._state

    # ----------------------------------------------------------- time controls

    @property
    def running(self) -> bool:
        """Whether the ticker moves sim time: neither the trainee's pause nor an open dialog stops it."""
        return not (self.paused or self.held)

    def _run_ticker(self) -> None:
        if self._ticker is not None:
            if self.running:
                self._ticker.resume()
            else:
                self._ticker.pause()

    def watch_paused(self, paused: bool) -> None:
        self._run_ticker()
        self.query_one(DrillHeader).paused = paused
        self.refresh_bindings()

    def watch_held(self, held: bool) -> None:
        self._run_ticker()
        self.query_one(DrillHeader).held = held

    def on_screen_suspend(self, _: events.ScreenSuspend) -> None:
        # Every dialog, menu, confirmation and the palette is a screen pushed over this one: holding the
        # clock here covers them all, and those that open from a dialog keep it held until the last closes.
        choice = self.settings.dialog_pause
        self.held = user_settings.dialogs_pause(choice, self.session.scenario.difficulty)

    def on_screen_resume(self, _: events.ScreenResume) -> None:
        self.held = False

    def set_dialog_pause(self, choice: str) -> None:
        """Save whether dialogs pause the clock (from the palette); it applies from the next dialog."""
        if isinstance(self.app, user_settings.Keeper):
            self.app.settings = self.app.settings.with_dialog_pause(choice)
            user_settings.save(self.app.settings)
        self.notify(f"Dialogs pause the clock {user_settings.DIALOG_PAUSE[choice]}.", title="Saved")

    @property
    def settings(self) -> user_settings.Settings:
        """The saved settings the app loaded."""
        return self.app.settings if isinstance(self.app, user_settings.Keeper) else user_settings.Settings()

    def watch_speed(self, speed: int) -> None:
        self.query_one(DrillHeader).speed = speed

    def action_toggle_pause(self) -> None:
        if self._failed or self._over:
            return
        self.paused = not self.paused

    def action_pause(self) -> None:
        self.action_toggle_pause()

    def action_resume(self) -> None:
        self.action_toggle_pause()

    def action_faster(self) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else 0
        self.speed = SPEEDS[min(index + 1, len(SPEEDS) - 1)]

    def action_slower(self) -> None:
        index = SPEEDS.index(self.speed) if self.speed in SPEEDS else 0
        self.speed = SPEEDS[max(index - 1, 0)]

    def action_step(self) -> None:
        if not self.paused:
            self.notify("Pause first (space), then step a minute at a time.", severity="warning")
            return
        self.advance(STEP)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Space is bound twice; only the binding that applies is active and shown.
        if (action == "pause" and self.paused) or (action == "resume" and not self.paused):
            return False
        if action in ("quit_drill", "filter", "step"):
            return True
        if (self._over or self._failed) and action not in ("toggle_pause", "pause", "resume", "faster", "slower"):
            return None
        return True

    # ---------------------------------------------------------------- actions

    def available(self) -> dict[str, ActionSpec]:
        return {spec.id: spec for spec in self.drill.available_actions()}

    def menu_entries(self, state: DrillState) -> list[MenuEntry]:
        from tui.modals.menus import menu_entries

        return menu_entries(self.specs, state)

    def refused(self, action_id: str) -> bool:
        """Ask the engine first: an action it would refuse now is tried at once, so its refusal (journaled,
        and shown as a notice) comes before a dialog or a confirmation is filled in for nothing."""
        if action_id not in self.drill.state.refusals:
            return False
        self.act(action_id)
        return True

    def take_action(self, action_id: str) -> None:
        """Do an action by id: open its dialog if it needs parameters, confirm it if destructive or done before."""
        if action_id in _DIALOGS:
            opener = {
                "declare": self.action_severity,
                "assign_role": self.action_roles,
                "page": self.action_page,
                "investigate": self.action_investigate,
            }.get(action_id)
            if opener is not None:
                opener()
            else:
                self.open_comms(COMMS_ACTIONS[action_id])
            return
        spec = self.available().get(action_id)
        if spec is None:
            # Let the engine say why: its refusal explains the prerequisite better than we could.
            self.act(action_id)
            return
        again = ""
        if action_id in self._state.done:
            again = "\n\nThis was done before; it runs again from the start."
        if action_id == "resolve":
            self.action_resolve()
        elif spec.destructive:
            self._confirm(
                f"{spec.label}?",
                f"{spec.description or spec.label}\n\nThis is destructive and cannot be undone.{again}",
                lambda: self.act(action_id),
            )
        elif again:
            body = f"{spec.description or spec.label}{again}"
            self._confirm(f"{spec.label} again?", body, lambda: self.act(action_id))
        else:
            self.act(action_id)

    def _confirm(self, title: str, body: str, then: Callable[[], object]) -> None:
        from tui.modals.base import ConfirmModal

        def done(ok: bool | None) -> None:
            if ok:
                then()

        self.app.push_screen(ConfirmModal(title, body, confirm="Do it"), done)

    def action_acknowledge(self) -> None:
        self.act("acknowledge")

    def action_severity(self) -> None:
        from tui.modals.severity import SeverityModal

        if self.refused("declare"):
            return

        def chosen(severity: str | None) -> None:
            if severity:
                self.act("declare", severity=severity)

        self.app.push_screen(SeverityModal(self.session.playbook, self._state.severity), chosen)

    def action_roles(self) -> None:
        from tui.modals.people import RoleModal

        if self.refused("assign_role"):
            return

        def chosen(assignment: Assignment | None) -> None:
            if assignment:
                self.act("assign_role", role=assignment.role, who=assignment.who)

        self.app.push_screen(RoleModal(self.session.playbook.roles, self.session.people, self._state.roles), chosen)

    def action_page(self) -> None:
        from tui.modals.people import PageModal

        if self.refused("page"):
            return

        def chosen(contact: str | None) -> None:
            if contact:
                self.act("page", contact=contact)

        contacts, names = self.session.playbook.contacts, self.session.names_by_slot
        self.app.push_screen(PageModal(contacts, names, self.drill.state.paged), chosen)

    def action_comms(self) -> None:
        self.open_comms("internal")

    def open_comms(self, channel: str) -> None:
        from tui.modals.comms import CommsModal

        def chosen(message: Outgoing | None) -> None:
            if message:
                self.act(message.action, **message.params)

        last_state = self.drill.state.status_page or "investigating"
        available = frozenset(self.available())
        self.app.push_screen(
            CommsModal(self.session.playbook.templates, channel=channel, state=last_state, available=available),
            chosen,
        )

    def action_investigate(self) -> None:
        from tui.modals.investigate import InvestigateModal

        if self.refused("investigate"):
            return

        def chosen(target: str | None) -> None:
            if target:
                self.act("investigate", target=target)

        state = self.drill.state
        findings = [f"{target}: {result}" for target, result in state.findings]
        # Clues can also come from scenario actions; list those the investigations did not already quote.
        findings += [clue for clue in self._state.clues if not any(clue in f for f in findings)]
        self.app.push_screen(InvestigateModal(findings, state.investigated), chosen)

    def action_actions(self) -> None:
        from tui.modals.menus import ActionsModal

        def chosen(action_id: str | None) -> None:
            self._menu = None
            if action_id:
                self.take_action(action_id)

        self._menu = ActionsModal(self.menu_entries(self.drill.state))
        self.app.push_screen(self._menu, chosen)

    def action_resolve(self) -> None:
        if self.refused("resolve"):
            return
        self._confirm(
            "Resolve the incident?",
            "Declaring it resolved is irreversible: the drill checks that metrics stay healthy, "
            "and a premature resolution counts against you.",
            lambda: self.act("resolve"),
        )

    def action_filter(self) -> None:
        from tui.modals.menus import FilterModal

        feed = self.query_one(Feed)

        def chosen(feed_filter: FeedFilter | None) -> None:
            if feed_filter is not None:
                feed.filter = feed_filter

        self.app.push_screen(FilterModal(feed.filter), chosen)

    def action_end_drill(self) -> None:
        """End now and go to the debrief (from the command palette)."""

        def end() -> None:
            try:
                self.drill.end()
            except Exception as exc:
                self._fail(exc)
                return
            self.sync()

        self._confirm("End the drill now?", "The debrief grades what you did so far.", end)

    def action_quit_drill(self) -> None:
        journal = f"\n\nThe journal is kept at {self.session.journal}." if self.session.journal else ""
        self._confirm("Quit warroom?", f"The drill stops here.{journal}", self.app.exit)
