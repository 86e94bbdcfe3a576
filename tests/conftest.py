"""Test-wide setup. Environment first: Textual reads these when it is imported."""

import os

# Animations and cursor blink make snapshots and pilot timings flaky; tests never want them.
os.environ["TEXTUAL_ANIMATIONS"] = "none"
# Keep user data (history, journals, trainee name) out of the developer's home during tests.
os.environ.setdefault("WARROOM_HOME", os.path.join(os.path.dirname(__file__), ".warroom-test-home"))
