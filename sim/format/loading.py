"""Loading scenarios, playbooks and action scripts: every problem in a file, each as `path:line:col: message`.

The fast path parses and validates plain data; the node tree that gives positions is composed only when
there is a problem to place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

import yaml

from sim.format import checks, rule_checks, yamlsafe
from sim.format.model import Model, ValidationError
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario
from sim.format.script import Script
from sim.format.text import printable

MAX_PROBLEMS = 50

Kind = Literal["playbook", "scenario", "script"]
Document = Playbook | Scenario | Script
MODELS: dict[Kind, type[Model]] = {"playbook": Playbook, "scenario": Scenario, "script": Script}
_SHAPES = {
    "playbook": "a playbook is a mapping with 'id', 'name' and 'severities'",
    "scenario": "a scenario is a mapping with 'id', 'title', 'playbook', 'truth', 'metrics' and 'faults'",
    "script": "an action script is a list of steps such as '- {at: 2m, do: acknowledge}'",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file, at a 1-based line and column."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    severity: Literal["error", "warning"] = "error"

    def __post_init__(self) -> None:
        # Messages quote the file's own text, and YAML escapes ("\e") can smuggle terminal control codes
        # into it; they are shown escaped, never sent to a terminal.
        for name in ("path", "message", "hint"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    def __str__(self) -> str:
        label = "warning: " if self.severity == "warning" else ""
        tail = f" — {self.hint}" if self.hint else ""
        return f"{self.path}:{self.line}:{self.col}: {label}{self.message}{tail}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class LoadError(Exception):
    """A file could not be loaded; `problems` lists why, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))


class Result(NamedTuple):
    """What checking one file found: its kind (if known), the model (if it loaded) and every problem."""

    path: Path
    kind: Kind | None
    model: Document | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.model is not None and not any(p.severity == "error" for p in self.problems)

    def unwrap(self) -> Document:
        if not self.ok:
            raise LoadError([p for p in self.problems if p.severity == "error"])
        assert self.model is not None
        return self.model


class Source:
    """A file read and parsed once; its node tree is composed only when a problem needs a position."""

    def __init__(self, path: Path, text: str, parsed: yamlsafe.Parsed) -> None:
        self.path, self.text, self.data = path, text, parsed.data
        self.problems = [self.at(i.line, i.col, i.message, i.hint, i.severity) for i in parsed.issues]
        self._locator: yamlsafe.Locator | None = None

    def at(
        self, line: int, col: int, message: str, hint: str = "", severity: Literal["error", "warning"] = "error"
    ) -> Problem:
        return Problem(str(self.path), line, col, message, hint, severity)

    def locate(self, loc: checks.Loc, at_key: bool = False) -> tuple[int, int]:
        if self._locator is None:
            try:
                self._locator = yamlsafe.Locator(yamlsafe.compose(self.text))
            except yaml.YAMLError:
                # `parse` accepted the text, so the composer should too; if the two ever disagree, a problem
                # placed at the top of the file still beats a traceback.
                return (1, 1)
        return self._locator(loc, at_key)

    def finding(self, f: checks.Finding) -> Problem:
        return self.at(*self.locate(f.loc, f.at_key), f.message, f.hint, f.severity)


def read_source(path: Path, text: str | None = None) -> Source | Result:
    """The parsed file, or a Result holding why it could not be read or parsed."""
    try:
        if text is None:
            text = yamlsafe.read_text(path)
        return Source(path, text, yamlsafe.parse(text))
    except yamlsafe.YamlError as exc:
        problems = tuple(Problem(str(path), i.line, i.col, i.message, i.hint) for i in exc.issues)
        return Result(path, None, None, _capped(problems))


def detect_kind(data: object) -> Kind | None:
    """A mapping with `severities` is a playbook, one with `truth` a scenario; a list is an action script."""
    if isinstance(data, list):
        return "script"
    if isinstance(data, dict):
        if "severities" in data:
            return "playbook"
        if "truth" in data:
            return "scenario"
    return None


def _capped(problems: tuple[Problem, ...] | list[Problem]) -> tuple[Problem, ...]:
    ordered = sorted(problems, key=lambda p: (p.line, p.col))
    if len(ordered) <= MAX_PROBLEMS:
        return tuple(ordered)
    last = ordered[MAX_PROBLEMS - 1]
    more = Problem(last.path, last.line, last.col, f"… and {len(ordered) - MAX_PROBLEMS} more problems not shown")
    return (*ordered[:MAX_PROBLEMS], more)


