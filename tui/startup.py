"""Starting the TUI without the cyclic garbage collector in the way.

Start-up makes many long-lived objects and no garbage worth collecting, so `warroom play` turns collection
off before it imports the app, and the app's first refresh turns it back on with everything made so far
frozen (`gc.freeze`): never walked again, which also keeps later passes short while the drill runs.
Why: docs/decisions/0004-deferred-garbage-collection.md
"""

from __future__ import annotations

import gc

_deferred = False


def defer_collection() -> None:
    """Stop cyclic collection until `resume_collection`. Reference counting still frees almost everything."""
    global _deferred
    if gc.isenabled():
        gc.disable()
        _deferred = True


def resume_collection() -> None:
    """Freeze what start-up made and collect again. Does nothing unless `defer_collection` turned collection
    off, so apps started any other way (tests, many to a process) never freeze what they leave behind."""
    global _deferred
    if _deferred:
        _deferred = False
        gc.freeze()
        gc.enable()
