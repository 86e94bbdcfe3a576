"""The fidelity table (docs/fidelity/rules.yaml) and the bundled playbooks stay in step: every row's field
resolves in its playbook, every rule field of a playbook has a row, every quote is on the seed lines it cites,
what a row says enforces it exists, and the rendered page is current."""

from __future__ import annotations

import re

import pytest

from scoring.rubric import POINTS
from sim.engine.timers import SLAS
from sim.format.vocabulary import TIMER_CATEGORIES
from tests import fidelity
from tests.fidelity import _MISSING, covers, playbook, resolve, rule_paths, table
from tests.scenarios.test_bundled_playbooks import SEEDS, _repaired, needs_seeds, seed_lines

SEEDS_OF, ROWS = table()
IDS = [f"{r.seed}:l.{r.lines}:{r.quote[:30]}" for r in ROWS]
ENCODED = [r for r in ROWS if r.encoded]
ENCODED_IDS = [i for i, r in zip(IDS, ROWS, strict=True) if r.encoded]


def test_every_seed_has_its_playbook_and_rows() -> None:
    assert sorted(SEEDS_OF) == ["000", "001", "002", "003", "004"]
    for sid, seed in SEEDS_OF.items():
        assert playbook(seed.playbook).source.startswith(f"{sid}_")
        assert any(r.seed == sid for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_a_row_is_encoded_or_says_why_not(row: fidelity.Row) -> None:
    assert row.encoded != bool(row.not_expressible), "give a field, or the reason it cannot be expressed"
    if not row.encoded:
        assert not (row.engine or row.scorer or row.validate or row.absent)


@pytest.mark.parametrize("row", ENCODED, ids=ENCODED_IDS)
def test_every_field_resolves_in_the_playbook(row: fidelity.Row) -> None:
    pb = playbook(SEEDS_OF[row.seed].playbook)
    for field in row.fields:
        value = resolve(pb, field)
        if row.absent:
            assert value is _MISSING or value in (None, [], ""), f"{field} is set, but the seed leaves it unset"
        else:
            assert value is not _MISSING and value not in (None, [], ""), f"{field} is not in {pb.id}"


@pytest.mark.parametrize("pid", sorted(s.playbook for s in SEEDS_OF.values()))
def test_every_rule_field_of_a_playbook_has_a_row(pid: str) -> None:
    sid = next(k for k, s in SEEDS_OF.items() if s.playbook == pid)
    fields = [f for r in ROWS if r.seed == sid for f in r.fields]
    missing = [p for p in rule_paths(playbook(pid)) if not any(covers(f, p) for f in fields)]
    assert missing == [], f"{pid}: no row of docs/fidelity/rules.yaml holds {missing}"


def test_the_resolver_finds_ids_positions_and_keys() -> None:
    pb = playbook("alchemorsel")
    assert resolve(pb, "severities[Sev1].targets.response") == 15 * 60.0
    assert resolve(pb, "escalation.matrix[Sev1][1]").notify == ["ceo"]
    assert resolve(pb, "escalation.triggers[no-acknowledgement]").automatic
    assert resolve(pb, "escalation.chain[0]").contact == "sre-lead"
    assert resolve(pb, "severities[Sev9].targets") is _MISSING
    assert resolve(pb, "escalation.matrix[Sev9]") is _MISSING
    assert covers("escalation.matrix[Sev1]", "escalation.matrix[Sev1][0]")
    assert not covers("escalation.matrix[Sev1]", "escalation.matrix[Sev10][0]")


def _norm(text: str) -> str:
    """Seed prose without Markdown emphasis and table bars, in one case and with single spaces."""
    return " ".join(re.sub(r"[*`|]", " ", text).lower().split())


@needs_seeds
@pytest.mark.parametrize("row", ROWS, ids=IDS)
def test_every_quote_is_on_the_lines_it_cites(row: fidelity.Row) -> None:
    lines = seed_lines(row.seed)
    cited = " ".join(max(_repaired(lines[n - 1]), key=len) for n in row.line_numbers())
    repaired = " ".join(" ".join(_repaired(lines[n - 1])) for n in row.line_numbers())
    assert _norm(row.quote) in _norm(repaired), f"{row.quote!r} is not on seed {row.seed} l.{row.lines}: {cited!r}"


def test_the_quote_check_reads_markdown_tables() -> None:
    assert _norm("Level 1** | Engineering Lead") in _norm("| **Level 1** | Engineering Lead | Technical oversight |")
    assert SEEDS.name == "seeds"


def _criterion_ids(pid: str) -> set[str]:
    pb = playbook(pid)
    fixed = {k for k in POINTS if "." in k and k != "escalate.contact"}
    fixed |= {"close.follow_up", "rule.not_held"}
    fixed |= {f"role.{r.id}" for r in pb.roles}
    fixed |= {f"rule.{t.id}" for t in pb.escalation.triggers if not t.automatic}
    return fixed


@pytest.mark.parametrize("row", ENCODED, ids=ENCODED_IDS)
def test_what_enforces_a_rule_exists(row: fidelity.Row) -> None:
    pid = SEEDS_OF[row.seed].playbook
    pb = playbook(pid)
    for cid in row.scorer:
        assert cid in _criterion_ids(pid), f"no criterion {cid!r} for {pid}"
    for what in row.engine:
        if what.startswith("timer "):
            timer = what.split()[1]
            kind, _, name = timer.partition(".")
            assert kind in TIMER_CATEGORIES, what
            if kind == "sla":
                assert timer in {tid for tid, *_ in SLAS}, what
            if kind == "trigger":
                assert pb.trigger(name) is not None, what
        if what.startswith("escalation trigger."):
            trigger = pb.trigger(what.split()[1].removeprefix("trigger."))
            assert trigger is not None and trigger.automatic, what
    for field in row.fields:
        trigger = resolve(pb, field) if field.startswith("escalation.triggers[") else None
        if trigger is not None and not trigger.automatic:
            assert f"rule.{trigger.id}" in row.scorer, f"{field} is the trainee's: name its criterion"
        if trigger is not None and trigger.automatic:
            assert any(e == f"escalation trigger.{trigger.id} to the next level" for e in row.engine) or any(
                f"trigger.{trigger.id}" in e for e in row.engine
            ), f"{field} is automatic: name the engine's escalation"


def test_the_rendered_page_is_current() -> None:
    committed = fidelity.RENDERED.read_text(encoding="utf-8")
    assert committed == fidelity.render(), "docs/fidelity/README.md is stale: run `python -m tests.fidelity`"


def test_the_rendered_page_counts_every_row() -> None:
    page = fidelity.render()
    for sid in SEEDS_OF:
        mine = [r for r in ROWS if r.seed == sid]
        encoded = sum(r.encoded for r in mine)
        assert f"| {sid} | `{SEEDS_OF[sid].playbook}`" in page
        assert f" | {len(mine)} | {encoded} | {len(mine) - encoded} |" in page
