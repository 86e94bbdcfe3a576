"""The drill screens of a team seat: a player's, and the facilitator's at the host's console.

They are the solo screens over a `RemoteDrill`: the host owns the clock, so the ticker only pulls what
arrived; pause, speed, step and end are levers sent to the host when this seat holds the clock, and
otherwise a note of who does; dialogs never hold the clock; `m` writes in the incident channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content

from sim.journal.events import AnyEvent
from tui.formatting import FeedItem
from tui.messages import DrillFinished
from tui.screens.drill import SPEEDS, STEP, DrillScreen
from tui.screens.facilitator import FacilitatorScreen
from tui.session import Session
from tui.team.channel import ChannelBar
from tui.team.feed import team_describe
from tui.team.port import RemoteDrill, notice_text
from tui.team.seat import seat_help, seat_summary, team_people
from tui.widgets.footer import DrillFooter

if TYPE_CHECKING:
    from sim.engine.drill import Drill

# The drill screen's keys for actions in the incident, which a facilitator does not take.
_PLAYER_ACTIONS = frozenset(
    {"acknowledge", "severity", "roles", "comms", "investigate", "page", "actions", "resolve", "take_role"}
)
# Facilitator inputs by the names the protocol gives their levers.
_LEVERS = {"say": "say_as"}


class TeamDrillScreen(DrillScreen):
    """A player's seat in a team drill."""

    BINDING_GROUP_TITLE = "Drill (team)"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "message", "Message", id="team.message"),
        Binding("t", "take_role", "Take a role", id="team.take_role", show=False),
    ]

    def __init__(self, session: Session, port: RemoteDrill) -> None:
        super().__init__(session, playing=not port.paused)
        self.port = port
        self.set_reactive(DrillScreen.speed, max(1, int(port.speed)))
        self._pull_soon = False
        self._lost_client: object | None = None  # the connection whose loss was reported (once each)
        self._asked_speed: int | None = None  # the speed last sent, until the host's clock says it
        self._news: tuple[object, ...] = ()  # what the last repaint showed (RemoteDrill.news)
        self._cast = list(session.people)  # the drill's cast; the players in the room go before them

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, DrillFooter):
                yield ChannelBar(id="channel")
            yield widget

    def on_mount(self) -> None:
        # Textual calls the drill screen's own on_mount after this one (handlers run down the MRO).
        self.add_class("-team")
        self.call_after_refresh(self._run_ticker)  # always on: it pulls what the host sent, whoever holds the clock
        self.port.add_listener(self._arrived)
        self._show_seat()

    def _arrived(self) -> None:
        """The client applied a message: pull it on the next turn of the loop, once however many came. A clock
        message alone waits for the ticker (a quarter second), as the solo clock does."""
        news = self.port.news()
        if news == self._news:
            return
        self._news = news
        if not self._pull_soon and self.is_attached:
            self._pull_soon = True
            self.call_later(self._pull)

    def _pull(self) -> None:
        self._pull_soon = False
        if self.is_attached:
            self.sync()

    # -- the host's clock ------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return not (self._over or self._failed)

    def tick(self) -> None:
        self.sync()

    def advance(self, seconds: float) -> None:
        """Time moves at the host; stepping is a lever."""
        self._lever("step", dt=seconds)

    def sync(self, *, toast: bool = True) -> None:
        super().sync(toast=toast)
        if self._over:
            return
        for notice in self.port.new_notices():
            title, text = notice_text(notice)
            warn = getattr(notice, "level", "") in ("refused", "warning")
            self.notify(text, title=title, severity="warning" if warn else "information", markup=False)
        self.paused = self.port.paused
        self.speed = max(1, int(self.port.speed))
        if self._asked_speed == self.speed:
            self._asked_speed = None
        client = self.port.client
        if not self._over and self.port.ended:
            # The end arrived as an event; the snapshot saying so may not have (the host said goodbye first).
            self._over = True
            self.paused = True
            self.post_message(DrillFinished("ended"))
            return
        if client.closed and not self._over and self._lost_client is not client:
            self._lost_client = client
            self._lost(client.closed)
        self._show_seat()
        self.session.people = [*team_people(self.port), *self._cast]

    def _lost(self, why: str) -> None:
        """The host is gone (a crash, the network): the app rejoins the seat if it can, and the screen carries on
        over the new connection; otherwise the drill is over for this seat."""
        lost = getattr(self.app, "lost", None)
        if callable(lost) and lost(why):
            return
        self._over = True
        self.notify(why, title="Disconnected from the host", severity="error", markup=False, timeout=30)

    def describe(self, event: AnyEvent) -> FeedItem | None:
        return team_describe(event, self.names, self.port.you)

    def _show_seat(self) -> None:
        for bar in self.query(ChannelBar):  # none before compose
            bar.seat = Content(seat_summary(self.port, self.specs))

    @property
    def help_intro(self) -> str:
        return seat_help(self.port, self.specs)

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        # A team drill's dialogs never hold the clock: the others play on. The drill screen's own handler
        # (which may hold it) would run next, down the MRO: not here.
        event.prevent_default()
        self.held = False

    def _lever(self, name: str, **data: object) -> bool:
        """Send a clock lever if this seat holds the clock; otherwise say who does."""
        if self._over or self._failed:
            return False
        if not self.port.may_steer:
            whose = f"{self.port.clock_holder} holds it"
            self.notify(
                f"The clock belongs to the facilitator, or to the incident commander without one: {whose}.",
                title="Not your clock",
                severity="warning",
                markup=False,
            )
            return False
        self.port.lever(name, **data)
        return True

    def action_toggle_pause(self) -> None:
        self._lever("resume" if self.paused else "pause")

    def _change_speed(self, by: int) -> None:
        # From the speed last asked for, not the one the host last confirmed: `+ + +` pressed faster than the
        # host answers means three steps up, as in a solo drill.
        current = self._asked_speed or self.speed
        index = SPEEDS.index(current) if current in SPEEDS else 0
        speed = SPEEDS[min(max(index + by, 0), len(SPEEDS) - 1)]
        if self._lever("speed", speed=speed):
            self._asked_speed = speed

    def action_faster(self) -> None:
        self._change_speed(+1)

    def action_slower(self) -> None:
        self._change_speed(-1)

    def action_step(self) -> None:
        if not self.paused:
            self.notify("Pause first (space), then step a minute at a time.", severity="warning")
            return
        self._lever("step", dt=STEP)

    def action_end_drill(self) -> None:
        if not self.port.may_steer:
            self._lever("end")  # says who may
            return
        self._confirm("End the drill now?", "For everyone: the debrief grades what the team did so far.", self.port.end)

    def action_quit_drill(self) -> None:
        self._confirm(
            "Leave the drill?",
            "The drill goes on for the others. Join again with the same name to take your seat back.",
            self.app.exit,
        )

    # -- actions ------------------------------------------------------------------------------------------

    def refused(self, action_id: str) -> bool:
        """Before a dialog: an action outside this seat's role is refused here, in the host's own words and
        naming who holds it, rather than after the form is filled in."""
        why = self.port.role_refusal(action_id)
        if why is not None and not self._over:
            self.notify(why[:1].upper() + why[1:] + ".", title="Not your call", severity="warning", markup=False)
            return True
        return super().refused(action_id)

    def action_take_role(self) -> None:
        from tui.team.lobby import TakeRoleModal

        def chosen(role: str | None) -> None:
            if role and role != self.port.role:
                self.port.client.take_role(role)

        self.app.push_screen(TakeRoleModal(self.port), chosen)

    # -- the incident channel -----------------------------------------------------------------------

    def action_message(self) -> None:
        if self._over:
            return
        self.query_one(ChannelBar).open()

    @on(ChannelBar.Said)
    def _said(self, message: ChannelBar.Said) -> None:
        self.port.say(message.text)


