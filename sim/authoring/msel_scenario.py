"""A scenario written from an MSEL: another scenario's YAML (the one given with `--into`, or a new scaffold)
with its `injects:` replaced by the list's events and the rest kept byte for byte. The result is checked by
the scenario loader, and each problem in an inject is reported at the CSV cell it came from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from sim.authoring.msel import MselError, Row, number
from sim.authoring.msel_cells import inject_data
from sim.format import loading, yamlsafe
from sim.format.loading import Problem
from sim.format.playbook import Playbook
from sim.format.scenario import Scenario

MAX_PROBLEMS = 50
# The column each inject key is written from, to word the loader's messages for the spreadsheet.
COLUMN_OF = {
    "id": "Inject ID",
    "kind": "Delivery method",
    "from": "From",
    "text": "Event synopsis",
    "trigger": "Trigger",
    "unless": "Expected action",
}
_LOC = re.compile(r"^injects\[\d+\]\.[A-Za-z_]+(?:\.[A-Za-z_]+|\[\d+\])*:? ")


class Written(NamedTuple):
    """The scenario's YAML text, the scenario it loads as (None when it has errors), and every problem:
    the inject ones at their CSV cells, the others where they are in `text`."""

    text: str
    scenario: Scenario | None
    problems: tuple[Problem, ...]


# Written bare: words no YAML reader takes for anything but a string (ids, kinds, durations such as `30s`).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*|(?=\d)(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?(?<=[hms])")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "nan", "inf"}


def _word(value: str) -> str:
    return value if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED else _dq(value)


def _dq(value: str) -> str:
    """A double-quoted YAML scalar on one line: every character escaped as YAML requires, nothing resolved."""
    return yaml.safe_dump(value, default_style='"', width=float("inf"), allow_unicode=True).rstrip("\n")


def _flow(value: Any) -> str:
    """A value in YAML flow style on one line: strings double-quoted, numbers as Python writes them."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_word(str(k))}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, float):
        return number(value)
    return _word(str(value))


def injects_yaml(injects: Sequence[dict[str, Any]]) -> tuple[list[str], list[tuple[int, str]]]:
    """The `injects:` block's lines, and for each line after the first, (inject index, key) it holds."""
    lines, owner = ["injects:"], []
    if not injects:
        return ["injects: []"], []
    for i, data in enumerate(injects):
        for j, (key, value) in enumerate(data.items()):
            shown = _dq(value) if key == "text" else _flow(value)  # free text: always quoted
            lines.append(("  - " if j == 0 else "    ") + f"{key}: {shown}")
            owner.append((i, key))
    return lines, owner


def _top_level(text: str) -> dict[str, tuple[Any, Any]]:
    """Top-level key -> (key node, value node) of a YAML mapping."""
    root = yamlsafe.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}


def with_injects(base: str, block: list[str], values: Mapping[str, str] | None = None) -> tuple[str, int, int]:
    """`base` with its top-level `injects:` replaced by `block` (appended when it has none), then the scalar
    values of other top-level keys set as given (`{"id": "x"}`, on the line they were). Also returns the line
    the block starts on, and how many lines of `base` it replaced."""
    keys = _top_level(base)
    lines = base.splitlines(keepends=True)
    if "injects" not in keys:
        head = "".join(lines)
        head += "" if head.endswith("\n") or not head else "\n"
        text, first, removed = head + "\n".join(block) + "\n", head.count("\n") + 1, 0
    else:
        start = keys["injects"][0].start_mark.line  # 0-based
        after = sorted(k.start_mark.line for k, _ in keys.values() if k.start_mark.line > start)
        end = after[0] if after else len(lines)
        # Comments and blank lines just before the next key belong to it.
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        text = "".join(lines[:start]) + "\n".join(block) + "\n" + "".join(lines[end:])
        first, removed = start + 1, end - start
    if values:
        keys = _top_level(text)
        # Last in the file first, so the earlier marks stay right.
        for key in sorted(values, key=lambda k: -keys[k][1].start_mark.index if k in keys else 0):
            node = keys[key][1] if key in keys else None
            if isinstance(node, yaml.ScalarNode) and node.value == values[key]:
                continue  # as written: keep its bytes
            if not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
                raise ValueError(f"its {key!r} is not written on one line; change it in the file itself")
            text = text[: node.start_mark.index] + _dq(values[key]) + text[node.end_mark.index :]
    return text, first, removed


def write_scenario(
    rows: Sequence[Row],
    csv_path: str,
    base: str,
    base_path: str,
    playbooks: Mapping[str, Playbook],
    values: Mapping[str, str] = {},
) -> Written:
    """The scenario `base` (YAML text read from `base_path`) with the MSEL's rows as its injects, checked.
    Raises MselError when a row cannot be read at all (a cell of the wrong shape)."""
    datas: list[dict[str, Any]] = []
    cells: list[dict[str, tuple[int, int]]] = []
    problems: list[Problem] = []
    for n, row in enumerate(rows, 1):
        try:
            data, where = inject_data(row, n, csv_path)
        except MselError as exc:
            problems += exc.problems
            continue
        datas.append(data)
        cells.append(where)
    if problems:
        raise MselError(problems[:MAX_PROBLEMS])
    block, owner = injects_yaml(datas)
    text, first, removed = with_injects(base, block, values)
    src = loading.read_source(Path(base_path), text)
    if isinstance(src, loading.Result):  # the base itself does not parse
        return Written(text, None, src.problems)
    result = loading.check_source(src, "scenario", playbooks=playbooks)
    shift = len(block) - removed
    mapped = []
    for p in result.problems:
        k = p.line - first - 1  # the block's first line is `injects:`
        if 0 <= k < len(owner):
            i, key = owner[k]
            row = rows[i]
            line, col = cells[i].get(key, (row.line, 1))
            # `injects[3].trigger.metric …` names a YAML path the spreadsheet does not have.
            message = _LOC.sub(f"{COLUMN_OF.get(key, key)}: ", p.message)
            mapped.append(Problem(csv_path, line, col, message, p.hint, p.severity))
        elif p.line >= first + len(block):  # after the block: where it is in the base file
            mapped.append(Problem(p.path, p.line - shift, p.col, p.message, p.hint, p.severity))
        else:
            mapped.append(p)
    ok = result.ok
    scenario = result.model if ok and isinstance(result.model, Scenario) else None
    return Written(text, scenario, tuple(sorted(mapped, key=lambda p: (p.path != csv_path, p.line, p.col))))
