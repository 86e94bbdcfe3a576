"""What messages said: each kind of message the trainee sent with text, read against its checklist (the
playbook's, with the scenario's items added) and for template blanks left unfilled. The debrief quotes them.

One criterion per kind of message that has a checklist or was sent with text. Each message earns the share
of the checklist it satisfies; a message still carrying a blank (`[TIME]`, `{status}`) or sent without text
earns nothing. The criterion's points are the mean share of its maximum. Without a checklist, only the
blanks are judged (warroom's own judgement): a template sent as it is says nothing.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from scoring.rubric import Context, Criterion, Evidence, Result, Verdicts, clock, evidence
from sim.format.messages import KINDS, ChecklistItem, Reading, merged, read_message
from sim.journal.events import CommsSent

POINTS = 5  # per kind of message
_SAYS_NOTHING = "a template sent with its blanks says nothing"
QUOTE = 80  # characters of a message quoted in an explanation (the evidence keeps up to EVIDENCE)
EVIDENCE = 500
# (one message, several messages, what the playbook template is called)
NAMES: dict[str, tuple[str, str]] = {
    "internal_update": ("internal update", "Internal updates"),
    "status_page": ("status-page update", "Status-page updates"),
    "customers": ("customer notice", "Customer notices"),
    "executives": ("executive briefing", "Executive briefings"),
    "support": ("support briefing", "Support briefings"),
}


def messages(ctx: Context) -> list[Criterion]:
    out = []
    for kind, channel in KINDS.items():
        items = merged(ctx.playbook.checklists, ctx.scenario.checklists, kind)
        sent = list(ctx.facts.comms.get(channel, ()))
        if items or any(e.text.strip() for e in sent):
            out.append(_kind(ctx, kind, items, sent))
    return out


def _kind(ctx: Context, kind: str, items: list[ChecklistItem], sent: list[CommsSent]) -> Criterion:
    one, many = NAMES[kind]
    asks = "; ".join(i.ask for i in items)
    advice = f"Fill in every blank of the template{f', and say: {asks}' if asks else ''}."
    source: Literal["playbook", "scenario", "warroom"] = (
        "scenario" if ctx.scenario.checklists.items(kind) else "playbook" if items else "warroom"
    )
    title = f"{many} say what they must" if items else f"{many} filled in"
    v = Verdicts(f"comms.message.{kind}", "communication", title, POINTS, advice, source)
    rule = _rule(ctx, kind, source)
    # Without a checklist a message with no text has nothing to be judged on (a script may send none).
    judged = sent if items else [e for e in sent if e.text.strip()]
    if not judged:
        return _cited(v.skip(f"no {one} was sent (its deadline and cadence criteria judge that)."), rule)
    readings = [(e, read_message(e.text, items)) for e in judged]
    names = {i.id: i.ask for i in items}
    ev = tuple(_evidence(ctx, one, e, r, names) for e, r in readings)
    share = sum(r.share for _, r in readings) / len(readings)
    points = round(POINTS * share)
    wanted = f"the checklist asks for: {asks}" if items else f"warroom's own judgement: {_SAYS_NOTHING}"
    short = [(e, r) for e, r in readings if r.share < 1.0]
    n = len(readings)
    if not short:
        first = readings[0][0]
        who = f"The {one}" if n == 1 else f"Each of the {n} {one}s"
        did = "said what it must" if items else "was filled in"
        said = f"{who} {did}, e.g. at {clock(first.t)}: {_quote(first.text, QUOTE)}"
        return _cited(v.ok(f"{said}; {wanted}.", ev), rule)
    gaps = "; ".join(f"at {clock(e.t)} {_quote(e.text, QUOTE)} {_fault(r, names)}" for e, r in short[:3])
    more = f"; and {len(short) - 3} more" if len(short) > 3 else ""
    head = f"The {one} {gaps}" if n == 1 else f"{len(short)} of {n} {one}s fell short: {gaps}{more}"
    result: Result = "fail" if points == 0 else "partial"
    return _cited(v.judge(result, f"{head}; {wanted}.", ev, points=points), rule)


def _rule(ctx: Context, kind: str, source: str) -> str:
    if source == "scenario":
        return f"scenario {ctx.scenario.id}: checklists.{kind}"
    if source == "playbook":
        return f"playbook {ctx.playbook.id}: checklists.{kind}"
    return ""  # warroom's own judgement: `grade.citation` words it


def _cited(c: Criterion, rule: str) -> Criterion:
    return replace(c, rule=rule) if rule else c


def _fault(r: Reading, names: dict[str, str]) -> str:
    if r.empty:
        return "had no text"
    if r.blanks:
        return f"still has the template's blanks {', '.join(r.blanks[:4])}"
    return f"left out: {', '.join(names[i] for i in r.missing)}"


def _evidence(ctx: Context, one: str, e: CommsSent, r: Reading, names: dict[str, str]) -> Evidence:
    tail = "" if r.share >= 1.0 else f" ({_fault(r, names)})"
    return evidence(ctx.facts, e, f"{one}: {_quote(e.text, EVIDENCE)}{tail}")


def _quote(text: str, limit: int) -> str:
    """The message on one line, in quotes, cut at `limit` characters."""
    flat = " ".join(text.split())
    return f"“{flat if len(flat) <= limit else flat[: limit - 1] + '…'}”"


CHECKS = (messages,)
