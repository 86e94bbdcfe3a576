"""The five bundled playbooks: they load, their figures match the seed documents, and every figure cites its seed."""

from __future__ import annotations

import contextlib
import os
import re
from functools import cache
from pathlib import Path

import pytest
import yaml

from scenarios import PLAYBOOKS
from sim.format.durations import parse_duration
from sim.format.loading import check_file, load_playbook
from sim.format.playbook import Playbook

# Playbook id -> the seed document it encodes (its three-digit prefix).
SEED_OF = {"samplemind": "000", "mindweave": "001", "findcontacts": "002", "samia": "003", "alchemorsel": "004"}
# The seed documents: `shared/seeds` beside the checkout, or `$WARROOM_SEEDS`.
SEEDS = Path(os.environ.get("WARROOM_SEEDS") or Path(__file__).resolve().parents[3] / "shared" / "seeds")
# The seed documents live outside the repository; the checks against their text run only where they are.
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not found at {SEEDS}")

M, H = 60.0, 3600.0


@cache
def load(pid: str) -> Playbook:
    """Through the project's loader: bounded YAML 1.2 parsing, the model, and the cross-reference checks."""
    return load_playbook(PLAYBOOKS / f"{pid}.yaml")


def figure(pb: Playbook, path: str) -> object:
    """`SEV-1.communication.status_page_within` -> seconds; `chain` -> timeouts; `matrix.Sev1` -> steps."""
    head, _, rest = path.partition(".")
    if head == "chain":
        return [(lvl.contact, lvl.timeout) for lvl in pb.escalation.chain]
    if head == "matrix":
        return [(s.after, s.notify) for s in pb.escalation.matrix.get(rest, [])]
    if head in ("escalation", "monitoring_period"):
        obj: object = pb
    else:
        obj, path = pb.severity(head), rest
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_every_seed_has_exactly_one_playbook_file() -> None:
    assert sorted(p.stem for p in PLAYBOOKS.glob("*.yaml")) == sorted(SEED_OF)


@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_playbook_loads_with_schema_line_and_seed_named(pid: str) -> None:
    lines = (PLAYBOOKS / f"{pid}.yaml").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../schema/playbook.schema.json"
    assert re.match(rf"# Seed: \S*/{SEED_OF[pid]}_[0-9a-f]+\.txt", lines[1]), lines[1]
    pb = load(pid)
    assert pb.id == pid
    assert pb.source.startswith(f"{SEED_OF[pid]}_")


@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_the_loader_finds_nothing_to_warn_about(pid: str) -> None:
    result = check_file(PLAYBOOKS / f"{pid}.yaml", "playbook")
    assert result.ok
    assert [str(p) for p in result.problems] == []


@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_every_reference_names_something_defined(pid: str) -> None:
    pb = load(pid)
    sevs, contacts, roles = ({x.id for x in xs} for xs in (pb.severities, pb.contacts, pb.roles))
    assert len(sevs) == len(pb.severities) and len(contacts) == len(pb.contacts) and len(roles) == len(pb.roles)
    for sev in pb.severities:
        assert set(sev.page) <= contacts, sev.id
        assert set(sev.roles_required) <= roles, sev.id
    esc = pb.escalation
    assert {lvl.contact for lvl in esc.chain} <= contacts
    assert set(esc.matrix) <= sevs
    assert {c for steps in esc.matrix.values() for s in steps for c in s.notify} <= contacts
    assert esc.no_progress_contact is None or esc.no_progress_contact in contacts
    assert {r.yes for r in pb.classification.rules} | {pb.classification.otherwise} - {None} <= sevs


@pytest.mark.parametrize(
    ("pid", "ids"),
    [
        ("samplemind", ["SEV1", "SEV2", "SEV3"]),  # 000 §Severity Levels (l.48-50)
        ("mindweave", ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]),  # 001 §1.1 Severity Definitions (l.74-77)
        ("findcontacts", ["Critical", "High", "Medium", "Low"]),  # 002 §Severity Levels (l.13-16)
        ("samia", ["SEV-1", "SEV-2", "SEV-3"]),  # 003 §Update Frequency (l.183-185)
        ("alchemorsel", ["Sev1", "Sev2", "Sev3", "Sev4"]),  # 004 §Escalation Matrix "Sev 1".."Sev 4" (l.247-250)
    ],
)
def test_severity_scale_matches_the_seed(pid: str, ids: list[str]) -> None:
    assert [s.id for s in load(pid).severities] == ids


