"""`sim.engine.metrics._Tick` reuses one SimPy event by resetting fields SimPy owns (`_ok`, `_value`, `callbacks`).
SimPy is pinned exactly for it (pyproject.toml); these tests hold the assumption against the installed SimPy:
a tick fires at the times, and in the order among other events, that a process yielding timeouts would."""

from __future__ import annotations

from collections.abc import Callable, Generator

import pytest
import simpy
from simpy import Environment, Event

from sim.engine.metrics import _Tick

Log = list[tuple[float, str]]


def with_process(env: Environment, label: str, every: float, log: Log) -> None:
    def run() -> Generator[Event, object, None]:
        while True:
            log.append((env.now, label))
            yield env.timeout(every)

    env.process(run())


def with_tick(env: Environment, label: str, every: float, log: Log) -> None:
    def sample(_: Event) -> None:
        log.append((env.now, label))
        again(every)

    again = _Tick(env, sample).again


def neighbours(env: Environment, log: Log) -> None:
    """Events due at the same instants as the samplers': other processes, timeouts and a stopped run."""
    with_process(env, "other-5", 5.0, log)

    def burst() -> Generator[Event, object, None]:
        yield env.timeout(10.0)
        log.append((env.now, "burst"))
        yield env.timeout(0)
        log.append((env.now, "burst+0"))

    env.process(burst())


def drill_log(start: Callable[[Environment, str, float, Log], None], slices: list[float]) -> Log:
    env = Environment()
    log: Log = []
    neighbours(env, log)
    start(env, "a-10", 10.0, log)
    start(env, "b-2.5", 2.5, log)
    for until in slices:
        env.run(until=until)  # the engine runs a drill in slices; each `until` is an event of its own
    return log


@pytest.mark.parametrize("slices", [[60.0], [10.0, 20.0, 25.0, 60.0], [0.5 * i for i in range(1, 121)]])
def test_a_tick_fires_where_a_process_would(slices: list[float]) -> None:
    expected = drill_log(with_process, [60.0])
    assert drill_log(with_tick, slices) == expected
    assert len(expected) > 40  # the samplers, the neighbours and the burst all ran


def test_a_tick_is_one_event_for_the_whole_run() -> None:
    env = Environment()
    seen: set[int] = set()

    def sample(event: Event) -> None:
        seen.add(id(event))
        again(1.0)

    again = _Tick(env, sample).again
    env.run(until=100)
    assert len(seen) == 1
    assert [type(e) for *_, e in env._queue].count(_Tick) == 1  # only the next tick: nothing piles up


def test_simpy_is_the_pinned_version() -> None:
    # `_Tick` was checked against this release's Event and Environment.step; a new SimPy needs these tests
    # read again, not only run.
    assert simpy.__version__ == "4.1.2"
