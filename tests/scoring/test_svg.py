"""The chart geometry: everything inside the plot, thresholds where their values are, marks at their times."""

from __future__ import annotations

import re

from scoring.svg import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Band, Mark, chart


def _chart(series: list[tuple[float, float]], **kw: object) -> str:
    args: dict[str, object] = {"title": "Error rate", "unit": "%", "warn": 2.0, "critical": 5.0, "x_end": 600.0}
    args.update(kw)
    return chart(series, **args)  # type: ignore[arg-type]


def _points(svg: str) -> list[tuple[float, float]]:
    raw = re.search(r'<polyline class="series" points="([^"]*)"', svg)
    assert raw is not None
    return [(float(x), float(y)) for x, y in (p.split(",") for p in raw.group(1).split())]


def test_samples_map_into_the_plot_area_in_time_order() -> None:
    series = [(t * 10.0, 0.5 + t * 0.2) for t in range(61)]
    pts = _points(_chart(series))
    assert len(pts) == 61
    assert pts[0][0] == LEFT and pts[-1][0] == WIDTH - RIGHT
    assert all(TOP <= y <= HEIGHT - BOTTOM for _, y in pts)
    assert [x for x, _ in pts] == sorted(x for x, _ in pts)
    assert pts[-1][1] < pts[0][1]  # higher values draw higher up


def test_threshold_lines_sit_at_their_values() -> None:
    svg = _chart([(0.0, 0.0), (600.0, 9.5)])  # axis 0..10: the critical line at half height
    y = re.search(r'class="threshold critical" x1="\d+" x2="\d+" y1="([\d.]+)"', svg)
    assert y is not None
    assert float(y.group(1)) == (TOP + (HEIGHT - BOTTOM)) / 2
    assert ">warn 2<" in svg and ">critical 5<" in svg


def test_metric_bounds_cap_the_axis() -> None:
    svg = _chart([(0.0, 99.9), (600.0, 62.0)], warn=99.5, critical=98.0, maximum=100.0, minimum=0.0)
    ticks = re.findall(r'dominant-baseline="middle">([^<]*)<', svg)
    assert ticks[-1] == "100" and "120" not in ticks


def test_marks_and_bands_are_placed_in_time() -> None:
    svg = _chart(
        [(0.0, 1.0), (600.0, 1.0)], marks=[Mark(300.0, 1, "Rollback <deploy>")], bands=[Band(60.0, 360.0, "fault")]
    )
    mid = LEFT + (WIDTH - LEFT - RIGHT) / 2
    assert f'<line x1="{mid:.1f}" x2="{mid:.1f}"' in svg
    assert "<title>1. T+00:05:00 Rollback &lt;deploy&gt;</title>" in svg
    assert 'class="band" x="124.8"' in svg


def test_no_samples_still_draws_the_axes_and_says_so() -> None:
    svg = _chart([])
    assert "no samples" in svg and "<polyline" not in svg
    assert svg.count('class="threshold ') == 2
    assert "-0.0" not in svg


def _x_ticks(svg: str) -> int:
    return len(re.findall(r'<text class="tick" [^>]*text-anchor="middle">', svg))


def test_the_time_axis_has_at_most_nine_ticks_whatever_the_times_say() -> None:
    # A hand-edited journal can put an event at t=1e308: the axis must not step through it a day at a time.
    for end in (600.0, 8 * 86400.0, 1e9, 1e308, float("inf"), float("nan")):
        svg = _chart([(0.0, 1.0), (60.0, 2.0)], x_end=end, marks=[Mark(end, 1, "late")], bands=[Band(0, end, "f")])
        assert 2 <= _x_ticks(svg) <= 9, end
    svg = _chart([(0.0, 1.0), (1e308, 2.0)])
    assert 2 <= _x_ticks(svg) <= 9


def test_values_beyond_any_axis_are_drawn_at_its_edge() -> None:
    for value in (1e308, -1e308, float("inf"), float("-inf"), float("nan")):
        svg = _chart([(0.0, 1.0), (60.0, value)])
        assert all(TOP <= y <= HEIGHT - BOTTOM for _, y in _points(svg)), value
        assert not re.search(r'"[^"]*\b(inf|nan)\b', svg), value
        assert max(len(label) for label in re.findall(r">([^<]*)</text>", svg)) < 40, value
