"""The comms composer by key presses: it opens empty, the playbook's template for the chosen audience is one
key away with its first blank selected, ctrl+a selects everything, and blanks left in are asked about."""

from __future__ import annotations

from textual.widgets import Button, OptionList, RadioSet, Static, TextArea

from sim.engine.drill import Drill
from sim.journal.events import ActionStarted
from tui.app import WarroomApp
from tui.modals.base import ConfirmModal
from tui.modals.comms import CommsModal
from tui.screens.drill import DrillScreen


def sent(drill: Drill, action: str) -> list[ActionStarted]:
    return [e for e in drill.events if isinstance(e, ActionStarted) and e.action == action]


def composer(app: WarroomApp) -> CommsModal:
    assert isinstance(app.screen, CommsModal), app.screen
    return app.screen


def box(app: WarroomApp) -> TextArea:
    return composer(app).query_one("#comms-text", TextArea)


def hint(app: WarroomApp) -> str:
    return composer(app).query_one("#comms-hint", Static).visual.plain  # type: ignore[attr-defined]


async def test_it_opens_empty_and_says_which_key_inserts_the_template(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c")
        assert box(app).text == ""
        assert box(app).has_focus
        assert hint(app).startswith("ctrl+t: the playbook's internal update template")
        assert str(composer(app).query_one("#template", Button).label) == "Insert template (ctrl+t)"
        assert not composer(app).query_one("#state-set", RadioSet).display  # states are for the status page


async def test_the_template_goes_in_with_its_first_blank_selected_for_typing_over(
    app: WarroomApp, drill: Drill
) -> None:
    template = drill.playbook.templates.internal_update
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", "ctrl+t")
        assert box(app).text == template
        assert box(app).selected_text == "[Investigating/Identified/Monitoring]"
        await pilot.press(*"Identified")
        assert "Current Status: Identified\n" in box(app).text
        await pilot.press("ctrl+n")  # the next blank
        assert box(app).selected_text == "[What's been done]"
        await pilot.press(*"Rolled back", "ctrl+n", *"Watch it", "ctrl+s")
        assert isinstance(app.screen, DrillScreen)
        assert sent(drill, "post_update")[-1].params["text"] == (
            "STATUS UPDATE\nCurrent Status: Identified\nProgress: Rolled back\nNext Steps: Watch it"
        )


async def test_next_blank_wraps_round_to_the_first(app: WarroomApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", "ctrl+t", "ctrl+n", "ctrl+n")
        assert box(app).selected_text == "[What's planned]"
        await pilot.press("ctrl+n")
        assert box(app).selected_text == "[Investigating/Identified/Monitoring]"


async def test_ctrl_a_selects_the_whole_message(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", *"first line", "enter", *"second line", "ctrl+a")
        assert box(app).selected_text == "first line\nsecond line"
        await pilot.press(*"Rolled back at 10:02.", "ctrl+s")
        assert sent(drill, "post_update")[-1].params["text"] == "Rolled back at 10:02."


async def test_the_template_goes_where_the_cursor_is(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", *"Hi all,", "enter", "ctrl+t")
        assert box(app).text == "Hi all,\n" + drill.playbook.templates.internal_update
        assert box(app).selected_text == "[Investigating/Identified/Monitoring]"


async def test_the_template_follows_the_audience(app: WarroomApp, drill: Drill) -> None:
    templates = drill.playbook.templates
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", "ctrl+t")
        composer(app).query_one("#channel-list", OptionList).focus()
        await pilot.press("down")  # status page: the untouched internal template is swapped for its own
        assert box(app).text == templates.status_page
        assert box(app).selected_text == "[brief description of issue]"
        await pilot.press("down", "down")  # executives: this playbook has no template for them
        assert box(app).text == ""
        assert "no executives template" in hint(app)
        assert composer(app).query_one("#template", Button).disabled
        await pilot.press("ctrl+t")
        assert box(app).text == ""
        await pilot.press("up")  # customers
        box(app).focus()
        await pilot.press(*"Hello", "ctrl+t")
        edited = box(app).text
        assert edited == "Hello" + templates.customers
        composer(app).query_one("#channel-list", OptionList).focus()
        await pilot.press("down")  # an edited message stays when the audience changes
        assert box(app).text == edited


async def test_a_status_page_post_sends_its_state(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c")
        composer(app).query_one("#channel-list", OptionList).focus()
        await pilot.press("down")
        assert composer(app).query_one("#state-set", RadioSet).display
        composer(app).query_one("#state-set", RadioSet).focus()
        await pilot.press("right", "enter")  # the next state: identified
        box(app).focus()
        await pilot.press(*"Fix on its way.", "ctrl+s")
        started = sent(drill, "status_page")[-1]
        assert started.params == {"state": "identified", "text": "Fix on its way."}


async def test_sending_with_a_blank_left_asks_first(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", "ctrl+t", *"Identified", "ctrl+s")
        confirm = app.screen
        assert isinstance(confirm, ConfirmModal)
        body = confirm.query_one("#confirm-body", Static).visual.plain  # type: ignore[attr-defined]
        assert body == "The message still has [What's been done] and 1 more blank: send anyway?"
        await pilot.press("n")  # back to the message, on the blank that stopped it
        assert box(app).selected_text == "[What's been done]"
        assert not sent(drill, "post_update")
        await pilot.press("ctrl+s", "y")
        assert isinstance(app.screen, DrillScreen)
        assert "Next Steps: [What's planned]" in str(sent(drill, "post_update")[-1].params["text"])


async def test_a_filled_message_goes_without_asking(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", *"All good: [see the dashboard](https://x.example)", "ctrl+s")
        assert isinstance(app.screen, DrillScreen)
        assert sent(drill, "post_update")


async def test_an_empty_message_is_not_sent(app: WarroomApp, drill: Drill) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("n", "n", "c", "ctrl+s")
        assert isinstance(app.screen, CommsModal)
        assert not sent(drill, "post_update")
        assert [n.message for n in app._notifications][-1].startswith("Write the message first.")
