"""Bundled data: playbooks, scenarios, solution scripts and JSON Schemas. This module only locates them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
PLAYBOOKS = ROOT / "playbooks"  # <playbook-id>.yaml
LIBRARY = ROOT / "library"  # <scenario-id>.yaml
SCRIPTS = ROOT / "scripts"  # <scenario-id>/{ideal,mistakes,negligent}.yaml
SCHEMA = ROOT / "schema"  # scenario.schema.json, playbook.schema.json, actions.schema.json
DEFAULT_SCENARIO = "tutorial"
