"""Who may do what in a team drill: each playbook role's `may` list, or the defaults for its id below.

An entry of `may` is an action id, a catalogue group (`respond`, `communicate`, `investigate`, `mitigate`,
`close`), `scenario` (the scenario's own actions) or `*`. Every role may write in the incident channel, and
an action no role of the playbook may take is open to everyone, so no playbook makes a drill unwinnable.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.format.catalogue import STANDARD
from sim.format.playbook import Playbook

ANY = "*"
SCENARIO = "scenario"  # the scenario's own actions (rollback, failover…)
GROUPS = ("respond", "communicate", "investigate", "mitigate", "close")
FACILITATOR = "facilitator"  # the seat that holds the levers: not a playbook role, and it takes no actions

_IC = ("acknowledge", "declare", "assign_role", "open_channel", "page", "resolve", "schedule_pir")
_TECH = ("acknowledge", "investigate", "page", SCENARIO, "post_update")
_COMMS = ("post_update", "status_page", "notify_customers", "brief_executives", "brief_support")
# From the seeds' role descriptions: the IC coordinates and decides, the technical roles find and fix, the
# communication roles tell people. A role id not listed here, with an empty `may`, may do anything.
DEFAULTS: dict[str, tuple[str, ...]] = {
    "incident-commander": _IC,
    "tech-lead": _TECH,
    "first-responder": _TECH,
    "devops-engineer": _TECH,
    "sme": _TECH,
    "comms-lead": _COMMS,
    "support-lead": _COMMS,
}

_GROUP = {a.id: a.group for a in STANDARD}
# How a refusal names the duty: "declaring severity is the incident commander's call".
DUTIES = {
    "acknowledge": "acknowledging the page",
    "declare": "declaring severity",
    "assign_role": "assigning roles",
    "open_channel": "opening the incident channel",
    "page": "paging people",
    "post_update": "posting internal updates",
    "status_page": "updating the status page",
    "notify_customers": "notifying customers",
    "brief_executives": "briefing executives",
    "brief_support": "briefing support",
    "investigate": "investigating",
    "resolve": "resolving the incident",
    "schedule_pir": "scheduling the review",
}


def permissions(playbook: Playbook, role_id: str) -> tuple[str, ...]:
    """What the role may do, as written (its `may`) or by default; () for a role the playbook lacks."""
    role = next((r for r in playbook.roles if r.id == role_id), None)
    if role is None:
        return ()
    return tuple(role.may) or DEFAULTS.get(role_id, (ANY,))


def may(playbook: Playbook, role_id: str, action_id: str, *, scenario_action: bool) -> bool:
    """Whether a seat in `role_id` may take `action_id` (a scenario action when `scenario_action`)."""
    perms = permissions(playbook, role_id)
    group = "mitigate" if scenario_action else _GROUP.get(action_id)
    return ANY in perms or action_id in perms or group in perms or (scenario_action and SCENARIO in perms)


def roles_for(playbook: Playbook, action_id: str, *, scenario_action: bool) -> list[str]:
    """The ids of the roles that may take the action, in the playbook's order."""
    return [r.id for r in playbook.roles if may(playbook, r.id, action_id, scenario_action=scenario_action)]


def role_words(role_id: str) -> str:
    """A role id as words in a sentence: `incident-commander` -> incident commander, `sme` -> SME."""
    return role_id.upper() if len(role_id) <= 3 else role_id.replace("-", " ").replace("_", " ")


def duty(action_id: str, label: str) -> str:
    """The action as the subject of a refusal: 'declaring severity', or 'Roll back the deploy'."""
    return DUTIES.get(action_id, label)


def refusal(
    playbook: Playbook,
    role_id: str | None,
    action_id: str,
    *,
    scenario_action: bool,
    label: str,
    holders: Mapping[str, str],
) -> str | None:
    """Why a seat in `role_id` (None: no role yet) may not take the action, naming who may; None when it may.
    `holders` maps role ids to the name of whoever holds each."""
    if role_id == FACILITATOR:
        return "the facilitator runs the drill and takes no actions; players do"
    if role_id is not None and may(playbook, role_id, action_id, scenario_action=scenario_action):
        return None
    roles = roles_for(playbook, action_id, scenario_action=scenario_action)
    if not roles:
        return None if role_id is not None else "take a role first"
    calls = " or the ".join(f"{role_words(r)}'s" for r in roles)
    held = [(r, holders[r]) for r in roles if r in holders]
    if len(roles) == 1:
        who = f"{held[0][1]} holds it" if held else "nobody holds it yet"
    elif held:
        who = ", ".join(f"{name} is {role_words(r)}" for r, name in held)
    else:
        who = "nobody holds those roles yet"
    prefix = "" if role_id is not None else "take a role first: "
    return f"{prefix}{duty(action_id, label)} is the {calls} call: {who}"
