"""A host and three headless seats (incident commander, tech lead, comms lead) play the bundled ideal script,
each its own part: the team scores what one trainee playing the whole script scores, and the team's journal
holds the events a single-player drill gives for the same actions at the same times."""

from __future__ import annotations

import asyncio
from pathlib import Path

from scoring.grade import grade
from sim.journal.events import ActionStarted, RoleAssigned, to_json
from sim.journal.jsonl import read_journal
from sim.rerun.resume import apply_input, is_input
from sim.team.client import TeamClient, play_script
from sim.training.runner import run_script
from tests.team.helpers import NAMES, ROLES, hosted, ideal, new_drill, opened, part

# Each step goes to the host this far ahead of its time (sim seconds), and the host takes it at its time: under
# any load, no step can arrive late (a late one would be taken late, and the scores would differ).
LOOKAHEAD = 3600.0


async def _play_team(journal: Path) -> list[TeamClient]:
    o = opened()
    drill = new_drill(o, journal=journal)
    async with hosted(drill, players=3, speed=400) as host:
        clients, plays = [], []
        for r in ROLES:  # each seat plays as soon as it joins: nothing is sent before the third starts the drill
            clients.append(await TeamClient.connect(host.address, host.code, NAMES[r], role=r))
            plays.append(asyncio.create_task(play_script(clients[-1], part(o, r), lookahead=LOOKAHEAD)))
        await asyncio.gather(*plays)
    drill.close()
    return clients


async def test_three_seats_playing_their_parts_score_as_the_ideal_script(tmp_path: Path) -> None:
    o = opened()
    clients = await _play_team(tmp_path / "team.jsonl")
    team = grade(read_journal(tmp_path / "team.jsonl").record, o.scenario, o.playbook)
    solo = grade(run_script(o.scenario, o.playbook, ideal(o)).record, o.scenario, o.playbook)
    notices = [n for c in clients for n in c.notices]
    assert notices == []
    diff = [
        (a.id, a.points, b.points, a.explanation)
        for a, b in zip(team.criteria, solo.criteria, strict=True)
        if a.points != b.points
    ]
    assert diff == []
    assert team.score == solo.score
    assert [(c.id, c.points) for c in team.criteria] == [(c.id, c.points) for c in solo.criteria]
    # Every step was taken at its own time, by the seat whose part it is, in its role.
    started = [e for e in read_journal(tmp_path / "team.jsonl").events if isinstance(e, ActionStarted)]
    assert sorted((e.t, e.action) for e in started) == sorted((float(s.at), s.do) for s in ideal(o))
    assert {(e.actor, e.role) for e in started} == {(NAMES[r], r) for r in ROLES}
    # Each seat saw every event the drill journaled, in order.
    lines = [to_json(e) for e in read_journal(tmp_path / "team.jsonl").events]
    for c in clients:
        assert [to_json(e) for e in c.events] == lines
        assert c.closed == "the drill ended"
    assigned = [e for e in read_journal(tmp_path / "team.jsonl").events if isinstance(e, RoleAssigned)]
    assert ("incident-commander", "Sam") in [(e.role, e.who) for e in assigned]  # "who: me" is the seat


async def test_the_team_journal_replays_as_a_single_player_drill(tmp_path: Path) -> None:
    """Determinism: the same inputs at the same sim times, fed to a plain Drill, give every event again."""
    await _play_team(tmp_path / "team.jsonl")
    journal = read_journal(tmp_path / "team.jsonl")
    o = opened()
    solo = new_drill(o)
    for event in journal.events:
        if is_input(event):
            solo.advance_to(event.t)
            apply_input(solo, event)
    solo.advance_to(journal.events[-1].t + 1)
    assert [to_json(e) for e in solo.events] == [to_json(e) for e in journal.events]
