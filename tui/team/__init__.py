"""Team seats in the TUI: the drill port over a connection to a host, the lobby, and the team drill screens."""
