"""The command palette's drill provider: every available action and time control, by fuzzy search."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from sim.format.durations import format_duration
from tui.settings import DIALOG_PAUSE

if TYPE_CHECKING:
    from tui.screens.drill import DrillScreen

# (title, help, screen method name): the time controls and views beside the drill's actions.
_CONTROLS: tuple[tuple[str, str, str], ...] = (
    ("Pause / resume", "Stop or restart the sim clock (space)", "action_toggle_pause"),
    ("Step one minute", "While paused: move the sim clock on by a minute (n)", "action_step"),
    ("Faster", "Speed up the sim clock (+)", "action_faster"),
    ("Slower", "Slow down the sim clock (-)", "action_slower"),
    ("Filter the feed", "Choose which kinds of lines to show (f)", "action_filter"),
    ("End the drill now", "Stop here and go to the debrief", "action_end_drill"),
)


def highlight(matcher: Matcher, text: str) -> Content:
    """`Matcher.highlight` reads its candidate as markup; scenario labels must stay literal, so the
    matched letters are styled on plain Content instead."""
    content = Content(text)
    _, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


Command = tuple[str, str, Callable[[], object]]  # (title, help, what it runs)


class CommandList(Provider):
    """A palette provider over a list of (title, help, callable): fuzzy search on the title, kept literal."""

    def _commands(self) -> list[Command]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(Content(title), command, text=title, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, highlight(matcher, title), command, text=title, help=help_text)


class DrillCommands(CommandList):
    """Registered on the drill screen through `COMMANDS`; the palette opens with ctrl+p."""

    def _commands(self) -> list[Command]:
        screen: DrillScreen = self.screen  # type: ignore[assignment]
        commands: list[Command] = []
        done = screen.state.done
        for spec in screen.available().values():
            # The palette reads help as markup, so scenario text never goes there: only our own words. Nor does
            # it say which actions are destructive: in most scenarios those are the wrong ones, so that would
            # give the answer away (choosing one still asks first).
            hint = f"scenario action, takes {format_duration(spec.duration)}" if spec.scenario else spec.description
            if spec.id in done:
                hint = f"✓ done before. {hint}"
            commands.append((spec.label, hint, partial(screen.take_action, spec.id)))
        for title, help_text, method in _CONTROLS:
            commands.append((title, help_text, getattr(screen, method)))
        for choice, when in DIALOG_PAUSE.items():
            current = choice == screen.settings.dialog_pause
            help_text = "The current choice" if current else "From the next dialog on; remembered for later drills"
            commands.append((f"Dialogs pause the clock: {when}", help_text, partial(screen.set_dialog_pause, choice)))
        return commands
