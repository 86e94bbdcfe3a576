"""`warroom report JOURNAL --format md|json|html|aar-md|aar-html [-o FILE]`: write a recorded drill's debrief,
or its after-action report and improvement plan (HSEEP AAR/IP)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from tui.cli.score import (
    fail,
    journal_argument,
    load_graded,
    pass_mark_option,
    playbook_option,
    scenario_option,
    team_of,
    warn,
)


@click.command()
@journal_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json", "html", "aar-md", "aar-html"]),
    default="md",
    show_default=True,
    help="Markdown post-incident review, versioned JSON, a self-contained HTML page with metric charts, or the "
    "after-action report and improvement plan (HSEEP AAR/IP) in Markdown or HTML.",
)
@click.option(
    "--date",
    "exercise_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="With aar-md/aar-html: the exercise's date (YYYY-MM-DD), shown in the overview and counted from for "
    "the improvement plan's due dates. The journal records sim time only.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
@scenario_option
@playbook_option
@pass_mark_option
def report(
    journal: Path,
    fmt: str,
    exercise_date: dt.datetime | None,
    output: Path | None,
    scenario_file: Path | None,
    playbook_file: Path | None,
    pass_mark: float,
) -> None:
    """Write the debrief of the drill recorded in JOURNAL."""
    from scoring.grade import grade

    g = load_graded(journal, scenario_file, playbook_file)
    try:
        card = grade(g.record, g.scenario, g.playbook, pass_mark=pass_mark)
    except ValueError as exc:
        fail(str(exc))
    team = team_of(g, card)  # a team drill's report has each person's part
    if fmt.startswith("aar-"):
        from scoring import aar
        from scoring.report_aar import render_aar_html, render_aar_markdown

        content = aar.build(card, g.scenario, g.playbook, exercise_date=exercise_date.date() if exercise_date else None)
        render = render_aar_markdown if fmt == "aar-md" else render_aar_html
        text = render(content, g.scenario, g.playbook)
    elif fmt == "json":
        from scoring.report_json import render_json

        text = render_json(card, g.record, g.scenario, g.playbook, team)
    else:
        from scoring.series import replay_series
        from sim.engine.drill import DrillError

        # The journal holds no samples: the charts and the worst values come from replaying its inputs.
        try:
            replayed = replay_series(g.record, g.scenario, g.playbook)
        except DrillError as exc:
            fail(f"cannot replay {journal} for the metric values: {exc}")
        if not replayed.matches:
            warn(f"replaying {journal} no longer gives the recorded events; the metric values may differ")
        if fmt == "md":
            from scoring.report_md import render_markdown

            text = render_markdown(card, g.record, g.scenario, g.playbook, replayed.series, team)
        else:
            from scoring.report_html import render_html

            text = render_html(card, g.record, g.scenario, g.playbook, replayed.series, team)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    click.echo(f"wrote {output}", err=True)
