"""L1: `warroom validate scenarios/` against plain C-accelerated YAML loading of the same files."""

from __future__ import annotations

import yaml

from scenarios import ROOT
from sim import loading
from sim.library import expand, validate_paths
from tests.bench.harness import Figure, median_time


def l1() -> Figure:
    files = [p for p in expand([ROOT]) if p.suffix in (".yaml", ".yml")]
    texts = [p.read_bytes() for p in files]

    def plain() -> None:
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)

    def validate() -> None:
        loading._playbook_cache.clear()  # every run does the whole job: no results kept from the last one
        results = validate_paths([ROOT])
        assert all(r.ok for r in results), [str(p) for r in results for p in r.problems][:5]

    ours, base = median_time(validate, repeat=7), median_time(plain, repeat=7)
    ratio = ours / base
    return Figure("L1", f"validate scenarios/ ({len(files)} files)", f"{ours * 1000:.1f} ms",
                  f"{base * 1000:.1f} ms CSafeLoader", ratio, "≤ 2×", ratio <= 2.0)  # fmt: skip
