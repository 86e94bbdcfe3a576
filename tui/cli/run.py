"""`warroom run SCENARIO` plays a scripted response headless and prints the timeline and final state;
`warroom resume JOURNAL` rebuilds a drill from its journal and carries on, in the TUI or headless."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn, assert_never

import click

from sim.engine.drill import Drill, DrillError
from sim.engine.state import DrillState
from sim.format.durations import format_clock, format_duration, parse_duration
from sim.format.library import Library, NotFound
from sim.format.loading import LoadError
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Step
from sim.journal.events import (
    ActionCancelled,
    ActionFinished,
    ActionRefusal,
    ActionStarted,
    Alert,
    AnyEvent,
    ChannelMessage,
    ClueRevealed,
    CommsSent,
    DebriefAnswer,
    DrillEnded,
    DrillStarted,
    Escalation,
    FacilitatorHint,
    FacilitatorInjectNow,
    FacilitatorJump,
    FacilitatorNote,
    FacilitatorSay,
    FaultResolved,
    FaultStarted,
    Inject,
    PagerEscalated,
    PageSent,
    PirScheduled,
    RecoveryVerified,
    RoleAssigned,
    SeverityDeclared,
    StatusChanged,
    TimerCancelled,
    TimerExpired,
    TimerMet,
    TimerStarted,
    payload,
    to_json,
)
from sim.journal.jsonl import JournalError, header_json
from sim.training.runner import load_script_file, play, steps_left
from tui.cli import SEED

# -- finding what to run ----------------------------------------------------------------------------


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"warroom: {message}", err=True)
    sys.exit(code)


def load_target(name: str, extra_dirs: tuple[Path, ...]) -> tuple[Scenario, Playbook, Path, Path]:
    library = Library(extra_dirs, extra_dirs)  # `--scenarios DIR` offers DIR's playbooks too
    try:
        path = library.find_scenario(name)
    except NotFound as exc:
        _fail(str(exc), 2)
    try:
        opened = library.load_scenario(path)
    except LoadError as exc:
        _fail(str(exc))
    # The journal records the playbook's file, so a drill resumes with the very same playbook.
    assert opened.playbook_path is not None  # the scenario loaded, so its playbook was read from a file
    return opened.scenario, opened.playbook, path, opened.playbook_path


def find_script(name: str, scenario_id: str, scenario_path: str | Path | None) -> Path:
    """`--actions`: a script file, or the scenario's own script by name (`ideal`)."""
    try:
        return Library().script_named(name, scenario_id, scenario_path)
    except NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--actions") from None


