"""L1: `warroom validate scenarios/` against plain C-accelerated YAML loading of the same files."""

from __future__ import annotations

import yaml

from scenarios import ROOT
from sim.format import loading
from sim.format.library import expand, validate_paths
from tests.bench.harness import Figure, median_pair


def l1(repeat: int = 15) -> Figure:
    """What the command does (`validate_paths`, as `warroom validate` calls it), in process: the command's
    interpreter start-up is T1's kind of cost, not the loader's."""
    files = [p for p in expand([ROOT]) if p.suffix in (".yaml", ".yml")]

    def plain() -> None:
        for path in files:  # reading the files is part of both sides
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)

    def validate() -> None:
        loading._playbook_cache.clear()  # every run does the whole job: no results kept from the last one
        results = validate_paths([ROOT])
        assert len(results) == len(files) and all(r.ok for r in results), [str(p) for r in results
                                                                            for p in r.problems][:5]  # fmt: skip

    ours, base, ratio = median_pair(validate, plain, repeat=repeat)
    return Figure("L1", f"validate scenarios/ ({len(files)} files)", f"{ours * 1000:.1f} ms",
                  f"{base * 1000:.1f} ms CSafeLoader", ratio, "≤ 2×", ratio <= 2.0, repeat)  # fmt: skip
