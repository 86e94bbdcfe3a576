"""Simulated trainees for calibration: policies that play a drill with seeded reaction delays and mistakes.

A bot is a small team working two tracks at once, as a real response does: the tech track (acknowledge,
page, investigate, fix, verify, resolve) and the comms track (declare, roles, status page, customers,
executives, the update cadence). Each track takes one action at a time, after a reaction delay.
"""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass

from sim.engine.actions import ActionRefused
from sim.engine.drill import Drill
from sim.format.catalogue import COMMS_ACTIONS, INVESTIGATE_TARGETS
from sim.format.messages import KINDS, merged
from sim.format.scenario import Expectation
from sim.journal.events import ActionFinished


@dataclass(frozen=True, slots=True)
class Profile:
    """How a kind of trainee plays: reaction time per decision, and the chance of each typical mistake."""

    name: str
    reaction: tuple[float, float]  # seconds, drawn uniformly for every decision
    wrong_severity: float  # declares one level off (lower, twice as often as higher)
    forget_roles: float
    forget_page: float  # pages nobody: not the playbook's list, nor those the incident needs (DBA, finance…)
    forget_comms: float  # per status page / customer / executive / support notice
    skip_update: float  # per due internal update
    harmful: float  # takes a harmful action first
    partial_first: float  # tries each partial fix before investigating
    early_resolve: float  # resolves as soon as metrics look fine, before the monitoring period
    forget_pir: float


PROFILES: dict[str, Profile] = {
    "expert": Profile("expert", (20, 75), 0.03, 0.02, 0.03, 0.03, 0.03, 0.01, 0.05, 0.05, 0.02),
    "typical": Profile("typical", (60, 240), 0.2, 0.15, 0.2, 0.2, 0.25, 0.1, 0.35, 0.3, 0.2),
    "novice": Profile("novice", (180, 600), 0.45, 0.45, 0.5, 0.5, 0.55, 0.35, 0.6, 0.6, 0.55),
}  # fmt: skip

TICK = 15.0  # sim seconds between a bot's looks at the drill
# A track yields (seconds until it next looks, action to take or None to keep waiting).
Step = tuple[float, tuple[str, dict[str, str]] | None]


