"""`warroom schema [scenario|playbook|actions]`: print a format's JSON Schema (for editors and other tools)."""

from __future__ import annotations

import sys

import click

from sim.format.schema import MODELS, render


@click.command()
@click.argument("kind", type=click.Choice(list(MODELS)), default="scenario")
def schema(kind: str) -> None:
    """Print the JSON Schema of scenarios (the default), playbooks or action scripts."""
    sys.stdout.write(render(kind))
