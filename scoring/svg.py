"""Metric charts as inline SVG: a line over sim time, threshold lines, fault bands and numbered action marks.

Pure string building with fixed number formatting, so the same series always give the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from sim.format.durations import format_clock, format_duration

WIDTH, HEIGHT = 760, 200
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 22, 30
# Tick steps for the time axis, in seconds: the smallest giving at most eight ticks is used (past eight days,
# a whole number of days that does). Work never grows with a time or value read from a file.
_TIME_STEPS = (30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400)
# Times and values beyond these are drawn at them: a hand-edited journal can say t=1e308, or infinity.
_MAX_T = 1e15  # some 31 million years of sim time
_MAX_V = 1e300


@dataclass(frozen=True, slots=True)
class Mark:
    """A trainee action drawn as a numbered vertical line; the page lists what each number was."""

    t: float
    number: int
    label: str


@dataclass(frozen=True, slots=True)
class Band:
    """A shaded stretch of time, e.g. while a fault was active."""

    start: float
    end: float
    label: str


def f(x: float) -> str:
    """Coordinates with one decimal, and no `-0.0`."""
    s = f"{x:.1f}"
    return "0.0" if s == "-0.0" else s


def _bounded(v: float, limit: float) -> float:
    """`v` clamped to ±limit (NaN reads as 0)."""
    return 0.0 if math.isnan(v) else max(-limit, min(v, limit))


def _num(x: float) -> str:
    if abs(x) >= 1e15:  # only a damaged journal's values: no 300-digit labels
        return f"{x:.3g}"
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) < 1000 else f"{x:.0f}"


def _y_axis(
    values: list[float], lines: list[float], minimum: float | None = None, maximum: float | None = None
) -> tuple[float, float, float]:
    """A range covering the data and thresholds on round numbers (1, 2, 2.5, 5 × 10^k), and its step.

    The metric's own bounds (availability never exceeds 100) cap the range.
    """
    known = [_bounded(v, _MAX_V) for v in (*values, *lines) if not math.isnan(v)] or [0.0]
    lo, hi = min(known), max(known)
    if hi == lo:
        hi, lo = hi + 1.0, lo - 1.0
    floor_at_zero = lo >= 0
    pad = (hi - lo) * 0.05
    lo, hi = lo - pad, hi + pad
    if floor_at_zero:
        lo = max(lo, 0.0)  # a non-negative metric never gets a negative axis
    raw = (hi - lo) / 4
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if minimum is not None:
        lo = max(lo, minimum)
    if maximum is not None:
        hi = min(hi, maximum)
    return lo, hi, step


def chart(
    series: list[tuple[float, float]],
    *,
    title: str,
    unit: str,
    warn: float,
    critical: float,
    x_end: float,
    marks: list[Mark] | None = None,
    bands: list[Band] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> str:
    """One metric's chart. `series` is (sim time, value) in time order; `x_end` is the drill's end."""
    marks, bands = marks or [], bands or []
    x_end = max(_bounded(x_end, _MAX_T), _bounded(series[-1][0], _MAX_T) if series else 0.0, 1.0)
    lo, hi, y_step = _y_axis([v for _, v in series], [warn, critical], minimum, maximum)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: float) -> float:
        return LEFT + plot_w * max(0.0, min(t, x_end)) / x_end

    def y(v: float) -> float:
        return TOP + plot_h * (hi - _bounded(v, _MAX_V)) / (hi - lo)

    label = f"{title} ({unit})" if unit else title
    out = [
        # Inline SVG in HTML5 needs no xmlns, and the page must reference no URL at all.
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>',
    ]
    for band in bands:
        x0, x1 = x(band.start), x(band.end)
        out.append(
            f'<rect class="band" x="{f(x0)}" y="{TOP}" width="{f(max(x1 - x0, 0.5))}" height="{plot_h}">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    out += _axes(lo, hi, y_step, x_end, x, y)
    for level, value in (("warn", warn), ("critical", critical)):
        out.append(
            f'<line class="threshold {level}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{f(y(value))}" y2="{f(y(value))}"/>'
            f'<text class="threshold-label {level}" x="{WIDTH - RIGHT - 2}" y="{f(y(value) - 3)}" '
            f'text-anchor="end">{level} {escape(_num(value))}</text>'
        )
    if series:
        pts = " ".join(f"{f(x(t))},{f(y(v))}" for t, v in series)
        out.append(f'<polyline class="series" points="{pts}"/>')
    else:
        out.append(f'<text class="empty" x="{LEFT + plot_w / 2}" y="{TOP + plot_h / 2}">no samples</text>')
    for mark in marks:
        mx, at = f(x(mark.t)), format_clock(_bounded(mark.t, _MAX_T))
        out.append(
            f'<g class="mark"><title>{mark.number}. {escape(at)} {escape(mark.label)}</title>'
            f'<line x1="{mx}" x2="{mx}" y1="{TOP}" y2="{TOP + plot_h}"/>'
            f'<text x="{mx}" y="{TOP - 6}" text-anchor="middle">{mark.number}</text></g>'
        )
    out.append(f'<text class="chart-title" x="{LEFT}" y="12">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def time_ticks(x_end: float) -> list[float]:
    """The time axis's ticks from 0 to `x_end`: at most nine (0 and eight steps), whatever `x_end` is."""
    x_end = _bounded(x_end, _MAX_T)
    step = next((s for s in _TIME_STEPS if x_end / s <= 8), None)
    if step is None:  # past eight days: whole days, as many as make eight steps
        step = _TIME_STEPS[-1] * math.ceil(x_end / 8 / _TIME_STEPS[-1])
    return [i * float(step) for i in range(int((x_end + 1e-9) // step) + 1)] if x_end >= 0 else [0.0]


def _axes(
    lo: float, hi: float, y_step: float, x_end: float, x: Callable[[float], float], y: Callable[[float], float]
) -> list[str]:
    out = []
    for t in time_ticks(x_end):
        tx = f(x(t))
        out.append(
            f'<line class="grid" x1="{tx}" x2="{tx}" y1="{TOP}" y2="{HEIGHT - BOTTOM}"/>'
            f'<text class="tick" x="{tx}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">'
            f"{escape(format_duration(t) if t else '0')}</text>"
        )
    # Ticks on multiples of the step; a bound-capped end (e.g. 100%) is labelled too.
    ticks = [math.ceil(lo / y_step - 1e-9) * y_step + y_step * i for i in range(round((hi - lo) / y_step) + 2)]
    ticks = sorted({lo, hi, *(v for v in ticks if lo <= v <= hi)})
    for v in ticks:
        vy = f(y(v))
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{vy}" y2="{vy}"/>'
            f'<text class="tick" x="{LEFT - 4}" y="{vy}" text-anchor="end" dominant-baseline="middle">'
            f"{escape(_num(v))}</text>"
        )
    return out
