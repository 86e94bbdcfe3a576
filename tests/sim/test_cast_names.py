"""The cast's name data (sim/names.py, a copy of Faker's en_US data) and its draws, which journals depend on."""

from __future__ import annotations

import random
from itertools import accumulate

import pytest

from sim import names
from sim.cast import _data


def test_the_copy_matches_the_installed_faker_when_it_is_the_same_version() -> None:
    faker = pytest.importorskip("faker")
    if faker.VERSION != names.FAKER_VERSION:
        pytest.skip(f"Faker {faker.VERSION} installed, the copy is of {names.FAKER_VERSION}: compare by hand")
    current = names.from_faker()
    assert current["FIRST_NAMES"] == f'"""{names.FIRST_NAMES}"""'
    assert current["LAST_NAMES"] == f'"""{names.LAST_NAMES}"""'
    assert current["COMPANY_SUFFIXES"] == repr(names.COMPANY_SUFFIXES).replace("'", '"')


def test_blocks_round_trip_exactly() -> None:
    first, weights = names.pairs(names.FIRST_NAMES)
    assert len(first) == len(set(first)) > 600
    assert names.block(list(zip(first, weights, strict=True))) == names.FIRST_NAMES.strip("\n")


def test_names_are_drawn_as_random_choices_would() -> None:
    """The cast bisects by hand; it must give exactly what `random.choices(cum_weights=...)` gives."""
    data = _data()
    first, first_w = names.pairs(names.FIRST_NAMES)
    last, last_w = names.pairs(names.LAST_NAMES)
    first_cum, last_cum = list(accumulate(first_w)), list(accumulate(last_w))
    ours, theirs = random.Random(11), random.Random(11)
    for _ in range(500):
        expected = f"{theirs.choices(first, cum_weights=first_cum)[0]} {theirs.choices(last, cum_weights=last_cum)[0]}"
        assert data.name(ours) == expected
    assert ours.random() == theirs.random()  # and no draw more or less
