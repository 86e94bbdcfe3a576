"""Checking a hostile file costs work in proportion to its size: counted, not timed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sim.format import checks, explain, yamlsafe
from sim.format.library import Library
from sim.format.loading import MAX_PROBLEMS

TUTORIAL = Path(__file__).resolve().parents[2] / "scenarios" / "library" / "tutorial.yaml"


def with_unknown_keys(tmp_path: Path, n: int, drop: str = "") -> Path:
    text = TUTORIAL.read_text(encoding="utf-8")
    if drop:  # a missing key makes the checker look for a misspelling of it among the unknown ones
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"{drop}:")) + "\n"
    path = tmp_path / f"keys-{n}.yaml"
    path.write_text(text + "".join(f"zz_unknown_{i}: {i}\n" for i in range(n)), encoding="utf-8")
    return path


def count_work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    counts: Counter[str] = Counter()

    def counted(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(explain, "describe", counted("describe", explain.describe))
    monkeypatch.setattr(explain, "closest", counted("closest", checks.closest))
    real_entry = yamlsafe.Locator._entry

    def entry(self: yamlsafe.Locator, node: Any, part: str | int) -> Any:
        if id(node) not in self._keys:
            counts["mapping indexed"] += 1
            counts["keys indexed"] += len(node.value)
        return real_entry(self, node, part)

    monkeypatch.setattr(yamlsafe.Locator, "_entry", entry)
    return counts


@pytest.mark.parametrize("drop", ["", "title"])
def test_unknown_keys_cost_linear_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop: str) -> None:
    Library.bundled().check(with_unknown_keys(tmp_path, 10, drop))  # the playbook is read and cached once
    counts = count_work(monkeypatch)
    work = []
    for n in (1_000, 4_000):
        counts.clear()
        problems = Library.bundled().check(with_unknown_keys(tmp_path, n, drop)).problems
        assert len(problems) == MAX_PROBLEMS + 1
        assert problems[-1].message.startswith(f"… and {n + bool(drop) - MAX_PROBLEMS} more problems")
        assert counts["describe"] <= MAX_PROBLEMS  # only what is shown is worded
        work.append(counts.copy())
    small, large = work
    # The root mapping is indexed once, whatever the number of problems placed in it.
    assert small["mapping indexed"] == large["mapping indexed"]
    assert large["keys indexed"] - small["keys indexed"] == 3_000
    # Misspellings are looked for only where a key is missing, once per unknown key there.
    assert (small["closest"], large["closest"]) == ((0, 0) if not drop else (1_000, 4_000))


def test_a_folder_of_scripts_looks_its_scenario_up_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ideal = TUTORIAL.parents[1] / "scripts" / "tutorial" / "ideal.yaml"
    folders = [tmp_path / "scripts" / name for name in ("tutorial", "nowhere")]
    for folder in folders:
        folder.mkdir(parents=True)
        for i in range(30):
            (folder / f"s{i}.yaml").write_text(ideal.read_text(encoding="utf-8"), encoding="utf-8")
    lookups: Counter[str] = Counter()
    real = Library.scenario_for_script

    def counted(self: Library, path: Path, known: Any = None) -> Any:
        lookups[path.parent.name] += 1
        return real(self, path, known)

    monkeypatch.setattr(Library, "scenario_for_script", counted)
    results = Library.bundled().validate([tmp_path / "scripts"])
    assert len(results) == 60
    assert lookups == {"tutorial": 1, "nowhere": 1}
    nowhere = [r for r in results if r.path.parent.name == "nowhere"]
    assert all(r.ok for r in results if r not in nowhere)
    assert all("no scenario 'nowhere'" in r.problems[0].message for r in nowhere)
    # Without its scenario, the tutorial's own action is one nothing could take.
    assert not any(r.ok for r in nowhere)
