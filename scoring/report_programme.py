"""The programme report: how every team's drills went month by month (score, MTTA/MTTM/MTTR, the share of
drills meeting each playbook target, improvement items opened and closed) as one self-contained HTML page with
inline SVG charts, to send to leadership. It reads the store's aggregate rows (docs/programme-data.md)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any, NamedTuple, Protocol

from scoring.svg_months import bar_chart, line_chart
from sim.format.durations import format_duration

KPIS = (("mtta", "MTTA", "acknowledged"), ("mttm", "MTTM", "mitigated"), ("mttr", "MTTR", "resolved"))


class ProgrammeRowLike(Protocol):
    """One team's drills of one scenario in one month, as the store aggregates them (`scoring.trends.ProgrammeRow`
    on the store's side; docs/programme-data.md)."""

    @property
    def team(self) -> str: ...
    @property
    def month(self) -> str: ...
    @property
    def scenario(self) -> str: ...
    @property
    def drills(self) -> int: ...
    @property
    def score(self) -> float | None: ...
    @property
    def mtta(self) -> float | None: ...
    @property
    def mttm(self) -> float | None: ...
    @property
    def mttr(self) -> float | None: ...
    @property
    def met_mtta(self) -> float | None: ...
    @property
    def met_mttm(self) -> float | None: ...
    @property
    def met_mttr(self) -> float | None: ...
    @property
    def items_opened(self) -> int: ...
    @property
    def items_closed(self) -> int: ...


class Row(NamedTuple):
    """A row read back from `warroom history trends --programme --format json`."""

    team: str
    month: str
    scenario: str
    drills: int = 0
    score: float | None = None
    mtta: float | None = None
    mttm: float | None = None
    mttr: float | None = None
    met_mtta: float | None = None
    met_mttm: float | None = None
    met_mttr: float | None = None
    items_opened: int = 0
    items_closed: int = 0


# Larger than any count, score or time a store holds (some 30,000 years in seconds): a damaged file's, read as missing.
_LIMIT = 1e12


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value) if abs(value) <= _LIMIT else None


def _count(value: object) -> int:
    return max(0, int(_number(value) or 0))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def rows_from_json(doc: Mapping[str, Any]) -> list[Row]:
    """The rows of the JSON object the store prints; a value of the wrong type reads as missing."""
    out = []
    for r in doc.get("rows", []) if isinstance(doc.get("rows"), list) else []:
        if not isinstance(r, dict):
            continue
        met: dict[str, Any] = r["met"] if isinstance(r.get("met"), dict) else {}
        out.append(
            Row(
                team=_text(r.get("team")),
                month=_text(r.get("month")),
                scenario=_text(r.get("scenario")),
                drills=_count(r.get("drills")),
                score=_number(r.get("score")),
                mtta=_number(r.get("mtta")),
                mttm=_number(r.get("mttm")),
                mttr=_number(r.get("mttr")),
                met_mtta=_number(met.get("mtta")),
                met_mttm=_number(met.get("mttm")),
                met_mttr=_number(met.get("mttr")),
                items_opened=_count(r.get("items_opened")),
                items_closed=_count(r.get("items_closed")),
            )
        )
    return out


class Cell(NamedTuple):
    """One team's month (or whole period), every scenario together."""

    drills: int
    score: float | None
    kpi: dict[str, float | None]  # mtta, mttm, mttr: mean seconds
    met: dict[str, float | None]  # mtta, mttm, mttr: share of drills 0-1
    opened: int
    closed: int


def _mean(pairs: Iterable[tuple[float | None, int]]) -> float | None:
    """The drills-weighted mean of the values that are there."""
    known = [(v, w) for v, w in pairs if v is not None and w > 0]
    total = sum(w for _, w in known)
    return sum(v * w for v, w in known) / total if total else None


def combine(rows: Sequence[ProgrammeRowLike]) -> Cell:
    """Rows of several scenarios (and months) as one: each figure the drills-weighted mean of theirs."""
    return Cell(
        drills=sum(r.drills for r in rows),
        score=_mean((r.score, r.drills) for r in rows),
        kpi={k: _mean((getattr(r, k), r.drills) for r in rows) for k, _, _ in KPIS},
        met={k: _mean((getattr(r, f"met_{k}"), r.drills) for r in rows) for k, _, _ in KPIS},
        opened=sum(r.items_opened for r in rows),
        closed=sum(r.items_closed for r in rows),
    )


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _team(name: str) -> str:
    return name or "(no team)"


