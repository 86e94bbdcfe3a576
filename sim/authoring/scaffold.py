"""`warroom new`: a valid, commented scenario to start from, shaped by incident type and playbook."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import scenarios
from sim.format.durations import format_duration
from sim.format.playbook import Playbook


@dataclass(frozen=True, slots=True)
class Kind:
    """What a type of incident looks like: its metrics, how the fault moves them, and what fixes it."""

    category: str
    team: str  # the team truth.must_involve names, when the playbook has a contact on it
    severity_rank: int  # 0 = the playbook's most severe level
    metrics: str
    effects: str
    fix: tuple[str, str]  # (action id, label)
    partial: tuple[str, str, str]  # (action id, label, metric the partial fix eases)
    harmful: tuple[str, str]
    alert_metric: str
    alert_above: float


TYPES: dict[str, Kind] = {
    "outage": Kind("outage", "", 0,
        """  - {id: error_rate, label: Error rate, unit: "%", baseline: 0.5, noise: 0.1, warn: 2, critical: 5}
  - {id: availability, label: Availability, unit: "%", baseline: 99.95, noise: 0.02, warn: 99.5, critical: 98,
     bad_when: down}""",
        """      - {metric: error_rate, shape: ramp, to: 60, over: 2m}
      - {metric: availability, shape: step, to: 40}""",
        ("rollback", "Roll back the last deploy"), ("restart-pods", "Restart the pods", "error_rate"),
        ("scale-to-zero", "Scale the service to zero"), "error_rate", 5),
    "breach": Kind("security", "security", 0,
        """  - {id: failed_logins, label: Failed logins, unit: /min, baseline: 4, noise: 1, warn: 30, critical: 100}
  - {id: egress, label: Data egress, unit: MB/min, baseline: 20, noise: 3, warn: 60, critical: 150}""",
        """      - {metric: failed_logins, shape: spike, to: 400, over: 20m}
      - {metric: egress, shape: ramp, to: 300, over: 15m}""",
        ("isolate-host", "Isolate the compromised host"), ("rotate-keys", "Rotate the exposed keys", "egress"),
        ("wipe-host", "Wipe and rebuild the host now"), "egress", 150),
    "cost-spike": Kind("cost", "finance", 1,
        """  - {id: spend_rate, label: AI spend rate, unit: $/h, baseline: 40, noise: 2, warn: 60, critical: 100}
  - {id: spend, label: Spend so far, unit: $, baseline: 40, warn: 150, critical: 250, kind: cumulative}""",
        """      - {metric: spend_rate, shape: ramp, by: 160, over: 10m}
      - {metric: spend, shape: ramp, by: 160, over: 10m}""",
        ("cap-quota", "Cap the API quota"), ("disable-batch-job", "Pause the batch job", "spend_rate"),
        ("delete-api-keys", "Delete every API key"), "spend_rate", 100),
    "degradation": Kind("degradation", "", 1,
        """  - {id: latency_p95, label: p95 latency, unit: ms, baseline: 180, noise: 15, warn: 500, critical: 1500}
  - {id: memory, label: Memory use, unit: "%", baseline: 55, noise: 2, warn: 80, critical: 92}""",
        """      - {metric: latency_p95, shape: drift, by: 300, over: 10m}
      - {metric: memory, shape: drift, by: 8, over: 10m}""",
        ("rollback", "Roll back the leaking release"), ("restart-pods", "Restart the pods", "memory"),
        ("double-replicas", "Double the replicas"), "latency_p95", 1500),
    "data": Kind("data", "database", 1,
        """  - {id: bad_rows, label: Invalid rows, unit: "%", baseline: 0.1, noise: 0.02, warn: 1, critical: 5}
  - {id: complaints, label: Support tickets, unit: /h, baseline: 2, noise: 0.5, warn: 10, critical: 25}""",
        """      - {metric: bad_rows, shape: ramp, to: 12, over: 30m}
      - {metric: complaints, shape: ramp, to: 40, over: 40m}""",
        ("stop-writer", "Stop the faulty writer"), ("hide-bad-rows", "Hide the bad rows", "complaints"),
        ("restore-now", "Restore the backup over live data"), "bad_rows", 5),
    "capacity": Kind("capacity", "database", 1,
        """  - {id: disk, label: Disk used, unit: "%", baseline: 62, noise: 0.3, warn: 85, critical: 95}
  - {id: queue_depth, label: Queue depth, unit: jobs, baseline: 120, noise: 20, warn: 1000, critical: 5000}""",
        """      - {metric: disk, shape: drift, by: 6, over: 10m}
      - {metric: queue_depth, shape: ramp, to: 8000, over: 30m}""",
        ("grow-storage", "Grow the volume"), ("purge-logs", "Purge old logs", "disk"),
        ("drop-queue", "Drop the whole queue"), "disk", 95),
}  # fmt: skip


def _with_playbook_thresholds(metrics: str, playbook: Playbook) -> str:
    """The metric lines with the thresholds the playbook sets for a metric of the same id (scenarios on a
    playbook use its alert thresholds: sim.format.rule_checks)."""
    for m in playbook.metrics:
        for key in ("warn", "critical"):
            value = getattr(m, key)
            if value is not None:
                metrics = re.sub(rf"(\{{id: {re.escape(m.id)},[^\n]*? {key}: )[\d.]+", rf"\g<1>{value:g}", metrics)
    return metrics


def scaffold(playbook: Playbook, kind: str, scenario_id: str, title: str, difficulty: str = "medium") -> str:
    """The YAML text of a new scenario. It validates as written; TODO markers show what to make real."""
    k = TYPES[kind]
    level = playbook.severities[min(k.severity_rank, len(playbook.severities) - 1)]
    severity = level.id
    # Long enough to judge the playbook's resolution target, and never under 90 minutes.
    duration = format_duration(max(5400.0, (level.targets.resolution or 0.0) + 1800.0))
    involve = [c.id for c in playbook.contacts if k.team and c.team == k.team][:1]
    q = json.dumps  # JSON strings are valid YAML scalars, and quote whatever the user typed safely
    fix, fix_label = k.fix
    partial, partial_label, eased = k.partial
    harmful, harmful_label = k.harmful
    # The bundled schema by absolute URI: a new file lives in the user's folder, where no ../schema exists.
    schema = (scenarios.SCHEMA / "scenario.schema.json").as_uri()
    return f"""# yaml-language-server: $schema={schema}
