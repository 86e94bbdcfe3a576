"""Writing the debrief's reports to disk: one file per format, named after the drill's journal."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from scoring.grade import ScoreCard
from sim.journal.drill_record import DrillRecord
from tui.session import Session
from tui.settings import reports_dir

if TYPE_CHECKING:
    from scoring.team import TeamCard

FORMATS: Mapping[str, str] = {"md": "Markdown", "html": "HTML", "json": "JSON"}


def render(fmt: str, card: ScoreCard, record: DrillRecord, session: Session, team: TeamCard | None = None) -> str:
    """The report text; the scorer owns the formats, this only picks one. `team`: a team drill's people."""
    scenario, playbook = session.scenario, session.playbook
    # The live drill still holds every sample, so the charts and worst values need no replay of the journal.
    series = {m.id: session.drill.series(m.id) for m in scenario.metrics}
    if fmt == "md":
        from scoring.report_md import render_markdown

        return render_markdown(card, record, scenario, playbook, series, team)
    if fmt == "json":
        from scoring.report_json import render_json

        return render_json(card, record, scenario, playbook, team)
    if fmt == "html":
        from scoring.report_html import render_html

        return render_html(card, record, scenario, playbook, series, team)
    raise ValueError(f"unknown report format {fmt!r}")


def report_path(fmt: str, session: Session, directory: Path | None = None) -> Path:
    """`<journal stem>.<fmt>` (or `<scenario>-s<seed>.<fmt>` without a journal), so a report and its journal
    pair up by name and exporting twice overwrites rather than piling up copies."""
    stem = session.journal.stem if session.journal else f"{session.scenario.id}-s{session.seed}"
    return (directory or reports_dir()) / f"{stem}.{fmt}"


def export(
    fmt: str,
    card: ScoreCard,
    record: DrillRecord,
    session: Session,
    directory: Path | None = None,
    team: TeamCard | None = None,
) -> Path:
    text = render(fmt, card, record, session, team)
    path = report_path(fmt, session, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