# (playbook, figure path, value in seconds, or None where the seed states nothing)
FIGURES = [
    # 000 samplemind
    ("samplemind", "SEV1.targets.response", 5 * M),  # l.48 "< 5 min", l.62
    ("samplemind", "SEV1.targets.mitigation", 30 * M),  # l.157 "Investigation & Mitigation (5-30 minutes)"
    ("samplemind", "SEV1.targets.resolution", 1 * H),  # l.197 "Service Restoration (30-60 minutes)"
    ("samplemind", "SEV1.targets.acknowledge", None),  # no acknowledge figure anywhere in 000
    ("samplemind", "SEV1.communication.executives_within", 15 * M),  # l.64 "Executive notification within 15 minutes"
    ("samplemind", "SEV1.communication.internal_update_every", 1 * H),  # l.65 "Hourly status updates"
    ("samplemind", "SEV1.communication.status_page_within", None),  # 000 gives no status page deadline
    ("samplemind", "SEV1.pir_within", 24 * H),  # l.848 "SEV1: Within 24 hours"
    ("samplemind", "SEV2.targets.response", 15 * M),  # l.49, l.259
    ("samplemind", "SEV2.targets.identify", 1 * H),  # l.260 "Investigation: 15-60 minutes"
    ("samplemind", "SEV2.targets.mitigation", 4 * H),  # l.261 "Mitigation: 1-4 hours"
    ("samplemind", "SEV2.targets.resolution", 8 * H),  # l.262 "Resolution: 4-8 hours"
    ("samplemind", "SEV2.communication.internal_update_every", 2 * H),  # l.87 "Updates every 2 hours"
    ("samplemind", "SEV2.pir_within", 48 * H),  # l.849 "SEV2: Within 48 hours"
    ("samplemind", "SEV3.targets.response", 1 * H),  # l.50 "< 1 hour"
    ("samplemind", "SEV3.targets.resolution", 48 * H),  # l.280 "Fix within SLA (24-48 hours)"
    ("samplemind", "SEV3.communication.internal_update_every", None),  # l.109 "Update at resolution"
    ("samplemind", "SEV3.pir_within", None),  # l.850 "SEV3: Optional"
    ("samplemind", "escalation.no_progress_after", 15 * M),  # l.301 "Can't diagnose root cause in 15 minutes"
    ("samplemind", "escalation.no_progress_contact", "eng-lead"),  # l.300 "Escalate to IC"; IC primary l.292
    ("samplemind", "monitoring_period", 15 * M),  # l.225 "Watch metrics for 15 minutes"
    # 001 mindweave
    ("mindweave", "SEV-1.targets.acknowledge", 5 * M),  # l.201 "Acknowledge all pages within 5 minutes"
    ("mindweave", "SEV-1.targets.response", 5 * M),  # l.50, l.1106
    ("mindweave", "SEV-1.targets.identify", 15 * M),  # l.1096 MTTI "< 15 min (SEV-1)"
    ("mindweave", "SEV-1.targets.resolution", 1 * H),  # l.50, l.1106
    ("mindweave", "SEV-1.communication.internal_update_every", 30 * M),  # l.878 "Every 30 min for SEV-1/2"
    ("mindweave", "SEV-2.targets.response", 15 * M),  # l.53, l.1107
    ("mindweave", "SEV-2.targets.resolution", 4 * H),  # l.53, l.1107
    ("mindweave", "SEV-2.communication.internal_update_every", 30 * M),  # l.878
    ("mindweave", "SEV-3.targets.response", 1 * H),  # l.56, l.1108
    ("mindweave", "SEV-3.targets.resolution", 24 * H),  # l.56, l.1108
    ("mindweave", "SEV-4.targets.response", 4 * H),  # l.59, l.1109
    ("mindweave", "SEV-4.targets.resolution", 72 * H),  # l.59, l.1109
    ("mindweave", "SEV-1.pir_within", None),  # l.1100 "within 5 business days" is not a fixed duration
    ("mindweave", "SEV-1.pir_within_business_days", 5),  # l.1100 "PIR completed within 5 business days"
    ("mindweave", "SEV-4.pir_within_business_days", 5),  # l.1100, for every incident ("100%")
    ("mindweave", "escalation.no_progress_after", None),  # 001 states no general no-progress rule
    ("mindweave", "monitoring_period", 15 * M),  # l.354 "Monitor for 15 minutes after fix"
    # 002 findcontacts
    ("findcontacts", "Critical.targets.acknowledge", 5 * M),  # l.78-79 "Acknowledge alert within 5 minutes"
    ("findcontacts", "Critical.targets.response", 15 * M),  # l.13
    ("findcontacts", "High.targets.acknowledge", 5 * M),  # l.78-79
    ("findcontacts", "High.targets.response", 1 * H),  # l.14
    ("findcontacts", "Medium.targets.acknowledge", 30 * M),  # l.85-86 "Acknowledge alert within 30 minutes"
    ("findcontacts", "Medium.targets.response", 4 * H),  # l.15
    ("findcontacts", "Low.targets.acknowledge", 30 * M),  # l.85-86
    ("findcontacts", "Low.targets.response", 24 * H),  # l.16
    ("findcontacts", "Critical.targets.resolution", None),  # 002 states no resolution target
    ("findcontacts", "Critical.no_progress_after", 30 * M),  # l.317 "No progress after 30 minutes (Critical)"
    ("findcontacts", "High.no_progress_after", 2 * H),  # l.318 "No progress after 2 hours (High)"
    ("findcontacts", "Medium.no_progress_after", 8 * H),  # l.319 "No progress after 8 hours (Medium)"
    ("findcontacts", "Low.no_progress_after", None),  # l.316-319 list no Low trigger
    ("findcontacts", "escalation.no_progress_contact", "eng-lead"),  # l.335 Level 1: Engineering Lead
    ("findcontacts", "Critical.pir_within", 48 * H),  # l.136 "Conduct within 48 hours of resolution"
    ("findcontacts", "Low.pir_within", 48 * H),  # l.345 "Formal Review: Within 48 hours of resolution"
    ("findcontacts", "Critical.communication.internal_update_every", None),  # 002 states no cadence
    ("findcontacts", "monitoring_period", None),  # 002 states no monitoring period
    # 003 samia
    ("samia", "SEV-1.communication.internal_update_every", 15 * M),  # l.183 "SEV-1: Every 15 minutes"
    ("samia", "SEV-1.communication.status_page_within", 10 * M),  # l.199 "SEV-1: Update within 10 minutes"
    ("samia", "SEV-1.communication.status_page_every", 30 * M),  # l.199 "then every 30 minutes"
    ("samia", "SEV-1.communication.customers_within", 15 * M),  # l.69 "notify customers within 15 minutes"
    ("samia", "SEV-1.targets.acknowledge", 5 * M),  # l.151 "Immediate for SEV-1": before Level 2, 5 min on (l.148)
    ("samia", "SEV-1.targets.response", 5 * M),  # l.52 "T+0 to T+5: Initial Response"
    ("samia", "SEV-1.pir_within", 48 * H),  # l.298 "Within 48 hours of resolution"
    ("samia", "SEV-2.targets.response", 15 * M),  # l.151 "15min for SEV-2"
    ("samia", "SEV-2.communication.internal_update_every", 30 * M),  # l.184 "SEV-2: Every 30 minutes"
    ("samia", "SEV-2.communication.status_page_within", 30 * M),  # l.200 "SEV-2: Update within 30 minutes"
    ("samia", "SEV-2.communication.status_page_every", 1 * H),  # l.200 "then hourly"
    ("samia", "SEV-2.communication.customers_within", None),  # l.69 names SEV-1 only
    ("samia", "SEV-3.communication.internal_update_every", 1 * H),  # l.185 "SEV-3: Every hour"
    ("samia", "SEV-3.communication.status_page_within", None),  # l.201 "Update only if customer-facing"
    ("samia", "monitoring_period", 30 * M),  # l.102 "Watch for 30+ minutes post-fix"
    # 004 alchemorsel
    ("alchemorsel", "Sev1.targets.response", 15 * M),  # l.34
    ("alchemorsel", "Sev1.targets.acknowledge", 15 * M),  # l.238 "No acknowledgment within response time SLA"
    ("alchemorsel", "Sev1.targets.resolution", 1 * H),  # l.35
    ("alchemorsel", "Sev2.targets.response", 30 * M),  # l.45
    ("alchemorsel", "Sev2.targets.resolution", 4 * H),  # l.46
    ("alchemorsel", "Sev3.targets.response", 1 * H),  # l.55
    ("alchemorsel", "Sev3.targets.resolution", 8 * H),  # l.56
    ("alchemorsel", "Sev4.targets.response", 4 * H),  # l.65
    ("alchemorsel", "Sev4.targets.resolution", 24 * H),  # l.66
    ("alchemorsel", "Sev1.communication.internal_update_every", 30 * M),  # l.190 "every 15-30 minutes", l.210
    ("alchemorsel", "Sev1.page", ["cto", "ceo"]),  # l.36 "Immediate to CTO and CEO"
    ("alchemorsel", "Sev1.pir_within", 48 * H),  # l.263 "Schedule post-mortem meeting (within 48 hours)"
    ("alchemorsel", "Sev1.communication.status_page_within", None),  # 004 states no status page deadline
    ("alchemorsel", "monitoring_period", None),  # 004 states no monitoring period
    ("alchemorsel", "Sev2.communication.executives_within", 1 * H),  # l.47 "Within 1 hour to engineering leadership"
    ("samplemind", "SEV2.page", ["team-lead"]),  # l.86 "Team lead notification"
    ("findcontacts", "Critical.page", ["head-of-engineering"]),  # l.13 "Immediate escalation to leadership"
]


