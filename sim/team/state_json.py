"""`DrillState` to and from plain JSON, for the `state` message (docs/protocol.md). Every field is checked on
the way in: a host is trusted no more than a journal is, and its text is shown, never obeyed."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Any, TypeVar, cast

from sim.engine.state import DrillState, MetricView, RunningAction, TimerView
from sim.format.text import printable
from sim.format.vocabulary import TIMER_CATEGORIES
from sim.journal.events import MAX_NUMBER

T = TypeVar("T")
MAX_ITEMS = 5000  # no list in a state holds more (a metric's history is a few hundred samples)
_LEVELS = ("ok", "warn", "critical")
_TIMER_STATES = ("running", "warning", "overdue", "met", "cancelled")
_LOOKS = ("running", "done")


class StateError(ValueError):
    """A state message that does not fit `DrillState`."""


def state_to_json(state: DrillState) -> dict[str, Any]:
    """The state as plain JSON: records as objects, sets as sorted lists."""
    return {
        **state._asdict(),
        "roles": dict(state.roles),
        "metrics": [m._asdict() for m in state.metrics],
        "timers": [t._asdict() for t in state.timers],
        "running": [r._asdict() for r in state.running],
        "done": sorted(state.done),
        "paged": sorted(state.paged),
        "investigated": dict(state.investigated),
        "findings": [list(f) for f in state.findings],
        "refusals": dict(state.refusals),
    }


def _fail(where: str, what: str) -> StateError:
    return StateError(f"state: {where} {what}")


def _num(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not abs(value) <= MAX_NUMBER:
        raise _fail(where, "is not a finite number")
    return float(value)


def _opt_num(value: Any, where: str) -> float | None:
    return None if value is None else _num(value, where)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > 20_000:
        raise _fail(where, "is not a string")
    return printable(value)


def _opt_str(value: Any, where: str) -> str | None:
    return None if value is None else _str(value, where)


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, "is not true or false")
    return value


def _one_of(value: Any, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise _fail(where, f"is not one of {', '.join(choices)}")
    return cast(str, value)


def _list(value: Any, where: str, item: Callable[[Any, str], T]) -> tuple[T, ...]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise _fail(where, "is not a list")
    return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(value))


def _obj(value: Any, where: str, keys: tuple[str, ...] = ()) -> dict[str, Any]:
    if not isinstance(value, dict) or len(value) > MAX_ITEMS:
        raise _fail(where, "is not an object")
    missing = [k for k in keys if k not in value]
    if missing:
        raise _fail(where, f"lacks {', '.join(missing)}")
    return value


def _str_map(value: Any, where: str, item: Callable[[Any, str], str] = _str) -> dict[str, str]:
    return {_str(k, where): item(v, f"{where}.{k}") for k, v in _obj(value, where).items()}


def _metric(value: Any, where: str) -> MetricView:
    keys = MetricView._fields
    d = _obj(value, where, keys[:9])
    return MetricView(
        _str(d["id"], f"{where}.id"),
        _str(d["label"], f"{where}.label"),
        _str(d["unit"], f"{where}.unit"),
        _num(d["value"], f"{where}.value"),
        cast(Any, _one_of(d["level"], _LEVELS, f"{where}.level")),
        _num(d["warn"], f"{where}.warn"),
        _num(d["critical"], f"{where}.critical"),
        cast(Any, _one_of(d["bad_when"], ("up", "down"), f"{where}.bad_when")),
        _list(d["history"], f"{where}.history", _num),
        _num(d.get("baseline", 0.0), f"{where}.baseline"),
        _bool(d.get("cumulative", False), f"{where}.cumulative"),
        _opt_num(d.get("minimum"), f"{where}.minimum"),
        _opt_num(d.get("maximum"), f"{where}.maximum"),
    )


def _timer(value: Any, where: str) -> TimerView:
    d = _obj(value, where, TimerView._fields)
    return TimerView(
        _str(d["id"], f"{where}.id"),
        _str(d["label"], f"{where}.label"),
        cast(Any, _one_of(d["category"], TIMER_CATEGORIES, f"{where}.category")),
        _num(d["started"], f"{where}.started"),
        _num(d["deadline"], f"{where}.deadline"),
        cast(Any, _one_of(d["state"], _TIMER_STATES, f"{where}.state")),
    )


def _running(value: Any, where: str) -> RunningAction:
    d = _obj(value, where, RunningAction._fields)
    return RunningAction(
        _str(d["action"], f"{where}.action"),
        _str(d["label"], f"{where}.label"),
        _num(d["started"], f"{where}.started"),
        _num(d["finishes_at"], f"{where}.finishes_at"),
        _str(d["actor"], f"{where}.actor"),
        _opt_str(d["role"], f"{where}.role"),
    )


def _finding(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, list) or len(value) != 2:
        raise _fail(where, "is not a [target, finding] pair")
    return _str(value[0], where), _str(value[1], where)


def _look(value: Any, where: str) -> str:
    return _one_of(value, _LOOKS, where)


def state_from_json(obj: Any) -> DrillState:
    """The `DrillState` a `state` message holds; raises StateError naming the first field that does not fit."""
    required = DrillState._fields[: DrillState._fields.index("refusals")]
    d = _obj(obj, "the state", required)
    return DrillState(
        now=_num(d["now"], "now"),
        duration=_num(d["duration"], "duration"),
        incident_id=_str(d["incident_id"], "incident_id"),
        channel=_str(d["channel"], "channel"),
        status=_str(d["status"], "status"),
        severity=_opt_str(d["severity"], "severity"),
        roles=_str_map(d["roles"], "roles"),
        metrics=_list(d["metrics"], "metrics", _metric),
        timers=_list(d["timers"], "timers", _timer),
        known_faults=_list(d["known_faults"], "known_faults", _str),
        clues=_list(d["clues"], "clues", _str),
        running=_list(d["running"], "running", _running),
        done=frozenset(_list(d["done"], "done", _str)),
        paged=frozenset(_list(d["paged"], "paged", _str)),
        status_page=_opt_str(d["status_page"], "status_page"),
        investigated=cast(Any, _str_map(d["investigated"], "investigated", _look)),
        findings=_list(d["findings"], "findings", _finding),
        finished=_bool(d["finished"], "finished"),
        end_reason=_opt_str(d["end_reason"], "end_reason"),
        refusals=MappingProxyType(_str_map(d.get("refusals", {}), "refusals")),
        healthy_since=_opt_num(d.get("healthy_since"), "healthy_since"),
        monitoring_period=_num(d.get("monitoring_period", 0.0), "monitoring_period"),
    )