def _minutes(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(seconds)


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


# -- the page --------------------------------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 62rem; padding: 0 1rem; color: #1d2430; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d7dce3; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e5e8ee; vertical-align: top; }
th { background: #f3f5f8; } td.num, td:first-child { white-space: nowrap; } td.num { text-align: right; }
.note { color: #4b5563; }
svg.chart { display: block; max-width: 100%; height: auto; margin: .5rem 0 1.2rem; }
svg .plot { fill: #fbfcfd; stroke: #c9d0da; } svg .grid { stroke: #eceff3; }
svg .tick, svg .legend, svg .chart-title, svg .reference-label { font: 11px system-ui, sans-serif; fill: #4b5563; }
svg .chart-title { font-weight: 600; fill: #1d2430; } svg .series { fill: none; stroke-width: 2; }
svg .reference { stroke: #b3261e; stroke-dasharray: 5 4; } svg .reference-label { fill: #b3261e; }
"""

DEFINITIONS = (
    ("Score", "the drill's score out of 100 (warroom's rubric); a month's figure is the mean over its drills."),
    ("MTTA", "mean time from detection (the first alert or page) to acknowledgement, over the drills where it "
             "happened."),
    ("MTTM", "mean time from detection to mitigation (every fault resolved), over the drills where it happened."),
    ("MTTR", "mean time from detection to resolution on a healthy system, over the drills where it happened."),
    ("Met target", "the share of drills whose time met the playbook's target for the incident's true severity; "
                   "a time never reached counts as missed; — when no drill had a target."),
    ("Items opened / closed", "improvement-plan items the team opened (closed) that month; a drill that shows an "
                              "open item's weakness again links to it and opens none."),
    ("Across scenarios", "a team's month over several scenarios weighs each scenario's figure by its drills."),
)  # fmt: skip


def render_programme(
    rows: Sequence[ProgrammeRowLike], *, title: str = "Drill programme", pass_mark: float = 70.0, note: str = ""
) -> str:
    """The page. Deterministic: the same rows give the same bytes, whatever their order."""
    rows = sorted(rows, key=lambda r: (r.team, r.month, r.scenario))
    months = month_axis({r.month for r in rows})
    teams = sorted({r.team for r in rows})
    cells = {(t, m): combine([r for r in rows if r.team == t and r.month == m]) for t in teams for m in months}
    whole = {t: combine([r for r in rows if r.team == t]) for t in teams}
    period = f"{months[0]} to {months[-1]}" if len(months) > 1 else (months[0] if months else "no drills")
    drills = sum(r.drills for r in rows)
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">']
    parts += ['<meta name="viewport" content="width=device-width, initial-scale=1">', f"<title>{_e(title)}</title>"]
    parts += [f"<style>{_CSS}</style>", "</head>", "<body>", f"<h1>{_e(title)}</h1>"]
    summary = (
        f"{drills} drill{'s' if drills != 1 else ''} by {len(teams)} team{'s' if len(teams) != 1 else ''}, {period}."
    )
    parts.append(f'<p class="note">{_e(summary)}{(" " + _e(note)) if note else ""}</p>')
    if not rows:
        parts += ["<p>No drills stored for this selection.</p>", "</body>", "</html>"]
        return "\n".join(parts) + "\n"
    parts += ["<h2>Teams</h2>", _team_table(teams, whole, cells, months)]
    score_lines = {t: [cells[t, m].score if cells[t, m].drills else None for m in months] for t in teams}
    parts += ["<h2>Score</h2>", line_chart("Mean score by month", months, score_lines, fixed=(0, 100, 20),
                                           reference=(pass_mark, f"pass mark {pass_mark:g}"))]  # fmt: skip
    parts.append("<h2>Response times</h2>")
    for k, name, what in KPIS:
        lines = {t: [_min(cells[t, m].kpi[k]) for m in months] for t in teams}
        parts.append(line_chart(f"{name}: minutes from detection until {what}", months, lines, show=_minutes_label))
    parts.append("<h2>Targets met</h2>")
    for k, name, _ in KPIS:
        lines = {t: [_pct(cells[t, m].met[k]) for m in months] for t in teams}
        parts.append(line_chart(f"{name}: share of drills that met the target (%)", months, lines, fixed=(0, 100, 25)))
    parts.append("<h2>Improvement plan</h2>")
    bars = {
        "Opened": [sum(cells[t, m].opened for t in teams) for m in months],
        "Closed": [sum(cells[t, m].closed for t in teams) for m in months],
    }
    parts.append(bar_chart("Improvement items opened and closed, all teams", months, bars))
    parts += ["<h2>By month</h2>", _month_table(teams, months, cells)]
    defs = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in DEFINITIONS)
    parts += ["<h2>Definitions</h2>", f"<dl>{defs}</dl>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


MAX_MONTHS = 60  # a longer span shows only the months that have rows


def month_axis(months: Iterable[str]) -> list[str]:
    """Every month from the first to the last (`YYYY-MM`), so a month without drills shows as a gap; only those
    given when one is not a month or the span is over MAX_MONTHS."""
    given = sorted(set(months))
    if not given or not all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m in given):
        return given
    first, last = (int(m[:4]) * 12 + int(m[5:]) - 1 for m in (given[0], given[-1]))
    if last - first >= MAX_MONTHS:
        return given
    return [f"{n // 12:04d}-{n % 12 + 1:02d}" for n in range(first, last + 1)]


def _min(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 60.0


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100.0


def _minutes_label(v: float) -> str:
    """A chart's minutes as a duration: `4m`, `3m20s`, `2h`."""
    return format_duration(v * 60.0)


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> str:
    """Cells arrive escaped; columns from `numeric_from` on are right-aligned."""
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _figures(c: Cell) -> list[str]:
    kpis = [f"{_minutes(c.kpi[k])} ({_share(c.met[k])})" for k, _, _ in KPIS]
    return [str(c.drills), _score(c.score), *kpis, str(c.opened), str(c.closed)]


_HEAD = ("Drills", "Score", "MTTA (met)", "MTTM (met)", "MTTR (met)", "Items opened", "Items closed")


def _team_table(teams: Sequence[str], whole: Mapping[str, Cell], cells: Mapping[tuple[str, str], Cell],
                months: Sequence[str]) -> str:  # fmt: skip
    rows = []
    for t in teams:
        scored = [s for m in months if (s := cells[t, m].score) is not None]
        change = f"{scored[-1] - scored[0]:+.1f}" if len(scored) > 1 else "—"
        rows.append([_e(_team(t)), *_figures(whole[t]), change])
    return _table(("Team", *_HEAD, "Score change"), rows, 1)


def _month_table(teams: Sequence[str], months: Sequence[str], cells: Mapping[tuple[str, str], Cell]) -> str:
    rows = [
        [_e(m), _e(_team(t)), *_figures(cells[t, m])]
        for m in months
        for t in teams
        if cells[t, m].drills or cells[t, m].opened or cells[t, m].closed
    ]
    return _table(("Month", "Team", *_HEAD), rows, 2)
