"""Feed lines for a team drill: who did what, and what they wrote in the incident channel.

A solo drill's feed calls every action "YOU"; in a team drill the action may be anyone's, so it is tagged and
named by its actor. Names and messages come from players: they are plain text, never markup.
"""

from __future__ import annotations

from sim.journal.events import FACILITATOR, AnyEvent, ChannelMessage
from tui.formatting import FeedItem, Names, describe


def team_describe(event: AnyEvent, names: Names, me: str) -> FeedItem | None:
    """`describe`, with channel messages tagged as such and other people's actions named as theirs."""
    item = describe(event, names)
    if item is None:
        return None
    if isinstance(event, ChannelMessage):
        return item._replace(tag="CHAN")
    actor = getattr(event, "actor", None)
    if item.category != "action" or not actor or actor in (me, FACILITATOR):
        return item
    role = getattr(event, "role", None)
    who = f"{actor} ({names.role(role)})" if role else str(actor)
    return item._replace(text=f"{who}: {item.text}", tag="TEAM")
