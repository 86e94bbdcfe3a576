"""What the stored drills say over time: trends per trainee or team and scenario, and each scenario's last
play and best score for the picker. Drills the facilitator ended are shown in listings but left out here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from scoring.store.records import DrillRow


@dataclass(frozen=True, slots=True)
class Trend:
    """How one trainee or team did over time on one scenario: scores and response times, oldest first.
    Scenarios differ too much in difficulty for one line across them to say anything."""

    who: str
    scenario: str
    drills: int
    scores: tuple[float, ...]
    mtta: tuple[float | None, ...]
    mttr: tuple[float | None, ...]
    dates: tuple[str, ...]

    @property
    def change(self) -> float:
        """Last score minus first: positive means the team is improving."""
        return self.scores[-1] - self.scores[0] if self.scores else 0.0

    @property
    def span(self) -> str:
        """`3 drills, 2026-01-05 → 2026-03-05`, or `1 drill, 2026-01-05`."""
        dates = self.dates[0] if self.dates[0] == self.dates[-1] else f"{self.dates[0]} → {self.dates[-1]}"
        return f"{self.drills} drill{'s' if self.drills != 1 else ''}, {dates}"

    @property
    def score_change(self) -> str:
        """`55 → 80 (+25)`, or the one score."""
        return first_to_last(self.scores, lambda v: f"{v:.0f}", f" ({self.change:+.0f})")


def first_to_last(values: Sequence[float], show: Callable[[float], str], suffix: str = "") -> str:
    """`first → last` and the suffix, or just the value while there is one: a change needs two."""
    if len(values) == 1:
        return show(values[0])
    return f"{show(values[0])} → {show(values[-1])}{suffix}"


# Which rows speak for a trainee (their solo drills and their part in team drills) and for a team (its solo
# drills and its team drills, each once).
KINDS_BY = {"trainee": ("solo", "person"), "team": ("solo", "team")}


def trends(rows: list[DrillRow], by: str = "trainee") -> list[Trend]:
    """Group drills by trainee or team and scenario, in time order; drills the facilitator ended are left out
    (`DrillRow.facilitator_ended`)."""
    groups: dict[tuple[str, str], list[DrillRow]] = {}
    for row in sorted(rows, key=lambda r: (r.started_at, r.id or 0)):
        if not row.facilitator_ended and row.kind in KINDS_BY[by]:
            groups.setdefault((getattr(row, by) or "(none)", row.scenario_id), []).append(row)
    return [
        Trend(
            who=who,
            scenario=scenario,
            drills=len(g),
            scores=tuple(r.score for r in g),
            mtta=tuple(r.kpis.get("mtta") for r in g),
            mttr=tuple(r.kpis.get("mttr") for r in g),
            dates=tuple(r.started_at[:10] for r in g),
        )
        for (who, scenario), g in sorted(groups.items())
    ]


@dataclass(frozen=True, slots=True)
class Played:
    """A scenario's record for the picker: when it was last played and the best score of a counted drill."""

    last: str  # the date, YYYY-MM-DD
    best: float | None  # None when every drill of it was ended by the facilitator


def played(rows: list[DrillRow]) -> dict[str, Played]:
    """Per scenario id, the last time it was played and its best score (facilitator-ended drills count as
    played, not as scores)."""
    out: dict[str, Played] = {}
    for row in sorted(rows, key=lambda r: (r.started_at, r.id or 0)):
        if row.kind == "team":
            continue  # a trainee's record: their own rows, not their team's
        best = out[row.scenario_id].best if row.scenario_id in out else None
        if not row.facilitator_ended:
            best = row.score if best is None else max(best, row.score)
        out[row.scenario_id] = Played(row.started_at[:10], best)
    return out


class ProgrammeRow(NamedTuple):
    """One team's drills of one scenario in one month, aggregated by the store (scoring.store.queries): the shape
    `warroom history trends --programme` shows and the programme report reads (docs/programme-data.md)."""

    team: str
    month: str  # YYYY-MM
    scenario: str
    drills: int = 0  # counted drills: a team drill once, none the facilitator ended
    score: float | None = None  # mean score; None with no counted drill (a month with only items)
    mtta: float | None = None  # mean seconds from detection, over the drills where it happened
    mttm: float | None = None
    mttr: float | None = None
    met_mtta: float | None = None  # share of drills that met the playbook's target; None: no target known
    met_mttm: float | None = None
    met_mttr: float | None = None
    items_opened: int = 0
    items_closed: int = 0

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {k: v for k, v in self._asdict().items() if not k.startswith("met_")}
        data["met"] = {k: getattr(self, f"met_{k}") for k in ("mtta", "mttm", "mttr")}
        return data
