"""The blanks a trainee must fill in a message: the notations the bundled playbooks and the guide use, and the
bracketed text that is not a blank."""

from __future__ import annotations

import pytest

from scenarios import PLAYBOOKS
from sim.format.loading import load_playbook
from tui.placeholders import Blank, blanks


def texts(message: str) -> list[str]:
    return [b.text for b in blanks(message)]


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("issues with [service].", ["[service]"]),
        ("Status: {status}. Impact: {impact}.", ["{status}", "{impact}"]),
        ("Affecting <service name> since <start>", ["<service name>", "<start>"]),
        ("Started: $(date)", ["$(date)"]),
        ("**IC**: @[name] in #inc-[date]-[brief-description]", ["[name]", "[date]", "[brief-description]"]),
        ("⏰ INCIDENT UPDATE [T+XX minutes]", ["[T+XX minutes]"]),
        ("**Severity**: SEV-[X]", ["[X]"]),
    ],
)
def test_each_notation_is_a_blank(message: str, found: list[str]) -> None:
    assert texts(message) == found


@pytest.mark.parametrize(
    "message",
    [
        "- [ ] Incident response team assembled\n- [x] Investigation in progress",  # Markdown checkboxes
        "See [the status page](https://status.example.com) and <https://status.example.com>.",  # links
        "**Subject**: [MindWeave] Service Disruption - We're On It",  # a mail subject's tag
        "Subject: [Resolved] Brief Service Disruption",
        "Rolled back at 10:02; error rate 0.4% and falling.",
        "[ ] and [] hold nothing to fill in",
    ],
)
def test_text_that_only_looks_like_a_blank_is_not_one(message: str) -> None:
    assert texts(message) == []


def test_a_blank_after_a_subject_tag_still_counts_and_offsets_point_at_it() -> None:
    message = "Subject: [Resolved] Brief Service Disruption - [Date]\n\n**Subject:** 🚨 [SEVERITY] Incident"
    found = blanks(message)
    assert [b.text for b in found] == ["[Date]", "[SEVERITY]"]
    assert all(message[b.start : b.end] == b.text for b in found)


@pytest.mark.parametrize(
    ("pid", "channel", "first"),
    [
        ("samplemind", "internal_update", "[SEV1/SEV2]"),
        ("samplemind", "customers", "[Date]"),
        ("mindweave", "customers", "[affected service/feature]"),
        ("findcontacts", "internal_update", "[SEVERITY]"),
        ("samia", "customers", "[service]"),
        ("alchemorsel", "internal_update", "[TIME]"),
    ],
)
def test_the_first_blank_of_bundled_templates(pid: str, channel: str, first: str) -> None:
    template = getattr(load_playbook(PLAYBOOKS / f"{pid}.yaml").templates, channel)
    assert blanks(template)[0].text == first
    # The checklist under findcontacts' alert is not a row of blanks.
    assert "[ ]" not in texts(template)


def test_a_blank_is_a_record_with_its_span() -> None:
    assert blanks("a [b] c") == [Blank("[b]", 2, 5)]