@pytest.mark.parametrize(("pid", "path", "expected"), FIGURES, ids=[f"{p}:{f}" for p, f, _ in FIGURES])
def test_key_figures_match_the_seed(pid: str, path: str, expected: object) -> None:
    assert figure(load(pid), path) == expected


CHAINS = [
    # 001 §2.1 escalation_policies (l.182-194): the policy rules, not the schedules' escalation_timeout values.
    (
        "mindweave",
        [("oncall-primary", 5 * M), ("oncall-secondary", 10 * M), ("eng-manager", 15 * M), ("vp-engineering", 30 * M)],
    ),
    # 003 "Monitor → Admin → Super Admin (5 min intervals)" (l.10, l.148, l.156, l.161)
    ("samia", [("oncall-primary", 5 * M), ("eng-manager", 5 * M), ("cto", 5 * M)]),
    # 004: the IC's primary, then its backup after 10 minutes without an answer (l.78-79, l.254-255).
    ("alchemorsel", [("sre-lead", 10 * M), ("eng-manager", 10 * M)]),
    # 000 and 002 name escalation contacts but no timed pager levels.
    ("samplemind", []),
    ("findcontacts", []),
]


@pytest.mark.parametrize(("pid", "chain"), CHAINS, ids=[c[0] for c in CHAINS])
def test_pager_chain_matches_the_seed(pid: str, chain: list[tuple[str, float]]) -> None:
    assert figure(load(pid), "chain") == chain


