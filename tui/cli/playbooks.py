"""`warroom playbooks` lists the bundled and user playbooks; `warroom playbooks show ID` prints one's SLA table."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

import click

from sim.format import checks
from sim.format.durations import format_duration
from sim.format.library import Library, PlaybookEntry
from sim.format.playbook import Communication, Playbook, Targets
from sim.format.playbook_rules import Trigger
from sim.format.text import printable

MISSING = "—"  # a figure the playbook (and so its seed) does not state


def _d(seconds: float | None) -> str:
    return MISSING if seconds is None else format_duration(seconds)


def _label(field: str) -> str:
    return field.replace("_", " ")


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """Left-aligned columns two spaces apart; plain text, so it pipes and diffs cleanly."""
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in (header, *rows)]


def sla_rows(pb: Playbook) -> list[list[str]]:
    """One row per figure, one column per severity, most severe first; missing figures read `—`."""
    sevs = pb.severities
    rows = [["label", *(s.label for s in sevs)]]
    rows += [[_label(f), *(_d(getattr(s.targets, f)) for s in sevs)] for f in Targets.model_fields]
    rows += [[_label(f), *(_d(getattr(s.communication, f)) for s in sevs)] for f in Communication.model_fields]
    rows.append(["pir within", *(_d(s.pir_within) for s in sevs)])
    if any(s.no_progress_after is not None for s in sevs):
        rows.append(["no progress after", *(_d(s.no_progress_after) for s in sevs)])
    return rows


def staffing_lines(pb: Playbook) -> list[str]:
    """Who is paged and which roles are required, per severity (lists, kept out of the table's columns)."""
    out = ["Paged and roles required, per severity"]
    for s in pb.severities:
        out.append(f"  {s.id}: pages {', '.join(s.page) or MISSING}; roles {', '.join(s.roles_required) or MISSING}")
    return out


def _who(pb: Playbook, contact_id: str) -> str:
    titles = {c.id: c.title for c in pb.contacts}
    return f"{contact_id} ({titles[contact_id]})" if contact_id in titles else contact_id


def escalation_lines(pb: Playbook) -> list[str]:
    esc = pb.escalation
    out = ["Escalation chain (pager: who is paged, and how long before the next level)"]
    out += [f"  {i}. {lvl.name}: {_who(pb, lvl.contact)}, {_d(lvl.timeout)}" for i, lvl in enumerate(esc.chain, 1)]
    if not esc.chain:
        out.append(f"  {MISSING}")
    out.append("Escalation matrix (time at a severity -> who is brought in)")
    for sev, steps in esc.matrix.items():
        for step in steps:
            out.append(f"  {sev} after {_d(step.after)}: {', '.join(_who(pb, c) for c in step.notify)}")
    if not esc.matrix:
        out.append(f"  {MISSING}")
    out.append("Stakeholders (internal update overdue by -> who starts pushing)")
    out += [f"  overdue {_d(s.overdue)}: {_who(pb, s.contact)}" for s in esc.stakeholders]
    if not esc.stakeholders:
        out.append(f"  {MISSING}")
    contact = _who(pb, esc.no_progress_contact) if esc.no_progress_contact else MISSING
    per_severity = any(s.no_progress_after is not None for s in pb.severities)
    if esc.no_progress_after is None and not per_severity and not esc.no_progress_contact:
        out.append(f"No-progress escalation (root cause still unknown): {MISSING}")
    else:
        when = _d(esc.no_progress_after)
        if per_severity:
            when = f"{when} (or per severity, see the table)" if esc.no_progress_after else "the time in the table"
        out.append(f"No-progress escalation (root cause still unknown): after {when}, bring in {contact}")
    out.append(f"Monitoring period before a resolution counts as verified: {_d(pb.monitoring_period)}")
    return out


def _asks(pb: Playbook, t: Trigger) -> str:
    """What a trigger asks for, and by when, in one clause."""
    asks = [f"page {', '.join(_who(pb, c) for c in t.notify)}"] if t.notify else []
    asks += ["bring in the next escalation level"] if t.next_level else []
    asks += [f"declare {t.declare} or higher"] if t.declare else []
    asks += [f"send {', '.join(_label(a) for a in t.send)}"] if t.send else []
    if t.automatic:
        return f"the tooling escalates by itself: {'; '.join(asks)}"
    due = f"within {_d(t.within)}" if t.within is not None else "at once" if t.at_once else "before resolving"
    return f"{'; '.join(asks)}, {due}"


def rule_lines(pb: Playbook) -> list[str]:
    """The rules the playbook states in words: triggers, procedures and follow-up, each with its section."""
    out: list[str] = []
    if pb.escalation.triggers:
        out += ["", "Triggers (when this holds -> what the playbook asks)"]
        for t in pb.escalation.triggers:
            out += [f"  {t.id} ({t.section}): {' '.join(t.text.split())}", f"    -> {_asks(pb, t)}"]
    if pb.procedures:
        out += ["", "Procedures (scenarios cite them from their expectations)"]
        out += [f"  {p.id} ({p.section}): {' '.join(p.text.split())}" for p in pb.procedures]
    if pb.follow_up:
        out += ["", "Follow-up after resolution (listed in the debrief, not scored)"]
        out += [f"  {f.id}: {' '.join(f.text.split())}, within {_d(f.within)}" for f in pb.follow_up]
    return out


def show_text(pb: Playbook) -> str:
    lines = [f"{pb.id} — {pb.name}"]
    if pb.source:
        lines.append(f"source: {pb.source}")
    lines += ["", "SLA targets and deadlines (from detection; PIR from resolution)"]
    lines += table(["", *(s.id for s in pb.severities)], sla_rows(pb))
    lines += ["", *staffing_lines(pb), "", *escalation_lines(pb), *rule_lines(pb)]
    if pb.roles:
        lines += ["", "Roles"] + [f"  {r.id}: {r.name}" for r in pb.roles]
    if pb.contacts:
        lines += ["", "Contacts"] + [f"  {c.id}: {c.title}" + (f" ({c.team})" if c.team else "") for c in pb.contacts]
    # Playbook text is facilitator-written: control characters are escaped, never sent to the terminal.
    return "\n".join(printable(line) for line in lines)


def _entry_json(e: PlaybookEntry) -> dict[str, object]:
    pb = e.playbook
    return {
        "id": pb.id if pb else None,
        "name": pb.name if pb else None,
        "severities": [s.id for s in pb.severities] if pb else [],
        "origin": e.origin,
        "path": str(e.path),
        "valid": pb is not None,
        "problems": [p.to_json() for p in e.problems],
    }


_FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


@click.group(invoke_without_command=True)
@_FORMAT
@click.pass_context
def playbooks(ctx: click.Context, fmt: str) -> None:
    """List the bundled and user playbooks (`show ID` prints one's SLA table)."""
    if ctx.invoked_subcommand is not None:
        return
    entries = Library().playbook_entries()
    if fmt == "json":
        sys.stdout.write(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False) + "\n")
        return
    rows = []
    for e in entries:
        if e.playbook is not None:
            rows.append([e.playbook.id, e.playbook.name, " ".join(s.id for s in e.playbook.severities), e.origin])
        else:
            errors = sum(p.severity == "error" for p in e.problems)
            note = f"(does not load: {errors} problem(s); run warroom validate {e.path})"
            rows.append([e.path.stem, note, "", e.origin])
    click.echo("\n".join(printable(line) for line in table(["ID", "NAME", "SEVERITIES", "FROM"], rows)))


@playbooks.command()
@click.argument("playbook_id")
@_FORMAT
def show(playbook_id: str, fmt: str) -> None:
    """Print a playbook's SLA table, escalation, rules, roles and contacts (`--format json`: the whole model)."""
    known = {e.playbook.id: e.playbook for e in Library().playbook_entries() if e.playbook is not None}
    pb = known.get(playbook_id)
    if pb is None:
        finding = checks.undefined("playbook", playbook_id, sorted(known), ())
        hint = f" — {finding.hint}" if finding.hint else ""
        click.echo(f"warroom: {printable(finding.message)}{printable(hint)}", err=True)
        sys.exit(2)
    if fmt == "json":
        sys.stdout.write(json.dumps(pb.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False) + "\n")
    else:
        click.echo(show_text(pb))