def _validate(src: Source, kind: Kind) -> tuple[Document | None, list[Problem]]:
    """The model for `kind`, or the problems that stop it (shape, kind mismatch, validation errors)."""
    data = src.data
    detected = detect_kind(data)
    wanted = list if kind == "script" else dict
    if not isinstance(data, wanted):
        containers: dict[type, str] = {list: "a list", dict: "a mapping"}
        found = containers.get(type(data), "a single value")
        return None, [src.at(*src.locate(()), f"expected a {kind} but the file holds {found}", _SHAPES[kind])]
    if detected is not None and detected != kind:
        message = f"expected a {kind} but this looks like a {detected}"
        return None, [src.at(*src.locate(()), message, _SHAPES[kind])]
    model_cls = MODELS[kind]
    try:
        return model_cls.model_validate(data), []
    except (ArithmeticError, TypeError, LookupError) as exc:
        # A model rule that trips over an extreme value (not a ValueError, so validation lets it through):
        # still the file's fault, still a problem to report, never a traceback.
        message = f"the file could not be checked: {exc} (a number or a duration is out of range)"
        return None, [src.at(1, 1, message, "look for very large numbers or durations")]
    except ValidationError as exc:
        from sim.format import explain  # the wording of errors is needed only when there are errors

        # Only the problems that will be shown are worded (finding a did-you-mean is the costly part); the
        # rest are placed, so the count of those not shown stays right, and left unworded.
        errors = explain.kept(exc.errors(), model_cls)
        placed = sorted(
            ((src.locate(*explain.where(err)), i) for i, err in enumerate(errors)), key=lambda pos_i: pos_i[0]
        )
        problems = []
        for rank, (pos, i) in enumerate(placed):
            if rank < MAX_PROBLEMS:
                _, message, hint, _ = explain.describe(errors[i], model_cls)
                problems.append(src.at(*pos, message, hint))
            else:
                problems.append(src.at(*pos, ""))
        return None, problems


_playbook_cache: dict[tuple[str, str], Result] = {}


def _playbook_key(path: Path, text: str) -> tuple[str, str]:
    return (str(path.resolve()), text)


def _check_playbook(src: Source) -> Result:
    model, problems = _validate(src, "playbook")
    if isinstance(model, Playbook):
        found = checks.non_finite(model) or checks.check_playbook(model) + rule_checks.check_playbook_rules(model)
        problems += [src.finding(f) for f in found]
    result = _result(src, "playbook", model, problems)
    if len(_playbook_cache) > 256:  # bundled and user playbooks, re-read by every command; keep it small
        _playbook_cache.clear()
    _playbook_cache[_playbook_key(src.path, src.text)] = result
    return result


def _check_scenario(src: Source, playbooks: Mapping[str, Playbook]) -> Result:
    model, problems = _validate(src, "scenario")
    if isinstance(model, Scenario):
        playbook = playbooks.get(model.playbook)
        if playbook is None:
            problems.append(src.finding(checks.undefined("playbook", model.playbook, sorted(playbooks), ("playbook",))))
        bad = checks.non_finite(model)
        found = bad or checks.check_scenario(model, playbook)
        if playbook is not None and not bad:
            found += rule_checks.check_scenario_rules(model, playbook)  # what it takes from its playbook
        problems += [src.finding(f) for f in found]
    return _result(src, "scenario", model, problems)


def _check_script(src: Source, scenario: Scenario | None, playbook: Playbook | None, no_scenario: str) -> Result:
    model, problems = _validate(src, "script")
    if isinstance(model, Script):
        if scenario is None and no_scenario:
            hint = "its steps were checked against the standard actions only"
            problems.append(src.at(1, 1, no_scenario, hint, "warning"))
        findings = checks.non_finite(model) or checks.check_script(model, scenario, playbook, src.data)
        problems += [src.finding(f) for f in findings]
    return _result(src, "script", model, problems)


def _result(src: Source, kind: Kind, model: Document | None, problems: list[Problem]) -> Result:
    everything = src.problems + problems
    if any(p.severity == "error" for p in everything):
        model = None
    return Result(src.path, kind, model, _capped(everything))


