"""`warroom export SCENARIO --format msel-csv` and `warroom import FILE.csv`: a scenario's injects as a Master
Scenario Events List that a spreadsheet opens, and a scenario written back from one."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NoReturn

import click

from sim.authoring.scaffold import TYPES
from sim.format.library import Library, NotFound
from sim.format.loading import LoadError, Problem, check_file


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"warroom: {message}", err=True)
    sys.exit(code)


def _problems(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for p in problems:
        click.echo(str(p), err=True)


@click.command("export")
@click.argument("scenario")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["msel-csv"]),
    default="msel-csv",
    show_default=True,
    help="msel-csv: the injects as a Master Scenario Events List (CSV, UTF-8 with BOM).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here instead of standard output.",
)
def export(scenario: str, fmt: str, output: Path | None) -> None:
    """Write SCENARIO's injects (an id or a file) as a Master Scenario Events List a spreadsheet opens.

    `warroom import` reads it back; the Trigger column keeps triggers that are not a time
    (scenarios/README.md, "MSEL: injects as a spreadsheet").
    """
    from sim.authoring.msel import write_msel

    library = Library()
    try:
        opened = library.open(scenario)
    except NotFound as exc:
        _fail(str(exc), 2)
    except LoadError as exc:
        _fail(str(exc))
    text = write_msel(opened.scenario)
    if output is None:
        # Bytes, so the BOM and the CRLF line ends reach the file a shell redirect makes, whatever the platform.
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    try:
        output.write_bytes(text.encode("utf-8"))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {output} ({len(opened.scenario.injects)} events)", err=True)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "imported"


@click.command("import")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--into",
    "into",
    metavar="SCENARIO",
    help="Keep everything of this scenario (an id or a file) but its injects, which the list replaces.",
)
@click.option("--playbook", "playbook_id", help="Without --into: the new scenario's playbook id.")
@click.option(
    "--type",
    "kind",
    type=click.Choice(sorted(TYPES)),
    default="outage",
    show_default=True,
    help="Without --into: the kind of incident the new scenario's metrics, fault and actions are shaped for.",
)
@click.option("--id", "scenario_id", help="The scenario id (default: --into's, else from the file name).")
@click.option("--title", help="The scenario's title (default: --into's, else from the file name).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Where to write the scenario: a file, or - for standard output (default: your scenarios dir).",
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def import_(
    csv_file: Path,
    into: str | None,
    playbook_id: str | None,
    kind: str,
    scenario_id: str | None,
    title: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Write a scenario whose injects are the events of FILE.csv, a Master Scenario Events List.

    An MSEL holds injects only. The rest (metrics, faults, actions, the hidden truth) comes from --into
    SCENARIO, or else from a new scaffold on --playbook, as `warroom new` writes it, to fill in.
    """
    from sim.authoring.msel import MAX_BYTES, MselError, decode, read_msel
    from sim.authoring.msel_scenario import write_scenario
    from sim.authoring.scaffold import scaffold
    from sim.format.library import user_scenarios_dir

    library = Library()
    shown = str(csv_file)
    try:
        with csv_file.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        _fail(f"cannot read {csv_file}: {exc.strerror or exc}")
    if into is not None:
        if playbook_id is not None:
            raise click.UsageError("--playbook goes with a new scenario; --into keeps its scenario's playbook")
        try:
            base_path = library.find_scenario(into)
            opened = library.load_scenario(base_path)
        except NotFound as exc:
            _fail(str(exc), 2)
        except LoadError as exc:
            _fail(f"the scenario given with --into has problems:\n{exc}")
        base = base_path.read_text(encoding="utf-8")
        playbooks = library.playbooks(beside=base_path)
        scenario_id = scenario_id or opened.scenario.id
        title = title or opened.scenario.title
        values = {"id": scenario_id, "title": title}
        where = str(base_path)
    else:
        if playbook_id is None:
            raise click.UsageError("give --into SCENARIO to keep, or --playbook ID for a new scenario")
        try:
            playbook = library.playbook(playbook_id)
        except NotFound as exc:
            raise click.UsageError(str(exc)) from None
        scenario_id = scenario_id or _slug(csv_file.stem)
        title = title or f"{csv_file.stem} (from an MSEL)"
        base = scaffold(playbook, kind, _slug(scenario_id), title)
        playbooks = library.playbooks()
        values = {"id": scenario_id}
        where = f"{scenario_id}.yaml"
    try:
        rows = read_msel(decode(data, shown), shown)
        written = write_scenario(rows, shown, base, where, playbooks, values)
    except ValueError as exc:  # a value --id or --title cannot set in the base scenario's file
        _fail(f"cannot write the scenario from {where}: {exc}")
    except MselError as exc:
        _problems(exc.problems)
        n = len(exc.problems)
        _fail(f"{csv_file} is not a list warroom can read ({n} problem{'s' if n != 1 else ''})")
    _problems(written.problems)
    if written.scenario is None:
        n = sum(p.severity == "error" for p in written.problems)
        unknown = into is None and any("is not defined" in p.message for p in written.problems)
        hint = " (a new scaffold has its own metrics and actions only: import a sheet exported from a scenario "
        hint += "--into that scenario)"
        _fail(f"no scenario written: fix the {n} error{'s' if n != 1 else ''} above" + (hint if unknown else ""))
    if output is not None and str(output) == "-":
        click.echo(written.text, nl=False)
        return
    path = output or user_scenarios_dir() / f"{scenario_id}.yaml"
    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; pass --force to overwrite it or -o to write elsewhere")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(written.text, encoding="utf-8", newline="\n")
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}")
    # Checked as written, beside its own folder's playbooks, as `warroom play` will load it.
    result = check_file(path, "scenario", playbooks=library.playbooks(beside=path))
    if not result.ok:
        _problems(result.problems)
        _fail(f"wrote {path}, but it does not load where it is: see above")
    click.echo(f"wrote {path} ({len(written.scenario.injects)} injects)", err=True)
    if into is None:
        click.echo(f"Next: fill in the TODOs (`warroom lint {path}` lists them), then `warroom play {path}`.", err=True)
