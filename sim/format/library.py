"""Where content is found (`Library`): the bundled playbooks, scenarios and scripts, the user's own, extra
directories, and files next to a scenario."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import scenarios
from sim.format import checks, loading, yamlsafe
from sim.format.loading import Kind, Problem, Result, Source, check_file, check_source, detect_kind, read_source
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

Origin = Literal["bundled", "user", "extra"]
_T = TypeVar("_T")
YAML_SUFFIXES = (".yaml", ".yml")
# A cheap test for "might be a playbook" when looking next to a scenario, so a folder of scenarios is not
# parsed in full for every scenario in it. The full load then decides.
_PLAYBOOK_KEY = re.compile(rb"^[\"']?severities[\"']?\s*:", re.MULTILINE)


class NotFound(LookupError):
    """No playbook or scenario by that id or path; `hint` suggests a near match or lists what exists."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(f"{message} — {hint}" if hint else message)
        self.message, self.hint = message, hint


def user_home() -> Path:
    """`$WARROOM_HOME`, else the platform's user data dir for warroom."""
    home = os.environ.get("WARROOM_HOME")
    if home:
        return Path(home)
    import platformdirs  # memory a drill run with WARROOM_HOME set never needs

    return Path(platformdirs.user_data_dir("warroom", appauthor=False))


def user_playbooks_dir() -> Path:
    return user_home() / "playbooks"


def user_scenarios_dir() -> Path:
    return user_home() / "scenarios"


