"""A team drill's seat in a real browser: `warroom host --headless` runs the drill, `warroom serve --join` serves
seats, and the system's headless Chromium joins through a tab: it types a name, takes a role in the lobby, and
plays once the host starts the drill (when its one player has joined). Skipped where Chromium is not installed,
as test_serve_browser.py is, whose page tools this test reuses."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, sync_playwright

from .test_serve_browser import CATCH_TERMINAL, CHROMIUM, WAIT, clock, open_tab, screenshot, wait_for

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`apt-get install chromium`)")
JOIN = re.compile(r"warroom join (\S+) --code (\S+)")
SERVING = re.compile(r"http://127\.0\.0\.1:\d+")


class Process:
    """A `warroom` subprocess whose output is read as it comes; `wait_for(pattern)` gives the first match."""

    def __init__(self, *args: str) -> None:
        self.args = args
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._new:
                self.lines.append(line)
                self._new.notify_all()

    def wait_for(self, pattern: re.Pattern[str]) -> re.Match[str]:
        with self._new:
            found = self._new.wait_for(lambda: pattern.search("".join(self.lines)), WAIT)
        if not found:
            self.stop()
            said = "".join(self.lines)
            pytest.fail(f"`warroom {' '.join(self.args)}` never printed {pattern.pattern}:\n{said}")
        match = pattern.search("".join(self.lines))
        assert match is not None
        return match

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def hosted(_private_home: Path) -> Iterator[tuple[str, str]]:
    host = Process(
        "host", "tutorial", "--headless", "--players", "1", "--listen", "127.0.0.1:0",
        "--journal", str(_private_home / "team.jsonl"),
    )  # fmt: skip
    match = host.wait_for(JOIN)
    yield match.group(1), match.group(2)
    host.stop()


@pytest.fixture
def seat_page(hosted: tuple[str, str]) -> Iterator[Page]:
    address, code = hosted
    server = Process("serve", "--port", "0", "--join", address, "--code", code)
    url = server.wait_for(SERVING).group(0)
    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1200, "height": 760})
        context.add_init_script(CATCH_TERMINAL)

        def local_only(route: Route) -> None:
            if route.request.url.startswith(url):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", local_only)
        yield open_tab(context, url)
        browser.close()
    server.stop()


def test_a_browser_tab_joins_a_hosted_drill_and_plays(seat_page: Page) -> None:
    page = seat_page
    wait_for(page, "the name dialog", lambda s: "Who are you in this drill?" in s)
    page.keyboard.type("Robin")
    page.keyboard.press("Enter")
    lobby = wait_for(page, "the lobby", lambda s: "Team drill: Tutorial" in s and "Incident Commander" in s)
    assert "Robin" in lobby
    screenshot(page, "team-lobby")
    page.keyboard.press("Enter")  # the first role: incident commander; the host then starts (one player)
    started = clock(wait_for(page, "the drill clock", lambda s: clock(s) is not None))
    assert started is not None
    screen = wait_for(page, "the clock moving on", lambda s: (clock(s) or 0) > started)
    assert "Robin · Incident Commander" in screen
    page.keyboard.press("m")
    page.keyboard.type("I have the incident.")
    page.keyboard.press("Enter")
    wait_for(page, "the message in the feed", lambda s: "Robin (Incident Commander (IC)): I have the incident." in s)
    screenshot(page, "team-drill")
