"""What the team tests share: a hosted drill on a real socket, and the bundled ideal script split by role."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sim.engine.drill import Drill
from sim.format.library import Library, Opened
from sim.format.loading import load_script
from sim.format.script import Step
from sim.team.host import Host

HERE = Path(__file__).parent
SCENARIO = "db-pool-exhaustion"  # on mindweave: an incident commander, a tech lead and a comms lead
ROLES = ("incident-commander", "tech-lead", "comms-lead")
NAMES = dict(zip(ROLES, ("Sam", "Ana", "Kim"), strict=True))


def opened(scenario: str = SCENARIO) -> Opened:
    return Library().open(scenario)


def ideal(o: Opened) -> list[Step]:
    return list(load_script(Path(f"scenarios/scripts/{o.scenario.id}/ideal.yaml"), o.scenario, o.playbook).root)


def part(o: Opened, role: str) -> list[Step]:
    """One role's part of the ideal script (tests/team/scripts/)."""
    return list(load_script(HERE / "scripts" / f"{o.scenario.id}-{role}.yaml", o.scenario, o.playbook).root)


def new_drill(o: Opened, **kw: Any) -> Drill:
    return Drill(o.scenario, o.playbook, scenario_path=o.path, playbook_path=o.playbook_path, **kw)


@contextlib.asynccontextmanager
async def hosted(drill: Drill, address: str = "127.0.0.1:0", **kw: Any) -> AsyncIterator[Host]:
    """A host serving `drill` on a real socket, its clock running in a task, stopped on the way out."""
    host = Host(drill, **kw)
    await host.listen(address)
    task = asyncio.create_task(host.run())
    try:
        yield host
    finally:
        host.stop()
        await asyncio.wait_for(task, 30)
