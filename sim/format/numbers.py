"""Metric values as people read them: rounded to what a glance takes in, with their unit. The one definition
the TUI and the reports share (`sim` is the package both may import)."""

from __future__ import annotations

_CURRENCIES = frozenset({"$", "€", "£"})


def number(value: float, *, trim: bool = False) -> str:
    """Enough precision to see movement, never more than a trainee can read at a glance: `10,083`, `450`,
    `94.8`, `3.79`. Locale-free, so a report's bytes never depend on the machine.

    A live value keeps its decimals so it does not jitter in width from one sample to the next; `trim` drops
    the trailing zeros a reader of a report does not need (`5.00` → `5`, `6.10` → `6.1`)."""
    magnitude = abs(value)
    if magnitude >= 1000:
        text = f"{value:,.0f}"
    elif magnitude >= 100:
        text = f"{value:.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    # A value that rounds to zero reads as zero, never "-0.00".
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


def quantity(value: float, unit: str, *, trim: bool = False) -> str:
    """A value with its unit: `12.3%`, `450 ms`, `$1,200`, `10,083 records` (`trim` as for `number`)."""
    if not unit:
        return number(value, trim=trim)
    if unit == "%":
        return f"{number(value, trim=trim)}%"
    if unit in _CURRENCIES:
        sign = "-" if value < 0 else ""
        return f"{sign}{unit}{number(abs(value), trim=trim)}"
    return f"{number(value, trim=trim)} {unit}"
