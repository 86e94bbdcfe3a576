"""JSON Schemas of the file formats, generated from the models: `python -m sim.schema OUTDIR` writes them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.durations import format_duration
from sim.playbook import Playbook
from sim.scenario import Scenario
from sim.script import Script

DURATION_PATTERN = r"^(\d+(\.\d+)?h)?(\d+(\.\d+)?m)?(\d+(\.\d+)?s)?$"  # as sim.durations declares it
MODELS: dict[str, type[BaseModel]] = {"scenario": Scenario, "playbook": Playbook, "actions": Script}
TITLES = {
    "scenario": "warroom scenario",
    "playbook": "warroom playbook",
    "actions": "warroom action script",
}


def filename(kind: str) -> str:
    return f"{kind}.schema.json"


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one format: `scenario`, `playbook` or `actions`."""
    out = MODELS[kind].model_json_schema(by_alias=True, mode="validation")
    _durations_as_written(out)
    out["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    out["title"] = TITLES[kind]
    return out


def _durations_as_written(node: Any) -> None:
    """Pydantic writes a duration's default as float seconds (`10.0`); the format writes `10s`."""
    if isinstance(node, dict):
        if node.get("pattern") == DURATION_PATTERN and isinstance(node.get("default"), int | float):
            node["default"] = format_duration(node["default"])
        for value in node.values():
            _durations_as_written(value)
    elif isinstance(node, list):
        for value in node:
            _durations_as_written(value)


def render(kind: str) -> str:
    """The schema as written to disk: sorted keys, two-space indent, a trailing newline (stable diffs)."""
    return json.dumps(schema(kind), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(outdir: Path) -> list[Path]:
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in MODELS:
        path = outdir / filename(kind)
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m sim.schema OUTDIR", file=sys.stderr)
        return 2
    for path in write(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