class TeamFacilitatorScreen(TeamDrillScreen, FacilitatorScreen):
    """The host's console: the facilitator's panel and levers, every lever sent through the host so every
    seat sees what it does. The panel reads the host's own engine (same process)."""

    BINDING_GROUP_TITLE = "Drill (facilitator)"

    def __init__(self, session: Session, port: RemoteDrill, *, engine: Drill) -> None:
        self._engine = engine
        super().__init__(session, port)

    @property
    def engine(self) -> Drill:
        """The host's drill, in this process: the panel's truth and upcoming injects (levers go via the host)."""
        return self._engine

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The facilitator runs the drill and takes no actions in it (the host would refuse them): their keys
        # leave the footer, which keeps the clock, the levers and the channel.
        if action in _PLAYER_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def facilitate(self, kind: str, **data: Any) -> bool:
        if self._over or self._failed:
            return False
        self.port.lever(_LEVERS.get(kind, kind), **data)
        return True

    def action_quit_drill(self) -> None:
        journal = f" The journal is kept at {self.session.journal}." if self.session.journal else ""
        self._confirm(
            "Stop hosting?",
            f"The drill stops for everyone, and every seat is disconnected.{journal}",
            self.app.exit,
        )

    def action_facilitator_end(self) -> None:
        self._confirm(
            "End the drill now?", "As the facilitator: the debrief grades what the team did so far.", self.port.end
        )
