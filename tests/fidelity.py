"""The playbook fidelity table (docs/fidelity/rules.yaml): each seed rule, the playbook field that holds it,
and what enforces it; or why it cannot be expressed. `python -m tests.fidelity` writes its Markdown rendering,
docs/fidelity/README.md; tests/test_fidelity.py keeps the table, the rendering and the playbooks in step."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from scenarios import LIBRARY, PLAYBOOKS
from sim.format.loading import load_playbook
from sim.format.model import Model
from sim.format.playbook import Playbook
from sim.format.yamlsafe import parse, read_text

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "docs" / "fidelity" / "rules.yaml"
RENDERED = ROOT / "docs" / "fidelity" / "README.md"
_STEP = re.compile(r"([A-Za-z_]+)|\[([^\]]+)\]")


@dataclass(frozen=True)
class Row:
    seed: str
    lines: str
    quote: str
    fields: tuple[str, ...]  # empty for a rule that cannot be expressed
    engine: tuple[str, ...]
    scorer: tuple[str, ...]
    validate: bool
    absent: bool  # the rule is that the playbook sets nothing here (e.g. "SEV3: PIR optional")
    note: str
    not_expressible: str

    @property
    def encoded(self) -> bool:
        return bool(self.fields)

    def line_numbers(self) -> list[int]:
        out: list[int] = []
        for part in self.lines.split(","):
            a, _, b = part.strip().partition("-")
            out += range(int(a), int(b or a) + 1)
        return out


@dataclass(frozen=True)
class Seed:
    id: str
    playbook: str
    title: str


@cache
def table() -> tuple[dict[str, Seed], tuple[Row, ...]]:
    data = parse(read_text(TABLE)).data
    seeds = {str(k): Seed(str(k), v["playbook"], v["title"]) for k, v in data["seeds"].items()}
    rows = []
    for r in data["rules"]:
        fields = r.get("field", ())
        rows.append(
            Row(
                seed=str(r["seed"]),
                lines=str(r["lines"]),
                quote=r["quote"],
                fields=(fields,) if isinstance(fields, str) else tuple(fields),
                engine=tuple(r.get("engine", ())),
                scorer=tuple(r.get("scorer", ())),
                validate=bool(r.get("validate", False)),
                absent=bool(r.get("absent", False)),
                note=r.get("note", ""),
                not_expressible=r.get("not_expressible", ""),
            )
        )
    return seeds, tuple(rows)


@cache
def playbook(pid: str) -> Playbook:
    return load_playbook(PLAYBOOKS / f"{pid}.yaml")


_MISSING = object()


def resolve(pb: Playbook, path: str) -> Any:
    """`severities[SEV1].targets.response`, `escalation.triggers[executive]`, `escalation.matrix[Sev1][0]`:
    a list is indexed by an item's id (or by position), a mapping by its key. A missing step is `_MISSING`."""
    obj: Any = pb
    for name, key in _STEP.findall(path):
        if name:
            obj = getattr(obj, name, _MISSING) if isinstance(obj, Model) else _MISSING
        elif isinstance(obj, dict):
            obj = obj.get(key, _MISSING)
        elif isinstance(obj, list):
            found = [x for x in obj if getattr(x, "id", None) == key]
            if found:
                obj = found[0]
            elif key.isdigit() and int(key) < len(obj):
                obj = obj[int(key)]
            else:
                obj = _MISSING
        else:
            obj = _MISSING
        if obj is _MISSING:
            return _MISSING
    return obj


def rule_paths(pb: Playbook) -> Iterator[str]:
    """Every field of the playbook that states a rule (not names, labels, descriptions or templates)."""
    for s in pb.severities:
        at = f"severities[{s.id}]"
        for group in ("targets", "communication"):
            yield from (f"{at}.{group}.{n}" for n, v in getattr(s, group) if v is not None)
        for name in ("page", "roles_required", "pir_within", "pir_within_business_days", "no_progress_after"):
            if getattr(s, name) not in (None, []):
                yield f"{at}.{name}"
    esc = pb.escalation
    yield from (f"escalation.chain[{i}]" for i in range(len(esc.chain)))
    yield from (f"escalation.matrix[{sev}][{i}]" for sev, steps in esc.matrix.items() for i in range(len(steps)))
    yield from (f"escalation.stakeholders[{i}]" for i in range(len(esc.stakeholders)))
    for name in ("no_progress_after", "no_progress_contact", "levels"):
        if getattr(esc, name) not in (None, []):
            yield f"escalation.{name}"
    yield from (f"escalation.triggers[{t.id}]" for t in esc.triggers)
    cls = pb.classification
    yield from (f"classification.rules[{i}]" for i in range(len(cls.rules)))
    yield from (f"classification.{n}" for n in ("otherwise", "when_unsure") if getattr(cls, n) is not None)
    if pb.monitoring_period is not None:
        yield "monitoring_period"
    yield from (f"metrics[{m.id}]" for m in pb.metrics)
    yield from (f"procedures[{p.id}]" for p in pb.procedures)
    yield from (f"follow_up[{f.id}]" for f in pb.follow_up)


