"""Property: any mutation of a valid file either loads or raises the loader's own error with a position."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.format import yamlsafe
from sim.format.loading import LoadError, load_playbook, load_scenario
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

FIXTURES = Path(__file__).with_name("fixtures")
SCENARIO_TEXT = (FIXTURES / "scenario.yaml").read_text()
PLAYBOOK_TEXT = (FIXTURES / "playbook.yaml").read_text()
PLAYBOOKS = {"tiny": load_playbook(FIXTURES / "playbook.yaml")}

# Fragments that tend to break YAML, the format or the loader's bounds in interesting ways.
NASTY = [
    ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "'", '"', "#", "&a ", "*a", "!!python/object:os.system ",
    "!!binary ", "!x ", "<<: ", "---\n", "...\n", "\t", "\x00", "\x1b", "é", "\ufeff", "\u2028", "~", "null",
    "no", "yes", "1:30", "2024-01-01", "-5m", "0s", "1e309", ".nan", "10h", "SEV1", "ic", "rollback",
    "bad-deploy", "errors", "severity", "for", "from", "? ", "| ", "> ", "\\", "%YAML 1.1\n", "%TAG ! x\n",
    ".inf", "-.inf", "9" * 400 + "h", "9" * 5000, "&x ", "*x",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """`text` after a few random edits: line deletions, duplications, swaps, re-indents and insertions."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "insert", "replace"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i].removeprefix("  ")
        else:
            line = lines[i]
            at = draw(st.integers(0, len(line)))
            piece = draw(st.sampled_from(NASTY) | st.text(max_size=6))
            cut = draw(st.integers(0, 3)) if op == "replace" else 0
            lines[i] = line[:at] + piece + line[at + cut :]
    return "".join(lines)


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    # One directory for every example: hypothesis runs a test many times within one function-scoped fixture.
    with tempfile.TemporaryDirectory() as d:
        yield Path(d)


def assert_loads_or_locates(path: Path, text: str, load: object) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load(path)  # type: ignore[operator]
    except LoadError as exc:
        assert exc.problems, "a LoadError must say why"
        lines = text.count("\n") + 2
        for p in exc.problems:
            assert p.path == str(path)
            assert 1 <= p.line <= lines, str(p)
            assert p.col >= 1, str(p)
            assert p.message, str(p)
            assert "\x1b" not in str(p)


SETTINGS = settings(
    max_examples=120, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(text=mutated(SCENARIO_TEXT))
def test_mutated_scenarios_load_or_fail_cleanly(workdir: Path, text: str) -> None:
    assert_loads_or_locates(workdir / "scenario.yaml", text, lambda p: load_scenario(p, PLAYBOOKS))


@SETTINGS
@given(text=mutated(PLAYBOOK_TEXT))
def test_mutated_playbooks_load_or_fail_cleanly(workdir: Path, text: str) -> None:
    assert_loads_or_locates(workdir / "playbook.yaml", text, load_playbook)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=st.lists(st.sampled_from(NASTY) | st.text(max_size=3) | st.just("\n  "), max_size=30).map("".join))
def test_any_text_parses_or_raises_yaml_error(text: str) -> None:
    try:
        yamlsafe.parse(text)
    except yamlsafe.YamlError as exc:
        assert all(i.line >= 1 and i.col >= 1 for i in exc.issues)


def test_the_unmutated_files_load() -> None:
    assert isinstance(load_playbook(FIXTURES / "playbook.yaml"), Playbook)
    assert isinstance(load_scenario(FIXTURES / "scenario.yaml", PLAYBOOKS), Scenario)
