"""A TUI drill in a child process, for the SIGKILL test: the real app, headless, driven by key presses.

`python -m tests.tui.kill_child JOURNAL PAUSE` acknowledges at T+2m, then steps a minute at a time (sleeping
PAUSE wall seconds between steps, so a parent can kill it mid-drill) until the drill ends at its time limit.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sim.engine.drill import Drill
from sim.format.loading import load_playbook, load_scenario
from tui.app import WarroomApp
from tui.screens.debrief import DebriefScreen

HERE = Path(__file__).parent / "fixtures"
SCENARIO_FILE = HERE / "scenarios" / "api-outage.yaml"
PLAYBOOK_FILE = HERE / "playbooks" / "drillbook.yaml"


async def drive(journal: Path, pause: float) -> None:
    playbook = load_playbook(PLAYBOOK_FILE)
    scenario = load_scenario(SCENARIO_FILE, {playbook.id: playbook})
    drill = Drill(
        scenario,
        playbook,
        7,
        trainee="Alex",
        journal=journal,
        scenario_path=SCENARIO_FILE,
        playbook_path=PLAYBOOK_FILE,
    )
    app = WarroomApp(drill=drill, autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "a")
        while not isinstance(app.screen, DebriefScreen):
            await pilot.press("n")
            await pilot.pause()
            await asyncio.sleep(pause)


if __name__ == "__main__":
    asyncio.run(drive(Path(sys.argv[1]), float(sys.argv[2])))
