"""Bundled content by name: a pipx user never has to dig through site-packages for a scenario, a playbook
or a solution script."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from click.testing import CliRunner

from scenarios import SCRIPTS
from tui.cli import main


def warroom(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_validate_and_lint_take_scenario_and_playbook_ids() -> None:
    code, out, _ = warroom("validate", "tutorial", "samplemind")
    assert (code, out.splitlines()[-1]) == (0, "2 files checked: 2 valid, 0 invalid")
    assert warroom("lint", "tutorial")[0] == 0
    code, _, err = warroom("validate", "no-such-drill")
    assert code == 2 and "no file, scenario or playbook named 'no-such-drill'" in err


def test_run_takes_a_scripts_name(tmp_path: Path) -> None:
    by_name = warroom("run", "tutorial", "--actions", "ideal")
    by_path = warroom("run", "tutorial", "--actions", SCRIPTS / "tutorial" / "ideal.yaml")
    assert by_name[0] == 0 and by_name == by_path
    code, _, err = warroom("run", "tutorial", "--actions", "bogus")
    assert code == 2 and "scenario 'tutorial' has: ideal, mistakes, negligent" in err


def test_resume_takes_a_scripts_name(tmp_path: Path) -> None:
    journal = tmp_path / "part.jsonl"
    assert warroom("run", "tutorial", "--actions", "ideal", "--until", "15m", "--journal", journal)[0] == 0
    code, out, _ = warroom("resume", journal, "--actions", "ideal")
    assert code == 0 and "drill.ended" in out


def test_a_new_scenarios_schema_link_resolves(tmp_path: Path) -> None:
    out = tmp_path / "gpu.yaml"
    args = ["new", "--playbook", "samplemind", "--type", "cost-spike", "--title", "GPU bill", "-o", out]
    assert warroom(*args)[0] == 0
    link = re.match(r"# yaml-language-server: \$schema=(\S+)", out.read_text(encoding="utf-8"))
    assert link is not None
    target = Path(unquote(urlparse(link.group(1)).path))
    assert target.name == "scenario.schema.json" and target.is_file()


def test_review_is_the_review_and_replay_still_opens_it() -> None:
    listed = CliRunner().invoke(main, ["--help"]).output
    names = [line.split()[0] for line in listed.split("Commands:")[1].splitlines() if line.startswith("  ")]
    assert "review" in names and "replay" not in names
    for name in ("review", "replay"):
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0 and "Review a finished drill" in result.output
