"""N1 team latency (an intent to the event in all 8 seats, p99, against a bare asyncio JSON-lines echo to 8
clients measured in the same run) and N2 clock fidelity (10 team drills of 5 headless players each, hosted at
once at 60×: every sim clock against speed × wall time). Both over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scenarios import SCRIPTS
from sim.engine.drill import Drill
from sim.format.library import Library
from sim.format.loading import load_script
from sim.format.playbook import Playbook
from sim.format.roles import may
from sim.format.script import Step
from sim.team.client import TeamClient, play_script
from sim.team.host import Host
from sim.team.seats import TokenBucket
from tests.bench.harness import Figure

SEATS = 8
WALL = time.perf_counter  # latencies are wall time: the path waits on sockets, not only on CPU


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


# -- N1 ----------------------------------------------------------------------------------------------------


async def _echo_round(n: int) -> list[float]:
    """A bare JSON-lines relay: one client writes a line, the server writes it to every client, and each
    client parses it. The time until the last of the 8 has parsed it, `n` times."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        while line := await reader.readline():
            json.loads(line)
            for w in writers:
                w.write(line)

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    got = [0] * SEATS
    done = asyncio.Event()
    want = 0

    async def client(i: int, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            json.loads(line)
            got[i] += 1
            if all(g >= want for g in got):
                done.set()

    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(SEATS)]
    tasks = [asyncio.create_task(client(i, r)) for i, (r, _) in enumerate(conns)]
    while len(writers) < SEATS:
        await asyncio.sleep(0.01)
    samples = []
    line = json.dumps({"type": "say", "id": 1, "text": "rolling back the config now"}).encode() + b"\n"
    for _ in range(n):
        want += 1
        done.clear()
        t0 = WALL()
        conns[0][1].write(line)
        await done.wait()
        samples.append(WALL() - t0)
    for _, w in conns:
        w.close()
    await asyncio.gather(*tasks)  # each ends at its end of stream, as the server's handlers do
    server.close()
    await server.wait_closed()
    return samples


async def _team_round(n: int) -> list[float]:
    """The same through warroom: seat 0 writes in the incident channel; the host validates it, the drill
    journals it, the host broadcasts the event; the time until all 8 seats hold it."""
    o = Library().open("tutorial")
    with tempfile.TemporaryDirectory() as tmp:
        drill = Drill(o.scenario, o.playbook, journal=Path(tmp) / "n1.jsonl", scenario_path=o.path,
                      playbook_path=o.playbook_path)  # fmt: skip
        host = Host(drill, players=SEATS, tick=0.05)
        await host.listen("127.0.0.1:0")
        run = asyncio.create_task(host.run())
        seats = [await TeamClient.connect(host.address, host.code, f"p{i}") for i in range(SEATS)]
        await seats[0].wait_for(lambda c: c.lobby.started)
        host.pause()  # only the measured traffic (and the paused clock's nothing) on the wire
        for conn in host.conns:  # the rate limit is the host's defence, not what this measures
            conn.bucket = TokenBucket(rate=1e9, burst=1e9, tokens=1e9)
        done = asyncio.Event()
        want = [len(drill.events)]
        for c in seats:
            c.add_listener(lambda: done.set() if all(len(s.events) >= want[0] for s in seats) else None)
        samples = []
        for _ in range(n):
            want[0] += 1
            done.clear()
            t0 = WALL()
            seats[0].say("rolling back the config now")
            await done.wait()
            samples.append(WALL() - t0)
        for c in seats:
            await c.close()
        host.stop()
        await run
        drill.close()
    return samples