def covers(field: str, path: str) -> bool:
    return path == field or path.startswith((f"{field}.", f"{field}["))


@cache
def citing() -> dict[tuple[str, str], tuple[str, ...]]:
    """(playbook, procedure) -> `scenario / expectation` of every bundled expectation that cites it."""
    out: dict[tuple[str, str], list[str]] = {}
    for path in sorted(LIBRARY.glob("*.yaml")):
        data = parse(read_text(path)).data
        for x in data.get("expectations") or []:
            if x.get("cites"):
                out.setdefault((data["playbook"], x["cites"]), []).append(f"{data['id']} / {x['id']}")
    return {k: tuple(v) for k, v in out.items()}


def enforcement(seed: Seed, row: Row) -> str:
    parts = [f"engine: {e}" for e in row.engine] + [f"scorer: `{s}`" for s in row.scorer]
    if row.validate:
        parts.append("`warroom validate`: a scenario metric of this id must use these thresholds")
    for field in row.fields:
        m = re.fullmatch(r"procedures\[([^\]]+)\]", field)
        if m:
            cited = citing().get((seed.playbook, m.group(1)), ())
            who = ", ".join(f"`{c}`" for c in cited) if cited else "none bundled yet"
            parts.append(f"scorer: the `expect.*` criterion of each expectation that cites it ({who})")
    return "; ".join(parts) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    seeds, rows = table()
    out = [
        "# Playbook fidelity",
        "",
        "Every rule the five seed documents state, the field of the bundled playbook that holds it, and what",
        "in warroom enforces it: the engine (a clock on the timers panel, an escalation the world makes) or the",
        "scorer (a criterion on the scorecard). A rule the format cannot express is listed with the reason.",
        "",
        "The table is `docs/fidelity/rules.yaml`; this page is rendered from it by `python -m tests.fidelity`.",
        "`tests/test_fidelity.py` fails when a row's field does not resolve in the playbook, when a rule field of",
        "a playbook has no row, when a quote is not on the seed lines it cites, or when this page is stale.",
        "",
        "| Seed | Playbook | Rules | Encoded | Not expressible |",
        "| --- | --- | --- | --- | --- |",
    ]
    for sid, seed in seeds.items():
        mine = [r for r in rows if r.seed == sid]
        enc = sum(r.encoded for r in mine)
        out.append(f"| {sid} | `{seed.playbook}` ({seed.title}) | {len(mine)} | {enc} | {len(mine) - enc} |")
    for sid, seed in seeds.items():
        mine = [r for r in rows if r.seed == sid]
        out += ["", f"## {sid}: {seed.title} (`scenarios/playbooks/{seed.playbook}.yaml`)", ""]
        out += ["| Line | The seed says | Playbook field | Enforced by |", "| --- | --- | --- | --- |"]
        for r in (r for r in mine if r.encoded):
            fields = ", ".join(f"`{f}`" for f in r.fields) + (" (left unset)" if r.absent else "")
            said = _cell(r.quote) + (f" *({_cell(r.note)})*" if r.note else "")
            out.append(f"| {r.lines} | {said} | {fields} | {_cell(enforcement(seed, r))} |")
        gaps = [r for r in mine if not r.encoded]
        if gaps:
            out += ["", "Not expressible:", "", "| Line | The seed says | Why not |", "| --- | --- | --- |"]
            out += [f"| {r.lines} | {_cell(r.quote)} | {_cell(r.not_expressible)} |" for r in gaps]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    RENDERED.write_text(render(), encoding="utf-8")
    print(f"wrote {RENDERED.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
