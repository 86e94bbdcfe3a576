"""The facilitator's panel: the hidden truth, the injects still to come with their triggers, and the hints,
notes and messages given so far. Everything in it is scenario or typed text, so it is built as plain Content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sim.engine.facilitation import FacilitatorEntry, Upcoming
from sim.format.durations import format_clock
from sim.format.scenario import Truth
from tui.formatting import Names

# What each kind of facilitator input is called in the panel's log.
_LOG_TAG = {"hint": "hint", "note": "note", "say": "said", "inject_now": "fired", "jump": "jump"}
# The facilitator's keys, listed under the panel so they need no room in the footer.
KEYS_LINE = "F3 next inject · F4 inject as… · F5 jump · F6 hint · F7 note · F8 end · F2 hide"


@dataclass(frozen=True, slots=True)
class FacilitatorView:
    """What the panel shows; equal views do not repaint."""

    truth: Truth
    upcoming: tuple[Upcoming, ...]
    log: tuple[FacilitatorEntry, ...]


def _heading(text: str) -> Content:
    return Content.styled(text, "bold $accent")


def render_view(view: FacilitatorView, names: Names) -> Content:
    """The panel's whole text: truth, upcoming injects, what was given so far."""
    truth = view.truth
    parts: list[Content | str | tuple[str, str]] = [_heading("Hidden truth"), "\n"]
    rows = [
        ("Severity", names.severity(truth.severity)),
        ("Cause", truth.root_cause),
        ("Fixed by", ", ".join(names.action(a) for a in truth.fixed_by)),
    ]
    if truth.must_involve:
        rows.append(("Involve", ", ".join(names.person(c) for c in truth.must_involve)))
    for label, value in rows:
        parts += [(f"{label:<9}", "$text-muted"), value, "\n"]
    parts += ["\n", _heading(f"Upcoming injects ({len(view.upcoming)})"), "\n"]
    if not view.upcoming:
        parts += [("Every inject has fired.", "$text-muted"), "\n"]
    for u in view.upcoming:
        parts += [(u.id, "bold"), (f"  {u.kind}", "$text-muted")]
        if u.sender:
            parts += [("  from ", "$text-muted"), u.sender]
        parts += ["\n", ("  " + u.trigger, "$warning" if u.due is not None else "$text-muted"), "\n"]
    parts += ["\n", _heading("Given so far"), "\n"]
    if not view.log:
        parts += [("No hints or notes yet.", "$text-muted"), "\n"]
    for entry in view.log:
        who = f"as {names.person(entry.sender)}: " if entry.sender else ""
        parts += [
            (format_clock(entry.t), "$text-muted"),
            (f" {_LOG_TAG.get(entry.kind, entry.kind):<5} ", "bold"),
            who + entry.text,
            "\n",
        ]
    return Content.assemble(*parts).rstrip()


class FacilitatorPanel(VerticalScroll):
    """Shown only in facilitator mode, beside the feed; F2 hides and shows it."""

    def __init__(self, names: Names, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Facilitator"
        self.border_subtitle = "F2"
        self.names = names
        self._view: FacilitatorView | None = None
        self._body = Static(id="facilitator-body")
        self._keys = Static(Content.styled(KEYS_LINE, "$text-muted"), id="facilitator-keys")

    def compose(self) -> ComposeResult:
        yield self._body
        yield self._keys

    def show(self, view: FacilitatorView) -> None:
        if view == self._view:
            return
        self._view = view
        self._body.update(render_view(view, self.names))

    @property
    def view(self) -> FacilitatorView | None:
        return self._view


def view_of(truth: Truth, upcoming: Sequence[Upcoming], log: Sequence[FacilitatorEntry]) -> FacilitatorView:
    return FacilitatorView(truth, tuple(upcoming), tuple(log))
