"""The TUI benchmarks' child processes: `python -m tests.bench.tui_child MODE`, one JSON line of figures out.

Modes: `first-frame-warroom` / `first-frame-bare` (T1), `refresh-warroom` / `refresh-sparklines` (T2),
`pace-warroom` (T3). Every app runs headless. Imports happen inside each mode, so a process loads only
what its own app needs: T1 counts them.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "fixtures" / "eight-metrics.yaml"  # eight metrics, sampled every 5 s, four hours long
SIZE = (120, 36)  # the terminal size the snapshots use
HISTORY = 120  # samples a sparkline shows, as the drill keeps (sim.engine.metrics.HISTORY)


def _emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def _on_first_frame(app: Any, is_target: Callable[[Any], bool], then: Callable[[], None]) -> None:
    """Call `then` once, when `app` first composites a frame of a screen `is_target` accepts.

    `App._display` is private, but it is the one place every frame passes through, with or without a
    terminal (headless, it gets the composited update and skips only the writing); wrapping it on this
    one instance is the least intrusive probe there is, and both apps of T1 are probed the same way.
    """
    display = app._display

    def probe(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None and is_target(screen) and not getattr(app, "_bench_seen", False):
            app._bench_seen = True
            then()

    app._display = probe


# -- T1: process start to first frame ---------------------------------------------------------------


def first_frame_warroom() -> None:
    """`warroom play tutorial` minus the picker and briefing: find and load the scenario, start a journaled
    drill, and open the app on the drill screen. Like `warroom play`, it defers garbage collection to the first
    frame (tui.startup) before importing anything of warroom's."""
    started = float(os.environ["BENCH_SPAWNED"])
    from tui.startup import defer_collection

    defer_collection()
    from sim.format.library import Library
    from tui.app import WarroomApp
    from tui.screens.drill import DrillScreen
    from tui.session import new_session

    scenario, playbook, path, _ = Library().open("tutorial")
    with tempfile.TemporaryDirectory() as journals:
        session = new_session(scenario, playbook, scenario_path=path, journal_dir=Path(journals))
        app = WarroomApp(session=session, autostart=False)
        out: dict[str, Any] = {}

        def seen() -> None:
            out["first_frame_s"] = time.time() - started
            out["first_frame_cpu_s"] = time.process_time()
            out["faker_loaded"] = "faker" in sys.modules  # T1's baseline imports it: fair only if this is true
            app.exit()

        _on_first_frame(app, lambda s: isinstance(s, DrillScreen), seen)
        app.run(headless=True, size=SIZE)
    _emit(out)


def first_frame_bare(dependencies: float = 0.0) -> None:
    """The least a Textual app can do: one Static on its default screen. With `dependencies`, it first imports
    what any drill needs before it can show anything (tests/bench/dependencies.py: SimPy, PyYAML and Faker's
    generator and the cast's providers): the least a drill screen could cost, whatever the design."""
    started = float(os.environ["BENCH_SPAWNED"])
    if dependencies:
        import tests.bench.dependencies  # noqa: F401
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("Hello")

    app = Bare()
    out: dict[str, Any] = {}

    def seen() -> None:
        out["first_frame_s"] = time.time() - started
        out["first_frame_cpu_s"] = time.process_time()
        app.exit()

    _on_first_frame(app, lambda s: True, seen)
    app.run(headless=True, size=SIZE)
    _emit(out)


# -- T2 and T3: steady ticking ----------------------------------------------------------------------


def _warroom_app(tick: float | None) -> tuple[Any, Any, list[tuple[float, float, float]]]:
    """The drill screen on the bench scenario, playing, each tick recorded as (wall, CPU, sim time).

    `tick` overrides the screen's tick period (the module constant it reads on mount and on each tick).
    """
    import tui.screens.drill as drill_screen
    from sim.engine.drill import Drill
    from sim.format.library import Library
    from tui.app import WarroomApp

    if tick is not None:
        drill_screen.TICK = tick
    scenario, playbook, _, _ = Library().load_scenario(SCENARIO)
    drill = Drill(scenario, playbook)
    ticks: list[tuple[float, float, float]] = []
    original = drill_screen.DrillScreen.tick

    def tick_and_record(screen: Any) -> None:
        original(screen)
        ticks.append((time.perf_counter(), time.process_time(), drill.now))

    drill_screen.DrillScreen.tick = tick_and_record  # type: ignore[method-assign, assignment]
    return WarroomApp(drill=drill, autostart=True), drill_screen.DrillScreen, ticks


