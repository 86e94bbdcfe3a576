"""`warroom validate PATH...`: check scenarios, playbooks and action scripts, every problem as `file:line:col`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from sim.format.library import Library, NotFound
from sim.format.loading import LoadError, Result, check_file


def summary(results: list[Result]) -> str:
    invalid = sum(not r.ok for r in results)
    warnings = sum(p.severity == "warning" for r in results for p in r.problems)
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    tail = f", {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    return f"{files} checked: {len(results) - invalid} valid, {invalid} invalid{tail}"


def as_json(results: list[Result]) -> dict[str, object]:
    return {
        "valid": sum(r.ok for r in results),
        "invalid": sum(not r.ok for r in results),
        "files": [
            {
                "path": str(r.path),
                "kind": r.kind,
                "id": getattr(r.model, "id", None),
                "valid": r.ok,
                "problems": [p.to_json() for p in r.problems],
            }
            for r in results
        ],
    }


def named_files(library: Library, names: tuple[str, ...]) -> list[Path]:
    """The files `names` stand for, or a usage error naming the one that is neither a path nor an id."""
    try:
        return library.named_files(names)
    except NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="PATHS") from None


def against(library: Library, name: str, results: list[Result]) -> list[Result]:
    """The results, with every action script checked again against scenario `name` (an id or a path)."""
    try:
        opened = library.open(name)
    except NotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--scenario") from None
    except LoadError as exc:
        raise click.BadParameter(f"the scenario does not load:\n{exc}", param_hint="--scenario") from None
    return [
        check_file(r.path, "script", scenario=opened.scenario, playbook=opened.playbook) if r.kind == "script" else r
        for r in results
    ]


@click.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--scenario",
    "scenario_name",
    metavar="ID",
    help="Check action scripts against this scenario (an id or a path), wherever they are.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(paths: tuple[str, ...], scenario_name: str | None, fmt: str) -> None:
    """Check scenarios, playbooks and action scripts: files, folders (searched for *.yaml and *.yml), or the
    id of a bundled or your own scenario or playbook (`warroom validate tutorial`).

    The kind of each file is told from its content. An action script is checked against the scenario its
    folder names (`scripts/<scenario-id>/`), or the one --scenario names; without either, only the standard
    actions are known. Exit 0 when all are valid, 1 when any is not, 2 on a usage error such as a missing
    path.
    """
    library = Library()
    files = named_files(library, paths)
    results = library.validate(files)
    if scenario_name is not None:
        results = against(library, scenario_name, results)
    if not results:
        raise click.UsageError(f"no .yaml or .yml files in {', '.join(map(str, paths))}")
    if fmt == "json":
        sys.stdout.write(json.dumps(as_json(results), indent=2, ensure_ascii=False) + "\n")
    else:
        for result in results:
            for problem in result.problems:
                click.echo(str(problem))
        click.echo(summary(results))
    sys.exit(0 if all(r.ok for r in results) else 1)
