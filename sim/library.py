"""Where content is found: the bundled playbooks and scenarios, the user's own, and files next to a scenario."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Literal, NamedTuple, TypeVar

import scenarios
from sim import checks, yamlsafe
from sim.loading import Problem, Result, Source, check_file, check_source, detect_kind, read_source
from sim.playbook import Playbook
from sim.scenario import Scenario

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
    import platformdirs  # 0.4 MiB a drill run with WARROOM_HOME set never needs

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


def _sources(extra_dirs: Iterable[Path], bundled: Path, user: Path) -> list[tuple[Path, Origin]]:
    out: list[tuple[Path, Origin]] = [(p, "bundled") for p in yaml_files(bundled)]
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


def list_playbooks(dirs: Iterable[str | Path] = ()) -> list[PlaybookEntry]:
    """Bundled, then user, then `dirs` playbooks, each loaded or listed with its problems."""
    entries = []
    for path, origin in _sources(map(Path, dirs), scenarios.PLAYBOOKS, user_playbooks_dir()):
        result = check_file(path, "playbook")
        entries.append(PlaybookEntry(path, _model(result, Playbook), result.problems, origin))
    return entries


def bundled_playbooks() -> dict[str, Playbook]:
    """The playbooks shipped with warroom that load cleanly, by id."""
    return {e.playbook.id: e.playbook for e in list_playbooks() if e.origin == "bundled" and e.playbook is not None}


def all_playbooks(extra_dirs: Iterable[str | Path] = ()) -> dict[str, Playbook]:
    """Every playbook that loads, by id: bundled, overridden by the user's, overridden by `extra_dirs`."""
    return {e.playbook.id: e.playbook for e in list_playbooks(extra_dirs) if e.playbook is not None}


def find_playbook(playbook_id: str, extra_dirs: Iterable[str | Path] = ()) -> Playbook:
    """The playbook with this id; raises NotFound naming the ones that exist."""
    known = all_playbooks(extra_dirs)
    if playbook_id in known:
        return known[playbook_id]
    finding = checks.undefined("playbook", playbook_id, sorted(known), ())
    raise NotFound(finding.message, finding.hint)


def _nearby_files(path: Path) -> list[Path]:
    """The files that may hold playbooks for a scenario at `path`: next to it, or in a `playbooks/` folder
    beside it or beside its folder; in rising precedence."""
    dirs = (path.parent.parent / "playbooks", path.parent / "playbooks", path.parent)
    return [candidate for directory in dirs for candidate in yaml_files(directory) if candidate != path]


