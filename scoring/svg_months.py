"""Charts over months for the programme report, as inline SVG: a line per team, or bars side by side. Pure
string building with fixed number formatting, as `scoring.svg` (whose round-number axis they share)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape

from scoring.svg import _y_axis as y_axis  # the metric charts' round-number axis, shared
from scoring.svg import f

# Line colours, one per series in name order (colour-blind-safe Okabe–Ito, then greys).
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#6b7280", "#1d2430")
WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 760, 230, 56, 16, 24, 58
NO_TEAM = "(no team)"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _team(name: str) -> str:
    return name or NO_TEAM


def _frame(title: str, months: Sequence[str]) -> tuple[list[str], float, float]:
    """The SVG's head, the month axis, and the plot's width and height."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{_e(title)}">',
        f"<title>{_e(title)}</title>",
        f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}"/>',
        f'<text class="chart-title" x="{LEFT}" y="14">{_e(title)}</text>',
    ]
    every = -(-len(months) // 12)  # at most twelve labels, evenly spaced
    for i, month in enumerate(months):
        if i % every:
            continue
        mx = f(_x(i, len(months)))
        out.append(f'<text class="tick" x="{mx}" y="{HEIGHT - BOTTOM + 14}" text-anchor="middle">{_e(month)}</text>')
    return out, plot_w, plot_h


def _x(i: int, n: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return LEFT + plot_w * (i + 0.5) / max(n, 1)


def _y_ticks(lo: float, hi: float, step: float, y: Callable[[float], float], show: Callable[[float], str]) -> list[str]:
    out = []
    v = lo
    while v <= hi + 1e-9:
        vy = f(y(v))
        out.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{vy}" y2="{vy}"/>'
            f'<text class="tick" x="{LEFT - 4}" y="{vy}" text-anchor="end" dominant-baseline="middle">{_e(show(v))}'
            "</text>"
        )
        v += step
    return out


def _legend(teams: Sequence[str]) -> list[str]:
    out, x = [], float(LEFT)
    for i, team in enumerate(teams):
        label = _team(team)
        colour = PALETTE[i % len(PALETTE)]
        out.append(
            f'<rect x="{f(x)}" y="{HEIGHT - 22}" width="10" height="10" fill="{colour}"/>'
            f'<text class="legend" x="{f(x + 14)}" y="{HEIGHT - 13}">{_e(label[:32])}</text>'
        )
        x += 24 + 7 * min(len(label), 32)
    return out


def line_chart(
    title: str,
    months: Sequence[str],
    lines: Mapping[str, Sequence[float | None]],
    *,
    fixed: tuple[float, float, float] | None = None,
    show: Callable[[float], str] = lambda v: f"{v:g}",
    reference: tuple[float, str] | None = None,
) -> str:
    """One line per team over the months (a gap where a team has no value). `fixed` is (low, high, step);
    else the axis covers the values on round numbers. `reference` draws a dashed line, e.g. the pass mark."""
    teams = sorted(lines)
    out, _, plot_h = _frame(title, months)
    values = [v for vs in lines.values() for v in vs if v is not None]
    lo, hi, step = fixed or y_axis(values or [0.0], [reference[0]] if reference else [])

    def y(v: float) -> float:
        return TOP + plot_h * (hi - max(lo, min(v, hi))) / ((hi - lo) or 1.0)

    out += _y_ticks(lo, hi, step, y, show)
    if reference is not None:
        ry = f(y(reference[0]))
        out.append(
            f'<line class="reference" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ry}" y2="{ry}"/>'
            f'<text class="reference-label" x="{WIDTH - RIGHT - 2}" y="{f(y(reference[0]) - 3)}" '
            f'text-anchor="end">{_e(reference[1])}</text>'
        )
    for i, team in enumerate(teams):
        colour = PALETTE[i % len(PALETTE)]
        # One line through the months that have a value: a team that drills every other month still reads as
        # a trend; the dots say which months it is made of.
        points = [(f(_x(j, len(months))), f(y(v)), j, v) for j, v in enumerate(lines[team]) if v is not None]
        if len(points) > 1:
            joined = " ".join(f"{px},{py}" for px, py, _, _ in points)
            out.append(f'<polyline class="series" stroke="{colour}" points="{joined}"/>')
        for px, py, j, v in points:
            out.append(
                f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}">'
                f"<title>{_e(_team(team))}, {_e(months[j])}: {_e(show(v))}</title></circle>"
            )
    out += _legend(teams)
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(title: str, months: Sequence[str], bars: Mapping[str, Sequence[int]]) -> str:
    """Side-by-side bars per month, one per series (e.g. items opened and closed)."""
    names = list(bars)
    out, plot_w, plot_h = _frame(title, months)
    top = max([1, *(v for vs in bars.values() for v in vs)])
    lo, hi, step = y_axis([0.0, float(top)], [])
    step = max(step, 1.0)

    def y(v: float) -> float:
        return TOP + plot_h * (hi - v) / ((hi - lo) or 1.0)

    out += _y_ticks(lo, hi, step, y, lambda v: f"{v:.0f}")
    slot = plot_w / max(len(months), 1)
    width = min(28.0, slot * 0.8 / max(len(names), 1))
    for j, month in enumerate(months):
        start = _x(j, len(months)) - width * len(names) / 2
        for i, name in enumerate(names):
            v = bars[name][j]
            colour = PALETTE[i % len(PALETTE)]
            out.append(
                f'<rect x="{f(start + i * width)}" y="{f(y(v))}" width="{f(width - 2)}" height="{f(y(0) - y(v))}" '
                f'fill="{colour}"><title>{_e(name)}, {_e(month)}: {v}</title></rect>'
            )
    out += _legend(names)
    out.append("</svg>")
    return "\n".join(out)