def parse_until(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--until") from None


# -- printing -----------------------------------------------------------------------------------------


def _who(actor: str, role: str | None) -> str:
    return f"{actor} as {role}" if role else actor


def _params(params: Mapping[str, object]) -> str:
    return " ".join(f"{key}={value}" for key, value in params.items())


def describe(event: AnyEvent) -> str:
    """One plain-text line per event, for timelines. Scenario text is printed as is, never as markup."""
    return f"{format_clock(event.t)}  {event.kind:<17} {_text(event)}"


def _text(e: AnyEvent) -> str:
    match e:
        case DrillStarted():
            return f"{e.scenario} starts: {e.incident_id} in {e.channel} (seed {e.seed})"
        case FaultStarted():
            return f"fault {e.fault}: {e.label}"
        case FaultResolved():
            if e.prevented:
                return f"fault {e.fault} averted by {e.by}: it will not start"
            return f"fault {e.fault} resolved by {e.by}" if e.by else f"fault {e.fault} ended by itself"
        case Alert():
            return f"{e.metric} {e.level} at {e.value:g} (threshold {e.threshold:g})"
        case Inject():
            return f"[{e.inject_kind}] {e.sender + ': ' if e.sender else ''}{e.text}"
        case PageSent():
            return f"paged {e.title} ({e.name}) - {_who(e.actor, e.role)}"
        case PagerEscalated():
            return f"nobody acknowledged: paging level {e.level}, {e.name}"
        case ActionStarted():
            return f"{_who(e.actor, e.role)} starts {e.action} {_params(e.params)}".rstrip()
        case ActionFinished():
            return f"{e.action} done {_params(e.params)}".rstrip()
        case ActionRefusal():
            return f"{e.action} refused: {e.reason}"
        case ActionCancelled():
            return f"{e.action} cancelled by {_who(e.actor, e.role)}"
        case ClueRevealed():
            return f"clue{' (root cause)' if e.root_cause else ''}: {e.text}"
        case StatusChanged():
            return f"status {e.previous} -> {e.status}{' (early)' if e.early else ''}"
        case SeverityDeclared():
            return f"severity {e.previous or 'none'} -> {e.severity} by {_who(e.actor, e.role)}"
        case RoleAssigned():
            return f"{e.role}: {e.who}"
        case CommsSent():
            return f"{e.channel} update{' (' + e.state + ')' if e.state else ''}: {e.text}"
        case TimerStarted():
            return f"{e.timer} running, due {format_clock(e.deadline)}"
        case TimerMet():
            return f"{e.timer} met{' late' if e.late else ''}"
        case TimerExpired():
            return f"{e.timer} OVERDUE (due {format_clock(e.deadline)})"
        case TimerCancelled():
            return f"{e.timer} cancelled"
        case Escalation():
            return f"{e.title} ({e.name}) pushes in: {e.reason}"
        case RecoveryVerified():
            return f"recovery verified: healthy for {format_duration(e.held_for)}"
        case PirScheduled():
            return f"post-incident review scheduled by {_who(e.actor, e.role)}"
        case ChannelMessage():
            return f"{_who(e.actor, e.role)} says: {e.text}"
        case DrillEnded():
            return f"drill ended ({e.reason}){', verified' if e.verified else ''}"
        case FacilitatorInjectNow() | FacilitatorSay() | FacilitatorHint() | FacilitatorNote() | FacilitatorJump():
            return _params(payload(e))
        case DebriefAnswer():
            return _params(payload(e))
        case _:
            assert_never(e)


def state_json(state: DrillState) -> dict[str, Any]:
    return {
        "now": state.now,
        "status": state.status,
        "severity": state.severity,
        "roles": state.roles,
        "finished": state.finished,
        "end_reason": state.end_reason,
        "metrics": {m.id: {"value": round(m.value, 4), "unit": m.unit, "level": m.level} for m in state.metrics},
        "timers": [{"id": t.id, "state": t.state, "deadline": t.deadline} for t in state.timers],
        "known_faults": list(state.known_faults),
        "clues": list(state.clues),
        "done": sorted(state.done),
    }


def print_result(drill: Drill, fmt: str) -> None:
    state = drill.state
    if fmt == "json":
        out = {
            "header": header_json(drill.header),
            "events": [to_json(e) for e in drill.events],
            "state": state_json(state),
        }
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
        return
    for event in drill.events:
        click.echo(describe(event))
    verified = " (verified)" if drill.verified_at is not None else ""
    click.echo("")
    click.echo(f"Final state at {format_clock(state.now)}: {state.status}{verified}, severity {state.severity or '-'}")
    click.echo(f"  roles: {', '.join(f'{r}={w}' for r, w in state.roles.items()) or '-'}")
    for m in state.metrics:
        click.echo(f"  {m.id:<20} {m.value:>12.2f} {m.unit:<6} {m.level}")
    for t in state.timers:
        click.echo(f"  {t.id:<24} {t.state:<8} due {format_clock(t.deadline)}")


# -- running ------------------------------------------------------------------------------------------


def _play(drill: Drill, steps: list[Step], until: float | None, pace: float | None, fmt: str) -> int:
    """Play the steps, print the result, and report each refused step on stderr; returns how many were."""
    # `--pace` exists for tests that must kill a run mid-drill: the sleeping lives here, never in sim.
    on_tick = (lambda _d: time.sleep(pace)) if pace else None
    before = len(drill.events)
    try:
        play(drill, steps, until, tick=60.0 if pace else None, on_tick=on_tick)
    except DrillError as exc:
        drill.close()
        _fail(f"{exc}; the journal is kept")
    drill.close()
    print_result(drill, fmt)
    refused = [e for e in drill.events[before:] if isinstance(e, ActionRefusal)]
    for e in refused:
        # The script meant something the drill would not do: say so where a person running it will look.
        click.echo(f"warroom: the step at {format_clock(e.t)} ({e.action}) was refused: {e.reason}", err=True)
    return len(refused)


def _strict(refused: int, strict: bool) -> None:
    if refused and strict:
        _fail(f"{refused} step{'s were' if refused > 1 else ' was'} refused (--strict)")


_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
_UNTIL = click.option("--until", help="Stop at this sim time (e.g. 2h) instead of running to the end.")
_PACE = click.option("--pace", type=float, hidden=True, help="Wall seconds to sleep per sim minute (tests).")
_STRICT = click.option("--strict", is_flag=True, help="Exit 1 when the drill refuses any step of the script.")


@click.command()
@click.argument("scenario")
@click.option(
    "--actions",
    "script_name",
    metavar="SCRIPT",
    help="An action script file, or a scenario's own by name: ideal, mistakes, negligent.",
)
@click.option("--seed", type=SEED, help="Override the scenario's seed (0 to 2^63-1).")
@_UNTIL
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), help="Write the JSONL journal here.")
@click.option("--trainee", default="trainee", show_default=True)
@click.option("--scenarios", "extra_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path))
@_FORMAT
@_STRICT
@_PACE
def run(
    scenario: str,
    script_name: str | None,
    seed: int | None,
    until: str | None,
    journal: Path | None,
    trainee: str,
    extra_dirs: tuple[Path, ...],
    fmt: str,
    strict: bool,
    pace: float | None,
) -> None:
    """Play a scripted response to SCENARIO (an id or a path) headless; print the timeline and final state.

    The script (--actions) is a YAML list of timed steps, e.g. `- {at: 3m, do: declare, severity: SEV1}`.
    A step the drill refuses (an action already under way, a requirement not met) is skipped and reported
    on stderr; --strict then exits 1.
    """
    until_s = parse_until(until)
    model, playbook, path, playbook_path = load_target(scenario, extra_dirs)
    steps: list[Step] = []
    if script_name is not None:
        script_path = find_script(script_name, model.id, path)
        try:
            steps = list(load_script_file(script_path, model, playbook).root)
        except LoadError as exc:
            _fail(str(exc))
    drill = Drill(
        model,
        playbook,
        seed,
        trainee=trainee,
        journal=journal,
        scenario_path=path,
        playbook_path=playbook_path,
    )
    _strict(_play(drill, steps, until_s, pace, fmt), strict)


def list_unfinished() -> None:
    """The resume list: unfinished drills in the journals dir, newest first."""
    from sim.journal.directory import journals_dir, unfinished

    found = unfinished()
    if not found:
        click.echo(f"No unfinished drills in {journals_dir()}.")
        return
    # The id is shown whole, however long, so it can be copied into `warroom resume ID`.
    width = max(len("ID"), *(len(u.id) for u in found))
    click.echo(f"{'ID':{width}} {'SCENARIO':24} {'TRAINEE':14} {'REACHED':10} MODIFIED")
    for u in found:
        if u.problem:
            click.echo(f"{u.id:{width}} cannot be resumed: {u.problem}")
            continue
        cut = "  (last line cut short; resuming drops it)" if u.truncated else ""
        click.echo(
            f"{u.id:{width}} {u.scenario[:24]:24} {u.trainee[:14]:14} {format_clock(u.reached):10} "
            f"{u.modified_text}{cut}"
        )
    click.echo("\nContinue one with `warroom resume ID`.")
    if any(u.reached == 0.0 and not u.problem for u in found):
        click.echo("Drills that never got past T+00:00:00 can all be cleared with `warroom resume --discard-empty`.")


def discard_unstarted() -> None:
    """Move every unfinished journal that never got past T+0 into `discarded/`, in one step."""
    from sim.journal.directory import discard, unfinished

    empty = [u for u in unfinished() if u.reached == 0.0 and not u.problem]
    for u in empty:
        discard(u.path)
    click.echo(
        f"Discarded {len(empty)} unfinished drill{'s' if len(empty) != 1 else ''} that never got past T+00:00:00."
    )


@click.command()
@click.argument("journal", required=False)
@click.option("--headless", is_flag=True, help="Finish the drill without the TUI (implied by --actions and --until).")
@click.option(
    "--discard-empty", is_flag=True, help="Set aside every unfinished drill that never got past T+00:00:00, and stop."
)
@click.option(
    "--actions",
    "script_name",
    metavar="SCRIPT",
    help="An action script file, or a scenario's own by name: ideal, mistakes, negligent.",
)
@_UNTIL
@_FORMAT
@_STRICT
@_PACE
def resume(
    journal: str | None,
    headless: bool,
    discard_empty: bool,
    script_name: str | None,
    until: str | None,
    fmt: str,
    strict: bool,
    pace: float | None,
) -> None:
    """Rebuild a drill from its JOURNAL (by replaying it) and carry on: in the TUI, or headless, where the
    script (--actions) continues from the first step the journal does not show as taken.

    JOURNAL is a journal file or the ID of an unfinished drill; without it, lists the unfinished drills.
    """
    if discard_empty:
        if journal is not None:
            raise click.UsageError("--discard-empty takes no JOURNAL")
        discard_unstarted()
        return
    if journal is None:
        list_unfinished()
        return
    from sim.journal.directory import find_journal
    from sim.rerun.resume import resume as resume_journal

    try:
        path = find_journal(journal)
    except LookupError as exc:
        _fail(str(exc), 2)
    until_s = parse_until(until)
    headless = headless or script_name is not None or until_s is not None or fmt == "json"
    try:
        drill = resume_journal(path)
    except (JournalError, LoadError, DrillError) as exc:
        _fail(str(exc))
    if not headless:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            drill.close()
            _fail("resuming in the TUI needs an interactive terminal; add --headless to finish it without", 2)
        from tui.app import WarroomApp, run_app

        try:
            run_app(WarroomApp(drill=drill, autostart=False))  # paused, as `play --resume` opens
        finally:
            drill.close()
        return
    steps: list[Step] = []
    if script_name is not None:
        script_path = find_script(script_name, drill.scenario.id, drill.header.scenario_path or None)
        try:
            steps = steps_left(drill, load_script_file(script_path, drill.scenario, drill.playbook))
        except LoadError as exc:
            _fail(str(exc))
    refused = _play(drill, steps, until_s, pace, fmt)
    if drill.finished:
        _record(drill)
    _strict(refused, strict)


def _record(drill: Drill) -> None:
    """A trainee's drill finished headless is stored in the history, as the TUI's debrief stores it."""
    from scoring.grade import grade
    from scoring.history import HistoryError, store
    from tui.session import utc_now

    try:
        drill_id = store(grade(drill.record, drill.scenario, drill.playbook), drill.record, drill.journal_path,
                         started_at=utc_now(), scenario=drill.scenario, playbook=drill.playbook)  # fmt: skip
    except HistoryError as exc:
        click.echo(f"warroom: not stored in the history: {exc}; the journal is kept", err=True)
        return
    click.echo(f"Stored in the history as drill {drill_id}.", err=True)
