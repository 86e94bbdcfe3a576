"""`python -m tests.bench [ID...]` (what `make bench` runs): the benchmarks, a table, and bench-results.json.

With ids (`E1 M1 T2`…) only those run and no JSON is written: a partial run is for working on one figure,
never for docs/performance.md.
"""

from __future__ import annotations

import compileall
import sys
import sysconfig
import time
from collections.abc import Callable

from tests.bench import bench_engine, bench_loader
from tests.bench.harness import ROOT, Figure, busy_elsewhere, report


def benchmarks() -> dict[str, Callable[[], Figure]]:
    heavy = bench_engine.heaviest()
    found: dict[str, Callable[[], Figure]] = {
        "E1": lambda: bench_engine.e1(heavy),
        "E2": lambda: bench_engine.e2(heavy),
        "E3": lambda: bench_engine.e3(heavy),
        "L1": bench_loader.l1,
        "S1": bench_loader.s1,
        "S2": bench_loader.s2,
        "S3": bench_loader.s3,
        "M1": lambda: bench_engine.m1(heavy),
    }
    from tests.bench import bench_tui  # the TUI figures need the app: an import error fails loudly

    found.update(bench_tui.benchmarks())
    from tests.bench import bench_store  # the store's figures start a PostgreSQL server (tests/postgres.py)

    found.update(bench_store.benchmarks())
    from tests.bench import bench_team

    found.update(bench_team.benchmarks())
    return found


def compile_bytecode() -> None:
    """Compile the project's modules and the installed packages, as pip does at install (uv does not, unless
    asked): otherwise, with PYTHONDONTWRITEBYTECODE set (as it is in some sandboxes and CI), every child
    process would compile the project, Textual and Faker from source, and the start-up and memory figures
    would measure the compiler (the bare Textual app took 430 ms to its first frame, not 200)."""
    for package in ("sim", "scoring", "tui", "scenarios", "tests/bench"):
        compileall.compile_dir(ROOT / package, quiet=1)
    compileall.compile_dir(sysconfig.get_paths()["purelib"], quiet=1)


def main(argv: list[str]) -> int:
    compile_bytecode()
    load = busy_elsewhere()
    table = benchmarks()
    wanted = [a.upper() for a in argv] or list(table)
    unknown = [w for w in wanted if w not in table]
    if unknown:
        print(f"unknown benchmark {unknown[0]}; known: {' '.join(table)}", file=sys.stderr)
        return 2
    figures = []
    for fid in wanted:
        t0 = time.perf_counter()
        figures.append(table[fid]())
        print(f"{fid} done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    out = None if argv else ROOT / "bench-results.json"
    print(report(figures, out, load))
    if out is not None:
        print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0 if all(f.met for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