MATRICES = [
    # 004 §Escalation Matrix (l.245-250); "-" cells bring no one in.
    ("alchemorsel", "Sev1", [(30 * M, ["cto"]), (1 * H, ["ceo"]), (2 * H, ["board"]), (4 * H, ["external"])]),
    ("alchemorsel", "Sev2", [(30 * M, ["eng-manager"]), (1 * H, ["cto"]), (2 * H, ["ceo"])]),
    ("alchemorsel", "Sev3", [(30 * M, ["team-lead"]), (1 * H, ["eng-manager"]), (2 * H, ["cto"])]),
    ("alchemorsel", "Sev4", [(1 * H, ["team-lead"]), (2 * H, ["eng-manager"])]),
    # 000 "Escalate to Executive when: SEV1 lasting > 1 hour" (l.306-307); Executive primary CTO (l.296).
    ("samplemind", "SEV1", [(1 * H, ["cto"])]),
    ("samplemind", "SEV2", []),
    # 002 §Severity Levels: High "within 30 minutes" to the engineering lead (l.14);
    # Medium to the team lead "if not resolved in 2 hours" (l.15).
    ("findcontacts", "High", [(30 * M, ["eng-lead"])]),
    ("findcontacts", "Medium", [(2 * H, ["team-lead"])]),
    ("findcontacts", "Critical", []),
    ("mindweave", "SEV-1", []),
    ("samia", "SEV-1", []),
]