def nearby_playbooks(path: Path, known: Mapping[Path, Result] | None = None) -> dict[str, Playbook]:
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
    (`sim.base.Id`), so a file that declares it holds it verbatim, unless written with an escape."""
    return playbook_id.encode() in data or b"\\" in data


class Playbooks(Mapping[str, Playbook]):
    """Playbooks by id from layers in rising precedence, each a file, read when first needed, or playbooks
    already loaded. A lookup reads, from the top layer down, only the files that may declare that id: a
    drill needs one playbook, and checking all five bundled ones was a tenth of a drill's start-up. Listing
    the ids reads every file.

    A layer's flag marks files beside a scenario, which count only when they look like a playbook
    (`_might_be_playbook`), as `nearby_playbooks` has it."""

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


def playbooks_for(
    path: Path, extra: Mapping[str, Playbook] | None = None, dirs: Iterable[str | Path] = ()
) -> Playbooks:
    """What a scenario at `path` may name: bundled, user and `dirs` playbooks, then `extra`, then those
    beside it, each overriding the ones before by id (`all_playbooks`, then `nearby_playbooks`)."""
    layers: list[tuple[Path, bool] | Mapping[str, Playbook]] = [
        (p, False) for p, _ in _sources(map(Path, dirs), scenarios.PLAYBOOKS, user_playbooks_dir())
    ]
    if extra:
        layers.append(extra)
    layers += [(p, True) for p in _nearby_files(path)]
    return Playbooks(layers)


def list_scenarios(dirs: Iterable[str | Path] = ()) -> list[Entry]:
    """Bundled, user and `dirs` scenarios; one that fails to load is listed with its problems, never raised."""
    entries = []
    for path, origin in _sources(map(Path, dirs), scenarios.LIBRARY, user_scenarios_dir()):
        result = check_file(path, "scenario")
        scenario = _model(result, Scenario)
        entries.append(Entry(path, scenario, result.problems, origin, scenario.id if scenario else _declared_id(path)))
    return entries


def _declared_id(path: Path) -> str:
    """The `id` a file states, read without validating the rest (for listing and finding broken files)."""
    src = read_source(path)
    data = src.data if isinstance(src, Source) else None
    return data["id"] if isinstance(data, dict) and isinstance(data.get("id"), str) else ""


def find_scenario(id_or_path: str | Path, extra_dirs: Iterable[str | Path] = ()) -> Path:
    """The file of a scenario given by path or by id (searched in `extra_dirs`, the user's, then bundled)."""
    text = str(id_or_path)
    path = Path(text)
    if path.suffix in YAML_SUFFIXES or os.sep in text or "/" in text:
        if path.is_file():
            return path
        raise NotFound(f"no scenario file at {text}", "check the path")
    dirs = [*map(Path, extra_dirs), user_scenarios_dir(), scenarios.LIBRARY]
    for directory in dirs:
        for suffix in YAML_SUFFIXES:
            if (directory / f"{text}{suffix}").is_file():
                return directory / f"{text}{suffix}"
    entries = list_scenarios(extra_dirs)
    for entry in entries:
        if entry.id == text:  # a scenario with errors is found too, so its errors can be shown
            return entry.path
    finding = checks.undefined("scenario", text, sorted({e.id for e in entries}), ())
    raise NotFound(finding.message, finding.hint)


def scenario_for_script(path: Path, known: Mapping[str, Scenario] | None = None) -> tuple[Scenario | None, str]:
    """The scenario a script belongs to, named by its folder (`scripts/<scenario-id>/ideal.yaml`).

    Returns (scenario, '') or (None, why not).
    """
    scenario_id = path.parent.name
    if known and scenario_id in known:
        return known[scenario_id], ""
    beside = path.parent.parent.parent / "library"
    try:
        found = find_scenario(scenario_id, [beside] if beside.is_dir() else [])
    except NotFound:
        return None, f"no scenario '{scenario_id}' found for this script (scripts live in scripts/<scenario-id>/)"
    result = check_file(found, "scenario")
    if not isinstance(result.model, Scenario) or not result.ok:
        return None, f"scenario '{scenario_id}' ({found}) does not load, so the steps could not be checked against it"
    return result.model, ""


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


def validate_paths(paths: Sequence[str | Path]) -> list[Result]:
    """Check every file under `paths`, each against the others: playbooks first, then scenarios, then scripts.

    A scenario's playbook id resolves against the bundled and user playbooks, the playbooks in this set,
    and those beside it; a script's folder names its scenario, looked up in this set first.
    """
    files = expand(paths)
    sources = {p: read_source(p) for p in files}
    results: dict[Path, Result] = {}
    # Playbooks beside a scenario depend only on its folder: look once per folder. (A scenario is never
    # itself a playbook, so leaving it out of its own folder's scan changes nothing.)
    nearby: dict[Path, dict[str, Playbook]] = {}
    kinds = {p: (detect_kind(s.data) if not isinstance(s, Result) else None) for p, s in sources.items()}
    for kind in ("playbook", "scenario", "script", None):
        in_set_playbooks = {r.model.id: r.model for r in results.values() if r.ok and isinstance(r.model, Playbook)}
        base = {**all_playbooks(), **in_set_playbooks} if kind == "scenario" else {}
        in_set_scenarios = {r.model.id: r.model for r in results.values() if r.ok and isinstance(r.model, Scenario)}
        for path, src in sources.items():
            if kinds[path] != kind or path in results:
                continue
            if isinstance(src, Result):
                results[path] = src
            elif kind == "scenario":
                if path.parent not in nearby:
                    nearby[path.parent] = nearby_playbooks(path, results)
                playbooks = {**base, **nearby[path.parent]}
                results[path] = check_source(src, "scenario", playbooks=playbooks)
            elif kind == "script":
                scenario = in_set_scenarios.get(path.parent.name)
                playbook = in_set_playbooks.get(scenario.playbook) if scenario is not None else None
                results[path] = check_source(src, "script", scenario=scenario, playbook=playbook)
            else:
                results[path] = check_source(src, kind)
    return [results[p] for p in files]
