"""Test-wide setup. Environment first: Textual reads these when it is imported."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Animations and cursor blink make snapshots and pilot timings flaky; tests never want them.
os.environ["TEXTUAL_ANIMATIONS"] = "none"

CHECKOUT = Path(__file__).resolve().parent.parent
# What the test tools themselves keep in the checkout (all git-ignored); warroom may write none of it.
_TOOL_DIRS = frozenset(
    {".git", ".venv", ".tools", "__pycache__", ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache"}
)
_TOOL_FILES = frozenset({"snapshot_report.html"})


def _checkout_files(root: Path = CHECKOUT) -> set[str]:
    """Every file in the checkout but the tools' own."""
    found: set[str] = set()
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _TOOL_DIRS:
                        stack.append(entry.path)
                elif entry.name not in _TOOL_FILES:
                    found.add(entry.path)
    return found


@pytest.fixture(autouse=True)
def _private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own user data dir: settings, history, journals and reports never reach the
    developer's home or the checkout, and no test sees another's trainee name or drills."""
    home = tmp_path / "warroom-home"
    monkeypatch.setenv("WARROOM_HOME", str(home))
    monkeypatch.delenv("WARROOM_DB", raising=False)
    # Where platformdirs looks when a test unsets WARROOM_HOME to exercise the default.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return home


@pytest.fixture(autouse=True)
def _checkout_untouched(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that leaves a new file in the source tree fails, naming it (unless it was asked to rewrite its
    golden files or snapshots). Only new files count: an editor saving a file during the run is not the test."""
    if request.config.getoption("--snapshot-update", False) or os.environ.get("WARROOM_UPDATE_GOLDEN") == "1":
        yield
        return
    before = _checkout_files()
    yield
    after = _checkout_files()
    changed = sorted(os.path.relpath(path, CHECKOUT) for path in after - before)
    if changed:
        pytest.fail(f"the test wrote into the checkout: {', '.join(changed)}", pytrace=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """One PostgreSQL server for the session (tests/postgres.py); skips, saying how to enable it, where none
    can be started, unless WARROOM_REQUIRE_POSTGRES=1 (CI), where that fails."""
    from tests import postgres

    try:
        with postgres.server() as url:
            yield url
    except postgres.Unavailable as exc:
        if postgres.REQUIRED:
            pytest.fail(f"WARROOM_REQUIRE_POSTGRES=1 but {exc}")
        pytest.skip(str(exc))


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server."""
    from tests import postgres

    return postgres.new_database(postgres_server)