@pytest.mark.parametrize(("pid", "sev", "steps"), MATRICES, ids=[f"{p}:{s}" for p, s, _ in MATRICES])
def test_escalation_matrix_matches_the_seed(pid: str, sev: str, steps: list[tuple[float, list[str]]]) -> None:
    assert figure(load(pid), f"matrix.{sev}") == steps


@pytest.mark.parametrize(
    ("pid", "rules", "otherwise"),
    [
        # 001 §1.2 Classification Decision Tree (l.87-132): the only seed with a tree.
        ("mindweave", ["SEV-1", "SEV-1", "SEV-2", "SEV-3"], "SEV-4"),
        ("samplemind", ["SEV1", "SEV2"], "SEV3"),  # 000 §Severity Levels (l.48-50)
        ("findcontacts", ["Critical", "High", "Medium"], "Low"),  # 002 §Severity Levels (l.13-16)
        ("alchemorsel", ["Sev1", "Sev2", "Sev3"], "Sev4"),  # 004 §Severity Levels (l.28-60)
        ("samia", [], None),  # 003 defers to INCIDENT_SEVERITY.md (l.55), which is not in the seed
    ],
)
def test_classification_follows_the_seed(pid: str, rules: list[str], otherwise: str | None) -> None:
    c = load(pid).classification
    assert [r.yes for r in c.rules] == rules
    assert c.otherwise == otherwise
    # No seed says what to do when unsure between two levels.
    assert c.when_unsure is None


@pytest.mark.parametrize(
    ("pid", "filled"),
    [
        ("samplemind", {"internal_update", "status_page", "customers", "executives"}),  # 000 l.340-460
        ("mindweave", {"internal_update", "status_page", "customers"}),  # 001 §5.1-5.3 (l.761-897)
        ("findcontacts", {"internal_update", "customers"}),  # 002 §Communication Templates (l.249-310)
        ("samia", {"internal_update", "customers", "support"}),  # 003 l.131-141, l.187-218
        ("alchemorsel", {"internal_update"}),  # 004 §4.3 Communication Templates (l.200-233)
    ],
)
def test_templates_are_filled_only_where_the_seed_has_one(pid: str, filled: set[str]) -> None:
    templates = load(pid).templates
    assert {name for name, text in templates if text} == filled


@pytest.mark.parametrize(
    ("pid", "channel", "first", "last"),
    [
        ("samplemind", "internal_update", "📊 [SEV1/SEV2] UPDATE - [Time]", "Channel: #incident-[number]"),
        ("samplemind", "status_page", "🔴 Investigating - [Service Name]", "Posted: [Time UTC]"),
        ("mindweave", "internal_update", "📊 **STATUS UPDATE** - [Time]", "**ETA**: [Estimated resolution time]"),
        ("mindweave", "status_page", "**Title**: Investigating issues with [Service Name]", "Our team is working"),
        ("mindweave", "customers", "**Subject**: [MindWeave] Service Disruption - We're On It", "The MindWeave Team"),
        ("findcontacts", "customers", "**Subject:** AI Search Feature Temporarily Unavailable", "We apologize"),
        ("samia", "internal_update", "⏰ INCIDENT UPDATE [T+XX minutes]", "ETA: [Next update time or resolution"),
        ("alchemorsel", "internal_update", "📊 INCIDENT UPDATE - [TIME]", "ETA: [IF AVAILABLE]"),
    ],
)
def test_a_template_is_one_message_not_the_runbook_around_it(pid: str, channel: str, first: str, last: str) -> None:
    # The composer inserts the template as the message to send: the seed's headings ("### Step 3: Declare in
    # Slack"), separators and the other stages' messages (initial, resolution) are not part of it.
    text = getattr(load(pid).templates, channel)
    lines = text.splitlines()
    assert lines[0] == first
    assert lines[-1].startswith(last)


