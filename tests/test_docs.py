"""The docs name only what exists: every path and module in docs/ and its decision records, every relative
link between the README, docs/ and the facilitator's guide, and every record the code points to."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + sorted((ROOT / "docs" / "decisions").glob("*.md"))
LINKED = [ROOT / "README.md", ROOT / "scenarios" / "README.md", *DOCS]
PACKAGES = ("sim", "scoring", "tui")
# Top-level directories a path in the docs may start with: `sim/engine/drill.py`, `tests/bench/`, `scenarios/schema/`.
TOP_DIRS = (*PACKAGES, "scenarios", "tests", "tools", "docs")

_PATH = re.compile(rf"(?<![\w./~-])(?:{'|'.join(TOP_DIRS)})/[\w./-]*")
# `sim.format.library.Playbooks`, `tui.startup.defer_collection`: a module, then optionally a name defined in it.
_DOTTED = re.compile(rf"(?<![\w./-])(?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_POINTER = re.compile(r"docs/decisions/[\w.-]+\.md")


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(text: str) -> str:
    """The text without its links' targets, which `test_relative_links_resolve` checks from their own file."""
    return _LINK.sub("", text)


@cache
def _top_level_names(module: Path) -> frozenset[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def _dotted_exists(ref: str) -> bool:
    """`a.b.c.D`: the longest module prefix must exist, and the next part (if any) be defined in it."""
    parts = ref.split(".")
    for n in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:n])
        module = base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"
        if module.is_file():
            return n == len(parts) or parts[n] in _top_level_names(module)
    return False


def test_there_are_docs_to_check() -> None:
    assert ROOT / "docs" / "architecture.md" in DOCS
    assert ROOT / "docs" / "performance.md" in DOCS
    assert any(p.parent.name == "decisions" and p.name[:4].isdigit() for p in DOCS)


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_path_named_exists(doc: Path) -> None:
    text = _prose(doc.read_text(encoding="utf-8"))
    paths = {m.group(0).rstrip(".") for m in _PATH.finditer(text)}
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == [], f"{_name(doc)} names files that do not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_every_module_named_exists(doc: Path) -> None:
    text = _prose(doc.read_text(encoding="utf-8"))
    refs = {m.group(0) for m in _DOTTED.finditer(text)}
    missing = sorted(r for r in refs if not _dotted_exists(r))
    assert missing == [], f"{_name(doc)} names modules or names that do not exist: {missing}"


@pytest.mark.parametrize("doc", LINKED, ids=_name)
def test_relative_links_resolve(doc: Path) -> None:
    targets = (m.group(1) for m in _LINK.finditer(doc.read_text(encoding="utf-8")))
    relative = [t.split("#")[0] for t in targets if "://" not in t and not t.startswith(("#", "mailto:"))]
    broken = sorted(t for t in relative if not (doc.parent / t).exists())
    assert broken == [], f"{_name(doc)} links to what does not exist: {broken}"


def test_code_points_only_to_records_that_exist() -> None:
    sources = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")] + [ROOT / "Makefile"]
    pointers = {(_name(src), m.group(0)) for src in sources for m in _POINTER.finditer(src.read_text("utf-8"))}
    assert pointers, "the code points to no decision record"
    missing = sorted((src, p) for src, p in pointers if not (ROOT / p).is_file())
    assert missing == [], f"pointers to decision records that do not exist: {missing}"


def test_the_path_patterns_catch_what_they_should() -> None:
    text = "See `sim/engine/drill.py`, tests/bench/ and sim.format.library.Playbooks, not 192.0.2.0/24 or ~/x/sim/y."
    assert {m.group(0) for m in _PATH.finditer(text)} == {"sim/engine/drill.py", "tests/bench/"}
    assert {m.group(0) for m in _DOTTED.finditer(text)} == {"sim.format.library.Playbooks"}
    assert _dotted_exists("sim.format.library.Playbooks")
    assert not _dotted_exists("sim.format.library.NoSuchThing")
    assert not _dotted_exists("sim.no_such_module")
