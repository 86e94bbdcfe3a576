"""`warroom serve` without a browser: where it listens and what it says, the command each tab runs, which pages
may start drills, and a tab's app under Textual's web driver. tests/browser/ plays it in Chromium."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui.app import _reader_gone
from tui.cli import main, needs_terminal, under_web_driver
from tui.cli.serve import tab_command, url_for
from tui.webserver import WarroomServer, is_loopback, may_open_drill

WEB_DRIVER = "textual.drivers.web_driver:WebDriver"


def serve(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "serve", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def server() -> Iterator[str]:
    """A server on a free localhost port; its address."""
    proc = serve("--port", "0")
    assert proc.stdout is not None
    first = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)", first)
    assert found, first + proc.communicate(timeout=30)[1]
    yield found.group(0)
    proc.terminate()
    assert proc.wait(30) == 0


# -- where it listens ---------------------------------------------------------------------------------------


def test_it_says_where_it_serves_and_stops_cleanly(server: str) -> None:
    with urllib.request.urlopen(server + "/", timeout=30) as response:
        assert response.status == 200


def test_a_port_in_use_is_one_line_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out, err = (proc := serve("--port", str(port))).communicate(timeout=60)
    assert proc.returncode == 1
    assert err == f"warroom: cannot listen on http://127.0.0.1:{port}: address already in use\n"
    assert out == ""


@pytest.mark.parametrize("port", ["65536", "-1", "http"])
def test_a_port_that_is_no_port_is_a_usage_error(port: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", port])
    assert result.exit_code == 2
    assert "--port" in result.output


def announced(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[str, str]:
    """What `warroom serve ARGS` prints on start (stdout, stderr), the server told it listens on port 8123."""

    def listening(self: WarroomServer, announce: Callable[[int], None]) -> None:
        announce(8123)

    monkeypatch.setattr(WarroomServer, "run", listening)
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_it_binds_to_localhost_unless_told(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = announced(monkeypatch)
    assert "Serving warroom at http://127.0.0.1:8123" in out
    assert err == ""


def test_beyond_localhost_it_warns_that_anyone_on_the_network_can_play(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = announced(monkeypatch, "--host", "0.0.0.0")
    assert "Serving warroom at http://localhost:8123" in out
    assert "warning: listening on 0.0.0.0, beyond this machine" in err
    assert "anyone who can reach port 8123" in err


@pytest.mark.parametrize(
    ("host", "local"),
    [
        *[("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.0.0.2", True)],
        *[("0.0.0.0", False), ("::", False), ("192.0.2.7", False), ("warroom.example", False)],
    ],
)
def test_loopback_hosts(host: str, local: bool) -> None:
    assert is_loopback(host) is local


def test_urls_for_hosts() -> None:
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert url_for("::", 8000) == "http://localhost:8000"
    assert url_for("::1", 8000) == "http://[::1]:8000"


# -- what each tab runs -------------------------------------------------------------------------------------


def test_each_tab_runs_this_python_s_warroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my scenarios").mkdir()
    argv = shlex.split(tab_command((Path("my scenarios"),), facilitator=True))
    assert argv == [
        sys.executable,
        "-P",
        "-m",
        "tui.cli",
        "--scenarios",
        str(tmp_path / "my scenarios"),
        "--facilitator",
    ]
    assert shlex.split(tab_command((), facilitator=False)) == [sys.executable, "-P", "-m", "tui.cli"]


def test_the_tab_command_is_the_warroom_cli() -> None:
    proc = subprocess.run(
        [*shlex.split(tab_command((), facilitator=False)), "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("warroom")


def test_with_join_each_tab_joins_the_hosted_drill_and_the_code_stays_off_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WARROOM_CODE", raising=False)
    commands: list[str] = []
    real_init = WarroomServer.__init__

    def init(self: WarroomServer, command: str, **kwargs: object) -> None:
        commands.append(command)
        real_init(self, command, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WarroomServer, "__init__", init)
    out, _ = announced(monkeypatch, "--join", "127.0.0.1:7788", "--code", "4J7Q-K2MX-9TRA")
    assert "each tab joins the team drill at 127.0.0.1:7788" in out
    assert shlex.split(commands[0]) == [sys.executable, "-P", "-m", "tui.cli", "join", "127.0.0.1:7788"]
    assert "4J7Q" not in commands[0]  # other users of the machine can read command lines
    assert os.environ["WARROOM_CODE"] == "4J7Q-K2MX-9TRA"  # the tabs inherit the server's environment


@pytest.mark.parametrize(
    "args",
    [["--join", "127.0.0.1:7788"], ["--code", "X"], ["--join", "h:1", "--code", "X", "--facilitator"]],
)
def test_join_takes_a_code_and_nothing_of_a_solo_drill(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 2
    assert "--join" in result.output


# -- which pages may start drills ---------------------------------------------------------------------------


def test_the_page_points_back_at_the_address_the_browser_used(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    request = urllib.request.Request(server + "/", headers={"Host": f"localhost:{port}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
    assert f'data-session-websocket-url="ws://localhost:{port}/ws"' in page


def test_another_site_s_page_cannot_start_a_drill(server: str) -> None:
    request = urllib.request.Request(
        server + "/ws",
        headers={
            "Origin": "http://attacker.example",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 403


@pytest.mark.parametrize(
    ("origin", "host", "local", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True, True),
        ("http://localhost:8000", "localhost:8000", True, True),
        (None, "127.0.0.1:8000", True, True),  # not a browser: a program on this machine
        ("http://attacker.example", "127.0.0.1:8000", True, False),  # another site's script
        ("http://localhost:9999", "localhost:8000", True, False),  # another local site
        ("http://rebound.example:8000", "rebound.example:8000", True, False),  # DNS rebinding
        ("http://warroom.lan:8000", "warroom.lan:8000", False, True),  # --host 0.0.0.0, reached by name
        ("http://attacker.example", "warroom.lan:8000", False, False),
        ("http://127.0.0.1:8000", None, True, False),
        ("http://[::1", "127.0.0.1:8000", True, False),  # not a URL
        ("http://127.0.0.1:8000", "[::1", True, False),
        ("http://[::1]:8000", "[::1]:8000", True, True),
    ],
)
def test_which_pages_may_open_drills(origin: str | None, host: str | None, local: bool, allowed: bool) -> None:
    assert may_open_drill(origin, host, local) is allowed


# -- a tab's app, under Textual's web driver ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("driver", "web"),
    [(WEB_DRIVER, True), ("textual.drivers.linux_driver:LinuxDriver", False), ("no.such:Driver", False), ("", False)],
)
def test_the_web_driver_is_told_from_the_environment(monkeypatch: pytest.MonkeyPatch, driver: str, web: bool) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", driver)
    assert under_web_driver() is web


def test_a_tab_needs_no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_DRIVER", WEB_DRIVER)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    needs_terminal()  # returns: does not exit


def test_a_tab_notices_when_the_server_is_gone() -> None:
    read, write = os.pipe()
    try:
        assert not _reader_gone(write)
        os.close(read)
        assert _reader_gone(write)
    finally:
        os.close(write)
