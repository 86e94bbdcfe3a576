"""Team drills: the protocol, the host and the client library (no UI; docs/protocol.md)."""