def n1(rounds: int = 7, per_round: int = 300) -> Figure:
    """Rounds alternate (relay, warroom, relay, …); each round's p99 is set against the relay round just
    before it, and the figure is the median of those ratios: a burst of load elsewhere lands on a pair."""
    ours: list[float] = []
    base: list[float] = []
    ratios = []
    for _ in range(rounds):
        b = asyncio.run(_echo_round(per_round))
        o = asyncio.run(_team_round(per_round))
        ratios.append(_p99(o) / _p99(b))
        base += b
        ours += o
    ratio = statistics.median(ratios)
    return Figure("N1", f"channel message to all {SEATS} seats, p99", f"{_p99(ours) * 1000:.2f} ms",
                  f"{_p99(base) * 1000:.2f} ms, a bare asyncio JSON-lines relay to {SEATS} clients", ratio, "≤ 3×",
                  ratio <= 3.0, rounds * per_round,
                  f"median of {rounds} paired rounds' p99 ratios ({min(ratios):.2f}–{max(ratios):.2f}); medians "
                  f"{statistics.median(ours) * 1000:.2f} vs {statistics.median(base) * 1000:.2f} ms; one process, "
                  "real sockets on 127.0.0.1, wall time")  # fmt: skip


# -- N2 ----------------------------------------------------------------------------------------------------

DRILLS, PLAYERS, SPEED, SECONDS = 10, 5, 60.0, 20.0
N2_SCENARIO = "ai-cost-spike"  # findcontacts: five roles, one per player


def _parts(
    steps: list[Step], roles: list[str], playbook: Playbook, scenario_actions: set[str]
) -> dict[str, list[Step]]:
    """Each step to the first role that may take it."""
    out: dict[str, list[Step]] = {r: [] for r in roles}
    for s in steps:
        able = [r for r in roles if may(playbook, r, s.do, scenario_action=s.do in scenario_actions)]
        out[(able or roles)[0]].append(s)
    return out


async def _n2() -> list[float]:
    o = Library().open(N2_SCENARIO)
    roles = [r.id for r in o.playbook.roles][:PLAYERS]
    steps = list(load_script(SCRIPTS / N2_SCENARIO / "ideal.yaml", o.scenario, o.playbook).root)
    parts = _parts(steps, roles, o.playbook, {a.id for a in o.scenario.actions})
    hosts = []
    for _ in range(DRILLS):
        drill = Drill(o.scenario, o.playbook, scenario_path=o.path, playbook_path=o.playbook_path)
        host = Host(drill, players=PLAYERS, speed=SPEED)
        await host.listen("127.0.0.1:0")
        hosts.append(host)
    runs = [asyncio.create_task(h.run()) for h in hosts]
    clients, starts = [], []
    for h in hosts:
        clients.append([await TeamClient.connect(h.address, h.code, f"{r}-{i}", role=r) for i, r in enumerate(roles)])
        assert h.started
        starts.append(WALL())  # the last player's join started it, a moment before its welcome arrived
    plays = [asyncio.create_task(play_script(c, parts[r], until_end=False))
             for seats in clients for c, r in zip(seats, roles, strict=True)]  # fmt: skip
    await asyncio.sleep(SECONDS)
    ratios = []
    now = WALL()
    for h, t0, seats in zip(hosts, starts, clients, strict=True):
        expected = SPEED * (now - t0)
        ratios.append(h.drill.now / expected)
        ratios += [c.now / expected for c in seats]
    for task in plays:
        task.cancel()
    for seats in clients:
        for c in seats:
            await c.close()
    for h in hosts:
        h.stop()
    await asyncio.gather(*runs)
    for h in hosts:
        h.drill.close()
    return ratios


def n2() -> Figure:
    ratios = asyncio.run(_n2())
    worst = max(ratios, key=lambda r: abs(r - 1.0))
    return Figure("N2", f"{DRILLS} team drills × {PLAYERS} headless players at {SPEED:g}×, {SECONDS:g} s",
                  f"{len(ratios)} clocks, worst {worst:.4f}", "speed × wall time since each drill started",
                  worst, "within 1%", abs(worst - 1.0) <= 0.01, 1,
                  "every host's clock and every seat's view of it; one process, real sockets")  # fmt: skip


def benchmarks() -> dict[str, Callable[[], Figure]]:
    return {"N1": n1, "N2": n2}
