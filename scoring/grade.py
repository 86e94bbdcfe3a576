"""`grade(record, scenario, playbook) -> ScoreCard`: the pure function from a drill record to its scorecard."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Literal

from scoring import criteria_conduct, criteria_coordination, criteria_messages, criteria_recovery
from scoring.kpi import Kpi, kpis
from scoring.rubric import CATEGORIES, Category, Context, Criterion, Evidence
from sim.format.durations import format_clock
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import DrillRecord
from sim.journal.events import DrillEnded
from sim.journal.facts import read_facts

__all__ = [
    "DEFAULT_PASS_MARK",
    "Criterion",
    "Evidence",
    "PersonScore",
    "ScoreCard",
    "grade",
    "letter_for",
    "rule_label",
]

DEFAULT_PASS_MARK = 70.0
# (lowest score, letter), best first.
LETTERS: tuple[tuple[float, str], ...] = ((90.0, "A"), (80.0, "B"), (70.0, "C"), (60.0, "D"), (0.0, "F"))

Check = Callable[[Context], Criterion | list[Criterion]]
CHECKS: tuple[Check, ...] = (
    *criteria_coordination.CHECKS,
    *criteria_messages.CHECKS,
    *criteria_recovery.CHECKS,
    *criteria_conduct.CHECKS,
)


@dataclass(frozen=True, slots=True)
class PersonScore:
    """The criteria one person (or one role) had a hand in, with their points."""

    who: str
    points: int
    max_points: int
    criteria: tuple[str, ...]  # criterion ids, in scorecard order


@dataclass(frozen=True, slots=True)
class CategoryScore:
    category: Category
    label: str
    points: int
    max_points: int


@dataclass(frozen=True, slots=True)
class ScoreCard:
    scenario: str
    scenario_title: str
    playbook: str
    playbook_name: str
    seed: int
    trainee: str
    team: str
    true_severity: str
    declared: tuple[str, ...]  # severities as declared, in order
    detection: float
    ended: float
    criteria: tuple[Criterion, ...]
    kpis: tuple[Kpi, ...]
    points: int
    max_points: int  # the evaluated maximum: not-evaluated criteria are excluded
    score: float  # points / max_points * 100, to one decimal
    pass_mark: float
    by_category: tuple[CategoryScore, ...]
    by_actor: tuple[PersonScore, ...]
    by_role: tuple[PersonScore, ...]
    finished: bool = True  # the record holds the drill's end; one cut off before it is scored so far, never passed

    @property
    def letter(self) -> str:
        return letter_for(self.score)

    @property
    def passed(self) -> bool:
        return self.finished and self.score >= self.pass_mark

    @property
    def unfinished_note(self) -> str:
        """For a drill whose record stops before its end, one plain sentence saying so; else empty."""
        if self.finished:
            return ""
        return (
            f"Unfinished: the drill's record stops at {format_clock(self.ended)}, before the drill ended, "
            "so it has no grade and is not passed; resume it to finish it."
        )

    @property
    def evaluated(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.evaluated)

    @property
    def not_evaluated(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.evaluated)

    def criterion(self, cid: str) -> Criterion:
        return next(c for c in self.criteria if c.id == cid)


def letter_for(score: float) -> str:
    return next(letter for floor, letter in LETTERS if score >= floor)


def grade(
    record: DrillRecord, scenario: Scenario, playbook: Playbook, *, pass_mark: float = DEFAULT_PASS_MARK
) -> ScoreCard:
    """Grade one drill. Pure: the same record, scenario and playbook always give the same card."""
    if record.header.scenario != scenario.id:
        raise ValueError(f"the journal is of scenario {record.header.scenario!r}, not {scenario.id!r}")
    if scenario.playbook != playbook.id:
        raise ValueError(f"scenario {scenario.id!r} follows playbook {scenario.playbook!r}, not {playbook.id!r}")
    if scenario.truth.severity not in {s.id for s in playbook.severities}:
        raise ValueError(f"the true severity {scenario.truth.severity!r} is not on playbook {playbook.id!r}'s scale")
    facts = read_facts(record)
    ctx = Context(facts, scenario, playbook, playbook.severity(scenario.truth.severity))
    criteria = tuple(_flatten(check(ctx) for check in CHECKS))
    max_points = sum(c.max_points for c in criteria if c.evaluated)
    criteria = tuple(_charged(_cited(ctx, c), max_points) for c in criteria)
    evaluated = [c for c in criteria if c.evaluated]
    points = sum(c.points for c in evaluated)
    return ScoreCard(
        scenario=scenario.id,
        scenario_title=scenario.title,
        playbook=playbook.id,
        playbook_name=playbook.name,
        seed=record.header.seed,
        trainee=record.header.trainee,
        team=record.header.team,
        true_severity=scenario.truth.severity,
        declared=tuple(d.severity for d in facts.declarations),
        detection=facts.detection,
        ended=facts.end,
        criteria=criteria,
        kpis=kpis(facts, ctx.severity),
        points=points,
        max_points=max_points,
        score=max(0.0, round(100.0 * points / max_points, 1)) if max_points else 0.0,
        pass_mark=pass_mark,
        by_category=_by_category(criteria),
        by_actor=_by(criteria, lambda c: c.actors),
        by_role=_by(criteria, lambda c: c.roles),
        finished=record.first(DrillEnded) is not None,
    )


# The playbook section each playbook criterion checks, at the true severity ({sev}), as trainees read it.
_PLAYBOOK_RULES: dict[str, str] = {
    "detect.acknowledge": "{sev} › Acknowledge target",
    "detect.response": "{sev} › Response target",
    "classify.severity": "Severity levels",
    "role": "{sev} › Roles required",
    "comms.internal_cadence": "{sev} › Internal updates",
    "comms.status_page_first": "{sev} › Status page deadline",
    "comms.status_page_cadence": "{sev} › Status page updates",
    "comms.customers": "{sev} › Customer notification",
    "comms.executives": "{sev} › Executive notification",
    "comms.support": "{sev} › Support briefing",
    "escalate.paging": "{sev} › Who is paged",
    "escalate.no_progress": "Escalation › No progress",
    "mitigate.diagnosis": "{sev} › Identify target",
    "mitigate.time": "{sev} › Mitigation target",
    "mitigate.resolution": "{sev} › Resolution target",
    "close.verified": "Monitoring period",
    "close.pir": "{sev} › Post-incident review",
    "rule.not_held": "Escalation triggers",
    "close.follow_up": "Follow-up",
}
# Checked against the scenario's own truth.
_SCENARIO_RULES: dict[str, str] = {
    "mitigate.fix": "what fixes it",
    "mitigate.harmful": "harmful actions",
    "mitigate.diagnosis": "root-cause clues",
    "escalate": "who must be involved",
}
_WHERE = "(scenarios/README.md, How a drill is scored)"
WARROOM = f"warroom's own judgement {_WHERE}"


def citation(ctx: Context, c: Criterion) -> str:
    """The rule a criterion checks, as trainees read it: the playbook and its section (`SampleMind playbook ›
    SEV2 › Response target`), the scenario and what of it (`Scenario 'X' › its own rule`), or warroom's own
    judgement. A scenario expectation that cites a playbook procedure is the playbook's rule. A criterion may
    name its rule itself, as the message checklists do."""
    if c.rule:
        return c.rule
    if c.source == "warroom":
        return WARROOM
    pb, scenario = ctx.playbook, f"Scenario '{ctx.scenario.title}'"
    if c.id.startswith("expect."):
        x = next((x for x in ctx.scenario.expectations if x.id == c.id.removeprefix("expect.")), None)
        procedure = pb.procedure(x.cites) if x is not None and x.cites else None
        return f"{pb.title} › {procedure.section}" if procedure is not None else f"{scenario} › its own rule"
    if c.id in ("mitigate.fix", "mitigate.harmful"):
        return f"{scenario} › {_SCENARIO_RULES[c.id]}"
    trigger = pb.trigger(c.id.removeprefix("rule.")) if c.id.startswith("rule.") else None
    if trigger is not None:
        return f"{pb.title} › {trigger.section}"
    key = "role" if c.id.startswith("role.") else c.id
    if key in _PLAYBOOK_RULES:
        if c.id == "detect.acknowledge" and ctx.severity.targets.acknowledge is None:
            return f"warroom's own judgement, as the playbook sets no acknowledgement target {_WHERE}"
        if c.id == "mitigate.diagnosis" and ctx.severity.targets.identify is None:
            return f"{scenario} › {_SCENARIO_RULES[c.id]}"
        if c.id == "close.verified" and pb.monitoring_period is None:
            return f"warroom's own judgement, as the playbook sets no monitoring period {_WHERE}"
        return f"{pb.title} › {_PLAYBOOK_RULES[key].format(sev=ctx.sev)}"
    return f"{scenario} › {_SCENARIO_RULES['escalate']}"  # escalate.<contact>


def _cited(ctx: Context, c: Criterion) -> Criterion:
    """The criterion with its rule, and its source as the rule says: an expectation that cites a playbook
    procedure is the playbook's, the scenario's truth is the scenario's, a default is warroom's."""
    rule = citation(ctx, c)
    if rule.startswith("warroom's own judgement"):
        source: Literal["playbook", "scenario", "warroom"] = "warroom"
    elif rule.startswith(f"{ctx.playbook.title} › "):
        source = "playbook"
    else:
        source = "scenario"
    return replace(c, rule=rule, source=source)


def rule_label(rule: str) -> str:
    """A criterion's `rule` as reports show it. Rules read as trainees read them already (`SampleMind playbook ›
    SEV2 › Response target`); a rule in the older form (`playbook samplemind: severities[SEV2].targets.response`)
    reads as a path, `playbook samplemind › severities[SEV2] › targets.response`."""
    head, colon, section = rule.partition(": ")
    if not colon or not head.startswith(("playbook ", "scenario ")):
        return rule
    return f"{head} › {section.replace('].', '] › ')}"


def _charged(c: Criterion, max_points: int) -> Criterion:
    """A criterion with its cost (in score points) taken off its points, in this drill's raw points."""
    if not c.evaluated or c.cost <= 0 or not max_points:
        return c
    return replace(c, points=c.points - round(c.cost * max_points / 100.0))


def _flatten(items: Iterable[Criterion | list[Criterion]]) -> list[Criterion]:
    out: list[Criterion] = []
    for item in items:
        out.extend(item if isinstance(item, list) else [item])
    return out


def _by_category(criteria: tuple[Criterion, ...]) -> tuple[CategoryScore, ...]:
    out = []
    for cat, label in CATEGORIES:
        mine = [c for c in criteria if c.category == cat and c.evaluated]
        out.append(CategoryScore(cat, label, sum(c.points for c in mine), sum(c.max_points for c in mine)))
    return tuple(out)


def _by(criteria: tuple[Criterion, ...], keys: Callable[[Criterion], tuple[str, ...]]) -> tuple[PersonScore, ...]:
    """Per actor (or role): every evaluated criterion their actions are evidence for. Sorted by name."""
    names = sorted({k for c in criteria if c.evaluated for k in keys(c)})
    out = []
    for name in names:
        mine = [c for c in criteria if c.evaluated and name in keys(c)]
        out.append(
            PersonScore(name, sum(c.points for c in mine), sum(c.max_points for c in mine), tuple(c.id for c in mine))
        )
    return tuple(out)
