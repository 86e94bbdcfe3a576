"""The app's screens: picker -> briefing -> drill -> debrief, plus help."""

# Width classes the CSS keys layouts to (`-narrow` below 100 columns, `-wide` from there), for both apps that
# host these screens: `warroom play`'s and `warroom review`'s.
WIDTH_BREAKPOINTS: list[tuple[int, str]] = [(0, "-narrow"), (100, "-wide")]
