"""From a journal to the scenario and playbook it was played with: the one way every command takes.

A journal's header names both by id and content hash (sha256 of the file's bytes, or of the model for a
drill built from models), and by path when they came from files. The policy says what a file that changed
since the drill was recorded is worth:

- `strict` (resume, replay and review): refused, since replaying it would not give the same drill;
- `lenient` (score, report): used as it is now, with a one-line warning.

Either way a file that is gone, a scenario or playbook that cannot be found, or one that does not load is
an error naming the journal, what is wrong, and what to do (`Unresolved`, or `LoadError` from the file).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar

from sim.format.loading import load_playbook, load_scenario
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.journal.drill_record import Header
from sim.journal.jsonl import JournalError, file_hash, model_hash

if TYPE_CHECKING:
    from sim.format.library import Library

Policy = Literal["strict", "lenient"]
_M = TypeVar("_M", Scenario, Playbook)


class Unresolved(JournalError):
    """A journal's scenario or playbook cannot be had under the policy: `journal: what is wrong — hint`."""

    def __init__(self, journal: Path, what: str, problem: str, hint: str = "") -> None:
        self.journal, self.what, self.problem, self.hint = journal, what, problem, hint
        super().__init__(f"{journal}: {problem}" + (f" — {hint}" if hint else ""))


class Resolved(NamedTuple):
    """The scenario and playbook a journal is to be replayed or graded with, and what the lenient policy
    let pass (one line each, for the user to see)."""

    scenario: Scenario
    playbook: Playbook
    warnings: tuple[str, ...] = ()
    scenario_file: Path | None = None  # where each was read from now (None for a model given)
    playbook_file: Path | None = None


def resolve(
    header: Header,
    journal: str | os.PathLike[str],
    policy: Policy,
    *,
    scenario: Scenario | None = None,
    playbook: Playbook | None = None,
    scenario_file: str | os.PathLike[str] | None = None,
    playbook_file: str | os.PathLike[str] | None = None,
    library: Library | None = None,
    override: str = "",
) -> Resolved:
    """The scenario and playbook `header` (read from `journal`) was recorded with.

    Each comes from, in order: the model given (trusted when the journal names a file; else its content
    hash must agree, or the policy decides); the file given (`scenario_file`, `playbook_file`: checked
    against the recorded hash when the recorded file is still there); the file the journal names (it
    must exist, and a changed one is for the policy) unless the library (default `Library()`) holds one
    with that id and the very same content, wherever it now lives (a journal made under another install
    or venv); or, for a journal that names no file, the library's by id, its content hash checked like a
    given model's.

    `override` is how the caller lets its user name other files, for the hints: a template such as
    "--{what} FILE" (`what` is "scenario" or "playbook"); empty when it cannot.
    Raises Unresolved (a JournalError) or LoadError.
    """
    r = _Resolver(header, Path(journal), policy, library, override)
    pb = r.one(
        "playbook", playbook, playbook_file, header.playbook_path, header.playbook_hash, header.playbook, load_playbook
    )

    def load_with_playbook(path: Path) -> Scenario:
        return load_scenario(path, {pb.id: pb})

    sc = r.one(
        "scenario",
        scenario,
        scenario_file,
        header.scenario_path,
        header.scenario_hash,
        header.scenario,
        load_with_playbook,
    )
    if sc.id != header.scenario:
        raise Unresolved(
            r.journal,
            "scenario",
            f"the journal records scenario {header.scenario!r}, but {r.where} holds {sc.id!r}",
            r.hint("scenario", "name the scenario it was recorded with"),
        )
    return Resolved(sc, pb, tuple(r.warnings), r.files.get("scenario"), r.files.get("playbook"))