@overload
def check_file(path: str | Path, kind: Literal["playbook"]) -> Result: ...
@overload
def check_file(
    path: str | Path, kind: Literal["script"], *, scenario: Scenario | None = None, playbook: Playbook | None = None
) -> Result: ...
@overload
def check_file(
    path: str | Path,
    kind: Literal["scenario"] | None = None,
    *,
    playbooks: Mapping[str, Playbook],
    scenario: Scenario | None = None,
    playbook: Playbook | None = None,
) -> Result: ...
def check_file(
    path: str | Path,
    kind: Kind | None = None,
    *,
    playbooks: Mapping[str, Playbook] | None = None,
    scenario: Scenario | None = None,
    playbook: Playbook | None = None,
) -> Result:
    """Check one file and report everything found; never raises for anything in the file.

    Only `path` is read: what it refers to is given. `kind` None detects it from the content. A scenario's
    playbook id resolves in `playbooks` (a file that may be a scenario needs them; `sim.format.library.Library`
    knows where to look). A script is checked against `scenario` and `playbook` when given, else against
    the standard actions only.
    """
    path = Path(path)
    try:
        text = yamlsafe.read_text(path)
    except yamlsafe.YamlError as exc:
        return Result(path, None, None, tuple(Problem(str(path), i.line, i.col, i.message, i.hint) for i in exc.issues))
    if kind == "playbook":
        # Playbooks are re-read by every command and for every scenario beside them: skip the parse when
        # the same text was checked before.
        cached = _playbook_cache.get(_playbook_key(path, text))
        if cached is not None:
            return cached._replace(path=path, problems=tuple(replace(p, path=str(path)) for p in cached.problems))
    src = read_source(path, text)
    if isinstance(src, Result):
        return src
    return check_source(src, kind, playbooks=_or_none(playbooks), scenario=scenario, playbook=playbook)


def check_source(
    src: Source,
    kind: Kind | None = None,
    *,
    playbooks: Mapping[str, Playbook] | None = None,
    scenario: Scenario | None = None,
    playbook: Playbook | None = None,
    no_scenario: str = "",
) -> Result:
    """check_file for a file already read (so a caller can look at its kind first). `no_scenario` says why
    a script comes without its scenario: a warning on the script."""
    if kind is None:
        kind = detect_kind(src.data)
        if kind is None:
            return Result(src.path, None, None, _capped([*src.problems, _unknown_kind(src)]))
    if kind == "playbook":
        return _check_playbook(src)
    if kind == "scenario":
        return _check_scenario(src, _or_none(playbooks))
    return _check_script(src, scenario, playbook, no_scenario)


def _or_none(playbooks: Mapping[str, Playbook] | None) -> Mapping[str, Playbook]:
    # Not `playbooks or {}`: the truth of a lazy mapping (`sim.format.library.Playbooks`) would read every file.
    return {} if playbooks is None else playbooks


def _unknown_kind(src: Source) -> Problem:
    data = src.data
    hint = "a playbook has 'severities', a scenario has 'truth', an action script is a list of steps"
    if isinstance(data, dict):
        for key in data:
            near = checks.did_you_mean(key, ("severities", "truth"))
            if near:
                return src.at(*src.locate((key,), True), "cannot tell what this file is", f"{near} ({hint})")
        return src.at(*src.locate(()), "cannot tell what this file is: no 'severities' or 'truth' key", hint)
    return src.at(*src.locate(()), "expected a mapping or a list, but the file holds a single value", hint)


def load_playbook(path: str | Path) -> Playbook:
    """The playbook in `path`; raises LoadError listing every problem."""
    return check_file(path, "playbook").unwrap()  # type: ignore[return-value]


def load_scenario(path: str | Path, playbooks: Mapping[str, Playbook]) -> Scenario:
    """The scenario in `path`, its playbook id resolved in `playbooks`; raises LoadError listing every
    problem. (`sim.format.library.Library.load_scenario` finds the playbooks too.)"""
    return check_file(path, "scenario", playbooks=playbooks).unwrap()  # type: ignore[return-value]


def load_script(path: str | Path, scenario: Scenario | None = None, playbook: Playbook | None = None) -> Script:
    """The action script in `path`, its steps checked against `scenario` and `playbook` when given."""
    return check_file(path, "script", scenario=scenario, playbook=playbook).unwrap()  # type: ignore[return-value]