def _window(ticks: list[tuple[float, float, float]], since: float) -> list[tuple[float, float, float]]:
    return [t for t in ticks if t[0] >= since]


def _play_at_60x(tick: float | None, seconds: float, warmup: float, report: Callable[[Any, list], dict]) -> None:
    """The drill screen at 60x (ticking every `tick` s, or at its own period): after `warmup`, record the
    ticks of `seconds` of wall time and emit `report(screen, window)`."""
    app, screen_cls, ticks = _warroom_app(tick)

    async def pilot(p: Any) -> None:
        screen = app.screen
        assert isinstance(screen, screen_cls), screen
        screen.speed = 60
        await asyncio.sleep(warmup)
        start = time.perf_counter()
        await asyncio.sleep(seconds)
        _emit(report(screen, _window(ticks, start)))
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)


def refresh_warroom(seconds: float, warmup: float) -> None:
    """CPU per tick of the drill screen at 10 Hz and 60x: every tick brings each metric a new sample."""

    def report(screen: Any, window: list) -> dict:
        return {**_per_tick(window), "sim_s": window[-1][2] - window[0][2]}

    _play_at_60x(0.1, seconds, warmup, report)


def refresh_sparklines(seconds: float, warmup: float) -> None:
    """The reference: eight stock Sparklines of HISTORY samples, each given a new sample ten times a second,
    as wide as the drill screen's (16 columns) so that both draw the same bars."""
    import random

    from textual.app import App, ComposeResult
    from textual.widgets import Sparkline

    rng = random.Random(7)
    ticks: list[tuple[float, float, float]] = []

    class Reference(App[None]):
        CSS = "Sparkline { width: 16; height: 1; margin-bottom: 1; }"

        def compose(self) -> ComposeResult:
            for _ in range(8):
                yield Sparkline([rng.random() for _ in range(HISTORY)])

        def on_mount(self) -> None:
            self.set_interval(0.1, self.tick)

        def tick(self) -> None:
            for sparkline in self.query(Sparkline):
                data = list(sparkline.data or ())[1:]
                data.append(rng.random())
                sparkline.data = data
            ticks.append((time.perf_counter(), time.process_time(), 0.0))

    app = Reference()

    async def pilot(p: Any) -> None:
        await asyncio.sleep(warmup)
        start = time.perf_counter()
        await asyncio.sleep(seconds)
        _emit(_per_tick(_window(ticks, start)))
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)


def _per_tick(window: list[tuple[float, float, float]]) -> dict[str, Any]:
    """CPU seconds per tick between the window's first and last ticks (so both ends are whole ticks)."""
    (w0, c0, _), (w1, c1, _) = window[0], window[-1]
    n = len(window) - 1
    return {"cpu_per_tick_s": (c1 - c0) / n, "ticks": n, "wall_s": w1 - w0, "hz": n / (w1 - w0)}


def pace_warroom(seconds: float, warmup: float) -> None:
    """The drill screen at 60x with its own tick period: does the sim clock keep up with wall time?"""

    def report(screen: Any, window: list) -> dict:
        (w0, c0, s0), (w1, c1, s1) = window[0], window[-1]
        gaps = [b[0] - a[0] for a, b in pairwise(window)]
        return {"wall_s": w1 - w0, "sim_s": s1 - s0, "ticks": len(window) - 1, "longest_gap_s": max(gaps),
                "cpu_s": c1 - c0, "finished": bool(screen.state.finished)}  # fmt: skip

    _play_at_60x(None, seconds, warmup, report)


MODES: dict[str, Callable[..., None]] = {
    "first-frame-warroom": first_frame_warroom,
    "first-frame-bare": first_frame_bare,
    "refresh-warroom": refresh_warroom,
    "refresh-sparklines": refresh_sparklines,
    "pace-warroom": pace_warroom,
}

if __name__ == "__main__":
    MODES[sys.argv[1]](*map(float, sys.argv[2:]))