class _Resolver:
    def __init__(self, header: Header, journal: Path, policy: Policy, library: Library | None, override: str) -> None:
        self.header, self.journal, self.policy, self.override = header, journal, policy, override
        self._library = library
        self.warnings: list[str] = []
        self.where = "the model given"  # where the last one came from, for messages
        self.files: dict[str, Path] = {}  # what -> the file it was read from

    @property
    def library(self) -> Library:
        if self._library is None:
            from sim.format.library import Library  # a drill resumed from its recorded files never needs it

            self._library = Library()
        return self._library

    def hint(self, what: str, instead: str) -> str:
        """What the user can do: `instead`, or name another file when the caller lets them."""
        return f"{instead}, or pass {self.override.format(what=what)}" if self.override else instead

    def changed(self, what: str, problem: str, consequence: str, instead: str) -> None:
        """A file or model that differs from the recorded one: refused (strict) or a warning (lenient)."""
        if self.policy == "strict":
            raise Unresolved(self.journal, what, f"{problem}; {consequence}", self.hint(what, instead))
        self.warnings.append(f"{self.journal}: {problem}; using it as it is now")

    def one(
        self,
        what: str,
        model: _M | None,
        given: str | os.PathLike[str] | None,
        recorded: str,
        recorded_hash: str,
        ident: str,
        load: Callable[[Path], _M],
    ) -> _M:
        replay = "replaying it would not give the same drill"
        if model is not None:
            self.where = "the model given"
            if not recorded:  # the header holds the recorded model's own hash
                self.same_model(what, model, recorded_hash)
            return model
        if given is not None:
            path = Path(given)
            self.where = str(path)
            if recorded and Path(recorded).is_file() and file_hash(path) != recorded_hash:
                problem = f"the {what} {path} differs from the one this drill was recorded with"
                self.changed(what, problem, replay, f"give the {what} it was recorded with")
            return self.read(what, path, load)
        if recorded:
            path = Path(recorded)
            moved = self.moved(what, ident, recorded_hash)
            if moved is not None and (not path.is_file() or file_hash(path) != recorded_hash):
                path = moved  # the very same file, now elsewhere (another install, a moved folder)
            self.where = str(path)
            if not path.is_file():
                raise Unresolved(
                    self.journal,
                    what,
                    f"the {what} it was recorded with, {path}, no longer exists",
                    self.hint(what, "restore the file"),
                )
            if file_hash(path) != recorded_hash:
                problem = f"the {what} {path} has changed since this drill was recorded"
                self.changed(what, problem, replay, "restore the file as it was when the drill was recorded")
            return self.read(what, path, load)
        path = self.by_id(what, ident)
        self.where = str(path)
        loaded = self.read(what, path, load)
        self.same_model(what, loaded, recorded_hash, path)
        return loaded

    def read(self, what: str, path: Path, load: Callable[[Path], _M]) -> _M:
        self.files[what] = path
        return load(path)

    def moved(self, what: str, ident: str, recorded_hash: str) -> Path | None:
        """The library's file for `ident` when its bytes are the recorded ones, else None."""
        from sim.format.library import NotFound

        try:
            found = self.library.find_scenario(ident) if what == "scenario" else self.library.playbook_file(ident)
        except NotFound:
            return None
        return found if found is not None and file_hash(found) == recorded_hash else None

    def by_id(self, what: str, ident: str) -> Path:
        """A drill built from models (the TUI's, before it recorded files) names no file: the library's."""
        from sim.format.library import NotFound

        found: Path | None
        try:
            found = self.library.find_scenario(ident) if what == "scenario" else self.library.playbook_file(ident)
        except NotFound:
            found = None
        if found is None:
            raise Unresolved(
                self.journal,
                what,
                f"the journal does not say where its {what} {ident!r} is, and no {what} with that id was found",
                self.hint(what, f"add the {what} to your library"),
            )
        return found

    def same_model(self, what: str, model: Scenario | Playbook, recorded_hash: str, where: Path | None = None) -> None:
        if model_hash(model) != recorded_hash:
            found = f" (found at {where})" if where else ""
            problem = f"the {what} {model.id!r}{found} is not the one the drill was recorded with"
            self.changed(what, problem, "replaying it would not give the same drill", f"restore that {what}")