@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_no_template_holds_a_runbook_heading_or_a_second_message(pid: str) -> None:
    for channel, text in load(pid).templates:
        for line in text.splitlines():
            assert not re.match(r"#{1,6} |---$", line), f"{pid} {channel}: {line!r} is runbook prose"


# --- Citations ------------------------------------------------------------------------------------------

# A key whose value is a duration (`timeout: 5m`, `{after: 30m, …}`), outside comments.
DURATION_VALUE = re.compile(r"\b[\w-]+:\s*(\d+(?:\.\d+)?[hms](?:\d+(?:\.\d+)?[ms])*)\b")
BLOCK_SCALAR = re.compile(r"^(\s*)\S.*:\s*[|>][-+]?\s*(?:#.*)?$")
LINE_REF = re.compile(r"\bl\.(\d+)(?:-(\d+))?")


def scan_durations(text: str) -> list[tuple[int, str, str, str]]:
    """(line number, duration text, this line's comment, previous line's comment) for every duration value."""
    lines = text.splitlines()
    out, block_indent = [], None
    for n, line in enumerate(lines, start=1):
        if block_indent is not None:
            # Template text is verbatim seed prose, not a figure of this file.
            if not line.strip() or len(line) - len(line.lstrip()) > block_indent:
                continue
            block_indent = None
        if m := BLOCK_SCALAR.match(line):
            block_indent = len(m.group(1))
        code, _, comment = line.partition(" #")
        prev_comment = lines[n - 2].partition("#")[2] if n > 1 else ""
        out += [(n, m.group(1), comment, prev_comment) for m in DURATION_VALUE.finditer(code)]
    return out


def duration_lines(pid: str) -> list[tuple[int, str, str, str]]:
    return scan_durations((PLAYBOOKS / f"{pid}.yaml").read_text(encoding="utf-8"))


def test_the_duration_scanner_sees_flow_mappings_and_skips_block_text() -> None:
    text = """a:
  timeout: 5m  # 001 (l.184)
  # 004 (l.247)
  steps: [{after: 1h30m, notify: [cto]}]
  text: |-
    timeout: 10m
    Updates: Every 30 minutes
  b: 2h
"""
    assert [(n, v) for n, v, _, _ in scan_durations(text)] == [(2, "5m"), (4, "1h30m"), (8, "2h")]
    assert scan_durations(text)[1][3].strip() == "004 (l.247)"


@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_every_duration_cites_its_seed(pid: str) -> None:
    found = duration_lines(pid)
    assert found, "the scanner found no durations at all"
    prefix = SEED_OF[pid]
    for n, value, comment, prev in found:
        cited = comment if LINE_REF.search(comment) else prev
        assert cited.strip().startswith(f"{prefix} "), f"{pid}.yaml:{n}: {value} does not cite seed {prefix}"
        assert LINE_REF.search(cited), f"{pid}.yaml:{n}: {value} cites no seed line (l.N)"
        parse_duration(value)


# --- Against the seed text ------------------------------------------------------------------------------

_UNIT = {"s": 1.0, "m": M, "h": H, "d": 24 * H, "w": 7 * 24 * H}  # by the unit word's first letter
# "5 min", "15min", "30+ minutes", "4-8 hours", "1 week", "timeout: 5m": every number before a unit counts.
QUANTITY = re.compile(
    r"(\d+)\+?(?:\s*-\s*(\d+))?\s*(seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|[smh])\b", re.I
)
# 003's timeline counts minutes from the start: "T+0 to T+5", "T+30".
T_PLUS = re.compile(r"\bT\+(\d+)\b")
WORDS = {r"\bbi-hourly\b": 2 * H, r"(?<!bi-)\bhourly\b": H, r"\bevery hour\b": H, r"\bweekly\b": 7 * 24 * H}


@cache
def seed_lines(prefix: str) -> list[str]:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8").split("\n")


