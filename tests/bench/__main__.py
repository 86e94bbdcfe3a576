"""`python -m tests.bench` (what `make bench` runs): every benchmark, a table, and bench-results.json."""

from __future__ import annotations

import sys

from tests.bench import bench_engine, bench_loader
from tests.bench.harness import ROOT, report


def main() -> int:
    heavy = bench_engine.heaviest()
    figures = [
        bench_engine.e1(heavy),
        bench_engine.e2(heavy),
        bench_engine.e3(heavy),
        bench_loader.l1(),
        bench_engine.m1(heavy),
    ]
    try:
        from tests.bench import bench_tui
    except ImportError as exc:  # the TUI benchmarks need the app; say so rather than skip silently
        print(f"TUI benchmarks unavailable: {exc}", file=sys.stderr)
    else:
        figures += bench_tui.all_figures()
    print(report(figures, ROOT / "bench-results.json"))
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
