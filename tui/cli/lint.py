"""`warroom lint PATH...`: what is valid but probably wrong, as `file:line:col: warning: …`."""

from __future__ import annotations

import json
import sys

import click

from sim.authoring.lint import is_draft, lint_scenario
from sim.format.library import Library
from sim.format.loading import Problem, Result, Source, read_source
from sim.format.scenario import Scenario
from tui.cli.validate import named_files


def lint_result(result: Result, difficulty: bool = False) -> list[Problem]:
    """A file's load errors as they are, and for a scenario that loads, its lint warnings placed in the file;
    with `difficulty`, also whether its declared difficulty fits what simulated trainees measure."""
    if not result.ok or not isinstance(result.model, Scenario):
        return [p for p in result.problems if p.severity == "error"]
    scenario = result.model
    playbook = Library().playbooks(beside=result.path).get(scenario.playbook)
    source = read_source(result.path)
    assert isinstance(source, Source), "the file loaded a moment ago"
    findings = lint_scenario(scenario, playbook)
    if difficulty and playbook is not None and not is_draft(scenario):  # a draft is measured once filled in
        from scoring.calibrate import difficulty_finding  # plays drills: only when asked

        measured = difficulty_finding(scenario, playbook)
        findings += [measured] if measured is not None else []
    return [source.finding(f) for f in findings]


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--strict", is_flag=True, help="Exit 1 when there is any warning.")
@click.option(
    "--difficulty/--no-difficulty",
    default=True,
    show_default=True,
    help="Play each scenario with simulated typical trainees and warn when its declared difficulty disagrees.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def lint(paths: tuple[str, ...], strict: bool, difficulty: bool, fmt: str) -> None:
    """Find what is valid but probably wrong in scenarios (files or folders), including a declared difficulty
    that simulated trainees disagree with (about a second per scenario; --no-difficulty skips it).

    Exit 0 when clean (or only warnings without --strict), 1 on errors or on warnings under --strict.
    """
    library = Library()
    results = [r for r in library.validate(named_files(library, paths)) if r.kind in ("scenario", None)]
    problems = {str(r.path): lint_result(r, difficulty) for r in results}
    everything = [p for ps in problems.values() for p in ps]
    if fmt == "json":
        out = [{"path": path, "problems": [p.to_json() for p in ps]} for path, ps in problems.items()]
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        for problem in everything:
            click.echo(str(problem))
        errors = sum(p.severity == "error" for p in everything)
        warnings = len(everything) - errors
        click.echo(f"{len(results)} scenario(s) checked: {errors} error(s), {warnings} warning(s)", err=True)
    failed = any(p.severity == "error" for p in everything) or (strict and everything)
    sys.exit(1 if failed else 0)
