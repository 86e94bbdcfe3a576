"""The `warroom` entry point: help, version, and a clear refusal without a terminal."""

import subprocess
import sys

from click.testing import CliRunner

from sim import __version__
from tui.cli import COMMANDS, main


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


def test_no_terminal_is_one_clear_line_and_exit_2() -> None:
    # A real subprocess with stdin from /dev/null, as CI runs it.
    proc = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "needs an interactive terminal" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
