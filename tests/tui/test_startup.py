"""Start-up without the garbage collector (tui.startup): off until the first frame, then back on, and only
when `warroom play` asked for it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tui import startup
from tui.app import WarroomApp
from tui.screens.drill import DrillScreen


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector, the rest of the suite gets it back on and unfrozen."""
    yield
    startup._deferred = False
    gc.unfreeze()
    gc.enable()


def test_resume_does_nothing_unless_collection_was_deferred(collector: None) -> None:
    frozen = gc.get_freeze_count()
    startup.resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen  # an app started by a test never freezes what the suite made

    gc.disable()  # turned off by someone else: not ours to turn back on
    startup.defer_collection()
    startup.resume_collection()
    assert not gc.isenabled()


async def test_the_first_frame_turns_collection_back_on_with_start_up_frozen(app: WarroomApp, collector: None) -> None:
    startup.defer_collection()
    assert not gc.isenabled()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DrillScreen)
        assert gc.isenabled()
        assert gc.get_freeze_count() > 10_000  # the modules, classes and widgets start-up made
    startup.resume_collection()  # what `warroom play` does when the app returns: nothing left to do
    assert gc.isenabled()
