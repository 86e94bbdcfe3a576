"""Feed lines for a team drill: who did what, and what they wrote in the incident channel.

A solo drill's feed calls every action "YOU"; in a team drill the action may be anyone's, so it is tagged and
named by its actor. Names and messages come from players: they are plain text, never markup.
"""

from __future__ import annotations

from sim.journal.events import FACILITATOR, AnyEvent
from tui.formatting import FeedItem, Names, describe


def channel_line(t: float, actor: str, role: str | None, text: str, names: Names) -> FeedItem:
    """One incident-channel message: `Sam (Incident Commander): text`."""
    who = f"{actor} ({names.role(role)})" if role else actor
    return FeedItem(t, "message", f"{who}: {text}", tag="CHAN")


def team_describe(event: AnyEvent, names: Names, me: str) -> FeedItem | None:
    """`describe`, with other people's actions tagged and named as theirs."""
    if getattr(event, "kind", "") == "channel.message":
        return channel_line(
            event.t, str(getattr(event, "actor", "")), getattr(event, "role", None), str(getattr(event, "text", "")), names
        )
    item = describe(event, names)
    actor = getattr(event, "actor", None)
    if item is None or item.category != "action" or not actor or actor in (me, FACILITATOR):
        return item
    role = getattr(event, "role", None)
    who = f"{actor} ({names.role(role)})" if role else str(actor)
    return item._replace(text=f"{who}: {item.text}", tag="TEAM")
