"""Faults of the network are ordinary: wrong codes, floods, oversize and unknown lines, hostile text, seats
that drop and come back, and a seat too slow to read. Real sockets on 127.0.0.1 and Unix paths only."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from sim.journal.events import ActionRefusal, ActionStarted, ChannelMessage, SeverityDeclared
from sim.team.client import TeamClient, TeamError
from sim.team.protocol import MAX_LINE, Clock, ErrorMsg, EventMsg, Lobby, Notice, WelcomeMsg
from sim.team.seats import WRONG_CODES
from tests.team.helpers import hosted, new_drill, opened
from tests.team.wire import Wire


async def test_a_wrong_code_is_refused() -> None:
    async with hosted(new_drill(opened()), players=0) as host:
        with pytest.raises(TeamError) as caught:
            await TeamClient.connect(host.address, "AAAA-AAAA-AAAA", "Sam")
        assert caught.value.code == "bad_code"
        assert host.seats == {}
        # The code is forgiving of case and dashes, not of its characters.
        client = await TeamClient.connect(host.address, host.code.lower().replace("-", ""), "Sam")
        assert client.welcome.you == "Sam"
        await client.close()


async def test_wrong_codes_from_one_peer_are_rate_limited() -> None:
    async with hosted(new_drill(opened()), players=0) as host:
        for _ in range(WRONG_CODES):
            with pytest.raises(TeamError) as caught:
                await TeamClient.connect(host.address, "WRONG", "Mallory")
            assert caught.value.code == "bad_code"
        # Now even the right code is refused from that address, without being compared.
        with pytest.raises(TeamError) as caught:
            await TeamClient.connect(host.address, host.code, "Mallory")
        assert caught.value.code == "rate_limited"


async def test_another_protocol_version_is_refused() -> None:
    async with hosted(new_drill(opened()), players=0) as host:
        wire = await Wire.open(host.address)
        wire.send({"type": "hello", "protocol": 99, "code": host.code, "name": "Future"})
        msg = await wire.next()
        assert isinstance(msg, ErrorMsg) and msg.code == "version"
        wire.close()


async def test_a_name_held_by_a_seat_needs_its_token() -> None:
    async with hosted(new_drill(opened()), players=0) as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam")
        with pytest.raises(TeamError) as caught:
            await TeamClient.connect(host.address, host.code, "Sam")
        assert caught.value.code == "name_taken"
        await sam.close()
        with pytest.raises(TeamError):
            await TeamClient.connect(host.address, host.code, "Sam", seat="not-the-token")
        again = await TeamClient.connect(host.address, host.code, "Sam", seat=sam.welcome.seat)
        assert again.welcome.you == "Sam"
        await again.close()


async def test_an_action_outside_your_role_is_refused_naming_who_holds_it() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=2, speed=100) as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam", role="incident-commander")
        ana = await TeamClient.connect(host.address, host.code, "Ana", role="tech-lead")
        await ana.wait_for(lambda c: c.state is not None and c.state.status != "quiet", 60)
        host.pause()
        ref = ana.act("declare", {"severity": "SEV-2"})
        await ana.wait_for(lambda c: any(n.ref == ref for n in c.notices), 30)
        notice = next(n for n in ana.notices if n.ref == ref)
        assert notice.level == "refused"
        assert notice.text == "declaring severity is the incident commander's call: Sam holds it"
        refusal = next(e for e in drill.events if isinstance(e, ActionRefusal))
        assert (refusal.action, refusal.actor, refusal.role, refusal.reason) == (
            "declare", "Ana", "tech-lead", notice.text)  # fmt: skip
        # Nobody holds comms-lead: the refusal says so.
        ref = sam.act("status_page", {"state": "investigating"})
        await sam.wait_for(lambda c: any(n.ref == ref for n in c.notices), 30)
        assert next(n for n in sam.notices if n.ref == ref).text.endswith("comms lead's call: nobody holds it yet")
        assert not any(isinstance(e, SeverityDeclared) for e in drill.events)
        # The IC may.
        sam.act("declare", {"severity": "SEV-2"})
        await sam.wait_for(lambda c: any(isinstance(e, ActionStarted) and e.action == "declare" for e in c.events))
        # Loose: anyone may, and the journal says in which role.
        host.set_loose(True)
        ana.act("status_page", {"state": "investigating"})
        await ana.wait_for(lambda c: any(isinstance(e, ActionStarted) and e.action == "status_page" for e in c.events))
        taken = next(e for e in drill.events if isinstance(e, ActionStarted) and e.action == "status_page")
        assert (taken.actor, taken.role) == ("Ana", "tech-lead")
        await sam.close()
        await ana.close()


async def test_a_seat_that_drops_catches_up_from_the_last_event_it_saw(tmp_path: Path) -> None:
    drill = new_drill(opened())
    async with hosted(drill, f"unix:{tmp_path / 'host.sock'}", players=1, speed=600) as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam", role="incident-commander")
        await sam.wait_for(lambda c: len(c.events) >= 20, 60)
        seen = list(sam.events)
        await sam.close()
        await asyncio.sleep(0)  # let the host notice
        while len(drill.events) <= len(seen) + 3:
            await asyncio.sleep(0.05)
        # A bare reconnect shows what the host sends: the first event after `last_seen`, not the first event.
        wire = await Wire.open(host.address)
        wire.hello(host.code, "Sam", seat=sam.welcome.seat, last_seen=len(seen))
        welcome = await wire.next()
        assert isinstance(welcome, WelcomeMsg) and welcome.from_ == len(seen)
        first = await wire.until(EventMsg)
        assert first.seq == len(seen)
        wire.close()
        # TeamClient does the same, and ends up with every event, once, in order.
        again = await sam.reconnect(host.address, host.code)
        host.pause()
        await again.wait_for(lambda c: len(c.events) >= len(drill.events), 60)
        assert again.events[: len(seen)] == seen
        assert again.events == drill.events
        assert [p.name for p in again.lobby.players] == ["Sam"]
        await again.close()


async def test_a_slow_seat_is_disconnected_and_the_drill_does_not_wait() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=1, speed=30, queue_limit=64) as host:
        watcher = await TeamClient.connect(host.address, host.code, "Watcher")
        slow = await Wire.open(host.address, rcvbuf=2048)
        slow.hello(host.code, "Slow")  # …and never reads
        await watcher.wait_for(lambda c: any(p.name == "Slow" for p in c.lobby.players), 60)
        while not host.kicked_slow and not drill.finished:  # long messages fill what the kernel holds sooner
            for _ in range(20):
                watcher.say("x" * 1900)
            await watcher.wait_for(lambda c: c.finished or bool(host.kicked_slow), 1.5)
        assert host.kicked_slow == ["Slow"]
        host.set_speed(5000)
        await watcher.wait_for(lambda c: c.finished, 300)
        # The drill ran to its end at its own pace; the watcher saw all of it, in order.
        assert drill.finished and watcher.events == drill.events
        assert max(len(c.queue._queue) for c in host.conns) <= 64  # type: ignore[attr-defined]
        # What the slow seat finally reads ends with the reason it was let go.
        received = await slow.all()
        assert isinstance(received[-1], ErrorMsg) and received[-1].code == "slow"
        assert "fell 64 messages behind" in received[-1].text
        assert not [p for p in watcher.lobby.players if p.name == "Slow" and p.connected]
        await watcher.close()


async def test_oversize_lines_end_the_connection() -> None:
    async with hosted(new_drill(opened()), players=0) as host:
        wire = await Wire.open(host.address)
        wire.hello(host.code, "Big")
        assert isinstance(await wire.next(), WelcomeMsg)
        wire.send(b'{"type": "say", "id": 1, "text": "' + b"x" * MAX_LINE + b'"}\n')
        rest = await wire.all()
        assert isinstance(rest[-1], ErrorMsg) and rest[-1].code == "too_long"
        # A hello too long is refused the same way.
        wire = await Wire.open(host.address)
        wire.send(b'{"type": "hello", "name": "' + b"y" * (2 * MAX_LINE) + b'"}\n')
        rest = await wire.all()
        assert isinstance(rest[-1], ErrorMsg) and rest[-1].code == "too_long"


async def test_unknown_and_invalid_messages_are_told_and_ignored() -> None:
    async with hosted(new_drill(opened()), players=1, speed=50) as host:
        wire = await Wire.open(host.address)
        wire.hello(host.code, "Odd", role="incident-commander")
        wire.send({"type": "teleport", "id": 1})
        notice = await wire.until(Notice)
        assert notice.level == "warning" and "unknown message type 'teleport'" in notice.text
        wire.send({"type": "act", "id": 2, "action": "declare", "params": {"severity": ["SEV-1"]}})
        notice = await wire.until(Notice)
        assert "invalid message" in notice.text
        wire.send(b"not json at all\n")
        assert "not JSON" in (await wire.until(Notice)).text
        # Anything outside the catalogue never reaches the drill.
        wire.send({"type": "act", "id": 3, "action": "rm-rf", "params": {}})
        notice = await wire.until(Notice)
        assert notice.ref == 3 and notice.text == "unknown action 'rm-rf'"
        assert not any(getattr(e, "action", None) == "rm-rf" for e in host.drill.events)
        # Still connected: the clock keeps coming.
        assert isinstance(await wire.until(Clock), Clock)
        wire.send(b"[]\n" * 10)
        rest = await wire.all()
        assert isinstance(rest[-1], ErrorMsg) and rest[-1].code == "bad_message"


async def test_a_flood_of_intents_is_dropped_and_then_disconnected() -> None:
    async with hosted(new_drill(opened()), players=1, speed=1) as host:
        wire = await Wire.open(host.address)
        wire.hello(host.code, "Flood", role="incident-commander")
        assert isinstance(await wire.until(Lobby), Lobby)
        wire.send(b"".join(json.dumps({"type": "say", "id": i + 1, "text": "hi"}).encode() + b"\n" for i in range(400)))
        rest = await wire.all()
        said = sum(1 for e in host.drill.events if isinstance(e, ChannelMessage))
        assert 40 <= said < 200  # the burst went through, the flood did not
        assert any(isinstance(m, Notice) and "slow down" in m.text for m in rest)
        assert isinstance(rest[-1], ErrorMsg) and rest[-1].code == "rate"


async def test_hostile_text_is_written_out_not_obeyed() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=1, speed=1) as host:
        evil = await TeamClient.connect(host.address, host.code, "Eve\x1b[2J", role="incident-commander")
        assert evil.welcome.you == "Eve\\x1b[2J"
        evil.say("hello \x1b]0;pwned\x07 team\u2028")
        await evil.wait_for(lambda c: any(isinstance(e, ChannelMessage) for e in c.events), 30)
        said = next(e for e in evil.events if isinstance(e, ChannelMessage))
        assert said.text == "hello \\x1b]0;pwned\\x07 team\\u2028"
        assert said.actor == "Eve\\x1b[2J"
        assert all(p.name.isprintable() for p in evil.lobby.players)
        await evil.close()
