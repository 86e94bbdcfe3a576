"""`warroom serve` in a real browser: the system's headless Chromium, driven by Playwright, opens the picker in
a tab, starts the tutorial by typing into the page's terminal, and watches the drill clock run. Skipped only
where Chromium is not installed (`.ci/run` installs it). `WARROOM_SCREENSHOTS=docs/screenshots` retakes the
screenshots the docs show."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, sync_playwright

# Only the system's browser: Playwright's own builds are never downloaded (WARROOM_CHROMIUM names another).
CHROMIUM = os.environ.get("WARROOM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (`apt-get install chromium`)")
WAIT = 30.0  # seconds any one step may take before the test fails; each is a poll, not a sleep

# xterm.js draws the terminal on a canvas, so the page holds no text to read, and textual-serve keeps its
# xterm.js Terminal to itself. Run before the page's own scripts, this catches every object the page assigns
# to a `terminal` property (textual-serve's `this.terminal = new Terminal(...)`), so the test can read the
# characters xterm.js holds on screen, after the browser has received and parsed them.
CATCH_TERMINAL = """
window.__terminals = [];
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    window.__terminals.push(value);
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true, enumerable: true});
  },
});
"""
READ_SCREEN = """() => {
  const term = window.__terminals.find((t) => t && t.buffer);
  if (!term) return "";
  const buffer = term.buffer.active, rows = [];
  for (let y = 0; y < term.rows; y++) rows.push(buffer.getLine(buffer.viewportY + y).translateToString(true));
  return rows.join("\\n");
}"""
CLOCK = re.compile(r"T\+(\d\d):(\d\d):(\d\d)")


class Served:
    """`warroom serve --port 0` in a subprocess (the server's own Python, the test's WARROOM_HOME), and the
    address it says it serves at."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "serve", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        self._announced = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._announced.wait(WAIT):
            self.stop()
            pytest.fail(f"`warroom serve` did not say where it serves:\n{self.text}")
        found = re.search(r"http://127\.0\.0\.1:\d+", self.text)
        assert found, self.text
        self.url = found.group(0)

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            if "Serving warroom at" in line:
                self._announced.set()

    @property
    def text(self) -> str:
        return "".join(self.output)

    def stop(self) -> int:
        """Ctrl+C, as a person stops it."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def tab_processes(home: Path) -> set[int]:
    """The warroom processes running for this test's WARROOM_HOME, the server's tabs among them."""
    found: set[int] = set()
    marker = f"WARROOM_HOME={home}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if b"tui.cli" in (entry / "cmdline").read_bytes() and marker in (entry / "environ").read_bytes():
                found.add(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def wait_for(page: Page, what: str, ready: Callable[[str], bool]) -> str:
    """The terminal's text once `ready(text)` holds; fails, showing the screen, if it does not in time."""
    deadline = time.monotonic() + WAIT
    text = ""
    while time.monotonic() < deadline:
        text = page.evaluate(READ_SCREEN)
        if ready(text):
            return text
        page.wait_for_timeout(100)
    pytest.fail(f"the browser never showed {what}; its terminal reads:\n{text}")


def clock(text: str) -> int | None:
    """The drill clock on screen, in sim seconds."""
    found = CLOCK.search(text)
    return None if found is None else int(found[1]) * 3600 + int(found[2]) * 60 + int(found[3])


def screenshot(page: Page, name: str) -> None:
    if where := os.environ.get("WARROOM_SCREENSHOTS"):
        Path(where).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(where) / f"{name}.png"))


def open_tab(context: BrowserContext, url: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.locator(".xterm-helper-textarea").focus()  # where xterm.js takes the keyboard
    return page


@pytest.fixture
def served(_private_home: Path) -> Iterator[Served]:
    server = Served()
    yield server
    server.stop()


@pytest.fixture
def page(served: Served) -> Iterator[Page]:
    assert CHROMIUM is not None  # pytestmark skips the module without it
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        context = browser.new_context(viewport={"width": 1200, "height": 760})
        context.add_init_script(CATCH_TERMINAL)

        def local_only(route: Route) -> None:
            # The page asks for a web font from the internet: only this server is ever reached.
            if route.request.url.startswith(served.url):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", local_only)
        page = open_tab(context, served.url)
        yield page
        browser.close()


def test_tabs_play_drills_of_their_own(served: Served, page: Page, _private_home: Path) -> None:
    picker = wait_for(page, "the picker asking for a name", lambda s: "Who is on call today?" in s)
    assert "choose a drill" in picker
    assert "Tutorial: a bad config push" in picker
    screenshot(page, "serve-picker")

    page.keyboard.type("Robin")
    page.keyboard.press("Enter")
    wait_for(page, "the picker without the name dialog", lambda s: "Who is on call" not in s)
    page.keyboard.press("/")
    wait_for(page, "the search box taking the keys", lambda s: "q Quit" not in s)  # the footer hides the letters
    page.keyboard.type("tutorial")
    wait_for(page, "the tutorial alone in the list", lambda s: bool(re.search(r"· 1 of \d+ scenarios", s)))
    page.keyboard.press("Enter")  # in the search box, Enter opens the only match
    briefing = wait_for(page, "the tutorial's briefing", lambda s: "Start the drill" in s)
    assert "Robin" in briefing

    page.keyboard.press("Enter")
    started = clock(wait_for(page, "the drill clock", lambda s: clock(s) is not None))
    assert started is not None
    wait_for(page, "the drill clock moving on", lambda s: (clock(s) or 0) > started)
    if os.environ.get("WARROOM_SCREENSHOTS"):
        wait_for(page, "the tutorial's first hint", lambda s: "HINT" in s)  # a fuller picture for the docs
    screenshot(page, "serve-drill")

    # The tab is a warroom with the server's environment: it journals the drill in the server's WARROOM_HOME.
    assert list((_private_home / "journals").glob("tutorial-*.jsonl"))

    # Another tab is another drill: a picker of its own, which does not offer the first tab's drill back.
    other = open_tab(page.context, served.url)
    second = wait_for(other, "a second picker", lambda s: "choose a drill" in s)
    assert "left unfinished" not in second
    tabs = tab_processes(_private_home)
    assert len(tabs) >= 3, f"the server and a warroom per tab should run, found {tabs}"

    # Ctrl+C on the server ends every tab's drill, and each tab says so.
    assert served.stop() == 0
    deadline = time.monotonic() + WAIT
    while tab_processes(_private_home) & tabs and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tab_processes(_private_home) & tabs, "a tab's warroom outlived the server"
    for tab in (page, other):
        tab.wait_for_selector("body.-closed", timeout=WAIT * 1000)  # textual-serve's "Session ended."