def quantities(text: str) -> set[float]:
    """Every duration a line of seed prose states, in seconds."""
    out = set()
    for m in QUANTITY.finditer(text):
        unit = _UNIT[m.group(3)[0].lower()]
        out |= {float(x) * unit for x in m.groups()[:2] if x}
    out |= {float(m.group(1)) * M for m in T_PLUS.finditer(text)}
    out |= {v for pattern, v in WORDS.items() if re.search(pattern, text, re.I)}
    return out


def test_quantities_reads_the_seeds_ways_of_writing_time() -> None:
    assert quantities("| **SEV1** | Critical | < 5 min |") == {5 * M}
    assert quantities("4. **Resolution:** 4-8 hours") == {4 * H, 8 * H}
    assert quantities("- **Response Time**: Immediate for SEV-1, 15min for SEV-2") == {15 * M}
    assert quantities("        timeout: 5m") == {5 * M}
    assert quantities("Watch for 30+ minutes post-fix") == {30 * M}
    assert quantities("- SEV-2: Update within 30 minutes, then hourly") == {30 * M, H}
    assert quantities("- Bi-hourly updates instead of hourly") == {2 * H, H}
    assert quantities("- Immediate response") == set()
    assert quantities("### T+0 to T+5: Initial Response") == {0.0, 5 * M}
    assert quantities("- **Follow-up:** Within 1 week for action item status") == {7 * 24 * H}
    assert quantities("- Schedule re-review if actions not completed within 30 days") == {30 * 24 * H}


@needs_seeds
@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_every_duration_is_stated_on_a_line_it_cites(pid: str) -> None:
    seed = seed_lines(SEED_OF[pid])
    for n, value, comment, prev in duration_lines(pid):
        cited = comment if LINE_REF.search(comment) else prev
        refs = [int(x) for a, b in LINE_REF.findall(cited) for x in range(int(a), int(b or a) + 1)]
        stated = set().union(*(quantities(seed[r - 1]) for r in refs))
        assert parse_duration(value) in stated, f"{pid}.yaml:{n}: {value} is not on seed lines {refs}: {stated}"


def _repaired(line: str) -> set[str]:
    """The seed line and its repairs: 000 is UTF-8 read as Mac Roman, 001 as Windows-1254."""
    out = {line.rstrip()}
    for enc in ("mac_roman", "cp1254"):
        with contextlib.suppress(UnicodeError):
            out.add(line.encode(enc).decode("utf-8").rstrip())
    return out


@needs_seeds
@pytest.mark.parametrize("pid", sorted(SEED_OF))
def test_templates_are_verbatim_from_the_seed(pid: str) -> None:
    seed = set().union(*(_repaired(line) for line in seed_lines(SEED_OF[pid])))
    for channel, text in load(pid).templates:
        for line in text.splitlines():
            assert not line or line in seed, f"{pid} {channel} template line not in the seed: {line!r}"


def test_emoji_are_restored_in_templates() -> None:
    # 000 writes 🚨 as "üö®" and 001 as "ğŸš¨" (UTF-8 bytes read in the wrong code page).
    assert load("samplemind").templates.internal_update.startswith("📊 [SEV1/SEV2] UPDATE - [Time]")
    assert load("samplemind").templates.status_page.startswith("🔴 Investigating - [Service Name]")
    assert load("mindweave").templates.internal_update.startswith("📊 **STATUS UPDATE** - [Time]")
    for pid in SEED_OF:
        for channel, text in load(pid).templates:
            assert not re.search("üö|ğŸ|‚Ä|‚úÖ", text), f"{pid} {channel} still has mojibake"


@pytest.mark.parametrize(
    "path", sorted((Path(__file__).parents[2] / "scenarios" / "library").glob("*.yaml")), ids=lambda p: p.stem
)
def test_trainees_read_no_seed_references(path: Path) -> None:
    """Seed citations ("000 §Scenario 5", "003 l.46") belong in YAML comments; what a trainee reads names the
    playbook and its section in words."""

    def strings(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for v in node.values() for s in strings(v)]
        if isinstance(node, list):
            return [s for v in node for s in strings(v)]
        return []

    seed_ref = re.compile(r"§|\b00[0-4](?: l\.|:| §| ?\(l\.)")
    leaks = [s for s in strings(yaml.safe_load(path.read_text(encoding="utf-8"))) if seed_ref.search(s)]
    assert not leaks, leaks