class Bot:
    """Plays one drill to its end. Deterministic for a given drill, profile and rng seed."""

    def __init__(self, drill: Drill, profile: Profile, rng: random.Random) -> None:
        self.drill, self.p, self.rng = drill, profile, rng
        sc, pb = drill.scenario, drill.playbook
        ids = [s.id for s in pb.severities]
        true = ids.index(sc.truth.severity)
        if rng.random() < profile.wrong_severity:
            off = 1 if rng.random() < 2 / 3 else -1  # too low is the commoner slip
            true = min(max(true + off, 0), len(ids) - 1)
        self.severity = ids[true]
        self.level = pb.severity(self.severity)
        self.harmful = [a.id for a in sc.actions if a.harmful or a.harmful_while]
        self.partial = [a.id for a in sc.actions if a.id not in self.harmful and a.id not in sc.truth.fixed_by
                        and any(fx.move for fx in a.effects)]  # fmt: skip
        self.tracks: list[Iterator[Step] | None] = [self._tech(), self._comms()]
        self.ready = [0.0, 0.0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def react(self) -> float:
        return self.rng.uniform(*self.p.reaction)

    def play(self) -> None:
        drill = self.drill
        while not drill.finished:
            drill.advance(TICK)
            if drill.detected_at is not None:
                self.step_tracks()

    def step_tracks(self) -> None:
        """Take each track's next step that is due: an action (or none), then the wait before the next."""
        drill = self.drill
        for i, track in enumerate(self.tracks):
            if track is None or drill.now < self.ready[i]:
                continue
            step = next(track, None)
            if step is None:
                self.tracks[i] = None
                continue
            wait, act = step
            self.ready[i] = drill.now + wait
            if act is not None:
                self._try(*act)

    def _try(self, action: str, params: dict[str, str]) -> None:
        with suppress(ActionRefused):  # a bot, like a person, just moves on
            self.drill.act(action, **params)

    def _tech(self) -> Iterator[Step]:
        drill, sc = self.drill, self.drill.scenario
        yield self.react(), ("acknowledge", {})
        if self._has_role("tech-lead") and not self.chance(self.p.forget_roles):
            yield self.react(), ("assign_role", {"role": "tech-lead", "who": "me"})
        paged: set[str] = set()
        if not self.chance(self.p.forget_page):
            # The playbook's paging list for the level declared, then whoever this incident needs.
            for contact in dict.fromkeys([*self.level.page, *sc.truth.must_involve]):
                paged.add(contact)
                yield self.react(), ("page", {"contact": contact})
        for action in self.harmful[:1] if self.chance(self.p.harmful) else []:
            yield self.react(), (action, {})
        for action in self.partial if self.chance(self.p.partial_first) else []:
            yield self.react(), (action, {})
        # What the scenario expects done (with the parameters it names), the most urgent first; of
        # alternatives (`any_of`), the first that does no harm.
        expected = sorted(
            ((e.within, *todo) for e in sc.expectations if (todo := self._expected(e)) is not None),
            key=lambda x: x[0] if x[0] is not None else float("inf"),
        )
        for _, action, params in expected:
            if action == "page" and params.get("contact") in paged:
                continue
            yield self.react(), (action, self._said(action, params))
        for target in INVESTIGATE_TARGETS:
            if drill.root_cause_at is not None:
                break
            yield self.react(), ("investigate", {"target": target})
            yield from self._while_running("investigate")
        for action in self._fix_plan():
            # Respect the scenario's order expectations: what must come first (stop the writer, capture the
            # evidence, look at the deploys) is done, and finished, before the action it guards.
            for first, params in self._firsts(action):
                if first == "investigate":
                    params = {"target": INVESTIGATE_TARGETS[0], **params}
                yield self.react(), (first, params)
                yield from self._while_running(first)
            yield self.react(), (action, {})
            yield from self._while_running(action)
        yield from self._until(lambda: not drill.unhealthy)
        if not self.chance(self.p.early_resolve):
            healthy_from = drill.now
            yield from self._until(lambda: not drill.unhealthy and drill.now - healthy_from >= drill.monitoring_period)
        # The drill ends once a resolution is verified, so the review is booked before closing, as the
        # bundled ideal scripts do.
        if not self.chance(self.p.forget_pir):
            yield self.react(), ("schedule_pir", {})
        yield self.react(), ("resolve", {})

    def _comms(self) -> Iterator[Step]:
        drill, comms = self.drill, self.level.communication
        yield self.react(), ("declare", {"severity": self.severity})
        if not self.chance(self.p.forget_roles):
            for role in ("incident-commander", "comms-lead"):
                if self._has_role(role):
                    yield self.react(), ("assign_role", {"role": role, "who": "me"})
        yield self.react(), ("open_channel", {})
        notices = [("status_page", comms.status_page_within, {"state": "investigating"}),
                   ("notify_customers", comms.customers_within, {}), ("brief_executives", comms.executives_within, {}),
                   ("brief_support", comms.support_within, {})]  # fmt: skip
        for action, deadline, params in sorted(notices, key=lambda n: n[1] or 1e9):
            if deadline is not None and not self.chance(self.p.forget_comms):
                yield self.react(), (action, self._said(action, params))
        # Each cadence is kept a little early, as people do when they watch the clock; some slip.
        cadences = [("post_update", comms.internal_update_every, {}),
                    ("status_page", comms.status_page_every, {"state": "identified"})]  # fmt: skip
        due = {action: drill.now for action, every, _ in cadences if every is not None}
        while drill.resolved_at is None:
            for action, every, params in cadences:
                if every is not None and drill.now >= due[action]:
                    due[action] = drill.now + every * self.rng.uniform(0.75, 0.95)
                    if not self.chance(self.p.skip_update):
                        yield 0.0, (action, self._said(action, params))
            yield TICK, None

    def _said(self, action: str, params: dict[str, str]) -> dict[str, str]:
        """A message's parameters with text that covers its checklist, each item forgotten now and then; no
        text when there is no checklist (as the bundled scripts send none)."""
        kind = next((k for k, ch in KINDS.items() if COMMS_ACTIONS.get(action) == ch), None)
        items = merged(self.drill.playbook.checklists, self.drill.scenario.checklists, kind) if kind else []
        if not items:
            return params
        kept = [i for i in items if not self.chance(self.p.forget_comms)]
        return {**params, "text": "; ".join(_example(i.any[0]) for i in kept) or "Update."}

    def _until(self, done: Callable[[], bool]) -> Iterator[Step]:
        while not done():
            yield TICK, None

    def _while_running(self, action: str) -> Iterator[Step]:
        return self._until(lambda: action not in self.drill.actions.running)

    def _has_role(self, role: str) -> bool:
        return any(r.id == role for r in self.drill.playbook.roles)

    def _expected(self, e: Expectation) -> tuple[str, dict[str, str]] | None:
        """The action (and parameters) a `done` or `any_of` expectation asks for, unless it is the fix itself."""
        sc = self.drill.scenario
        if e.done is not None:
            return None if e.done in sc.truth.fixed_by else (e.done, dict(e.with_))
        if e.any_of:
            if any(ref.do in sc.truth.fixed_by for ref in e.any_of):
                return None
            ref = next((r for r in e.any_of if r.do not in self.harmful), e.any_of[0])
            return ref.do, dict(ref.with_)
        return None

    def _firsts(self, action: str) -> list[tuple[str, dict[str, str]]]:
        """What the scenario expects done before `action` and not yet finished, with its parameters."""
        done = [e for e in self.drill.events if isinstance(e, ActionFinished)]
        orders = [x.order for x in self.drill.scenario.expectations if x.order is not None]
        return [
            (o.first.do, dict(o.first.with_))
            for o in orders
            if o.then.do == action and not any(o.first.matches(e.action, e.params) for e in done)
        ]

    def _fix_plan(self) -> list[str]:
        """The fixing actions with their scenario prerequisites first, each once, in dependency order."""
        actions = {a.id: a for a in self.drill.scenario.actions}
        plan: list[str] = []
        todo = deque(self.drill.scenario.truth.fixed_by)

        def add(action_id: str, seen: frozenset[str] = frozenset()) -> None:
            if action_id in plan or action_id in seen or action_id not in actions:
                return
            for req in actions[action_id].requires:
                add(req, seen | {action_id})
            plan.append(action_id)

        while todo:
            add(todo.popleft())
        return plan


def play(drill: Drill, profile: str | Profile, seed: int) -> Drill:
    """Let a bot of `profile` play `drill` to its end; returns the drill for grading."""
    prof = PROFILES[profile] if isinstance(profile, str) else profile
    Bot(drill, prof, random.Random(seed)).play()
    return drill


# What a bot writes for a checklist phrase's patterns (sim.format.messages).
_EXAMPLES = {"number": "3", "percent": "10%", "money": "$100", "time": "14:30", "duration": "30 minutes"}


def _example(phrase: str) -> str:
    """Words a phrase matches: its patterns filled in with an example each, and `*` left out."""
    return re.sub(r"\{(\w+)\}", lambda m: _EXAMPLES.get(m.group(1), m.group(0)), phrase).replace("*", "")
