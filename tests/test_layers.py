"""No two of our modules import each other, directly or around a loop, except for type checking.

import-linter's `layers` contract (pyproject.toml) keeps sim's rooms in order, but it says nothing about files
inside one room. This test does: it builds the import graph of every package of ours with grimp, leaving out
imports under `if TYPE_CHECKING:`, and asserts that it has no cycle. Imports inside functions (kept lazy for
start-up time) count: they still run."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp
import pytest

PACKAGES = ("sim", "scoring", "tui", "scenarios")


def cycles(nodes: Iterable[str], edges: Callable[[str], Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node, or one node importing itself (Tarjan's
    algorithm, without recursion); each sorted, the list sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, [])]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work[-1] = (root, sorted(edges(root), reverse=True))
        while work:
            node, todo = work[-1]
            if todo:
                nxt = todo.pop()
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(edges(nxt), reverse=True)))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges(node):
                    found.append(sorted(component))
    return sorted(found)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def _ours(module: str) -> bool:
    return module.split(".")[0] in PACKAGES


def _describe(graph: grimp.ImportGraph, component: list[str]) -> str:
    members = set(component)
    lines = []
    for importer in component:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            details = graph.get_import_details(importer=importer, imported=imported)
            where = ", ".join(str(d["line_number"]) for d in details)
            lines.append(f"  {importer} -> {imported} (line {where})")
    return "\n".join(lines)


def test_no_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    modules = {m for m in graph.modules if _ours(m)}
    found = cycles(modules, lambda m: {d for d in graph.find_modules_directly_imported_by(m) if _ours(d)})
    report = "\n".join(f"{' <-> '.join(c)}:\n{_describe(graph, c)}" for c in found)
    assert found == [], f"import cycles (not only for type checking):\n{report}"


def test_the_cycle_finder_finds_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": set(), "f": {"f"}}
    assert cycles(edges, lambda m: edges[m]) == [["a", "b", "c"], ["f"]]
    assert cycles({"a": 0, "b": 0}, lambda m: {"b"} if m == "a" else set()) == []
