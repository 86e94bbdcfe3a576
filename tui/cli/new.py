"""`warroom new`: scaffold a valid, commented scenario from flags or by answering a few questions."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from sim.authoring.scaffold import TYPES, scaffold
from sim.format.library import Library, NotFound, user_scenarios_dir
from sim.format.loading import check_file

DIFFICULTIES = ("tutorial", "easy", "medium", "hard")


def _interactive() -> bool:
    return sys.stdin.isatty()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "new-drill"


@click.command()
@click.option("--playbook", "playbook_id", help="Playbook id (see `warroom playbooks`).")
@click.option("--type", "kind", type=click.Choice(sorted(TYPES)), help="What kind of incident.")
@click.option("--title", help="The scenario's title.")
@click.option("--id", "scenario_id", help="The scenario id (default: from the title).")
@click.option("--difficulty", type=click.Choice(DIFFICULTIES), help="How hard (default medium).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Where to write (default: your scenarios dir).")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def new(playbook_id: str | None, kind: str | None, title: str | None, scenario_id: str | None,
        difficulty: str | None, output: str | None, force: bool) -> None:  # fmt: skip
    """Write a new scenario that validates at once; `warroom lint` then lists the TODOs to fill in."""
    playbooks = dict(Library().playbooks())
    interactive = _interactive()

    def ask(value: str | None, prompt: str, choices: tuple[str, ...] | None = None, default: str | None = None) -> str:
        if value:
            return value
        if not interactive:
            if default is not None:
                return default
            raise click.UsageError(f"missing --{prompt.split()[0].lower()} (and no terminal to ask on)")
        kind_ = click.Choice(choices) if choices else None
        return click.prompt(prompt, type=kind_, default=default, show_choices=bool(choices))

    playbook_id = ask(playbook_id, "Playbook", tuple(sorted(playbooks)))
    if playbook_id not in playbooks:
        error = NotFound(f"no playbook '{playbook_id}'", "known: " + ", ".join(sorted(playbooks)))
        raise click.UsageError(str(error))
    kind = ask(kind, "Type of incident", tuple(sorted(TYPES)), "outage")
    title = ask(title, "Title", None, f"A new {kind} drill")
    scenario_id = scenario_id or _slug(title)
    difficulty = ask(difficulty, "Difficulty", DIFFICULTIES, "medium")
    path = Path(output) if output else user_scenarios_dir() / f"{scenario_id}.yaml"
    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; pass --force to overwrite it or -o to write elsewhere")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scaffold(playbooks[playbook_id], kind, scenario_id, title, difficulty), encoding="utf-8")
    result = check_file(path, "scenario", playbooks=playbooks)
    if not result.ok:  # the scaffold is tested to validate; this guards a user-made playbook that does not fit
        for problem in result.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    click.echo(f"Wrote {path}")
    click.echo(f"Next: fill in the TODOs (`warroom lint {path}` lists them), then `warroom play {path}`.")
