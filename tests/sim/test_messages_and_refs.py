"""The loader's new pieces: checklist phrases (whole words, `*`, named patterns), template blanks, and action
references written as an id or as `{do, with}`, with properties over generated input."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.format.messages import NAMED, ChecklistItem, blanks, compiled, read_message
from sim.format.model import ValidationError
from sim.format.refs import ActionRef
from sim.format.scenario import Inject

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)
IDS = st.from_regex(r"\A[a-z0-9][a-z0-9_.\-]{0,20}\Z")


@given(st.lists(WORD, min_size=1, max_size=4), st.lists(WORD, max_size=3), st.lists(WORD, max_size=3))
def test_a_phrase_of_words_matches_those_words_anywhere_in_any_case(
    words: list[str], before: list[str], after: list[str]
) -> None:
    phrase = " ".join(words)
    text = " ".join([*before, "  ".join(words).upper(), *after]) + "."
    assert compiled(phrase).search(text)


@given(WORD, WORD)
def test_a_phrase_matches_whole_words_only(word: str, prefix: str) -> None:
    assert not compiled(word).search(f"{prefix}{word}")
    assert compiled(f"*{word}").search(f"{prefix}{word}")


@given(st.text(max_size=60))
def test_any_phrase_text_compiles_to_a_literal_pattern(text: str) -> None:
    # Whatever characters a phrase has, they are matched as written: nothing is read as a regular expression.
    stripped = re.sub(r"\{(" + "|".join(NAMED) + r")\}|\*", "", text).strip()
    if stripped and not re.search(r"\s", stripped):
        assert compiled(stripped).search(f" {stripped} ") or not re.match(r"\w", stripped[0])


@pytest.mark.parametrize(
    ("phrase", "text", "found"),
    [
        ("customer*", "Customers cannot pay", True),
        ("customer*", "subcustomers", False),
        ("{time}", "Next update at 14:30 UTC.", True),
        ("{time}", "next update at 2pm", True),
        ("{duration}", "again in 30 minutes", True),
        ("{percent}", "errors at 12.5 %", True),
        ("{money}", "spend passed $450/h", True),
        ("{money}", "1,200 USD so far", True),
        ("{number} users", "about 3,400 users affected", True),
        ("next update", "no further updates", False),
    ],
)
def test_phrases_and_named_patterns(phrase: str, text: str, found: bool) -> None:
    assert bool(compiled(phrase).search(text)) is found


def test_an_unknown_pattern_or_an_empty_phrase_is_refused_at_load() -> None:
    with pytest.raises(ValidationError, match="unknown pattern \\{when\\}"):
        ChecklistItem.model_validate({"id": "x", "ask": "y", "any": ["at {when}"]})
    with pytest.raises(ValidationError, match="at least one word"):
        ChecklistItem.model_validate({"id": "x", "ask": "y", "any": ["  "]})


@given(st.text(alphabet=st.characters(codec="utf-8", blacklist_characters="[]{}<>$"), max_size=80))
def test_text_without_brackets_has_no_blanks(text: str) -> None:
    assert blanks(text) == []


@given(st.text(alphabet="abcdefghij ", max_size=30), st.from_regex(r"\A[A-Za-z][A-Za-z ]{0,15}\Z"))
def test_a_bracketed_word_left_in_a_message_is_a_blank(text: str, word: str) -> None:
    for blank in (f"[{word}]", f"{{{word.strip().replace(' ', '_')}}}", f"<{word.strip()}>"):
        assert blank in blanks(f"{text} {blank} {text}")
        assert read_message(f"{text} {blank}", []).share == 0.0


def test_look_alikes_are_not_blanks() -> None:
    assert blanks("- [ ] Team assembled\n- [x] Channel open") == []
    assert blanks("See [the status page](https://status.example) and <https://x.example>.") == []
    assert blanks("Subject: [MindWeave] Checkout down") == []


# -- action references ------------------------------------------------------------------------------------


@given(IDS)
def test_an_id_is_a_reference_to_the_action_with_any_parameters(action: str) -> None:
    inject = Inject.model_validate({"id": "i", "kind": "chat", "text": "t", "trigger": {"after_action": action},
                                    "unless": [action]})  # fmt: skip
    ref = inject.trigger.after_action
    assert ref == inject.unless[0] and ref is not None
    assert (ref.do, ref.with_, str(ref)) == (action, {}, action)
    assert ref.matches(action, {"anything": "at all"})
    assert inject.model_dump(mode="json", by_alias=True)["unless"] == [action]


PRINTABLE = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=10)


@given(IDS, st.dictionaries(IDS, PRINTABLE, min_size=1, max_size=3))
def test_a_mapping_names_the_parameters_it_must_be_taken_with(action: str, params: dict[str, str]) -> None:
    ref = ActionRef.model_validate({"do": action, "with": params})
    assert ref.matches(action, {**params, "other": "x"})
    assert not ref.matches(action, {k: v + "!" for k, v in params.items()})
    inject = Inject.model_validate({"id": "i", "kind": "chat", "text": "t", "trigger": {"at": "1m"},
                                    "unless": [{"do": action, "with": params}]})  # fmt: skip
    assert inject.model_dump(mode="json", by_alias=True)["unless"] == [{"do": action, "with": params}]


@pytest.mark.parametrize("bad", [5, "bad id", {"with": {"contact": "x"}}, {"do": "page", "width": {}}, []])
def test_a_malformed_reference_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        Inject.model_validate({"id": "i", "kind": "chat", "text": "t", "trigger": {"at": "1m"}, "unless": [bad]})
