"""Modal dialogs: each collects one decision and dismisses with it (or None when cancelled)."""
