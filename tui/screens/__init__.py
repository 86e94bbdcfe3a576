"""The app's screens: picker -> briefing -> drill -> debrief, plus help."""
