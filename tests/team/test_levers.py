"""One clock, and the levers that move it: the facilitator's, the incident commander's when no facilitator is
there, nobody else's. Assertions are on sim times the host reports, never on how long anything took."""

from __future__ import annotations

from sim.journal.events import FacilitatorHint, FacilitatorJump
from sim.team.client import TeamClient
from tests.team.helpers import hosted, new_drill, opened


async def _notice(client: TeamClient, ref: int) -> str:
    assert await client.wait_for(lambda c: any(n.ref == ref for n in c.notices), 30)
    return next(n.text for n in client.notices if n.ref == ref)


async def test_the_incident_commander_runs_the_clock_when_no_facilitator_is_there() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=0, speed=1) as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam", role="incident-commander")
        ana = await TeamClient.connect(host.address, host.code, "Ana", role="tech-lead")
        assert not host.started
        text = await _notice(ana, ana.lever("start"))
        assert text.startswith("the clock and the levers are the facilitator's (or the incident commander's)")
        assert "Sam holds them" in text
        sam.lever("start")
        assert await sam.wait_for(lambda c: c.lobby.started and not c.clock.paused, 30)
        sam.lever("pause")
        assert await sam.wait_for(lambda c: c.clock.paused, 30)
        paused_at = host.drill.now
        sam.lever("step", dt=120)
        assert await sam.wait_for(lambda c: c.clock.now >= paused_at + 120, 30)
        assert host.drill.now == round(paused_at + 120, 3) and host.clock.paused
        sam.lever("speed", speed=8)
        assert await sam.wait_for(lambda c: c.clock.speed == 8, 30)
        sam.lever("jump", dt="5m")
        assert await sam.wait_for(lambda c: any(isinstance(e, FacilitatorJump) for e in c.events), 30)
        assert host.drill.now == round(paused_at + 120 + 300, 3)
        assert "speed must be" in await _notice(sam, sam.lever("speed", speed=-1))
        # A facilitator seat takes the levers from the IC.
        fay = await TeamClient.connect(host.address, host.code, "Fay", role="facilitator")
        assert "Fay holds them" in await _notice(sam, sam.lever("resume"))
        fay.lever("hint", text="look at the connection count")
        assert await fay.wait_for(lambda c: any(isinstance(e, FacilitatorHint) for e in c.events), 30)
        refused = await _notice(fay, fay.act("declare", {"severity": "SEV-2"}))
        assert refused == "the facilitator runs the drill and takes no actions; players do"
        fay.lever("end")
        assert await fay.wait_for(lambda c: c.finished, 30)
        for c in (sam, ana, fay):
            await c.close()


async def test_a_console_facilitator_holds_the_levers_alone() -> None:
    drill = new_drill(opened())
    async with hosted(drill, players=0, facilitator="Host console") as host:
        sam = await TeamClient.connect(host.address, host.code, "Sam", role="incident-commander")
        assert sam.lobby.facilitator == "Host console"
        assert "Host console holds them" in await _notice(sam, sam.lever("start"))
        assert "at the host's console" in await _notice(sam, sam.take_role("facilitator"))
        host.start()
        assert await sam.wait_for(lambda c: c.lobby.started, 30)
        await sam.close()
