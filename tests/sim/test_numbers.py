"""The one number format the TUI and the reports share (sim.format.numbers)."""

from __future__ import annotations

import pytest

import tui.formatting
from sim.format import numbers
from sim.format.numbers import number, quantity


@pytest.mark.parametrize(
    ("value", "live", "report"),
    [
        (10083.33, "10,083", "10,083"),
        (450.4, "450", "450"),
        (94.83, "94.8", "94.8"),
        (80.0, "80.0", "80"),
        (6.1, "6.10", "6.1"),
        (5.0, "5.00", "5"),
        (0.4271, "0.43", "0.43"),
        (0.0, "0.00", "0"),
        (-0.001, "0.00", "0"),  # rounds to zero: no "-0.00"
        (-2.5, "-2.50", "-2.5"),
        (-1500.0, "-1,500", "-1,500"),
    ],
)
def test_number_live_keeps_its_width_and_a_report_trims(value: float, live: str, report: str) -> None:
    assert number(value) == live
    assert number(value, trim=True) == report


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (10083.33, "records", "10,083 records"),
        (94.83, "%", "94.8%"),
        (1200.0, "$", "$1,200"),
        (-1200.0, "$", "-$1,200"),
        (12.5, "€", "€12.5"),
        (3.0, "", "3"),
    ],
)
def test_quantity_in_a_report(value: float, unit: str, shown: str) -> None:
    assert quantity(value, unit, trim=True) == shown


def test_the_tui_formats_with_the_shared_functions() -> None:
    """One definition: the screens' `number` and `quantity` are these, not a copy that could drift."""
    assert tui.formatting.number is numbers.number
    assert tui.formatting.quantity is numbers.quantity