def yaml_files(directory: Path) -> list[Path]:
    """The YAML files directly inside `directory`, sorted by name (none if it is not a directory)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


class Entry(NamedTuple):
    """A scenario file as listed: its scenario when it loads, else the problems that stop it."""

    path: Path
    scenario: Scenario | None
    problems: tuple[Problem, ...]
    origin: Origin
    declared_id: str = ""  # the `id` the file states, even when it does not load

    @property
    def id(self) -> str:
        if self.scenario is not None:
            return self.scenario.id
        return self.declared_id or self.path.stem


class PlaybookEntry(NamedTuple):
    """A playbook file as listed: its playbook when it loads, else the problems that stop it."""

    path: Path
    playbook: Playbook | None
    problems: tuple[Problem, ...]
    origin: Origin


def _sources(extra_dirs: Iterable[Path], bundled: Path, user: Path | None) -> list[tuple[Path, Origin]]:
    out: list[tuple[Path, Origin]] = [(p, "bundled") for p in yaml_files(bundled)]
    if user is not None:
        out += [(p, "user") for p in yaml_files(user)]
    for d in extra_dirs:
        out += [(p, "extra") for p in yaml_files(Path(d))]
    seen: set[Path] = set()
    unique = []
    for path, origin in out:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append((path, origin))
    return unique


def _nearby_files(path: Path) -> list[Path]:
    """The files that may hold playbooks for a scenario at `path`: next to it, or in a `playbooks/` folder
    beside it or beside its folder; in rising precedence."""
    dirs = (path.parent.parent / "playbooks", path.parent / "playbooks", path.parent)
    return [candidate for directory in dirs for candidate in yaml_files(directory) if candidate != path]


def _nearby_playbooks(path: Path, known: Mapping[Path, Result] | None = None) -> dict[str, Playbook]:
    """Playbooks next to a scenario file, or in a `playbooks/` folder beside it or beside its folder.

    `known` holds files already checked (by path), so a folder being validated is not read twice.
    """
    out: dict[str, Playbook] = {}
    for candidate in _nearby_files(path):
        result = known.get(candidate) if known is not None else None
        if result is None:
            if not _might_be_playbook(_head(candidate)):
                continue
            result = check_file(candidate, "playbook")
        if isinstance(result.model, Playbook) and result.ok:
            out[result.model.id] = result.model
    return out


def _head(path: Path) -> bytes:
    """The file's raw bytes, as far as a YAML file may go (none if it cannot be read): for the cheap tests
    below, which rule files out without the checks `read_text` makes of a file about to be parsed."""
    try:
        with path.open("rb") as fh:
            return fh.read(yamlsafe.MAX_BYTES + 1)
    except OSError:
        return b""


def _might_be_playbook(data: bytes) -> bool:
    # Most files beside a scenario are scenarios: a plain substring search rules them out before the
    # line-anchored pattern, which tries every position of the file.
    return b"severities" in data and _PLAYBOOK_KEY.search(data) is not None


def _may_declare(data: bytes, playbook_id: str) -> bool:
    """Whether a file may hold the playbook with this id. An id is plain ASCII text with no spaces or quotes
    (`sim.format.base.Id`), so a file that declares it holds it verbatim, unless written with an escape."""
    return playbook_id.encode() in data or b"\\" in data


class Playbooks(Mapping[str, Playbook]):
    """Playbooks by id from layers in rising precedence, each a file, read when first needed, or playbooks
    already loaded. A lookup reads, from the top layer down, only the files that may declare that id: a
    drill needs one playbook, and checking every bundled one would slow its start-up. Listing
    the ids reads every file.

    A layer's flag marks files beside a scenario, which count only when they look like a playbook
    (`_might_be_playbook`), as `_nearby_playbooks` has it."""

    def __init__(self, layers: Sequence[tuple[Path, bool] | Mapping[str, Playbook]]) -> None:
        self._layers = layers
        self._files: dict[Path, Playbook | None] = {}
        self._found: dict[str, tuple[Playbook, Path | None] | None] = {}
        self._all: dict[str, Playbook] | None = None

    def _load(self, path: Path, beside: bool, data: bytes | None = None) -> Playbook | None:
        if path not in self._files:
            if beside and not _might_be_playbook(_head(path) if data is None else data):
                self._files[path] = None
            else:
                self._files[path] = _model(check_file(path, "playbook"), Playbook)
        return self._files[path]

    def _lookup(self, playbook_id: str) -> tuple[Playbook, Path | None] | None:
        """The playbook with this id and its file (None for one given already loaded), or None."""
        if playbook_id not in self._found:
            self._found[playbook_id] = self._search(playbook_id)
        return self._found[playbook_id]

    def _search(self, playbook_id: str) -> tuple[Playbook, Path | None] | None:
        for layer in reversed(self._layers):
            if not isinstance(layer, tuple):
                if playbook_id in layer:
                    return layer[playbook_id], None
                continue
            path, beside = layer
            if path not in self._files:
                data = _head(path)
                if not _may_declare(data, playbook_id):
                    continue
                self._load(path, beside, data)
            playbook = self._files[path]
            if playbook is not None and playbook.id == playbook_id:
                return playbook, path
        return None

    def __getitem__(self, playbook_id: str) -> Playbook:
        hit = self._lookup(playbook_id)
        if hit is None:
            raise KeyError(playbook_id)
        return hit[0]

    def file_of(self, playbook_id: str) -> Path | None:
        """The file the playbook with this id is read from (the journal records it, so a drill resumes with
        the very same playbook); None if it was given already loaded, or there is none."""
        hit = self._lookup(playbook_id)
        return hit[1] if hit is not None else None

    def __iter__(self) -> Iterator[str]:
        return iter(self._everything())

    def __len__(self) -> int:
        return len(self._everything())

    def _everything(self) -> dict[str, Playbook]:
        if self._all is None:
            out: dict[str, Playbook] = {}
            for layer in self._layers:
                if isinstance(layer, tuple):
                    playbook = self._load(*layer)
                    if playbook is not None:
                        out[playbook.id] = playbook
                else:
                    out.update(layer)
            self._all = out
        return self._all


class Listing(NamedTuple):
    """One scenario file as the picker shows it: loaded with its playbook, or with what stops it."""

    path: Path
    origin: str
    scenario: Scenario | None
    playbook: Playbook | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.scenario is not None and self.playbook is not None

    @property
    def id(self) -> str:
        return self.scenario.id if self.scenario is not None else self.path.stem


class Opened(NamedTuple):
    """A scenario loaded with its playbook, and the files both were read from (a journal records them, so
    a drill resumes with the very same ones)."""

    scenario: Scenario
    playbook: Playbook
    path: Path
    playbook_path: Path | None  # None only for a playbook given already loaded


class Library:
    """Where warroom finds scenarios, playbooks and scripts, in rising precedence: the bundled files, the
    user's own (`user_home()`, unless `user` is off), then extra dirs (`--scenarios DIR`); and for a
    scenario, above all of those, the playbooks beside it (`_nearby_files`).

    `scenario_dirs` and `playbook_dirs` are apart because `warroom run --scenarios DIR` also takes DIR's
    playbooks, while the TUI's picker offers DIR's scenarios only. Nothing is read when a Library is made:
    folders are listed, and `$WARROOM_HOME` read, when a lookup needs them.
    """

    def __init__(
        self, scenario_dirs: Iterable[str | Path] = (), playbook_dirs: Iterable[str | Path] = (), *, user: bool = True
    ) -> None:
        self.scenario_dirs = tuple(map(Path, scenario_dirs))
        self.playbook_dirs = tuple(map(Path, playbook_dirs))
        self.user = user

    @classmethod
    def bundled(cls) -> Library:
        """What ships with warroom alone: no user files, no extra dirs."""
        return cls(user=False)

    # -- playbooks ----------------------------------------------------------------------------------

    def _playbook_files(self) -> list[tuple[Path, Origin]]:
        return _sources(self.playbook_dirs, scenarios.PLAYBOOKS, user_playbooks_dir() if self.user else None)

    def playbook_entries(self) -> list[PlaybookEntry]:
        """Bundled, then user, then extra-dir playbooks, each loaded or listed with its problems."""
        entries = []
        for path, origin in self._playbook_files():
            result = check_file(path, "playbook")
            entries.append(PlaybookEntry(path, _model(result, Playbook), result.problems, origin))
        return entries

    def playbooks(self, beside: Path | None = None, extra: Mapping[str, Playbook] | None = None) -> Playbooks:
        """Playbooks by id, read as they are looked up: bundled, user and extra-dir ones, then `extra`, then
        those beside a scenario at `beside`, each overriding the ones before by id."""
        layers: list[tuple[Path, bool] | Mapping[str, Playbook]] = [(p, False) for p, _ in self._playbook_files()]
        if extra:
            layers.append(extra)
        if beside is not None:
            layers += [(p, True) for p in _nearby_files(beside)]
        return Playbooks(layers)

    def playbook(self, playbook_id: str) -> Playbook:
        """The playbook with this id (none beside a scenario); raises NotFound naming the ones that exist."""
        known = self.playbooks()
        found = known.get(playbook_id)
        if found is not None:
            return found
        finding = checks.undefined("playbook", playbook_id, sorted(known), ())
        raise NotFound(finding.message, finding.hint)

    def playbook_file(self, playbook_id: str, beside: Path | None = None) -> Path | None:
        """The file the playbook with this id is read from, for a scenario at `beside` when given (what a
        journal records, so a drill resumes with the very same playbook); None when there is none."""
        return self.playbooks(beside).file_of(playbook_id)

    # -- scenarios ----------------------------------------------------------------------------------

    def scenario_entries(self) -> list[Entry]:
        """Bundled, user and extra-dir scenarios; one that fails to load is listed with its problems, never
        raised."""
        entries = []
        beside: dict[Path, Playbooks] = {}  # playbooks beside a scenario depend only on its folder
        files = _sources(self.scenario_dirs, scenarios.LIBRARY, user_scenarios_dir() if self.user else None)
        for path, origin in files:
            if path.parent not in beside:
                beside[path.parent] = self.playbooks(beside=path)
            result = check_file(path, "scenario", playbooks=beside[path.parent])
            scenario = _model(result, Scenario)
            declared = scenario.id if scenario else _declared_id(path)
            entries.append(Entry(path, scenario, result.problems, origin, declared))
        return entries

    def find_scenario(self, id_or_path: str | Path) -> Path:
        """The file of a scenario given by path or by id (searched in the extra dirs, the user's, then the
        bundled ones); raises NotFound with a near match or what exists."""
        text = str(id_or_path)
        path = Path(text)
        if path.suffix in YAML_SUFFIXES or os.sep in text or "/" in text:
            if path.is_file():
                return path
            raise NotFound(f"no scenario file at {text}", "check the path")
        dirs = [*self.scenario_dirs, *([user_scenarios_dir()] if self.user else []), scenarios.LIBRARY]
        for directory in dirs:
            for suffix in YAML_SUFFIXES:
                if (directory / f"{text}{suffix}").is_file():
                    return directory / f"{text}{suffix}"
        entries = self.scenario_entries()
        for entry in entries:
            if entry.id == text:  # a scenario with errors is found too, so its errors can be shown
                return entry.path
        finding = checks.undefined("scenario", text, sorted({e.id for e in entries}), ())
        raise NotFound(finding.message, finding.hint)

    def load_scenario(self, path: Path) -> Opened:
        """The scenario at `path` with its playbook, as this library resolves its id; raises LoadError."""
        playbooks = self.playbooks(beside=path)  # read once: the scenario's check and its playbook both need them
        scenario = loading.load_scenario(path, playbooks)
        # It loaded, so its playbook id resolved, to a file: nothing here is given already loaded.
        return Opened(scenario, playbooks[scenario.playbook], path, playbooks.file_of(scenario.playbook))

    def open(self, id_or_path: str | Path) -> Opened:
        """`find_scenario`, then `load_scenario`: raises NotFound or LoadError."""
        return self.load_scenario(self.find_scenario(id_or_path))

    def listings(self) -> list[Listing]:
        """Every scenario the picker offers, each with its playbook or what stops it; never raises for a bad
        file."""
        out: list[Listing] = []
        cache: dict[Path, Mapping[str, Playbook]] = {}
        for entry in self.scenario_entries():
            scenario, playbook = entry.scenario, None
            # Positions without the directory: the picker shows which file beside them already.
            problems = tuple(
                f"line {p.line}:{p.col}: {p.message}" + (f" — {p.hint}" if p.hint else "")
                for p in entry.problems
                if p.severity == "error"
            )
            if scenario is not None:
                try:  # the playbooks are read as they are looked up
                    if entry.path.parent not in cache:
                        cache[entry.path.parent] = self.playbooks(beside=entry.path)
                    playbook = cache[entry.path.parent].get(scenario.playbook)
                except Exception as exc:  # a broken playbook beside a scenario must not take the picker down
                    playbook = None
                    problems += (f"cannot read the playbooks beside it: {exc}",)
                else:
                    if playbook is None:
                        problems += (f"playbook {scenario.playbook!r} not found",)
            out.append(Listing(entry.path, entry.origin, scenario, playbook, problems))
        return out

    # -- scripts ------------------------------------------------------------------------------------

    def script_file(
        self, scenario_id: str, kind: str = "ideal", scenario_path: str | Path | None = None
    ) -> Path | None:
        """A scenario's solution script (`scripts/<scenario-id>/<kind>.yaml`): beside the scenario's library
        folder, as the bundled ones are kept, else the bundled one; None when there is neither."""
        places = [scenarios.SCRIPTS / scenario_id / f"{kind}.yaml"]
        if scenario_path:
            places.insert(0, Path(scenario_path).parent.parent / "scripts" / scenario_id / f"{kind}.yaml")
        return next((p for p in places if p.is_file()), None)

    def script_named(self, name: str | Path, scenario_id: str, scenario_path: str | Path | None = None) -> Path:
        """An action script given as a file, or by name (`ideal`, `mistakes`, `negligent`) as one of the
        scenario's solution scripts; raises NotFound saying which names the scenario has."""
        text = str(name)
        if Path(text).is_file():
            return Path(text)
        found = self.script_file(scenario_id, text, scenario_path) if "/" not in text and os.sep not in text else None
        if found is not None:
            return found
        folders = [scenarios.SCRIPTS / scenario_id]
        if scenario_path:
            folders.insert(0, Path(scenario_path).parent.parent / "scripts" / scenario_id)
        names = sorted({p.stem for folder in folders if folder.is_dir() for p in folder.glob("*.yaml")})
        offer = f"scenario '{scenario_id}' has: {', '.join(names)}" if names else f"'{scenario_id}' has no scripts"
        raise NotFound(f"no script file or script named '{text}'", offer)

    def named_files(self, names: Sequence[str | Path]) -> list[Path]:
        """What `validate` and `lint` check: paths as given, else the file of a scenario or playbook id
        (`warroom validate tutorial`); raises NotFound for a name that is neither."""
        out = []
        for name in names:
            path = Path(name)
            if path.exists():
                out.append(path)
                continue
            text = str(name)
            try:
                out.append(self.find_scenario(text))
                continue
            except NotFound as exc:
                missing = exc
            playbook = self.playbook_file(text) if "/" not in text and os.sep not in text else None
            if playbook is None:
                raise NotFound(f"no file, scenario or playbook named '{text}'", missing.hint)
            out.append(playbook)
        return out

    def scenario_for_script(
        self, path: Path, known: Mapping[str, Scenario] | None = None
    ) -> tuple[Scenario | None, str]:
        """The scenario a script belongs to, named by its folder (`scripts/<scenario-id>/ideal.yaml`): in
        `known`, else a `library/` folder beside the scripts, else this library.

        Returns (scenario, '') or (None, why not).
        """
        path = path.absolute()  # `ideal.yaml` given inside its folder still names its scenario
        scenario_id = path.parent.name
        if known and scenario_id in known:
            return known[scenario_id], ""
        beside = path.parent.parent.parent / "library"
        look = Library(
            [*([beside] if beside.is_dir() else []), *self.scenario_dirs], self.playbook_dirs, user=self.user
        )
        try:
            found = look.find_scenario(scenario_id)
        except NotFound:
            return None, (
                f"no scenario '{scenario_id}' found for this script (scripts live in scripts/<scenario-id>/, "
                "or name it: warroom validate --scenario ID)"
            )
        result = check_file(found, "scenario", playbooks=self.playbooks(beside=found))
        if not isinstance(result.model, Scenario) or not result.ok:
            return (
                None,
                f"scenario '{scenario_id}' ({found}) does not load, so the steps could not be checked against it",
            )
        return result.model, ""

    # -- checking files -----------------------------------------------------------------------------

    def check(self, path: str | Path, kind: Kind | None = None) -> Result:
        """`sim.format.loading.check_file` with what this library knows: a scenario's playbook id resolves against
        its playbooks (`playbooks(beside=...)`), and a script is checked against the scenario its folder
        names (a warning when there is none). Never raises for anything in the file."""
        path = Path(path)
        if kind == "playbook":
            return check_file(path, "playbook")
        src = read_source(path)
        if isinstance(src, Result):
            return src
        return self._check_source(src, kind)

    def _check_source(
        self, src: Source, kind: Kind | None, scenario: Scenario | None = None, playbook: Playbook | None = None
    ) -> Result:
        kind = kind or detect_kind(src.data)
        if kind == "scenario":
            return check_source(src, "scenario", playbooks=self.playbooks(beside=src.path))
        if kind != "script":
            return check_source(src, kind, playbooks={})  # a playbook, or a file of no kind
        note = ""
        if scenario is None:
            scenario, note = self.scenario_for_script(src.path)
        if playbook is None and scenario is not None:
            playbook = self.playbooks().get(scenario.playbook)
        return check_source(src, "script", scenario=scenario, playbook=playbook, no_scenario=note)

    def validate(self, paths: Sequence[str | Path]) -> list[Result]:
        """Check every file under `paths`, each against the others: playbooks first, then scenarios, then
        scripts.

        A scenario's playbook id resolves against this library's playbooks, the playbooks in this set, and
        those beside it; a script's folder names its scenario, looked up in this set first.
        """
        files = expand(paths)
        sources = {p: read_source(p) for p in files}
        results: dict[Path, Result] = {}
        # Playbooks beside a scenario depend only on its folder: look once per folder. (A scenario is never
        # itself a playbook, so leaving it out of its own folder's scan changes nothing.)
        nearby: dict[Path, dict[str, Playbook]] = {}
        for_folder: dict[Path, tuple[Scenario | None, str]] = {}
        kinds = {p: (detect_kind(s.data) if not isinstance(s, Result) else None) for p, s in sources.items()}
        for kind in ("playbook", "scenario", "script", None):
            in_set_playbooks = {r.model.id: r.model for r in results.values() if r.ok and isinstance(r.model, Playbook)}
            base = {**self.playbooks(), **in_set_playbooks} if kind == "scenario" else {}
            in_set_scenarios = {r.model.id: r.model for r in results.values() if r.ok and isinstance(r.model, Scenario)}
            for path, src in sources.items():
                if kinds[path] != kind or path in results:
                    continue
                if isinstance(src, Result):
                    results[path] = src
                elif kind == "scenario":
                    if path.parent not in nearby:
                        nearby[path.parent] = _nearby_playbooks(path, results)
                    playbooks = {**base, **nearby[path.parent]}
                    results[path] = check_source(src, "scenario", playbooks=playbooks)
                elif kind == "script":
                    scenario, note = in_set_scenarios.get(path.parent.name), ""
                    if scenario is None:
                        # A folder of scripts names one scenario: look it up once, not once per script.
                        if path.parent not in for_folder:
                            for_folder[path.parent] = self.scenario_for_script(path)
                        scenario, note = for_folder[path.parent]
                    playbook = None
                    if scenario is not None:
                        playbook = in_set_playbooks.get(scenario.playbook) or self.playbooks().get(scenario.playbook)
                    results[path] = check_source(src, "script", scenario=scenario, playbook=playbook, no_scenario=note)
                else:
                    results[path] = check_source(src, kind, playbooks={})
        return [results[p] for p in files]


def validate_paths(paths: Sequence[str | Path]) -> list[Result]:
    """`Library().validate(paths)`: what `warroom validate` checks."""
    return Library().validate(paths)


def _declared_id(path: Path) -> str:
    """The `id` a file states, read without validating the rest (for listing and finding broken files)."""
    src = read_source(path)
    data = src.data if isinstance(src, Source) else None
    return data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else ""


def _model(result: Result, cls: type[_T]) -> _T | None:
    return result.model if result.ok and isinstance(result.model, cls) else None


def expand(paths: Sequence[str | Path]) -> list[Path]:
    """Files as given, and the YAML files under directories (recursively, hidden folders skipped), sorted."""
    out: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            found = (
                p
                for p in given.rglob("*")
                if p.suffix in YAML_SUFFIXES
                and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(given).parts)
            )
            out += sorted(found)
        else:
            out.append(given)
    return out