# A new {kind} drill on playbook '{playbook.id}'. Run `warroom lint` on it: it lists the TODOs left.
# The facilitator's guide (scenarios/README.md) documents every key.
id: {scenario_id}
title: {q(title)}
summary: "TODO: one or two sentences for the scenario picker."
playbook: {playbook.id}
difficulty: {difficulty}
duration: {duration}        # the drill ends when this much sim time has passed
seed: 7                # noise and cast names come from it; the same seed replays the same drill
tags: [{kind}]

# What the trainee reads before T+0. Markdown. Never give away the hidden truth below.
briefing: |
  TODO: who the trainee is, which service they own, and what time it is.

# Only the debrief and the facilitator see this.
truth:
  severity: {severity}          # the level the playbook's classification gives this incident
  root_cause: "TODO: what really broke."
  category: {k.category}
  fixed_by: [{fix}]   # the actions that end the incident for good
  # all: fixed once every action in fixed_by is done (a partial fix is not the fix); any: any one of them
  # fixes it, each on its own. With one action the two are the same; choose when you list more.
  fix: all
  must_involve: [{", ".join(involve)}]   # contacts who must be paged or told
  root_cause_clues: [cause]

metrics:
{_with_playbook_thresholds(k.metrics, playbook)}

faults:
  - id: main-fault
    label: "TODO: a name for what broke"
    start: 3m
    effects:
{k.effects}
  - id: worse
    label: What the harmful action breaks
    effects:   # started only by the harmful action below (`start_fault`), never on its own
      - {{metric: {k.alert_metric}, shape: step, by: {k.alert_above / 2:g}}}

injects:
  - id: first-alert
    kind: alert
    text: "{k.alert_metric} is critical"
    trigger: {{metric: {{metric: {k.alert_metric}, above: {k.alert_above:g}, for: 30s}}}}
  - id: first-page
    kind: page
    from: pagerduty
    text: "[{{incident_id}}] {k.alert_metric} critical; you are on call."
    trigger: {{metric: {{metric: {k.alert_metric}, above: {k.alert_above:g}, for: 1m}}}}
  - id: support-asks
    kind: chat
    from: support_lead
    text: "Customers are asking what is going on. Anything I can tell them?"
    trigger: {{at: 15m}}
    unless: [post_update]   # skipped when the trainee has already posted an update

actions:
  - id: {fix}
    label: {q(fix_label)}
    duration: 5m
    requires: [investigate]   # offered once the trainee has investigated (a standard action)
    effects:
      - resolve: main-fault
      - resolve: worse
  - id: {partial}
    label: {q(partial_label)}
    duration: 3m
    effects:   # helps, but does not cure: the fault keeps pulling
      - move: {{metric: {eased}, shape: spike, by: -10, over: 10m}}
  - id: {harmful}
    label: {q(harmful_label)}
    duration: 2m
    destructive: true
    harmful: true
    effects:
      - start_fault: worse

clues:
  - id: cause
    text: "TODO: what the logs or the deploy history show."
    found_by: [logs, deploys]
    names_fault: main-fault
  - id: red-herring
    text: "A noisy neighbour's CPU alert fired yesterday too."
    found_by: [dashboards]

expectations:
  - id: fix-quickly
    description: Apply the real fix within 45 minutes
    category: mitigation
    done: {fix}
    within: 45m
  - id: no-harm
    description: {q("Do not " + harmful_label[0].lower() + harmful_label[1:])}
    category: mitigation
    never: {harmful}

debrief_questions:
  - What told you the most about the cause, and when did you see it?
  - What would you do differently at T+5?
"""
