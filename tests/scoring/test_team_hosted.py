"""The team debrief of a drill really played by a team: a host and three headless seats (tests/team) play their
parts of the bundled ideal script; the journal's debrief has each of them, in their role, with their part."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from scoring.grade import grade
from scoring.team import team_card
from sim.journal.jsonl import read_journal
from sim.team.client import TeamClient, play_script
from tests.team.helpers import NAMES, ROLES, hosted, new_drill, opened, part
from tui.cli import main


async def _play(journal: Path) -> None:
    o = opened()
    drill = new_drill(o, journal=journal)
    async with hosted(drill, players=3, speed=400) as host:
        clients = [await TeamClient.connect(host.address, host.code, NAMES[r], role=r) for r in ROLES]
        plays = (play_script(c, part(o, r), lookahead=3600.0) for c, r in zip(clients, ROLES, strict=True))
        await asyncio.gather(*plays)
    drill.close()


def test_a_hosted_team_drills_debrief_has_each_seat_in_its_role(tmp_path: Path) -> None:
    journal = tmp_path / "team.jsonl"
    asyncio.run(_play(journal))
    o = opened()
    record = read_journal(journal).record
    tc = team_card(record, o.scenario, o.playbook)
    assert tc is not None
    assert tc.card == grade(record, o.scenario, o.playbook)
    assert [(p.name, p.role) for p in tc.people] == [(NAMES[r], r) for r in ROLES]
    by_role = {p.role: p for p in tc.people}
    for role, step_count in ((r, len(part(o, r))) for r in ROLES):
        p = by_role[role]
        started = [e for e in p.actions if e.kind == "action.started"]
        assert len(started) == step_count, role  # each seat's part, and only it
        assert p.graded and p.criteria
    assert {c.category for c in by_role["comms-lead"].criteria} == {"communication"}
    assert "mitigate.fix" in {c.id for c in by_role["tech-lead"].criteria}
    assert "classify.severity" in {c.id for c in by_role["incident-commander"].criteria}
    out = CliRunner().invoke(main, ["score", str(journal)]).output
    assert all(f"{NAMES[r]} — " in out for r in ROLES), out[-2000:]
